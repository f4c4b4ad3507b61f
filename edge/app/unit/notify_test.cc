#include "edge/app/notify.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <cstdlib>
#include <cstring>

#include "edge/testing/process.h"
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

// A datagram socket standing in for systemd's, and a Notifier aimed at it
// with a watchdog of `usec`.
class Systemd {
 public:
  Systemd(const testing::TempDir& dir, const char* usec) : socket_(dir.File("notify.sock")) {
    ::setenv("NOTIFY_SOCKET", socket_.path().c_str(), 1);
    if (usec) {
      ::setenv("WATCHDOG_USEC", usec, 1);
    } else {
      ::unsetenv("WATCHDOG_USEC");
    }
    ::unsetenv("WATCHDOG_PID");
    notifier_ = Notifier::FromEnvironment();
    ::unsetenv("NOTIFY_SOCKET");
    ::unsetenv("WATCHDOG_USEC");
  }
  const Notifier& notifier() const { return notifier_; }
  // Datagrams queued so far, each "WATCHDOG=1" here.
  int Pings() {
    int n = 0;
    while (auto m = socket_.Receive(std::chrono::milliseconds(0))) {
      EXPECT_EQ(*m, "WATCHDOG=1");
      ++n;
    }
    return n;
  }

 private:
  testing::NotifySocket socket_;
  Notifier notifier_;
};

TEST(WatchdogPacer, PingsWhenHalfTheIntervalHasPassedAndNotBefore) {
  testing::TempDir dir;
  Systemd systemd(dir, "1000000");  // 1 s: a ping due every 500 ms
  auto now = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
  WatchdogPacer pacer(systemd.notifier(), [&] { return now; });

  EXPECT_TRUE(pacer.PingIfDue());  // none sent yet
  EXPECT_EQ(systemd.Pings(), 1);
  now += std::chrono::milliseconds(499);
  EXPECT_FALSE(pacer.PingIfDue());
  EXPECT_EQ(systemd.Pings(), 0);
  now += std::chrono::milliseconds(1);
  EXPECT_TRUE(pacer.PingIfDue());
  EXPECT_EQ(systemd.Pings(), 1);

  // The timer's ping counts as the last one too.
  now += std::chrono::milliseconds(300);
  pacer.Ping();
  now += std::chrono::milliseconds(300);
  EXPECT_FALSE(pacer.PingIfDue());
  now += std::chrono::milliseconds(200);
  EXPECT_TRUE(pacer.PingIfDue());
  EXPECT_EQ(systemd.Pings(), 2);
  EXPECT_EQ(pacer.pings(), 1);
  EXPECT_EQ(pacer.due_pings(), 3);

  // Called as often as a progress hook is (every few microseconds of a long
  // statement), it sends one ping per half interval: ten seconds, twenty.
  int received = 0;
  for (int i = 0; i < 1'000'000; ++i) {
    now += std::chrono::microseconds(10);
    if (pacer.PingIfDue()) received += systemd.Pings();  // read as systemd does, or sends block
  }
  EXPECT_EQ(pacer.due_pings(), 3 + 20);
  EXPECT_EQ(received, 20);
}

// systemd's queue full (a manager that stopped reading): a ping is dropped
// at once instead of stopping the daemon's thread until there is room, and
// is retried half an interval later.
TEST(WatchdogPacer, APingToAFullQueueIsDroppedAtOnce) {
  testing::TempDir dir;
  Systemd systemd(dir, "1000000");
  auto now = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
  WatchdogPacer pacer(systemd.notifier(), [&] { return now; });
  // Fill the queue (its length is net.unix.max_dgram_qlen, 10 to 512).
  for (int i = 0; i < 100'000 && pacer.dropped_pings() == 0; ++i) pacer.Ping();
  ASSERT_EQ(pacer.dropped_pings(), 1);
  const int64_t queued = pacer.pings();
  EXPECT_GE(queued, 1);

  // From inside a statement: due, dropped, and not tried again at once.
  now += std::chrono::milliseconds(500);
  EXPECT_TRUE(pacer.PingIfDue());
  EXPECT_EQ(pacer.dropped_pings(), 2);
  EXPECT_EQ(pacer.due_pings(), 0);
  EXPECT_FALSE(pacer.PingIfDue());

  // systemd reads again: everything queued was a ping, and pings go through.
  EXPECT_EQ(systemd.Pings(), queued);
  now += std::chrono::milliseconds(500);
  EXPECT_TRUE(pacer.PingIfDue());
  EXPECT_EQ(pacer.due_pings(), 1);
  EXPECT_EQ(pacer.dropped_pings(), 2);
  EXPECT_EQ(systemd.Pings(), 1);
}

// Other notifications wait for room, but only as long as the send timeout.
TEST(Notifier, ANotificationToAFullQueueWaitsNoLongerThanItsTimeout) {
  testing::TempDir dir;
  Systemd systemd(dir, "1000000");
  Notifier n = systemd.notifier();
  EXPECT_EQ(n.send_timeout(), std::chrono::milliseconds(1000));
  int queued = 0;
  while (queued < 100'000 && n.TryNotify("WATCHDOG=1")) ++queued;
  ASSERT_LT(queued, 100'000) << "the queue never filled";
  n.set_send_timeout(std::chrono::milliseconds(20));
  EXPECT_FALSE(n.Notify("STOPPING=1"));
  // A timeout of 0 does not wait at all (SO_SNDTIMEO 0 would wait for ever).
  n.set_send_timeout(std::chrono::milliseconds(0));
  EXPECT_FALSE(n.Notify("STOPPING=1"));
  EXPECT_EQ(systemd.Pings(), queued);
  EXPECT_TRUE(n.Notify("STOPPING=1"));
}

TEST(WatchdogPacer, WithoutAWatchdogNothingIsDue) {
  testing::TempDir dir;
  Systemd systemd(dir, nullptr);
  ASSERT_FALSE(systemd.notifier().watchdog_interval().has_value());
  WatchdogPacer pacer(systemd.notifier());
  EXPECT_FALSE(pacer.PingIfDue());
  EXPECT_EQ(systemd.Pings(), 0);
  EXPECT_EQ(pacer.due_pings(), 0);
}

}  // namespace
}  // namespace edge::app
