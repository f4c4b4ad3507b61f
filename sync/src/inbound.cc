#include "edge/sync/inbound.h"

#include <vector>

#include "edge/log/log.h"
#include "edge/sync/envelope.h"

namespace edge::sync {

InboundProcessor::InboundProcessor(InboundOptions options, Inbox& inbox, Outbox& outbox,
                                   const core::Clock& clock)
    : options_(std::move(options)),
      inbox_(inbox),
      outbox_(outbox),
      clock_(clock),
      topics_(options_.store_id),
      sequencer_(options_.gap_timeout, options_.max_replay_interval) {}

std::string InboundProcessor::TopicOf(const std::string& stream) const {
  if (stream == "orders") return topics_.orders;
  if (stream == "inventory") return topics_.inventory;
  if (stream == "shipments") return topics_.shipments;
  return topics_.control;
}

core::Status InboundProcessor::Load() {
  auto held = inbox_.HeldSeqs();
  if (!held.ok()) return held.status().WithContext("sync: read held messages");
  std::map<std::string, std::vector<int64_t>> by_stream;
  for (const auto& [stream, seq] : *held) by_stream[stream].push_back(seq);
  const core::TimePoint now = clock_.Now();
  for (const std::string& stream : InboundStreams()) {
    auto next = inbox_.NextSeq(stream);
    if (!next.ok()) return next.status().WithContext("sync: read next seq of " + stream);
    sequencer_.Reset(stream, *next, by_stream[stream], now);
    if (!by_stream[stream].empty()) {
      log::Info("sync.held_loaded")
          .Kv("stream", stream)
          .Kv("next_seq", *next)
          .Kv("held", sequencer_.held_count(stream));
    }
  }
  // A restart in the middle of taking held messages: finish it now.
  for (const std::string& stream : InboundStreams()) Drain(stream);
  return core::Status::Ok();
}

void InboundProcessor::OnMessage(const std::string& topic, const std::string& payload) {
  ++counters_.received;
  const std::string stream = topics_.StreamOf(topic);
  if (stream.empty()) {
    log::Warn("sync.unexpected_topic").Kv("topic", topic).Kv("bytes", payload.size());
    return;
  }
  Decoded d = DecodeInbound(options_.store_id, topic, stream, payload);
  if (!d.has_slot) {
    RejectNow(d.rejection, false);
    return;
  }
  const core::TimePoint now = clock_.Now();
  switch (sequencer_.Classify(stream, d.seq)) {
    case Sequencer::Verdict::kBehind:
      ++counters_.duplicates;
      log::Debug("sync.duplicate")
          .Kv("stream", stream)
          .Kv("seq", d.seq)
          .Kv("next_seq", sequencer_.next(stream));
      return;
    case Sequencer::Verdict::kAhead: {
      if (sequencer_.IsHeld(stream, d.seq)) {
        ++counters_.duplicates;
        log::Debug("sync.duplicate").Kv("stream", stream).Kv("seq", d.seq).Kv("held", true);
        return;
      }
      core::Status s = inbox_.Hold(stream, d.seq, d.rejection.id.value_or(""), payload);
      if (!s.ok()) {
        // Not kept: the gap it leaves is found like any other and replayed.
        log::Error("sync.hold_failed").Kv("stream", stream).Kv("seq", d.seq).Kv("error", s.message());
        return;
      }
      sequencer_.Hold(stream, d.seq, now);
      ++counters_.held;
      log::Info("sync.held").Kv("stream", stream).Kv("seq", d.seq).Kv("next_seq", sequencer_.next(stream));
      return;
    }
    case Sequencer::Verdict::kNext:
      if (Settle(d)) Drain(stream);
      return;
  }
}

bool InboundProcessor::Settle(const Decoded& d) {
  const std::string& stream = d.stream;
  const int64_t seq = d.seq;
  std::optional<Rejection> rejection;
  if (!d.message) rejection = d.rejection;

  std::optional<int64_t> replay_from;
  if (d.message && d.message->type == "sync.replay") {
    auto from = ReplayFromSeq(d.message->data_json);
    if (from.ok()) {
      replay_from = *from;
    } else {
      rejection = d.rejection;
      rejection->reason = from.status().message();
    }
  }

  if (!rejection) {
    const InboundMessage& m = *d.message;
    // Control messages have no effect on the store: sync performs them.
    auto outcome = inbox_.Apply(m, stream == "control");
    if (!outcome.ok()) {
      ++counters_.apply_errors;
      log::Error("sync.apply_failed")
          .Kv("stream", stream)
          .Kv("seq", seq)
          .Kv("type", m.type)
          .Kv("error", outcome.status().message())
          .Kv("retry_in_ms",
              std::chrono::duration_cast<std::chrono::milliseconds>(options_.retry_interval).count());
      KeepForRetry(stream, seq, m.id, m.payload);
      return false;
    }
    switch (outcome->result) {
      case ApplyResult::kApplied:
        ++counters_.applied;
        sequencer_.Consume(stream, seq, clock_.Now());
        log::Debug("sync.applied").Kv("stream", stream).Kv("seq", seq).Kv("type", m.type).Kv("id", m.id);
        if (replay_from) {
          log::Info("sync.replay_received").Kv("from_seq", *replay_from).Kv("id", m.id);
          if (on_replay) on_replay(*replay_from);
        } else if (m.type == "sync.snapshot_follows") {
          log::Info("sync.snapshot_follows").Kv("data", m.data_json);
        }
        return true;
      case ApplyResult::kDuplicate:
        ++counters_.duplicates;
        sequencer_.Consume(stream, seq, clock_.Now());
        log::Info("sync.duplicate_id").Kv("stream", stream).Kv("seq", seq).Kv("id", m.id);
        return true;
      case ApplyResult::kInvalid:
        rejection = d.rejection;
        rejection->reason = outcome->reason;
        break;
    }
  }

  core::Status s = inbox_.Reject(*rejection, true, RejectedEventData(*rejection));
  if (!s.ok()) {
    ++counters_.apply_errors;
    log::Error("sync.reject_failed").Kv("stream", stream).Kv("seq", seq).Kv("error", s.message());
    KeepForRetry(stream, seq, rejection->id.value_or(""), rejection->payload);
    return false;
  }
  ++counters_.rejected;
  sequencer_.Consume(stream, seq, clock_.Now());
  log::Warn("sync.rejected")
      .Kv("stream", stream)
      .Kv("seq", seq)
      .Kv("id", rejection->id.value_or(""))
      .Kv("reason", rejection->reason);
  return true;
}

void InboundProcessor::Drain(const std::string& stream) {
  while (auto seq = sequencer_.Ready(stream)) {
    auto payload = inbox_.HeldPayload(stream, *seq);
    if (!payload.ok()) {
      log::Error("sync.held_read_failed")
          .Kv("stream", stream)
          .Kv("seq", *seq)
          .Kv("error", payload.status().message());
      retry_at_ = clock_.Now() + options_.retry_interval;
      return;
    }
    if (!*payload) {
      // The sequencer believed it held; the store disagrees. Forget it: the
      // slot is then a gap, found and replayed like any other.
      log::Error("sync.held_missing").Kv("stream", stream).Kv("seq", *seq);
      sequencer_.Drop(stream, *seq, clock_.Now());
      return;
    }
    Decoded d = DecodeInbound(options_.store_id, TopicOf(stream), stream, **payload);
    if (!d.has_slot || d.seq != *seq) {
      // Cannot happen for what OnMessage held; settle the slot as rejected
      // rather than stall the stream.
      d.message.reset();
      d.has_slot = true;
      d.stream = stream;
      d.seq = *seq;
      d.rejection.reason = "held message does not match its slot";
    }
    if (!Settle(d)) return;
  }
}

void InboundProcessor::RejectNow(const Rejection& r, bool consume) {
  core::Status s = inbox_.Reject(r, consume, RejectedEventData(r));
  ++counters_.rejected;
  log::Warn("sync.rejected")
      .Kv("topic", r.topic)
      .Kv("id", r.id.value_or(""))
      .Kv("reason", r.reason)
      .Kv("consumes_seq", consume);
  if (!s.ok()) log::Error("sync.reject_failed").Kv("topic", r.topic).Kv("error", s.message());
}

void InboundProcessor::KeepForRetry(const std::string& stream, int64_t seq, const std::string& id,
                                    const std::string& payload) {
  if (!sequencer_.IsHeld(stream, seq)) {
    core::Status s = inbox_.Hold(stream, seq, id, payload);
    if (!s.ok()) {
      // Not kept: it becomes a gap once later messages arrive, and is
      // replayed then.
      log::Error("sync.hold_failed").Kv("stream", stream).Kv("seq", seq).Kv("error", s.message());
      return;
    }
    sequencer_.Hold(stream, seq, clock_.Now());
  }
  retry_at_ = clock_.Now() + options_.retry_interval;
}

void InboundProcessor::OnTimer(bool request_replays) {
  const core::TimePoint now = clock_.Now();
  if (retry_at_ && *retry_at_ <= now) {
    retry_at_.reset();
    for (const std::string& stream : InboundStreams()) Drain(stream);
  }
  if (!request_replays) return;
  for (const Sequencer::ReplayRequest& r : sequencer_.DueReplays(now)) {
    auto seq = outbox_.Append("sync.replay_requested", ReplayRequestedData(r.stream, r.from_seq));
    if (!seq.ok()) {
      log::Error("sync.replay_request_failed").Kv("stream", r.stream).Kv("error", seq.status().message());
      continue;
    }
    ++counters_.replay_requests;
    log::Warn("sync.replay_requested")
        .Kv("stream", r.stream)
        .Kv("from_seq", r.from_seq)
        .Kv("held", sequencer_.held_count(r.stream))
        .Kv("event_seq", *seq);
  }
}

std::optional<core::TimePoint> InboundProcessor::NextDeadline(bool include_replays) const {
  std::optional<core::TimePoint> d;
  if (include_replays) d = sequencer_.NextDeadline();
  if (retry_at_ && (!d || *retry_at_ < *d)) d = retry_at_;
  return d;
}

}  // namespace edge::sync
