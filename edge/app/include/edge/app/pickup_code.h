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
#include <unordered_map>

namespace edge::app {

inline constexpr int64_t kPickupCodeIterations = 4096;

// A new hash of `code` with a fresh random 16-byte salt.
std::string HashPickupCode(const std::string& code, int64_t iterations = kPickupCodeIterations);

// True when `code` is the one `stored` was made from (constant-time compare).
// False for a malformed `stored`.
bool PickupCodeMatches(const std::string& code, const std::string& stored);

// PickupCodeMatches, remembering for each order the code last found right,
// as a SHA-256 keyed with 256 random bits that live only in this process.
// A customer's code is checked several times (the kiosk's lookup, its
// check-in, the counter's handover): the slow hash runs on the first check
// only, and later checks of that order, right or wrong, take a microsecond.
// Nothing remembered is written anywhere; it is forgotten when the stored
// hash changes (order.updated with a new code) and when 10,000 orders are
// remembered. Not thread-safe (the io_context thread's).
class PickupCodeChecker {
 public:
  PickupCodeChecker();
  bool Matches(const std::string& order_id, const std::string& code, const std::string& stored);

 private:
  struct Known {
    std::string stored;  // the hash it was checked against
    std::string mac;     // keyed SHA-256 of the right code
  };
  std::string Mac(const std::string& code) const;
  std::string key_;
  std::unordered_map<std::string, Known> known_;
};

}  // namespace edge::app
