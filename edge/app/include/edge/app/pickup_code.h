// Pickup codes (PROTOCOL.md: 6 to 8 digits the customer has) are kept only
// as a salted slow hash: "pbkdf2-sha256$<iterations>$<salt hex>$<hash hex>".
// A stolen database then gives no code directly. The code space is small
// (10^6..10^8), so the hash only slows an offline search; what protects a
// code at the counter and the kiosk is the lockout after repeated wrong
// codes (OrderService). The iteration count is lower than for PINs because
// every routed pickup order is hashed at intake: kPickupCodeIterations costs
// about 2 ms on the store's hardware (bench/README.md).
#pragma once

#include <cstdint>
#include <string>

namespace edge::app {

inline constexpr int64_t kPickupCodeIterations = 4096;

// A new hash of `code` with a fresh random 16-byte salt.
std::string HashPickupCode(const std::string& code, int64_t iterations = kPickupCodeIterations);

// True when `code` is the one `stored` was made from (constant-time compare).
// False for a malformed `stored`.
bool PickupCodeMatches(const std::string& code, const std::string& stored);

}  // namespace edge::app
