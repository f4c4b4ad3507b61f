#include "edge/core/ids.h"

#include <gtest/gtest.h>

namespace edge::core {
namespace {

TEST(StoreId, AcceptsContractAlphabet) {
  EXPECT_TRUE(ValidateStoreId("S042").ok());
  EXPECT_TRUE(ValidateStoreId("DEMO_store-1").ok());
  EXPECT_TRUE(ValidateStoreId(std::string(32, 'a')).ok());
}

TEST(StoreId, RefusesWithReason) {
  EXPECT_EQ(ValidateStoreId("").message(), "store id is empty (expected [A-Za-z0-9_-]{1,32})");
  EXPECT_EQ(ValidateStoreId(std::string(33, 'a')).message(),
            "store id '" + std::string(33, 'a') + "' is 33 characters long (at most 32)");
  EXPECT_EQ(ValidateStoreId("S/42").message(),
            "store id 'S/42' may contain only letters, digits, '_' and '-'");
  EXPECT_FALSE(ValidateStoreId("S 42").ok());
  EXPECT_FALSE(ValidateStoreId("+").ok());
}

TEST(Uuid, FormatsVersion4) {
  const std::string u = FormatUuidV4(0x0123456789abcdefULL, 0xfedcba9876543210ULL);
  EXPECT_EQ(u, "01234567-89ab-4def-bedc-ba9876543210");
  EXPECT_EQ(u.size(), 36u);
}

}  // namespace
}  // namespace edge::core
