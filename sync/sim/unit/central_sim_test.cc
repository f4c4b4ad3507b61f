// The simulated OMS's logic with a clock the test moves: what it sends to a
// store that comes online, the pace and kinds of its orders, its answers to
// order.packed and sync.replay_requested, and what its report finds wrong.
#include "edge/sim/central_sim.h"

#include <gtest/gtest.h>

#include <set>

#include "edge/core/gtin.h"

namespace edge::sim {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

const core::TimePoint kT0 = core::TimePoint{} + std::chrono::hours(24 * 365 * 56);

TEST(Catalogue, ItemsAreUniqueValidAndTheSameForASeed) {
  const auto items = MakeCatalogue(300, 7);
  ASSERT_EQ(items.size(), 300u);
  std::set<std::string> skus, codes;
  int out_of_stock = 0;
  for (const auto& it : items) {
    EXPECT_TRUE(skus.insert(it.sku).second) << it.sku;
    EXPECT_TRUE(codes.insert(it.ean13).second) << it.ean13;
    EXPECT_TRUE(core::NormalizeGtin14(it.ean13).ok()) << it.ean13;
    if (!it.upca.empty()) {
      EXPECT_EQ(it.upca.size(), 12u);
      EXPECT_TRUE(core::NormalizeGtin14(it.upca).ok()) << it.upca;
      EXPECT_TRUE(codes.insert(it.upca).second) << it.upca;
    }
    EXPECT_EQ(it.location.size(), 7u) << it.location;
    EXPECT_GT(it.walk_order, 0);
    EXPECT_FALSE(it.description.empty());
    out_of_stock += it.on_hand == 0;
  }
  EXPECT_GT(out_of_stock, 5);
  EXPECT_LT(out_of_stock, 60);
  const auto again = MakeCatalogue(300, 7);
  EXPECT_EQ(again.front().sku, items.front().sku);
  EXPECT_EQ(again.back().location, items.back().location);
  EXPECT_NE(MakeCatalogue(300, 8).front().sku + MakeCatalogue(300, 8)[1].sku, items[0].sku + items[1].sku);

  const std::string csv = CatalogueCsv(items);
  EXPECT_EQ(csv.substr(0, csv.find('\n')), "sku,description,gtins,location,walk_order,safety_stock");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 301);
  EXPECT_THROW(MakeCatalogue(0, 1), std::invalid_argument);
  EXPECT_EQ(MakeCatalogue(5000, 1).size(), 5000u);
}

TEST(Base64, StandardAlphabetWithPadding) {
  EXPECT_EQ(Base64(""), "");
  EXPECT_EQ(Base64("f"), "Zg==");
  EXPECT_EQ(Base64("fo"), "Zm8=");
  EXPECT_EQ(Base64("foo"), "Zm9v");
  EXPECT_EQ(Base64("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64(std::string("\xff\xfe", 2)), "//4=");
}

class CentralSimTest : public ::testing::Test {
 protected:
  CentralSimTest() { Make(SimOptions{}); }
  void Make(SimOptions o) {
    if (o.stores.empty()) o.stores = {"S1"};
    o.order_interval = 1000ms;
    sim_ = std::make_unique<CentralSim>(o, MakeCatalogue(250, 3));
  }
  static std::string Online(const std::string& store, json next_seq = nullptr) {
    json j = {{"store", store}, {"state", "online"}, {"version", "1"}};
    if (!next_seq.is_null()) j["next_seq"] = next_seq;
    return j.dump();
  }
  std::string Event(const std::string& store, int64_t seq, const std::string& type, json data) {
    return json{{"id", "e-" + store + "-" + std::to_string(seq)},
                {"type", type},
                {"store", store},
                {"stream", "events"},
                {"seq", seq},
                {"ts", "2026-11-27T10:00:00Z"},
                {"data", std::move(data)}}
        .dump();
  }
  static std::vector<json> Parsed(const std::vector<Outgoing>& out, const std::string& type = "") {
    std::vector<json> v;
    for (const auto& o : out) {
      json j = json::parse(o.payload);
      if (type.empty() || j["type"] == type) v.push_back(j);
    }
    return v;
  }
  // Accepts every line of every routed order in `out`, as events from seq.
  int64_t AcceptAll(const std::vector<Outgoing>& out, int64_t seq, core::TimePoint now) {
    for (const auto& o : Parsed(out, "order.routed")) {
      json lines = json::array();
      for (const auto& l : o["data"]["lines"]) {
        if (l["fulfil"] == "now") lines.push_back({{"line_id", l["line_id"]}, {"qty", l["qty"]}});
      }
      sim_->OnMessage(
          "oms/v1/stores/S1/events",
          Event("S1", seq++, "order.accepted", {{"order_id", o["data"]["order_id"]}, {"lines", lines}}), now);
    }
    return seq;
  }
  std::unique_ptr<CentralSim> sim_;
};

TEST_F(CentralSimTest, AStoreThatComesOnlineGetsTheCatalogueThenOrders) {
  EXPECT_TRUE(sim_->Tick(kT0).empty()) << "nothing before the store is online";
  auto out = sim_->OnMessage("oms/v1/stores/S1/status", Online("S1"), kT0);
  auto snaps = Parsed(out, "inventory.snapshot");
  ASSERT_EQ(snaps.size(), 3u);  // 250 items in chunks of 100
  size_t items = 0;
  int64_t seq = 0;
  for (const auto& m : Parsed(out)) {
    EXPECT_EQ(m["store"], "S1");
    if (m["stream"] == "inventory") {
      EXPECT_EQ(m["seq"], ++seq);
    }
  }
  for (const auto& s : snaps) {
    items += s["data"]["items"].size();
    EXPECT_EQ(s["data"]["chunks"], 3);
    EXPECT_EQ(s["data"]["as_of_store_seq"], 0);
    EXPECT_EQ(s["data"]["items"][0]["gtin"].get<std::string>().size(), 14u);
  }
  EXPECT_EQ(items, 250u);
  EXPECT_EQ(Parsed(out, "sync.snapshot_follows").size(), 1u);
  EXPECT_EQ(Parsed(out, "inventory.incoming").size(), 1u);
  EXPECT_EQ(out.front().topic, "oms/v1/stores/S1/control");

  // Orders at the interval, of every kind; a second online sends no snapshot.
  EXPECT_TRUE(
      Parsed(sim_->OnMessage("oms/v1/stores/S1/status", Online("S1"), kT0), "inventory.snapshot").empty());
  std::set<std::string> kinds;
  int routed = 0;
  for (int i = 1; i <= 40; ++i) {
    for (const auto& o : Parsed(sim_->Tick(kT0 + i * 1000ms), "order.routed")) {
      ++routed;
      const json& d = o["data"];
      kinds.insert(d["kind"].get<std::string>());
      EXPECT_EQ(d["order_id"],
                "S1-O" + std::string(5 - std::to_string(routed).size(), '0') + std::to_string(routed));
      EXPECT_FALSE(d["lines"].empty());
      const bool pickup = d["kind"] == "bopis" || d["kind"] == "curbside";
      EXPECT_EQ(d["pickup_code"].is_string(), pickup);
      EXPECT_EQ(d["hold_until"].is_string(), pickup);
      if (pickup) {
        EXPECT_EQ(d["pickup_code"].get<std::string>().size(), 6u);
      }
      EXPECT_EQ(o["seq"], routed);
    }
  }
  EXPECT_EQ(routed, 40);
  EXPECT_EQ(kinds.size(), 4u);
}

TEST_F(CentralSimTest, PackedOrdersGetALabelAndReplaysAreServed) {
  auto start = sim_->OnMessage("oms/v1/stores/S1/status", Online("S1"), kT0);
  auto routed = sim_->Tick(kT0 + 2000ms);
  ASSERT_EQ(Parsed(routed, "order.routed").size(), 1u);
  const std::string order_id = Parsed(routed, "order.routed")[0]["data"]["order_id"];
  auto out = sim_->OnMessage(
      "oms/v1/stores/S1/events",
      Event("S1", 1, "order.packed",
            {{"order_id", order_id}, {"packages", {{{"package_id", "S1-P1"}}, {{"package_id", "S1-P2"}}}}}),
      kT0 + 3s);
  auto labels = Parsed(out, "shipment.label");
  ASSERT_EQ(labels.size(), 2u);
  EXPECT_EQ(labels[1]["data"]["package_id"], "S1-P2");
  EXPECT_EQ(labels[0]["stream"], "shipments");
  EXPECT_EQ(labels[0]["data"]["format"], "zpl");
  const std::string tracking = labels[0]["data"]["tracking"];
  const json routed_data = Parsed(routed, "order.routed")[0]["data"];
  const json ship_to = routed_data["ship_to"].is_object() ? routed_data["ship_to"] : json();
  const std::string zpl = ShippingLabelZpl("S1", ship_to, labels[0]["data"]["carrier"], tracking, "S1-P1");
  EXPECT_EQ(labels[0]["data"]["data"], Base64(zpl));
  EXPECT_NE(zpl.find("^FD" + tracking + "^FS"), std::string::npos);
  EXPECT_NE(ShippingLabelZpl("S1", {{"name", "A^B"}}, "UPS", tracking, "S1-P1").find("A B"),
            std::string::npos);

  // The store asks for the inventory stream again from seq 2.
  auto again = sim_->OnMessage(
      "oms/v1/stores/S1/events",
      Event("S1", 2, "sync.replay_requested", {{"stream", "inventory"}, {"from_seq", 2}}), kT0 + 4s);
  std::vector<std::string> first_time;
  for (const auto& o : start) {
    if (o.topic == "oms/v1/stores/S1/inventory" && json::parse(o.payload)["seq"].get<int>() >= 2) {
      first_time.push_back(o.payload);
    }
  }
  ASSERT_EQ(again.size(), first_time.size());
  for (size_t i = 0; i < again.size(); ++i) EXPECT_EQ(again[i].payload, first_time[i]) << "same id and seq";
  // An online status whose next_seq is behind what was sent: sent again.
  auto behind =
      sim_->OnMessage("oms/v1/stores/S1/status", Online("S1", {{"orders", 1}, {"inventory", 99}}), kT0 + 5s);
  ASSERT_EQ(behind.size(), 1u);
  EXPECT_EQ(behind[0].payload, routed[0].payload);
}

TEST_F(CentralSimTest, DoneWhenEveryLineIsDecidedAndEventsAreComplete) {
  SimOptions o;
  o.orders = 5;
  o.cancel_pct = 0;
  o.backorder_pct = 0;
  o.pos_sale_every = 0;
  o.receipt_after = 0;
  Make(o);
  sim_->OnMessage("oms/v1/stores/S1/status", Online("S1"), kT0);
  std::vector<Outgoing> all;
  for (int i = 1; i <= 10; ++i) {
    auto out = sim_->Tick(kT0 + i * 1000ms);
    all.insert(all.end(), out.begin(), out.end());
  }
  EXPECT_EQ(Parsed(all, "order.routed").size(), 5u) << "no more than --orders";
  EXPECT_FALSE(sim_->Done());
  EXPECT_FALSE(sim_->Report()["done"]);
  // Events 1 and 3..: seq 2 missing.
  sim_->OnMessage("oms/v1/stores/S1/events",
                  Event("S1", 1, "inventory.snapshot_applied", {{"snapshot_id", "x"}}), kT0 + 11s);
  AcceptAll(all, 3, kT0 + 11s);
  EXPECT_FALSE(sim_->Done()) << "seq 2 is missing";
  json r = sim_->Report()["stores"]["S1"];
  EXPECT_EQ(r["orders_decided"], 5);
  EXPECT_EQ(r["missing_seqs"], json::array({2}));
  EXPECT_FALSE(sim_->Report()["ok"]);
  sim_->OnMessage("oms/v1/stores/S1/events",
                  Event("S1", 2, "inventory.available", {{"items", json::array()}}), kT0 + 12s);
  EXPECT_TRUE(sim_->Done());
  EXPECT_TRUE(sim_->Report()["ok"]);
  // The same event again is a duplicate, not a problem.
  sim_->OnMessage("oms/v1/stores/S1/events",
                  Event("S1", 2, "inventory.available", {{"items", json::array()}}), kT0 + 13s);
  EXPECT_EQ(sim_->Report()["stores"]["S1"]["event_duplicates"], 1);
  EXPECT_TRUE(sim_->Report()["ok"]);
}

TEST_F(CentralSimTest, EventsOfAnotherStoreOnAStoresTopicAreAProblem) {
  SimOptions o;
  o.stores = {"S1", "S2"};
  Make(o);
  sim_->OnMessage("oms/v1/stores/S1/events",
                  Event("S2", 1, "inventory.available", {{"items", json::array()}}), kT0);
  json r = sim_->Report();
  EXPECT_FALSE(r["ok"]);
  ASSERT_EQ(r["stores"]["S1"]["problems"].size(), 1u);
  EXPECT_NE(r["stores"]["S1"]["problems"][0].get<std::string>().find("store 'S2'"), std::string::npos);
  sim_->OnMessage("oms/v1/stores/S9/events",
                  Event("S9", 1, "inventory.available", {{"items", json::array()}}), kT0);
  EXPECT_EQ(sim_->Report()["foreign_events"], 1);
  // A store's message.rejected means the simulator sent something wrong.
  sim_->OnMessage("oms/v1/stores/S2/events", Event("S2", 1, "message.rejected", {{"reason", "bad"}}), kT0);
  EXPECT_EQ(sim_->Report()["stores"]["S2"]["problems"].size(), 1u);
}

TEST_F(CentralSimTest, CancelsAndArrivalsArePlannedAndSent) {
  SimOptions o;
  o.cancel_pct = 100;
  o.arrive_pct = 100;
  o.kinds = {"curbside"};
  o.orders = 1;
  Make(o);
  sim_->OnMessage("oms/v1/stores/S1/status", Online("S1"), kT0);
  auto routed = sim_->Tick(kT0 + 2s);
  ASSERT_EQ(Parsed(routed, "order.routed").size(), 1u);
  const std::string id = Parsed(routed, "order.routed")[0]["data"]["order_id"];
  AcceptAll(routed, 1, kT0 + 2s);
  EXPECT_LE(sim_->NextWake(kT0 + 2s), kT0 + 4s);
  auto cancel = Parsed(sim_->Tick(kT0 + 5s), "order.cancel_requested");
  ASSERT_EQ(cancel.size(), 1u);
  EXPECT_EQ(cancel[0]["data"]["order_id"], id);
  EXPECT_FALSE(sim_->Done()) << "the cancel is not answered";
  sim_->OnMessage("oms/v1/stores/S1/events",
                  Event("S1", 2, "order.cancelled", {{"order_id", id}, {"outcome", "too_late"}}), kT0 + 6s);
  EXPECT_TRUE(sim_->Done());
  sim_->OnMessage(
      "oms/v1/stores/S1/events",
      Event("S1", 3, "order.ready_for_pickup", {{"order_id", id}, {"bags", 1}, {"location", "P-01"}}),
      kT0 + 7s);
  auto arrived = Parsed(sim_->Tick(kT0 + 10s), "order.customer_arrived");
  ASSERT_EQ(arrived.size(), 1u);
  EXPECT_EQ(arrived[0]["data"]["source"], "app");
  EXPECT_TRUE(arrived[0]["data"]["bay"].is_string());
}

}  // namespace
}  // namespace edge::sim
