// AvailableCoalescer: when the node may publish `inventory.available` and what
// it carries (PROTOCOL.md, outbound events): at most one message per
// `[sync] available_interval_s`, carrying the latest value of each SKU whose
// availability changed since it was last reported, so the OMS never promises
// what the store does not have and never hides what it has.
//
// Rate limiting is leading-edge: after a quiet period the first change is
// reported at once; changes within the interval after a message wait until
// the interval has passed, and then go out together in one message.
//
// The set of changed SKUs lives with the stock (edge/store persists it in the
// same transaction as the change, so a restart loses none); this class keeps
// only whether something is pending and when the last message went out, and
// chooses what a message carries from candidates the caller reads. Time
// comes from the caller's Clock. Owned by the inventory service; io_context
// thread only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "edge/core/clock.h"

namespace edge::core {

// A SKU whose availability may have changed: its value now and the value the
// OMS last heard (none when never reported).
struct AvailableCandidate {
  std::string sku;
  int64_t available = 0;
  std::optional<int64_t> last_reported;
};

// One entry of inventory.available's `items`.
struct AvailableItem {
  std::string sku;
  int64_t available = 0;
  bool operator==(const AvailableItem&) const = default;
};

class AvailableCoalescer {
 public:
  // `interval` > 0: the minimum time between two messages.
  explicit AvailableCoalescer(Duration interval) : interval_(interval) {}

  // Restores the state after a restart: whether changes are waiting, and when
  // the last message went out (none when never).
  void Restore(bool pending, std::optional<TimePoint> last_sent) {
    pending_ = pending;
    last_sent_ = last_sent;
  }

  // The availability of some SKU may have changed (the change is recorded
  // with the stock).
  void Changed() { pending_ = true; }
  bool pending() const { return pending_; }

  // When the next message may go out: nullopt when nothing is pending, else
  // last_sent + interval (or any time, when nothing was sent yet).
  std::optional<TimePoint> NextDue() const;

  // True when something is pending and the interval since the last message
  // has passed at `now`. A clock that stepped back before the last message
  // counts as due, so that a wrong clock cannot silence reports.
  bool Due(TimePoint now) const;

  // What a message carries: the candidates whose value differs from what the
  // OMS last heard, in the given order, at most `max_items` (so a payload stays
  // under the contract's 1 MiB). Pure.
  static std::vector<AvailableItem> Select(const std::vector<AvailableCandidate>& candidates,
                                           size_t max_items);

  // A message went out at `now`; `more_pending` when changed SKUs are left
  // for the next one (more than max_items changed).
  void Sent(TimePoint now, bool more_pending) {
    last_sent_ = now;
    pending_ = more_pending;
  }

  // The pending SKUs all turned out unchanged (e.g. 5 -> 3 -> 5 within one
  // interval): nothing was sent, and the interval is not used up.
  void NothingToSend() { pending_ = false; }

  std::optional<TimePoint> last_sent() const { return last_sent_; }
  Duration interval() const { return interval_; }
  // A new interval (> 0, a config reload), counted from the last message.
  void set_interval(Duration interval) { interval_ = interval; }

 private:
  Duration interval_;
  bool pending_ = false;
  std::optional<TimePoint> last_sent_;
};

}  // namespace edge::core
