#include "edge/app/sync_bridge.h"

#include "edge/app/event_log.h"
#include "edge/core/ids.h"
#include "edge/log/log.h"

namespace edge::app {

using core::Result;
using core::Status;
using json = nlohmann::json;

namespace {

std::vector<sync::OutboundEvent> ToOutbound(std::vector<store::OutboxEvent> events) {
  std::vector<sync::OutboundEvent> out;
  out.reserve(events.size());
  for (auto& e : events) {
    sync::OutboundEvent o;
    o.seq = e.seq;
    o.id = std::move(e.id);
    o.type = std::move(e.type);
    o.data_json = std::move(e.payload);
    o.created_ms = e.created_ms;
    o.published = e.published_ms.has_value();
    out.push_back(std::move(o));
  }
  return out;
}

bool Retryable(const Status& s) {
  return s.code() == core::StatusCode::kUnavailable || s.code() == core::StatusCode::kIoError ||
         s.code() == core::StatusCode::kCorruption;
}

}  // namespace

SyncBridge::SyncBridge(store::Store& store) : store_(store), random_(SeededFromOs()) {}

void SyncBridge::Register(const std::string& type, InboundHandler handler) {
  handlers_[type] = std::move(handler);
}

std::string SyncBridge::NewEventId() { return core::FormatUuidV4(random_(), random_()); }

// ---- Outbox ----

Result<std::vector<sync::OutboundEvent>> SyncBridge::Pending(int64_t after_seq, int limit) {
  auto events = store_.UnpublishedEvents(after_seq, limit);
  if (!events.ok()) return events.status();
  return ToOutbound(std::move(events).value());
}

Result<std::vector<sync::OutboundEvent>> SyncBridge::EventsFrom(int64_t from_seq, int limit) {
  auto events = store_.EventsFrom(from_seq, limit);
  if (!events.ok()) return events.status();
  return ToOutbound(std::move(events).value());
}

Status SyncBridge::MarkPublished(int64_t seq) { return store_.MarkPublished(seq); }

Status SyncBridge::MarkPublishedMany(const std::vector<int64_t>& seqs) {
  if (seqs.empty()) return Status::Ok();
  // A mark of what the broker acknowledged waits for no disk sync of its
  // own: lost in a power cut, it only sends those events again after the
  // restart, with their ids, which the OMS takes as duplicates (the contract
  // is at-least-once). Inside a caller's transaction (an inbound batch) it is
  // part of that commit.
  auto txn = store::Transaction::Begin(store_.db(), store::Transaction::Durability::kUnsynced);
  if (!txn.ok()) return txn.status();
  for (int64_t seq : seqs) EDGE_RETURN_IF_ERROR(store_.MarkPublished(seq));
  return (*txn)->Commit();
}

Result<int64_t> SyncBridge::Append(const std::string& type, const std::string& data_json) {
  auto txn = store::Transaction::Begin(store_.db());
  if (!txn.ok()) return txn.status();
  auto seq = store_.AppendEvent(**txn, NewEventId(), type, data_json);
  if (!seq.ok()) return seq.status();
  EDGE_RETURN_IF_ERROR((*txn)->Commit());
  return *seq;
}

Result<int64_t> SyncBridge::Depth() { return store_.OutboxDepth(); }

// ---- Inbox ----

Result<int64_t> SyncBridge::NextSeq(const std::string& stream) { return store_.NextSeq(stream); }

Status SyncBridge::Hold(const std::string& stream, int64_t seq, const std::string& id,
                        const std::string& payload) {
  return store_.HoldInbound(stream, seq, id, payload);
}

Result<std::vector<std::pair<std::string, int64_t>>> SyncBridge::HeldSeqs() { return store_.HeldSeqs(); }

Result<std::optional<std::string>> SyncBridge::HeldPayload(const std::string& stream, int64_t seq) {
  return store_.HeldPayload(stream, seq);
}

Result<sync::ApplyOutcome> SyncBridge::Apply(const sync::InboundMessage& m, bool record_only) {
  const std::string what = m.type + " " + m.stream + "#" + std::to_string(m.seq);
  auto txn = store::Transaction::Begin(store_.db());
  if (!txn.ok()) return txn.status().WithContext("apply " + what);
  auto seen = store_.InboxContains(m.id);
  if (!seen.ok()) return seen.status().WithContext("apply " + what);
  if (*seen) {
    // Applied before under this id: no second effect; its slot is consumed.
    EDGE_RETURN_IF_ERROR(store_.AdvanceStream(**txn, m.stream, m.seq));
    EDGE_RETURN_IF_ERROR(store_.DropHeld(**txn, m.stream, m.seq));
    EDGE_RETURN_IF_ERROR((*txn)->Commit());
    return sync::ApplyOutcome{sync::ApplyResult::kDuplicate, ""};
  }
  std::vector<std::function<void()>> after_commit;
  if (!record_only) {
    auto it = handlers_.find(m.type);
    if (it == handlers_.end()) {
      return sync::ApplyOutcome{sync::ApplyResult::kInvalid, "unsupported type (no handler)"};
    }
    json parsed;
    const json* data = m.data.get();
    if (!data) {
      parsed = json::parse(m.data_json, nullptr, false);
      data = &parsed;
    }
    InboundContext ctx{store_, **txn, m, *data};
    Status s;
    try {
      s = it->second(ctx);
    } catch (const std::exception& e) {
      log::Error("sync.handler_exception").Kv("message", what).Kv("error", e.what());
      s = Status::Internal(std::string("handler threw: ") + e.what());
    }
    if (!s.ok()) {
      // Returning rolls the transaction back: the handler's writes are gone.
      if (Retryable(s)) return s.WithContext("apply " + what);
      if (s.code() == core::StatusCode::kInvalidArgument) {
        return sync::ApplyOutcome{sync::ApplyResult::kInvalid, "invalid data: " + s.message()};
      }
      return sync::ApplyOutcome{sync::ApplyResult::kInvalid, "refused: " + s.ToString()};
    }
    after_commit = std::move(ctx.after_commit);
  }
  EDGE_RETURN_IF_ERROR(store_.RecordInbound(**txn, m.id, m.stream, m.seq, m.type));
  EDGE_RETURN_IF_ERROR(store_.DropHeld(**txn, m.stream, m.seq));
  Status committed = (*txn)->Commit();
  if (!committed.ok()) return committed.WithContext("apply " + what);
  if (batch_) {
    for (auto& f : after_commit) batch_after_commit_.push_back(std::move(f));
    return sync::ApplyOutcome{sync::ApplyResult::kApplied, ""};
  }
  for (auto& f : after_commit) {
    try {
      f();
    } catch (const std::exception& e) {
      log::Error("sync.after_commit_exception").Kv("message", what).Kv("error", e.what());
    }
  }
  return sync::ApplyOutcome{sync::ApplyResult::kApplied, ""};
}

Status SyncBridge::BeginBatch() {
  if (batch_) return Status::Internal("a batch is already open");
  auto txn = store::Transaction::Begin(store_.db());
  if (!txn.ok()) return txn.status().WithContext("begin inbound batch");
  batch_ = std::move(txn).value();
  return Status::Ok();
}

Status SyncBridge::EndBatch() {
  if (!batch_) return Status::Internal("no batch is open");
  std::unique_ptr<store::Transaction> txn = std::move(batch_);
  std::vector<std::function<void()>> after = std::move(batch_after_commit_);
  batch_after_commit_.clear();
  Status committed = txn->Commit();
  if (!committed.ok()) return committed.WithContext("commit inbound batch");
  for (auto& f : after) {
    try {
      f();
    } catch (const std::exception& e) {
      log::Error("sync.after_commit_exception").Kv("error", e.what());
    }
  }
  return Status::Ok();
}

Status SyncBridge::Reject(const sync::Rejection& r, bool consume_seq, const std::string& event_data_json) {
  auto txn = store::Transaction::Begin(store_.db());
  if (!txn.ok()) return txn.status().WithContext("reject message");
  store::DeadLetter letter;
  letter.topic = r.topic;
  letter.message_id = r.id;
  letter.stream = r.stream;
  letter.seq = r.seq;
  letter.reason = r.reason;
  letter.payload = r.payload;
  EDGE_RETURN_IF_ERROR(store_.AddDeadLetter(letter));  // same connection: inside txn
  auto seq = store_.AppendEvent(**txn, NewEventId(), "message.rejected", event_data_json);
  if (!seq.ok()) return seq.status();
  if (consume_seq && r.stream && r.seq) {
    EDGE_RETURN_IF_ERROR(store_.AdvanceStream(**txn, *r.stream, *r.seq));
    EDGE_RETURN_IF_ERROR(store_.DropHeld(**txn, *r.stream, *r.seq));
  }
  return (*txn)->Commit().WithContext("reject message");
}

}  // namespace edge::app
