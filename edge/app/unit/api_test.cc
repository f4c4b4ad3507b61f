#include "edge/app/api.h"

#include <gtest/gtest.h>

namespace edge::app {
namespace {

using json = nlohmann::json;

TEST(ApiFields, IntFieldNamesWhatIsWrong) {
  EXPECT_EQ(*IntField(json::parse(R"({"qty":3})"), "qty"), 3);
  EXPECT_EQ(*IntField(json::parse(R"({"qty":-3})"), "qty"), -3);
  EXPECT_EQ(IntField(json::parse(R"({})"), "qty").status().message(), "field 'qty' is missing");
  EXPECT_EQ(IntField(json::parse(R"({"qty":"3"})"), "qty").status().message(),
            "field 'qty' must be an integer");
  EXPECT_EQ(IntField(json::parse(R"({"qty":1.5})"), "qty").status().message(),
            "field 'qty' must be an integer");
  EXPECT_EQ(*IntField(json::parse(R"({"qty":9223372036854775807})"), "qty"), INT64_MAX);
  EXPECT_EQ(IntField(json::parse(R"({"qty":9223372036854775808})"), "qty").status().message(),
            "field 'qty' is too large");
}

}  // namespace
}  // namespace edge::app
