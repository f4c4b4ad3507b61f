// Tests of the order service's commands one concern at a time: intake,
// tasks, scans, short picks, packing and labels, handoff. Real SQLite file,
// manual clock; every event is compared field by field, and the fixture
// checks every outbox event against the contract when each test ends.
#include <gtest/gtest.h>

#include "edge/testing/full_scans.h"
#include "order_test_support.h"

namespace edge::app::testing_orders {
namespace {

json Accepted(const std::string& order_id, json lines) {
  return {"order.accepted", {{"order_id", order_id}, {"lines", std::move(lines)}}};
}
json Rejected(const std::string& order_id, json lines) {
  return {"order.rejected", {{"order_id", order_id}, {"lines", std::move(lines)}}};
}
json L(const std::string& id, int64_t qty) { return {{"line_id", id}, {"qty", qty}}; }
json L(const std::string& id, int64_t qty, const std::string& reason) {
  return {{"line_id", id}, {"qty", qty}, {"reason", reason}};
}

// ---- intake ----

class OrderIntake : public OrderFixture {};

TEST_F(OrderIntake, LinesAreAcceptedOrRejectedAgainstAvailability) {
  auto r = Route(Routed("O-1", {Line("1", "SKU-A", 2), Line("2", "SKU-NOPE", 1), Line("3", "SKU-D", 2),
                                Line("4", "SKU-B", 4)}));
  EXPECT_EQ(r.accepted, (std::vector<LineAnswer>{{"1", 2, ""}, {"4", 4, ""}}));
  EXPECT_EQ(NewEventsJson(),
            json::array({Accepted("O-1", {L("1", 2), L("4", 4)}),
                         Rejected("O-1", {L("2", 1, "unknown_sku"), L("3", 2, "insufficient_stock")})}));
  EXPECT_EQ(Figures("SKU-A").reserved, 2);
  EXPECT_EQ(Figures("SKU-B").reserved, 4);
  EXPECT_EQ(Figures("SKU-D").reserved, 0);
  auto o = orders_->GetOrder("O-1");
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->order.state, core::OrderState::kAccepted);
  EXPECT_EQ(o->order.priority, 5);
  EXPECT_EQ(core::FormatRfc3339(core::FromUnixMillis(*o->order.promised_by_ms)), "2026-11-28T18:00:00.000Z");
  EXPECT_EQ(o->order.customer_json, R"({"first_name":"Ana","last_name":"Ruiz","phone_last4":"0173"})");
  EXPECT_EQ(o->lines[2].reject_reason, "insufficient_stock");
  // Nothing of this order can be filled: the whole order is rejected.
  Route(Routed("O-2", {Line("1", "SKU-B", 1)}));
  EXPECT_EQ(NewEventsJson(), json::array({Rejected("O-2", {L("1", 1, "insufficient_stock")})}));
  EXPECT_EQ(StateOf("O-2"), core::OrderState::kRejected);
}

// A routed order's intake finds every row through an index: no statement
// steps through a table, whose cost would grow with the orders of the past.
TEST_F(OrderIntake, ARoutedOrderScansNoTable) {
  for (int i = 0; i < 30; ++i)  // accepted and rejected orders before it
    Route(Routed("H-" + std::to_string(i), {Line("1", i % 3 == 0 ? "SKU-A" : "SKU-NOPE", 1)}));
  const json order = Routed("O-1", {Line("1", "SKU-B", 1), Line("2", "SKU-C", 1), Line("3", "SKU-D", 1)});
  std::string scans;
  {
    testing::FullScans watch(store_->db());
    Route(order);
    Route(order);  // again: the same answer
    scans = watch.Text();
  }
  EXPECT_EQ(scans, "");
  EXPECT_EQ(StateOf("O-1"), core::OrderState::kAccepted);
}

TEST_F(OrderIntake, WithoutPartialAcceptOneShortLineRejectsTheOrder) {
  options_.partial_accept = false;
  Open();
  Route(Routed("O-1", {Line("1", "SKU-A", 2), Line("2", "SKU-D", 2)}));
  EXPECT_EQ(
      NewEventsJson(),
      json::array({Rejected("O-1", {L("1", 2, "insufficient_stock"), L("2", 2, "insufficient_stock")})}));
  EXPECT_EQ(Figures("SKU-A").reserved, 0);
  EXPECT_EQ(StateOf("O-1"), core::OrderState::kRejected);
}

TEST_F(OrderIntake, ReRoutingGivesTheSameAnswerAndReservesNothingTwice) {
  const json order = Routed("O-1", {Line("1", "SKU-A", 2), Line("2", "SKU-D", 5)});
  Route(order);
  const json answer =
      json::array({Accepted("O-1", {L("1", 2)}), Rejected("O-1", {L("2", 5, "insufficient_stock")})});
  EXPECT_EQ(NewEventsJson(), answer);
  // More stock arrives: the recorded decision still stands.
  ASSERT_TRUE(
      inventory_->Adjust({core::AdjustmentKind::kFound, "SKU-D", std::nullopt, 10, "sue", std::nullopt})
          .ok());
  NewEvents();
  Restart();
  auto again = Route(order);
  EXPECT_TRUE(again.repeated);
  EXPECT_EQ(NewEventsJson(), answer);
  EXPECT_EQ(Figures("SKU-A").reserved, 2);
  EXPECT_EQ(Figures("SKU-D").reserved, 0);
  // A re-route adding a line before picking began: that line is decided now.
  json more = order;
  more["lines"].push_back(Line("3", "SKU-D", 3));
  auto added = Route(more);
  EXPECT_FALSE(added.repeated);
  EXPECT_EQ(NewEventsJson(), json::array({Accepted("O-1", {L("1", 2), L("3", 3)}),
                                          Rejected("O-1", {L("2", 5, "insufficient_stock")})}));
  EXPECT_EQ(Figures("SKU-D").reserved, 3);
  // Once in a pick task, a further new line is refused.
  ASSERT_TRUE(orders_->CreatePickTask({"O-1"}, ana_).ok());
  more["lines"].push_back(Line("4", "SKU-B", 1));
  Route(more);
  EXPECT_EQ(
      NewEventsJson(),
      json::array({Accepted("O-1", {L("1", 2), L("3", 3)}),
                   Rejected("O-1", {L("2", 5, "insufficient_stock"), L("4", 1, "order_in_progress")})}));
  EXPECT_EQ(Figures("SKU-B").reserved, 0);
}

TEST_F(OrderIntake, AboveTheCapacityLimitNewOrdersAreRejectedWithStoreCapacity) {
  options_.max_open_orders = 2;
  Open();
  Route(Routed("O-1", {Line("1", "SKU-B", 1)}));
  Route(Routed("O-2", {Line("1", "SKU-B", 1)}));
  NewEvents();
  Route(Routed("O-3", {Line("1", "SKU-B", 1), Line("2", "SKU-A", 1)}));
  EXPECT_EQ(NewEventsJson(),
            json::array({Rejected("O-3", {L("1", 1, "store_capacity"), L("2", 1, "store_capacity")})}));
  EXPECT_EQ(Figures("SKU-B").reserved, 2);
  EXPECT_EQ(StateOf("O-3"), core::OrderState::kRejected);
  // A rejected order does not count; a cancelled one frees its place.
  ASSERT_TRUE(orders_->ApplyCancelRequested({{"order_id", "O-1"}}).ok());
  NewEvents();
  Route(Routed("O-4", {Line("1", "SKU-B", 1)}));
  EXPECT_EQ(NewEventsJson(), json::array({Accepted("O-4", {L("1", 1)})}));
  // O-3 routed again gets its recorded answer.
  Route(Routed("O-3", {Line("1", "SKU-B", 1), Line("2", "SKU-A", 1)}));
  EXPECT_EQ(NewEventsJson(),
            json::array({Rejected("O-3", {L("1", 1, "store_capacity"), L("2", 1, "store_capacity")})}));
  // A line added to a refused order is refused too.
  Route(Routed("O-3", {Line("1", "SKU-B", 1), Line("2", "SKU-A", 1), Line("3", "SKU-A", 1)}));
  EXPECT_EQ(NewEventsJson(),
            json::array({Rejected("O-3", {L("1", 1, "store_capacity"), L("2", 1, "store_capacity"),
                                          L("3", 1, "order_closed")})}));
  EXPECT_EQ(Figures("SKU-A").reserved, 0);
}

TEST_F(OrderIntake, MalformedOrdersAreRefusedNamingTheFieldAndChangeNothing) {
  const std::string before = Fingerprint();
  auto expect = [&](json data, const std::string& message) {
    auto r = orders_->ApplyRouted(data, InboundRef{"bad", "orders", 1, "order.routed"});
    ASSERT_FALSE(r.ok()) << data.dump();
    EXPECT_EQ(r.status().code(), core::StatusCode::kInvalidArgument);
    EXPECT_EQ(r.status().message(), message);
  };
  json o = Routed("O-1", {Line("1", "SKU-A", 1), Line("2", "SKU-B", 0)});
  expect(o, "order.routed: lines[1].qty: must be >= 1, got 0");
  o = Routed("O-1", {Line("1", "SKU-A", 1), Line("1", "SKU-B", 1)});
  expect(o, "order.routed: lines[1].line_id: '1' is listed twice");
  o = Routed("O-1", {Line("1", "SKU-A", 1, "4006381333932")});
  expect(o, "order.routed: lines[0].gtin: EAN-13 4006381333932: check digit is 2, expected 1");
  o = Routed("O-1", {Line("1", "SKU-A", 1)});
  o.erase("kind");
  expect(o, "order.routed: kind: is missing");
  o["kind"] = "drone";
  expect(o, "order.routed: kind: must be one of ship_from_store, bopis, curbside, same_day, got 'drone'");
  o["kind"] = "bopis";
  expect(o, "order.routed: pickup_code: is missing (required for kind bopis)");
  o["pickup_code"] = "12ab56";
  expect(o, "order.routed: pickup_code: pickup code must be 6 to 8 digits only");
  o = Routed("O-1", {Line("1", "SKU-A", 1)});
  o["promised_by"] = "tomorrow";
  expect(o, "order.routed: promised_by: must be an RFC 3339 timestamp, got 'tomorrow'");
  o["promised_by"] = 5;
  expect(o, "order.routed: promised_by: must be a string, got number");
  o = Routed("O-1", json::array());
  expect(o, "order.routed: lines: must not be empty");
  o = Routed("O-1", {{{"line_id", "1"}, {"sku", "SKU-A"}, {"qty", 1.5}}});
  expect(o, "order.routed: lines[0].qty: must be an integer, got number 1.5");
  o = Routed("O 1", {Line("1", "SKU-A", 1)});
  expect(o, "order.routed: order_id: may contain only printable ASCII without spaces");
  expect(json::array(), "order.routed: data: must be an object, got array");
  EXPECT_EQ(Fingerprint(), before);
  EXPECT_FALSE(*store_->InboxContains("bad"));
  // Unknown fields are ignored (forward compatibility).
  o = Routed("O-1", {Line("1", "SKU-A", 1)});
  o["gift_wrap"] = true;
  o["lines"][0]["engraving"] = "A";
  EXPECT_TRUE(orders_->ApplyRouted(o).ok());
}

TEST_F(OrderIntake, TheWorkQueueOrdersByTimeLeftThenPriorityAndFollowsUpdates) {
  // Routed a second apart: equal promises and priorities go oldest first.
  Route(Routed("late-p9", {Line("1", "SKU-B", 1)}, 9, "2026-11-28T18:00:00Z"));
  clock_.Advance(1s);
  Route(Routed("late-p1", {Line("1", "SKU-B", 1)}, 1, "2026-11-28T18:00:00Z"));
  clock_.Advance(1s);
  Route(Routed("soon-p5", {Line("1", "SKU-B", 1)}, 5, "2026-11-27T11:00:00Z"));
  clock_.Advance(1s);
  Route(Routed("none", {Line("1", "SKU-A", 1)}, 0, ""));
  auto ids = [&] {
    std::vector<std::string> out;
    auto queue = orders_->WorkQueue();
    for (const auto& q : *queue) out.push_back(q.order_id);
    return out;
  };
  EXPECT_EQ(ids(), (std::vector<std::string>{"soon-p5", "late-p1", "late-p9", "none"}));
  // order.updated moves an order; a null promised_by clears it.
  ASSERT_TRUE(orders_->ApplyUpdated({{"order_id", "late-p9"}, {"promised_by", "2026-11-27T10:30:00Z"}}).ok());
  ASSERT_TRUE(
      orders_->ApplyUpdated({{"order_id", "soon-p5"}, {"promised_by", nullptr}, {"priority", 0}}).ok());
  Restart();
  EXPECT_EQ(ids(), (std::vector<std::string>{"late-p9", "late-p1", "soon-p5", "none"}));
  auto q = orders_->WorkQueue();
  EXPECT_EQ((*q)[0].time_left, std::chrono::duration_cast<core::Duration>(14min + 53880ms));  // to 10:30
  EXPECT_EQ(orders_->ApplyUpdated({{"order_id", "x"}}).status().code(), core::StatusCode::kNotFound);
  EXPECT_EQ(orders_->ApplyUpdated({{"order_id", "none"}, {"priority", "high"}}).status().message(),
            "order.updated: priority: must be an integer, got string");
  // Updates send nothing.
  NewEvents();
  ASSERT_TRUE(orders_->ApplyUpdated({{"order_id", "none"}, {"priority", 3}}).ok());
  EXPECT_EQ(NewEventsJson(), json::array());
}

// ---- tasks ----

class PickTasks : public OrderFixture {};

TEST_F(PickTasks, AssignClaimReleaseReassign) {
  Route(Routed("O-1", {Line("1", "SKU-A", 1)}));
  Route(Routed("O-2", {Line("1", "SKU-A", 1)}));
  NewEvents();
  auto task = orders_->CreatePickTask({"O-1"}, ana_);
  ASSERT_TRUE(task.ok());
  // An order is in one active pick task at a time; a refused one writes nothing.
  const std::string before = Fingerprint();
  EXPECT_EQ(orders_->CreatePickTask({"O-2", "O-1"}, ana_).status().message(),
            "create pick task: order 'O-1' is in another pick task");
  EXPECT_EQ(orders_->CreatePickTask({"O-9"}, ana_).status().code(), core::StatusCode::kNotFound);
  EXPECT_EQ(Fingerprint(), before);

  // Only a supervisor assigns; then only the assignee (or a supervisor) claims.
  EXPECT_EQ(orders_->AssignTask(*task, "bo", ana_).code(), core::StatusCode::kPermissionDenied);
  ASSERT_TRUE(orders_->AssignTask(*task, "bo", sue_).ok());
  Restart();
  EXPECT_EQ(orders_->ClaimTask(*task, ana_).message(),
            "task " + std::to_string(*task) + " is assigned to bo");
  ASSERT_TRUE(orders_->ClaimTask(*task, bo_).ok());
  EXPECT_EQ(NewEventsJson(), json::array({{"order.pick_started", {{"order_id", "O-1"}, {"picker", "bo"}}}}));
  ASSERT_TRUE(orders_->ClaimTask(*task, bo_).ok());  // again: no second event
  EXPECT_EQ(NewEventsJson(), json::array());
  // In progress by bo: ana may neither claim nor pick.
  EXPECT_EQ(orders_->ClaimTask(*task, ana_).code(), core::StatusCode::kPermissionDenied);
  PickCommand c;
  c.task_id = *task;
  c.scan = kGtinA;
  EXPECT_EQ(orders_->Pick(c, ana_).status().message(),
            "task " + std::to_string(*task) + " is in progress by bo; a supervisor may reassign it");
  EXPECT_EQ(orders_->AssignTask(*task, "ana", sue_).code(), core::StatusCode::kFailedPrecondition);
  // Released: back in the pool, anyone may claim.
  EXPECT_EQ(orders_->ReleaseTask(*task, ana_).code(), core::StatusCode::kPermissionDenied);
  ASSERT_TRUE(orders_->ReleaseTask(*task, bo_).ok());
  Restart();
  auto v = orders_->GetTask(*task);
  EXPECT_EQ(v->task.state, core::TaskState::kOpen);
  EXPECT_FALSE(v->task.assignee.has_value());
  ASSERT_TRUE(orders_->ClaimTask(*task, ana_).ok());
  EXPECT_EQ(NewEventsJson(), json::array());  // the order had started already
  // Reassigned by the supervisor to bo, who continues where ana stopped.
  ASSERT_TRUE(orders_->ReassignTask(*task, "bo", sue_).ok());
  EXPECT_EQ(orders_->Pick(c, ana_).status().code(), core::StatusCode::kPermissionDenied);
  auto r = orders_->Pick(c, bo_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->task_done);
  EXPECT_EQ(orders_->GetTask(*task)->task.state, core::TaskState::kDone);
  EXPECT_EQ(orders_->ClaimTask(*task, bo_).message(), "task " + std::to_string(*task) + " is done");
  const std::string trail = *store_->db().QueryText(
      "SELECT group_concat(actor || ':' || action, ' ') FROM audit_log WHERE target = 'task " +
      std::to_string(*task) + "'");
  EXPECT_EQ(trail,
            "ana:task.create sue:task.assign bo:task.claim bo:task.claim bo:task.release ana:task.claim "
            "sue:task.reassign");
  // A kiosk is no associate.
  EXPECT_EQ(orders_->CreatePickTask({"O-2"}, core::Actor{"kiosk-1", core::Role::kKiosk}).status().code(),
            core::StatusCode::kPermissionDenied);
}

// ---- scans ----

class PickScans : public OrderFixture {
 protected:
  void SetUp() override {
    OrderFixture::SetUp();
    Route(Routed("O-1", {Line("1", "SKU-A", 2, kGtinA, "Trail shoe 42"), Line("2", "SKU-B", 3)}));
    auto t = orders_->CreatePickTask({"O-1"}, ana_);
    ASSERT_TRUE(t.ok());
    task_ = *t;
    auto v = orders_->GetTask(task_);
    line_a_ = v->pick_lines[0].line.id;
    line_b_ = v->pick_lines[1].line.id;
    ASSERT_TRUE(orders_->ClaimTask(task_, ana_).ok());
    NewEvents();
  }
  core::Result<PickResult> Pick(std::optional<int64_t> line, std::optional<std::string> scan, int64_t qty = 1,
                                std::optional<std::string> reason = std::nullopt,
                                const std::string& aim = "") {
    PickCommand c;
    c.task_id = task_;
    c.pick_line_id = line;
    c.scan = std::move(scan);
    c.aim_id = aim;
    c.qty = qty;
    c.manual_reason = std::move(reason);
    return orders_->Pick(c, ana_);
  }
  int64_t task_ = 0, line_a_ = 0, line_b_ = 0;
};

TEST_F(PickScans, AWrongItemIsRefusedNamingTheExpectedItem) {
  const std::string before = Fingerprint();
  auto wrong = Pick(line_a_, kUpcB);
  EXPECT_EQ(wrong.status().code(), core::StatusCode::kInvalidArgument);
  EXPECT_EQ(wrong.status().message(), "pick (task " + std::to_string(task_) + "): wrong item: scanned GTIN " +
                                          Gtin14(kUpcB) + " (SKU-B); expected SKU-A 'Trail shoe 42' (GTIN " +
                                          Gtin14(kGtinA) + ") at A-01-01");
  // An item the task does not need at all, scan-driven, and one unknown here.
  auto other = Pick(std::nullopt, kGtinC);
  EXPECT_NE(other.status().message().find("wrong item: scanned GTIN " + Gtin14(kGtinC) +
                                          " (SKU-C), which this task does not need; expected SKU-A"),
            std::string::npos)
      << other.status().message();
  auto unknown = Pick(line_a_, Ean13("999999999999"));
  EXPECT_NE(unknown.status().message().find("(unknown to this store); expected SKU-A"), std::string::npos);
  // Not an item, or a misread.
  EXPECT_EQ(
      Pick(line_a_, "SE1:LOC:A-01-01").status().message(),
      "pick (task " + std::to_string(task_) +
          "): scan: expected an item barcode (UPC-A/E, EAN-8/13, GTIN-14 or GS1 with AI 01), got location "
          "'SE1:LOC:A-01-01'");
  EXPECT_EQ(
      Pick(line_a_, "4006381333932").status().message(),
      "pick (task " + std::to_string(task_) + "): scan: EAN-13 4006381333932: check digit is 2, expected 1");
  EXPECT_EQ(Pick(line_a_, "(10)LOT7").status().code(),
            core::StatusCode::kInvalidArgument);  // GS1 without AI 01
  // Manual entries need a reason and a line; counts cannot exceed the line.
  EXPECT_EQ(Pick(line_a_, std::nullopt).status().message(),
            "pick (task " + std::to_string(task_) + "): manual_reason: required for an entry without a scan");
  EXPECT_EQ(Pick(std::nullopt, std::nullopt, 1, "no label").status().message(),
            "pick (task " + std::to_string(task_) + "): pick_line_id: required for an entry without a scan");
  EXPECT_EQ(Pick(line_a_, kGtinA, 3).status().message(), "pick (task " + std::to_string(task_) +
                                                             "): pick line " + std::to_string(line_a_) +
                                                             " needs 2 more of SKU-A, got 3");
  EXPECT_EQ(Pick(line_a_, kGtinA, 0).status().code(), core::StatusCode::kInvalidArgument);
  EXPECT_EQ(Fingerprint(), before);
  EXPECT_EQ(NewEventsJson(), json::array());

  // The right item: GTIN-14 and an ITF-14 AIM id work as well as EAN-13.
  ASSERT_TRUE(Pick(line_a_, "0" + kGtinA).ok());
  ASSERT_TRUE(Pick(line_a_, "0" + kGtinA, 1, std::nullopt, "]I0").ok());
  ASSERT_TRUE(Pick(line_b_, std::nullopt, 1, "scanner broken").ok());
  ASSERT_TRUE(Pick(line_b_, kUpcB, 2).ok());
  auto o = orders_->GetOrder("O-1");
  std::vector<std::string> recs;
  for (const auto& r : o->pick_records)
    recs.push_back(r.method + ":" + std::to_string(r.qty) + ":" + r.reason.value_or(""));
  EXPECT_EQ(recs, (std::vector<std::string>{"scan:1:", "scan:1:", "manual:1:scanner broken", "count:2:"}));
  const auto events = NewEventsJson();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0], json({"order.picked", {{"order_id", "O-1"}, {"lines", {L("1", 2), L("2", 3)}}}}));
  EXPECT_EQ(*store_->db().QueryText(
                "SELECT detail FROM audit_log WHERE action = 'order.pick' AND detail LIKE '%manual%'"),
            "1 manual at B-02-03: scanner broken");
}

TEST_F(PickScans, AnItemKnownOnlyByTheRoutedGtinMatches) {
  // SKU-X's barcode is unknown to the replica, but the OMS routed its GTIN.
  ASSERT_TRUE(inventory_->UpsertItem("SKU-X", std::string("Gift card"), {}).ok());
  ASSERT_TRUE(
      inventory_->Adjust({core::AdjustmentKind::kFound, "SKU-X", "A-01-01", 1, "sue", std::nullopt}).ok());
  const std::string gtin = Ean13("777777777777");
  Route(Routed("O-2", {Line("1", "SKU-X", 1, gtin)}));
  auto t = orders_->CreatePickTask({"O-2"}, ana_);
  ASSERT_TRUE(t.ok());
  PickCommand c;
  c.task_id = *t;
  c.scan = gtin;
  auto r = orders_->Pick(c, ana_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->sku, "SKU-X");
}

// ---- short picks ----

class PickShort : public PickScans {};

TEST_F(PickShort, NotFoundCountsTheBinReleasesAndReportsTheShortfall) {
  // A-01-01 holds 3 SKU-A; one is picked, the other is not there.
  ASSERT_TRUE(Pick(line_a_, kGtinA).ok());
  Restart();
  auto r = orders_->Short({task_, line_a_, 1, core::ShortReason::kNotFound}, ana_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->stock_delta, -2);  // the bin holds only the unit in the tote
  EXPECT_EQ(NewEventsJson(), json::array({{"inventory.adjusted",
                                           {{"sku", "SKU-A"},
                                            {"delta", -2},
                                            {"on_hand", 6},
                                            {"reason", "count"},
                                            {"location", "A-01-01"},
                                            {"by", "ana"},
                                            {"ref", "O-1/1"}}},
                                          Rejected("O-1", {L("1", 1, "not_found")})}));
  EXPECT_EQ(Figures("SKU-A"), (core::StockFigures{6, 1, 0}));
  EXPECT_EQ(StockAt("SKU-A", "A-01-01"), 1);
  // The socks are picked; the order is picked with what it has.
  ASSERT_TRUE(Pick(line_b_, kUpcB, 3).ok());
  EXPECT_EQ(NewEventsJson(),
            json::array({{"order.picked", {{"order_id", "O-1"}, {"lines", {L("1", 1), L("2", 3)}}}}}));
  auto o = orders_->GetOrder("O-1");
  EXPECT_EQ(o->lines[0].shorted, 1);
  EXPECT_EQ(o->lines[0].short_reason, "not_found");
  EXPECT_EQ(o->pick_records[1].method, "short");
  EXPECT_EQ(o->pick_records[1].reason, "not_found");
  // A second not-found at an emptied bin corrects nothing more.
  Route(Routed("O-3", {Line("1", "SKU-A", 1)}));
  NewEvents();
  auto t = orders_->CreatePickTask({"O-3"}, ana_);
  auto v = orders_->GetTask(*t);
  EXPECT_EQ(v->pick_lines[0].line.location, "C-01-01");  // A-01-01 is empty now
  auto r2 = orders_->Short({*t, v->pick_lines[0].line.id, 1, core::ShortReason::kNotFound}, ana_);
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(r2->stock_delta, -5);
}

TEST_F(PickShort, DamagedUnitsLeaveSellableStock) {
  auto r = orders_->Short({task_, line_b_, 2, core::ShortReason::kDamaged}, ana_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(NewEventsJson(), json::array({{"inventory.adjusted",
                                           {{"sku", "SKU-B"},
                                            {"delta", -2},
                                            {"on_hand", 2},
                                            {"reason", "damaged"},
                                            {"location", "B-02-03"},
                                            {"by", "ana"},
                                            {"ref", "O-1/2"}}},
                                          Rejected("O-1", {L("2", 2, "damaged")})}));
  EXPECT_EQ(Figures("SKU-B"), (core::StockFigures{2, 1, 0}));
  // More than the line has left is refused.
  EXPECT_EQ(orders_->Short({task_, line_b_, 2, core::ShortReason::kDamaged}, ana_).status().code(),
            core::StatusCode::kFailedPrecondition);
}

TEST_F(PickShort, EveryUnitShortEndsTheOrderAsRejected) {
  ASSERT_TRUE(orders_->Short({task_, line_a_, 2, core::ShortReason::kDamaged}, ana_).ok());
  auto r = orders_->Short({task_, line_b_, 3, core::ShortReason::kNotFound}, ana_);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->order_picked);
  EXPECT_TRUE(r->task_done);
  auto events = NewEventsJson();
  ASSERT_EQ(events.size(), 5u);
  EXPECT_EQ(events[4], json({"order.picked", {{"order_id", "O-1"}, {"lines", {L("1", 0), L("2", 0)}}}}));
  EXPECT_EQ(StateOf("O-1"), core::OrderState::kRejected);
  EXPECT_TRUE(orders_->ActiveTasks(core::TaskKind::kPack)->empty());
  EXPECT_EQ(Figures("SKU-A").reserved, 0);
  EXPECT_EQ(Figures("SKU-B"), (core::StockFigures{0, 0, 0}));
}

// ---- packing and labels ----

class PackAndLabel : public OrderFixture {
 protected:
  void SetUp() override {
    OrderFixture::SetUp();
    Route(Routed("O-1", {Line("1", "SKU-A", 1), Line("2", "SKU-B", 2, "", "Wool socks")}));
    auto t = orders_->CreatePickTask({"O-1"}, ana_);
    ASSERT_TRUE(t.ok());
    PickAll(*t, ana_, kScans);
    NewEvents();
  }
};

TEST_F(PackAndLabel, PackingChecksBoxStationItemsAndCompleteness) {
  options_.stations = {"PACK-1", "PACK-2"};
  Open();
  EXPECT_EQ(orders_->OpenPackage("O-1", "HUGE", "PACK-1", bo_).status().message(),
            "open package for order 'O-1': box: 'HUGE' is not in the box catalogue (ENV, S, M, L, XL)");
  EXPECT_EQ(orders_->OpenPackage("O-1", "M", "PACK-9", bo_).status().message(),
            "open package for order 'O-1': station: 'PACK-9' is not a packing station (PACK-1, PACK-2)");
  auto p = orders_->OpenPackage("O-1", "M", "PACK-1", bo_);
  ASSERT_TRUE(p.ok());
  const std::string id = p->package.package_id;
  // The packer's task: ana may not pack it now.
  EXPECT_EQ(orders_->OpenPackage("O-1", "M", "PACK-1", ana_).status().code(),
            core::StatusCode::kPermissionDenied);
  PackCommand c;
  c.package_id = id;
  c.scan = kGtinC;
  EXPECT_EQ(orders_->PackUnits(c, bo_).status().message(),
            "pack (package '" + id + "'): wrong item: scanned GTIN " + Gtin14(kGtinC) +
                " (SKU-C); still to pack: SKU-A (1), SKU-B 'Wool socks' (2)");
  c.scan = kUpcB;
  c.qty = 3;
  EXPECT_EQ(orders_->PackUnits(c, bo_).status().code(), core::StatusCode::kFailedPrecondition);
  c.qty = 2;
  ASSERT_TRUE(orders_->PackUnits(c, bo_).ok());
  EXPECT_EQ(orders_->ClosePackage(id, 0, bo_).status().message(),
            "close package '" + id + "': weight_g: must be 1..1000000, got 0");
  ASSERT_TRUE(orders_->ClosePackage(id, 300, bo_).ok());
  EXPECT_EQ(orders_->FinishPacking("O-1", bo_).message(),
            "finish packing order 'O-1': line '1' has 1 picked unit(s) not packed");
  auto p2 = orders_->OpenPackage("O-1", "ENV", "PACK-2", bo_);
  ASSERT_TRUE(p2.ok());
  EXPECT_EQ(orders_->ClosePackage(p2->package.package_id, 100, bo_).status().message(),
            "close package '" + p2->package.package_id + "': it is empty");
  PackCommand m;
  m.package_id = p2->package.package_id;
  m.line_id = "1";
  EXPECT_EQ(orders_->PackUnits(m, bo_).status().code(), core::StatusCode::kInvalidArgument);  // no reason
  m.manual_reason = "label unreadable";
  ASSERT_TRUE(orders_->PackUnits(m, bo_).ok());
  EXPECT_EQ(orders_->FinishPacking("O-1", bo_).message(),
            "finish packing order 'O-1': package '" + p2->package.package_id + "' is still open");
  ASSERT_TRUE(orders_->ClosePackage(p2->package.package_id, 100, bo_).ok());
  EXPECT_EQ(NewEventsJson(), json::array());
  ASSERT_TRUE(orders_->FinishPacking("O-1", bo_).ok());
  auto events = NewEventsJson();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0][0], "order.packed");
  EXPECT_EQ(events[0][1]["packages"][1], json({{"package_id", p2->package.package_id},
                                               {"weight_g", 100},
                                               {"dims_mm", {350, 250, 30}},
                                               {"box", "ENV"},
                                               {"lines", {L("1", 1)}}}));
  EXPECT_EQ(orders_->OpenPackage("O-1", "M", "PACK-1", bo_).status().code(),
            core::StatusCode::kFailedPrecondition);
}

TEST_F(PackAndLabel, LabelsAreVerifiedVoidedReprintedAndRetriedAfterAPrinterOutage) {
  auto p = orders_->OpenPackage("O-1", "M", "PACK-1", bo_);
  ASSERT_TRUE(p.ok());
  const std::string id = p->package.package_id;
  PackCommand c;
  c.package_id = id;
  c.scan = kGtinA;
  ASSERT_TRUE(orders_->PackUnits(c, bo_).ok());
  c.scan = kUpcB;
  c.qty = 2;
  ASSERT_TRUE(orders_->PackUnits(c, bo_).ok());
  ASSERT_TRUE(orders_->ClosePackage(id, 700, bo_).ok());
  ASSERT_TRUE(orders_->FinishPacking("O-1", bo_).ok());
  // Another order's package, to scan its label by mistake.
  Route(Routed("O-2", {Line("1", "SKU-D", 1)}));
  auto t2 = orders_->CreatePickTask({"O-2"}, ana_);
  PickAll(*t2, ana_, kScans);
  auto q = orders_->OpenPackage("O-2", "S", "PACK-2", bo_);
  PackCommand c2;
  c2.package_id = q->package.package_id;
  c2.scan = kGtinD;
  ASSERT_TRUE(orders_->PackUnits(c2, bo_).ok());
  ASSERT_TRUE(orders_->ClosePackage(c2.package_id, 50, bo_).ok());
  ASSERT_TRUE(orders_->FinishPacking("O-2", bo_).ok());
  NewEvents();

  const std::string t1 = Ups("000000000000011"), t2t = Ups("000000000000022");
  // Malformed labels name the field.
  json bad = Label("O-1", id, t1);
  bad["data"] = "not base64!";
  EXPECT_EQ(orders_->ApplyShipmentLabel(bad).status().message(), "shipment.label: data: must be base64");
  bad = Label("O-1", id, t1);
  bad["format"] = "png";
  EXPECT_EQ(orders_->ApplyShipmentLabel(bad).status().message(),
            "shipment.label: format: must be zpl or pdf, got 'png'");
  EXPECT_EQ(orders_->ApplyShipmentLabel(Label("O-2", id, t1)).status().message(),
            "shipment.label: package_id: '" + id + "' belongs to order 'O-1', not 'O-2'");
  EXPECT_EQ(orders_->ApplyShipmentLabel(Label("O-1", "S042-P99", t1)).status().code(),
            core::StatusCode::kNotFound);

  // The printer is offline: the label is kept and printed once it is back.
  printer_.offline = true;
  ASSERT_TRUE(orders_->ApplyShipmentLabel(Label("O-1", id, t1, "LABEL-1")).ok());
  ASSERT_TRUE(orders_->ApplyShipmentLabel(Label("O-2", c2.package_id, t2t, "LABEL-2")).ok());
  EXPECT_TRUE(printer_.jobs.empty());
  EXPECT_EQ(orders_->repo().FindPackage(id)->value().label_state, store::LabelState::kReceived);
  Restart();
  printer_.offline = false;
  EXPECT_EQ(*orders_->RetryLabelPrints(), 2);
  ASSERT_EQ(printer_.jobs.size(), 2u);
  EXPECT_EQ(printer_.jobs[0].bytes, "LABEL-1");
  EXPECT_EQ(printer_.jobs[1].station, "PACK-2");
  EXPECT_EQ(*orders_->RetryLabelPrints(), 0);
  // The same label again prints nothing.
  ASSERT_TRUE(orders_->ApplyShipmentLabel(Label("O-1", id, t1, "LABEL-1")).ok());
  EXPECT_EQ(printer_.jobs.size(), 2u);

  // The other order's label on this package is caught.
  EXPECT_EQ(orders_->VerifyLabel(id, t2t, "", bo_).message(),
            "verify label of package '" + id + "': wrong label: '" + t2t + "' belongs to package '" +
                c2.package_id + "' of order 'O-2'");
  EXPECT_EQ(orders_->VerifyLabel(id, "1Z0000", "", bo_).code(), core::StatusCode::kInvalidArgument);
  // A spoiled print is voided, reprinted and verified again.
  ASSERT_TRUE(orders_->VerifyLabel(id, t1, "", bo_).ok());
  ASSERT_TRUE(orders_->VoidLabel(id, "printed crooked", bo_).ok());
  EXPECT_EQ(orders_->VerifyLabel(id, t1, "", bo_).message(),
            "verify label of package '" + id + "': its label was voided; reprint it first");
  EXPECT_TRUE(orders_->Manifest("")->empty());
  ASSERT_TRUE(orders_->ReprintLabel(id, bo_).ok());
  ASSERT_EQ(printer_.jobs.size(), 3u);
  EXPECT_EQ(printer_.jobs[2].package_id, id);
  ASSERT_TRUE(orders_->VerifyLabel(id, t1, "", bo_).ok());
  auto m = orders_->Manifest("UPS");
  ASSERT_EQ(m->size(), 1u);
  EXPECT_EQ((*m)[0].package_id, id);
  // A new label from the OMS replaces the old one and must be verified again.
  const std::string t3 = Ups("000000000000033");
  ASSERT_TRUE(orders_->ApplyShipmentLabel(Label("O-1", id, t3, "LABEL-3")).ok());
  EXPECT_EQ(printer_.jobs.size(), 4u);
  EXPECT_TRUE(orders_->Manifest("UPS")->empty());
  EXPECT_EQ(NewEventsJson(), json::array());
}

// ---- handoff ----

class ShipHandoff : public PackAndLabel {
 protected:
  std::string PackAndLabelO1(const std::string& carrier, const std::string& tracking, bool verify) {
    auto p = orders_->OpenPackage("O-1", "M", "PACK-1", bo_);
    EXPECT_TRUE(p.ok());
    PackCommand c;
    c.package_id = p->package.package_id;
    c.scan = kGtinA;
    EXPECT_TRUE(orders_->PackUnits(c, bo_).ok());
    c.scan = kUpcB;
    c.qty = 2;
    EXPECT_TRUE(orders_->PackUnits(c, bo_).ok());
    EXPECT_TRUE(orders_->ClosePackage(c.package_id, 700, bo_).ok());
    EXPECT_TRUE(orders_->FinishPacking("O-1", bo_).ok());
    EXPECT_TRUE(orders_->ApplyShipmentLabel(Label("O-1", c.package_id, tracking, "L", carrier)).ok());
    if (verify) {
      EXPECT_TRUE(orders_->VerifyLabel(c.package_id, tracking, "", bo_).ok());
    }
    NewEvents();
    return c.package_id;
  }
};

TEST_F(ShipHandoff, OnlyVerifiedPackagesOfTheCarrierGo) {
  const std::string id = PackAndLabelO1("FEDEX", "794600000001", false);
  // 12 digits fail the UPC check: read as a plain tracking number.
  EXPECT_EQ(
      orders_->HandOff("FEDEX", "794600000001", "", sue_).status().message(),
      "handoff: the label of package '" + id + "' is queued, not verified: scan it on the package first");
  ASSERT_TRUE(orders_->VerifyLabel(id, "794600000001", "", bo_).ok());
  EXPECT_EQ(orders_->HandOff("UPS", "SE1:PKG:" + id, "", sue_).status().message(),
            "handoff: package '" + id + "' goes with 'FEDEX', not 'UPS'");
  EXPECT_EQ(orders_->HandOff("FEDEX", "SE1:PKG:S042-P77", "", sue_).status().code(),
            core::StatusCode::kNotFound);
  EXPECT_TRUE(orders_->Manifest("UPS")->empty());
  EXPECT_EQ(orders_->Manifest("FEDEX")->size(), 1u);
  auto h = orders_->HandOff("FEDEX", "794600000001", "", sue_);
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_TRUE(h->order_shipped);
  EXPECT_EQ(
      NewEventsJson(),
      json::array(
          {{"order.shipped",
            {{"order_id", "O-1"},
             {"packages", {{{"package_id", id}, {"tracking", "794600000001"}, {"carrier", "FEDEX"}}}}}}}));
  EXPECT_EQ(orders_->HandOff("FEDEX", "SE1:PKG:" + id, "", sue_).status().message(),
            "handoff: package '" + id + "' was handed off already");
  EXPECT_EQ(Figures("SKU-A"), (core::StockFigures{7, 0, 0}));
  EXPECT_EQ(Figures("SKU-B"), (core::StockFigures{2, 0, 0}));
}

TEST_F(ShipHandoff, ConfirmingAnEmptyManifestShipsNothing) {
  auto r = orders_->ConfirmManifest("UPS", sue_);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
  EXPECT_EQ(NewEventsJson(), json::array());
}

}  // namespace
}  // namespace edge::app::testing_orders
