#include "edge/core/gtin.h"

#include <gtest/gtest.h>

namespace edge::core {
namespace {

TEST(Gtin, CheckDigitIsGs1Mod10) {
  EXPECT_EQ(GtinCheckDigit("01234567890"), 5);    // UPC-A 012345678905
  EXPECT_EQ(GtinCheckDigit("400638133393"), 1);   // EAN-13 4006381333931
  EXPECT_EQ(GtinCheckDigit("9638507"), 4);        // GTIN-8 96385074
  EXPECT_EQ(GtinCheckDigit("1001234567890"), 2);  // GTIN-14 10012345678902
  EXPECT_EQ(GtinCheckDigit("0000000000000"), 0);
}

TEST(Gtin, NormalisesEveryLengthTo14Digits) {
  EXPECT_EQ(*NormalizeGtin14("012345678905"), "00012345678905");
  EXPECT_EQ(*NormalizeGtin14("00012345678905"), "00012345678905");
  EXPECT_EQ(*NormalizeGtin14("0012345678905"), "00012345678905");
  EXPECT_EQ(*NormalizeGtin14("4006381333931"), "04006381333931");
  EXPECT_EQ(*NormalizeGtin14("96385074"), "00000096385074");
  EXPECT_EQ(*NormalizeGtin14("10012345678902"), "10012345678902");
}

TEST(Gtin, RejectsWithAClearError) {
  auto bad_check = NormalizeGtin14("012345678906");
  ASSERT_FALSE(bad_check.ok());
  EXPECT_EQ(bad_check.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad_check.status().message(), "gtin '012345678906': check digit is 6, expected 5");

  EXPECT_EQ(NormalizeGtin14("").status().message(), "gtin is empty");
  EXPECT_EQ(NormalizeGtin14("01234567890").status().message(),
            "gtin '01234567890': must be 8, 12, 13 or 14 digits, got 11");
  EXPECT_EQ(NormalizeGtin14("0123456789O5").status().message(),
            "gtin '0123456789O5': not a digit at position 11");
  EXPECT_EQ(NormalizeGtin14(" 012345678905").status().message(),
            "gtin ' 012345678905': not a digit at position 1");
  EXPECT_EQ(NormalizeGtin14("-12345678905").status().message(),
            "gtin '-12345678905': not a digit at position 1");
}

TEST(Gtin, HugeInputGivesAShortMessage) {
  const std::string huge(10 << 20, '7');
  auto r = NormalizeGtin14(huge);
  ASSERT_FALSE(r.ok());
  EXPECT_LT(r.status().message().size(), 120u);
  EXPECT_NE(r.status().message().find("(10485760 bytes)"), std::string::npos) << r.status().message();
}

TEST(Gtin, EveryValidCheckDigitRoundTrips) {
  // Exhaustive over one digit position: exactly one check digit is valid.
  for (int body = 0; body < 1000; ++body) {
    std::string b = std::to_string(1000000 + body);  // 7 digits
    int valid = 0;
    for (char c = '0'; c <= '9'; ++c) valid += NormalizeGtin14(b + c).ok();
    EXPECT_EQ(valid, 1) << b;
  }
}

}  // namespace
}  // namespace edge::core
