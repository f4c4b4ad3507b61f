#include "edge/core/status.h"

#include <gtest/gtest.h>

namespace edge::core {
namespace {

Result<int> Half(int x) {
  if (x % 2) return Status::InvalidArgument(std::to_string(x) + " is odd");
  return x / 2;
}

Status Chain(int x) {
  EDGE_RETURN_IF_ERROR(Half(x));
  return Status::Ok();
}

TEST(Status, OkAndError) {
  EXPECT_TRUE(Status::Ok().ok());
  EXPECT_EQ(Status::Ok().ToString(), "ok");
  const Status s = Status::IoError("open /x: permission denied");
  EXPECT_FALSE(s.ok());
  EXPECT_FALSE(s.transient());
  EXPECT_EQ(s.ToString(), "io_error: open /x: permission denied");
  EXPECT_EQ(s.WithContext("store").message(), "store: open /x: permission denied");
  EXPECT_TRUE(Status::Unavailable("broker away").transient());
}

TEST(Result, ValueOrStatus) {
  auto a = Half(4);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a, 2);
  auto b = Half(3);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().message(), "3 is odd");
  EXPECT_TRUE(Chain(8).ok());
  EXPECT_EQ(Chain(7).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace edge::core
