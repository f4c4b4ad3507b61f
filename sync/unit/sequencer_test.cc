// Sequencer and Backoff: the pure decisions, with time and randomness given.
#include "edge/sync/sequencer.h"

#include <gtest/gtest.h>

#include "edge/sync/backoff.h"

namespace edge::sync {
namespace {

using namespace std::chrono_literals;
using V = Sequencer::Verdict;

const core::TimePoint t0 = core::FromUnixMillis(1795774503000);

TEST(Sequencer, ClassifiesAgainstNext) {
  Sequencer s(5s, 60s);
  EXPECT_EQ(s.next("orders"), 1);
  EXPECT_EQ(s.Classify("orders", 1), V::kNext);
  EXPECT_EQ(s.Classify("orders", 2), V::kAhead);
  EXPECT_TRUE(s.Consume("orders", 1, t0));
  EXPECT_EQ(s.Classify("orders", 1), V::kBehind);
  EXPECT_FALSE(s.Consume("orders", 5, t0));  // only next can be consumed
  EXPECT_EQ(s.next("orders"), 2);
  EXPECT_EQ(s.next("inventory"), 1);  // streams are independent
}

TEST(Sequencer, HoldsUntilTheGapFillsThenReleasesInOrder) {
  Sequencer s(5s, 60s);
  s.Hold("orders", 3, t0);
  s.Hold("orders", 2, t0);
  EXPECT_TRUE(s.HasGap("orders"));
  EXPECT_FALSE(s.Ready("orders"));
  EXPECT_TRUE(s.IsHeld("orders", 3));
  ASSERT_TRUE(s.Consume("orders", 1, t0));
  EXPECT_FALSE(s.HasGap("orders"));
  ASSERT_EQ(s.Ready("orders"), 2);
  ASSERT_TRUE(s.Consume("orders", 2, t0));
  ASSERT_EQ(s.Ready("orders"), 3);
  ASSERT_TRUE(s.Consume("orders", 3, t0));
  EXPECT_FALSE(s.Ready("orders"));
  EXPECT_EQ(s.held_count("orders"), 0u);
}

TEST(Sequencer, AsksForAReplayAfterGapTimeoutAndRepeatsAtDoublingIntervals) {
  Sequencer s(5s, 30s);
  s.Hold("orders", 4, t0);  // 1..3 missing
  EXPECT_EQ(s.NextDeadline(), t0 + 5s);
  EXPECT_TRUE(s.DueReplays(t0 + 4999ms).empty());
  EXPECT_EQ(s.DueReplays(t0 + 5s), (std::vector<Sequencer::ReplayRequest>{{"orders", 1}}));
  EXPECT_TRUE(s.DueReplays(t0 + 5s).empty());  // once per deadline
  EXPECT_EQ(s.NextDeadline(), t0 + 15s);       // then 10 s later
  EXPECT_EQ(s.DueReplays(t0 + 15s).size(), 1u);
  EXPECT_EQ(s.NextDeadline(), t0 + 35s);  // 20 s
  EXPECT_EQ(s.DueReplays(t0 + 35s).size(), 1u);
  EXPECT_EQ(s.NextDeadline(), t0 + 65s);  // capped at 30 s
  // Progress (1 arrives) restarts the wait from a full gap_timeout.
  ASSERT_TRUE(s.Consume("orders", 1, t0 + 40s));
  EXPECT_EQ(s.NextDeadline(), t0 + 45s);
  EXPECT_EQ(s.DueReplays(t0 + 45s), (std::vector<Sequencer::ReplayRequest>{{"orders", 2}}));
  // The gap closes: nothing more to ask.
  ASSERT_TRUE(s.Consume("orders", 2, t0 + 46s));
  ASSERT_TRUE(s.Consume("orders", 3, t0 + 46s));
  EXPECT_EQ(s.Ready("orders"), 4);
  EXPECT_FALSE(s.NextDeadline());
}

TEST(Sequencer, AnotherHeldMessageDoesNotPostponeTheRequest) {
  Sequencer s(5s, 60s);
  s.Hold("inventory", 3, t0);
  s.Hold("inventory", 4, t0 + 3s);
  EXPECT_EQ(s.NextDeadline(), t0 + 5s);
}

TEST(Sequencer, ResetRebuildsFromDurableState) {
  Sequencer s(5s, 60s);
  s.Reset("orders", 7, {5, 9, 7, 8}, t0);  // 5 is below next: ignored
  EXPECT_EQ(s.next("orders"), 7);
  EXPECT_EQ(s.held_count("orders"), 3u);
  EXPECT_EQ(s.Ready("orders"), 7);
  EXPECT_FALSE(s.NextDeadline());
  s.Reset("control", 2, {4}, t0);
  EXPECT_EQ(s.NextDeadline(), t0 + 5s);
  s.Drop("control", 4, t0);
  EXPECT_FALSE(s.NextDeadline());
}

TEST(Backoff, DoublesWithJitterUpToTheCap) {
  double j = 0.0;
  Backoff b(500ms, 30000ms, [&] { return j; });
  // Lowest jitter: half of each ceiling, never below min.
  EXPECT_EQ(b.Next(), 500ms);   // ceiling 500
  EXPECT_EQ(b.Next(), 500ms);   // ceiling 1000
  EXPECT_EQ(b.Next(), 1000ms);  // ceiling 2000
  EXPECT_EQ(b.attempts(), 3);
  b.Reset();
  j = 0.999999;
  EXPECT_NEAR(b.Next().count(), 500, 1);
  EXPECT_NEAR(b.Next().count(), 1000, 1);
  EXPECT_NEAR(b.Next().count(), 2000, 1);
  for (int i = 0; i < 100; ++i) {
    const auto w = b.Next();
    EXPECT_LE(w, 30000ms);
    EXPECT_GE(w, 500ms);
  }
  EXPECT_NEAR(b.Next().count(), 30000, 1);
  j = 0.5;
  EXPECT_EQ(b.Next(), 22500ms);  // half-way between 15 s and 30 s
  EXPECT_EQ(b.attempts(), 105);
}

TEST(Backoff, RandomJitterStaysInRange) {
  auto j = RandomJitter();
  for (int i = 0; i < 1000; ++i) {
    const double v = j();
    ASSERT_GE(v, 0.0);
    ASSERT_LT(v, 1.0);
  }
}

}  // namespace
}  // namespace edge::sync
