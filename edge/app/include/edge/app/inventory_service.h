// InventoryService: the store's inventory replica as commands (issue 3).
//
// Every command is one SQLite transaction that changes the replica, writes
// its ledger rows and appends the outbox event that reports it (PROTOCOL.md:
// nothing is published that was not committed, and nothing committed is left
// unpublished). A command that fails changes nothing: invalid input is
// refused before anything is written, and any later error rolls the whole
// transaction back.
//
// Inbound messages (PROTOCOL.md, "inventory") arrive as the envelope's `data`
// object. They are validated with errors naming the message type and field,
// e.g. "inventory.snapshot: items[3].on_hand: must be >= 0, got -2". When the
// caller passes the envelope (InboundRef), the inbox record is written in the
// same transaction as the effect, and a message already applied has no second
// effect (kDuplicate).
//
// Snapshots. Chunks of a snapshot_id are staged; the one that completes the
// set applies the snapshot atomically and reports inventory.snapshot_applied.
// A duplicated chunk (same items) is harmless; the same chunk number with
// other items, a `chunks` or `as_of_store_seq` differing from the earlier
// chunks, or a chunk outside 1..chunks is refused. A chunk of a snapshot
// already applied is ignored. A new snapshot whose as_of_store_seq is below
// the last event whose ledger rows were folded (ledger retention, FoldLedger)
// is refused: it would need those rows re-applied. Chunks of a snapshot that
// received nothing for `snapshot_timeout` are discarded; time the node could
// not receive (the daemon stopped, the link to the broker down) does not
// count: the daemon calls ResumePendingSnapshots when it starts and while it
// is offline.
//
// The on-hand replay rule. A snapshot reflects the node's own `events` up to
// as_of_store_seq and every central message sent before it. When it is
// applied, each SKU and location gets the snapshot's quantity (0 when the
// snapshot does not list it), plus the on-hand effect of the ledger rows the
// snapshot cannot hold:
//  - changes the node itself made and reported in one of its own events
//    with seq > as_of_store_seq: local adjustments (inventory.adjusted) and
//    goods leaving the store (reported in the order event passed to
//    Consume). Reservations and releases change reserved only, which a
//    snapshot does not carry, so they have no on-hand effect to replay;
//  - inventory.delta messages applied after the snapshot's first chunk
//    arrived: the inventory stream is applied in order, so these were sent
//    after the snapshot was cut. (Deltas before the first chunk, and the
//    differences earlier snapshots made, are in the snapshot already.)
// Reserved is never touched by a snapshot. A snapshot that names no
// location at all (an OMS that keeps no bins) sets each SKU's total the same
// way and keeps the store's bins (InventoryRepo::ApplySnapshot).
//
// Locations. A delta names no location: an increase goes to the unlocated
// bucket (location ""), a decrease is taken by core::PlanDecrease (unlocated
// first, then locations in walk order).
//
// Availability. Every change that may move a SKU's available marks it (in
// the same transaction, in a table); FlushAvailable() sends one
// inventory.available with the latest value of each SKU that changed since
// the OMS last heard it, at most once per `available_interval`
// (core::AvailableCoalescer). The daemon calls it from a timer every
// available_interval (sooner at NextAvailableDue()); changes other services
// make through repo() are found in the pending table by the next call.
//
// Extensions where PROTOCOL.md is silent (unknown fields are ignored by
// contract, so these are safe): snapshot items may carry `description`;
// inventory.adjusted carries `location`, `by` and `ref` besides the
// contract's sku, delta, on_hand, reason.
//
// Owned by the daemon; io_context thread only (like the Store it borrows,
// which must outlive it).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "edge/app/event_log.h"
#include "edge/core/available_report.h"
#include "edge/core/clock.h"
#include "edge/core/inventory.h"
#include "edge/core/status.h"
#include "edge/store/inventory_repo.h"
#include "edge/store/store.h"

namespace edge::app {

struct InventoryOptions {
  // [sync] available_interval_s: at most one inventory.available per interval.
  // Shorter tells the OMS sooner; longer sends fewer, larger messages.
  core::Duration available_interval = std::chrono::seconds(2);
  // Chunks of a snapshot that received no chunk for this long are discarded.
  // Longer tolerates a slower sender; shorter frees the staging space sooner.
  core::Duration snapshot_timeout = std::chrono::minutes(10);
  // Items per inventory.available message (each at most ~100 bytes of JSON),
  // so a message stays under the contract's 1 MiB; the rest goes next time.
  size_t available_max_items = 5000;
};

enum class Applied { kApplied, kDuplicate };

enum class ChunkOutcome {
  kStaged,                  // kept; the snapshot is not complete yet
  kSnapshotApplied,         // this chunk completed the snapshot, which is applied
  kDuplicateChunk,          // this chunk was received before (same items): no effect
  kSnapshotAlreadyApplied,  // a late chunk of a snapshot applied earlier: no effect
  kDuplicateMessage,        // the envelope id was applied before: no effect
};
const char* ChunkOutcomeName(ChunkOutcome o);

// A local adjustment by an associate.
struct Adjustment {
  core::AdjustmentKind kind = core::AdjustmentKind::kCount;
  std::string sku;
  // The location counted, damaged at, found at or received to. A count
  // without one is an absolute count of the whole SKU (every location's
  // quantity moves to the unlocated bucket as the count); damaged without one
  // is taken by core::PlanDecrease; found/receipt without one go unlocated.
  std::optional<std::string> location;
  int64_t qty = 0;                 // count: >= 0; others: >= 1
  std::string by;                  // the associate
  std::optional<std::string> ref;  // receipt: the inventory.incoming ref it books against
};

struct AdjustOutcome {
  int64_t delta = 0;    // change of the SKU's on_hand
  int64_t on_hand = 0;  // after
  int64_t event_seq = 0;
};

struct ReservationOutcome {
  std::vector<core::LineDecision> lines;  // in request order
  bool repeated = false;                  // every line had been decided before: nothing reserved now
};

// An event appended with a change, in the same transaction: for Consume, the
// order event that tells the OMS the goods left (order.shipped, order.picked_up).
struct OutboundEvent {
  std::string type;
  nlohmann::json data;
};

struct ItemView {
  std::string sku;
  std::string description;
  core::StockFigures figures;
  int64_t available = 0;
  std::vector<std::string> gtins;               // GTIN-14
  std::vector<store::StockAt> locations;        // unlocated first, then walk order
  std::vector<store::IncomingRecord> incoming;  // by eta
};

struct ItemSummary {
  std::string sku;
  std::string description;
  core::StockFigures figures;
  int64_t available = 0;
};

struct LocationView {
  core::Location location;
  std::vector<store::SkuAt> items;
};

class InventoryService {
 public:
  // Appends the event(s) that report a reservation decision inside the
  // transaction and returns the seq to record in the ledger (none when
  // nothing was appended).
  using ReservationReporter = std::function<core::Result<std::optional<int64_t>>(
      store::Transaction& txn, const std::string& order_id, const ReservationOutcome& outcome)>;

  // Builds the service over an open store and restores the reporting state
  // (pending changes, time of the last inventory.available). `rng` makes the
  // event ids: seed it from std::random_device in production, fixed in tests
  // (a different seed per start: the same seed on the same database repeats
  // ids, which the outbox refuses). InvalidArgument for a non-positive
  // available_interval or available_max_items; an error of the store when it
  // cannot be read.
  static core::Result<std::unique_ptr<InventoryService>> Create(store::Store& store, const core::Clock& clock,
                                                                InventoryOptions options,
                                                                std::mt19937_64 rng);

  // ---- inbound (central -> node): `data` of the envelope ----

  // inventory.snapshot {snapshot_id, as_of_store_seq, chunk, chunks,
  // items:[{sku, gtin?, on_hand, safety_stock?, location?, description?}]}.
  // InvalidArgument for malformed input or a chunk that contradicts earlier
  // ones; nothing is applied then.
  core::Result<ChunkOutcome> ApplySnapshotChunk(const nlohmann::json& data,
                                                const std::optional<InboundRef>& inbound = std::nullopt);
  // inventory.delta {sku, delta, reason, ref?}. NotFound for an unknown SKU.
  core::Result<Applied> ApplyDelta(const nlohmann::json& data,
                                   const std::optional<InboundRef>& inbound = std::nullopt);
  // inventory.incoming {ref, eta, items:[{sku, qty}]}: replaces what `ref`
  // brings. NotFound for an unknown SKU.
  core::Result<Applied> RecordIncoming(const nlohmann::json& data,
                                       const std::optional<InboundRef>& inbound = std::nullopt);

  // ---- local changes ----

  // Applies an associate's adjustment and reports inventory.adjusted. Fails
  // with InvalidArgument (bad quantity, location or associate), NotFound
  // (unknown SKU) or FailedPrecondition (damaged more than is there).
  core::Result<AdjustOutcome> Adjust(const Adjustment& adjustment);
  // Sets a location's place in the pick walk (creating it).
  core::Status DefineLocation(const std::string& code, std::optional<int64_t> walk_order);
  // Creates the SKU when new, sets its description when given and indexes
  // each barcode (normalised to GTIN-14; InvalidArgument names a bad one).
  core::Status UpsertItem(const std::string& sku, const std::optional<std::string>& description,
                          const std::vector<std::string>& gtins);

  // ---- reservations (order lines to fill `now`) ----

  // Decides and reserves an order's lines (core::DecideReservation) and
  // reports order.accepted {order_id, lines:[{line_id, qty}]} and/or
  // order.rejected {order_id, lines:[{line_id, qty, reason}]}. Re-routing the
  // same order_id gives the same decision for lines decided before and
  // reserves nothing twice (the answer is published again). InvalidArgument
  // for an empty order id, no lines, a duplicated line id or qty < 1.
  core::Result<ReservationOutcome> Reserve(const std::string& order_id,
                                           const std::vector<core::LineRequest>& lines, bool partial_accept);
  // Releases what a line still holds (it shipped, was picked up, cancelled,
  // expired or rejected). Idempotent: a line already closed, or refused,
  // is left as it is. NotFound when the line was never asked for. Releasing
  // changes reserved only; the order event that says why is the order
  // service's, so no event is appended here.
  core::Status Release(const std::string& order_id, const std::string& line_id, core::ReleaseReason reason);
  // Goods of a line left the store: on_hand and reserved go down by `qty`
  // together (at `location`, or by core::PlanDecrease), and `report` is
  // appended in the same transaction; its seq is recorded in the ledger so
  // that a later snapshot replays the on-hand effect when it must.
  // FailedPrecondition when the line holds less than `qty`.
  core::Status Consume(const std::string& order_id, const std::string& line_id, int64_t qty,
                       const OutboundEvent& report,
                       const std::optional<std::string>& location = std::nullopt);

  // The same three inside a caller's transaction (the order service composes
  // them with its own changes and events). ReserveIn calls `report` after
  // deciding and before writing, and records the seq it returns.
  core::Result<ReservationOutcome> ReserveIn(store::Transaction& txn, const std::string& order_id,
                                             const std::vector<core::LineRequest>& lines, bool partial_accept,
                                             const ReservationReporter& report);
  core::Status ReleaseIn(store::Transaction& txn, std::optional<int64_t> event_seq,
                         const std::string& order_id, const std::string& line_id, core::ReleaseReason reason);
  core::Status ConsumeIn(store::Transaction& txn, int64_t event_seq, const std::string& order_id,
                         const std::string& line_id, int64_t qty, const std::optional<std::string>& location);
  // Adds `qty` units to what an order line holds, inside the caller's
  // transaction: a backorder/preorder line given received stock. The first
  // time it creates the line's reservation (recording `asked`, the line's
  // quantity, as what was asked for); later it adds to the open one.
  // reserved goes up by `qty` with a ledger row (reason "reserve", the
  // line's ref, `event_seq`: the order.accepted that reports it).
  // FailedPrecondition when the line's reservation is closed or refused.
  core::Status ReserveMoreIn(store::Transaction& txn, std::optional<int64_t> event_seq,
                             const std::string& order_id, const std::string& line_id, const std::string& sku,
                             int64_t qty, int64_t asked);

  // ---- receipts ----

  // Called inside the receipt's transaction after `qty` (>= 1) units of
  // `sku` were received: Adjust with kind receipt (`ref` its ref, "" for
  // none) and inventory.delta with reason "receipt" and a positive delta
  // (`ref` the delta's, "" for none). An error rolls the receipt back. The
  // order service registers one to give the units to waiting backorder and
  // preorder lines; one listener at a time, empty for none.
  using ReceiptListener = std::function<core::Status(store::Transaction& txn, const std::string& sku,
                                                     int64_t qty, const std::string& ref)>;
  void SetReceiptListener(ReceiptListener listener) { receipt_listener_ = std::move(listener); }

  // ---- lookups ----

  // NotFound for an unknown SKU, InvalidArgument for a malformed one.
  core::Result<ItemView> BySku(const std::string& sku);
  // Any GTIN-8/UPC-A/EAN-13/GTIN-14 the item answers to. InvalidArgument for
  // a malformed code or a wrong check digit; NotFound when no item has it.
  core::Result<ItemView> ByBarcode(const std::string& code);
  core::Result<LocationView> ByLocation(const std::string& code);
  // Free-text search over SKUs and descriptions (every word, as a prefix),
  // best match first. `limit` 1..200; text at most 256 bytes.
  core::Result<std::vector<ItemSummary>> Search(const std::string& text, int limit = 20);

  // ---- reporting and housekeeping ----

  // When FlushAvailable should next run for the changes made through this
  // service (nullopt: none pending).
  std::optional<core::TimePoint> NextAvailableDue() const { return coalescer_.NextDue(); }
  // [sync] available_interval_s changed by a reload: the next report is due
  // `interval` after the last one. InvalidArgument unless > 0.
  core::Status SetAvailableInterval(core::Duration interval);
  // When due at the clock's now, appends one inventory.available {items:[{sku,
  // available}]} with the latest value of each changed SKU and returns its
  // seq; nullopt when not due or nothing differs from what the OMS heard.
  core::Result<std::optional<int64_t>> FlushAvailable();
  // Discards snapshots that received no chunk for snapshot_timeout. Returns
  // how many. (ApplySnapshotChunk also does this as it goes.)
  core::Result<int> DiscardAbandonedSnapshots();
  // The node could not receive until now (it was stopped, or offline): every
  // pending snapshot's timeout starts again, so that chunks the broker kept
  // for it complete it instead of finding it discarded. Returns how many
  // snapshots are pending.
  core::Result<int64_t> ResumePendingSnapshots();

  // Ledger retention: folds rows written more than `retention` ago into
  // carried-forward rows (InventoryRepo::FoldLedger says which are kept), in
  // one transaction over the `examine` rows after id `after`. A pass starts
  // at 0 and continues from examined_to until done; the daemon yields
  // between calls, so each holds the thread for one short transaction.
  core::Result<store::LedgerFold> FoldLedger(core::Duration retention, int64_t after, int64_t examine);

  store::InventoryRepo& repo() { return repo_; }

 private:
  InventoryService(store::Store& store, const core::Clock& clock, InventoryOptions options,
                   std::mt19937_64 rng);

  std::string NewEventId();
  core::Result<int64_t> Emit(store::Transaction& txn, const std::string& type, const nlohmann::json& data);
  // Checks the inbox: true when the message was applied before.
  core::Result<bool> IsDuplicate(const std::optional<InboundRef>& inbound);
  core::Status RecordInbound(store::Transaction& txn, const std::optional<InboundRef>& inbound);
  // Applies a decrease of `qty` with no location named, via PlanDecrease.
  core::Result<std::vector<core::LocatedQty>> PlanUnlocatedDecrease(const std::string& sku, int64_t qty);
  core::Status EnsureLocationCode(store::Transaction& txn, const std::string& code);
  core::Result<ItemView> View(const store::ItemRecord& item);

  store::Store& store_;
  const core::Clock& clock_;
  InventoryOptions options_;
  std::mt19937_64 rng_;
  store::InventoryRepo repo_;
  core::AvailableCoalescer coalescer_;
  ReceiptListener receipt_listener_;
};

}  // namespace edge::app
