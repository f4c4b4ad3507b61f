// The running daemon as a node of the central OMS, over a real mosquitto:
// inventory and routed orders in, decisions out, exactly as PROTOCOL.md says;
// bad messages refused with message.rejected while the daemon keeps going;
// the effects in the store's database checked after each step.
#include <gtest/gtest.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <thread>

#include "edge/store/database.h"
#include "edge/testing/central.h"
#include "edge/testing/daemon.h"
#include "edge/testing/eventually.h"
#include "edge/testing/mosquitto.h"

namespace edge::testing {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

json Line(const std::string& id, const std::string& sku, int qty) {
  return {{"line_id", id}, {"sku", sku}, {"qty", qty}, {"description", "Item " + sku}, {"fulfil", "now"}};
}

// One number from the daemon's database, read as another process would
// (-1 when it cannot be read yet).
int64_t QueryOf(DaemonUnderTest& daemon, const std::string& sql) {
  auto db = store::Database::Open(daemon.db_path(), store::Database::Mode::kReadOnly);
  if (!db.ok()) return -1;
  auto v = (*db)->QueryInt(sql);
  return v.ok() ? *v : -1;
}

// A sample of the daemon's /metrics without labels or with them written
// out (`name{label="v"}`); -1 when absent.
double MetricOf(DaemonUnderTest& daemon, const std::string& key) {
  auto m = daemon.Get("/metrics");
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  if (!m.ok()) return -1;
  const size_t at = m->body.find("\n" + key + " ");
  return at == std::string::npos ? -1 : std::stod(m->body.substr(at + key.size() + 2));
}

class OmsTest : public ::testing::Test {
 protected:
  OmsTest()
      : broker_(dir_),
        daemon_(dir_, "S042", "[mqtt]\nuri = \"" + broker_.uri() + "\"\n[sync]\navailable_interval_s = 0\n"),
        central_(broker_.uri(), "S042") {}

  void SetUp() override {
    ASSERT_TRUE(central_.Connect()) << central_.client().error();
    ASSERT_TRUE(daemon_.Start()) << daemon_.Stderr();
    ASSERT_TRUE(central_.WaitForOnline()) << daemon_.Stderr();
  }

  int64_t Query(const std::string& sql) {
    auto db = store::Database::Open(daemon_.db_path(), store::Database::Mode::kReadOnly);
    EXPECT_TRUE(db.ok());
    auto v = (*db)->QueryInt(sql);
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    return v.ok() ? *v : -1;
  }

  TempDir dir_;
  Mosquitto broker_;
  DaemonUnderTest daemon_;
  CentralOms central_;
};

TEST_F(OmsTest, InventoryAndRoutedOrdersAreAppliedAndAnswered) {
  // A snapshot in two chunks: applied when the second arrives.
  central_.Send(
      "inventory", "inventory.snapshot",
      {{"snapshot_id", "snap-1"},
       {"as_of_store_seq", 0},
       {"chunk", 1},
       {"chunks", 2},
       {"items", {{{"sku", "SKU-1"}, {"gtin", "00012345678905"}, {"on_hand", 5}, {"location", "A-01-01"}}}}});
  central_.Send("inventory", "inventory.snapshot",
                {{"snapshot_id", "snap-1"},
                 {"as_of_store_seq", 0},
                 {"chunk", 2},
                 {"chunks", 2},
                 {"items", {{{"sku", "SKU-2"}, {"on_hand", 1}, {"safety_stock", 0}}}}});
  auto applied = central_.WaitForEvent([](const json& e) {
    return e["type"] == "inventory.snapshot_applied" && e["data"]["snapshot_id"] == "snap-1";
  });
  ASSERT_TRUE(applied) << daemon_.Stderr();
  EXPECT_EQ(Query("SELECT on_hand FROM items WHERE sku = 'SKU-1'"), 5);

  // An order: one line taken, one the store cannot fill.
  const json order = RoutedOrder("O-1", {Line("1", "SKU-1", 2), Line("2", "SKU-2", 3)});
  central_.Send("orders", "order.routed", order);
  auto accepted = central_.WaitForEvent("order.accepted", "O-1");
  auto rejected = central_.WaitForEvent("order.rejected", "O-1");
  ASSERT_TRUE(accepted && rejected) << daemon_.Stderr();
  EXPECT_EQ(accepted->at("data").at("lines"), json::parse(R"([{"line_id":"1","qty":2}])"));
  EXPECT_EQ(rejected->at("data").at("lines"),
            json::parse(R"([{"line_id":"2","qty":3,"reason":"insufficient_stock"}])"));
  EXPECT_EQ(accepted->at("store"), "S042");
  EXPECT_EQ(accepted->at("stream"), "events");

  // Re-routed (a new message): the same answer again, nothing reserved twice.
  central_.Send("orders", "order.routed", order);
  auto again = central_.WaitForEvents("order.accepted", 2);
  ASSERT_EQ(again.size(), 2u) << daemon_.Stderr();
  EXPECT_EQ(again[1]["data"], accepted->at("data"));
  EXPECT_NE(again[1]["id"], again[0]["id"]);
  EXPECT_EQ(Query("SELECT reserved FROM items WHERE sku = 'SKU-1'"), 2);

  // A delta the central side saw, then availability reported.
  central_.Send("inventory", "inventory.delta", {{"sku", "SKU-1"}, {"delta", 3}, {"reason", "receipt"}});
  auto available = central_.WaitForEvent([](const json& e) {
    if (e["type"] != "inventory.available") return false;
    for (const auto& i : e["data"]["items"]) {
      if (i["sku"] == "SKU-1" && i["available"] == 6) return true;  // 5 + 3 - 2 reserved
    }
    return false;
  });
  ASSERT_TRUE(available) << daemon_.Stderr();

  // Cancelled before picking: released.
  central_.Send("orders", "order.cancel_requested", {{"order_id", "O-1"}, {"reason", "customer"}});
  auto cancelled = central_.WaitForEvent("order.cancelled", "O-1");
  ASSERT_TRUE(cancelled) << daemon_.Stderr();
  EXPECT_EQ(cancelled->at("data").at("outcome"), "cancelled");
  EXPECT_EQ(Query("SELECT reserved FROM items WHERE sku = 'SKU-1'"), 0);

  // Every event the node published has its own seq, 1, 2, 3 … in order.
  const auto events = central_.Events();
  for (size_t i = 0; i < events.size(); ++i) EXPECT_EQ(events[i]["seq"], i + 1) << events[i].dump();
}

TEST_F(OmsTest, BadMessagesAreRefusedAndTheStreamGoesOn) {
  central_.Send("inventory", "inventory.snapshot",
                {{"snapshot_id", "s"},
                 {"as_of_store_seq", 0},
                 {"chunk", 1},
                 {"chunks", 1},
                 {"items", {{{"sku", "SKU-1"}, {"on_hand", 4}}}}});
  ASSERT_TRUE(central_.WaitForEvent([](const json& e) { return e["type"] == "inventory.snapshot_applied"; }))
      << daemon_.Stderr();

  // A line with qty 0: refused, naming the field; nothing applied.
  const json bad = central_.Send("orders", "order.routed", RoutedOrder("O-BAD", {Line("1", "SKU-1", 0)}));
  auto rejected = central_.WaitForEvent([&](const json& e) {
    return e["type"] == "message.rejected" && e["data"].value("id", "") == bad["id"];
  });
  ASSERT_TRUE(rejected) << daemon_.Stderr();
  EXPECT_EQ(rejected->at("data").at("stream"), "orders");
  EXPECT_EQ(rejected->at("data").at("seq"), 1);
  const std::string reason = rejected->at("data").at("reason");
  EXPECT_NE(reason.find("lines[0].qty"), std::string::npos) << reason;

  // A label for a package this store never made: refused as not found.
  const json label = central_.Send("shipments", "shipment.label",
                                   {{"order_id", "O-X"},
                                    {"package_id", "S042-P99"},
                                    {"carrier", "UPS"},
                                    {"tracking", "1Z999"},
                                    {"format", "zpl"},
                                    {"data", "XlhBXlha"}});
  auto refused = central_.WaitForEvent([&](const json& e) {
    return e["type"] == "message.rejected" && e["data"].value("id", "") == label["id"];
  });
  ASSERT_TRUE(refused) << daemon_.Stderr();
  EXPECT_NE(refused->at("data").value("reason", "").find("S042-P99"), std::string::npos) << refused->dump();

  // A delta of an unknown SKU: refused. The next good order on the stream is
  // applied (the bad one consumed its seq).
  central_.Send("inventory", "inventory.delta", {{"sku", "NOPE"}, {"delta", 1}, {"reason", "receipt"}});
  central_.Send("orders", "order.routed", RoutedOrder("O-GOOD", {Line("1", "SKU-1", 1)}));
  ASSERT_TRUE(central_.WaitForEvent("order.accepted", "O-GOOD")) << daemon_.Stderr();
  EXPECT_EQ(Query("SELECT count(*) FROM dead_letters"), 3);
  EXPECT_EQ(Query("SELECT count(*) FROM orders WHERE order_id = 'O-BAD'"), 0);
  EXPECT_EQ(Query("SELECT reserved FROM items WHERE sku = 'SKU-1'"), 1);
  EXPECT_EQ(daemon_.process().Wait(0ms), std::nullopt) << "the daemon keeps running";
}

// A node of its own for a test that starts the daemon its way (a config
// written first, an environment) or more than once: the broker, the daemon
// (not started) and the central side.
class OmsNode : public ::testing::Test {
 protected:
  OmsNode()
      : broker_(dir_),
        daemon_(dir_, "S042", "[mqtt]\nuri = \"" + broker_.uri() + "\"\n"),
        central_(broker_.uri(), "S042") {}

  // Connects the central side, starts the daemon and waits until it is online.
  void Up() {
    ASSERT_TRUE(central_.Connect()) << central_.client().error();
    ASSERT_TRUE(daemon_.Start()) << daemon_.Stderr();
    ASSERT_TRUE(central_.WaitForOnline()) << daemon_.Stderr();
  }

  TempDir dir_;
  Mosquitto broker_;
  DaemonUnderTest daemon_;
  CentralOms central_;
};
using OmsReload = OmsNode;
using OmsSnapshot = OmsNode;
using OmsWatchdog = OmsNode;
using OmsLedger = OmsNode;

// [sync] applies on SIGHUP (README), available_interval_s included: with an
// hour between inventory.available reports a second change waits; reloaded
// to 0, it is reported at once.
TEST_F(OmsReload, ANewAvailableIntervalAppliesAtOnce) {
  daemon_.WriteConfig("[sync]\navailable_interval_s = 3600\n");
  ASSERT_NO_FATAL_FAILURE(Up());
  auto reported = [&](int64_t available, std::chrono::milliseconds timeout) {
    return central_.WaitForEvent(
        [&](const json& e) {
          if (e["type"] != "inventory.available") return false;
          for (const auto& i : e["data"]["items"]) {
            if (i["sku"] == "SKU-1" && i["available"] == available) return true;
          }
          return false;
        },
        timeout);
  };
  central_.Send("inventory", "inventory.snapshot",
                {{"snapshot_id", "s"},
                 {"as_of_store_seq", 0},
                 {"chunk", 1},
                 {"chunks", 1},
                 {"items", {{{"sku", "SKU-1"}, {"on_hand", 5}}}}});
  // The first report goes at once: none was sent before.
  ASSERT_TRUE(reported(5, 20s)) << daemon_.Stderr();

  central_.Send("inventory", "inventory.delta", {{"sku", "SKU-1"}, {"delta", 1}, {"reason", "receipt"}});
  ASSERT_TRUE(
      Eventually([&] { return QueryOf(daemon_, "SELECT on_hand FROM items WHERE sku = 'SKU-1'") == 6; }, 20s))
      << daemon_.Stderr();

  daemon_.WriteConfig("[sync]\navailable_interval_s = 0\n");
  daemon_.process().Signal(SIGHUP);
  bool found = false;
  daemon_.notify().WaitFor("READY=1", 10s, &found);
  ASSERT_TRUE(found) << daemon_.Stderr();
  // Due an hour after the first report before the reload; now at the next
  // tick (half a second).
  EXPECT_TRUE(reported(6, 10s)) << daemon_.Stderr();
  EXPECT_EQ(daemon_.Stderr().find("config.restart_required"), std::string::npos) << daemon_.Stderr();
}

// A snapshot half received when the daemon stops: the broker keeps the
// other chunks for the node, and the time it was stopped (here twenty
// minutes, twice the abandon timeout, written into the pending snapshot as a
// node stopped that long would have left it) does not count against it.
TEST_F(OmsSnapshot, AStopLongerThanTheTimeoutDoesNotAbandonASnapshot) {
  ASSERT_NO_FATAL_FAILURE(Up());
  auto chunk = [](int n, const std::string& sku, int on_hand) {
    return json{{"snapshot_id", "s"},
                {"as_of_store_seq", 0},
                {"chunk", n},
                {"chunks", 2},
                {"items", {{{"sku", sku}, {"on_hand", on_hand}}}}};
  };
  auto query = [&](const std::string& sql) { return QueryOf(daemon_, sql); };
  central_.Send("inventory", "inventory.snapshot", chunk(1, "SKU-1", 4));
  ASSERT_TRUE(Eventually([&] { return query("SELECT count(*) FROM snapshot_chunks") == 1; }, 20s))
      << daemon_.Stderr();

  daemon_.process().Signal(SIGTERM);
  ASSERT_EQ(daemon_.process().Wait(15s).value_or(-1), 0) << daemon_.Stderr();
  {
    auto db = store::Database::Open(daemon_.db_path(), store::Database::Mode::kReadWrite);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)
                    ->Exec("UPDATE snapshots_pending SET last_received = last_received - 20 * 60 * 1000, "
                           "first_received = first_received - 20 * 60 * 1000")
                    .ok());
  }
  central_.Send("inventory", "inventory.snapshot", chunk(2, "SKU-2", 7));  // kept by the broker
  ASSERT_TRUE(daemon_.Start()) << daemon_.Stderr();
  auto applied = central_.WaitForEvent(
      [](const json& e) {
        return e["type"] == "inventory.snapshot_applied" && e["data"]["snapshot_id"] == "s";
      },
      20s);
  ASSERT_TRUE(applied) << daemon_.Stderr();
  EXPECT_EQ(query("SELECT on_hand FROM items WHERE sku = 'SKU-1'"), 4);
  EXPECT_EQ(query("SELECT on_hand FROM items WHERE sku = 'SKU-2'"), 7);
  EXPECT_EQ(daemon_.Stderr().find("inventory.snapshot_abandoned"), std::string::npos) << daemon_.Stderr();
}

// systemd's watchdog (WatchdogSec) restarts a daemon that stops pinging. The
// apply of a large snapshot is one long piece of work on the daemon's
// thread; were it taken for a hang, the restarted daemon would get the same
// last chunk again and be killed again. Here the watchdog wants a ping every
// 100 ms and the apply of 60,000 SKUs takes longer than that: the pings sent
// from inside it show in /metrics, and the daemon is the one that started.
TEST_F(OmsWatchdog, ALongSnapshotApplyKeepsPingingTheWatchdog) {
  ASSERT_TRUE(central_.Connect()) << central_.client().error();
  ASSERT_TRUE(daemon_.Start(30s, {{"WATCHDOG_USEC", "200000"}})) << daemon_.Stderr();
  // systemd reads its socket as datagrams come; a full queue would block the
  // daemon's sends.
  std::atomic<bool> done{false};
  std::thread reader([&] {
    while (!done) daemon_.notify().Receive(100ms);
  });
  struct Join {
    std::atomic<bool>& done;
    std::thread& t;
    ~Join() {
      done = true;
      t.join();
    }
  } join{done, reader};
  ASSERT_TRUE(central_.WaitForOnline()) << daemon_.Stderr();
  auto metric = [&](const std::string& key) { return MetricOf(daemon_, key); };
  const std::string by_timer = "storeedge_watchdog_pings_total{by=\"timer\"}";
  const std::string by_statement = "storeedge_watchdog_pings_total{by=\"statement\"}";
  // The timer's pings are counted (and paced: they are the last ping a
  // statement's pings are measured from).
  EXPECT_GE(metric(by_timer), 1);
  const double before = metric(by_statement);
  ASSERT_GE(before, 0);

  constexpr int kChunks = 12;
  constexpr int kPerChunk = 5000;
  for (int c = 0; c < kChunks; ++c) {
    json items = json::array();
    for (int i = c * kPerChunk; i < (c + 1) * kPerChunk; ++i) {
      items.push_back({{"sku", "SKU-" + std::to_string(i)},
                       {"on_hand", i % 7},
                       {"location", "A-" + std::to_string(10 + i % 40) + "-01"}});
    }
    central_.Send("inventory", "inventory.snapshot",
                  {{"snapshot_id", "big"},
                   {"as_of_store_seq", 0},
                   {"chunk", c + 1},
                   {"chunks", kChunks},
                   {"items", std::move(items)}});
  }
  auto applied = central_.WaitForEvent(
      [](const json& e) {
        return e["type"] == "inventory.snapshot_applied" && e["data"]["snapshot_id"] == "big";
      },
      120s);
  ASSERT_TRUE(applied) << daemon_.Stderr();

  // The apply held the thread past a ping's due time: pinged from inside it.
  EXPECT_GT(metric(by_statement), before);
  EXPECT_GE(metric(by_timer), 1);
  EXPECT_EQ(metric("storeedge_watchdog_pings_dropped_total"), 0);
  auto db = store::Database::Open(daemon_.db_path(), store::Database::Mode::kReadOnly);
  ASSERT_TRUE(db.ok());
  EXPECT_EQ(*(*db)->QueryInt("SELECT count(*) FROM items"), kChunks * kPerChunk);
}

// [store] ledger_retention_days. The node's ledger rows are aged by 40 days
// while it is stopped, as time would have. Kept whole with 0; folded into
// one carried-forward row per SKU and location when a reload sets 30, and
// at a start. Figures and what later orders get are unchanged; the newest
// row and the node's own rows no snapshot holds yet are kept.
TEST_F(OmsLedger, RowsOlderThanTheRetentionFoldAfterAReloadAndAtStart) {
  daemon_.WriteConfig("", "ledger_retention_days = 0\n");
  ASSERT_NO_FATAL_FAILURE(Up());
  auto query = [&](const std::string& sql) { return QueryOf(daemon_, sql); };
  auto folded = [&] { return MetricOf(daemon_, "storeedge_ledger_rows_folded_total"); };
  auto snapshot = [&](const std::string& id, int64_t as_of, int on_hand) {
    central_.Send("inventory", "inventory.snapshot",
                  {{"snapshot_id", id},
                   {"as_of_store_seq", as_of},
                   {"chunk", 1},
                   {"chunks", 1},
                   {"items", {{{"sku", "SKU-1"}, {"on_hand", on_hand}}}}});
    return central_.WaitForEvent(
        [&](const json& e) {
          return e["type"] == "inventory.snapshot_applied" && e["data"]["snapshot_id"] == id;
        },
        20s);
  };
  auto restart_aged = [&] {
    daemon_.process().Signal(SIGTERM);
    ASSERT_EQ(daemon_.process().Wait(15s).value_or(-1), 0) << daemon_.Stderr();
    {
      auto db = store::Database::Open(daemon_.db_path(), store::Database::Mode::kReadWrite);
      ASSERT_TRUE(db.ok());
      ASSERT_TRUE((*db)->Exec("UPDATE ledger SET at = at - 40 * 86400000").ok());
    }
    ASSERT_TRUE(daemon_.Start()) << daemon_.Stderr();
  };
  ASSERT_TRUE(snapshot("s1", 0, 10)) << daemon_.Stderr();
  central_.Send("orders", "order.routed", RoutedOrder("O-1", {Line("1", "SKU-1", 2)}));
  auto accepted = central_.WaitForEvent("order.accepted", "O-1");
  ASSERT_TRUE(accepted) << daemon_.Stderr();
  central_.Send("inventory", "inventory.delta", {{"sku", "SKU-1"}, {"delta", -1}, {"reason", "pos_sale"}});
  // The OMS has heard the acceptance: its next snapshot says so.
  ASSERT_TRUE(snapshot("s2", accepted->at("seq").get<int64_t>(), 9)) << daemon_.Stderr();
  central_.Send("inventory", "inventory.delta", {{"sku", "SKU-1"}, {"delta", 1}, {"reason", "receipt"}});
  ASSERT_TRUE(Eventually([&] { return query("SELECT on_hand FROM items WHERE sku = 'SKU-1'") == 10; }, 20s))
      << daemon_.Stderr();
  // The snapshot's row, the reservation, the sale and the receipt.
  ASSERT_EQ(query("SELECT count(*) FROM ledger"), 4);

  // 0 keeps every row. (The pass at start runs before the first request is
  // served: the daemon posts it before its loop starts.)
  ASSERT_NO_FATAL_FAILURE(restart_aged());
  EXPECT_EQ(folded(), 0);
  EXPECT_EQ(query("SELECT count(*) FROM ledger"), 4);

  // A reload to 30 days folds at once.
  daemon_.WriteConfig("", "ledger_retention_days = 30\n");
  daemon_.process().Signal(SIGHUP);
  bool found = false;
  daemon_.notify().WaitFor("READY=1", 10s, &found);
  ASSERT_TRUE(found) << daemon_.Stderr();
  ASSERT_TRUE(Eventually([&] { return folded() == 3; }, 20s)) << daemon_.Stderr();
  EXPECT_NE(daemon_.Stderr().find("ledger.folded rows=3 carried_forward_rows=1 retention_days=30"),
            std::string::npos)
      << daemon_.Stderr();
  EXPECT_EQ(daemon_.Stderr().find("config.restart_required"), std::string::npos) << daemon_.Stderr();
  // One carried row (10 - 1 on hand, 2 reserved) and the receipt, the newest.
  EXPECT_EQ(query("SELECT count(*) FROM ledger"), 2);
  EXPECT_EQ(query("SELECT d_on_hand * 100 + d_reserved FROM ledger WHERE reason = 'carried_forward'"), 902);
  EXPECT_EQ(query("SELECT sum(d_on_hand) FROM ledger"), 10);
  EXPECT_EQ(query("SELECT on_hand * 100 + reserved FROM items WHERE sku = 'SKU-1'"), 1002);

  // Business as usual: a new order reserves against the same figures.
  central_.Send("orders", "order.routed", RoutedOrder("O-2", {Line("1", "SKU-1", 8)}));
  ASSERT_TRUE(central_.WaitForEvent("order.accepted", "O-2")) << daemon_.Stderr();
  EXPECT_EQ(query("SELECT sum(d_reserved) FROM ledger"), 10);
  EXPECT_EQ(query("SELECT reserved FROM items WHERE sku = 'SKU-1'"), 10);

  // 40 days on, at start: the receipt joins the carried row; O-2's
  // reservation, which no snapshot holds yet, is kept.
  ASSERT_NO_FATAL_FAILURE(restart_aged());
  ASSERT_TRUE(Eventually([&] { return folded() == 1; }, 20s)) << daemon_.Stderr();
  EXPECT_EQ(query("SELECT count(*) FROM ledger"), 2);
  EXPECT_EQ(query("SELECT d_on_hand * 100 + d_reserved FROM ledger WHERE reason = 'carried_forward'"), 1002);
  EXPECT_EQ(query("SELECT count(*) FROM ledger WHERE reason = 'reserve' AND ref LIKE 'O-2%'"), 1);
  EXPECT_EQ(query("SELECT on_hand * 100 + reserved FROM items WHERE sku = 'SKU-1'"), 1010);

  // A snapshot cut before the folded reservation of O-1 could not re-apply
  // it: refused, with a reason the OMS can act on, and nothing changes.
  central_.Send("inventory", "inventory.snapshot",
                {{"snapshot_id", "s0"},
                 {"as_of_store_seq", 0},
                 {"chunk", 1},
                 {"chunks", 1},
                 {"items", {{{"sku", "SKU-1"}, {"on_hand", 50}}}}});
  auto refused = central_.WaitForEvent([](const json& e) {
    return e["type"] == "message.rejected" &&
           e["data"].value("reason", "").find("ledger rows were folded") != std::string::npos;
  });
  ASSERT_TRUE(refused) << daemon_.Stderr();
  EXPECT_NE(refused->at("data").value("reason", "").find("as_of_store_seq: 0 is below"), std::string::npos)
      << refused->dump();
  EXPECT_EQ(query("SELECT on_hand * 100 + reserved FROM items WHERE sku = 'SKU-1'"), 1010);
}

}  // namespace
}  // namespace edge::testing
