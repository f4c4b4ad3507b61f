#include "edge/sync/sequencer.h"

#include <algorithm>

namespace edge::sync {

Sequencer::Sequencer(core::Duration gap_timeout, core::Duration max_replay_interval)
    : gap_timeout_(gap_timeout), max_interval_(std::max(max_replay_interval, gap_timeout)) {}

Sequencer::Stream& Sequencer::At(const std::string& stream) { return streams_[stream]; }

void Sequencer::Reset(const std::string& stream, int64_t next, const std::vector<int64_t>& held,
                      core::TimePoint now) {
  Stream s;
  s.next = std::max<int64_t>(next, 1);
  for (int64_t seq : held) {
    if (seq >= s.next) s.held.insert(seq);
  }
  UpdateGap(s, now, true);
  streams_[stream] = std::move(s);
}

Sequencer::Verdict Sequencer::Classify(const std::string& stream, int64_t seq) const {
  const int64_t n = next(stream);
  if (seq < n) return Verdict::kBehind;
  if (seq == n) return Verdict::kNext;
  return Verdict::kAhead;
}

bool Sequencer::IsHeld(const std::string& stream, int64_t seq) const {
  auto it = streams_.find(stream);
  return it != streams_.end() && it->second.held.count(seq) > 0;
}

void Sequencer::Hold(const std::string& stream, int64_t seq, core::TimePoint now) {
  Stream& s = At(stream);
  if (seq < s.next) return;
  s.held.insert(seq);
  UpdateGap(s, now, false);
}

void Sequencer::Drop(const std::string& stream, int64_t seq, core::TimePoint now) {
  Stream& s = At(stream);
  s.held.erase(seq);
  UpdateGap(s, now, false);
}

bool Sequencer::Consume(const std::string& stream, int64_t seq, core::TimePoint now) {
  Stream& s = At(stream);
  if (seq != s.next) return false;
  s.held.erase(seq);
  s.next = seq + 1;
  UpdateGap(s, now, true);
  return true;
}

std::optional<int64_t> Sequencer::Ready(const std::string& stream) const {
  auto it = streams_.find(stream);
  if (it == streams_.end()) return std::nullopt;
  if (it->second.held.count(it->second.next)) return it->second.next;
  return std::nullopt;
}

void Sequencer::UpdateGap(Stream& s, core::TimePoint now, bool progressed) {
  const bool gap = !s.held.empty() && !s.held.count(s.next);
  if (!gap) {
    s.deadline.reset();
    s.requests = 0;
    return;
  }
  // A new gap, or the stream moved on (a replay is arriving): wait a full
  // gap_timeout from now before asking (again).
  if (!s.deadline || progressed) {
    s.deadline = now + gap_timeout_;
    s.requests = 0;
  }
}

std::vector<Sequencer::ReplayRequest> Sequencer::DueReplays(core::TimePoint now) {
  std::vector<ReplayRequest> out;
  for (auto& [name, s] : streams_) {
    if (!s.deadline || *s.deadline > now) continue;
    out.push_back({name, s.next});
    ++s.requests;
    // Doubling interval between repeated requests for the same gap, capped.
    core::Duration wait = gap_timeout_;
    for (int i = 0; i < s.requests && wait < max_interval_; ++i) wait *= 2;
    s.deadline = now + std::min(wait, max_interval_);
  }
  return out;
}

std::optional<core::TimePoint> Sequencer::NextDeadline() const {
  std::optional<core::TimePoint> best;
  for (const auto& [name, s] : streams_) {
    if (s.deadline && (!best || *s.deadline < *best)) best = s.deadline;
  }
  return best;
}

int64_t Sequencer::next(const std::string& stream) const {
  auto it = streams_.find(stream);
  return it == streams_.end() ? 1 : it->second.next;
}

size_t Sequencer::held_count(const std::string& stream) const {
  auto it = streams_.find(stream);
  return it == streams_.end() ? 0 : it->second.held.size();
}

bool Sequencer::HasGap(const std::string& stream) const {
  auto it = streams_.find(stream);
  return it != streams_.end() && !it->second.held.empty() && !it->second.held.count(it->second.next);
}

}  // namespace edge::sync
