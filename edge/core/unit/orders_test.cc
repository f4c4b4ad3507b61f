#include "edge/core/orders.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

namespace edge::core {
namespace {

using namespace std::chrono_literals;

TEST(Orders, NamesRoundTrip) {
  for (OrderKind k :
       {OrderKind::kShipFromStore, OrderKind::kBopis, OrderKind::kCurbside, OrderKind::kSameDay}) {
    OrderKind back{};
    ASSERT_TRUE(ParseOrderKind(OrderKindName(k), &back));
    EXPECT_EQ(back, k);
  }
  OrderKind k{};
  EXPECT_FALSE(ParseOrderKind("drone", &k));
  EXPECT_TRUE(IsShipKind(OrderKind::kSameDay));
  EXPECT_FALSE(IsShipKind(OrderKind::kCurbside));
  EXPECT_TRUE(IsPickupKind(OrderKind::kBopis));
  for (OrderState s : {OrderState::kAccepted, OrderState::kPicking, OrderState::kPicked, OrderState::kPacked,
                       OrderState::kShipped, OrderState::kCancelled, OrderState::kRejected}) {
    OrderState back{};
    ASSERT_TRUE(ParseOrderState(OrderStateName(s), &back));
    EXPECT_EQ(back, s);
  }
  Fulfil f{};
  ASSERT_TRUE(ParseFulfil("preorder", &f));
  EXPECT_EQ(f, Fulfil::kPreorder);
  ShortReason r{};
  ASSERT_TRUE(ParseShortReason("not_found", &r));
  EXPECT_EQ(r, ShortReason::kNotFound);
  EXPECT_FALSE(ParseShortReason("lost", &r));
  TaskState ts{};
  ASSERT_TRUE(ParseTaskState("in_progress", &ts));
  EXPECT_EQ(ts, TaskState::kInProgress);
  TaskKind tk{};
  ASSERT_TRUE(ParseTaskKind("restock", &tk));
  EXPECT_EQ(tk, TaskKind::kRestock);
  EXPECT_STREQ(PickMethodName(PickMethod::kManual), "manual");
  EXPECT_STREQ(CancelOutcomeName(CancelOutcome::kTooLate), "too_late");
}

TEST(Orders, PickupCodesAndIds) {
  EXPECT_TRUE(ValidatePickupCode("123456").ok());
  EXPECT_TRUE(ValidatePickupCode("12345678").ok());
  EXPECT_FALSE(ValidatePickupCode("12345").ok());
  EXPECT_FALSE(ValidatePickupCode("123456789").ok());
  EXPECT_EQ(ValidatePickupCode("12a456").message(), "pickup code must be 6 to 8 digits only");
  EXPECT_TRUE(ValidateIdText("order_id", "O-1001", 64).ok());
  EXPECT_EQ(ValidateIdText("order_id", "", 64).message(), "order_id: must not be empty");
  EXPECT_EQ(ValidateIdText("lines[1].line_id", "a b", 64).message(),
            "lines[1].line_id: may contain only printable ASCII without spaces");
  EXPECT_EQ(ValidateIdText("order_id", "abcdef", 5).message(), "order_id: must be at most 5 bytes, got 6");
}

TEST(Orders, StateMachineAllowsOnlyTheForwardPath) {
  const OrderState all[] = {OrderState::kAccepted, OrderState::kPicking, OrderState::kPicked,
                            OrderState::kPacked,   OrderState::kShipped, OrderState::kReady,
                            OrderState::kPickedUp, OrderState::kExpired, OrderState::kCancelled,
                            OrderState::kRejected};
  std::set<std::pair<OrderState, OrderState>> legal = {
      {OrderState::kAccepted, OrderState::kPicking},
      {OrderState::kPicking, OrderState::kPicked},
      {OrderState::kPicked, OrderState::kPacked},
      {OrderState::kPacked, OrderState::kShipped},
      {OrderState::kPicking, OrderState::kRejected},
      {OrderState::kAccepted, OrderState::kCancelled},
      {OrderState::kPicking, OrderState::kCancelled},
      {OrderState::kPicked, OrderState::kCancelled},
      {OrderState::kPacked, OrderState::kCancelled},
      {OrderState::kRejected, OrderState::kCancelled},
      // pickup kinds
      {OrderState::kPicked, OrderState::kReady},
      {OrderState::kReady, OrderState::kPickedUp},
      {OrderState::kReady, OrderState::kCancelled},
      {OrderState::kAccepted, OrderState::kExpired},
      {OrderState::kPicking, OrderState::kExpired},
      {OrderState::kPicked, OrderState::kExpired},
      {OrderState::kReady, OrderState::kExpired},
  };
  for (OrderState from : all) {
    for (OrderState to : all) {
      EXPECT_EQ(CanTransition(from, to), legal.count({from, to}) == 1)
          << OrderStateName(from) << " -> " << OrderStateName(to);
    }
  }
  EXPECT_EQ(CheckTransition("O-1", OrderState::kShipped, OrderState::kPicking).message(),
            "order 'O-1' is shipped: cannot become picking");
  EXPECT_TRUE(IsOpenOrderState(OrderState::kPacked));
  EXPECT_FALSE(IsOpenOrderState(OrderState::kRejected));
  EXPECT_FALSE(IsOpenOrderState(OrderState::kShipped));
  EXPECT_TRUE(IsOpenOrderState(OrderState::kReady));
  for (OrderState s : all) {
    OrderState parsed;
    EXPECT_TRUE(ParseOrderState(OrderStateName(s), &parsed));
    EXPECT_EQ(parsed, s);
    const bool final = s == OrderState::kShipped || s == OrderState::kPickedUp || s == OrderState::kExpired ||
                       s == OrderState::kCancelled || s == OrderState::kRejected;
    EXPECT_EQ(IsFinalOrderState(s), final) << OrderStateName(s);
    EXPECT_FALSE(final && IsOpenOrderState(s)) << OrderStateName(s);
  }
}

TEST(Orders, CancellationMeansWhatTheStateAllows) {
  auto d = DecideCancellation(OrderState::kAccepted, false);
  EXPECT_EQ(d.outcome, CancelOutcome::kCancelled);
  EXPECT_TRUE(d.change_state && d.release_unpicked && !d.restock_picked && !d.repeat);
  d = DecideCancellation(OrderState::kPicking, false);
  EXPECT_TRUE(d.change_state && d.release_unpicked && d.restock_picked);
  for (OrderState s : {OrderState::kPicked, OrderState::kPacked}) {
    d = DecideCancellation(s, false);
    EXPECT_EQ(d.outcome, CancelOutcome::kCancelled);
    EXPECT_TRUE(d.change_state && !d.release_unpicked && d.restock_picked);
  }
  d = DecideCancellation(OrderState::kPacked, /*handed_off=*/true);
  EXPECT_EQ(d.outcome, CancelOutcome::kTooLate);
  EXPECT_FALSE(d.change_state || d.restock_picked || d.release_unpicked);
  d = DecideCancellation(OrderState::kShipped, false);
  EXPECT_EQ(d.outcome, CancelOutcome::kTooLate);
  d = DecideCancellation(OrderState::kReady, false);
  EXPECT_TRUE(d.change_state && !d.release_unpicked && d.restock_picked);
  for (OrderState s : {OrderState::kPickedUp, OrderState::kExpired}) {
    d = DecideCancellation(s, false);
    EXPECT_EQ(d.outcome, CancelOutcome::kTooLate);
    EXPECT_FALSE(d.change_state || d.restock_picked || d.release_unpicked);
  }
  d = DecideCancellation(OrderState::kCancelled, false);
  EXPECT_TRUE(d.repeat);
  EXPECT_FALSE(d.change_state);
  d = DecideCancellation(OrderState::kRejected, false);
  EXPECT_TRUE(d.change_state && !d.release_unpicked && !d.restock_picked);
}

TEST(Orders, WorkQueueOrdersByTimeLeftThenPriority) {
  const TimePoint t0 = FromUnixMillis(1'800'000'000'000);
  std::vector<QueueEntry> q = {
      {"no-promise-p1", 1, std::nullopt, t0},
      {"later-p1", 1, t0 + 5h, t0},
      {"soon-p9", 9, t0 + 1h, t0},
      {"soon-p2", 2, t0 + 1h, t0 + 1s},
      {"soon-p2-first", 2, t0 + 1h, t0},
      {"overdue-p9", 9, t0 - 1h, t0},
      {"no-promise-p0", 0, std::nullopt, t0 + 1s},
  };
  auto sorted = OrderWorkQueue(q);
  std::vector<std::string> ids;
  for (const auto& e : sorted) ids.push_back(e.order_id);
  EXPECT_EQ(ids, (std::vector<std::string>{"overdue-p9", "soon-p2-first", "soon-p2", "soon-p9", "later-p1",
                                           "no-promise-p0", "no-promise-p1"}));
  EXPECT_EQ(*TimeLeft(q[5], t0), -1h);
  EXPECT_FALSE(TimeLeft(q[0], t0).has_value());
  // A strict weak order: random shuffles always sort the same.
  std::mt19937_64 rng(3);
  for (int i = 0; i < 50; ++i) {
    std::shuffle(q.begin(), q.end(), rng);
    auto again = OrderWorkQueue(q);
    std::vector<std::string> ids2;
    for (const auto& e : again) ids2.push_back(e.order_id);
    EXPECT_EQ(ids2, ids);
  }
}

TEST(Orders, TotesGoToOrdersInQueueOrder) {
  auto t = AssignTotes({"O-3", "O-1", "O-2"});
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t, (std::vector<ToteSlot>{{"O-3", 1, "T1"}, {"O-1", 2, "T2"}, {"O-2", 3, "T3"}}));
  EXPECT_EQ(AssignTotes({}).status().message(), "orders: a pick task needs at least one order");
  EXPECT_EQ(AssignTotes({"A", "B", "A"}).status().message(), "orders[2]: order 'A' is listed twice");
  std::vector<std::string> many;
  for (int i = 0; i <= kMaxBatchOrders; ++i) many.push_back("O" + std::to_string(i));
  EXPECT_EQ(AssignTotes(many).status().code(), StatusCode::kInvalidArgument);
}

TEST(Orders, PickLocationsFollowTheWalkThenTheUnlocatedBucket) {
  EXPECT_EQ(PlanPickLocations({{"A-1", 2}, {"", 9}, {"B-1", 0}, {"C-1", 5}}, 4),
            (std::vector<LocatedQty>{{"A-1", 2}, {"C-1", 2}}));
  EXPECT_EQ(PlanPickLocations({{"A-1", 1}, {"C-1", -3}}, 3), (std::vector<LocatedQty>{{"A-1", 1}, {"", 2}}));
  EXPECT_EQ(PlanPickLocations({}, 2), (std::vector<LocatedQty>{{"", 2}}));
}

TEST(Orders, PickLinesSortByWalkThenSkuThenTote) {
  auto loc = [](const char* code, std::optional<int64_t> walk) {
    Location l;
    l.code = code;
    l.walk_order = walk;
    return l;
  };
  std::vector<PickLinePlan> lines = {
      {"O2", "1", "SKU-B", loc("", std::nullopt), 2, 1},
      {"O1", "1", "SKU-A", loc("Z-9", std::nullopt), 1, 1},
      {"O2", "2", "SKU-A", loc("B-01", 20), 2, 1},
      {"O1", "2", "SKU-A", loc("B-01", 20), 1, 1},
      {"O1", "3", "SKU-0", loc("B-01", 20), 1, 1},
      {"O3", "1", "SKU-C", loc("C-01", 10), 3, 1},
      {"O3", "2", "SKU-C", loc("A-01", std::nullopt), 3, 1},
  };
  SortPickLines(lines);
  std::vector<std::string> got;
  for (const auto& l : lines) got.push_back(l.location.code + "/" + l.sku + "/" + l.order_id);
  EXPECT_EQ(got, (std::vector<std::string>{"C-01/SKU-C/O3", "B-01/SKU-0/O1", "B-01/SKU-A/O1", "B-01/SKU-A/O2",
                                           "A-01/SKU-C/O3", "Z-9/SKU-A/O1", "/SKU-B/O2"}));
}

TEST(Orders, ScannedUnitGoesToTheFirstLineNeedingItPreferablyHere) {
  const std::vector<OpenPickLine> lines = {
      {10, "A", "A-1", 1, 0},  // done
      {11, "A", "A-1", 2, 1},
      {12, "B", "A-1", 1, 2},
      {13, "A", "B-1", 3, 1},
  };
  EXPECT_EQ(ChoosePickLine(lines, "A", std::nullopt), 1u);
  EXPECT_EQ(ChoosePickLine(lines, "A", std::string("B-1")), 3u);
  EXPECT_EQ(ChoosePickLine(lines, "A", std::string("Q-1")), 1u);  // none here: the first anywhere
  EXPECT_EQ(ChoosePickLine(lines, "B", std::string("A-1")), 2u);
  EXPECT_FALSE(ChoosePickLine(lines, "C", std::nullopt).has_value());
}

}  // namespace
}  // namespace edge::core
