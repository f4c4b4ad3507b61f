// libFuzzer target for the barcode parser (edge/core/barcode.h): scanner
// data is untrusted input from USB, so any byte string must come back as a
// Scan or an error, never a crash, a hang, or a Scan that breaks its own
// contract. Built and run by fuzz/run-barcode-fuzz.sh.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "edge/core/barcode.h"

namespace {

using edge::core::Result;
using edge::core::Scan;

void Fail(const char* what, std::string_view input) {
  std::fprintf(stderr, "barcode_fuzz: %s (input of %zu bytes)\n", what, input.size());
  std::abort();
}

bool IsGtin14(const std::string& g) { return g.size() == 14 && edge::core::ValidGtinCheckDigit(g); }

// What ParseScan promises whatever the input.
void CheckScan(const Result<Scan>& r, std::string_view input) {
  if (!r.ok()) {
    if (r.status().message().empty()) Fail("error without a message", input);
    return;
  }
  const Scan& s = *r;
  if (s.raw.empty() || s.raw.size() > edge::core::kMaxScanBytes) Fail("raw out of range", input);
  if (!s.gtin.empty() && !IsGtin14(s.gtin)) Fail("gtin is not a valid GTIN-14", input);
  switch (s.kind) {
    case Scan::Kind::kGtin:
      if (s.gtin.empty()) Fail("kGtin without gtin", input);
      break;
    case Scan::Kind::kGs1: {
      if (s.ais.empty()) Fail("kGs1 without AIs", input);
      const auto it = s.ais.find("01");
      if ((it == s.ais.end()) != s.gtin.empty() || (it != s.ais.end() && it->second != s.gtin)) {
        Fail("gtin differs from AI 01", input);
      }
      for (const auto& [ai, value] : s.ais) {
        if (ai.size() < 2 || ai.size() > 4 || value.empty()) Fail("malformed AI entry", input);
      }
      break;
    }
    case Scan::Kind::kOrder:
      if (s.order_ref.empty() || s.pickup_code.size() < 6 || s.pickup_code.size() > 8)
        Fail("bad order", input);
      break;
    case Scan::Kind::kBag:
      if (s.order_ref.empty() || s.bag_n < 1 || s.bag_n > s.bag_m || s.bag_m > 99) Fail("bad bag", input);
      break;
    case Scan::Kind::kLocation:
      if (s.location.empty()) Fail("bad location", input);
      break;
    case Scan::Kind::kPackage:
      if (s.package_id.empty()) Fail("bad package", input);
      break;
    case Scan::Kind::kTracking:
      if (s.tracking.size() != 18 || s.carrier.empty()) Fail("bad tracking", input);
      break;
    case Scan::Kind::kText:
      if (!s.gtin.empty() || !s.ais.empty()) Fail("text with GTIN or AIs", input);
      break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);

  // The AIM id inside the text (keyboard wedge) and given apart (HID POS),
  // for every symbology the parser treats differently.
  CheckScan(edge::core::ParseScan(in), in);
  static constexpr std::string_view kAims[] = {"]E0", "]E4", "]E3", "]C1", "]d2", "]Q3",
                                               "]e0", "]C0", "]A0", "]Q1", "]I1", "]X9"};
  for (std::string_view aim : kAims) CheckScan(edge::core::ParseScan(in, aim), in);
  // An AIM id that may be malformed must be refused, not trusted.
  if (size >= 3) CheckScan(edge::core::ParseScan(in.substr(3), in.substr(0, 3)), in);

  const Result<std::string> gtin = edge::core::NormalizeGtin(in);
  if (gtin.ok()) {
    if (!IsGtin14(*gtin)) Fail("NormalizeGtin returned an invalid GTIN-14", in);
    const Result<std::string> again = edge::core::NormalizeGtin(*gtin);
    if (!again.ok() || *again != *gtin) Fail("NormalizeGtin is not idempotent", in);
  }
  const std::string upca = edge::core::ExpandUpcE(in);
  if (!upca.empty() && (upca.size() != 12 || upca.find_first_not_of("0123456789") != std::string::npos)) {
    Fail("ExpandUpcE returned something other than 12 digits", in);
  }
  (void)edge::core::ValidGtinCheckDigit(in);
  return 0;
}
