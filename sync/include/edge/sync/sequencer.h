// Sequencer: the in-order rule of PROTOCOL.md for the inbound streams, as a
// pure decision object — no I/O, time passed in.
//
// For each stream it knows the next seq to apply and which later seqs are
// held. A seq below next is a duplicate, next is applied now, anything above
// is held until the gap before it fills. A gap still open gap_timeout after
// it was seen asks for a replay (sync.replay_requested {stream, from_seq:
// next}); while it stays open the request is repeated at doubling intervals,
// up to max_replay_interval. Any progress of the stream (next moves) restarts
// the wait, so a replay that is arriving is not asked for again.
//
// The durable truth (next seq, held messages) is in the Inbox; the owner
// rebuilds a Sequencer from it with Reset() after a restart. Owned by the
// io_context thread; not thread-safe.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "edge/core/clock.h"

namespace edge::sync {

class Sequencer {
 public:
  enum class Verdict {
    kBehind,  // seq < next: a duplicate, no effect
    kNext,    // seq == next: apply now
    kAhead,   // seq > next: hold until the gap fills (or a duplicate when already held)
  };

  struct ReplayRequest {
    std::string stream;
    int64_t from_seq = 0;
    bool operator==(const ReplayRequest&) const = default;
  };

  Sequencer(core::Duration gap_timeout, core::Duration max_replay_interval);

  // Sets a stream's state from durable storage. Held seqs below `next` are
  // ignored. A gap found open starts its wait at `now`.
  void Reset(const std::string& stream, int64_t next, const std::vector<int64_t>& held, core::TimePoint now);

  Verdict Classify(const std::string& stream, int64_t seq) const;
  bool IsHeld(const std::string& stream, int64_t seq) const;

  // Records that (stream, seq) is held. Also used for seq == next when
  // applying it failed for a transient reason and it waits for a retry.
  void Hold(const std::string& stream, int64_t seq, core::TimePoint now);

  // Forgets a held seq (its copy was lost); the slot becomes a gap.
  void Drop(const std::string& stream, int64_t seq, core::TimePoint now);

  // Records that seq == next was applied or rejected: next becomes seq + 1.
  // Returns false (and changes nothing) when seq is not next.
  bool Consume(const std::string& stream, int64_t seq, core::TimePoint now);

  // The held seq that may be applied now (== next), if any.
  std::optional<int64_t> Ready(const std::string& stream) const;

  // The replay requests due at `now`, each once; their next repetition is
  // scheduled.
  std::vector<ReplayRequest> DueReplays(core::TimePoint now);

  // When DueReplays() next has something to say, if ever.
  std::optional<core::TimePoint> NextDeadline() const;

  // Changes gap_timeout for gaps seen from now on (a config reload).
  void set_gap_timeout(core::Duration gap_timeout) {
    gap_timeout_ = gap_timeout;
    max_interval_ = std::max(max_interval_, gap_timeout);
  }

  int64_t next(const std::string& stream) const;
  size_t held_count(const std::string& stream) const;
  // True when `stream` has held messages and next is not among them.
  bool HasGap(const std::string& stream) const;

 private:
  struct Stream {
    int64_t next = 1;
    std::set<int64_t> held;
    // Set while a gap is open: when to (re)request a replay, how many
    // requests were made for this value of `next`.
    std::optional<core::TimePoint> deadline;
    int requests = 0;
  };
  Stream& At(const std::string& stream);
  void UpdateGap(Stream& s, core::TimePoint now, bool progressed);

  core::Duration gap_timeout_;
  core::Duration max_interval_;
  std::map<std::string, Stream> streams_;
};

}  // namespace edge::sync
