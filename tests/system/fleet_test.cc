// A fleet: 20 stores (separate data dirs and store ids, each its own
// storeedged) on one mosquitto, with the simulated OMS (storeedge-oms-sim,
// the demo's) routing orders to all of them. Every store's events must reach
// the OMS complete — seqs 1..N with N the store's own last event — and stay
// in that store's topics; every `now` line of every order is decided.
// An observer subscribed to oms/v1/stores/# checks the topics independently
// of the simulator.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "edge/store/database.h"
#include "edge/testing/daemon.h"
#include "edge/testing/eventually.h"
#include "edge/testing/mosquitto.h"
#include "edge/testing/mqtt_client.h"

namespace edge::testing {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

int64_t QueryInt(const std::string& db_path, const std::string& sql) {
  auto db = store::Database::Open(db_path, store::Database::Mode::kReadOnly);
  if (!db.ok()) return -1;
  auto v = (*db)->QueryInt(sql);
  return v.ok() ? *v : -1;
}

json ReadReport(const std::string& path) {
  json j = json::parse(ReadFile(path), nullptr, false);
  return j.is_object() ? j : json::object();
}

TEST(Fleet, TwentyStoresOnOneBrokerEachCompleteInItsOwnTopics) {
  constexpr int kStores = 20;
  constexpr int kOrders = 8;
  TempDir dir;
  Mosquitto broker(dir);

  // The observer sees every message on every store's topics.
  MqttTestClient::Options oo;
  oo.uri = broker.uri();
  oo.client_id = "fleet-observer";
  MqttTestClient observer(oo);
  ASSERT_TRUE(observer.Connect());
  ASSERT_GE(observer.Subscribe("oms/v1/stores/#"), 0);

  std::string stores;
  for (int i = 1; i <= kStores; ++i)
    stores += std::string(i > 1 ? "," : "") + "F" + (i < 10 ? "0" : "") + std::to_string(i);
  const std::string report = dir.File("oms-report.json");
  Process::Options so;
  so.argv = {STOREEDGE_OMS_SIM_PATH,
             "--broker",
             broker.uri(),
             "--stores",
             stores,
             "--seed",
             "7",
             "--catalogue-size",
             "80",
             "--interval-ms",
             "150",
             "--orders",
             std::to_string(kOrders),
             "--report",
             report,
             "--cancel-pct",
             "20",
             "--quiet"};
  so.stdout_path = dir.File("oms.log");
  so.stderr_path = dir.File("oms.stderr");
  Process sim(so);
  // The OMS is subscribed before the stores start (as a real one always is).
  ASSERT_TRUE(
      Eventually([&] { return ReadFile(dir.File("oms.log")).find("subscribed") != std::string::npos; }, 30s))
      << ReadFile(dir.File("oms.stderr"));

  std::vector<std::unique_ptr<TempDir>> dirs;
  std::vector<std::unique_ptr<DaemonUnderTest>> nodes;
  std::vector<std::string> ids;
  for (int i = 1; i <= kStores; ++i) {
    const std::string id = std::string("F") + (i < 10 ? "0" : "") + std::to_string(i);
    ids.push_back(id);
    dirs.push_back(std::make_unique<TempDir>());
    nodes.push_back(std::make_unique<DaemonUnderTest>(
        *dirs.back(), id,
        "[mqtt]\nuri = \"" + broker.uri() +
            "\"\nreconnect_max_ms = 2000\n[sync]\navailable_interval_s = 0\n"));
  }
  for (size_t i = 0; i < nodes.size(); ++i) {
    ASSERT_TRUE(nodes[i]->Start(60s)) << ids[i] << ": " << nodes[i]->Stderr();
  }

  // Every order of every store decided, every cancel answered.
  ASSERT_TRUE(Eventually([&] { return ReadReport(report).value("done", false); }, 240s))
      << ReadReport(report).dump(1) << ReadFile(dir.File("oms.stderr"));
  // Each store has published (the broker acknowledged) all it had to say…
  for (size_t i = 0; i < nodes.size(); ++i) {
    EXPECT_TRUE(Eventually(
        [&] {
          return QueryInt(nodes[i]->db_path(), "SELECT count(*) FROM outbox WHERE published IS NULL") == 0;
        },
        60s))
        << ids[i];
  }
  // … and stops cleanly, so its last event seq is final.
  std::map<std::string, int64_t> last_seq;
  for (size_t i = 0; i < nodes.size(); ++i) {
    nodes[i]->process().Signal(SIGTERM);
    EXPECT_EQ(nodes[i]->process().Wait(30s).value_or(-1), 0) << ids[i] << ": " << nodes[i]->Stderr();
    last_seq[ids[i]] = QueryInt(nodes[i]->db_path(), "SELECT coalesce(max(seq), 0) FROM outbox");
    EXPECT_GT(last_seq[ids[i]], kOrders) << ids[i];
  }
  // The OMS has every event of every store, in order, none missing.
  ASSERT_TRUE(Eventually(
      [&] {
        const json r = ReadReport(report);
        for (const auto& id : ids) {
          if (r["stores"][id].value("contiguous_seq", int64_t{0}) != last_seq[id]) return false;
        }
        return true;
      },
      60s))
      << ReadReport(report).dump(1);
  sim.Signal(SIGTERM);
  ASSERT_EQ(sim.Wait(30s).value_or(-1), 0) << ReadFile(dir.File("oms.stderr"));

  const json r = ReadReport(report);
  EXPECT_TRUE(r["ok"]) << r.dump(1);
  EXPECT_EQ(r["foreign_events"], 0);
  for (const auto& id : ids) {
    const json& s = r["stores"][id];
    EXPECT_EQ(s["orders_sent"], kOrders) << id;
    EXPECT_EQ(s["orders_decided"], kOrders) << id;
    EXPECT_EQ(s["max_seq"], last_seq[id]) << id;
    EXPECT_EQ(s["missing_seqs"], json::array()) << id;
    EXPECT_EQ(s["problems"], json::array()) << id;
    EXPECT_EQ(s["cancels_unanswered"], 0) << id;
    EXPECT_GE(s["events_by_type"].value("inventory.snapshot_applied", 0), 1) << id;
  }

  // Independently: every message on a store's topics names that store, and
  // each store's events (by id) are exactly its outbox.
  std::map<std::string, std::set<std::string>> event_ids;
  for (const auto& m : observer.Messages()) {
    const std::string rest = m.topic.substr(std::string("oms/v1/stores/").size());
    const std::string store = rest.substr(0, rest.find('/'));
    const std::string stream = rest.substr(rest.find('/') + 1);
    const json e = json::parse(m.payload, nullptr, false);
    ASSERT_TRUE(e.is_object()) << m.topic;
    EXPECT_EQ(e.value("store", ""), store) << m.topic << " " << m.payload.substr(0, 200);
    if (stream == "events") event_ids[store].insert(e.value("id", ""));
  }
  for (size_t i = 0; i < nodes.size(); ++i) {
    EXPECT_EQ(static_cast<int64_t>(event_ids[ids[i]].size()), last_seq[ids[i]]) << ids[i];
    std::string in;
    for (const auto& id : event_ids[ids[i]]) {
      ASSERT_EQ(id.find_first_not_of("0123456789abcdef-"), std::string::npos) << id;
      in += (in.empty() ? "'" : ",'") + id + "'";
    }
    EXPECT_EQ(QueryInt(nodes[i]->db_path(), "SELECT count(*) FROM outbox WHERE id IN (" + in + ")"),
              last_seq[ids[i]])
        << ids[i] << ": the events seen are the store's own";
  }
}

}  // namespace
}  // namespace edge::testing
