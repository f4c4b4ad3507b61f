#include "edge/core/clock.h"

#include <gtest/gtest.h>

namespace edge::core {
namespace {

TEST(Clock, ManualClockMovesOnlyWhenTold) {
  ManualClock c(FromUnixMillis(1000));
  EXPECT_EQ(ToUnixMillis(c.Now()), 1000);
  c.Advance(std::chrono::seconds(2));
  EXPECT_EQ(ToUnixMillis(c.Now()), 3000);
}

TEST(Clock, FormatsRfc3339) {
  EXPECT_EQ(FormatRfc3339(FromUnixMillis(0)), "1970-01-01T00:00:00.000Z");
  // 2026-11-27T10:15:03.120Z, the contract's example.
  EXPECT_EQ(FormatRfc3339(FromUnixMillis(1795774503120)), "2026-11-27T10:15:03.120Z");
  EXPECT_EQ(FormatRfc3339(FromUnixMillis(951782400000)), "2000-02-29T00:00:00.000Z");
}

TEST(Clock, ParsesRfc3339) {
  TimePoint t;
  ASSERT_TRUE(ParseRfc3339("2026-11-27T10:15:03.120Z", &t));
  EXPECT_EQ(ToUnixMillis(t), 1795774503120);
  ASSERT_TRUE(ParseRfc3339("2026-11-27T11:15:03.12+01:00", &t));
  EXPECT_EQ(ToUnixMillis(t), 1795774503120);
  ASSERT_TRUE(ParseRfc3339("2026-11-27T10:15:03Z", &t));
  EXPECT_EQ(ToUnixMillis(t), 1795774503000);
  for (const char* bad : {"", "2026-11-27", "2026-13-01T00:00:00Z", "2026-11-27T10:15:03",
                          "2026-11-27T10:15:03.Z", "2026-11-27T10:15:03Zjunk", "yesterday"}) {
    EXPECT_FALSE(ParseRfc3339(bad, &t)) << bad;
  }
}

}  // namespace
}  // namespace edge::core
