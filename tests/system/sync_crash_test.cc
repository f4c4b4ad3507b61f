// SIGKILL at seeded random moments while the daemon consumes routed orders
// from a real mosquitto and publishes its decisions. After every restart the
// run goes on; at the end the central side has a decision for every line of
// every order, no decision contradicts another, the events it received are
// numbered 1..n without a gap (a re-published event keeps its id), and the
// database holds exactly what the decisions say: reserved per SKU equals the
// units accepted, never more than the stock, and the ledger sums to the
// figures.
//
// STOREEDGE_CRASH_ITERATIONS (default 20) kills; STOREEDGE_CRASH_SEED picks
// the moments (the seed is printed so a failure can be replayed).
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>

#include "edge/store/database.h"
#include "edge/testing/central.h"
#include "edge/testing/daemon.h"
#include "edge/testing/mosquitto.h"

namespace edge::testing {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

int EnvInt(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::atoi(v) : fallback;
}

struct Decision {
  std::string state;  // "accepted" or "rejected"
  int64_t qty = 0;
  std::string reason;
};

TEST(SyncCrash, KillAtRandomMomentsWhileConsumingOrders) {
  const int iterations = EnvInt("STOREEDGE_CRASH_ITERATIONS", 20);
  const uint64_t seed = static_cast<uint64_t>(EnvInt("STOREEDGE_CRASH_SEED", 20261127));
  std::cout << "[ crash    ] iterations=" << iterations << " seed=" << seed << std::endl;
  std::mt19937_64 rng(seed);
  auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };

  TempDir dir;
  Mosquitto broker(dir);
  DaemonUnderTest daemon(dir, "S042", "[mqtt]\nuri = \"" + broker.uri() + "\"\n");
  CentralOms central(broker.uri(), "S042", "central-crash", seed);
  ASSERT_TRUE(central.Connect()) << central.client().error();
  central.ServeReplays();
  ASSERT_TRUE(daemon.Start()) << daemon.Stderr();
  ASSERT_TRUE(central.WaitForOnline());

  // 12 SKUs with little stock each, so orders compete and some are refused.
  constexpr int kSkus = 12;
  json items = json::array();
  std::map<std::string, int64_t> on_hand;
  for (int i = 0; i < kSkus; ++i) {
    const std::string sku = "SKU-" + std::to_string(i);
    on_hand[sku] = 6 + i % 5;
    items.push_back(
        {{"sku", sku}, {"on_hand", on_hand[sku]}, {"location", "A-01-0" + std::to_string(i % 9 + 1)}});
  }
  central.Send(
      "inventory", "inventory.snapshot",
      {{"snapshot_id", "crash-1"}, {"as_of_store_seq", 0}, {"chunk", 1}, {"chunks", 1}, {"items", items}});
  ASSERT_TRUE(central.WaitForEvent([](const json& e) { return e["type"] == "inventory.snapshot_applied"; }))
      << daemon.Stderr();

  std::map<std::string, std::map<std::string, std::pair<std::string, int64_t>>>
      orders;  // id → line → sku, qty
  int next_order = 0;
  auto send_orders = [&](int n) {
    for (int k = 0; k < n; ++k) {
      const std::string id = "O-" + std::to_string(++next_order);
      json lines = json::array();
      const int nlines = uniform(1, 3);
      for (int l = 1; l <= nlines; ++l) {
        const std::string sku = "SKU-" + std::to_string(uniform(0, kSkus - 1));
        const int qty = uniform(1, 3);
        orders[id][std::to_string(l)] = {sku, qty};
        lines.push_back({{"line_id", std::to_string(l)},
                         {"sku", sku},
                         {"qty", qty},
                         {"description", sku},
                         {"fulfil", "now"}});
      }
      central.Send(
          "orders", "order.routed",
          {{"order_id", id},
           {"order_ref", "W-" + id},
           {"kind", "ship_from_store"},
           {"priority", uniform(1, 9)},
           {"placed_at", "2026-11-27T09:00:00Z"},
           {"promised_by", "2026-11-28T18:00:00Z"},
           {"ship_to",
            {{"name", "A"}, {"line1", "1 Main St"}, {"city", "X"}, {"postcode", "1"}, {"country", "US"}}},
           {"lines", lines}});
    }
  };

  for (int it = 0; it < iterations; ++it) {
    send_orders(uniform(2, 8));
    // The moment: after a random number of further events (0: at once,
    // with messages still in flight).
    const size_t before = central.Events().size();
    const int more = uniform(0, 6);
    if (more > 0) central.WaitForEventCount(before + static_cast<size_t>(more), 10s);
    daemon.process().Signal(SIGKILL);
    ASSERT_EQ(daemon.process().Wait(10s).value_or(-1), 128 + SIGKILL);
    // Sometimes the OMS goes on routing while the node is down.
    if (uniform(0, 1) == 1) send_orders(uniform(1, 4));
    ASSERT_TRUE(daemon.Start()) << "restart " << it << ": " << daemon.Stderr();
  }

  // Every line of every order decided.
  auto decided = [&](std::map<std::string, std::map<std::string, Decision>>* out) {
    std::map<std::string, std::map<std::string, Decision>> d;
    bool contradiction = false;
    for (const auto& e : central.Events()) {
      const std::string type = e.value("type", "");
      if (type != "order.accepted" && type != "order.rejected") continue;
      const std::string state = type == "order.accepted" ? "accepted" : "rejected";
      for (const auto& line : e["data"]["lines"]) {
        Decision now{state, line["qty"].get<int64_t>(), line.value("reason", "")};
        auto [it, inserted] = d[e["data"]["order_id"]].emplace(line["line_id"].get<std::string>(), now);
        if (!inserted &&
            (it->second.state != now.state || it->second.qty != now.qty || it->second.reason != now.reason)) {
          ADD_FAILURE() << "contradicting decisions for " << e["data"]["order_id"] << " line "
                        << line["line_id"] << ": " << it->second.state << " then " << now.state;
          contradiction = true;
        }
      }
    }
    if (out) *out = d;
    if (contradiction) return true;  // stop waiting: it has failed
    for (const auto& [id, lines] : orders) {
      auto o = d.find(id);
      if (o == d.end() || o->second.size() != lines.size()) return false;
    }
    return true;
  };
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (!decided(nullptr) && std::chrono::steady_clock::now() < deadline) {
    central.WaitForEventCount(central.Events().size() + 1, 2s);
  }
  std::map<std::string, std::map<std::string, Decision>> decisions;
  if (!decided(&decisions)) {
    std::string missing;
    for (const auto& [id, lines] : orders) {
      if (decisions[id].size() != lines.size()) missing += " " + id;
    }
    std::string state;
    if (auto db = store::Database::Open(daemon.db_path(), store::Database::Mode::kReadOnly); db.ok()) {
      for (const char* q : {"SELECT group_concat(stream || '=' || next_seq, ' ') FROM stream_state",
                            "SELECT group_concat(stream || '#' || seq, ' ') FROM held",
                            "SELECT count(*) || ' inbox rows' FROM inbox",
                            "SELECT group_concat(reason, ' | ') FROM dead_letters"}) {
        auto v = (*db)->QueryText(q);
        state += std::string("\n  ") + (v.ok() ? *v : v.status().ToString());
      }
    }
    FAIL() << "undecided:" << missing << "; sent orders seq " << central.seq("orders") << "; store:" << state
           << "\n"
           << daemon.Stderr();
  }
  ASSERT_FALSE(::testing::Test::HasFailure());

  // The events: 1..n, each seq always with the same id.
  std::map<int64_t, std::string> ids;
  for (const auto& e : central.Events()) {
    auto [it, inserted] = ids.emplace(e["seq"].get<int64_t>(), e["id"].get<std::string>());
    EXPECT_TRUE(inserted || it->second == e["id"]) << "seq " << e["seq"] << " came with two ids";
  }
  ASSERT_FALSE(ids.empty());
  EXPECT_EQ(ids.begin()->first, 1);
  EXPECT_EQ(ids.rbegin()->first, static_cast<int64_t>(ids.size())) << "a gap in the events' seqs";

  // The store agrees with what the OMS was told.
  daemon.process().Signal(SIGTERM);
  ASSERT_EQ(daemon.process().Wait(30s).value_or(-1), 0) << daemon.Stderr();
  auto db = store::Database::Open(daemon.db_path(), store::Database::Mode::kReadOnly);
  ASSERT_TRUE(db.ok());
  EXPECT_EQ(*(*db)->QueryText("PRAGMA integrity_check"), "ok");
  std::map<std::string, int64_t> accepted_units;
  int64_t lines_total = 0;
  for (const auto& [id, lines] : orders) {
    for (const auto& [line_id, sku_qty] : lines) {
      ++lines_total;
      const Decision& d = decisions[id][line_id];
      if (d.state == "accepted") {
        EXPECT_EQ(d.qty, sku_qty.second) << id << "/" << line_id;
        accepted_units[sku_qty.first] += d.qty;
      } else {
        EXPECT_EQ(d.reason, "insufficient_stock") << id << "/" << line_id;
      }
    }
  }
  for (const auto& [sku, stock] : on_hand) {
    auto val = [&](const std::string& expr) {
      return *(*db)->QueryInt("SELECT " + expr + " FROM items WHERE sku = '" + sku + "'");
    };
    EXPECT_EQ(val("reserved"), accepted_units[sku]) << sku;
    EXPECT_EQ(val("on_hand"), stock) << sku;
    EXPECT_LE(val("reserved"), stock) << sku << " over-reserved";
    EXPECT_EQ(*(*db)->QueryInt("SELECT coalesce(sum(d_reserved), 0) FROM ledger WHERE sku = '" + sku + "'"),
              val("reserved"))
        << sku;
    EXPECT_EQ(*(*db)->QueryInt("SELECT coalesce(sum(d_on_hand), 0) FROM ledger WHERE sku = '" + sku + "'"),
              val("on_hand"))
        << sku;
    EXPECT_EQ(
        *(*db)->QueryInt("SELECT coalesce(sum(open_qty), 0) FROM reservations WHERE sku = '" + sku + "'"),
        val("reserved"))
        << sku;
  }
  EXPECT_EQ(*(*db)->QueryInt("SELECT count(*) FROM reservations"), lines_total);
  EXPECT_EQ(*(*db)->QueryInt("SELECT count(*) FROM inbox WHERE type = 'order.routed'"),
            static_cast<int64_t>(orders.size()));
  EXPECT_EQ(*(*db)->QueryInt("SELECT count(*) FROM dead_letters"), 0);
  std::cout << "[ crash    ] orders=" << orders.size() << " lines=" << lines_total << " events=" << ids.size()
            << " resent=" << central.resent() << std::endl;
}

}  // namespace
}  // namespace edge::testing
