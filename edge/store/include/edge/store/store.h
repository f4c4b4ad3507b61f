// Store: the node's SQLite database — opening, migrating, and the tables the
// wire contract needs (outbox, inbox, held messages, dead letters).
//
// Owned by the daemon and used from the io_context thread only. Later layers
// (inventory, orders, tasks) add their tables through migrations and their
// repositories on top of db().
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "edge/core/clock.h"
#include "edge/core/status.h"
#include "edge/store/checkpointer.h"
#include "edge/store/database.h"

namespace edge::store {

enum class Synchronous { kFull, kNormal };

struct StoreOptions {
  std::string path;      // the database file
  std::string store_id;  // recorded at creation; a file of another store is refused
  Synchronous synchronous = Synchronous::kFull;
  int busy_timeout_ms = 5000;
  // SQLite's page cache for this connection, KiB (allocated as pages are
  // used). SQLite's default of 2 MiB is smaller than one inbound batch of
  // routed orders dirties (items, ledger and reservation indexes by SKU), so
  // pages spilled to the WAL in the middle of the transaction and were read
  // back; 32 MiB holds a batch and the hot pages of a large store.
  int cache_kib = 32 * 1024;
  // Checkpoint the WAL from a thread and connection of its own (Checkpointer)
  // each time checkpoint_pages frames have been added, instead of inside the
  // commit that crosses 1,000 pages. The daemon's store does; a short-lived
  // command keeps SQLite's automatic checkpoint.
  bool background_checkpoint = false;
  int64_t checkpoint_pages = 1000;
};

// Application id written into the file header ("SEDG"), so that a SQLite file
// of another program is recognised and refused rather than migrated.
inline constexpr int32_t kApplicationId = 0x53454447;

// The schema version this build writes.
int LatestSchemaVersion();

// One event waiting in, or published from, the outbox.
struct OutboxEvent {
  int64_t seq = 0;
  std::string id;
  std::string type;
  std::string payload;  // JSON object: the envelope's `data`
  int64_t created_ms = 0;
  std::optional<int64_t> published_ms;
};

struct DeadLetter {
  std::string topic;
  std::optional<std::string> message_id;
  std::optional<std::string> stream;
  std::optional<int64_t> seq;
  std::string reason;
  std::string payload;
};

class Store {
 public:
  // Opens (creating when missing) and migrates the database at options.path.
  // Fails, leaving the file untouched, with:
  //  - Corruption when the file is not a SQLite database, is damaged, or
  //    belongs to another program or another store;
  //  - FailedPrecondition when a newer storeedge wrote it (schema too new);
  //  - IoError when the file or its directory cannot be read or written.
  static Result<std::unique_ptr<Store>> Open(const StoreOptions& options, const core::Clock& clock);

  Database& db() { return *db_; }
  const std::string& path() const { return options_.path; }
  int schema_version() const { return schema_version_; }

  // ---- outbox ----
  // Appends an event inside the caller's transaction; returns its seq.
  Result<int64_t> AppendEvent(Transaction& txn, const std::string& id, const std::string& type,
                              const std::string& payload_json);
  // Up to `limit` unpublished events with seq > after_seq, in seq order.
  Result<std::vector<OutboxEvent>> UnpublishedEvents(int64_t after_seq, int limit);
  // Published events with seq >= from_seq (for sync.replay), in seq order.
  Result<std::vector<OutboxEvent>> EventsFrom(int64_t from_seq, int limit);
  // Marks one event acknowledged by the broker. Idempotent.
  Status MarkPublished(int64_t seq);
  // Unpublished events.
  Result<int64_t> OutboxDepth();
  // The highest seq ever assigned (0 when none).
  Result<int64_t> LastEventSeq();
  // Deletes published events older than `retention`. Returns how many.
  Result<int64_t> PruneEvents(core::Duration retention);

  // ---- inbox ----
  Result<bool> InboxContains(const std::string& id);
  // Forgets the ids of messages applied longer ago than `retention`. Safe:
  // a redelivery of such a message has a seq below its stream's next seq and
  // is a duplicate by that alone. Returns how many.
  Result<int64_t> PruneInbox(core::Duration retention);
  // Records an applied inbound message inside the caller's transaction and
  // advances the stream's next seq past it.
  Status RecordInbound(Transaction& txn, const std::string& id, const std::string& stream, int64_t seq,
                       const std::string& type);
  // The next seq expected on `stream` (1 for a stream never seen).
  Result<int64_t> NextSeq(const std::string& stream);
  // Consumes `seq` on `stream` without an inbox record (a message rejected
  // or a duplicate id in its slot), inside the caller's transaction: the
  // stream's next seq becomes at least seq + 1.
  Status AdvanceStream(Transaction& txn, const std::string& stream, int64_t seq);

  // ---- held messages (arrived ahead of a gap) ----
  // Keeps a message until its turn. Holding (stream, seq) again keeps the
  // first copy and returns OK.
  Status HoldInbound(const std::string& stream, int64_t seq, const std::string& id,
                     const std::string& payload);
  // Every held (stream, seq), ordered by stream and seq.
  Result<std::vector<std::pair<std::string, int64_t>>> HeldSeqs();
  // The payload held at (stream, seq), or nullopt.
  Result<std::optional<std::string>> HeldPayload(const std::string& stream, int64_t seq);
  // Drops the held copy at (stream, seq) inside the caller's transaction (no
  // error when there is none).
  Status DropHeld(Transaction& txn, const std::string& stream, int64_t seq);

  // ---- dead letters ----
  // Runs on the store's connection, so inside the caller's transaction when
  // one is open.
  Status AddDeadLetter(const DeadLetter& letter);
  Result<int64_t> DeadLetterCount();

  // Size of the database file plus its WAL, in bytes.
  int64_t FileSizeBytes() const;
  // The background checkpointer, when options.background_checkpoint.
  Checkpointer* checkpointer() { return checkpointer_.get(); }

 private:
  Store(StoreOptions options, std::unique_ptr<Database> db, const core::Clock& clock)
      : options_(std::move(options)), db_(std::move(db)), clock_(clock) {}
  Status Migrate();
  Status CheckOwner();
  int64_t NowMs() const { return core::ToUnixMillis(clock_.Now()); }

  StoreOptions options_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<Checkpointer> checkpointer_;  // destroyed before db_ closes
  const core::Clock& clock_;
  int schema_version_ = 0;
};

}  // namespace edge::store
