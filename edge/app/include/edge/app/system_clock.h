// SystemClock: the real wall clock, for the daemon. Tests use ManualClock.
#pragma once

#include "edge/core/clock.h"

namespace edge::app {

class SystemClock final : public core::Clock {
 public:
  core::TimePoint Now() const override { return std::chrono::system_clock::now(); }
};

}  // namespace edge::app
