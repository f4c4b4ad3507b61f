// Ports: what the sync layer needs of the node's database, declared in std
// and core types only, so that sync never links the store (adapters never
// link each other). edge/app implements them on edge::store::Store
// (SyncBridge); the sync tests implement them in memory.
//
// Every call is made from the io_context thread that owns the SyncClient;
// implementations need no locking of their own.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "edge/core/status.h"

namespace edge::sync {

// One event of the node's `events` stream as the outbox holds it.
struct OutboundEvent {
  int64_t seq = 0;         // the envelope's seq on stream `events`
  std::string id;          // the envelope's id (UUID)
  std::string type;        // e.g. "order.accepted"
  std::string data_json;   // the envelope's `data` object, JSON text
  int64_t created_ms = 0;  // the envelope's `ts`, Unix milliseconds
  bool published = false;  // the broker has acknowledged it (PUBACK)
};

// The node's transactional outbox. Events are appended by the application in
// the transaction that makes the change they report; sync only reads them,
// marks them acknowledged, and appends its own protocol events.
class Outbox {
 public:
  virtual ~Outbox() = default;

  // Up to `limit` events not yet acknowledged whose seq is > after_seq, in
  // seq order. An error (the database failed) leaves the publisher idle until
  // its next attempt.
  virtual core::Result<std::vector<OutboundEvent>> Pending(int64_t after_seq, int limit) = 0;

  // Up to `limit` events with seq >= from_seq, acknowledged or not, in seq
  // order: the answer to sync.replay. Events pruned after the retention
  // period are simply absent.
  virtual core::Result<std::vector<OutboundEvent>> EventsFrom(int64_t from_seq, int limit) = 0;

  // Records the broker's PUBACK for `seq`. Idempotent: a second call, or a
  // call for a seq already pruned, changes nothing and returns OK.
  virtual core::Status MarkPublished(int64_t seq) = 0;
  // The same for several seqs at once; a store makes it one transaction (one
  // disk sync for a whole batch of PUBACKs). By default, one by one.
  virtual core::Status MarkPublishedMany(const std::vector<int64_t>& seqs) {
    for (int64_t seq : seqs) {
      core::Status s = MarkPublished(seq);
      if (!s.ok()) return s;
    }
    return core::Status::Ok();
  }

  // Appends one event of sync's own (sync.replay_requested) in a
  // transaction of its own. Returns its seq.
  virtual core::Result<int64_t> Append(const std::string& type, const std::string& data_json) = 0;

  // Number of events not yet acknowledged.
  virtual core::Result<int64_t> Depth() = 0;
};

// One inbound message whose envelope is valid (edge/sync/envelope.h).
struct InboundMessage {
  std::string topic;      // the MQTT topic it came on
  std::string stream;     // "orders", "inventory", "shipments" or "control"
  int64_t seq = 0;        // >= 1
  std::string id;         // unique per message
  std::string type;       // a type the contract defines for `stream`
  std::string ts;         // as sent (RFC 3339)
  std::string data_json;  // the `data` object, JSON text
  std::string payload;    // the whole message as received
  // The `data` object as DecodeInbound parsed it, so that the handler does
  // not parse data_json again; may be null (then data_json is parsed).
  std::shared_ptr<const nlohmann::json> data;
};

// An inbound message that is not applied, and why. The optional fields are
// those of its envelope that could be read; they are reported back to the
// OMS in message.rejected.
struct Rejection {
  std::string topic;
  std::string payload;  // raw, kept in the dead-letter table
  std::optional<std::string> id;
  std::optional<std::string> stream;
  std::optional<int64_t> seq;
  std::string reason;
};

enum class ApplyResult {
  kApplied,    // the effect and the inbox record are committed
  kDuplicate,  // its id was applied before: no second effect, its seq is consumed
  kInvalid,    // the application refused it (reason given); nothing was changed
};

struct ApplyOutcome {
  ApplyResult result = ApplyResult::kApplied;
  std::string reason;  // for kInvalid, e.g. "unsupported type (no handler)"
};

// Where inbound messages are recorded and applied. The node applies each
// inbound stream in seq order; which seq comes next is durable state.
class Inbox {
 public:
  virtual ~Inbox() = default;

  // The next seq expected on `stream` (1 for a stream never seen).
  virtual core::Result<int64_t> NextSeq(const std::string& stream) = 0;

  // Keeps a message that arrived ahead of a gap, durably, until its turn.
  // Holding (stream, seq) a second time keeps the first payload and returns OK.
  virtual core::Status Hold(const std::string& stream, int64_t seq, const std::string& id,
                            const std::string& payload) = 0;

  // Every held (stream, seq), for rebuilding the sequencer after a restart.
  virtual core::Result<std::vector<std::pair<std::string, int64_t>>> HeldSeqs() = 0;

  // The raw payload held at (stream, seq), or nullopt when none is held.
  virtual core::Result<std::optional<std::string>> HeldPayload(const std::string& stream, int64_t seq) = 0;

  // In ONE transaction: unless message.id was applied before (kDuplicate),
  // applies the message's effect (record_only: none — sync performs the
  // effect of control messages itself) and records message.id in the inbox;
  // in every committed case advances the stream past message.seq and drops
  // the held copy at (stream, seq). kInvalid commits nothing. An error Status
  // (database failure, a handler's non-InvalidArgument error) commits nothing
  // and the same message may be tried again.
  virtual core::Result<ApplyOutcome> Apply(const InboundMessage& message, bool record_only) = 0;

  // In ONE transaction: keeps rejection.payload in the dead-letter table,
  // appends the event `message.rejected` with `event_data_json` to the
  // outbox, and when consume_seq is true advances rejection.stream past
  // rejection.seq and drops the held copy at that slot.
  virtual core::Status Reject(const Rejection& rejection, bool consume_seq,
                              const std::string& event_data_json) = 0;

  // Group commit. Messages that arrived together are handled between
  // BeginBatch() and EndBatch(): a store makes the batch one transaction, in
  // which each Apply/Reject/Hold is a savepoint (so a refused message still
  // leaves nothing), and commits once at EndBatch — one disk sync for the
  // batch instead of one per message. Sync publishes nothing the batch
  // produced before EndBatch returned. When EndBatch fails nothing of the
  // batch is kept; sync reloads its view of the streams from NextSeq and
  // HeldSeqs, and the messages come back by replay. By default no-ops.
  virtual core::Status BeginBatch() { return core::Status::Ok(); }
  virtual core::Status EndBatch() { return core::Status::Ok(); }
};

}  // namespace edge::sync
