// Shared fixture of the order service tests: a real SQLite file in a temp
// dir, the inventory, auth and order services over it, a manual clock, a
// recording printer, seeded stock, helpers that build order.routed and
// shipment.label messages, and a check of every outbox event against the
// wire contract (PROTOCOL.md, outbound events).
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "edge/app/auth_service.h"
#include "edge/app/inventory_service.h"
#include "edge/app/order_service.h"
#include "edge/core/barcode.h"
#include "edge/core/gtin.h"
#include "edge/testing/temp_dir.h"

namespace edge::app::testing_orders {

using json = nlohmann::json;
using namespace std::chrono_literals;

// The printer port, recording every job; `offline` makes it refuse.
class RecordingPrinter : public LabelPrinter {
 public:
  struct Job {
    std::string station, package_id, format, bytes, kind;
  };
  core::Status QueuePrint(const std::string& station, const std::string& kind, const std::string& package_id,
                          const std::string& format, const std::string& bytes) override {
    if (offline) return core::Status::Unavailable("printer at " + station + " is offline");
    jobs.push_back({station, package_id, format, bytes, kind});
    return core::Status::Ok();
  }
  std::vector<Job> jobs;
  bool offline = false;
};

inline std::string Ean13(const std::string& body12) {
  return body12 + std::to_string(core::GtinCheckDigit(body12));
}
inline std::string Gtin14(const std::string& code) { return *core::NormalizeGtin14(code); }

// Items of the seeded store.
inline const std::string kGtinA = "4006381333931";  // EAN-13, SKU-A
inline const std::string kUpcB = "012345678905";    // UPC-A, SKU-B
inline const std::string kGtinC = "5901234123457";  // EAN-13, SKU-C
inline const std::string kGtinD = Ean13("200000000001");

inline std::string Base64(const std::string& bytes) {
  static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const uint32_t n = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8) | uint8_t(bytes[i + 2]);
    for (int s : {18, 12, 6, 0}) out.push_back(k[(n >> s) & 63]);
  }
  if (i + 1 == bytes.size()) {
    const uint32_t n = uint8_t(bytes[i]) << 16;
    out += {k[(n >> 18) & 63], k[(n >> 12) & 63], '=', '='};
  } else if (i + 2 == bytes.size()) {
    const uint32_t n = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8);
    out += {k[(n >> 18) & 63], k[(n >> 12) & 63], k[(n >> 6) & 63], '='};
  }
  return out;
}

// A UPS tracking number "1Z" + `body15` + its check digit (found by trying).
inline std::string Ups(const std::string& body15) {
  for (char d = '0'; d <= '9'; ++d) {
    const std::string t = "1Z" + body15 + d;
    if (core::ParseScan(t).ok()) return t;
  }
  return "";
}

struct Event {
  int64_t seq = 0;
  std::string id;
  std::string type;
  json data;
};

// Checks one event's data against the contract: the fields it must carry,
// their types, and nothing unexpected beyond the documented extensions.
inline void ExpectContract(const Event& e) {
  SCOPED_TRACE(e.type + " " + e.data.dump());
  static const std::regex uuid("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  EXPECT_TRUE(std::regex_match(e.id, uuid)) << e.id;
  const json& d = e.data;
  ASSERT_TRUE(d.is_object());
  auto keys_in = [&](const json& o, std::set<std::string> required, std::set<std::string> optional) {
    for (const auto& k : required) EXPECT_TRUE(o.contains(k)) << "missing " << k << " in " << o.dump();
    for (const auto& [k, v] : o.items()) {
      EXPECT_TRUE(required.count(k) || optional.count(k)) << "unexpected " << k << " in " << o.dump();
    }
  };
  auto is_string = [](const json& j) { return j.is_string() && !j.get<std::string>().empty(); };
  auto lines_ok = [&](const json& lines, bool reason, int64_t min_qty) {
    ASSERT_TRUE(lines.is_array());
    EXPECT_FALSE(lines.empty());
    for (const auto& l : lines) {
      keys_in(l,
              reason ? std::set<std::string>{"line_id", "qty", "reason"}
                     : std::set<std::string>{"line_id", "qty"},
              {});
      EXPECT_TRUE(is_string(l["line_id"]));
      EXPECT_TRUE(l["qty"].is_number_integer() && l["qty"].get<int64_t>() >= min_qty) << l.dump();
      if (reason) {
        static const std::set<std::string> reasons = {
            "insufficient_stock", "unknown_sku", "store_capacity", "order_in_progress",
            "order_closed",       "not_found",   "damaged"};
        EXPECT_TRUE(reasons.count(l["reason"].get<std::string>())) << l.dump();
      }
    }
  };
  if (e.type == "order.accepted") {
    keys_in(d, {"order_id", "lines"}, {});
    EXPECT_TRUE(is_string(d["order_id"]));
    lines_ok(d["lines"], false, 1);
  } else if (e.type == "order.rejected") {
    keys_in(d, {"order_id", "lines"}, {});
    lines_ok(d["lines"], true, 1);
  } else if (e.type == "order.pick_started") {
    keys_in(d, {"order_id", "picker"}, {});
    EXPECT_TRUE(is_string(d["order_id"]) && is_string(d["picker"]));
  } else if (e.type == "order.picked") {
    keys_in(d, {"order_id", "lines"}, {});
    lines_ok(d["lines"], false, 0);
  } else if (e.type == "order.packed") {
    keys_in(d, {"order_id", "packages"}, {});
    ASSERT_TRUE(d["packages"].is_array());
    EXPECT_FALSE(d["packages"].empty());
    for (const auto& p : d["packages"]) {
      keys_in(p, {"package_id", "lines"}, {"weight_g", "dims_mm", "box"});
      EXPECT_TRUE(is_string(p["package_id"]));
      if (p.contains("weight_g")) {
        EXPECT_TRUE(p["weight_g"].is_number_integer() && p["weight_g"] > 0);
      }
      if (p.contains("dims_mm")) {
        ASSERT_TRUE(p["dims_mm"].is_array());
        EXPECT_EQ(p["dims_mm"].size(), 3u);
        for (const auto& v : p["dims_mm"]) EXPECT_TRUE(v.is_number_integer() && v > 0);
      }
      lines_ok(p["lines"], false, 1);
    }
  } else if (e.type == "order.shipped") {
    keys_in(d, {"order_id", "packages"}, {});
    ASSERT_TRUE(d["packages"].is_array());
    EXPECT_FALSE(d["packages"].empty());
    for (const auto& p : d["packages"]) {
      keys_in(p, {"package_id", "tracking"}, {"carrier"});
      EXPECT_TRUE(is_string(p["package_id"]) && is_string(p["tracking"]));
    }
  } else if (e.type == "order.cancelled") {
    keys_in(d, {"order_id", "outcome"}, {"restock"});
    EXPECT_TRUE(d["outcome"] == "cancelled" || d["outcome"] == "too_late") << d.dump();
    if (d.contains("restock")) {
      EXPECT_TRUE(d["restock"].is_boolean());
    }
  } else if (e.type == "order.ready_for_pickup") {
    // documented extension: locations when bags wait in more than one place
    keys_in(d, {"order_id", "bags", "location"}, {"locations"});
    EXPECT_TRUE(d["bags"].is_number_integer() && d["bags"].get<int64_t>() >= 1);
    EXPECT_TRUE(is_string(d["location"]));
  } else if (e.type == "order.customer_arrived") {
    keys_in(d, {"order_id", "source"}, {"bay"});
    EXPECT_EQ(d["source"], "kiosk");
  } else if (e.type == "order.picked_up") {
    // documented extensions: refused lines, the proxy who collected
    keys_in(d, {"order_id", "lines", "verified_by"}, {"refused", "collector"});
    EXPECT_TRUE(d["verified_by"] == "pickup_code" || d["verified_by"] == "id_check") << d.dump();
    lines_ok(d["lines"], false, 0);
    if (d.contains("refused")) lines_ok(d["refused"], false, 1);
  } else if (e.type == "order.expired") {
    keys_in(d, {"order_id"}, {"restock"});
  } else if (e.type == "order.expiry_reminder") {
    // documented extension: the OMS may remind the customer
    keys_in(d, {"order_id", "hold_until"}, {});
    EXPECT_TRUE(is_string(d["hold_until"]));
  } else if (e.type == "return.received") {
    keys_in(d, {"order_id", "lines"}, {});
    ASSERT_TRUE(d["lines"].is_array());
    EXPECT_FALSE(d["lines"].empty());
    for (const auto& l : d["lines"]) {
      keys_in(l, {"line_id", "qty", "condition", "restocked"}, {"reason"});
      EXPECT_TRUE(l["qty"].is_number_integer() && l["qty"].get<int64_t>() >= 1);
      EXPECT_TRUE(l["condition"] == "resellable" || l["condition"] == "damaged") << l.dump();
      EXPECT_TRUE(l["restocked"].is_boolean());
    }
  } else if (e.type == "inventory.adjusted") {
    keys_in(d, {"sku", "delta", "on_hand", "reason"}, {"location", "by", "ref"});
    EXPECT_TRUE(d["delta"].is_number_integer() && d["on_hand"].is_number_integer());
    EXPECT_NE(d["delta"], 0);
  } else if (e.type == "inventory.snapshot_applied" || e.type == "inventory.available") {
    // the inventory service's own events, checked by its tests
  } else {
    ADD_FAILURE() << "event type not in the contract: " << e.type;
  }
}

class OrderFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    Open();
    SeedStock();
  }

  void TearDown() override {
    // Every event ever appended follows the contract, and ids are unique.
    std::set<std::string> ids;
    for (const Event& e : AllEvents()) {
      ExpectContract(e);
      EXPECT_TRUE(ids.insert(e.id).second) << "event id used twice: " << e.id;
    }
    ExpectConsistent();
  }

  // Closes everything and opens the same database again, as a restart of
  // the daemon would.
  void Open() {
    orders_.reset();
    auth_.reset();
    inventory_.reset();
    store_.reset();
    store::StoreOptions o;
    o.path = dir_.File("storeedge.db");
    o.store_id = "S042";
    auto s = store::Store::Open(o, clock_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    auto inv = InventoryService::Create(*store_, clock_, InventoryOptions{}, std::mt19937_64(100 + opens_));
    ASSERT_TRUE(inv.ok()) << inv.status().ToString();
    inventory_ = std::move(inv).value();
    AuthOptions ao;
    ao.pin_iterations = 1000;
    auth_ = std::make_unique<AuthService>(*store_, clock_, ao);
    OrderOptions opt = options_;
    opt.store_id = "S042";
    auto svc = OrderService::Create(*store_, clock_, *inventory_, *auth_, printer_, opt,
                                    std::mt19937_64(1000 + opens_));
    ASSERT_TRUE(svc.ok()) << svc.status().ToString();
    orders_ = std::move(svc).value();
    ++opens_;
  }
  void Restart() { Open(); }

  // Runs the steps in order with a restart between every two of them.
  void Steps(const std::vector<std::pair<std::string, std::function<void()>>>& steps) {
    for (size_t i = 0; i < steps.size(); ++i) {
      if (i > 0) Restart();
      SCOPED_TRACE("step " + std::to_string(i) + ": " + steps[i].first);
      steps[i].second();
      if (HasFatalFailure()) return;
    }
  }

  static json Item(const std::string& sku, int64_t on_hand, const std::string& gtin,
                   const std::string& location, const std::string& description) {
    json j = {{"sku", sku}, {"on_hand", on_hand}, {"gtin", gtin}};
    if (!description.empty()) j["description"] = description;
    if (!location.empty()) j["location"] = location;
    return j;
  }

  // SKU-A: 3 at A-01-01 (walk 10), 5 at C-01-01 (walk 30)
  // SKU-B: 4 at B-02-03 (walk 20)
  // SKU-C: 2 unlocated, 2 at D-01-01 (walk 40)
  // SKU-D: 1 unlocated
  void SeedStock() {
    json items = {Item("SKU-A", 3, kGtinA, "A-01-01", "Trail shoe 42"),
                  Item("SKU-A", 5, kGtinA, "C-01-01", ""),
                  Item("SKU-B", 4, kUpcB, "B-02-03", "Wool socks"),
                  Item("SKU-C", 2, kGtinC, "", "Rain jacket M"),
                  Item("SKU-C", 2, kGtinC, "D-01-01", ""),
                  Item("SKU-D", 1, kGtinD, "", "Cap")};
    auto r = inventory_->ApplySnapshotChunk(
        {{"snapshot_id", "seed"}, {"as_of_store_seq", 0}, {"chunk", 1}, {"chunks", 1}, {"items", items}});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    for (auto [code, walk] : std::vector<std::pair<std::string, int64_t>>{
             {"A-01-01", 10}, {"B-02-03", 20}, {"C-01-01", 30}, {"D-01-01", 40}}) {
      ASSERT_TRUE(inventory_->DefineLocation(code, walk).ok());
    }
    seen_ = LastSeq();
  }

  static json Line(const std::string& id, const std::string& sku, int64_t qty, const std::string& gtin = "",
                   const std::string& description = "") {
    json j = {{"line_id", id}, {"sku", sku}, {"qty", qty}, {"fulfil", "now"}};
    if (!gtin.empty()) j["gtin"] = gtin;
    if (!description.empty()) j["description"] = description;
    return j;
  }

  static json Routed(const std::string& order_id, json lines, int64_t priority = 5,
                     const std::string& promised_by = "2026-11-28T18:00:00Z",
                     const std::string& kind = "ship_from_store") {
    json j = {{"order_id", order_id},
              {"order_ref", "W-" + order_id},
              {"kind", kind},
              {"priority", priority},
              {"placed_at", "2026-11-27T09:00:00Z"},
              {"promised_by", promised_by.empty() ? json(nullptr) : json(promised_by)},
              {"hold_until", nullptr},
              {"pickup_code", nullptr},
              {"customer", {{"first_name", "Ana"}, {"last_name", "Ruiz"}, {"phone_last4", "0173"}}},
              {"ship_to",
               {{"name", "Ana Ruiz"},
                {"line1", "1 Main St"},
                {"city", "Springfield"},
                {"postcode", "12345"},
                {"country", "US"}}},
              {"carrier_service", "UPS_GROUND"},
              {"lines", std::move(lines)}};
    return j;
  }

  RoutedOutcome Route(const json& data, const std::optional<InboundRef>& ref = std::nullopt) {
    auto r = orders_->ApplyRouted(data, ref);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : RoutedOutcome{};
  }

  static json Label(const std::string& order_id, const std::string& package_id, const std::string& tracking,
                    const std::string& bytes = "^XA^FDlabel^FS^XZ", const std::string& carrier = "UPS") {
    return {{"order_id", order_id}, {"package_id", package_id}, {"carrier", carrier},
            {"tracking", tracking}, {"format", "zpl"},          {"data", Base64(bytes)}};
  }

  std::vector<Event> AllEvents() {
    std::vector<Event> out;
    auto all = store_->EventsFrom(1, 1'000'000);
    EXPECT_TRUE(all.ok());
    if (!all.ok()) return out;
    for (const auto& e : *all) out.push_back({e.seq, e.id, e.type, json::parse(e.payload)});
    return out;
  }
  int64_t LastSeq() { return *store_->LastEventSeq(); }
  // Events appended since the last call (or since seeding), in order,
  // without the inventory service's own inventory.available reports.
  std::vector<Event> NewEvents() {
    std::vector<Event> out;
    for (Event& e : AllEvents()) {
      if (e.seq <= seen_) continue;
      seen_ = e.seq;
      if (e.type == "inventory.available") continue;
      out.push_back(std::move(e));
    }
    return out;
  }
  // The new events as [type, data] pairs, for one comparison of everything.
  json NewEventsJson() {
    json out = json::array();
    for (const Event& e : NewEvents()) out.push_back({e.type, e.data});
    return out;
  }

  core::StockFigures Figures(const std::string& sku) {
    auto v = inventory_->BySku(sku);
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    return v.ok() ? v->figures : core::StockFigures{};
  }
  int64_t StockAt(const std::string& sku, const std::string& location) {
    auto v = inventory_->BySku(sku);
    EXPECT_TRUE(v.ok());
    for (const auto& s : v->locations) {
      if (s.location.code == location) return s.qty;
    }
    return 0;
  }
  void ExpectConsistent() {
    if (!inventory_) return;
    auto issues = inventory_->repo().CheckConsistency();
    ASSERT_TRUE(issues.ok());
    std::string all;
    for (const auto& i : *issues) all += i + "\n";
    EXPECT_EQ(all, "");
  }
  core::OrderState StateOf(const std::string& order_id) {
    auto o = orders_->GetOrder(order_id);
    EXPECT_TRUE(o.ok()) << o.status().ToString();
    return o.ok() ? o->order.state : core::OrderState::kRejected;
  }
  // Everything a command may change, to show that a refused one changed nothing.
  std::string Fingerprint() {
    std::string f;
    for (const char* q :
         {"SELECT count(*) FROM outbox", "SELECT count(*) FROM ledger", "SELECT count(*) FROM pick_records",
          "SELECT count(*) FROM audit_log",
          "SELECT coalesce(sum(picked * 7 + short * 3 + packed * 5 + shipped), 0) FROM order_lines",
          "SELECT coalesce(sum(picked + short * 3), 0) FROM pick_lines",
          "SELECT group_concat(state || label_state) FROM packages",
          "SELECT group_concat(state || coalesce(assignee, '-')) FROM tasks",
          "SELECT coalesce(sum(on_hand * 7 + reserved * 3), 0) FROM items"}) {
      auto st = store_->db().Prepare(q);
      EXPECT_TRUE(st.ok());
      auto row = st->Step();
      EXPECT_TRUE(row.ok());
      f += (st->IsNull(0) ? std::string("-") : st->Text(0)) + ",";
    }
    return f;
  }

  // Picks every open line of a task by scanning each unit's GTIN.
  void PickAll(int64_t task_id, const core::Actor& by, const std::map<std::string, std::string>& gtin_of) {
    auto view = orders_->GetTask(task_id);
    ASSERT_TRUE(view.ok()) << view.status().ToString();
    for (const auto& l : view->pick_lines) {
      for (int64_t i = l.line.remaining(); i > 0; --i) {
        PickCommand c;
        c.task_id = task_id;
        c.pick_line_id = l.line.id;
        c.scan = gtin_of.at(l.line.sku);
        auto r = orders_->Pick(c, by);
        ASSERT_TRUE(r.ok()) << r.status().ToString();
      }
    }
  }

  const std::map<std::string, std::string> kScans = {
      {"SKU-A", kGtinA}, {"SKU-B", kUpcB}, {"SKU-C", kGtinC}, {"SKU-D", kGtinD}};
  const core::Actor ana_{"ana", core::Role::kAssociate};
  const core::Actor bo_{"bo", core::Role::kAssociate};
  const core::Actor sue_{"sue", core::Role::kSupervisor};

  edge::testing::TempDir dir_;
  core::ManualClock clock_{core::FromUnixMillis(1'795'774'503'120)};  // 2026-11-27T10:15:03.120Z
  OrderOptions options_;
  RecordingPrinter printer_;
  uint64_t opens_ = 0;
  int64_t seen_ = 0;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<InventoryService> inventory_;
  std::unique_ptr<AuthService> auth_;
  std::unique_ptr<OrderService> orders_;
};

}  // namespace edge::app::testing_orders
