// Rules for who may do what: associate ids, PINs, roles, and the lockout
// after repeated wrong PINs (or pickup codes). Pure values and functions; any
// thread. Hashing and tokens live in edge/app (AuthService), rows in
// edge/store (UserRepo).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "edge/core/clock.h"
#include "edge/core/status.h"

namespace edge::core {

enum class Role { kAssociate, kSupervisor, kKiosk };
// "associate", "supervisor", "kiosk".
const char* RoleName(Role role);
// Parses "associate" or "supervisor" (kiosks are devices, not users).
bool ParseUserRole(std::string_view text, Role* out);

// An associate id is [A-Za-z0-9._-]{1,32} (what badges print).
Status ValidateAssociateId(std::string_view id);
// A PIN is 4 to 12 digits. The message never repeats the PIN.
Status ValidatePin(std::string_view pin);

// Lockout: `max_failures` wrong attempts within `window` lock the account (or
// an order's pickup code) for `lock_for`; a supervisor may unlock sooner.
struct LockoutPolicy {
  int max_failures = 5;
  Duration window = std::chrono::minutes(15);
  Duration lock_for = std::chrono::minutes(15);
};

// The persisted state of one lockout counter.
struct LockoutState {
  int failures = 0;
  int64_t first_failure_ms = 0;  // start of the current window
  int64_t locked_until_ms = 0;   // 0: not locked
  bool operator==(const LockoutState&) const = default;
};

// True while `state` is locked at `now`.
bool IsLocked(const LockoutState& state, TimePoint now);
// The state after a wrong attempt at `now` (counts restart when the window has
// passed; the max_failures-th failure locks).
LockoutState AfterFailure(const LockoutState& state, TimePoint now, const LockoutPolicy& policy);
// The state after a right attempt: counters cleared.
inline LockoutState AfterSuccess() { return {}; }

// Who made a call, for the audit trail and role checks.
struct Actor {
  std::string id;  // associate id, kiosk name, or "system"/"oms"
  Role role = Role::kAssociate;
  bool operator==(const Actor&) const = default;
};

// True when `actor` may do what needs `required` (a supervisor may do all an
// associate may; a kiosk only kiosk things).
bool HasRole(const Actor& actor, Role required);

}  // namespace edge::core
