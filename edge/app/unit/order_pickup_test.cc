// Scenario tests of store work II on a real SQLite file: pickup orders bagged
// and staged, customers arriving (kiosk, OMS, before the order is ready, two
// at once), the handover with pickup-code checks up to and past the lockout,
// bags of another order, partial pickup, proxy pickup by ID check, expiry of a
// partly picked order and its reminder. Every event is compared field by
// field; the store is reopened between every two steps of the main path.
#include <gtest/gtest.h>

#include "edge/app/pickup_code.h"
#include "order_test_support.h"

namespace edge::app::testing_orders {
namespace {

// Monday 2026-11-30T10:15:03.120Z: three days after the fixture's clock.
const std::string kHoldUntil = "2026-11-30T10:15:03.120Z";

class OrderPickup : public OrderFixture {
 protected:
  static json Pickup(const std::string& order_id, json lines, const std::string& code = "482915",
                     const std::string& kind = "bopis", int64_t priority = 5,
                     const std::string& promised_by = "2026-11-27T16:00:00Z") {
    json j = Routed(order_id, std::move(lines), priority, promised_by, kind);
    j["pickup_code"] = code;
    j["hold_until"] = kHoldUntil;
    j["ship_to"] = nullptr;
    return j;
  }

  // Routes, picks every unit and returns the order picked (stage task open).
  void RouteAndPick(const json& order) {
    Route(order);
    auto t = orders_->CreatePickTask({order["order_id"].get<std::string>()}, ana_);
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    PickAll(*t, ana_, kScans);
    ASSERT_EQ(StateOf(order["order_id"]), core::OrderState::kPicked);
  }

  // Bags the order into `bags` bags and stages them all at `where`.
  std::vector<std::string> BagAndStage(const std::string& order_id, int bags, const std::string& where) {
    auto made = orders_->CreateBags(order_id, bags, "pack-1", ana_);
    EXPECT_TRUE(made.ok()) << made.status().ToString();
    std::vector<std::string> codes;
    if (!made.ok()) return codes;
    for (const auto& b : *made) {
      auto s = orders_->StageBag(b.label_code, where, ana_);
      EXPECT_TRUE(s.ok()) << s.status().ToString();
      codes.push_back(b.label_code);
    }
    return codes;
  }

  int64_t Count(const std::string& sql) {
    auto st = store_->db().Prepare(sql);
    EXPECT_TRUE(st.ok());
    auto row = st->Step();
    EXPECT_TRUE(row.ok());
    return st->Int64(0);
  }

  std::vector<store::TaskRecord> Tasks(core::TaskKind kind) {
    auto t = orders_->ActiveTasks(kind);
    EXPECT_TRUE(t.ok());
    return t.ok() ? *t : std::vector<store::TaskRecord>{};
  }
};

TEST_F(OrderPickup, BopisRoutedPickedBaggedStagedArrivedAndHandedOverWithARestartBetweenEveryTwoSteps) {
  json lines = {Line("1", "SKU-A", 2, kGtinA, "Trail shoe 42"), Line("2", "SKU-B", 1, kUpcB, "Wool socks")};
  int64_t task = 0;
  std::vector<std::string> bag_codes;
  Steps({
      {"route: the code is kept only as a salted hash",
       [&] {
         Route(Pickup("O-7", lines), InboundRef{"m-1", "orders", 1, "order.routed"});
         EXPECT_EQ(Count("SELECT count(*) FROM orders WHERE pickup_code_hash LIKE '%482915%'"), 0);
         auto o = orders_->GetOrder("O-7");
         ASSERT_TRUE(o.ok());
         ASSERT_TRUE(o->order.pickup_code_hash.has_value());
         EXPECT_TRUE(PickupCodeMatches("482915", *o->order.pickup_code_hash));
         EXPECT_FALSE(PickupCodeMatches("482916", *o->order.pickup_code_hash));
         NewEvents();
       }},
      {"pick: a stage task appears",
       [&] {
         auto t = orders_->CreatePickTask({"O-7"}, ana_);
         ASSERT_TRUE(t.ok());
         task = *t;
         PickAll(task, ana_, kScans);
         EXPECT_EQ(StateOf("O-7"), core::OrderState::kPicked);
         auto stage = Tasks(core::TaskKind::kStage);
         ASSERT_EQ(stage.size(), 1u);
         EXPECT_EQ(stage[0].order_id, "O-7");
         EXPECT_TRUE(Tasks(core::TaskKind::kPack).empty());
         NewEvents();
       }},
      {"bag into two bags: their labels print",
       [&] {
         auto bags = orders_->CreateBags("O-7", 2, "pack-1", bo_);
         ASSERT_TRUE(bags.ok()) << bags.status().ToString();
         ASSERT_EQ(bags->size(), 2u);
         EXPECT_EQ((*bags)[0].label_code, "SE1:BAG:W-O-7:1/2");
         EXPECT_EQ((*bags)[1].label_code, "SE1:BAG:W-O-7:2/2");
         for (const auto& b : *bags) bag_codes.push_back(b.label_code);
         ASSERT_EQ(printer_.jobs.size(), 2u);
         EXPECT_EQ(printer_.jobs[0].kind, "bag_label");
         EXPECT_EQ(printer_.jobs[0].format, "zpl");
         EXPECT_NE(printer_.jobs[0].bytes.find("RUIZ A"), std::string::npos) << printer_.jobs[0].bytes;
         EXPECT_NE(printer_.jobs[1].bytes.find("SE1:BAG:W-O-7:2/2"), std::string::npos);
         EXPECT_EQ(Tasks(core::TaskKind::kStage)[0].assignee, "bo");
         EXPECT_EQ(NewEventsJson(), json::array());
       }},
      {"stage bag 1: not ready while bag 2 is not staged",
       [&] {
         ASSERT_TRUE(orders_->StageBag(bag_codes[0], "SE1:LOC:P-01-1", bo_).ok());
         EXPECT_EQ(StateOf("O-7"), core::OrderState::kPicked);
         EXPECT_EQ(NewEventsJson(), json::array());
       }},
      {"stage bag 2 elsewhere: ready_for_pickup",
       [&] {
         auto s = orders_->StageBag(bag_codes[1], "P-01-2", bo_);
         ASSERT_TRUE(s.ok()) << s.status().ToString();
         EXPECT_EQ(StateOf("O-7"), core::OrderState::kReady);
         EXPECT_EQ(NewEventsJson(), json::array({{"order.ready_for_pickup",
                                                  {{"order_id", "O-7"},
                                                   {"bags", 2},
                                                   {"location", "P-01-1"},
                                                   {"locations", {"P-01-1", "P-01-2"}}}}}));
         EXPECT_TRUE(Tasks(core::TaskKind::kStage).empty());
         EXPECT_EQ(orders_->GetOrder("O-7")->order.staging_location, "P-01-1");
       }},
      {"the customer checks in at the kiosk: an urgent handover task",
       [&] {
         clock_.Advance(std::chrono::minutes(90));
         auto a =
             orders_->Arrive({"O-7", "kiosk", "4", "red van"}, core::Actor{"kiosk-1", core::Role::kKiosk});
         ASSERT_TRUE(a.ok()) << a.status().ToString();
         EXPECT_TRUE(a->ready);
         EXPECT_FALSE(a->repeated);
         EXPECT_EQ(NewEventsJson(),
                   json::array({{"order.customer_arrived",
                                 {{"order_id", "O-7"}, {"bay", "4"}, {"source", "kiosk"}}}}));
         auto h = Tasks(core::TaskKind::kHandover);
         ASSERT_EQ(h.size(), 1u);
         EXPECT_TRUE(h[0].urgent);
         EXPECT_EQ(h[0].id, a->task_id);
       }},
      {"the handover: both bags scanned out, code right",
       [&] {
         clock_.Advance(std::chrono::minutes(2));
         HandoverCommand c;
         c.order_id = "O-7";
         c.pickup_code = "482915";
         c.bag_scans = {bag_codes[1], bag_codes[0]};
         auto r = orders_->HandOver(c, ana_);
         ASSERT_TRUE(r.ok()) << r.status().ToString();
         EXPECT_EQ(StateOf("O-7"), core::OrderState::kPickedUp);
         EXPECT_EQ(NewEventsJson(),
                   json::array({{"order.picked_up",
                                 {{"order_id", "O-7"},
                                  {"lines", {{{"line_id", "1"}, {"qty", 2}}, {{"line_id", "2"}, {"qty", 1}}}},
                                  {"verified_by", "pickup_code"}}}}));
         // The goods left: on-hand and reserved down together.
         EXPECT_EQ(Figures("SKU-A"), (core::StockFigures{6, 0, 0}));
         EXPECT_EQ(Figures("SKU-B"), (core::StockFigures{3, 0, 0}));
         EXPECT_TRUE(Tasks(core::TaskKind::kHandover).empty());
         auto waiting = orders_->WaitingArrivals();
         ASSERT_TRUE(waiting.ok());
         EXPECT_TRUE(waiting->empty());
         EXPECT_EQ(Count("SELECT served_at - arrived_at FROM arrivals WHERE order_id = 'O-7'"), 120'000);
         auto o = orders_->GetOrder("O-7");
         EXPECT_TRUE(o->order.ready_at_ms && o->order.picked_at_ms && o->order.closed_at_ms);
       }},
      {"after: a second handover and a late cancel change nothing",
       [&] {
         HandoverCommand c;
         c.order_id = "O-7";
         c.pickup_code = "482915";
         c.bag_scans = bag_codes;
         EXPECT_EQ(orders_->HandOver(c, ana_).status().code(), core::StatusCode::kFailedPrecondition);
         auto cancel = orders_->ApplyCancelRequested({{"order_id", "O-7"}, {"reason", "late"}});
         ASSERT_TRUE(cancel.ok());
         EXPECT_EQ(cancel->outcome, core::CancelOutcome::kTooLate);
         EXPECT_EQ(NewEventsJson(),
                   json::array({{"order.cancelled", {{"order_id", "O-7"}, {"outcome", "too_late"}}}}));
       }},
  });
}

TEST_F(OrderPickup, WrongPickupCodesUpToAndPastTheLockout) {
  RouteAndPick(Pickup("O-8", {Line("1", "SKU-B", 1, kUpcB)}, "13572468"));
  const auto bags = BagAndStage("O-8", 1, "P-01-1");
  NewEvents();
  const core::Actor kiosk{"kiosk-1", core::Role::kKiosk};
  // Wrong codes at 0, 5 and 10 minutes.
  for (int i = 0; i < 3; ++i) {
    auto c = orders_->CheckPickupCode("O-8", "00000000", "kiosk", kiosk);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    EXPECT_FALSE(c->ok);
    EXPECT_FALSE(c->locked);
    EXPECT_EQ(c->attempts_left, 4 - i);
    clock_.Advance(std::chrono::minutes(5));
  }
  // At 15 minutes the first has left the window: wrong codes far apart do
  // not add up.
  Restart();
  auto c = orders_->CheckPickupCode("O-8", "1357246", "kiosk", kiosk);  // 7 digits: wrong too
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->attempts_left, 2);
  c = orders_->CheckPickupCode("O-8", "13572460", "kiosk", kiosk);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->attempts_left, 1);
  EXPECT_FALSE(c->locked);
  // The fifth wrong code within the window, at the counter, inside a handover.
  HandoverCommand h;
  h.order_id = "O-8";
  h.pickup_code = "99999999";
  h.bag_scans = bags;
  auto wrong = orders_->HandOver(h, ana_);
  EXPECT_EQ(wrong.status().code(), core::StatusCode::kPermissionDenied);
  EXPECT_NE(wrong.status().message().find("locked until a supervisor unlocks it"), std::string::npos)
      << wrong.status().message();
  Restart();
  // Locked: even the right code is refused, and so is an ID check.
  h.pickup_code = "13572468";
  EXPECT_EQ(orders_->HandOver(h, ana_).status().code(), core::StatusCode::kPermissionDenied);
  EXPECT_EQ(orders_->CheckPickupCode("O-8", "13572468", "kiosk", kiosk).status().code(),
            core::StatusCode::kPermissionDenied);
  h.pickup_code.reset();
  h.id_check = "passport";
  EXPECT_EQ(orders_->HandOver(h, ana_).status().code(), core::StatusCode::kPermissionDenied);
  EXPECT_EQ(StateOf("O-8"), core::OrderState::kReady);
  // Only a supervisor unlocks.
  EXPECT_EQ(orders_->OverridePickupLock("O-8", ana_).code(), core::StatusCode::kPermissionDenied);
  ASSERT_TRUE(orders_->OverridePickupLock("O-8", sue_).ok());
  // The count starts again after the override.
  auto again = orders_->CheckPickupCode("O-8", "11111111", "kiosk", kiosk);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->attempts_left, 4);
  h.id_check.reset();
  h.pickup_code = "13572468";
  auto ok = orders_->HandOver(h, ana_);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(Count("SELECT count(*) FROM pickup_attempts WHERE order_id = 'O-8' AND ok = 0"), 7);
  EXPECT_EQ(StateOf("O-8"), core::OrderState::kPickedUp);
  EXPECT_EQ(Count("SELECT count(*) FROM audit_log WHERE action = 'pickup.locked'"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM audit_log WHERE action = 'pickup.unlock' AND actor = 'sue'"), 1);
}

// A right code is written down only when it starts the count of wrong ones
// again; the code found right is remembered in memory, and a remembered
// code is still checked against the order's current hash.
TEST_F(OrderPickup, ARightCodeIsRecordedOnlyWhenItEndsARunOfWrongOnes) {
  RouteAndPick(Pickup("O-9", {Line("1", "SKU-B", 1, kUpcB)}, "24681357"));
  BagAndStage("O-9", 1, "P-01-1");
  const core::Actor kiosk{"kiosk-1", core::Role::kKiosk};
  auto check = [&](const std::string& code) {
    auto c = orders_->CheckPickupCode("O-9", code, "kiosk", kiosk);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return c.ok() ? *c : CodeCheck{};
  };
  auto rows = [&] { return Count("SELECT count(*) FROM pickup_attempts WHERE order_id = 'O-9'"); };
  EXPECT_TRUE(check("24681357").ok);
  EXPECT_TRUE(check("24681357").ok);
  EXPECT_EQ(rows(), 0);
  EXPECT_FALSE(check("24681358").ok) << "a wrong code after a remembered right one";
  EXPECT_EQ(rows(), 1);
  CodeCheck c = check("24681357");
  EXPECT_TRUE(c.ok);
  EXPECT_EQ(rows(), 2) << "ends the run of wrong codes";
  c = check("00000000");
  EXPECT_EQ(c.attempts_left, 4) << "the count started again";
  EXPECT_TRUE(check("24681357").ok);
  EXPECT_TRUE(check("24681357").ok);
  EXPECT_EQ(rows(), 4);
  EXPECT_EQ(Count("SELECT count(*) FROM pickup_attempts WHERE order_id = 'O-9' AND ok = 1"), 2);

  Restart();  // nothing remembered
  EXPECT_FALSE(check("13572468").ok);
  EXPECT_TRUE(check("24681357").ok);
  // A new code stored for the order (as the OMS's re-routing would): the
  // remembered one is not trusted.
  ASSERT_TRUE(store_->db()
                  .Exec("UPDATE orders SET pickup_code_hash = '" + HashPickupCode("11223344", 10) +
                        "' WHERE order_id = 'O-9'")
                  .ok());
  EXPECT_FALSE(check("24681357").ok);
  EXPECT_TRUE(check("11223344").ok);
  EXPECT_TRUE(check("11223344").ok);
}

// Finding a pickup order and counting its wrong codes are kept between
// calls (OrderService::PickupLookups): every change by this connection or
// another, a rollback, and the clock moving on show in the next answer.
TEST_F(OrderPickup, TheKioskReadsShowEveryChangeAtOnce) {
  RouteAndPick(Pickup("O-9", {Line("1", "SKU-B", 1)}, "24681357"));
  BagAndStage("O-9", 1, "P-01-1");
  const core::Actor kiosk{"kiosk-1", core::Role::kKiosk};
  // Both ways in: the counter's search and the kiosk's exact ref.
  auto found = [&] {
    auto r = orders_->FindPickupOrders("W-O-9");
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    auto named = orders_->PickupOrderNamed("W-O-9");
    EXPECT_TRUE(named.ok()) << named.status().ToString();
    if (!r.ok() || !named.ok()) return size_t{99};
    EXPECT_EQ(r->size(), *named ? 1u : 0u);
    return r->size();
  };
  auto right = [&] {
    auto c = orders_->CheckPickupCode("O-9", "24681357", "kiosk", kiosk);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    EXPECT_TRUE(c.ok() && c->ok);
  };
  auto rows = [&] { return Count("SELECT count(*) FROM pickup_attempts WHERE order_id = 'O-9'"); };
  auto other = store::Database::Open(dir_.File("storeedge.db"), store::Database::Mode::kReadWrite);
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  store::Database& ctl = **other;  // as storeedgectl would

  EXPECT_EQ(found(), 1u);
  EXPECT_EQ(found(), 1u);
  for (const std::string named : {"O-9", "W-O-9"}) {
    auto o = orders_->PickupOrderNamed(named);
    ASSERT_TRUE(o.ok() && *o) << named;
    EXPECT_EQ((*o)->order_id, "O-9");
  }
  for (const std::string none : {"", "W-O-", "w-o-9", " W-O-9", "SE1:ORD:W-O-9:24681357"}) {
    auto o = orders_->PickupOrderNamed(none);
    ASSERT_TRUE(o.ok());
    EXPECT_FALSE(*o) << "'" << none << "'";
  }
  ASSERT_TRUE(ctl.Exec("UPDATE orders SET state = 'cancelled' WHERE order_id = 'O-9'").ok());
  EXPECT_EQ(found(), 0u) << "another connection's change";
  ASSERT_TRUE(ctl.Exec("UPDATE orders SET state = 'ready' WHERE order_id = 'O-9'").ok());
  EXPECT_EQ(found(), 1u);
  {
    auto txn = store::Transaction::Begin(store_->db());
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE(store_->db().Exec("UPDATE orders SET state = 'cancelled' WHERE order_id = 'O-9'").ok());
    EXPECT_EQ(found(), 0u) << "this connection's change, not yet committed";
  }
  EXPECT_EQ(found(), 1u) << "the change was rolled back";

  right();
  right();
  EXPECT_EQ(rows(), 0) << "no wrong codes: a right one is not recorded";
  const int64_t now = core::ToUnixMillis(clock_.Now());
  ASSERT_TRUE(ctl.Exec("INSERT INTO pickup_attempts (order_id, at, ok, channel, by) VALUES ('O-9', " +
                       std::to_string(now) + ", 0, 'counter', 'ana')")
                  .ok());
  right();
  EXPECT_EQ(rows(), 2) << "the wrong code another connection recorded is ended by the right one";
  right();
  EXPECT_EQ(rows(), 2);

  // A wrong code, then the window passes: the count kept from before the
  // clock moved must not be used for the later window.
  auto wrong = orders_->CheckPickupCode("O-9", "00000000", "kiosk", kiosk);
  ASSERT_TRUE(wrong.ok());
  EXPECT_EQ(wrong->attempts_left, 4);
  EXPECT_EQ(rows(), 3);
  clock_.Advance(std::chrono::minutes(1));
  right();
  EXPECT_EQ(rows(), 4) << "a wrong code within the window is ended by the right one";
  ASSERT_TRUE(orders_->CheckPickupCode("O-9", "00000001", "kiosk", kiosk).ok());
  EXPECT_EQ(rows(), 5);
  // Counted (and kept) at this time ...
  EXPECT_EQ(Count("SELECT count(*) FROM pickup_attempts WHERE order_id = 'O-9' AND ok = 0"), 3);
  clock_.Advance(kPickupLockWindow + std::chrono::seconds(1));
  right();
  EXPECT_EQ(rows(), 5) << "... and once the window has passed, no wrong code is left to end";
}

TEST_F(OrderPickup, ArrivalBeforeReadyIsShownAndJumpsThePickQueue) {
  Route(Pickup("O-1", {Line("1", "SKU-A", 1)}, "111111", "bopis", 1, "2026-11-27T12:00:00Z"));
  Route(Pickup("O-2", {Line("1", "SKU-B", 1)}, "222222", "curbside", 9, "2026-11-28T12:00:00Z"));
  auto q = orders_->WorkQueue();
  ASSERT_EQ(q->size(), 2u);
  EXPECT_EQ((*q)[0].order_id, "O-1");
  NewEvents();
  // The OMS says the O-2 customer is here (its app), twice.
  auto a = orders_->ApplyCustomerArrived({{"order_id", "O-2"}, {"bay", "7"}, {"source", "app"}},
                                         InboundRef{"m-9", "orders", 1, "order.customer_arrived"});
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_FALSE(a->ready);
  auto dup = orders_->ApplyCustomerArrived({{"order_id", "O-2"}, {"bay", "7"}, {"source", "app"}},
                                           InboundRef{"m-9", "orders", 1, "order.customer_arrived"});
  ASSERT_TRUE(dup.ok());
  EXPECT_TRUE(dup->repeated);
  // The central side's own message is not echoed back.
  EXPECT_EQ(NewEventsJson(), json::array());
  Restart();
  q = orders_->WorkQueue();
  ASSERT_EQ(q->size(), 2u);
  EXPECT_EQ((*q)[0].order_id, "O-2");
  EXPECT_TRUE((*q)[0].customer_waiting);
  EXPECT_FALSE((*q)[1].customer_waiting);
  auto waiting = orders_->WaitingArrivals();
  ASSERT_EQ(waiting->size(), 1u);
  EXPECT_EQ((*waiting)[0].bay, "7");
  EXPECT_EQ((*waiting)[0].source, "app");
  // An arrival for an order that is not a pickup order is refused.
  Route(Routed("O-3", {Line("1", "SKU-C", 1)}));
  EXPECT_EQ(orders_->ApplyCustomerArrived({{"order_id", "O-3"}, {"source", "app"}}).status().code(),
            core::StatusCode::kInvalidArgument);
  EXPECT_EQ(orders_->ApplyCustomerArrived({{"order_id", "O-404"}, {"source", "app"}}).status().code(),
            core::StatusCode::kNotFound);
  EXPECT_EQ(
      orders_->ApplyCustomerArrived({{"order_id", "O-2"}, {"bay", std::string(40, 'x')}}).status().code(),
      core::StatusCode::kInvalidArgument);
}

TEST_F(OrderPickup, TwoCustomersArriveAtOnceAndTheUnclaimedOneEscalates) {
  RouteAndPick(Pickup("O-1", {Line("1", "SKU-A", 1)}, "111111", "curbside"));
  RouteAndPick(Pickup("O-2", {Line("1", "SKU-B", 1)}, "222222", "curbside"));
  BagAndStage("O-1", 1, "P-01-1");
  BagAndStage("O-2", 1, "P-01-2");
  NewEvents();
  const core::Actor kiosk{"kiosk-1", core::Role::kKiosk};
  auto a1 = orders_->Arrive({"O-1", "kiosk", "1", std::nullopt}, kiosk);
  auto a2 = orders_->Arrive({"O-2", "kiosk", "2", std::nullopt}, kiosk);
  ASSERT_TRUE(a1.ok() && a2.ok());
  EXPECT_NE(a1->task_id, a2->task_id);
  auto waiting = orders_->WaitingArrivals();
  ASSERT_EQ(waiting->size(), 2u);
  EXPECT_EQ(Tasks(core::TaskKind::kHandover).size(), 2u);
  // Bo takes O-1's customer; nobody takes O-2's.
  ASSERT_TRUE(orders_->ClaimTask(a1->task_id, bo_).ok());
  clock_.Advance(std::chrono::minutes(2));
  EXPECT_TRUE(orders_->EscalateArrivals()->empty());
  clock_.Advance(std::chrono::minutes(1));
  Restart();
  auto up = orders_->EscalateArrivals();
  ASSERT_TRUE(up.ok());
  ASSERT_EQ(up->size(), 1u);
  EXPECT_EQ((*up)[0].order_id, "O-2");
  EXPECT_TRUE(orders_->EscalateArrivals()->empty()) << "escalated once";
  auto t = orders_->GetTask(a2->task_id);
  EXPECT_TRUE(t->task.escalated_at_ms.has_value());
  // Checking in again from the kiosk updates the bay; still one wait.
  auto again = orders_->Arrive({"O-2", "kiosk", "3", std::nullopt}, kiosk);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->repeated);
  EXPECT_EQ((*orders_->WaitingArrivals())[1].bay, "3");
  EXPECT_EQ(
      NewEventsJson(),
      json::array({{"order.customer_arrived", {{"order_id", "O-1"}, {"bay", "1"}, {"source", "kiosk"}}},
                   {"order.customer_arrived", {{"order_id", "O-2"}, {"bay", "2"}, {"source", "kiosk"}}}}));
}

TEST_F(OrderPickup, ABagOfAnotherOrderOrABagLeftBehindStopsTheHandoverAndCostsNoAttempt) {
  RouteAndPick(Pickup("O-1", {Line("1", "SKU-A", 2)}, "111111"));
  RouteAndPick(Pickup("O-2", {Line("1", "SKU-B", 1)}, "222222"));
  const auto bags1 = BagAndStage("O-1", 2, "P-01-1");
  const auto bags2 = BagAndStage("O-2", 1, "P-01-2");
  NewEvents();
  const std::string before = Fingerprint();
  HandoverCommand h;
  h.order_id = "O-1";
  h.pickup_code = "111111";
  h.bag_scans = {bags1[0], bags2[0]};
  auto r = orders_->HandOver(h, ana_);
  EXPECT_EQ(r.status().code(), core::StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(),
            "bag_scans[1]: bag: bag 1/1 belongs to order 'W-O-2', not to order 'W-O-1': do not hand it over");
  h.bag_scans = {bags1[0]};
  r = orders_->HandOver(h, ana_);
  EXPECT_EQ(r.status().code(), core::StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("bag 2/2 (at P-01-1) is not scanned"), std::string::npos)
      << r.status().message();
  h.bag_scans = {bags1[0], bags1[0]};
  EXPECT_EQ(orders_->HandOver(h, ana_).status().code(), core::StatusCode::kInvalidArgument);
  auto check = orders_->CheckBag("O-1", bags2[0]);
  EXPECT_EQ(check.status().code(), core::StatusCode::kInvalidArgument);
  EXPECT_TRUE(orders_->CheckBag("O-1", bags1[1]).ok());
  EXPECT_EQ(Fingerprint(), before);
  EXPECT_EQ(Count("SELECT count(*) FROM pickup_attempts"), 0);
  EXPECT_EQ(NewEventsJson(), json::array());
}

TEST_F(OrderPickup, PartialPickupByAProxyWithAnIdCheckRestocksTheRefusedUnits) {
  RouteAndPick(Pickup("O-5", {Line("1", "SKU-A", 1), Line("2", "SKU-B", 2)}, "555555"));
  const auto bags = BagAndStage("O-5", 1, "P-01-1");
  NewEvents();
  HandoverCommand h;
  h.order_id = "O-5";
  h.id_check = "passport";
  h.collector = "Ben Ruiz";
  h.bag_scans = bags;
  h.refused = {{"2", 3, ""}};
  EXPECT_EQ(orders_->HandOver(h, ana_).status().code(), core::StatusCode::kInvalidArgument) << "3 > 2 picked";
  h.refused = {{"2", 1, ""}};
  auto r = orders_->HandOver(h, ana_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_TRUE(r->restock_task.has_value());
  EXPECT_EQ(NewEventsJson(),
            json::array({{"order.picked_up",
                          {{"order_id", "O-5"},
                           {"lines", {{{"line_id", "1"}, {"qty", 1}}, {{"line_id", "2"}, {"qty", 1}}}},
                           {"verified_by", "id_check"},
                           {"refused", {{{"line_id", "2"}, {"qty", 1}}}},
                           {"collector", "Ben Ruiz"}}}}));
  // One unit of SKU-B left; the refused one stays reserved until put back.
  EXPECT_EQ(Figures("SKU-B"), (core::StockFigures{3, 1, 0}));
  Restart();
  RestockCommand rc;
  rc.task_id = *r->restock_task;
  rc.scan = kUpcB;
  rc.location = "B-02-03";
  auto put = orders_->Restock(rc, bo_);
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  EXPECT_TRUE(put->task_done);
  EXPECT_EQ(Figures("SKU-B"), (core::StockFigures{3, 0, 0}));
  EXPECT_EQ(StockAt("SKU-B", "B-02-03"), 3);
  auto lines = orders_->GetOrder("O-5")->lines;
  EXPECT_EQ(lines[1].picked_up, 1);
  EXPECT_EQ(lines[1].refused, 1);
  EXPECT_EQ(
      Count("SELECT count(*) FROM handovers WHERE verified_by = 'id_check' AND id_type = 'passport' AND "
            "collector = 'Ben Ruiz' AND associate = 'ana'"),
      1);
}

TEST_F(OrderPickup, APartlyPickedOrderExpiresAfterItsReminder) {
  Route(Pickup("O-6", {Line("1", "SKU-A", 2), Line("2", "SKU-C", 1)}, "666666"));
  auto t = orders_->CreatePickTask({"O-6"}, ana_);
  ASSERT_TRUE(t.ok());
  auto v = orders_->GetTask(*t);
  PickCommand one;
  one.task_id = *t;
  one.pick_line_id = v->pick_lines[0].line.id;  // SKU-A at A-01-01
  one.scan = kGtinA;
  ASSERT_TRUE(orders_->Pick(one, ana_).ok());
  NewEvents();
  // Picking: no reminder (only ready orders are reminded), nothing expires.
  clock_.Set(core::FromUnixMillis(1'796'033'703'120 - 3'600'000));  // an hour before hold_until
  EXPECT_EQ(*orders_->ExpireDue(), 0);
  EXPECT_EQ(NewEventsJson(), json::array());
  clock_.Set(core::FromUnixMillis(1'796'033'703'120));  // hold_until
  Restart();
  EXPECT_EQ(*orders_->ExpireDue(), 1);
  EXPECT_EQ(*orders_->ExpireDue(), 0) << "expires once";
  EXPECT_EQ(StateOf("O-6"), core::OrderState::kExpired);
  EXPECT_EQ(NewEventsJson(), json::array({{"order.expired", {{"order_id", "O-6"}, {"restock", true}}}}));
  // Unpicked units released; the picked one waits in a restock task.
  EXPECT_EQ(Figures("SKU-A"), (core::StockFigures{8, 1, 0}));
  EXPECT_EQ(Figures("SKU-C"), (core::StockFigures{4, 0, 0}));
  auto restock = Tasks(core::TaskKind::kRestock);
  ASSERT_EQ(restock.size(), 1u);
  EXPECT_TRUE(Tasks(core::TaskKind::kPick).empty());
  RestockCommand rc;
  rc.task_id = restock[0].id;
  rc.scan = kGtinA;
  rc.location = "A-01-01";
  ASSERT_TRUE(orders_->Restock(rc, bo_).ok());
  EXPECT_EQ(Figures("SKU-A"), (core::StockFigures{8, 0, 0}));
  // An expired order is too late to cancel and cannot be collected.
  EXPECT_EQ(orders_->ApplyCancelRequested({{"order_id", "O-6"}})->outcome, core::CancelOutcome::kTooLate);
  EXPECT_EQ(orders_->Arrive({"O-6", "associate", std::nullopt, std::nullopt}, ana_).status().code(),
            core::StatusCode::kFailedPrecondition);
}

TEST_F(OrderPickup, AReadyOrderIsRemindedOnceThenExpiresAndItsBagsAndWaitingCustomerClose) {
  RouteAndPick(Pickup("O-9", {Line("1", "SKU-B", 1)}, "999999"));
  BagAndStage("O-9", 1, "P-01-1");
  ASSERT_TRUE(orders_->Arrive({"O-9", "associate", std::nullopt, std::nullopt}, ana_).ok());
  NewEvents();
  clock_.Set(core::FromUnixMillis(1'796'033'703'120 - 23 * 3'600'000));  // 23 h before hold_until
  EXPECT_EQ(*orders_->ExpireDue(), 0);
  EXPECT_EQ(*orders_->ExpireDue(), 0);
  EXPECT_EQ(NewEventsJson(),
            json::array({{"order.expiry_reminder", {{"order_id", "O-9"}, {"hold_until", kHoldUntil}}}}));
  clock_.Set(core::FromUnixMillis(1'796'033'703'120 + 1));
  EXPECT_EQ(*orders_->ExpireDue(), 1);
  EXPECT_EQ(NewEventsJson(), json::array({{"order.expired", {{"order_id", "O-9"}, {"restock", true}}}}));
  EXPECT_EQ(Count("SELECT count(*) FROM bags WHERE order_id = 'O-9' AND state = 'unstaged'"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM arrivals WHERE order_id = 'O-9' AND state = 'closed'"), 1);
  EXPECT_TRUE(Tasks(core::TaskKind::kHandover).empty());
  EXPECT_EQ(Figures("SKU-B"), (core::StockFigures{4, 1, 0}));  // in the restock task
}

TEST_F(OrderPickup, BaggingAndStagingRefuseWhatIsWrong) {
  RouteAndPick(Pickup("O-1", {Line("1", "SKU-A", 1)}, "111111"));
  Route(Routed("O-S", {Line("1", "SKU-B", 1)}));
  EXPECT_EQ(orders_->CreateBags("O-S", 1, "pack-1", ana_).status().code(),
            core::StatusCode::kFailedPrecondition);
  EXPECT_EQ(orders_->CreateBags("O-1", 0, "pack-1", ana_).status().code(),
            core::StatusCode::kInvalidArgument);
  EXPECT_EQ(orders_->CreateBags("O-1", 100, "pack-1", ana_).status().code(),
            core::StatusCode::kInvalidArgument);
  EXPECT_EQ(orders_->CreateBags("O-404", 1, "pack-1", ana_).status().code(), core::StatusCode::kNotFound);
  // Re-bagging before staging replaces the bags; old labels are refused.
  auto two = orders_->CreateBags("O-1", 2, "pack-1", ana_);
  ASSERT_TRUE(two.ok());
  auto one = orders_->CreateBags("O-1", 1, "pack-1", ana_);
  ASSERT_TRUE(one.ok());
  EXPECT_NE((*one)[0].bag.bag_id, (*two)[0].bag.bag_id) << "bag ids are never reused";
  EXPECT_EQ(orders_->StageBag((*two)[1].label_code, "P-01-1", ana_).status().code(),
            core::StatusCode::kInvalidArgument);
  EXPECT_EQ(orders_->StageBag((*one)[0].label_code, "not a bin", ana_).status().code(),
            core::StatusCode::kInvalidArgument);
  EXPECT_EQ(orders_->StageBag(kGtinA, "P-01-1", ana_).status().code(), core::StatusCode::kInvalidArgument);
  ASSERT_TRUE(orders_->StageBag((*one)[0].label_code, "P-01-1", ana_).ok());
  EXPECT_EQ(StateOf("O-1"), core::OrderState::kReady);
  EXPECT_EQ(orders_->CreateBags("O-1", 1, "pack-1", ana_).status().code(),
            core::StatusCode::kFailedPrecondition);
}

TEST_F(OrderPickup, CodesASchema5DatabaseKeptInClearAreHashedOnStart) {
  Route(Pickup("O-1", {Line("1", "SKU-A", 1)}, "111111"));
  // As migration 6 leaves a schema-5 order: its code set aside in clear.
  ASSERT_TRUE(store_->db().Exec("UPDATE orders SET pickup_code_hash = NULL WHERE order_id = 'O-1'").ok());
  ASSERT_TRUE(store_->db().Exec("INSERT INTO pickup_codes_unhashed VALUES ('O-1', '24682468')").ok());
  Restart();
  EXPECT_EQ(Count("SELECT count(*) FROM pickup_codes_unhashed"), 0);
  auto o = orders_->GetOrder("O-1");
  ASSERT_TRUE(o->order.pickup_code_hash.has_value());
  EXPECT_TRUE(PickupCodeMatches("24682468", *o->order.pickup_code_hash));
}

TEST_F(OrderPickup, FindsOrdersByRefQrOrName) {
  Route(Pickup("O-1", {Line("1", "SKU-A", 1)}, "111111"));
  json other = Pickup("O-2", {Line("1", "SKU-B", 1)}, "222222");
  other["customer"] = {{"first_name", "Zoë"}, {"last_name", "Okafor"}};
  Route(other);
  auto ids = [&](const std::string& q) {
    std::vector<std::string> out;
    auto r = orders_->FindPickupOrders(q);
    EXPECT_TRUE(r.ok()) << q << ": " << r.status().ToString();
    if (r.ok())
      for (const auto& o : *r) out.push_back(o.order_id);
    return out;
  };
  EXPECT_EQ(ids("W-O-2"), std::vector<std::string>{"O-2"});
  EXPECT_EQ(ids("SE1:ORD:W-O-1:111111"), std::vector<std::string>{"O-1"});
  EXPECT_EQ(ids("okaf"), std::vector<std::string>{"O-2"});
  EXPECT_EQ(ids("ruiz"), std::vector<std::string>{"O-1"});
  EXPECT_TRUE(ids("nobody").empty());
  EXPECT_EQ(orders_->FindPickupOrders("  ").status().code(), core::StatusCode::kInvalidArgument);
  EXPECT_EQ(orders_->FindPickupOrders("SE1:LOC:A-1-1").status().code(), core::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace edge::app::testing_orders
