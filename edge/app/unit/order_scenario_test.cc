// Scenario tests of the order service on a real SQLite file: the whole
// ship-from-store path with the store and every service closed and reopened
// between every two steps, a batch of five orders sharing SKUs, and
// cancellation at every stage. Every event is compared field by field.
#include <gtest/gtest.h>

#include "order_test_support.h"

namespace edge::app::testing_orders {
namespace {

class OrderScenario : public OrderFixture {};

TEST_F(OrderScenario, ShipFromStoreEndToEndWithARestartBetweenEveryTwoSteps) {
  const std::string t1 = Ups("12345E660527223");
  const std::string t2 = Ups("999AA1012345679");
  ASSERT_FALSE(t1.empty());
  ASSERT_FALSE(t2.empty());
  int64_t task = 0;
  json lines = {Line("1", "SKU-A", 2, kGtinA, "Trail shoe 42"), Line("2", "SKU-B", 1, kUpcB, "Wool socks"),
                Line("3", "SKU-C", 3, kGtinC, "Rain jacket M")};
  const json accepted = {
      "order.accepted",
      {{"order_id", "O-1001"},
       {"lines",
        {{{"line_id", "1"}, {"qty", 2}}, {{"line_id", "2"}, {"qty", 1}}, {{"line_id", "3"}, {"qty", 3}}}}}};
  Steps({
      {"route",
       [&] {
         auto r = Route(Routed("O-1001", lines), InboundRef{"m-1", "orders", 1, "order.routed"});
         EXPECT_FALSE(r.repeated);
         EXPECT_EQ(NewEventsJson(), json::array({accepted}));
         EXPECT_EQ(Figures("SKU-A"), (core::StockFigures{8, 2, 0}));
         EXPECT_EQ(Figures("SKU-C"), (core::StockFigures{4, 3, 0}));
         EXPECT_EQ(StateOf("O-1001"), core::OrderState::kAccepted);
       }},
      {"the same message again, then the same order re-routed",
       [&] {
         auto dup = Route(Routed("O-1001", lines), InboundRef{"m-1", "orders", 1, "order.routed"});
         EXPECT_TRUE(dup.duplicate_message);
         EXPECT_EQ(NewEventsJson(), json::array());
         auto again = Route(Routed("O-1001", lines), InboundRef{"m-2", "orders", 2, "order.routed"});
         EXPECT_TRUE(again.repeated);
         EXPECT_EQ(NewEventsJson(), json::array({accepted}));
         EXPECT_EQ(Figures("SKU-A").reserved, 2);
         EXPECT_EQ(*store_->NextSeq("orders"), 3);
       }},
      {"create the pick task",
       [&] {
         auto q = orders_->WorkQueue();
         ASSERT_TRUE(q.ok());
         ASSERT_EQ(q->size(), 1u);
         EXPECT_EQ((*q)[0].order_id, "O-1001");
         EXPECT_EQ((*q)[0].units, 6);
         auto t = orders_->CreatePickTask({"O-1001"}, ana_);
         ASSERT_TRUE(t.ok()) << t.status().ToString();
         task = *t;
         EXPECT_TRUE(orders_->WorkQueue()->empty());
         EXPECT_EQ(NewEventsJson(), json::array());
       }},
      {"claim: pick_started",
       [&] {
         auto v = orders_->GetTask(task);
         ASSERT_TRUE(v.ok());
         std::vector<std::string> walk;
         for (const auto& l : v->pick_lines) {
           walk.push_back(l.line.location + " " + l.line.sku + " x" + std::to_string(l.line.qty) + " " +
                          l.tote);
         }
         EXPECT_EQ(walk, (std::vector<std::string>{"A-01-01 SKU-A x2 T1", "B-02-03 SKU-B x1 T1",
                                                   "D-01-01 SKU-C x2 T1", " SKU-C x1 T1"}));
         ASSERT_TRUE(orders_->ClaimTask(task, ana_).ok());
         EXPECT_EQ(NewEventsJson(),
                   json::array({{"order.pick_started", {{"order_id", "O-1001"}, {"picker", "ana"}}}}));
         EXPECT_EQ(StateOf("O-1001"), core::OrderState::kPicking);
       }},
      {"first unit by its EAN-13",
       [&] {
         auto v = orders_->GetTask(task);
         EXPECT_EQ(v->task.state, core::TaskState::kInProgress);
         EXPECT_EQ(v->task.assignee, "ana");
         PickCommand c;
         c.task_id = task;
         c.pick_line_id = v->pick_lines[0].line.id;
         c.scan = kGtinA;
         auto r = orders_->Pick(c, ana_);
         ASSERT_TRUE(r.ok()) << r.status().ToString();
         EXPECT_EQ(r->tote, "T1");
         EXPECT_EQ(r->line_remaining, 1);
         EXPECT_EQ(r->task_remaining, 5);
       }},
      {"second unit by GS1 element string, scan-driven",
       [&] {
         // The restart kept the progress of the line.
         auto v = orders_->GetTask(task);
         EXPECT_EQ(v->pick_lines[0].line.picked, 1);
         PickCommand c;
         c.task_id = task;
         c.at = "SE1:LOC:A-01-01";
         c.scan = "(01)0" + kGtinA + "(10)LOT7";
         auto r = orders_->Pick(c, ana_);
         ASSERT_TRUE(r.ok()) << r.status().ToString();
         EXPECT_EQ(r->sku, "SKU-A");
         EXPECT_EQ(r->line_remaining, 0);
       }},
      {"socks by UPC-A with its AIM id",
       [&] {
         PickCommand c;
         c.task_id = task;
         c.scan = kUpcB;
         c.aim_id = "]E0";
         auto r = orders_->Pick(c, ana_);
         ASSERT_TRUE(r.ok()) << r.status().ToString();
         EXPECT_EQ(r->sku, "SKU-B");
       }},
      {"two jackets by a counted entry",
       [&] {
         auto v = orders_->GetTask(task);
         PickCommand c;
         c.task_id = task;
         c.pick_line_id = v->pick_lines[2].line.id;
         c.scan = kGtinC;
         c.qty = 2;
         auto r = orders_->Pick(c, ana_);
         ASSERT_TRUE(r.ok()) << r.status().ToString();
         EXPECT_EQ(r->task_remaining, 1);
         EXPECT_EQ(NewEventsJson(), json::array());
       }},
      {"the last jacket by a manual entry: order.picked",
       [&] {
         auto v = orders_->GetTask(task);
         PickCommand c;
         c.task_id = task;
         c.pick_line_id = v->pick_lines[3].line.id;
         c.manual_reason = "barcode torn off";
         auto r = orders_->Pick(c, ana_);
         ASSERT_TRUE(r.ok()) << r.status().ToString();
         EXPECT_TRUE(r->order_picked);
         EXPECT_TRUE(r->task_done);
         EXPECT_EQ(NewEventsJson(), json::array({{"order.picked",
                                                  {{"order_id", "O-1001"},
                                                   {"lines",
                                                    {{{"line_id", "1"}, {"qty", 2}},
                                                     {{"line_id", "2"}, {"qty", 1}},
                                                     {{"line_id", "3"}, {"qty", 3}}}}}}}));
         auto o = orders_->GetOrder("O-1001");
         ASSERT_EQ(o->pick_records.size(), 5u);
         std::vector<std::string> methods;
         for (const auto& p : o->pick_records) methods.push_back(p.method + ":" + std::to_string(p.qty));
         EXPECT_EQ(methods, (std::vector<std::string>{"scan:1", "scan:1", "scan:1", "count:2", "manual:1"}));
         EXPECT_EQ(o->pick_records[4].reason, "barcode torn off");
         EXPECT_EQ(o->pick_records[4].associate, "ana");
         EXPECT_EQ(o->pick_records[0].scan, Gtin14(kGtinA));
         EXPECT_EQ(o->pick_records[3].location, "D-01-01");
         EXPECT_EQ(o->order.state, core::OrderState::kPicked);
         auto pack = orders_->ActiveTasks(core::TaskKind::kPack);
         ASSERT_EQ(pack->size(), 1u);
         EXPECT_EQ((*pack)[0].order_id, "O-1001");
       }},
      {"first package: shoes and socks",
       [&] {
         auto p = orders_->OpenPackage("O-1001", "M", "PACK-1", bo_);
         ASSERT_TRUE(p.ok()) << p.status().ToString();
         EXPECT_EQ(p->package.package_id, "S042-P1");
         PackCommand c;
         c.package_id = "S042-P1";
         c.scan = kGtinA;
         c.qty = 2;
         ASSERT_TRUE(orders_->PackUnits(c, bo_).ok());
         c.scan = kUpcB;
         c.qty = 1;
         ASSERT_TRUE(orders_->PackUnits(c, bo_).ok());
       }},
      {"close it",
       [&] {
         auto p = orders_->ClosePackage("S042-P1", 1200, bo_);
         ASSERT_TRUE(p.ok()) << p.status().ToString();
         ASSERT_EQ(p->lines.size(), 2u);
         EXPECT_EQ(p->package.state, store::PackageState::kClosed);
       }},
      {"second package: jackets",
       [&] {
         auto p = orders_->OpenPackage("O-1001", "S", "PACK-1", bo_);
         ASSERT_TRUE(p.ok()) << p.status().ToString();
         PackCommand c;
         c.package_id = "S042-P2";
         c.scan = kGtinC;
         c.qty = 3;
         ASSERT_TRUE(orders_->PackUnits(c, bo_).ok());
         ASSERT_TRUE(orders_->ClosePackage("S042-P2", 900, bo_).ok());
       }},
      {"finish packing: order.packed asks for labels",
       [&] {
         ASSERT_TRUE(orders_->FinishPacking("O-1001", bo_).ok());
         EXPECT_EQ(
             NewEventsJson(),
             json::array({{"order.packed",
                           {{"order_id", "O-1001"},
                            {"packages",
                             {{{"package_id", "S042-P1"},
                               {"weight_g", 1200},
                               {"dims_mm", {400, 300, 200}},
                               {"box", "M"},
                               {"lines", {{{"line_id", "1"}, {"qty", 2}}, {{"line_id", "2"}, {"qty", 1}}}}},
                              {{"package_id", "S042-P2"},
                               {"weight_g", 900},
                               {"dims_mm", {250, 200, 100}},
                               {"box", "S"},
                               {"lines", {{{"line_id", "3"}, {"qty", 3}}}}}}}}}}));
         EXPECT_EQ(StateOf("O-1001"), core::OrderState::kPacked);
         EXPECT_TRUE(orders_->ActiveTasks(core::TaskKind::kPack)->empty());
       }},
      {"packing slip",
       [&] {
         auto content = orders_->PackingSlipContent("S042-P1");
         ASSERT_TRUE(content.ok()) << content.status().ToString();
         EXPECT_EQ(content->order_ref, "W-O-1001");
         EXPECT_EQ(content->store_name, "Store S042");
         EXPECT_EQ(content->date, "2026-11-27");
         EXPECT_EQ(content->ship_to.name, "Ana Ruiz");
         EXPECT_EQ(content->ship_to.lines,
                   (std::vector<std::string>{"1 Main St", "Springfield 12345", "US"}));
         ASSERT_EQ(content->lines.size(), 2u);  // the jackets are in the other package
         EXPECT_EQ(content->lines[0].sku, "SKU-A");
         EXPECT_EQ(content->lines[0].description, "Trail shoe 42");
         EXPECT_EQ(content->lines[0].qty, 2);
         EXPECT_EQ(content->lines[1].sku, "SKU-B");
         EXPECT_EQ(content->note, "Package S042-P1 (1 of 2)");
         auto slip = orders_->PackingSlip("S042-P1");
         ASSERT_TRUE(slip.ok()) << slip.status().ToString();
         EXPECT_EQ(slip->format, "pdf");
         EXPECT_EQ(slip->bytes.rfind("%PDF-", 0), 0u);
         ASSERT_TRUE(orders_->PrintPackingSlip("S042-P1", bo_).ok());
         ASSERT_EQ(printer_.jobs.size(), 1u);
         EXPECT_EQ(printer_.jobs[0].format, "pdf");
         EXPECT_EQ(printer_.jobs[0].kind, "packing_slip");
         EXPECT_EQ(printer_.jobs[0].station, "PACK-1");
         EXPECT_EQ(printer_.jobs[0].bytes, slip->bytes);
         printer_.jobs.clear();
       }},
      {"labels arrive and are printed at the packing station",
       [&] {
         ASSERT_TRUE(orders_
                         ->ApplyShipmentLabel(Label("O-1001", "S042-P1", t1, "^XA label 1 ^XZ"),
                                              InboundRef{"s-1", "shipments", 1, "shipment.label"})
                         .ok());
         ASSERT_TRUE(orders_
                         ->ApplyShipmentLabel(Label("O-1001", "S042-P2", t2, "^XA label 2 ^XZ"),
                                              InboundRef{"s-2", "shipments", 2, "shipment.label"})
                         .ok());
         ASSERT_EQ(printer_.jobs.size(), 2u);
         EXPECT_EQ(printer_.jobs[0].station, "PACK-1");
         EXPECT_EQ(printer_.jobs[0].package_id, "S042-P1");
         EXPECT_EQ(printer_.jobs[0].format, "zpl");
         EXPECT_EQ(printer_.jobs[0].kind, "carrier_label");
         EXPECT_EQ(printer_.jobs[0].bytes, "^XA label 1 ^XZ");
         EXPECT_EQ(orders_->repo().FindPackage("S042-P1")->value().label_state, store::LabelState::kQueued);
         // Not ready before the labels are verified on the packages.
         EXPECT_TRUE(orders_->Manifest("UPS")->empty());
         EXPECT_EQ(NewEventsJson(), json::array());
       }},
      {"verify each label by scanning its tracking barcode",
       [&] {
         ASSERT_TRUE(orders_->VerifyLabel("S042-P1", t1 + "\r\n", "", bo_).ok());
         ASSERT_TRUE(orders_->VerifyLabel("S042-P2", t2, "]C0", bo_).ok());
         auto m = orders_->Manifest("UPS");
         ASSERT_EQ(m->size(), 2u);
         EXPECT_EQ((*m)[0].tracking, t1);
         EXPECT_FALSE((*m)[0].label.has_value());  // the view leaves the bytes out
       }},
      {"the driver scans the first package",
       [&] {
         auto h = orders_->HandOff("UPS", "SE1:PKG:S042-P1", "", sue_);
         ASSERT_TRUE(h.ok()) << h.status().ToString();
         EXPECT_FALSE(h->order_shipped);
         EXPECT_EQ(
             NewEventsJson(),
             json::array(
                 {{"order.shipped",
                   {{"order_id", "O-1001"},
                    {"packages", {{{"package_id", "S042-P1"}, {"tracking", t1}, {"carrier", "UPS"}}}}}}}));
         EXPECT_EQ(Figures("SKU-A"), (core::StockFigures{6, 0, 0}));
         EXPECT_EQ(StockAt("SKU-A", "A-01-01"), 1);
         EXPECT_EQ(Figures("SKU-B"), (core::StockFigures{3, 0, 0}));
         EXPECT_EQ(Figures("SKU-C"), (core::StockFigures{4, 3, 0}));
         EXPECT_EQ(StateOf("O-1001"), core::OrderState::kPacked);
       }},
      {"the rest of the manifest is confirmed",
       [&] {
         auto h = orders_->ConfirmManifest("UPS", sue_);
         ASSERT_TRUE(h.ok()) << h.status().ToString();
         ASSERT_EQ(h->size(), 1u);
         EXPECT_TRUE((*h)[0].order_shipped);
         EXPECT_EQ(
             NewEventsJson(),
             json::array(
                 {{"order.shipped",
                   {{"order_id", "O-1001"},
                    {"packages", {{{"package_id", "S042-P2"}, {"tracking", t2}, {"carrier", "UPS"}}}}}}}));
         EXPECT_EQ(StateOf("O-1001"), core::OrderState::kShipped);
         EXPECT_EQ(Figures("SKU-C"), (core::StockFigures{1, 0, 0}));
         EXPECT_EQ(StockAt("SKU-C", "D-01-01"), 0);
         EXPECT_EQ(StockAt("SKU-C", ""), 1);
         auto res = inventory_->repo().ReservationsOf("O-1001");
         for (const auto& r : *res) EXPECT_EQ(r.state, store::ReservationState::kConsumed) << r.line_id;
         // A cancellation now is too late.
         auto c = orders_->ApplyCancelRequested({{"order_id", "O-1001"}, {"reason", "customer"}});
         ASSERT_TRUE(c.ok());
         EXPECT_EQ(c->outcome, core::CancelOutcome::kTooLate);
         EXPECT_EQ(NewEventsJson(),
                   json::array({{"order.cancelled", {{"order_id", "O-1001"}, {"outcome", "too_late"}}}}));
         // The audit trail names who did each step.
         EXPECT_EQ(*store_->db().QueryInt("SELECT count(*) FROM audit_log WHERE actor = 'ana' AND action = "
                                          "'order.pick'"),
                   5);
         EXPECT_EQ(*store_->db().QueryInt("SELECT count(*) FROM audit_log WHERE actor = 'sue' AND action = "
                                          "'package.handoff'"),
                   2);
       }},
  });
}

TEST_F(OrderScenario, BatchOfFiveOrdersSharingSkusPickedInOneWalk) {
  // Routed in this order; the queue puts the most urgent first.
  Route(Routed("B1", {Line("1", "SKU-A", 2), Line("2", "SKU-B", 1)}, 5, "2026-11-28T18:00:00Z"));
  Route(Routed("B2", {Line("1", "SKU-A", 1)}, 5, "2026-11-27T12:00:00Z"));
  Route(Routed("B3", {Line("1", "SKU-B", 2), Line("2", "SKU-C", 1)}, 1, "2026-11-28T18:00:00Z"));
  Route(Routed("B4", {Line("1", "SKU-A", 2), Line("2", "SKU-C", 2)}, 9, "2026-11-28T18:00:00Z"));
  Route(Routed("B5", {Line("1", "SKU-B", 1), Line("2", "SKU-A", 1)}, 5, ""));
  NewEvents();
  auto q = orders_->WorkQueue();
  ASSERT_TRUE(q.ok());
  std::vector<std::string> ids;
  for (const auto& i : *q) ids.push_back(i.order_id);
  EXPECT_EQ(ids, (std::vector<std::string>{"B2", "B3", "B1", "B4", "B5"}));
  EXPECT_EQ((*q)[0].time_left, std::chrono::duration_cast<core::Duration>(1h + 44min + 56880ms));
  EXPECT_FALSE((*q)[4].time_left.has_value());

  auto task = orders_->CreatePickTask(ids, ana_);
  ASSERT_TRUE(task.ok()) << task.status().ToString();
  Restart();
  auto v = orders_->GetTask(*task);
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->task.batch);
  std::vector<std::string> totes;
  for (const auto& t : v->totes) totes.push_back(t.tote + "=" + t.order_id);
  EXPECT_EQ(totes, (std::vector<std::string>{"T1=B2", "T2=B3", "T3=B1", "T4=B4", "T5=B5"}));
  // SKU-A: A-01-01 holds 3 (B2 1, B1 2), C-01-01 the rest (B4 2, B5 1);
  // SKU-C: D-01-01 2 (B3 1, B4 1), then the unlocated bucket (B4 1).
  std::vector<std::string> walk;
  for (const auto& l : v->pick_lines) {
    walk.push_back(l.line.location + " " + l.line.sku + " " + l.tote + " x" + std::to_string(l.line.qty));
  }
  EXPECT_EQ(walk, (std::vector<std::string>{
                      "A-01-01 SKU-A T1 x1", "A-01-01 SKU-A T3 x2", "B-02-03 SKU-B T2 x2",
                      "B-02-03 SKU-B T3 x1", "B-02-03 SKU-B T5 x1", "C-01-01 SKU-A T4 x2",
                      "C-01-01 SKU-A T5 x1", "D-01-01 SKU-C T2 x1", "D-01-01 SKU-C T4 x1", " SKU-C T4 x1"}));

  // Scan-driven: each unit goes to the tote of the most urgent order still
  // needing it at the bin the picker stands at.
  struct Scan {
    std::string at, gtin, tote;
  };
  const std::vector<Scan> walkthrough = {
      {"A-01-01", kGtinA, "T1"}, {"A-01-01", kGtinA, "T3"}, {"A-01-01", kGtinA, "T3"},
      {"B-02-03", kUpcB, "T2"},  {"B-02-03", kUpcB, "T2"},  {"B-02-03", kUpcB, "T3"},
      {"B-02-03", kUpcB, "T5"},  {"C-01-01", kGtinA, "T4"}, {"C-01-01", kGtinA, "T4"},
      {"C-01-01", kGtinA, "T5"}, {"D-01-01", kGtinC, "T2"}, {"D-01-01", kGtinC, "T4"},
  };
  std::vector<std::string> tote_of;
  for (size_t i = 0; i < walkthrough.size(); ++i) {
    if (i % 4 == 3) Restart();
    PickCommand c;
    c.task_id = *task;
    c.at = walkthrough[i].at;
    c.scan = walkthrough[i].gtin;
    auto r = orders_->Pick(c, ana_);
    ASSERT_TRUE(r.ok()) << i << ": " << r.status().ToString();
    tote_of.push_back(r->tote);
    EXPECT_EQ(r->tote, walkthrough[i].tote) << "scan " << i;
  }
  // The last jacket is not at a known bin: found elsewhere, scanned anywhere.
  PickCommand last;
  last.task_id = *task;
  last.scan = kGtinC;
  auto r = orders_->Pick(last, ana_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->tote, "T4");
  EXPECT_TRUE(r->task_done);

  const json events = NewEventsJson();
  json started = json::array(), picked = json::array();
  for (const auto& e : events) {
    if (e[0] == "order.pick_started") started.push_back(e[1]);
    if (e[0] == "order.picked") picked.push_back(e[1]);
  }
  EXPECT_EQ(started, json::array({{{"order_id", "B2"}, {"picker", "ana"}},
                                  {{"order_id", "B3"}, {"picker", "ana"}},
                                  {{"order_id", "B1"}, {"picker", "ana"}},
                                  {{"order_id", "B4"}, {"picker", "ana"}},
                                  {{"order_id", "B5"}, {"picker", "ana"}}}));
  // Each order is picked when its own last unit is in its tote.
  EXPECT_EQ(
      picked,
      json::array(
          {{{"order_id", "B2"}, {"lines", {{{"line_id", "1"}, {"qty", 1}}}}},
           {{"order_id", "B1"}, {"lines", {{{"line_id", "1"}, {"qty", 2}}, {{"line_id", "2"}, {"qty", 1}}}}},
           {{"order_id", "B5"}, {"lines", {{{"line_id", "1"}, {"qty", 1}}, {{"line_id", "2"}, {"qty", 1}}}}},
           {{"order_id", "B3"}, {"lines", {{{"line_id", "1"}, {"qty", 2}}, {{"line_id", "2"}, {"qty", 1}}}}},
           {{"order_id", "B4"},
            {"lines", {{{"line_id", "1"}, {"qty", 2}}, {{"line_id", "2"}, {"qty", 2}}}}}}));
  EXPECT_EQ(events.size(), 10u);
  for (const char* id : {"B1", "B2", "B3", "B4", "B5"})
    EXPECT_EQ(StateOf(id), core::OrderState::kPicked) << id;
  EXPECT_EQ(orders_->ActiveTasks(core::TaskKind::kPack)->size(), 5u);
  EXPECT_EQ(Figures("SKU-A").reserved, 6);
}

TEST_F(OrderScenario, CancellationAtEveryStage) {
  const std::string tracking = Ups("999AA1012345678");
  // One order per stage.
  for (const char* id : {"C-ACC", "C-TASK", "C-PICKING", "C-PICKED", "C-PACKED", "C-PART", "C-SHIPPED"}) {
    Route(Routed(id, {Line("1", "SKU-B", 1)}));
  }
  Route(Routed("C-PICKING2", {Line("1", "SKU-A", 2)}));
  EXPECT_EQ(Figures("SKU-B").reserved, 7 - 3);  // only 4 socks: C-PICKED.. refused
  NewEvents();
  // Socks ran out at the fifth order: C-PACKED, C-PART, C-SHIPPED were refused.
  EXPECT_EQ(StateOf("C-PACKED"), core::OrderState::kRejected);
  // Give the store more socks and route three more, so every stage is covered.
  ASSERT_TRUE(
      inventory_->Adjust({core::AdjustmentKind::kFound, "SKU-B", "B-02-03", 6, "sue", std::nullopt}).ok());
  for (const char* id : {"D-PACKED", "D-PART", "D-SHIPPED"}) Route(Routed(id, {Line("1", "SKU-B", 1)}));
  Route(Routed("D-PART", {Line("1", "SKU-B", 1)}));  // re-route: no change
  NewEvents();
  const core::StockFigures before = Figures("SKU-B");
  EXPECT_EQ(before, (core::StockFigures{10, 7, 0}));

  auto task_of = [&](const std::string& id) {
    auto t = orders_->CreatePickTask({id}, ana_);
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    return t.ok() ? *t : 0;
  };
  auto pick_all = [&](const std::string& id) {
    int64_t t = task_of(id);
    PickAll(t, ana_, kScans);
  };
  auto pack = [&](const std::string& id) {
    auto p = orders_->OpenPackage(id, "ENV", "PACK-2", bo_);
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    PackCommand c;
    c.package_id = p->package.package_id;
    c.scan = kUpcB;
    ASSERT_TRUE(orders_->PackUnits(c, bo_).ok());
    ASSERT_TRUE(orders_->ClosePackage(c.package_id, 80, bo_).ok());
    ASSERT_TRUE(orders_->FinishPacking(id, bo_).ok());
  };
  // Stages.
  const int64_t in_task = task_of("C-TASK");
  const int64_t picking = task_of("C-PICKING2");
  {
    auto v = orders_->GetTask(picking);
    PickCommand c;
    c.task_id = picking;
    c.pick_line_id = v->pick_lines[0].line.id;
    c.scan = kGtinA;
    ASSERT_TRUE(orders_->Pick(c, ana_).ok());  // 1 of 2 picked
  }
  pick_all("C-PICKED");
  pick_all("D-PACKED");
  pack("D-PACKED");
  ASSERT_TRUE(orders_->ApplyShipmentLabel(Label("D-PACKED", "S042-P1", Ups("000000000000001"))).ok());
  pick_all("D-SHIPPED");
  pack("D-SHIPPED");
  ASSERT_TRUE(orders_->ApplyShipmentLabel(Label("D-SHIPPED", "S042-P2", tracking)).ok());
  ASSERT_TRUE(orders_->VerifyLabel("S042-P2", tracking, "", bo_).ok());
  ASSERT_TRUE(orders_->HandOff("UPS", tracking, "", sue_).ok());
  pick_all("D-PART");
  pack("D-PART");
  NewEvents();
  Restart();

  auto cancel = [&](const std::string& id) {
    auto r = orders_->ApplyCancelRequested({{"order_id", id}, {"reason", "customer changed mind"}});
    EXPECT_TRUE(r.ok()) << id << ": " << r.status().ToString();
    return r.ok() ? *r : CancelResult{};
  };
  auto cancelled = [](const std::string& id, bool restock) {
    json d = {{"order_id", id}, {"outcome", "cancelled"}};
    if (restock) d["restock"] = true;
    return json{"order.cancelled", d};
  };

  // Accepted, no task: released at once.
  const int64_t reserved0 = Figures("SKU-B").reserved;
  auto r = cancel("C-ACC");
  EXPECT_FALSE(r.restock);
  EXPECT_EQ(NewEventsJson(), json::array({cancelled("C-ACC", false)}));
  EXPECT_EQ(Figures("SKU-B").reserved, reserved0 - 1);
  EXPECT_EQ(StateOf("C-ACC"), core::OrderState::kCancelled);

  // In a task not yet claimed: released, and the task ends.
  cancel("C-TASK");
  EXPECT_EQ(NewEventsJson(), json::array({cancelled("C-TASK", false)}));
  EXPECT_EQ(Figures("SKU-B").reserved, reserved0 - 2);
  EXPECT_EQ(orders_->GetTask(in_task)->task.state, core::TaskState::kCancelled);

  // Picking, 1 of 2 picked: the unpicked one released, the picked one to restock.
  const core::StockFigures a_before = Figures("SKU-A");
  r = cancel("C-PICKING2");
  EXPECT_TRUE(r.restock);
  ASSERT_TRUE(r.restock_task.has_value());
  EXPECT_EQ(NewEventsJson(), json::array({cancelled("C-PICKING2", true)}));
  EXPECT_EQ(Figures("SKU-A").reserved, a_before.reserved - 1);
  EXPECT_EQ(orders_->GetTask(picking)->task.state, core::TaskState::kDone);
  const int64_t restock_picking = *r.restock_task;
  Restart();
  // The restock unit goes back by scan: wrong item refused, then the right
  // one to another bin; its reservation is released then.
  {
    const std::string before_fp = Fingerprint();
    auto wrong = orders_->Restock({restock_picking, kUpcB, "", "SE1:LOC:A-01-01"}, ana_);
    EXPECT_EQ(wrong.status().code(), core::StatusCode::kInvalidArgument);
    EXPECT_NE(wrong.status().message().find("wrong item: scanned GTIN " + Gtin14(kUpcB) +
                                            " (SKU-B); this task holds SKU-A (1)"),
              std::string::npos)
        << wrong.status().message();
    EXPECT_EQ(Fingerprint(), before_fp);
    auto ok = orders_->Restock({restock_picking, kGtinA, "", "SE1:LOC:A-02-09"}, ana_);
    ASSERT_TRUE(ok.ok()) << ok.status().ToString();
    EXPECT_TRUE(ok->task_done);
    EXPECT_EQ(Figures("SKU-A"), (core::StockFigures{a_before.on_hand, a_before.reserved - 2, 0}));
    EXPECT_EQ(StockAt("SKU-A", "A-02-09"), 1);
    EXPECT_EQ(StockAt("SKU-A", "A-01-01"), 2);
    EXPECT_EQ(NewEventsJson(), json::array());  // a move: on-hand unchanged
  }

  // Picked: restock.
  r = cancel("C-PICKED");
  EXPECT_TRUE(r.restock);
  EXPECT_EQ(NewEventsJson(), json::array({cancelled("C-PICKED", true)}));
  EXPECT_TRUE(orders_->ActiveTasks(core::TaskKind::kPack)->empty());  // C-PICKED's ended
  // Packed, label printed: restock; the package and its label are void.
  r = cancel("D-PACKED");
  EXPECT_TRUE(r.restock);
  EXPECT_EQ(NewEventsJson(), json::array({cancelled("D-PACKED", true)}));
  auto pkg = orders_->repo().FindPackage("S042-P1")->value();
  EXPECT_EQ(pkg.state, store::PackageState::kCancelled);
  EXPECT_EQ(pkg.label_state, store::LabelState::kVoided);
  // A label arriving for it now is kept but never printed.
  const size_t jobs = printer_.jobs.size();
  ASSERT_TRUE(orders_->ApplyShipmentLabel(Label("D-PACKED", "S042-P1", Ups("000000000000002"))).ok());
  EXPECT_EQ(printer_.jobs.size(), jobs);

  // Handed off: too late, nothing changes.
  r = cancel("D-SHIPPED");
  EXPECT_EQ(r.outcome, core::CancelOutcome::kTooLate);
  EXPECT_EQ(NewEventsJson(),
            json::array({{"order.cancelled", {{"order_id", "D-SHIPPED"}, {"outcome", "too_late"}}}}));
  EXPECT_EQ(StateOf("D-SHIPPED"), core::OrderState::kShipped);

  // Refused at intake: nothing held, cancelled.
  cancel("C-SHIPPED");
  EXPECT_EQ(NewEventsJson(), json::array({cancelled("C-SHIPPED", false)}));

  // A repeat gives the same answer and changes nothing.
  Restart();
  r = cancel("C-PICKED");
  EXPECT_TRUE(r.restock);
  EXPECT_EQ(NewEventsJson(), json::array({cancelled("C-PICKED", true)}));
  auto tasks = orders_->ActiveTasks(core::TaskKind::kRestock);
  EXPECT_EQ(tasks->size(), 2u);  // C-PICKED's and D-PACKED's, not a third
  // Unknown order: NotFound, for the dead-letter table.
  auto unknown = orders_->ApplyCancelRequested({{"order_id", "NOPE"}});
  EXPECT_EQ(unknown.status().code(), core::StatusCode::kNotFound);
  EXPECT_EQ(unknown.status().message(), "order.cancel_requested: order_id: 'NOPE' was never routed here");

  // Put back everything; every reservation of the cancelled orders ends.
  for (const auto& t : *tasks) {
    auto v = orders_->GetTask(t.id);
    for (size_t i = 0; i < v->restock.size(); ++i) {
      auto put = orders_->Restock({t.id, kUpcB, "", "B-02-03"}, bo_);
      ASSERT_TRUE(put.ok()) << put.status().ToString();
    }
  }
  // D-SHIPPED is gone; C-PICKING (never picked) and D-PART (packed) still
  // hold theirs; the rest of the socks are free again.
  EXPECT_EQ(Figures("SKU-B"), (core::StockFigures{9, 2, 0}));
  EXPECT_TRUE(orders_->ActiveTasks(core::TaskKind::kRestock)->empty());
  for (const char* id : {"C-ACC", "C-TASK", "C-PICKING2", "C-PICKED", "D-PACKED"}) {
    auto res = inventory_->repo().ReservationsOf(id);
    for (const auto& x : *res) EXPECT_NE(x.state, store::ReservationState::kOpen) << id;
  }
}

}  // namespace
}  // namespace edge::app::testing_orders
