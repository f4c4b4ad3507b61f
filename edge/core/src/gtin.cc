#include "edge/core/gtin.h"

namespace edge::core {

namespace {

// Quotes `code` for a message, shortened so that a 10 MB input does not make
// a 10 MB error.
std::string Quote(std::string_view code) {
  // Built by appending: GCC 12 at -O3 warns falsely (-Wrestrict) on
  // "'" + std::string(...).
  constexpr size_t kMax = 32;
  std::string out = "'";
  out.append(code.substr(0, kMax));
  if (code.size() <= kMax) return out + "'";
  out += "...' (";
  out += std::to_string(code.size());
  out += " bytes)";
  return out;
}

}  // namespace

int GtinCheckDigit(std::string_view body) {
  int sum = 0;
  int weight = 3;
  for (auto it = body.rbegin(); it != body.rend(); ++it) {
    sum += (*it - '0') * weight;
    weight = weight == 3 ? 1 : 3;
  }
  return (10 - sum % 10) % 10;
}

Result<std::string> NormalizeGtin14(std::string_view code) {
  if (code.empty()) return Status::InvalidArgument("gtin is empty");
  for (size_t i = 0; i < code.size(); ++i) {
    if (code[i] < '0' || code[i] > '9') {
      return Status::InvalidArgument("gtin " + Quote(code) + ": not a digit at position " +
                                     std::to_string(i + 1));
    }
  }
  const size_t n = code.size();
  if (n != 8 && n != 12 && n != 13 && n != 14) {
    return Status::InvalidArgument("gtin " + Quote(code) + ": must be 8, 12, 13 or 14 digits, got " +
                                   std::to_string(n));
  }
  const int expected = GtinCheckDigit(code.substr(0, n - 1));
  const int got = code[n - 1] - '0';
  if (got != expected) {
    return Status::InvalidArgument("gtin " + Quote(code) + ": check digit is " + std::to_string(got) +
                                   ", expected " + std::to_string(expected));
  }
  return std::string(14 - n, '0') + std::string(code);
}

}  // namespace edge::core
