// Notifier: the systemd notification protocol (sd_notify), spoken directly as
// datagrams to $NOTIFY_SOCKET so the daemon needs no libsystemd at run time.
// READY=1, STOPPING=1, WATCHDOG=1, STATUS=… . Without $NOTIFY_SOCKET every
// call is a no-op. Used from the io_context thread.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace edge::app {

class Notifier {
 public:
  // Reads NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID from the environment.
  static Notifier FromEnvironment();

  bool enabled() const { return !socket_path_.empty(); }
  // Sends `state` ("READY=1", …). Returns false when it could not be sent;
  // the daemon logs that and carries on (systemd will say what it missed).
  bool Notify(const std::string& state) const;

  // The watchdog interval systemd expects pings within, when it wants them.
  std::optional<std::chrono::microseconds> watchdog_interval() const { return watchdog_; }

 private:
  std::string socket_path_;
  std::optional<std::chrono::microseconds> watchdog_;
};

}  // namespace edge::app
