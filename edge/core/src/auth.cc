#include "edge/core/auth.h"

namespace edge::core {

const char* RoleName(Role role) {
  switch (role) {
    case Role::kAssociate:
      return "associate";
    case Role::kSupervisor:
      return "supervisor";
    case Role::kKiosk:
      return "kiosk";
  }
  return "associate";
}

bool ParseUserRole(std::string_view text, Role* out) {
  if (text == "associate") {
    *out = Role::kAssociate;
  } else if (text == "supervisor") {
    *out = Role::kSupervisor;
  } else {
    return false;
  }
  return true;
}

Status ValidateAssociateId(std::string_view id) {
  if (id.empty() || id.size() > 32) {
    return Status::InvalidArgument("associate id must be 1 to 32 characters, got " +
                                   std::to_string(id.size()));
  }
  for (char c : id) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
                    c == '-' || c == '.';
    if (!ok) {
      return Status::InvalidArgument("associate id '" + std::string(id) +
                                     "' may contain only letters, digits, '.', '_' and '-'");
    }
  }
  return Status::Ok();
}

Status ValidatePin(std::string_view pin) {
  if (pin.size() < 4 || pin.size() > 12) {
    return Status::InvalidArgument("PIN must be 4 to 12 digits, got " + std::to_string(pin.size()) +
                                   " characters");
  }
  for (char c : pin) {
    if (c < '0' || c > '9') return Status::InvalidArgument("PIN must be digits only");
  }
  return Status::Ok();
}

bool IsLocked(const LockoutState& state, TimePoint now) {
  return state.locked_until_ms != 0 && ToUnixMillis(now) < state.locked_until_ms;
}

LockoutState AfterFailure(const LockoutState& state, TimePoint now, const LockoutPolicy& policy) {
  const int64_t now_ms = ToUnixMillis(now);
  const int64_t window_ms = std::chrono::duration_cast<std::chrono::milliseconds>(policy.window).count();
  LockoutState next = state;
  // An expired lock or a window that has passed starts counting afresh.
  if ((next.locked_until_ms != 0 && now_ms >= next.locked_until_ms) ||
      (next.failures > 0 && now_ms - next.first_failure_ms >= window_ms)) {
    next = {};
  }
  if (next.failures == 0) next.first_failure_ms = now_ms;
  ++next.failures;
  if (next.failures >= policy.max_failures) {
    next.locked_until_ms =
        now_ms + std::chrono::duration_cast<std::chrono::milliseconds>(policy.lock_for).count();
  }
  return next;
}

bool HasRole(const Actor& actor, Role required) {
  switch (required) {
    case Role::kKiosk:
      return actor.role == Role::kKiosk;
    case Role::kAssociate:
      return actor.role == Role::kAssociate || actor.role == Role::kSupervisor;
    case Role::kSupervisor:
      return actor.role == Role::kSupervisor;
  }
  return false;
}

}  // namespace edge::core
