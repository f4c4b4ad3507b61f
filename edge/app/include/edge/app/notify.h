// Notifier: the systemd notification protocol (sd_notify), spoken directly as
// datagrams to $NOTIFY_SOCKET so the daemon needs no libsystemd at run time.
// READY=1, STOPPING=1, WATCHDOG=1, STATUS=… . Without $NOTIFY_SOCKET every
// call is a no-op. Used from the io_context thread.
#pragma once

#include <chrono>
#include <functional>
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
  // When systemd's queue is full it waits for room, at most send_timeout()
  // (0: not at all): a manager that stopped reading never stops the daemon's
  // thread.
  bool Notify(const std::string& state) const;
  // The same without waiting: false at once when the queue is full. For
  // watchdog pings, which the next one replaces.
  bool TryNotify(const std::string& state) const;

  std::chrono::milliseconds send_timeout() const { return send_timeout_; }
  void set_send_timeout(std::chrono::milliseconds t) { send_timeout_ = t; }

  // The watchdog interval systemd expects pings within, when it wants them.
  std::optional<std::chrono::microseconds> watchdog_interval() const { return watchdog_; }

 private:
  bool Send(const std::string& state, bool wait) const;

  std::string socket_path_;
  std::optional<std::chrono::microseconds> watchdog_;
  std::chrono::milliseconds send_timeout_{1000};
};

// WatchdogPacer: WATCHDOG=1 at most once per half of systemd's interval,
// sent from wherever the daemon's thread is when one falls due: its timer
// while the loop runs, and the store's progress hook while one long
// statement (the apply of a large snapshot) holds the thread. A loop that is
// stuck outside SQLite, or in SQLite without making progress (waiting on a
// lock), still misses its pings, and systemd restarts it.
class WatchdogPacer {
 public:
  using Now = std::function<std::chrono::steady_clock::time_point()>;
  // `now` is the steady clock unless a test passes its own.
  explicit WatchdogPacer(const Notifier& notifier, Now now = &std::chrono::steady_clock::now);

  // Sends a ping now (the timer's).
  void Ping();
  // Sends a ping when half the interval has passed since the last one (or
  // none was sent yet); true when one was due (and sent, or dropped on a
  // full queue). Without a watchdog, never.
  bool PingIfDue();
  // Pings sent by Ping(), and by PingIfDue() (from inside a long statement).
  int64_t pings() const { return pings_; }
  int64_t due_pings() const { return due_pings_; }
  // Pings dropped because systemd's queue was full (a ping never waits for
  // room: the next one, half an interval later, takes its place).
  int64_t dropped_pings() const { return dropped_pings_; }

 private:
  bool Send();

  const Notifier& notifier_;
  Now now_;
  std::optional<std::chrono::steady_clock::time_point> last_;
  int64_t pings_ = 0;
  int64_t due_pings_ = 0;
  int64_t dropped_pings_ = 0;
};

}  // namespace edge::app
