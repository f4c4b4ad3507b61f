#include "edge/core/csv.h"

#include <gtest/gtest.h>

namespace edge::core {
namespace {

TEST(CsvField, QuotesOnlyWhatMustBeQuoted) {
  EXPECT_EQ(CsvField(""), "");
  EXPECT_EQ(CsvField("SHOE-TRL-42"), "SHOE-TRL-42");
  EXPECT_EQ(CsvField("Trail shoe, size 42"), "\"Trail shoe, size 42\"");
  EXPECT_EQ(CsvField("12\" ruler"), "\"12\"\" ruler\"");
  EXPECT_EQ(CsvField("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(CsvField("cr\r"), "\"cr\r\"");
}

}  // namespace
}  // namespace edge::core
