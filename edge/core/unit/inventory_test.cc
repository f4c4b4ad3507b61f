#include "edge/core/inventory.h"

#include <gtest/gtest.h>

#include <random>

#include "edge/core/available_report.h"

namespace edge::core {
namespace {

using namespace std::chrono_literals;

TEST(Inventory, AvailableIsNeverBelowZero) {
  EXPECT_EQ(Available({10, 3, 2}), 5);
  EXPECT_EQ(Available({10, 8, 2}), 0);
  EXPECT_EQ(Available({10, 9, 2}), 0);
  EXPECT_EQ(Available({-4, 0, 0}), 0);
  EXPECT_EQ(Available({0, 0, 0}), 0);
}

TEST(Inventory, QuantityValidationNamesTheField) {
  EXPECT_TRUE(ValidateQuantity("qty", 0, 0).ok());
  EXPECT_TRUE(ValidateQuantity("qty", kMaxQuantity, 1).ok());
  EXPECT_EQ(ValidateQuantity("items[3].on_hand", -2, 0).message(), "items[3].on_hand: must be >= 0, got -2");
  EXPECT_EQ(ValidateQuantity("qty", 0, 1).message(), "qty: must be >= 1, got 0");
  EXPECT_EQ(ValidateQuantity("qty", kMaxQuantity + 1, 1).message(),
            "qty: must be <= 1000000000, got 1000000001");
  EXPECT_TRUE(ValidateDelta("delta", -kMaxQuantity).ok());
  EXPECT_FALSE(ValidateDelta("delta", kMaxQuantity + 1).ok());
}

TEST(Inventory, ReservationTakesLinesInOrderAgainstAvailable) {
  const std::map<std::string, StockFigures> figures = {{"A", {5, 1, 1}}, {"B", {2, 0, 0}}};
  auto d =
      DecideReservation({{"1", "A", 2}, {"2", "A", 2}, {"3", "B", 2}, {"4", "Z", 1}, {"5", "B", 1}}, figures,
                        /*partial_accept=*/true);
  ASSERT_EQ(d.size(), 5u);
  EXPECT_TRUE(d[0].accepted);   // 3 available
  EXPECT_FALSE(d[1].accepted);  // 1 left
  EXPECT_EQ(d[1].reason, RejectReason::kInsufficientStock);
  EXPECT_TRUE(d[2].accepted);
  EXPECT_FALSE(d[3].accepted);
  EXPECT_EQ(d[3].reason, RejectReason::kUnknownSku);
  EXPECT_FALSE(d[4].accepted);  // B used up by line 3
  EXPECT_EQ(d[4].reason, RejectReason::kInsufficientStock);
}

TEST(Inventory, WithoutPartialAcceptOneShortLineRejectsTheOrder) {
  const std::map<std::string, StockFigures> figures = {{"A", {5, 0, 0}}};
  auto d = DecideReservation({{"1", "A", 2}, {"2", "Z", 1}}, figures, /*partial_accept=*/false);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_FALSE(d[0].accepted);
  EXPECT_EQ(d[0].reason, RejectReason::kInsufficientStock);
  EXPECT_EQ(d[1].reason, RejectReason::kUnknownSku);
  auto ok = DecideReservation({{"1", "A", 5}}, figures, false);
  EXPECT_TRUE(ok[0].accepted);
  EXPECT_EQ(std::string(RejectReasonName(RejectReason::kUnknownSku)), "unknown_sku");
}

TEST(Inventory, RandomDecisionsNeverPromiseMoreThanAvailable) {
  std::mt19937_64 rng(42);
  for (int iter = 0; iter < 2000; ++iter) {
    std::map<std::string, StockFigures> figures;
    for (const char* sku : {"A", "B", "C"}) {
      figures[sku] = {static_cast<int64_t>(rng() % 10) - 2, static_cast<int64_t>(rng() % 4),
                      static_cast<int64_t>(rng() % 3)};
    }
    std::vector<LineRequest> lines;
    for (int i = 0, n = static_cast<int>(rng() % 5) + 1; i < n; ++i) {
      lines.push_back({std::to_string(i), std::string(1, static_cast<char>('A' + rng() % 4)),
                       static_cast<int64_t>(rng() % 4) + 1});
    }
    const bool partial = rng() % 2;
    auto d = DecideReservation(lines, figures, partial);
    std::map<std::string, int64_t> taken;
    bool all = true;
    for (const auto& l : d) {
      all &= l.accepted;
      if (l.accepted) taken[l.sku] += l.qty;
      EXPECT_EQ(l.accepted, !l.reason.has_value());
    }
    for (const auto& [sku, n] : taken) EXPECT_LE(n, Available(figures[sku])) << sku;
    if (!partial) {
      EXPECT_TRUE(all || taken.empty());
    }
  }
}

TEST(Inventory, ReasonNamesRoundTrip) {
  for (auto r : {ReleaseReason::kShipped, ReleaseReason::kPickedUp, ReleaseReason::kCancelled,
                 ReleaseReason::kExpired, ReleaseReason::kRejected}) {
    ReleaseReason back;
    ASSERT_TRUE(ParseReleaseReason(ReleaseReasonName(r), &back));
    EXPECT_EQ(back, r);
  }
  for (auto k :
       {AdjustmentKind::kCount, AdjustmentKind::kDamaged, AdjustmentKind::kFound, AdjustmentKind::kReceipt}) {
    AdjustmentKind back;
    ASSERT_TRUE(ParseAdjustmentKind(AdjustmentKindName(k), &back));
    EXPECT_EQ(back, k);
  }
  ReleaseReason r;
  EXPECT_FALSE(ParseReleaseReason("lost", &r));
  AdjustmentKind k;
  EXPECT_FALSE(ParseAdjustmentKind("stolen", &k));
}

TEST(Inventory, LocationCodes) {
  auto a = ParseLocationCode("A-03-12");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->zone, "A");
  EXPECT_EQ(a->aisle, "03");
  EXPECT_EQ(a->bin, "12");
  EXPECT_FALSE(a->walk_order.has_value());
  auto b = ParseLocationCode("BACKROOM");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->zone, "BACKROOM");
  EXPECT_EQ(b->aisle, "");
  EXPECT_EQ(ParseLocationCode("").status().message(), "location code is empty");
  EXPECT_EQ(ParseLocationCode("A--1").status().message(),
            "location code 'A--1': empty zone, aisle or bin part");
  EXPECT_EQ(ParseLocationCode("A-1-2-3").status().message(),
            "location code 'A-1-2-3': at most zone-aisle-bin (3 parts), got 4");
  EXPECT_EQ(ParseLocationCode("A 1").status().message(),
            "location code 'A 1': may contain only letters, digits, '_', '.' and '-'");
  EXPECT_FALSE(ParseLocationCode(std::string(33, 'A')).ok());
}

TEST(Inventory, DecreaseTakesUnlocatedThenWalkOrder) {
  // unlocated 2, A 3, B 5: take 7 -> "" -2, A -3, B -2
  EXPECT_EQ(PlanDecrease({{"", 2}, {"A", 3}, {"B", 5}}, 7),
            (std::vector<LocatedQty>{{"", -2}, {"A", -3}, {"B", -2}}));
  // More than there is: the rest comes from the unlocated bucket.
  EXPECT_EQ(PlanDecrease({{"A", 1}, {"B", 0}}, 4), (std::vector<LocatedQty>{{"A", -1}, {"", -3}}));
  EXPECT_EQ(PlanDecrease({{"", 1}, {"A", 0}}, 3), (std::vector<LocatedQty>{{"", -3}}));
  EXPECT_EQ(PlanDecrease({}, 2), (std::vector<LocatedQty>{{"", -2}}));
  // Negative location stock is never taken from.
  EXPECT_EQ(PlanDecrease({{"", -1}, {"A", 2}}, 1), (std::vector<LocatedQty>{{"A", -1}}));
}

TEST(AvailableCoalescer, FirstChangeGoesAtOnceThenAtMostOnePerInterval) {
  AvailableCoalescer c(2s);
  const TimePoint t0 = FromUnixMillis(1'800'000'000'000);
  EXPECT_FALSE(c.Due(t0));
  EXPECT_FALSE(c.NextDue().has_value());
  c.Changed();
  EXPECT_TRUE(c.Due(t0));
  c.Sent(t0, false);
  EXPECT_FALSE(c.Due(t0 + 5s));  // nothing pending
  c.Changed();
  EXPECT_FALSE(c.Due(t0 + 1999ms));
  EXPECT_EQ(*c.NextDue(), t0 + 2s);
  EXPECT_TRUE(c.Due(t0 + 2s));
  c.Sent(t0 + 2s, /*more_pending=*/true);
  EXPECT_FALSE(c.Due(t0 + 3s));
  EXPECT_TRUE(c.Due(t0 + 4s));
  // A clock that steps back does not silence reports.
  EXPECT_TRUE(c.Due(t0 - 1h));
  c.NothingToSend();
  EXPECT_FALSE(c.pending());
}

TEST(AvailableCoalescer, RestoreKeepsTheInterval) {
  AvailableCoalescer c(2s);
  const TimePoint t0 = FromUnixMillis(1'800'000'000'000);
  c.Restore(true, t0);
  EXPECT_FALSE(c.Due(t0 + 1s));
  EXPECT_TRUE(c.Due(t0 + 2s));
}

TEST(AvailableCoalescer, SelectSkipsUnchangedAndCaps) {
  std::vector<AvailableCandidate> c = {{"A", 5, 5}, {"B", 3, 4}, {"C", 0, std::nullopt}, {"D", 7, 1}};
  EXPECT_EQ(AvailableCoalescer::Select(c, 10), (std::vector<AvailableItem>{{"B", 3}, {"C", 0}, {"D", 7}}));
  EXPECT_EQ(AvailableCoalescer::Select(c, 2), (std::vector<AvailableItem>{{"B", 3}, {"C", 0}}));
}

}  // namespace
}  // namespace edge::core
