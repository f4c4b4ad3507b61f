#include "edge/sync/backoff.h"

#include <algorithm>
#include <memory>
#include <random>

namespace edge::sync {

Backoff::Backoff(Millis min, Millis max, std::function<double()> jitter)
    : min_(std::max(min, Millis(1))), max_(std::max(max, min_)), jitter_(std::move(jitter)) {}

Backoff::Millis Backoff::Next() {
  // The ceiling doubles per attempt; stop doubling once it reaches the cap so
  // that a long outage cannot overflow the arithmetic.
  Millis ceiling = min_;
  for (int i = 0; i < attempts_ && ceiling < max_; ++i) ceiling *= 2;
  ceiling = std::min(ceiling, max_);
  ++attempts_;
  double j = jitter_ ? jitter_() : 1.0;
  j = std::clamp(j, 0.0, 1.0);
  const auto half = ceiling.count() / 2;
  const Millis wait(half + static_cast<Millis::rep>(j * static_cast<double>(ceiling.count() - half)));
  return std::clamp(wait, min_, max_);
}

std::function<double()> RandomJitter() {
  auto engine = std::make_shared<std::mt19937_64>(std::random_device{}());
  return [engine] { return std::uniform_real_distribution<double>(0.0, 1.0)(*engine); };
}

}  // namespace edge::sync
