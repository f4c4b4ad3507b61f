// SyncBridge: the sync layer's ports (edge/sync/ports.h) on the node's SQLite
// store, and the registry of the application's handlers for inbound message
// types. sync never links the store; the app joins them here.
//
// Inbound messages are applied by the handler registered for their `type`,
// inside the transaction that also records the message in the inbox and
// advances its stream — a crash leaves either both or neither. A contract
// type with no handler registered is not pretended to be applied: it is
// refused ("unsupported type (no handler)": dead letter + message.rejected),
// so the OMS knows and can route elsewhere.
//
// Owned by the daemon; io_context thread only (like the Store it wraps).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "edge/core/status.h"
#include "edge/store/store.h"
#include "edge/sync/ports.h"

namespace edge::app {

// What a handler gets for one inbound message.
struct InboundContext {
  store::Store& store;      // for reads, and store.AppendEvent(txn, …) for answers
  store::Transaction& txn;  // the open transaction: every write goes in it
  const sync::InboundMessage& message;
  const nlohmann::json& data;  // message.data_json, parsed (an object)
  // Work to do once the transaction has committed (printing a label that
  // was stored, say). Not run when the message is refused or retried.
  std::vector<std::function<void()>> after_commit = {};
};

// Applies one message's effect inside ctx.txn. A service command that opens
// its own store::Transaction may be called: it becomes a savepoint of ctx.txn. The outcome decides what
// becomes of the message:
//  - OK: committed with its inbox record;
//  - Unavailable, IoError, Corruption (the database or a device failed):
//    nothing is committed and the message is tried again later;
//  - InvalidArgument: refused as "invalid data: <message>";
//  - any other error (or an exception): refused as "refused: <code>: <message>".
// A refused message goes to the dead letters and the OMS gets message.rejected.
using InboundHandler = std::function<core::Status(InboundContext& ctx)>;

class SyncBridge final : public sync::Outbox, public sync::Inbox {
 public:
  explicit SyncBridge(store::Store& store);

  // The registration point for the services (orders, inventory, shipments):
  // `handler` applies messages of `type`. A later registration replaces an
  // earlier one.
  void Register(const std::string& type, InboundHandler handler);
  bool HasHandler(const std::string& type) const { return handlers_.count(type) > 0; }

  // ---- sync::Outbox ----
  core::Result<std::vector<sync::OutboundEvent>> Pending(int64_t after_seq, int limit) override;
  core::Result<std::vector<sync::OutboundEvent>> EventsFrom(int64_t from_seq, int limit) override;
  core::Status MarkPublished(int64_t seq) override;
  // One transaction for the batch.
  core::Status MarkPublishedMany(const std::vector<int64_t>& seqs) override;
  core::Result<int64_t> Append(const std::string& type, const std::string& data_json) override;
  core::Result<int64_t> Depth() override;

  // ---- sync::Inbox ----
  core::Result<int64_t> NextSeq(const std::string& stream) override;
  core::Status Hold(const std::string& stream, int64_t seq, const std::string& id,
                    const std::string& payload) override;
  core::Result<std::vector<std::pair<std::string, int64_t>>> HeldSeqs() override;
  core::Result<std::optional<std::string>> HeldPayload(const std::string& stream, int64_t seq) override;
  core::Result<sync::ApplyOutcome> Apply(const sync::InboundMessage& message, bool record_only) override;
  core::Status Reject(const sync::Rejection& rejection, bool consume_seq,
                      const std::string& event_data_json) override;
  // One transaction around a batch of messages; handlers' after_commit work
  // waits for EndBatch's commit (and is dropped when it fails).
  core::Status BeginBatch() override;
  core::Status EndBatch() override;

 private:
  std::string NewEventId();

  store::Store& store_;
  std::map<std::string, InboundHandler> handlers_;
  std::unique_ptr<store::Transaction> batch_;
  std::vector<std::function<void()>> batch_after_commit_;
  std::mt19937_64 random_;
};

}  // namespace edge::app
