// Eventually: re-checks a condition that other processes change (a file they
// write, a database they commit to, an API they serve) until it holds or a
// deadline passes. A bounded poll for state with no notification to wait on;
// the caller asserts the result. Header-only.
#pragma once

#include <chrono>
#include <functional>
#include <thread>

namespace edge::testing {

inline bool Eventually(const std::function<bool()>& pred, std::chrono::milliseconds timeout,
                       std::chrono::milliseconds every = std::chrono::milliseconds(50)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(every);
  }
  return true;
}

}  // namespace edge::testing
