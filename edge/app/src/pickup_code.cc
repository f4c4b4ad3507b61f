#include "edge/app/pickup_code.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <vector>

#include "edge/app/auth_service.h"

namespace edge::app {

namespace {

constexpr const char* kScheme = "pbkdf2-sha256";
constexpr int kHashBytes = 32;

std::string Derive(const std::string& code, const std::string& salt, int64_t iterations) {
  std::string out(kHashBytes, '\0');
  PKCS5_PBKDF2_HMAC(code.data(), static_cast<int>(code.size()),
                    reinterpret_cast<const unsigned char*>(salt.data()), static_cast<int>(salt.size()),
                    static_cast<int>(iterations), EVP_sha256(), kHashBytes,
                    reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

bool HexDecode(const std::string& hex, std::string* out) {
  if (hex.size() % 2 != 0) return false;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  out->clear();
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out->push_back(static_cast<char>(hi << 4 | lo));
  }
  return true;
}

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      parts.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return parts;
}

}  // namespace

std::string HashPickupCode(const std::string& code, int64_t iterations) {
  const std::string salt = RandomBytes(16);
  return std::string(kScheme) + "$" + std::to_string(iterations) + "$" + HexEncode(salt) + "$" +
         HexEncode(Derive(code, salt, iterations));
}

bool PickupCodeMatches(const std::string& code, const std::string& stored) {
  const auto parts = Split(stored, '$');
  if (parts.size() != 4 || parts[0] != kScheme) return false;
  int64_t iterations = 0;
  for (char c : parts[1]) {
    if (c < '0' || c > '9' || iterations > 10'000'000) return false;
    iterations = iterations * 10 + (c - '0');
  }
  if (iterations < 1) return false;
  std::string salt, want;
  if (!HexDecode(parts[2], &salt) || !HexDecode(parts[3], &want) || want.size() != kHashBytes) return false;
  const std::string got = Derive(code, salt, iterations);
  return CRYPTO_memcmp(got.data(), want.data(), kHashBytes) == 0;
}

PickupCodeChecker::PickupCodeChecker() : key_(RandomBytes(32)) {}

std::string PickupCodeChecker::Mac(const std::string& code) const { return Sha256(key_, code); }

bool PickupCodeChecker::Matches(const std::string& order_id, const std::string& code,
                                const std::string& stored) {
  if (auto it = known_.find(order_id); it != known_.end() && it->second.stored == stored) {
    const std::string mac = Mac(code);
    return CRYPTO_memcmp(mac.data(), it->second.mac.data(), mac.size()) == 0;
  }
  if (!PickupCodeMatches(code, stored)) return false;
  if (known_.size() >= 10000) known_.clear();
  known_[order_id] = Known{stored, Mac(code)};
  return true;
}

}  // namespace edge::app
