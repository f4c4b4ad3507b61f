#include "edge/sync/topics.h"

#include <gtest/gtest.h>

namespace edge::sync {
namespace {

TEST(Topics, FollowTheContract) {
  Topics t("S042");
  EXPECT_EQ(t.orders, "oms/v1/stores/S042/orders");
  EXPECT_EQ(t.inventory, "oms/v1/stores/S042/inventory");
  EXPECT_EQ(t.shipments, "oms/v1/stores/S042/shipments");
  EXPECT_EQ(t.control, "oms/v1/stores/S042/control");
  EXPECT_EQ(t.events, "oms/v1/stores/S042/events");
  EXPECT_EQ(t.status, "oms/v1/stores/S042/status");
  EXPECT_EQ(t.StreamOf("oms/v1/stores/S042/inventory"), "inventory");
  EXPECT_EQ(t.StreamOf("oms/v1/stores/S043/orders"), "");
  EXPECT_EQ(t.StreamOf("oms/v1/stores/S042/events"), "");
}

}  // namespace
}  // namespace edge::sync
