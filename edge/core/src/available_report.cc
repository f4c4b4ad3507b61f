#include "edge/core/available_report.h"

namespace edge::core {

std::optional<TimePoint> AvailableCoalescer::NextDue() const {
  if (!pending_) return std::nullopt;
  if (!last_sent_) return TimePoint::min();
  return *last_sent_ + interval_;
}

bool AvailableCoalescer::Due(TimePoint now) const {
  if (!pending_) return false;
  if (!last_sent_ || now < *last_sent_) return true;
  return now - *last_sent_ >= interval_;
}

std::vector<AvailableItem> AvailableCoalescer::Select(const std::vector<AvailableCandidate>& candidates,
                                                      size_t max_items) {
  std::vector<AvailableItem> out;
  for (const AvailableCandidate& c : candidates) {
    if (out.size() >= max_items) break;
    if (c.last_reported && *c.last_reported == c.available) continue;
    out.push_back({c.sku, c.available});
  }
  return out;
}

}  // namespace edge::core
