// InboundProcessor on the ports, time from a ManualClock: duplicates,
// reordering, gaps and replay requests, malformed and refused messages — the
// exact events and state that follow — without a broker.
#include "edge/sync/inbound.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "memory_store.h"

namespace edge::sync {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;
using test_support::MemoryStore;

const std::string kOrders = "oms/v1/stores/S042/orders";
const std::string kControl = "oms/v1/stores/S042/control";

std::string Msg(int64_t seq, const std::string& type = "order.routed", const std::string& stream = "orders",
                json data = json{{"order_id", "O-1"}}, std::string id = "") {
  json j = {{"id", id.empty() ? stream + "-" + std::to_string(seq) : id},
            {"type", type},
            {"store", "S042"},
            {"stream", stream},
            {"seq", seq},
            {"ts", "2026-11-27T10:15:03.120Z"},
            {"data", std::move(data)}};
  return j.dump();
}

class InboundTest : public ::testing::Test {
 protected:
  InboundTest() {
    for (const std::string& t : InboundTypes("orders")) {
      store_.Register(t, [](const InboundMessage&) { return core::Status::Ok(); });
    }
  }
  InboundProcessor Make() {
    InboundProcessor p({"S042", 5s, 60s, 1s}, store_, store_, clock_);
    EXPECT_TRUE(p.Load().ok());
    return p;
  }
  std::vector<int64_t> AppliedSeqs() {
    std::vector<int64_t> out;
    for (const auto& m : store_.applied()) out.push_back(m.seq);
    return out;
  }
  std::vector<json> EventData(const std::string& type) {
    std::vector<json> out;
    for (const auto& e : store_.events_of_type(type)) out.push_back(json::parse(e.data_json));
    return out;
  }

  MemoryStore store_;
  core::ManualClock clock_{core::FromUnixMillis(1795774503000)};
};

TEST_F(InboundTest, AppliesInOrderAndDropsDuplicates) {
  auto p = Make();
  p.OnMessage(kOrders, Msg(1));
  p.OnMessage(kOrders, Msg(2));
  p.OnMessage(kOrders, Msg(1));  // redelivered: below next
  p.OnMessage(kOrders, Msg(3, "order.routed", "orders", json{{"order_id", "O-1"}}, "orders-2"));  // id seen
  EXPECT_EQ(AppliedSeqs(), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(store_.next("orders"), 4);  // the duplicate id still consumed seq 3
  EXPECT_EQ(p.counters().duplicates, 2);
  EXPECT_TRUE(store_.dead_letters().empty());
  EXPECT_TRUE(store_.events().empty());
}

TEST_F(InboundTest, ReorderedMessagesAreHeldThenAppliedInOrder) {
  auto p = Make();
  p.OnMessage(kOrders, Msg(3));
  p.OnMessage(kOrders, Msg(2));
  p.OnMessage(kOrders, Msg(3));  // held already: a duplicate
  EXPECT_TRUE(store_.applied().empty());
  EXPECT_EQ(store_.held_count(), 2u);
  p.OnMessage(kOrders, Msg(1));
  EXPECT_EQ(AppliedSeqs(), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(store_.held_count(), 0u);
  EXPECT_EQ(store_.next("orders"), 4);
  EXPECT_EQ(p.counters().held, 2);
  EXPECT_FALSE(p.NextDeadline());
}

TEST_F(InboundTest, AGapAsksForAReplayAfterGapTimeoutAndKeepsWaiting) {
  auto p = Make();
  p.OnMessage(kOrders, Msg(1));
  p.OnMessage(kOrders, Msg(4));
  ASSERT_EQ(p.NextDeadline(), clock_.Now() + 5s);
  clock_.Advance(4s);
  p.OnTimer();
  EXPECT_TRUE(store_.events().empty());
  clock_.Advance(1s);
  p.OnTimer();
  ASSERT_EQ(EventData("sync.replay_requested"), (std::vector<json>{{{"stream", "orders"}, {"from_seq", 2}}}));
  clock_.Advance(10s);  // still open: asked again, 10 s later
  p.OnTimer();
  EXPECT_EQ(EventData("sync.replay_requested").size(), 2u);
  p.OnMessage(kOrders, Msg(2));
  p.OnMessage(kOrders, Msg(3));
  EXPECT_EQ(AppliedSeqs(), (std::vector<int64_t>{1, 2, 3, 4}));
  EXPECT_FALSE(p.NextDeadline());
  EXPECT_EQ(p.counters().replay_requests, 2);
}

TEST_F(InboundTest, ReplayRequestsWaitForAConnection) {
  auto p = Make();
  p.OnMessage(kOrders, Msg(3));
  clock_.Advance(60s);  // the whole time without a broker
  EXPECT_FALSE(p.NextDeadline(/*include_replays=*/false));
  p.OnTimer(/*request_replays=*/false);
  EXPECT_TRUE(store_.events().empty());
  p.OnTimer(true);  // connected again: one request, not one per interval
  EXPECT_EQ(EventData("sync.replay_requested"), (std::vector<json>{{{"stream", "orders"}, {"from_seq", 1}}}));
}

TEST_F(InboundTest, MalformedMessagesAreDeadLetteredWithExactRejections) {
  auto p = Make();
  json wrong_store = json::parse(Msg(2));
  wrong_store["store"] = "S043";
  json missing_type = json::parse(Msg(3));
  missing_type.erase("type");
  json big = json::parse(Msg(4));
  big["data"]["blob"] = std::string(kMaxPayloadBytes, 'x');

  p.OnMessage(kOrders, Msg(1));
  p.OnMessage(kOrders, "{not json");          // no slot: consumes nothing
  p.OnMessage(kOrders, wrong_store.dump());   // seq 2
  p.OnMessage(kOrders, missing_type.dump());  // seq 3
  p.OnMessage(kOrders, big.dump());           // seq 4
  p.OnMessage(kOrders, Msg(5, "order.exploded"));
  p.OnMessage(kOrders, Msg(6));

  EXPECT_EQ(AppliedSeqs(), (std::vector<int64_t>{1, 6}));
  EXPECT_EQ(store_.next("orders"), 7);
  const std::vector<json> want = {
      {{"reason", "malformed JSON at byte 3"}},
      {{"id", "orders-2"},
       {"stream", "orders"},
       {"seq", 2},
       {"reason", "store 'S043' is not this store ('S042')"}},
      {{"id", "orders-3"}, {"stream", "orders"}, {"seq", 3}, {"reason", "missing field 'type'"}},
      {{"id", "orders-4"},
       {"stream", "orders"},
       {"seq", 4},
       {"reason", "payload is " + std::to_string(big.dump().size()) + " bytes, more than 1 MiB"}},
      {{"id", "orders-5"}, {"stream", "orders"}, {"seq", 5}, {"reason", "unknown type 'order.exploded'"}},
  };
  EXPECT_EQ(EventData("message.rejected"), want);
  // message.rejected keeps its field order on the wire.
  EXPECT_EQ(
      store_.events_of_type("message.rejected")[1].data_json,
      R"j({"id":"orders-2","stream":"orders","seq":2,"reason":"store 'S043' is not this store ('S042')"})j");
  const auto dead = store_.dead_letters();
  ASSERT_EQ(dead.size(), 5u);
  EXPECT_EQ(dead[0].payload, "{not json");
  EXPECT_EQ(dead[0].topic, kOrders);
  EXPECT_EQ(dead[3].payload, big.dump());
  EXPECT_EQ(p.counters().rejected, 5);
}

TEST_F(InboundTest, AMalformedMessageAheadOfAGapWaitsForItsTurn) {
  auto p = Make();
  json bad = json::parse(Msg(2));
  bad.erase("ts");
  p.OnMessage(kOrders, bad.dump());
  EXPECT_TRUE(store_.dead_letters().empty()) << "decided in seq order, when its turn comes";
  p.OnMessage(kOrders, Msg(1));
  EXPECT_EQ(store_.dead_letters().size(), 1u);
  EXPECT_EQ(store_.next("orders"), 3);
  EXPECT_EQ(EventData("message.rejected"),
            (std::vector<json>{
                {{"id", "orders-2"}, {"stream", "orders"}, {"seq", 2}, {"reason", "missing field 'ts'"}}}));
}

TEST_F(InboundTest, UnsupportedTypeAndInvalidDataAreRejected) {
  auto p = Make();
  store_.Register("inventory.delta",
                  [](const InboundMessage&) { return core::Status::InvalidArgument("sku is missing"); });
  p.OnMessage("oms/v1/stores/S042/shipments", Msg(1, "shipment.label", "shipments"));
  p.OnMessage("oms/v1/stores/S042/inventory", Msg(1, "inventory.delta", "inventory"));
  EXPECT_EQ(EventData("message.rejected"), (std::vector<json>{{{"id", "shipments-1"},
                                                               {"stream", "shipments"},
                                                               {"seq", 1},
                                                               {"reason", "unsupported type (no handler)"}},
                                                              {{"id", "inventory-1"},
                                                               {"stream", "inventory"},
                                                               {"seq", 1},
                                                               {"reason", "invalid data: sku is missing"}}}));
  EXPECT_EQ(store_.next("shipments"), 2);
  EXPECT_EQ(store_.next("inventory"), 2);
}

TEST_F(InboundTest, AFailedApplyIsRetriedNotLost) {
  auto p = Make();
  store_.FailApply(core::Status::Unavailable("database is locked"), 2);
  p.OnMessage(kOrders, Msg(1));
  p.OnMessage(kOrders, Msg(2));  // waits behind 1
  EXPECT_TRUE(store_.applied().empty());
  EXPECT_EQ(store_.held_count(), 2u);
  ASSERT_EQ(p.NextDeadline(), clock_.Now() + 1s);
  clock_.Advance(1s);
  p.OnTimer();  // fails once more
  EXPECT_TRUE(store_.applied().empty());
  clock_.Advance(1s);
  p.OnTimer();
  EXPECT_EQ(AppliedSeqs(), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(p.counters().apply_errors, 2);
}

TEST_F(InboundTest, HeldMessagesSurviveARestart) {
  {
    auto p = Make();
    p.OnMessage(kOrders, Msg(1));
    p.OnMessage(kOrders, Msg(3));
  }
  auto again = Make();
  EXPECT_EQ(again.sequencer().held_count("orders"), 1u);
  ASSERT_TRUE(again.NextDeadline());  // the gap is still open
  again.OnMessage(kOrders, Msg(2));
  EXPECT_EQ(AppliedSeqs(), (std::vector<int64_t>{1, 2, 3}));
}

TEST_F(InboundTest, ControlMessagesAreSyncsOwn) {
  auto p = Make();
  std::vector<int64_t> replays;
  p.on_replay = [&](int64_t from) { replays.push_back(from); };
  p.OnMessage(kControl, Msg(1, "sync.replay", "control", json{{"from_seq", 17}}));
  p.OnMessage(kControl, Msg(2, "sync.snapshot_follows", "control", json{{"snapshot_id", "snap-1"}}));
  p.OnMessage(kControl, Msg(3, "sync.replay", "control", json{{"from_seq", "x"}}));
  p.OnMessage(kControl, Msg(1, "sync.replay", "control", json{{"from_seq", 17}}));  // duplicate
  EXPECT_EQ(replays, (std::vector<int64_t>{17}));
  ASSERT_EQ(store_.applied().size(), 2u);  // both recorded in the inbox
  EXPECT_EQ(EventData("message.rejected"),
            (std::vector<json>{{{"id", "control-3"},
                                {"stream", "control"},
                                {"seq", 3},
                                {"reason", "field 'data.from_seq' must be a positive integer"}}}));
  EXPECT_EQ(store_.next("control"), 4);
}

TEST_F(InboundTest, MessagesOnOtherTopicsAreIgnored) {
  auto p = Make();
  p.OnMessage("oms/v1/stores/S043/orders", Msg(1));
  p.OnMessage("oms/v1/stores/S042/events", Msg(1));
  EXPECT_TRUE(store_.applied().empty());
  EXPECT_TRUE(store_.dead_letters().empty());
}

}  // namespace
}  // namespace edge::sync
