#include "edge/app/notify.h"

#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace edge::app {

Notifier Notifier::FromEnvironment() {
  Notifier n;
  if (const char* s = std::getenv("NOTIFY_SOCKET"); s && *s) n.socket_path_ = s;
  const char* usec = std::getenv("WATCHDOG_USEC");
  const char* pid = std::getenv("WATCHDOG_PID");
  // WATCHDOG_PID names the process meant to ping; a child of ours must not.
  const bool for_us = !pid || !*pid || std::strtol(pid, nullptr, 10) == ::getpid();
  if (usec && *usec && for_us) {
    const long long v = std::strtoll(usec, nullptr, 10);
    if (v > 0) n.watchdog_ = std::chrono::microseconds(v);
  }
  return n;
}

bool Notifier::Notify(const std::string& state) const { return Send(state, true); }

bool Notifier::TryNotify(const std::string& state) const { return Send(state, false); }

bool Notifier::Send(const std::string& state, bool wait) const {
  if (socket_path_.empty()) return true;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (socket_path_.size() >= sizeof(addr.sun_path)) return false;
  std::memcpy(addr.sun_path, socket_path_.data(), socket_path_.size());
  socklen_t len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + socket_path_.size());
  if (addr.sun_path[0] == '@') {
    addr.sun_path[0] = '\0';  // abstract namespace
  } else {
    ++len;  // include the terminating NUL of a path
  }
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  if (send_timeout_.count() <= 0) wait = false;  // SO_SNDTIMEO 0 would wait for ever
  if (wait) {
    // A datagram to a full queue waits for room; SO_SNDTIMEO bounds that.
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(send_timeout_).count();
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(us / 1'000'000);
    tv.tv_usec = static_cast<suseconds_t>(us % 1'000'000);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  }
  const ssize_t n = ::sendto(fd, state.data(), state.size(), MSG_NOSIGNAL | (wait ? 0 : MSG_DONTWAIT),
                             reinterpret_cast<const sockaddr*>(&addr), len);
  ::close(fd);
  return n == static_cast<ssize_t>(state.size());
}

WatchdogPacer::WatchdogPacer(const Notifier& notifier, Now now) : notifier_(notifier), now_(std::move(now)) {}

bool WatchdogPacer::Send() {
  // Paced from the attempt: a dropped ping is retried half an interval
  // later, not at every step of a long statement.
  last_ = now_();
  if (notifier_.TryNotify("WATCHDOG=1")) return true;
  ++dropped_pings_;
  return false;
}

void WatchdogPacer::Ping() {
  if (Send()) ++pings_;
}

bool WatchdogPacer::PingIfDue() {
  const auto interval = notifier_.watchdog_interval();
  if (!interval) return false;
  if (last_ && now_() - *last_ < *interval / 2) return false;
  if (Send()) ++due_pings_;
  return true;
}

}  // namespace edge::app
