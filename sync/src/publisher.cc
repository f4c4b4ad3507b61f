#include "edge/sync/publisher.h"

#include <algorithm>

#include "edge/log/log.h"
#include "edge/sync/envelope.h"

namespace edge::sync {

namespace {
constexpr int64_t kSeqMask = (int64_t{1} << 47) - 1;
}  // namespace

Publisher::Publisher(Outbox& outbox, PublishTransport& transport, std::string store_id, int window)
    : outbox_(outbox),
      transport_(transport),
      store_id_(std::move(store_id)),
      topics_(store_id_),
      window_(static_cast<size_t>(std::max(window, 1))) {}

uint64_t Publisher::MakeTag(uint16_t generation, bool replay, int64_t seq) {
  return (uint64_t{generation} << 48) | (uint64_t{replay} << 47) | static_cast<uint64_t>(seq & kSeqMask);
}

Publisher::Tag Publisher::ParseTag(uint64_t tag) {
  return {static_cast<uint16_t>(tag >> 48), ((tag >> 47) & 1) != 0, static_cast<int64_t>(tag) & kSeqMask};
}

void Publisher::OnConnected() {
  connected_ = true;
  ++generation_;
  in_flight_.clear();
  sent_through_ = 0;  // Pending(0, …) starts at the first unacknowledged event
}

void Publisher::OnDisconnected() {
  FlushAcks();
  connected_ = false;
  // A replay cut short resumes at its first unacknowledged message.
  for (const auto& [seq, replay] : in_flight_) {
    if (replay) replay_next_ = std::min(replay_next_.value_or(seq), seq);
  }
  in_flight_.clear();
  sent_through_ = 0;
  ++generation_;  // acks of this connection that still arrive are recognised as old
}

bool Publisher::Send(const OutboundEvent& e, bool replay) {
  const uint64_t tag = MakeTag(generation_, replay, e.seq);
  core::Status s = transport_.Publish(topics_.events, EncodeEvent(store_id_, e), tag);
  if (!s.ok()) {
    last_error_ = s.message();
    log::Debug("sync.publish_refused").Kv("seq", e.seq).Kv("error", s.message());
    return false;
  }
  in_flight_.insert({e.seq, replay});
  return true;
}

void Publisher::Pump() {
  FlushAcks();
  if (!connected_ || pumping_) return;
  pumping_ = true;
  while (connected_ && in_flight_.size() < window_) {
    const int room = static_cast<int>(window_ - in_flight_.size());
    if (replay_next_) {
      auto events = outbox_.EventsFrom(*replay_next_, room);
      if (!events.ok()) {
        last_error_ = events.status().message();
        log::Error("sync.outbox_read_failed").Kv("error", last_error_);
        break;
      }
      if (events->empty()) {
        log::Info("sync.replay_done").Kv("through_seq", *replay_next_ - 1);
        replay_next_.reset();
        continue;
      }
      bool refused = false;
      for (const OutboundEvent& e : *events) {
        // Unacknowledged events the normal path has not sent yet are sent by
        // it, once; the replay re-sends what the OMS may have seen already.
        if (e.published || e.seq <= sent_through_) {
          if (!Send(e, true)) {
            refused = true;
            break;
          }
          ++replayed_total_;
        }
        replay_next_ = e.seq + 1;
      }
      if (refused) break;
      continue;
    }
    auto events = outbox_.Pending(sent_through_, room);
    if (!events.ok()) {
      last_error_ = events.status().message();
      log::Error("sync.outbox_read_failed").Kv("error", last_error_);
      break;
    }
    if (events->empty()) break;
    bool refused = false;
    for (const OutboundEvent& e : *events) {
      if (!Send(e, false)) {
        refused = true;
        break;
      }
      sent_through_ = e.seq;
    }
    if (refused) break;
  }
  pumping_ = false;
}

void Publisher::Replay(int64_t from_seq) {
  from_seq = std::max<int64_t>(from_seq, 1);
  auto first = outbox_.EventsFrom(from_seq, 1);
  if (first.ok() && !first->empty() && first->front().seq > from_seq) {
    // Pruned after event_retention_days: the OMS gets what is still kept.
    log::Warn("sync.replay_partial")
        .Kv("from_seq", from_seq)
        .Kv("oldest_kept", first->front().seq)
        .Kv("note", "older events were pruned after [sync] event_retention_days");
  }
  replay_next_ = std::min(replay_next_.value_or(from_seq), from_seq);
  log::Info("sync.replay_started").Kv("from_seq", from_seq);
}

void Publisher::OnAck(uint64_t tag) {
  const Tag t = ParseTag(tag);
  // The broker has the event, whichever connection sent it.
  acks_.push_back(t.seq);
  if (t.generation != generation_) return;
  if (in_flight_.erase({t.seq, t.replay}) > 0) {
    ++acked_total_;
    last_acked_seq_ = std::max(last_acked_seq_, t.seq);
  }
}

void Publisher::FlushAcks() {
  if (acks_.empty()) return;
  core::Status s = outbox_.MarkPublishedMany(acks_);
  if (!s.ok()) {
    // Left unmarked: after a reconnect or restart those events are sent
    // again (same ids), which the OMS treats as duplicates.
    last_error_ = s.message();
    log::Error("sync.mark_published_failed").Kv("events", acks_.size()).Kv("error", s.message());
  }
  acks_.clear();
}

void Publisher::OnFailed(uint64_t tag, const std::string& error) {
  const Tag t = ParseTag(tag);
  if (t.generation != generation_) return;
  if (in_flight_.erase({t.seq, t.replay}) == 0) return;
  last_error_ = "publish of event " + std::to_string(t.seq) + " failed: " + error;
  log::Warn("sync.publish_failed").Kv("seq", t.seq).Kv("error", error);
  // Send it (and, to keep the order, what follows) again on the next pump.
  if (t.replay) {
    replay_next_ = std::min(replay_next_.value_or(t.seq), t.seq);
  } else {
    sent_through_ = std::min(sent_through_, t.seq - 1);
  }
}

}  // namespace edge::sync
