#include "edge/store/order_repo.h"

#include <algorithm>
#include <tuple>

#include "order_rows.h"
#include "repo_rows.h"

namespace edge::store {

namespace {

using rows::All;
using rows::One;
using rows::OptInt;
using rows::OptText;
#define ORD_CACHED REPO_CACHED

#define ORDER_COLUMNS                                                                                  \
  "order_id, order_ref, kind, state, priority, placed_at, promised_by, hold_until, pickup_code_hash, " \
  "customer, ship_to, carrier_service, routed, updated, cancel_reason, cancel_restock, picked_at, "    \
  "packed_at, ready_at, closed_at, staging_location, pickup_locked_at, reminded_at, escalated"

OrderRecord ReadOrder(const Statement& st) {
  OrderRecord o;
  o.order_id = st.Text(0);
  o.order_ref = st.Text(1);
  core::ParseOrderKind(st.Text(2), &o.kind);
  core::ParseOrderState(st.Text(3), &o.state);
  o.priority = st.Int64(4);
  o.placed_at_ms = OptInt(st, 5);
  o.promised_by_ms = OptInt(st, 6);
  o.hold_until_ms = OptInt(st, 7);
  o.pickup_code_hash = OptText(st, 8);
  o.customer_json = st.Text(9);
  o.ship_to_json = st.Text(10);
  o.carrier_service = st.Text(11);
  o.routed_ms = st.Int64(12);
  o.updated_ms = st.Int64(13);
  o.cancel_reason = OptText(st, 14);
  o.cancel_restock = st.Int64(15) != 0;
  o.picked_at_ms = OptInt(st, 16);
  o.packed_at_ms = OptInt(st, 17);
  o.ready_at_ms = OptInt(st, 18);
  o.closed_at_ms = OptInt(st, 19);
  o.staging_location = OptText(st, 20);
  o.pickup_locked_at_ms = OptInt(st, 21);
  o.reminded_at_ms = OptInt(st, 22);
  o.escalated = st.Int64(23) != 0;
  return o;
}

#define LINE_COLUMNS ORDER_LINE_COLUMNS("")

OrderLineRecord ReadLine(const Statement& st) { return ReadOrderLine(st, 0); }

#define TASK_COLUMNS                                                                                      \
  "id, kind, state, assignee, batch, order_id, created_by, created, updated, started, finished, urgent, " \
  "escalated_at"

TaskRecord ReadTask(const Statement& st) {
  TaskRecord t;
  t.id = st.Int64(0);
  core::ParseTaskKind(st.Text(1), &t.kind);
  core::ParseTaskState(st.Text(2), &t.state);
  t.assignee = OptText(st, 3);
  t.batch = st.Int64(4) != 0;
  t.order_id = OptText(st, 5);
  t.created_by = st.Text(6);
  t.created_ms = st.Int64(7);
  t.updated_ms = st.Int64(8);
  t.started_ms = OptInt(st, 9);
  t.finished_ms = OptInt(st, 10);
  t.urgent = st.Int64(11) != 0;
  t.escalated_at_ms = OptInt(st, 12);
  return t;
}

#define PICK_LINE_COLUMNS                                                                                  \
  "id, task_id, order_id, line_id, sku, location, seq, tote_slot, qty, picked, short, shipped, returned, " \
  "state"

PickLineState ParsePickLineState(const std::string& s) {
  if (s == "done") return PickLineState::kDone;
  if (s == "cancelled") return PickLineState::kCancelled;
  return PickLineState::kOpen;
}

PickLineRecord ReadPickLine(const Statement& st) {
  PickLineRecord l;
  l.id = st.Int64(0);
  l.task_id = st.Int64(1);
  l.order_id = st.Text(2);
  l.line_id = st.Text(3);
  l.sku = st.Text(4);
  l.location = st.Text(5);
  l.seq = st.Int64(6);
  l.tote_slot = static_cast<int>(st.Int64(7));
  l.qty = st.Int64(8);
  l.picked = st.Int64(9);
  l.shorted = st.Int64(10);
  l.shipped = st.Int64(11);
  l.returned = st.Int64(12);
  l.state = ParsePickLineState(st.Text(13));
  return l;
}

#define PICK_RECORD_COLUMNS \
  "id, task_id, pick_line_id, order_id, line_id, sku, location, qty, method, reason, scan, associate, at"

PickRecord ReadPickRecord(const Statement& st) {
  PickRecord r;
  r.id = st.Int64(0);
  r.task_id = st.Int64(1);
  r.pick_line_id = st.Int64(2);
  r.order_id = st.Text(3);
  r.line_id = st.Text(4);
  r.sku = st.Text(5);
  r.location = st.Text(6);
  r.qty = st.Int64(7);
  r.method = st.Text(8);
  r.reason = OptText(st, 9);
  r.scan = OptText(st, 10);
  r.associate = st.Text(11);
  r.at_ms = st.Int64(12);
  return r;
}

#define PACKAGE_COLUMNS                                                                                   \
  "package_id, order_id, seq, box, length_mm, width_mm, height_mm, weight_g, state, station, packed_by, " \
  "carrier, "                                                                                             \
  "tracking, label_format, label, label_state, created, closed, shipped"

PackageState ParsePackageState(const std::string& s) {
  if (s == "closed") return PackageState::kClosed;
  if (s == "shipped") return PackageState::kShipped;
  if (s == "cancelled") return PackageState::kCancelled;
  return PackageState::kOpen;
}

LabelState ParseLabelState(const std::string& s) {
  if (s == "received") return LabelState::kReceived;
  if (s == "queued") return LabelState::kQueued;
  if (s == "verified") return LabelState::kVerified;
  if (s == "voided") return LabelState::kVoided;
  return LabelState::kNone;
}

PackageRecord ReadPackage(const Statement& st) {
  PackageRecord p;
  p.package_id = st.Text(0);
  p.order_id = st.Text(1);
  p.seq = st.Int64(2);
  p.box = st.Text(3);
  p.length_mm = st.Int64(4);
  p.width_mm = st.Int64(5);
  p.height_mm = st.Int64(6);
  p.weight_g = OptInt(st, 7);
  p.state = ParsePackageState(st.Text(8));
  p.station = st.Text(9);
  p.packed_by = st.Text(10);
  p.carrier = OptText(st, 11);
  p.tracking = OptText(st, 12);
  p.label_format = OptText(st, 13);
  if (!st.IsNull(14)) p.label = st.Blob(14);
  p.label_state = ParseLabelState(st.Text(15));
  p.created_ms = st.Int64(16);
  p.closed_ms = OptInt(st, 17);
  p.shipped_ms = OptInt(st, 18);
  return p;
}

#define RESTOCK_COLUMNS \
  "id, task_id, order_id, line_id, sku, from_location, to_location, state, associate, at"

RestockUnitRecord ReadRestock(const Statement& st) {
  RestockUnitRecord u;
  u.id = st.Int64(0);
  u.task_id = st.Int64(1);
  u.order_id = st.Text(2);
  u.line_id = st.Text(3);
  u.sku = st.Text(4);
  u.from_location = st.Text(5);
  u.to_location = OptText(st, 6);
  u.done = st.Text(7) == "done";
  u.associate = OptText(st, 8);
  u.at_ms = OptInt(st, 9);
  return u;
}

}  // namespace

const char* PickLineStateName(PickLineState s) {
  switch (s) {
    case PickLineState::kOpen:
      return "open";
    case PickLineState::kDone:
      return "done";
    case PickLineState::kCancelled:
      return "cancelled";
  }
  return "open";
}

const char* PackageStateName(PackageState s) {
  switch (s) {
    case PackageState::kOpen:
      return "open";
    case PackageState::kClosed:
      return "closed";
    case PackageState::kShipped:
      return "shipped";
    case PackageState::kCancelled:
      return "cancelled";
  }
  return "open";
}

const char* LabelStateName(LabelState s) {
  switch (s) {
    case LabelState::kNone:
      return "none";
    case LabelState::kReceived:
      return "received";
    case LabelState::kQueued:
      return "queued";
    case LabelState::kVerified:
      return "verified";
    case LabelState::kVoided:
      return "voided";
  }
  return "none";
}

// ---- orders and lines ----

namespace {

// Parameters 17..24 of the insert and the update: the milestone times and
// the pickup fields.
void BindMilestones(Statement& st, const OrderRecord& o) {
  st.Bind(17, o.picked_at_ms).Bind(18, o.packed_at_ms).Bind(19, o.ready_at_ms).Bind(20, o.closed_at_ms);
  st.Bind(21, o.staging_location).Bind(22, o.pickup_locked_at_ms).Bind(23, o.reminded_at_ms);
  st.Bind(24, static_cast<int64_t>(o.escalated));
}

}  // namespace

Status OrderRepo::InsertOrder(Transaction& txn, const OrderRecord& o) {
  ORD_CACHED(
      st, txn.db(),
      "INSERT INTO orders (" ORDER_COLUMNS
      ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, "
      "?20, ?21, ?22, ?23, ?24)");
  st.Bind(1, o.order_id).Bind(2, o.order_ref).Bind(3, core::OrderKindName(o.kind));
  st.Bind(4, core::OrderStateName(o.state)).Bind(5, o.priority).Bind(6, o.placed_at_ms);
  st.Bind(7, o.promised_by_ms).Bind(8, o.hold_until_ms).Bind(9, o.pickup_code_hash).Bind(10, o.customer_json);
  st.Bind(11, o.ship_to_json).Bind(12, o.carrier_service).Bind(13, o.routed_ms).Bind(14, o.updated_ms);
  st.Bind(15, o.cancel_reason).Bind(16, static_cast<int64_t>(o.cancel_restock));
  BindMilestones(st, o);
  return st.Run().WithContext("insert order '" + o.order_id + "'");
}

Result<std::optional<OrderRecord>> OrderRepo::FindOrder(const std::string& order_id) {
  ORD_CACHED(st, db_, "SELECT " ORDER_COLUMNS " FROM orders WHERE order_id = ?1");
  st.Bind(1, order_id);
  return One<OrderRecord>(st, ReadOrder);
}

Status OrderRepo::UpdateOrder(Transaction& txn, const OrderRecord& o) {
  ORD_CACHED(
      st, txn.db(),
      "UPDATE orders SET state = ?2, priority = ?3, promised_by = ?4, hold_until = ?5, customer = ?6, "
      "updated = ?7, cancel_reason = ?8, cancel_restock = ?9, pickup_code_hash = ?10, picked_at = ?17, "
      "packed_at = ?18, ready_at = ?19, closed_at = ?20, staging_location = ?21, pickup_locked_at = ?22, "
      "reminded_at = ?23, escalated = ?24 WHERE order_id = ?1");
  st.Bind(1, o.order_id).Bind(2, core::OrderStateName(o.state)).Bind(3, o.priority).Bind(4, o.promised_by_ms);
  st.Bind(5, o.hold_until_ms).Bind(6, o.customer_json).Bind(7, o.updated_ms).Bind(8, o.cancel_reason);
  st.Bind(9, static_cast<int64_t>(o.cancel_restock)).Bind(10, o.pickup_code_hash);
  BindMilestones(st, o);
  EDGE_RETURN_IF_ERROR(st.Run());
  if (txn.db().Changes() == 0) return Status::NotFound("order '" + o.order_id + "' is unknown");
  return Status::Ok();
}

Result<int64_t> OrderRepo::CountOpenOrders() {
  // Kept by the triggers of sql/0007_open_orders.sql: one row read, however
  // many orders are open (counting them was once per routed order).
  ORD_CACHED(st, db_, "SELECT open FROM order_counts WHERE id = 1");
  auto row = st.Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::Corruption("order_counts has no row");
  return st.Int64(0);
}

Result<int64_t> OrderRepo::RecountOpenOrders() {
  ORD_CACHED(st, db_,
             "SELECT count(*) FROM orders WHERE state IN ('accepted', 'picking', 'picked', 'packed')");
  auto row = st.Step();
  if (!row.ok()) return row.status();
  return st.Int64(0);
}

Result<std::vector<OrderRecord>> OrderRepo::OrdersAwaitingPick() {
  ORD_CACHED(st, db_,
             "SELECT " ORDER_COLUMNS
             " FROM orders o WHERE state = 'accepted' AND NOT EXISTS ("
             "SELECT 1 FROM task_orders t JOIN tasks k ON k.id = t.task_id "
             "WHERE t.order_id = o.order_id AND k.state IN ('open', 'in_progress'))");
  return All<OrderRecord>(st, ReadOrder);
}

Result<std::vector<OrderRecord>> OrderRepo::OrdersIn(core::OrderState state) {
  ORD_CACHED(st, db_, "SELECT " ORDER_COLUMNS " FROM orders WHERE state = ?1 ORDER BY routed, order_id");
  st.Bind(1, core::OrderStateName(state));
  return All<OrderRecord>(st, ReadOrder);
}

Result<std::vector<OrderRecord>> OrderRepo::OrdersByRef(const std::string& order_ref) {
  // Sorted here: an ORDER BY would build a temporary b-tree for each call
  // (the kiosk's every lookup), for what is nearly always one row.
  ORD_CACHED(st, db_, "SELECT " ORDER_COLUMNS " FROM orders WHERE order_ref = ?1");
  st.Bind(1, order_ref);
  auto out = All<OrderRecord>(st, ReadOrder);
  if (out.ok() && out->size() > 1) {
    std::sort(out->begin(), out->end(), [](const OrderRecord& a, const OrderRecord& b) {
      return std::tie(a.routed_ms, a.order_id) < std::tie(b.routed_ms, b.order_id);
    });
  }
  return out;
}

Result<std::vector<OrderRecord>> OrderRepo::OpenPickupOrdersByName(const std::string& text, int limit) {
  // instr() on lower(): no LIKE wildcards to escape in what was typed.
  ORD_CACHED(st, db_,
             "SELECT " ORDER_COLUMNS
             " FROM orders WHERE kind IN ('bopis', 'curbside') AND "
             "state IN ('accepted', 'picking', 'picked', 'ready') AND "
             "(instr(lower(coalesce(json_extract(customer, '$.first_name'), '')), lower(?1)) > 0 OR "
             "instr(lower(coalesce(json_extract(customer, '$.last_name'), '')), lower(?1)) > 0) "
             "ORDER BY routed, order_id LIMIT ?2");
  st.Bind(1, text).Bind(2, static_cast<int64_t>(limit));
  return All<OrderRecord>(st, ReadOrder);
}

Result<std::vector<OrderRecord>> OrderRepo::PickupOrdersHeldUntil(int64_t at_ms) {
  ORD_CACHED(st, db_,
             "SELECT " ORDER_COLUMNS
             " FROM orders WHERE state IN ('accepted', 'picking', 'picked', 'ready') AND "
             "kind IN ('bopis', 'curbside') AND hold_until <= ?1 ORDER BY hold_until, order_id");
  st.Bind(1, at_ms);
  return All<OrderRecord>(st, ReadOrder);
}

Status OrderRepo::InsertLine(Transaction& txn, const OrderLineRecord& l) {
  ORD_CACHED(
      st, txn.db(),
      "INSERT INTO order_lines (" LINE_COLUMNS
      ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, "
      "?20, ?21, ?22)");
  st.Bind(1, l.order_id)
      .Bind(2, l.line_id)
      .Bind(3, l.idx)
      .Bind(4, l.sku)
      .Bind(5, l.gtin)
      .Bind(6, l.description);
  st.Bind(7, l.qty).Bind(8, core::FulfilName(l.fulfil)).Bind(9, l.expected_at_ms).Bind(10, l.accepted);
  st.Bind(11, l.rejected).Bind(12, l.reject_reason).Bind(13, l.picked).Bind(14, l.shorted);
  st.Bind(15, l.short_reason).Bind(16, l.packed).Bind(17, l.shipped).Bind(18, l.restocked);
  st.Bind(19, l.picked_up).Bind(20, l.refused).Bind(21, l.returned).Bind(22, l.allocated);
  return st.Run().WithContext("insert order line '" + l.order_id + "'/'" + l.line_id + "'");
}

Result<std::vector<OrderLineRecord>> OrderRepo::LinesOf(const std::string& order_id) {
  ORD_CACHED(st, db_, "SELECT " LINE_COLUMNS " FROM order_lines WHERE order_id = ?1 ORDER BY idx");
  st.Bind(1, order_id);
  return All<OrderLineRecord>(st, ReadLine);
}

Status OrderRepo::UpdateLine(Transaction& txn, const OrderLineRecord& l) {
  ORD_CACHED(
      st, txn.db(),
      "UPDATE order_lines SET accepted = ?3, rejected = ?4, reject_reason = ?5, picked = ?6, short = ?7, "
      "short_reason = ?8, packed = ?9, shipped = ?10, restocked = ?11, picked_up = ?12, refused = ?13, "
      "returned = ?14, allocated = ?15 WHERE order_id = ?1 AND line_id = ?2");
  st.Bind(1, l.order_id).Bind(2, l.line_id).Bind(3, l.accepted).Bind(4, l.rejected).Bind(5, l.reject_reason);
  st.Bind(6, l.picked).Bind(7, l.shorted).Bind(8, l.short_reason).Bind(9, l.packed).Bind(10, l.shipped);
  st.Bind(11, l.restocked)
      .Bind(12, l.picked_up)
      .Bind(13, l.refused)
      .Bind(14, l.returned)
      .Bind(15, l.allocated);
  EDGE_RETURN_IF_ERROR(st.Run().WithContext("update order line '" + l.order_id + "'/'" + l.line_id + "'"));
  if (txn.db().Changes() == 0) return Status::NotFound("order line '" + l.order_id + "'/'" + l.line_id + "'");
  return Status::Ok();
}

// ---- tasks and totes ----

Result<int64_t> OrderRepo::InsertTask(Transaction& txn, const TaskRecord& t) {
  ORD_CACHED(
      st, txn.db(),
      "INSERT INTO tasks (kind, state, assignee, batch, order_id, created_by, created, updated, urgent) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  st.Bind(1, core::TaskKindName(t.kind)).Bind(2, core::TaskStateName(t.state)).Bind(3, t.assignee);
  st.Bind(4, static_cast<int64_t>(t.batch)).Bind(5, t.order_id).Bind(6, t.created_by).Bind(7, t.created_ms);
  st.Bind(8, t.updated_ms).Bind(9, static_cast<int64_t>(t.urgent));
  EDGE_RETURN_IF_ERROR(st.Run().WithContext("insert task"));
  return txn.db().LastInsertRowid();
}

Result<std::optional<TaskRecord>> OrderRepo::FindTask(int64_t id) {
  ORD_CACHED(st, db_, "SELECT " TASK_COLUMNS " FROM tasks WHERE id = ?1");
  st.Bind(1, id);
  return One<TaskRecord>(st, ReadTask);
}

Status OrderRepo::UpdateTask(Transaction& txn, const TaskRecord& t) {
  // started: the first time it went in progress; finished: when it became
  // done or cancelled (both for reports).
  ORD_CACHED(
      st, txn.db(),
      "UPDATE tasks SET state = ?2, assignee = ?3, updated = ?4, urgent = ?5, escalated_at = ?6, "
      "started = coalesce(started, CASE WHEN ?2 = 'in_progress' THEN ?4 END), "
      "finished = CASE WHEN ?2 IN ('done', 'cancelled') THEN coalesce(finished, ?4) END WHERE id = ?1");
  st.Bind(1, t.id).Bind(2, core::TaskStateName(t.state)).Bind(3, t.assignee).Bind(4, t.updated_ms);
  st.Bind(5, static_cast<int64_t>(t.urgent)).Bind(6, t.escalated_at_ms);
  EDGE_RETURN_IF_ERROR(st.Run().WithContext("update task " + std::to_string(t.id)));
  if (txn.db().Changes() == 0) return Status::NotFound("task " + std::to_string(t.id) + " is unknown");
  return Status::Ok();
}

Result<std::vector<TaskRecord>> OrderRepo::ActiveTasks(core::TaskKind kind) {
  ORD_CACHED(st, db_,
             "SELECT " TASK_COLUMNS
             " FROM tasks WHERE kind = ?1 AND state IN ('open', 'in_progress') ORDER BY id");
  st.Bind(1, core::TaskKindName(kind));
  return All<TaskRecord>(st, ReadTask);
}

Result<std::vector<TaskRecord>> OrderRepo::TasksOfOrder(const std::string& order_id) {
  ORD_CACHED(st, db_,
             "SELECT " TASK_COLUMNS
             " FROM tasks WHERE order_id = ?1 OR id IN "
             "(SELECT task_id FROM task_orders WHERE order_id = ?1) ORDER BY id");
  st.Bind(1, order_id);
  return All<TaskRecord>(st, ReadTask);
}

Status OrderRepo::InsertTote(Transaction& txn, const ToteRecord& t) {
  ORD_CACHED(st, txn.db(),
             "INSERT INTO task_orders (task_id, order_id, tote_slot, tote) VALUES (?1, ?2, ?3, ?4)");
  st.Bind(1, t.task_id).Bind(2, t.order_id).Bind(3, static_cast<int64_t>(t.tote_slot)).Bind(4, t.tote);
  return st.Run().WithContext("insert tote of task " + std::to_string(t.task_id));
}

Result<std::vector<ToteRecord>> OrderRepo::TotesOf(int64_t task_id) {
  ORD_CACHED(
      st, db_,
      "SELECT task_id, order_id, tote_slot, tote FROM task_orders WHERE task_id = ?1 ORDER BY tote_slot");
  st.Bind(1, task_id);
  return All<ToteRecord>(st, [](const Statement& s) {
    return ToteRecord{s.Int64(0), s.Text(1), static_cast<int>(s.Int64(2)), s.Text(3)};
  });
}

// ---- pick lines and records ----

Result<int64_t> OrderRepo::InsertPickLine(Transaction& txn, const PickLineRecord& l) {
  ORD_CACHED(
      st, txn.db(),
      "INSERT INTO pick_lines (task_id, order_id, line_id, sku, location, seq, tote_slot, qty, picked, "
      "short, shipped, returned, state) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
  st.Bind(1, l.task_id)
      .Bind(2, l.order_id)
      .Bind(3, l.line_id)
      .Bind(4, l.sku)
      .Bind(5, l.location)
      .Bind(6, l.seq);
  st.Bind(7, static_cast<int64_t>(l.tote_slot)).Bind(8, l.qty).Bind(9, l.picked).Bind(10, l.shorted);
  st.Bind(11, l.shipped).Bind(12, l.returned).Bind(13, PickLineStateName(l.state));
  EDGE_RETURN_IF_ERROR(st.Run().WithContext("insert pick line"));
  return txn.db().LastInsertRowid();
}

Result<std::optional<PickLineRecord>> OrderRepo::FindPickLine(int64_t id) {
  ORD_CACHED(st, db_, "SELECT " PICK_LINE_COLUMNS " FROM pick_lines WHERE id = ?1");
  st.Bind(1, id);
  return One<PickLineRecord>(st, ReadPickLine);
}

Result<std::vector<PickLineRecord>> OrderRepo::PickLinesOfTask(int64_t task_id) {
  ORD_CACHED(st, db_, "SELECT " PICK_LINE_COLUMNS " FROM pick_lines WHERE task_id = ?1 ORDER BY seq, id");
  st.Bind(1, task_id);
  return All<PickLineRecord>(st, ReadPickLine);
}

Result<std::vector<PickLineRecord>> OrderRepo::PickLinesOfOrder(const std::string& order_id) {
  ORD_CACHED(st, db_, "SELECT " PICK_LINE_COLUMNS " FROM pick_lines WHERE order_id = ?1 ORDER BY id");
  st.Bind(1, order_id);
  return All<PickLineRecord>(st, ReadPickLine);
}

Status OrderRepo::UpdatePickLine(Transaction& txn, const PickLineRecord& l) {
  ORD_CACHED(
      st, txn.db(),
      "UPDATE pick_lines SET picked = ?2, short = ?3, shipped = ?4, returned = ?5, state = ?6 WHERE id = ?1");
  st.Bind(1, l.id).Bind(2, l.picked).Bind(3, l.shorted).Bind(4, l.shipped).Bind(5, l.returned);
  st.Bind(6, PickLineStateName(l.state));
  EDGE_RETURN_IF_ERROR(st.Run().WithContext("update pick line " + std::to_string(l.id)));
  if (txn.db().Changes() == 0) return Status::NotFound("pick line " + std::to_string(l.id) + " is unknown");
  return Status::Ok();
}

Result<int64_t> OrderRepo::PlannedAt(const std::string& sku, const std::string& location) {
  ORD_CACHED(st, db_,
             "SELECT coalesce(sum(qty - picked - short), 0) FROM pick_lines "
             "WHERE sku = ?1 AND location = ?2 AND state = 'open'");
  st.Bind(1, sku).Bind(2, location);
  auto row = st.Step();
  if (!row.ok()) return row.status();
  return st.Int64(0);
}

Result<int64_t> OrderRepo::OffShelfAt(const std::string& sku, const std::string& location) {
  ORD_CACHED(st, db_,
             "SELECT (SELECT coalesce(sum(picked - shipped - returned), 0) FROM pick_lines "
             "        WHERE sku = ?1 AND location = ?2) + "
             "       (SELECT count(*) FROM restock_units "
             "        WHERE sku = ?1 AND from_location = ?2 AND state = 'pending')");
  st.Bind(1, sku).Bind(2, location);
  auto row = st.Step();
  if (!row.ok()) return row.status();
  return st.Int64(0);
}

Status OrderRepo::InsertPickRecord(Transaction& txn, const PickRecord& r) {
  ORD_CACHED(
      st, txn.db(),
      "INSERT INTO pick_records (task_id, pick_line_id, order_id, line_id, sku, location, qty, method, "
      "reason, scan, associate, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
  st.Bind(1, r.task_id).Bind(2, r.pick_line_id).Bind(3, r.order_id).Bind(4, r.line_id).Bind(5, r.sku);
  st.Bind(6, r.location).Bind(7, r.qty).Bind(8, r.method).Bind(9, r.reason).Bind(10, r.scan);
  st.Bind(11, r.associate).Bind(12, r.at_ms);
  return st.Run().WithContext("insert pick record");
}

Result<std::vector<PickRecord>> OrderRepo::PickRecordsOf(const std::string& order_id) {
  ORD_CACHED(st, db_, "SELECT " PICK_RECORD_COLUMNS " FROM pick_records WHERE order_id = ?1 ORDER BY id");
  st.Bind(1, order_id);
  return All<PickRecord>(st, ReadPickRecord);
}

// ---- packages ----

Result<int64_t> OrderRepo::NextPackageNumber() {
  ORD_CACHED(st, db_, "SELECT count(*) + 1 FROM packages");
  auto row = st.Step();
  if (!row.ok()) return row.status();
  return st.Int64(0);
}

Status OrderRepo::InsertPackage(Transaction& txn, const PackageRecord& p) {
  ORD_CACHED(
      st, txn.db(),
      "INSERT INTO packages (" PACKAGE_COLUMNS
      ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)");
  st.Bind(1, p.package_id).Bind(2, p.order_id).Bind(3, p.seq).Bind(4, p.box).Bind(5, p.length_mm);
  st.Bind(6, p.width_mm).Bind(7, p.height_mm).Bind(8, p.weight_g).Bind(9, PackageStateName(p.state));
  st.Bind(10, p.station)
      .Bind(11, p.packed_by)
      .Bind(12, p.carrier)
      .Bind(13, p.tracking)
      .Bind(14, p.label_format);
  if (p.label) {
    st.BindBlob(15, *p.label);
  } else {
    st.BindNull(15);
  }
  st.Bind(16, LabelStateName(p.label_state))
      .Bind(17, p.created_ms)
      .Bind(18, p.closed_ms)
      .Bind(19, p.shipped_ms);
  return st.Run().WithContext("insert package '" + p.package_id + "'");
}

Result<std::optional<PackageRecord>> OrderRepo::FindPackage(const std::string& package_id) {
  ORD_CACHED(st, db_, "SELECT " PACKAGE_COLUMNS " FROM packages WHERE package_id = ?1");
  st.Bind(1, package_id);
  return One<PackageRecord>(st, ReadPackage);
}

Result<std::optional<PackageRecord>> OrderRepo::FindPackageByTracking(const std::string& tracking) {
  ORD_CACHED(st, db_,
             "SELECT " PACKAGE_COLUMNS
             " FROM packages WHERE tracking = ?1 AND state <> 'cancelled' "
             "ORDER BY created DESC LIMIT 1");
  st.Bind(1, tracking);
  return One<PackageRecord>(st, ReadPackage);
}

Status OrderRepo::UpdatePackage(Transaction& txn, const PackageRecord& p) {
  ORD_CACHED(st, txn.db(),
             "UPDATE packages SET weight_g = ?2, state = ?3, carrier = ?4, tracking = ?5, label_format = ?6, "
             "label = ?7, label_state = ?8, closed = ?9, shipped = ?10 WHERE package_id = ?1");
  st.Bind(1, p.package_id).Bind(2, p.weight_g).Bind(3, PackageStateName(p.state)).Bind(4, p.carrier);
  st.Bind(5, p.tracking).Bind(6, p.label_format);
  if (p.label) {
    st.BindBlob(7, *p.label);
  } else {
    st.BindNull(7);
  }
  st.Bind(8, LabelStateName(p.label_state)).Bind(9, p.closed_ms).Bind(10, p.shipped_ms);
  EDGE_RETURN_IF_ERROR(st.Run().WithContext("update package '" + p.package_id + "'"));
  if (txn.db().Changes() == 0) return Status::NotFound("package '" + p.package_id + "' is unknown");
  return Status::Ok();
}

Result<std::vector<PackageRecord>> OrderRepo::PackagesOf(const std::string& order_id) {
  ORD_CACHED(st, db_, "SELECT " PACKAGE_COLUMNS " FROM packages WHERE order_id = ?1 ORDER BY seq");
  st.Bind(1, order_id);
  return All<PackageRecord>(st, ReadPackage);
}

Result<std::vector<PackageRecord>> OrderRepo::ReadyPackages(const std::string& carrier) {
  ORD_CACHED(st, db_,
             "SELECT " PACKAGE_COLUMNS
             " FROM packages p WHERE state = 'closed' AND label_state = 'verified' "
             "AND (?1 = '' OR carrier = ?1) AND "
             "(SELECT state FROM orders o WHERE o.order_id = p.order_id) = 'packed' ORDER BY package_id");
  st.Bind(1, carrier);
  return All<PackageRecord>(st, ReadPackage);
}

Result<std::vector<PackageRecord>> OrderRepo::PackagesWithLabel(LabelState state) {
  ORD_CACHED(st, db_, "SELECT " PACKAGE_COLUMNS " FROM packages WHERE label_state = ?1 ORDER BY package_id");
  st.Bind(1, LabelStateName(state));
  return All<PackageRecord>(st, ReadPackage);
}

Status OrderRepo::AddPackageLine(Transaction& txn, const PackageLineRecord& l) {
  ORD_CACHED(st, txn.db(),
             "INSERT INTO package_lines (package_id, order_id, line_id, qty) VALUES (?1, ?2, ?3, ?4) "
             "ON CONFLICT (package_id, line_id) DO UPDATE SET qty = qty + excluded.qty");
  st.Bind(1, l.package_id).Bind(2, l.order_id).Bind(3, l.line_id).Bind(4, l.qty);
  return st.Run().WithContext("add to package '" + l.package_id + "'");
}

Result<std::vector<PackageLineRecord>> OrderRepo::PackageLinesOf(const std::string& package_id) {
  ORD_CACHED(st, db_,
             "SELECT p.package_id, p.order_id, p.line_id, p.qty FROM package_lines p "
             "JOIN order_lines l ON l.order_id = p.order_id AND l.line_id = p.line_id "
             "WHERE p.package_id = ?1 ORDER BY l.idx");
  st.Bind(1, package_id);
  return All<PackageLineRecord>(st, [](const Statement& s) {
    return PackageLineRecord{s.Text(0), s.Text(1), s.Text(2), s.Int64(3)};
  });
}

// ---- restock ----

Status OrderRepo::InsertRestockUnit(Transaction& txn, const RestockUnitRecord& u) {
  ORD_CACHED(st, txn.db(),
             "INSERT INTO restock_units (task_id, order_id, line_id, sku, from_location, to_location, state, "
             "associate, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  st.Bind(1, u.task_id).Bind(2, u.order_id).Bind(3, u.line_id).Bind(4, u.sku).Bind(5, u.from_location);
  st.Bind(6, u.to_location).Bind(7, u.done ? "done" : "pending").Bind(8, u.associate).Bind(9, u.at_ms);
  return st.Run().WithContext("insert restock unit");
}

Result<std::vector<RestockUnitRecord>> OrderRepo::RestockUnitsOf(int64_t task_id) {
  ORD_CACHED(st, db_, "SELECT " RESTOCK_COLUMNS " FROM restock_units WHERE task_id = ?1 ORDER BY id");
  st.Bind(1, task_id);
  return All<RestockUnitRecord>(st, ReadRestock);
}

Status OrderRepo::UpdateRestockUnit(Transaction& txn, const RestockUnitRecord& u) {
  ORD_CACHED(st, txn.db(),
             "UPDATE restock_units SET to_location = ?2, state = ?3, associate = ?4, at = ?5 WHERE id = ?1");
  st.Bind(1, u.id).Bind(2, u.to_location).Bind(3, u.done ? "done" : "pending").Bind(4, u.associate);
  st.Bind(5, u.at_ms);
  EDGE_RETURN_IF_ERROR(st.Run().WithContext("update restock unit " + std::to_string(u.id)));
  if (txn.db().Changes() == 0)
    return Status::NotFound("restock unit " + std::to_string(u.id) + " is unknown");
  return Status::Ok();
}

}  // namespace edge::store
