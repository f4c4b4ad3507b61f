// InboundProcessor: what the node does with each message that arrives on its
// inbound topics — validation, de-duplication, per-stream in-order
// application with hold, gap detection and replay requests, dead letters
// and message.rejected — expressed on the Inbox and Outbox ports, with time
// from a core::Clock. No I/O of its own, so it is tested without a broker;
// SyncClient feeds it from MQTT and arms a timer for NextDeadline().
//
// What happens to a message (PROTOCOL.md, Envelope):
//  - no readable slot (bad JSON, no stream/seq, stream not the topic's):
//    rejected at once (dead letter + message.rejected), consumes no seq;
//  - seq below the stream's next: a duplicate, dropped;
//  - seq ahead of next: held durably (Inbox::Hold) until the gap fills;
//  - seq == next: validated fully, then applied (Inbox::Apply, one
//    transaction with its inbox record) or rejected consuming its seq; then
//    any held successors are taken in order.
// Control messages are sync's own: sync.replay re-sends the node's events
// (through the on_replay callback), sync.snapshot_follows is informational;
// both are recorded in the inbox like any other message.
//
// Owned by the io_context thread; not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "edge/core/clock.h"
#include "edge/sync/envelope.h"
#include "edge/sync/ports.h"
#include "edge/sync/sequencer.h"
#include "edge/sync/topics.h"

namespace edge::sync {

struct InboundOptions {
  std::string store_id;
  core::Duration gap_timeout = std::chrono::seconds(5);
  core::Duration max_replay_interval = std::chrono::minutes(5);
  // After a failure to apply (the database refused), the message is kept
  // and tried again this much later.
  core::Duration retry_interval = std::chrono::seconds(1);
};

struct InboundCounters {
  int64_t received = 0;
  int64_t applied = 0;
  int64_t duplicates = 0;
  int64_t rejected = 0;
  int64_t held = 0;  // messages that had to wait for a gap (counted once each)
  int64_t replay_requests = 0;
  int64_t apply_errors = 0;
};

class InboundProcessor {
 public:
  InboundProcessor(InboundOptions options, Inbox& inbox, Outbox& outbox, const core::Clock& clock);

  // Reads each stream's next seq and the held messages from the inbox, and
  // applies held messages whose turn has come (a restart mid-drain).
  core::Status Load();

  // One message as it arrived on `topic`.
  void OnMessage(const std::string& topic, const std::string& payload);

  // Runs what is due at clock.Now(): retries, and — when request_replays —
  // replay requests for gaps open too long. Without a connection there is no
  // point asking the OMS; due requests then wait for the next call with
  // request_replays (one request, not one per interval of the outage).
  void OnTimer(bool request_replays = true);

  // When OnTimer() next has work, if ever (replay requests counted only
  // when include_replays).
  std::optional<core::TimePoint> NextDeadline(bool include_replays = true) const;

  // Called after a sync.replay was recorded, with its from_seq.
  std::function<void(int64_t from_seq)> on_replay;

  void set_gap_timeout(core::Duration gap_timeout) { sequencer_.set_gap_timeout(gap_timeout); }

  const InboundCounters& counters() const { return counters_; }
  const Sequencer& sequencer() const { return sequencer_; }

 private:
  // Applies or rejects the message in its slot, which is next. Returns false
  // when it could not be settled now (kept held for a retry).
  bool Settle(const Decoded& d);
  // Settles held messages of `stream` while the next one is held.
  void Drain(const std::string& stream);
  void RejectNow(const Rejection& r, bool consume);
  void KeepForRetry(const std::string& stream, int64_t seq, const std::string& id,
                    const std::string& payload);
  std::string TopicOf(const std::string& stream) const;

  InboundOptions options_;
  Inbox& inbox_;
  Outbox& outbox_;
  const core::Clock& clock_;
  Topics topics_;
  Sequencer sequencer_;
  std::optional<core::TimePoint> retry_at_;
  InboundCounters counters_;
};

}  // namespace edge::sync
