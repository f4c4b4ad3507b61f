// OrderRepo: the SQLite side of the store's order work (schema in
// sql/0004_orders.sql): orders and lines, tasks and totes, pick lines and
// pick records, packages and their contents and labels, restock units.
//
// It holds no state of its own: every call runs prepared statements on the
// store's connection. Writes take the caller's Transaction, so that one
// command of OrderService (edge/app) changes these rows, the inventory rows
// and appends its outbox event atomically. Reads may run inside or outside a
// transaction. io_context thread only, like the Store whose Database it
// borrows (which must outlive it).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "edge/core/orders.h"
#include "edge/core/status.h"
#include "edge/store/database.h"

namespace edge::store {

struct OrderRecord {
  std::string order_id;
  std::string order_ref;
  core::OrderKind kind = core::OrderKind::kShipFromStore;
  core::OrderState state = core::OrderState::kAccepted;
  int64_t priority = 0;
  std::optional<int64_t> placed_at_ms;
  std::optional<int64_t> promised_by_ms;
  std::optional<int64_t> hold_until_ms;
  // The pickup code as a salted slow hash (edge/app pickup_code.h); never
  // the code itself.
  std::optional<std::string> pickup_code_hash;
  std::string customer_json = "{}";
  std::string ship_to_json = "{}";
  std::string carrier_service;
  int64_t routed_ms = 0;
  int64_t updated_ms = 0;
  std::optional<std::string> cancel_reason;
  bool cancel_restock = false;
  // Milestones (for reports; schema 6): every accepted unit picked or
  // shorted, order.packed, order.ready_for_pickup, and the moment it reached a
  // final state.
  std::optional<int64_t> picked_at_ms;
  std::optional<int64_t> packed_at_ms;
  std::optional<int64_t> ready_at_ms;
  std::optional<int64_t> closed_at_ms;
  // Pickup kinds: where the bags wait; set when too many wrong codes locked
  // the handover; when the expiry reminder went out; arrived before ready
  // (jumps the pick queue).
  std::optional<std::string> staging_location;
  std::optional<int64_t> pickup_locked_at_ms;
  std::optional<int64_t> reminded_at_ms;
  bool escalated = false;
};

struct OrderLineRecord {
  std::string order_id;
  std::string line_id;
  int64_t idx = 0;
  std::string sku;
  std::optional<std::string> gtin;
  std::string description;
  int64_t qty = 0;
  core::Fulfil fulfil = core::Fulfil::kNow;
  std::optional<int64_t> expected_at_ms;
  int64_t accepted = 0;
  int64_t rejected = 0;
  std::optional<std::string> reject_reason;
  int64_t picked = 0;
  int64_t shorted = 0;
  std::optional<std::string> short_reason;
  int64_t packed = 0;
  int64_t shipped = 0;
  int64_t restocked = 0;
  // Pickup kinds: units the customer took, and units refused at the handover
  // (they go back to stock). Units returned in the store later. Backorder and
  // preorder lines: units allocated from received incoming stock.
  int64_t picked_up = 0;
  int64_t refused = 0;
  int64_t returned = 0;
  int64_t allocated = 0;
};

struct TaskRecord {
  int64_t id = 0;
  core::TaskKind kind = core::TaskKind::kPick;
  core::TaskState state = core::TaskState::kOpen;
  std::optional<std::string> assignee;
  bool batch = false;
  std::optional<std::string> order_id;  // pack and restock tasks
  std::string created_by;
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
  // Set by UpdateTask: first claimed, and done or cancelled.
  std::optional<int64_t> started_ms;
  std::optional<int64_t> finished_ms;
  bool urgent = false;                     // a customer is waiting: shown first
  std::optional<int64_t> escalated_at_ms;  // unclaimed too long: a supervisor was alerted
};

struct ToteRecord {
  int64_t task_id = 0;
  std::string order_id;
  int tote_slot = 0;
  std::string tote;
};

enum class PickLineState { kOpen, kDone, kCancelled };
const char* PickLineStateName(PickLineState s);  // "open", "done", "cancelled"

struct PickLineRecord {
  int64_t id = 0;
  int64_t task_id = 0;
  std::string order_id;
  std::string line_id;
  std::string sku;
  std::string location;  // "" = not at a known bin
  int64_t seq = 0;
  int tote_slot = 1;
  int64_t qty = 0;
  int64_t picked = 0;
  int64_t shorted = 0;
  int64_t shipped = 0;
  int64_t returned = 0;
  PickLineState state = PickLineState::kOpen;
  int64_t remaining() const { return qty - picked - shorted; }
};

struct PickRecord {
  int64_t id = 0;
  int64_t task_id = 0;
  int64_t pick_line_id = 0;
  std::string order_id;
  std::string line_id;
  std::string sku;
  std::string location;
  int64_t qty = 0;
  std::string method;  // "scan", "count", "manual", "short"
  std::optional<std::string> reason;
  std::optional<std::string> scan;
  std::string associate;
  int64_t at_ms = 0;
};

enum class PackageState { kOpen, kClosed, kShipped, kCancelled };
const char* PackageStateName(PackageState s);  // "open", "closed", "shipped", "cancelled"

enum class LabelState { kNone, kReceived, kQueued, kVerified, kVoided };
const char* LabelStateName(LabelState s);  // "none", "received", "queued", "verified", "voided"

struct PackageRecord {
  std::string package_id;
  std::string order_id;
  int64_t seq = 0;
  std::string box;
  int64_t length_mm = 0;
  int64_t width_mm = 0;
  int64_t height_mm = 0;
  std::optional<int64_t> weight_g;
  PackageState state = PackageState::kOpen;
  std::string station;
  std::string packed_by;
  std::optional<std::string> carrier;
  std::optional<std::string> tracking;
  std::optional<std::string> label_format;
  std::optional<std::string> label;  // bytes
  LabelState label_state = LabelState::kNone;
  int64_t created_ms = 0;
  std::optional<int64_t> closed_ms;
  std::optional<int64_t> shipped_ms;
};

struct PackageLineRecord {
  std::string package_id;
  std::string order_id;
  std::string line_id;
  int64_t qty = 0;
};

struct RestockUnitRecord {
  int64_t id = 0;
  int64_t task_id = 0;
  std::string order_id;
  std::string line_id;
  std::string sku;
  std::string from_location;
  std::optional<std::string> to_location;
  bool done = false;
  std::optional<std::string> associate;
  std::optional<int64_t> at_ms;
};

class OrderRepo {
 public:
  explicit OrderRepo(Database& db) : db_(db) {}

  // ---- orders and lines ----

  // AlreadyExists when the order id is taken.
  Status InsertOrder(Transaction& txn, const OrderRecord& o);
  Result<std::optional<OrderRecord>> FindOrder(const std::string& order_id);
  // Writes every mutable column: state, priority, promised_by, hold_until,
  // customer, updated, cancel_reason, cancel_restock.
  Status UpdateOrder(Transaction& txn, const OrderRecord& o);
  // Orders in an open state (accepted, picking, picked, packed), as kept by
  // the triggers of schema 7: constant time.
  Result<int64_t> CountOpenOrders();
  // The same figure counted from the orders themselves (time in proportion
  // to their number): what CountOpenOrders must equal, for checks and tests.
  Result<int64_t> RecountOpenOrders();
  // Accepted orders not in an active pick task: the pick work queue
  // (unsorted; core::OrderWorkQueue sorts).
  Result<std::vector<OrderRecord>> OrdersAwaitingPick();
  // Orders in `state`, oldest routed first.
  Result<std::vector<OrderRecord>> OrdersIn(core::OrderState state);

  // Orders with this order ref, oldest routed first.
  Result<std::vector<OrderRecord>> OrdersByRef(const std::string& order_ref);
  // Pickup orders (bopis, curbside) still in the store's hands whose
  // customer's first or last name contains `text` (case-insensitive ASCII),
  // at most `limit`, oldest routed first.
  Result<std::vector<OrderRecord>> OpenPickupOrdersByName(const std::string& text, int limit);
  // Pickup orders still in the store's hands (accepted..ready) whose
  // hold_until is at or before `at_ms`, by hold_until.
  Result<std::vector<OrderRecord>> PickupOrdersHeldUntil(int64_t at_ms);

  Status InsertLine(Transaction& txn, const OrderLineRecord& l);
  // The order's lines in routed order.
  Result<std::vector<OrderLineRecord>> LinesOf(const std::string& order_id);
  // Writes the quantities and reasons of an existing line.
  Status UpdateLine(Transaction& txn, const OrderLineRecord& l);

  // ---- tasks and totes ----

  // Inserts and returns the new task id.
  Result<int64_t> InsertTask(Transaction& txn, const TaskRecord& t);
  Result<std::optional<TaskRecord>> FindTask(int64_t id);
  // Writes state, assignee, updated, urgent and escalated_at; sets started
  // the first time it is in_progress and finished when done or cancelled.
  Status UpdateTask(Transaction& txn, const TaskRecord& t);
  // Open and in-progress tasks of `kind`, oldest first.
  Result<std::vector<TaskRecord>> ActiveTasks(core::TaskKind kind);
  // Every task that names the order (pick tasks through their totes), oldest
  // first.
  Result<std::vector<TaskRecord>> TasksOfOrder(const std::string& order_id);

  Status InsertTote(Transaction& txn, const ToteRecord& t);
  // By tote slot.
  Result<std::vector<ToteRecord>> TotesOf(int64_t task_id);

  // ---- pick lines and records ----

  Result<int64_t> InsertPickLine(Transaction& txn, const PickLineRecord& l);
  Result<std::optional<PickLineRecord>> FindPickLine(int64_t id);
  // The task's lines in walk order.
  Result<std::vector<PickLineRecord>> PickLinesOfTask(int64_t task_id);
  // The order's lines (every task), by id.
  Result<std::vector<PickLineRecord>> PickLinesOfOrder(const std::string& order_id);
  // Writes picked, short, shipped, returned and state.
  Status UpdatePickLine(Transaction& txn, const PickLineRecord& l);
  // Units of `sku` that open pick lines still mean to take at `location`.
  Result<int64_t> PlannedAt(const std::string& sku, const std::string& location);
  // Units of `sku` picked at `location` that are still in the store but off
  // the shelf: in totes or packages (picked, not shipped, not handed to a
  // restock task) or waiting in a restock task.
  Result<int64_t> OffShelfAt(const std::string& sku, const std::string& location);

  Status InsertPickRecord(Transaction& txn, const PickRecord& r);
  // The order's records, oldest first.
  Result<std::vector<PickRecord>> PickRecordsOf(const std::string& order_id);

  // ---- packages ----

  // The number the next package gets (store-wide, from 1).
  Result<int64_t> NextPackageNumber();
  Status InsertPackage(Transaction& txn, const PackageRecord& p);
  Result<std::optional<PackageRecord>> FindPackage(const std::string& package_id);
  Result<std::optional<PackageRecord>> FindPackageByTracking(const std::string& tracking);
  // Writes every mutable column (weight, state, carrier, tracking, label,
  // label state, closed, shipped).
  Status UpdatePackage(Transaction& txn, const PackageRecord& p);
  // The order's packages by seq.
  Result<std::vector<PackageRecord>> PackagesOf(const std::string& order_id);
  // Closed packages of packed orders whose label was verified, not yet
  // handed off; of one carrier, or all when `carrier` is empty. By package id.
  Result<std::vector<PackageRecord>> ReadyPackages(const std::string& carrier);
  // Packages whose label is in `state`, by package id.
  Result<std::vector<PackageRecord>> PackagesWithLabel(LabelState state);

  // Adds `qty` of a line to a package (creating the row).
  Status AddPackageLine(Transaction& txn, const PackageLineRecord& l);
  Result<std::vector<PackageLineRecord>> PackageLinesOf(const std::string& package_id);

  // ---- restock ----

  Status InsertRestockUnit(Transaction& txn, const RestockUnitRecord& u);
  // The task's units by id.
  Result<std::vector<RestockUnitRecord>> RestockUnitsOf(int64_t task_id);
  // Writes to_location, state, associate, at.
  Status UpdateRestockUnit(Transaction& txn, const RestockUnitRecord& u);

 private:
  Database& db_;
};

}  // namespace edge::store
