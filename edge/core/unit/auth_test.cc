#include "edge/core/auth.h"

#include <gtest/gtest.h>

namespace edge::core {
namespace {

using namespace std::chrono_literals;

TEST(Auth, ValidatesIdsAndPins) {
  EXPECT_TRUE(ValidateAssociateId("a.ruiz-2").ok());
  EXPECT_EQ(ValidateAssociateId("").message(), "associate id must be 1 to 32 characters, got 0");
  EXPECT_EQ(ValidateAssociateId("a b").message(),
            "associate id 'a b' may contain only letters, digits, '.', '_' and '-'");
  EXPECT_TRUE(ValidatePin("0042").ok());
  EXPECT_EQ(ValidatePin("123").message(), "PIN must be 4 to 12 digits, got 3 characters");
  EXPECT_EQ(ValidatePin("12a4").message(), "PIN must be digits only");
}

TEST(Auth, Roles) {
  Role r;
  ASSERT_TRUE(ParseUserRole("supervisor", &r));
  EXPECT_EQ(r, Role::kSupervisor);
  EXPECT_FALSE(ParseUserRole("kiosk", &r));
  EXPECT_TRUE(HasRole({"s", Role::kSupervisor}, Role::kAssociate));
  EXPECT_FALSE(HasRole({"a", Role::kAssociate}, Role::kSupervisor));
  EXPECT_FALSE(HasRole({"k", Role::kKiosk}, Role::kAssociate));
  EXPECT_FALSE(HasRole({"s", Role::kSupervisor}, Role::kKiosk));
  EXPECT_TRUE(HasRole({"k", Role::kKiosk}, Role::kKiosk));
}

TEST(Lockout, FifthFailureWithinWindowLocks) {
  ManualClock clock(FromUnixMillis(1'000'000));
  LockoutPolicy p;
  LockoutState s;
  for (int i = 1; i <= 4; ++i) {
    s = AfterFailure(s, clock.Now(), p);
    EXPECT_FALSE(IsLocked(s, clock.Now())) << i;
    clock.Advance(1min);
  }
  s = AfterFailure(s, clock.Now(), p);
  EXPECT_TRUE(IsLocked(s, clock.Now()));
  clock.Advance(14min);
  EXPECT_TRUE(IsLocked(s, clock.Now()));
  clock.Advance(1min);
  EXPECT_FALSE(IsLocked(s, clock.Now()));
  // After the lock runs out, counting starts again.
  s = AfterFailure(s, clock.Now(), p);
  EXPECT_EQ(s.failures, 1);
  EXPECT_FALSE(IsLocked(s, clock.Now()));
}

TEST(Lockout, FailuresOutsideTheWindowDoNotAddUp) {
  ManualClock clock(FromUnixMillis(0));
  LockoutPolicy p;
  LockoutState s;
  for (int i = 0; i < 4; ++i) s = AfterFailure(s, clock.Now(), p);
  clock.Advance(15min);
  s = AfterFailure(s, clock.Now(), p);
  EXPECT_EQ(s.failures, 1);
  EXPECT_FALSE(IsLocked(s, clock.Now()));
  EXPECT_EQ(AfterSuccess(), LockoutState{});
}

}  // namespace
}  // namespace edge::core
