#include "edge/app/notify.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <cstdlib>
#include <cstring>

#include "edge/testing/temp_dir.h"

namespace edge::app {
namespace {

TEST(Notifier, SendsDatagramsToNotifySocket) {
  testing::TempDir dir;
  const std::string path = dir.File("notify.sock");
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strcpy(addr.sun_path, path.c_str());
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ::setenv("NOTIFY_SOCKET", path.c_str(), 1);
  ::setenv("WATCHDOG_USEC", "3000000", 1);
  ::unsetenv("WATCHDOG_PID");
  Notifier n = Notifier::FromEnvironment();
  ::unsetenv("NOTIFY_SOCKET");
  ::unsetenv("WATCHDOG_USEC");
  ASSERT_TRUE(n.enabled());
  ASSERT_TRUE(n.watchdog_interval().has_value());
  EXPECT_EQ(n.watchdog_interval()->count(), 3000000);
  ASSERT_TRUE(n.Notify("READY=1"));
  char buf[64] = {};
  const ssize_t got = ::recv(fd, buf, sizeof buf, 0);  // the datagram is queued already
  EXPECT_EQ(std::string(buf, got > 0 ? static_cast<size_t>(got) : 0), "READY=1");
  ::close(fd);
}

TEST(Notifier, WatchdogForAnotherPidIsIgnored) {
  ::setenv("WATCHDOG_USEC", "3000000", 1);
  ::setenv("WATCHDOG_PID", "1", 1);
  Notifier n = Notifier::FromEnvironment();
  ::unsetenv("WATCHDOG_USEC");
  ::unsetenv("WATCHDOG_PID");
  EXPECT_FALSE(n.watchdog_interval().has_value());
  EXPECT_FALSE(n.enabled());
  EXPECT_TRUE(n.Notify("READY=1"));  // no socket: a no-op
}

}  // namespace
}  // namespace edge::app
