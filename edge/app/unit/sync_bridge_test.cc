// SyncBridge: the sync ports on a real SQLite store — a message's effect and
// its inbox record in one transaction, refusals that leave nothing behind,
// dead letters with message.rejected, held messages that survive a restart —
// and the whole path with a real mosquitto: the OMS's message in, the
// store's events out, a restart in the middle of a gap.
#include "edge/app/sync_bridge.h"

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <future>
#include <thread>

#include "edge/app/system_clock.h"
#include "edge/sync/client.h"
#include "edge/testing/mosquitto.h"
#include "edge/testing/mqtt_client.h"
#include "edge/testing/temp_dir.h"

namespace edge::app {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;
using core::Status;

class SyncBridgeTest : public ::testing::Test {
 protected:
  SyncBridgeTest() { Open(); }
  void Open() {
    bridge_.reset();
    store_.reset();
    store::StoreOptions o;
    o.path = dir_.File("storeedge.db");
    o.store_id = "S042";
    auto s = store::Store::Open(o, clock_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    bridge_ = std::make_unique<SyncBridge>(*store_);
  }
  static sync::InboundMessage Msg(const std::string& stream, int64_t seq, const std::string& type,
                                  const std::string& data = R"({"order_id":"O-1"})") {
    sync::InboundMessage m;
    m.topic = "oms/v1/stores/S042/" + stream;
    m.stream = stream;
    m.seq = seq;
    m.id = stream + "-" + std::to_string(seq);
    m.type = type;
    m.ts = "2026-11-27T10:15:03.120Z";
    m.data_json = data;
    m.payload = "{…}";
    return m;
  }
  int64_t Count(const std::string& sql) { return *store_->db().QueryInt(sql); }

  edge::testing::TempDir dir_;
  core::ManualClock clock_{core::FromUnixMillis(1795774503120)};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<SyncBridge> bridge_;
};

TEST_F(SyncBridgeTest, AppliesWithTheHandlerInOneTransaction) {
  std::string seen_order;
  bridge_->Register("order.routed", [&](InboundContext& ctx) -> Status {
    seen_order = ctx.data["order_id"].get<std::string>();
    // An answer event in the same transaction.
    auto seq = ctx.store.AppendEvent(ctx.txn, "e-1", "order.accepted", R"({"order_id":"O-1"})");
    return seq.ok() ? Status::Ok() : seq.status();
  });
  ASSERT_TRUE(bridge_->Hold("orders", 1, "orders-1", "{held}").ok());
  auto r = bridge_->Apply(Msg("orders", 1, "order.routed"), false);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->result, sync::ApplyResult::kApplied);
  EXPECT_EQ(seen_order, "O-1");
  EXPECT_EQ(*bridge_->NextSeq("orders"), 2);
  EXPECT_TRUE(*store_->InboxContains("orders-1"));
  EXPECT_EQ(Count("SELECT count(*) FROM held"), 0);
  auto pending = bridge_->Pending(0, 10);
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].type, "order.accepted");

  // The same id again: no second effect, its slot consumed.
  seen_order.clear();
  auto again = bridge_->Apply(Msg("orders", 1, "order.routed"), false);
  EXPECT_EQ(again->result, sync::ApplyResult::kDuplicate);
  EXPECT_EQ(seen_order, "");
  EXPECT_EQ(*bridge_->Depth(), 1);
}

TEST_F(SyncBridgeTest, ABatchCommitsOnceAndARefusalInsideItLeavesNothing) {
  int printed = 0;
  bridge_->Register("order.routed", [&](InboundContext& ctx) -> Status {
    auto seq = ctx.store.AppendEvent(ctx.txn, "e-" + ctx.message.id, "order.accepted", "{}");
    if (!seq.ok()) return seq.status();
    ctx.after_commit.push_back([&] { ++printed; });
    return Status::Ok();
  });
  bridge_->Register("order.updated", [&](InboundContext& ctx) -> Status {
    (void)ctx.store.AppendEvent(ctx.txn, "e-bad", "order.accepted", "{}");
    return Status::InvalidArgument("order_id: 'X' is unknown");
  });
  ASSERT_TRUE(bridge_->BeginBatch().ok());
  EXPECT_EQ(bridge_->Apply(Msg("orders", 1, "order.routed"), false)->result, sync::ApplyResult::kApplied);
  EXPECT_EQ(bridge_->Apply(Msg("orders", 2, "order.updated"), false)->result, sync::ApplyResult::kInvalid);
  ASSERT_TRUE(bridge_->Reject({}, false, R"({"reason":"x"})").ok());
  EXPECT_EQ(bridge_->Apply(Msg("orders", 3, "order.routed"), false)->result, sync::ApplyResult::kApplied);
  EXPECT_EQ(printed, 0) << "after_commit waits for the batch's commit";
  // Another connection sees nothing before the commit.
  {
    auto other = store::Database::Open(dir_.File("storeedge.db"), store::Database::Mode::kReadOnly);
    ASSERT_TRUE(other.ok());
    EXPECT_EQ(*(*other)->QueryInt("SELECT count(*) FROM inbox"), 0);
  }
  ASSERT_TRUE(bridge_->EndBatch().ok());
  EXPECT_EQ(printed, 2);
  EXPECT_EQ(Count("SELECT count(*) FROM inbox"), 2);
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE type = 'order.accepted'"), 2)
      << "the refused one's is gone";
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE type = 'message.rejected'"), 1);

  // A batch that fails to commit keeps nothing and runs nothing.
  ASSERT_TRUE(bridge_->BeginBatch().ok());
  EXPECT_EQ(bridge_->Apply(Msg("orders", 4, "order.routed"), false)->result, sync::ApplyResult::kApplied);
  ASSERT_TRUE(store_->db().Exec("CREATE TABLE doomed (x)").ok());
  bridge_.reset();  // destroyed mid-batch: rolled back
  bridge_ = std::make_unique<SyncBridge>(*store_);
  EXPECT_EQ(printed, 2);
  EXPECT_EQ(Count("SELECT count(*) FROM inbox"), 2);
  EXPECT_EQ(Count("SELECT count(*) FROM sqlite_master WHERE name = 'doomed'"), 0);
}

TEST_F(SyncBridgeTest, RefusalsAndFailuresLeaveNothingBehind) {
  bridge_->Register("inventory.delta", [&](InboundContext& ctx) -> Status {
    (void)ctx.store.AppendEvent(ctx.txn, "e-x", "inventory.adjusted", "{}");
    return Status::InvalidArgument("sku 'X' is unknown");
  });
  bridge_->Register("order.updated", [&](InboundContext& ctx) -> Status {
    (void)ctx.store.AppendEvent(ctx.txn, "e-y", "order.accepted", "{}");
    return Status::Unavailable("printer offline");
  });
  bridge_->Register("order.cancel_requested",
                    [](InboundContext&) -> Status { throw std::runtime_error("bug"); });
  auto invalid = bridge_->Apply(Msg("inventory", 1, "inventory.delta"), false);
  ASSERT_TRUE(invalid.ok());
  EXPECT_EQ(invalid->result, sync::ApplyResult::kInvalid);
  EXPECT_EQ(invalid->reason, "invalid data: sku 'X' is unknown");

  auto failed = bridge_->Apply(Msg("orders", 1, "order.updated"), false);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), core::StatusCode::kUnavailable);

  auto threw = bridge_->Apply(Msg("orders", 1, "order.cancel_requested"), false);
  ASSERT_TRUE(threw.ok());
  EXPECT_EQ(threw->reason, "refused: internal: handler threw: bug");

  auto unsupported = bridge_->Apply(Msg("shipments", 1, "shipment.label"), false);
  ASSERT_TRUE(unsupported.ok());
  EXPECT_EQ(unsupported->result, sync::ApplyResult::kInvalid);
  EXPECT_EQ(unsupported->reason, "unsupported type (no handler)");

  EXPECT_EQ(Count("SELECT count(*) FROM outbox"), 0) << "the handlers' events were rolled back";
  EXPECT_EQ(Count("SELECT count(*) FROM inbox"), 0);
  EXPECT_EQ(*bridge_->NextSeq("orders"), 1);
  EXPECT_EQ(*bridge_->NextSeq("inventory"), 1);

  // Control messages are recorded without a handler.
  auto control = bridge_->Apply(Msg("control", 1, "sync.replay", R"({"from_seq":1})"), true);
  EXPECT_EQ(control->result, sync::ApplyResult::kApplied);
  EXPECT_EQ(*bridge_->NextSeq("control"), 2);
}

TEST_F(SyncBridgeTest, RejectKeepsADeadLetterAndTellsTheOms) {
  ASSERT_TRUE(bridge_->Hold("orders", 4, "m-4", "{raw 4}").ok());
  sync::Rejection r;
  r.topic = "oms/v1/stores/S042/orders";
  r.payload = "{raw 4}";
  r.id = "m-4";
  r.stream = "orders";
  r.seq = 4;
  r.reason = "missing field 'type'";
  ASSERT_TRUE(
      bridge_->Reject(r, true, R"({"id":"m-4","stream":"orders","seq":4,"reason":"missing field 'type'"})")
          .ok());
  EXPECT_EQ(*bridge_->NextSeq("orders"), 5);
  EXPECT_EQ(Count("SELECT count(*) FROM held"), 0);
  auto st = store_->db().Prepare("SELECT topic, message_id, stream, seq, reason, payload FROM dead_letters");
  ASSERT_TRUE(st.ok());
  ASSERT_TRUE(*st->Step());
  EXPECT_EQ(st->Text(0), "oms/v1/stores/S042/orders");
  EXPECT_EQ(st->Text(1), "m-4");
  EXPECT_EQ(st->Int64(3), 4);
  EXPECT_EQ(st->Text(4), "missing field 'type'");
  EXPECT_EQ(st->Blob(5), "{raw 4}");
  auto events = bridge_->Pending(0, 10);
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0].type, "message.rejected");
  EXPECT_EQ((*events)[0].data_json,
            R"({"id":"m-4","stream":"orders","seq":4,"reason":"missing field 'type'"})");
  EXPECT_EQ((*events)[0].id.size(), 36u);  // a UUID

  // Without a readable slot nothing is consumed.
  sync::Rejection bad;
  bad.topic = r.topic;
  bad.payload = "{oops";
  bad.reason = "malformed JSON at byte 2";
  ASSERT_TRUE(bridge_->Reject(bad, false, R"({"reason":"malformed JSON at byte 2"})").ok());
  EXPECT_EQ(*bridge_->NextSeq("orders"), 5);
  EXPECT_EQ(*store_->DeadLetterCount(), 2);
}

TEST_F(SyncBridgeTest, HeldMessagesAreDurable) {
  ASSERT_TRUE(bridge_->Hold("orders", 3, "o-3", "payload three").ok());
  ASSERT_TRUE(bridge_->Hold("orders", 3, "o-3b", "another copy").ok());  // first copy kept
  ASSERT_TRUE(bridge_->Hold("control", 9, "c-9", "nine").ok());
  Open();  // a restart
  auto seqs = bridge_->HeldSeqs();
  ASSERT_TRUE(seqs.ok());
  EXPECT_EQ(*seqs, (std::vector<std::pair<std::string, int64_t>>{{"control", 9}, {"orders", 3}}));
  EXPECT_EQ(**bridge_->HeldPayload("orders", 3), "payload three");
  EXPECT_FALSE(bridge_->HeldPayload("orders", 4)->has_value());
}

TEST_F(SyncBridgeTest, OutboxPortsMapTheStore) {
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(bridge_->Append("inventory.adjusted", R"({"sku":"A"})").ok());
  ASSERT_TRUE(bridge_->MarkPublished(1).ok());
  ASSERT_TRUE(bridge_->MarkPublished(1).ok());  // idempotent
  EXPECT_EQ(*bridge_->Depth(), 2);
  auto pending = bridge_->Pending(0, 10);
  ASSERT_EQ(pending->size(), 2u);
  EXPECT_EQ((*pending)[0].seq, 2);
  EXPECT_FALSE((*pending)[0].published);
  auto all = bridge_->EventsFrom(1, 10);
  ASSERT_EQ(all->size(), 3u);
  EXPECT_TRUE((*all)[0].published);
  EXPECT_EQ((*all)[0].created_ms, 1795774503120);
  EXPECT_EQ((*all)[0].data_json, R"({"sku":"A"})");
}

TEST_F(SyncBridgeTest, MarksOfAcknowledgedEventsKeepTheSyncSettingAndJoinACallersTransaction) {
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(bridge_->Append("inventory.adjusted", R"({"sku":"A"})").ok());
  const int64_t level = Count("PRAGMA synchronous");
  EXPECT_EQ(level, 2) << "the store's default is FULL";
  ASSERT_TRUE(bridge_->MarkPublishedMany({1, 2}).ok());
  EXPECT_EQ(*bridge_->Depth(), 2);
  EXPECT_EQ(Count("PRAGMA synchronous"), level) << "restored after the mark's own commit";
  {
    auto txn = store::Transaction::Begin(store_->db());
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE(bridge_->MarkPublishedMany({3}).ok());
    EXPECT_EQ(Count("PRAGMA synchronous"), level);
    EXPECT_EQ(*bridge_->Depth(), 1);
  }  // the caller's transaction rolled back, and the mark with it
  EXPECT_EQ(*bridge_->Depth(), 2);
  ASSERT_TRUE(bridge_->MarkPublishedMany({4}).ok());
  Open();
  EXPECT_EQ(*bridge_->Depth(), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE published IS NOT NULL"), 3);
  EXPECT_EQ(Count("PRAGMA synchronous"), level);
}

// ---- with a real broker ----

// The node's io_context on its own thread; the test drives it with Run().
class Loop {
 public:
  Loop() : work_(boost::asio::make_work_guard(io_)), thread_([this] { io_.run(); }) {}
  ~Loop() {
    work_.reset();
    io_.stop();
    thread_.join();
  }
  template <typename F>
  auto Run(F f) -> decltype(f()) {
    std::packaged_task<decltype(f())()> task(std::move(f));
    auto result = task.get_future();
    boost::asio::post(io_, [&task] { task(); });
    result.wait();
    return result.get();
  }
  // Checks pred() on the io_context every 10 ms (a timer there, not a sleep
  // here) until it holds or `timeout` passes.
  bool Until(std::function<bool()> pred, std::chrono::milliseconds timeout = 20s) {
    auto done = std::make_shared<std::promise<bool>>();
    auto timer = std::make_shared<boost::asio::steady_timer>(io_);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    auto check = std::make_shared<std::function<void()>>();
    *check = [pred, done, timer, deadline, weak = std::weak_ptr<std::function<void()>>(check)] {
      if (pred()) return done->set_value(true);
      if (std::chrono::steady_clock::now() >= deadline) return done->set_value(false);
      timer->expires_after(10ms);
      timer->async_wait([weak](const boost::system::error_code& ec) {
        if (auto c = weak.lock(); c && !ec) (*c)();
      });
    };
    boost::asio::post(io_, [check] { (*check)(); });
    const bool ok = done->get_future().get();
    Run([check] {});
    return ok;
  }
  boost::asio::io_context& io() { return io_; }

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::thread thread_;
};

std::string Envelope(const std::string& stream, int64_t seq, const std::string& type, const json& data) {
  return json{{"id", "c-" + stream + "-" + std::to_string(seq)},
              {"type", type},
              {"store", "S042"},
              {"stream", stream},
              {"seq", seq},
              {"ts", "2026-11-27T10:15:03.120Z"},
              {"data", data}}
      .dump();
}

TEST(SyncBridgeBroker, OrdersInEventsOutAndAGapAcrossARestart) {
  edge::testing::TempDir dir;
  edge::testing::Mosquitto broker(dir);
  edge::testing::MqttTestClient::Options co;
  co.uri = broker.uri();
  co.client_id = "oms-central-test";
  edge::testing::MqttTestClient central(co);
  ASSERT_TRUE(central.Connect());
  ASSERT_EQ(central.Subscribe("oms/v1/stores/S042/events"), 1);
  ASSERT_EQ(central.Subscribe("oms/v1/stores/S042/status"), 1);

  SystemClock clock;
  store::StoreOptions so;
  so.path = dir.File("storeedge.db");
  so.store_id = "S042";
  sync::SyncOptions opts;
  opts.store_id = "S042";
  opts.uri = broker.uri();
  opts.reconnect_min = 50ms;
  opts.reconnect_max = 400ms;
  opts.gap_timeout = 10s;  // no replay request in this test
  opts.outbox_poll = 100ms;
  std::vector<std::string> routed;

  struct Node {
    std::unique_ptr<store::Store> store;
    std::unique_ptr<SyncBridge> bridge;
    std::unique_ptr<sync::SyncClient> client;
  };
  Loop loop;
  auto start = [&]() {
    return loop.Run([&]() -> std::unique_ptr<Node> {
      auto n = std::make_unique<Node>();
      auto s = store::Store::Open(so, clock);
      if (!s.ok()) return nullptr;
      n->store = std::move(s).value();
      n->bridge = std::make_unique<SyncBridge>(*n->store);
      n->bridge->Register("order.routed", [&routed](InboundContext& ctx) -> Status {
        routed.push_back(ctx.message.id);
        return ctx.store
            .AppendEvent(ctx.txn, "acc-" + ctx.message.id, "order.accepted", ctx.message.data_json)
            .status();
      });
      auto c = sync::SyncClient::Create(loop.io(), opts, *n->bridge, *n->bridge, clock);
      if (!c.ok() || !(*c)->Start().ok()) return nullptr;
      n->client = std::move(c).value();
      return n;
    });
  };
  auto stop = [&](std::unique_ptr<Node> n) {
    std::promise<void> done;
    loop.Run([&] { n->client->Stop(3s, [&] { done.set_value(); }); });
    done.get_future().wait();
    loop.Run([&] { n.reset(); });
  };
  auto next_seq = [&](Node& n) { return loop.Run([&] { return *n.store->NextSeq("orders"); }); };
  auto online = [](size_t k) {
    return [k](const std::vector<edge::testing::MqttMessage>& m) {
      size_t n = 0;
      for (const auto& x : m) n += x.payload.find("\"online\"") != std::string::npos ? 1 : 0;
      return n >= k;
    };
  };

  auto node = start();
  ASSERT_TRUE(node);
  ASSERT_TRUE(central.WaitFor(online(1)));
  const std::string orders = "oms/v1/stores/S042/orders";
  ASSERT_TRUE(central.Publish(orders, Envelope("orders", 1, "order.routed", {{"order_id", "O-1"}})));
  ASSERT_TRUE(central.Publish(orders, Envelope("orders", 3, "order.routed", {{"order_id", "O-3"}})));
  ASSERT_TRUE(central.Publish("oms/v1/stores/S042/shipments",
                              Envelope("shipments", 1, "shipment.label", {{"order_id", "O-1"}})));
  // O-1's answer and the refusal of the label (no handler yet) reach the OMS.
  ASSERT_TRUE(central.WaitFor([](auto& m) {
    size_t n = 0;
    for (const auto& x : m) n += x.topic == "oms/v1/stores/S042/events" ? 1 : 0;
    return n >= 2;
  }));
  std::vector<json> events;
  for (const auto& m : central.MessagesOn("oms/v1/stores/S042/events"))
    events.push_back(json::parse(m.payload));
  EXPECT_EQ(events[0]["type"], "order.accepted");
  EXPECT_EQ(events[0]["id"], "acc-c-orders-1");
  EXPECT_EQ(events[0]["data"], json({{"order_id", "O-1"}}));
  EXPECT_EQ(events[1]["type"], "message.rejected");
  EXPECT_EQ(events[1]["data"], json({{"id", "c-shipments-1"},
                                     {"stream", "shipments"},
                                     {"seq", 1},
                                     {"reason", "unsupported type (no handler)"}}));
  EXPECT_EQ(next_seq(*node), 2);  // 3 is held, in SQLite

  // A restart with the gap open: the held message survives and is applied
  // when 2 arrives.
  stop(std::move(node));
  node = start();
  ASSERT_TRUE(node);
  ASSERT_TRUE(central.WaitFor(online(2)));
  ASSERT_TRUE(central.Publish(orders, Envelope("orders", 2, "order.routed", {{"order_id", "O-2"}})));
  // 2 fills the gap; 3 follows from SQLite; each answer reaches the OMS and
  // is acknowledged in the outbox.
  ASSERT_TRUE(loop.Until([&] {
    auto depth = node->store->OutboxDepth();
    return *node->store->NextSeq("orders") == 4 && depth.ok() && *depth == 0;
  }));
  EXPECT_EQ(routed, (std::vector<std::string>{"c-orders-1", "c-orders-2", "c-orders-3"}));
  ASSERT_TRUE(central.WaitFor([](auto& m) {
    size_t n = 0;
    for (const auto& x : m) n += x.topic == "oms/v1/stores/S042/events" ? 1 : 0;
    return n >= 4;
  }));
  const auto st = loop.Run([&] { return node->client->GetStatus(); });
  EXPECT_TRUE(st.connected);
  EXPECT_EQ(st.last_seq.at("orders"), 3);
  stop(std::move(node));
  auto db = store::Store::Open(so, clock);
  ASSERT_TRUE(db.ok());
  EXPECT_EQ(*(*db)->OutboxDepth(), 0);
  EXPECT_EQ(*(*db)->DeadLetterCount(), 1);
}

}  // namespace
}  // namespace edge::app
