// InventoryRepo: the SQLite side of the inventory replica (schema in
// sql/0002_inventory.sql): items and their barcodes, locations, stock per
// SKU and location, reservations, the ledger, snapshots being received,
// incoming stock, and what inventory.available has still to report.
//
// It holds no state of its own: every call runs prepared statements on the
// store's connection. Writes take the caller's Transaction, so that one
// command of InventoryService (edge/app) changes stock, writes its ledger rows
// and appends its outbox event atomically. Reads may run inside or outside a
// transaction. Owned by the inventory service; io_context thread only, like
// the Store it borrows (which must outlive it).
//
// The one write path for on_hand and reserved is Apply() (and ApplySnapshot()
// for a whole snapshot): each updates `items`, `stock` and `ledger` together,
// so that a SKU's figures always equal the sum of its ledger rows.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "edge/core/available_report.h"
#include "edge/core/clock.h"
#include "edge/core/inventory.h"
#include "edge/core/status.h"
#include "edge/store/database.h"

namespace edge::store {

struct ItemRecord {
  int64_t id = 0;
  std::string sku;
  std::string description;
  core::StockFigures figures;
};

// Where a ledger row's change came from; see sql/0002_inventory.sql.
enum class LedgerOrigin { kLocal, kDelta, kSnapshot };
const char* LedgerOriginName(LedgerOrigin o);  // "local", "delta", "snapshot"

// One change of on_hand and/or reserved of one SKU at one location.
struct StockChange {
  std::string sku;
  std::string location;  // "" = the unlocated bucket
  int64_t d_on_hand = 0;
  int64_t d_reserved = 0;
  std::string reason;  // e.g. "damaged", "reserve", "shipped", a central delta's reason
  std::optional<std::string> ref;
  LedgerOrigin origin = LedgerOrigin::kLocal;
  std::optional<int64_t> event_seq;  // outbox seq of the event that reported it
};

struct LedgerRecord {
  int64_t id = 0;
  std::string sku;
  std::string location;
  int64_t d_on_hand = 0;
  int64_t d_reserved = 0;
  std::string reason;
  std::optional<std::string> ref;
  std::string origin;
  std::optional<int64_t> event_seq;
  int64_t at_ms = 0;
};

// A SKU's quantity at one location; location.code "" is the unlocated bucket.
struct StockAt {
  core::Location location;
  int64_t qty = 0;
};

// What sits at one location.
struct SkuAt {
  std::string sku;
  std::string description;
  int64_t qty = 0;
};

enum class ReservationState { kOpen, kConsumed, kReleased, kRefused };
const char* ReservationStateName(ReservationState s);  // "open", "consumed", "released", "refused"

struct ReservationRecord {
  std::string order_id;
  std::string line_id;
  std::string sku;
  int64_t qty = 0;       // asked for
  int64_t open_qty = 0;  // still held in reserved
  int64_t consumed_qty = 0;
  ReservationState state = ReservationState::kOpen;
  std::optional<std::string> reason;  // refusal reason (refused) or release reason (released)
  int64_t created_ms = 0;
  std::optional<int64_t> closed_ms;
};

// One item of a snapshot chunk, validated and normalised by the caller.
struct SnapshotItemRecord {
  std::string sku;
  std::string location;  // "" = unlocated
  int64_t on_hand = 0;
  std::optional<int64_t> safety_stock;
  std::optional<std::string> gtin14;
  std::optional<std::string> description;
};

struct PendingSnapshot {
  std::string snapshot_id;
  int64_t chunks = 0;
  int64_t as_of_store_seq = 0;
  int64_t ledger_mark = 0;
  int64_t first_received_ms = 0;
  int64_t last_received_ms = 0;
  int64_t chunks_received = 0;
};

struct SnapshotApplyStats {
  int64_t items = 0;         // staged item rows
  int64_t ledger_rows = 0;   // (sku, location) pairs whose on-hand changed
  int64_t replayed = 0;      // ledger rows whose on-hand effect was re-applied
  bool totals_only = false;  // the snapshot named no location: totals set, bins kept
};

// What one call of InventoryRepo::FoldLedger did.
struct LedgerFold {
  int64_t examined_to = 0;  // the highest ledger id examined: the next call starts after it
  int64_t folded = 0;       // rows folded into carried-forward rows (and deleted)
  int64_t carried = 0;      // (SKU, location) pairs whose carried-forward row was written
  bool done = false;        // nothing after examined_to is old enough to fold
};

struct IncomingRecord {
  std::string ref;
  std::string sku;
  int64_t qty = 0;
  int64_t received_qty = 0;
  int64_t eta_ms = 0;
};

class InventoryRepo {
 public:
  InventoryRepo(Database& db, const core::Clock& clock) : db_(db), clock_(clock) {}

  // ---- items, barcodes, locations ----

  // The item, or nullopt when the SKU is unknown.
  Result<std::optional<ItemRecord>> FindItem(const std::string& sku);
  // Figures of those of `skus` that exist (unknown SKUs are absent).
  Result<std::map<std::string, core::StockFigures>> FiguresOf(const std::vector<std::string>& skus);
  // Creates the item with zero figures when it does not exist. Returns true
  // when it was created.
  Result<bool> EnsureItem(Transaction& txn, const std::string& sku);
  // NotFound when the SKU is unknown.
  Status SetDescription(Transaction& txn, const std::string& sku, const std::string& description);
  // Sets safety stock (>= 0) and marks the SKU's availability as changed
  // when it differs. NotFound when the SKU is unknown.
  Status SetSafetyStock(Transaction& txn, const std::string& sku, int64_t safety_stock);
  // Maps a (normalised) GTIN-14 to `sku`, replacing an earlier mapping.
  Status PutBarcode(Transaction& txn, const std::string& gtin14, const std::string& sku);
  Result<std::optional<std::string>> SkuForGtin(const std::string& gtin14);
  Result<std::vector<std::string>> BarcodesOf(const std::string& sku);
  // Inserts the location when its code is new; an existing one is kept
  // (walk order and all).
  Status EnsureLocation(Transaction& txn, const core::Location& location);
  // Inserts or replaces the location, walk order included.
  Status PutLocation(Transaction& txn, const core::Location& location);
  Result<std::optional<core::Location>> FindLocation(const std::string& code);
  // The SKU's stock per location: the unlocated bucket first, then in walk
  // order. Empty when the SKU has none (or is unknown).
  Result<std::vector<StockAt>> StockOf(const std::string& sku);
  // What is at `code` (non-zero quantities), by SKU.
  Result<std::vector<SkuAt>> StockAtLocation(const std::string& code);
  // Items matching an FTS5 query (see FtsQuery), best match first.
  Result<std::vector<ItemRecord>> Search(const std::string& fts_query, int limit);
  // Turns free text typed by an associate into a safe FTS5 query: each word
  // (letters and digits) becomes a quoted prefix term, all required, so that
  // FTS syntax in the text ("AND", quotes, '*', ':') is never interpreted.
  // Returns "" when the text holds no word.
  static std::string FtsQuery(const std::string& text);

  // ---- stock changes ----

  // Applies one change: items.on_hand/reserved, the stock row at the
  // location (deleted when it reaches 0), one ledger row, and marks the
  // SKU's availability as changed. NotFound when the SKU is unknown; a change
  // that would take reserved below 0 fails (Internal) and the caller's
  // transaction must be rolled back.
  Status Apply(Transaction& txn, const StockChange& change);

  // ---- reservations ----

  Result<std::vector<ReservationRecord>> ReservationsOf(const std::string& order_id);
  Result<std::optional<ReservationRecord>> FindReservation(const std::string& order_id,
                                                           const std::string& line_id);
  Status InsertReservation(Transaction& txn, const ReservationRecord& r);
  // Writes open_qty, consumed_qty, state, reason and closed of an existing line.
  Status UpdateReservation(Transaction& txn, const ReservationRecord& r);

  // ---- snapshots ----

  // The as_of_store_seq an applied snapshot had, or nullopt when it was not applied.
  Result<std::optional<int64_t>> AppliedSnapshotAsOf(const std::string& snapshot_id);
  Result<std::optional<PendingSnapshot>> FindPendingSnapshot(const std::string& snapshot_id);
  // Starts receiving a snapshot; records the ledger's high-water mark.
  Status BeginSnapshot(Transaction& txn, const std::string& snapshot_id, int64_t chunks,
                       int64_t as_of_store_seq);
  // The digest of a chunk already received, or nullopt.
  Result<std::optional<std::string>> ChunkDigest(const std::string& snapshot_id, int64_t chunk);
  // Stages one chunk's items and touches the snapshot's last_received.
  Status StageChunk(Transaction& txn, const std::string& snapshot_id, int64_t chunk,
                    const std::string& digest, const std::vector<SnapshotItemRecord>& items);
  // The distinct non-empty location codes a staged snapshot names.
  Result<std::vector<std::string>> SnapshotLocations(const std::string& snapshot_id);
  // Applies a complete staged snapshot atomically (in the caller's
  // transaction): per SKU and location, on-hand becomes the snapshot's
  // quantity (0 when absent) plus the on-hand effects of the ledger rows the
  // snapshot does not include — 'local' rows with event_seq > as_of_store_seq
  // and 'delta' rows written after its first chunk arrived — and every
  // difference is one ledger row (origin 'snapshot', ref snapshot_id,
  // event_seq). A snapshot that names no location at all sets totals per
  // SKU the same way and keeps the store's bins: an increase goes
  // unlocated, a decrease is taken as core::PlanDecrease takes one. Safety stock, descriptions and barcodes
  // given are set. The staging rows are deleted and the snapshot recorded as applied.
  Result<SnapshotApplyStats> ApplySnapshot(Transaction& txn, const PendingSnapshot& snapshot,
                                           int64_t event_seq);
  // Deletes snapshots whose last chunk arrived before `before_ms`. Returns
  // their ids.
  Result<std::vector<std::string>> DiscardSnapshotsIdleSince(Transaction& txn, int64_t before_ms);
  // Counts every pending snapshot as heard from at `now_ms` (a later
  // last_received is kept). Returns how many are pending.
  Result<int64_t> TouchPendingSnapshots(Transaction& txn, int64_t now_ms);

  // ---- incoming stock ----

  // Replaces what reference `ref` brings (SKUs must exist); received
  // quantities already booked against it are kept.
  Status ReplaceIncoming(Transaction& txn, const std::string& ref, int64_t eta_ms,
                         const std::vector<std::pair<std::string, int64_t>>& items);
  // Books `qty` received against (ref, sku). Returns false when there is no
  // such incoming line (the receipt is booked all the same by the caller).
  Result<bool> ReceiveIncoming(Transaction& txn, const std::string& ref, const std::string& sku, int64_t qty);
  // Incoming lines for a SKU, by eta.
  Result<std::vector<IncomingRecord>> IncomingFor(const std::string& sku);

  // ---- inventory.available reporting ----

  Result<bool> AnyAvailablePending();
  // Up to `limit` pending SKUs (by SKU) with their available now and the
  // value last reported.
  Result<std::vector<core::AvailableCandidate>> AvailableCandidates(int limit);
  // Clears `considered` from the pending set and records `sent` as reported.
  Status MarkReported(Transaction& txn, const std::vector<core::AvailableCandidate>& considered,
                      const std::vector<core::AvailableItem>& sent);
  // When the last inventory.available event was appended (outbox), if any.
  Result<std::optional<int64_t>> LastAvailableReportMs();

  // ---- ledger retention ----

  // Folds old ledger rows, among the `examine` rows after id `after`, into
  // one row per SKU and location that carries their sum forward (origin
  // 'local', reason 'carried_forward', no event_seq, `at` = before_ms);
  // the folded rows are deleted, and rows whose sums are both 0 leave no
  // carried row. Figures still equal the sum of the ledger. A row is folded
  // when it was written before `before_ms`, unless
  //  - it is the newest row (ids must keep growing: a pending snapshot's
  //    ledger_mark is an id);
  //  - it is a local count, damaged, found or receipt row (the adjustments
  //    report reads them; there are few);
  //  - it is a local row whose event_seq a snapshot may still replay: above
  //    the highest as_of_store_seq of an applied snapshot, or above the
  //    lowest of a pending one (the OMS learns the node's events in order,
  //    so its as_of_store_seq does not go back; a snapshot that does, below
  //    FoldedEventSeq(), is refused by InventoryService);
  //  - it is a delta a pending snapshot will replay (id above its mark).
  // Rows already carried forward are added to, never folded again.
  // It also records the highest event_seq among the local rows it folds.
  Result<LedgerFold> FoldLedger(Transaction& txn, int64_t before_ms, int64_t after, int64_t examine);
  // The highest event_seq of a local row folded so far (0: none). A snapshot
  // with a lower as_of_store_seq would need those rows re-applied.
  Result<int64_t> FoldedEventSeq();

  // ---- checks ----

  // Ledger rows of a SKU, oldest first (a scan of the whole ledger: for
  // diagnostics, not for a path that runs per request).
  Result<std::vector<LedgerRecord>> LedgerOf(const std::string& sku);
  // Compares, for every SKU, on_hand with the sum of its stock rows and of its
  // ledger's d_on_hand, and reserved with the sum of its ledger's d_reserved
  // and of its open reservations. Returns one line per disagreement (empty
  // when consistent), e.g. "SKU-1: on_hand 5, stock sum 4".
  Result<std::vector<std::string>> CheckConsistency();

 private:
  int64_t NowMs() const { return core::ToUnixMillis(clock_.Now()); }
  Status MarkAvailableChanged(Transaction& txn, const std::string& sku);

  Database& db_;
  const core::Clock& clock_;
};

}  // namespace edge::store
