#include "edge/drivers/versions.h"

#include <gtest/gtest.h>

namespace edge::drivers {
namespace {

TEST(Versions, NameTheLibraries) {
  EXPECT_EQ(UsbLibraryVersion().rfind("libusb 1.", 0), 0u) << UsbLibraryVersion();
  EXPECT_EQ(CupsLibraryVersion().rfind("CUPS 2.", 0), 0u) << CupsLibraryVersion();
}

}  // namespace
}  // namespace edge::drivers
