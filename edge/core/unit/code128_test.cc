#include "edge/core/code128.h"

#include <gtest/gtest.h>

#include <numeric>

namespace edge::core {
namespace {

TEST(Code128, EncodesTextInCodeSetB) {
  auto s = EncodeCode128("AB-1");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  // Start B, 'A' 33, 'B' 34, '-' 13, '1' 17, check (104 + 33 + 68 + 39 + 68) % 103 = 3.
  EXPECT_EQ(s->codes, (std::vector<int>{104, 33, 34, 13, 17, 3}));
  // Six characters of 11 modules and the 13-module stop.
  EXPECT_EQ(s->modules, 6 * 11 + 13);
  EXPECT_EQ(std::accumulate(s->widths.begin(), s->widths.end(), 0), s->modules);
  EXPECT_EQ(s->widths.size(), 6u * 6 + 7);
}

TEST(Code128, PacksDigitRunsInCodeSetC) {
  auto digits = EncodeCode128("123456");
  ASSERT_TRUE(digits.ok());
  EXPECT_EQ(digits->codes, (std::vector<int>{105, 12, 34, 56, (105 + 12 + 68 + 168) % 103}));

  // An odd run keeps its first digit in B, then switches to C for the pairs.
  auto mixed = EncodeCode128("ORD-10023");
  ASSERT_TRUE(mixed.ok());
  EXPECT_EQ(mixed->codes[0], 104);
  EXPECT_EQ(mixed->codes[5], '1' - 32);
  EXPECT_EQ(mixed->codes[6], 99);
  EXPECT_EQ(mixed->codes[7], 0);
  EXPECT_EQ(mixed->codes[8], 23);
  EXPECT_EQ(mixed->codes.size(), 10u);
}

TEST(Code128, Gs1PutsFnc1FirstAndForGs) {
  auto s = EncodeCode128("00106141410000000128", /*gs1=*/true);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->codes[0], 105);
  EXPECT_EQ(s->codes[1], 102);
  EXPECT_EQ(s->codes.size(), 2u + 10 + 1);
  EXPECT_EQ(s->modules, 13 * 11 + 13);

  auto gs = EncodeCode128(
      "10AB\x1d"
      "21XY",
      true);
  ASSERT_TRUE(gs.ok());
  EXPECT_NE(std::find(gs->codes.begin() + 2, gs->codes.end() - 1, 102), gs->codes.end() - 1);
}

TEST(Code128, RefusesWhatItCannotCarry) {
  EXPECT_EQ(EncodeCode128("").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(EncodeCode128("caf\xc3\xa9").status().message(),
            "code 128: character 195 at position 4 is not printable ASCII");
  EXPECT_EQ(EncodeCode128("a\x1d"
                          "b")
                .status()
                .message(),
            "code 128: character 29 at position 2 is not printable ASCII (GS is FNC1 only in GS1-128)");
  EXPECT_FALSE(EncodeCode128(std::string(81, 'A')).ok());
  EXPECT_TRUE(EncodeCode128(std::string(80, 'A')).ok());
}

TEST(Code128, EveryCharacterIsElevenModules) {
  std::string all;
  for (char c = 32; c < 127; ++c) all += c;
  for (std::size_t at = 0; at < all.size(); at += 40) {
    auto s = EncodeCode128(all.substr(at, 40));
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(s->modules, static_cast<int>(s->codes.size()) * 11 + 13);
  }
}

}  // namespace
}  // namespace edge::core
