// Clock: the only way the core and the services learn the time.
//
// The core never reads the system clock; whoever builds a service passes a
// Clock. The daemon passes a system clock (edge/app), tests pass ManualClock
// and move time themselves, so nothing waits on real time in a test.
// A Clock is used from the io_context thread only, unless its type says so.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace edge::core {

using TimePoint = std::chrono::system_clock::time_point;
using Duration = std::chrono::system_clock::duration;

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time (UTC), used for event timestamps and deadlines such as
  // promised_by and hold_until.
  virtual TimePoint Now() const = 0;
};

// A clock that moves only when told to. Starts at `start`.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint start = TimePoint{}) : now_(start) {}
  TimePoint Now() const override { return now_; }
  void Advance(Duration d) { now_ += d; }
  void Set(TimePoint t) { now_ = t; }

 private:
  TimePoint now_;
};

// Milliseconds since the Unix epoch.
int64_t ToUnixMillis(TimePoint t);
TimePoint FromUnixMillis(int64_t ms);

// RFC 3339 UTC with milliseconds, e.g. "2026-11-27T10:15:03.120Z", as the
// wire contract writes `ts`.
std::string FormatRfc3339(TimePoint t);

// Parses RFC 3339 ("2026-11-27T10:15:03Z", fractional seconds and numeric
// offsets allowed). Returns false when `text` is not such a timestamp.
bool ParseRfc3339(const std::string& text, TimePoint* out);

}  // namespace edge::core
