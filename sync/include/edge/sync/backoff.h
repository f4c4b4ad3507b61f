// Backoff: the wait before each reconnect attempt — capped exponential with
// jitter, pure (the randomness is injected).
//
// Attempt n (0-based) waits a random time in [c/2, c] where
// c = min(max, min * 2^n), and never less than `min`: the first waits are
// short so a broker restart costs little, the cap bounds the delay after a
// long outage, and the jitter keeps a fleet of stores that lost the same
// broker from reconnecting in lockstep. Reset() after a successful connect.
// Not thread-safe; owned by the io_context thread.
#pragma once

#include <chrono>
#include <functional>

namespace edge::sync {

class Backoff {
 public:
  using Millis = std::chrono::milliseconds;
  // `jitter` returns a number in [0, 1); each call is one random draw.
  Backoff(Millis min, Millis max, std::function<double()> jitter);

  // The wait before the next attempt; counts the attempt.
  Millis Next();
  void Reset() { attempts_ = 0; }
  // Attempts counted since the last Reset().
  int attempts() const { return attempts_; }

 private:
  Millis min_;
  Millis max_;
  std::function<double()> jitter_;
  int attempts_ = 0;
};

// A jitter source for production: a PRNG seeded from std::random_device.
std::function<double()> RandomJitter();

}  // namespace edge::sync
