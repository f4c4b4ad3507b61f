#include "edge/store/return_repo.h"

#include "order_rows.h"
#include "repo_rows.h"

namespace edge::store {

using rows::All;
using rows::OptInt;
using rows::OptText;

namespace {

#define RETURN_COLUMNS "id, order_id, line_id, sku, qty, condition, reason, location, associate, at"

ReturnRecord ReadReturn(const Statement& st) {
  ReturnRecord r;
  r.id = st.Int64(0);
  r.order_id = st.Text(1);
  r.line_id = st.Text(2);
  r.sku = st.Text(3);
  r.qty = st.Int64(4);
  r.condition = st.Text(5);
  r.reason = st.Text(6);
  r.location = OptText(st, 7);
  r.associate = st.Text(8);
  r.at_ms = st.Int64(9);
  return r;
}

#define ALLOCATION_COLUMNS "id, ref, order_id, line_id, sku, qty, at"

AllocationRecord ReadAllocation(const Statement& st) {
  AllocationRecord a;
  a.id = st.Int64(0);
  a.ref = st.Text(1);
  a.order_id = st.Text(2);
  a.line_id = st.Text(3);
  a.sku = st.Text(4);
  a.qty = st.Int64(5);
  a.at_ms = st.Int64(6);
  return a;
}

// The order line's columns as OrderRepo reads them, prefixed "l.", then the
// order's priority and routed time.
#define WAITING_COLUMNS ORDER_LINE_COLUMNS("l.") ", o.priority, o.routed"

WaitingLineRow ReadWaiting(const Statement& st) {
  WaitingLineRow w;
  w.line = ReadOrderLine(st, 0);
  const OrderLineRecord& l = w.line;
  w.priority = st.Int64(22);
  w.routed_ms = st.Int64(23);
  w.waiting = l.qty - l.accepted - l.rejected;
  return w;
}

// Waiting lines whose order can still take units (see return_repo.h).
#define WAITING_FROM                                                                          \
  " FROM order_lines l JOIN orders o ON o.order_id = l.order_id"                              \
  " WHERE l.fulfil <> 'now' AND l.qty - l.accepted - l.rejected > 0 AND o.state = 'accepted'" \
  " AND NOT EXISTS (SELECT 1 FROM task_orders t JOIN tasks k ON k.id = t.task_id"             \
  " WHERE t.order_id = o.order_id AND k.kind = 'pick' AND k.state IN ('open', 'in_progress'))"
#define WAITING_ORDER " ORDER BY o.priority, o.routed, o.order_id, l.idx"

}  // namespace

Result<int64_t> ReturnRepo::InsertReturn(Transaction& txn, const ReturnRecord& r) {
  REPO_CACHED(st, txn.db(),
              "INSERT INTO returns (order_id, line_id, sku, qty, condition, reason, location, associate, at) "
              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  st.Bind(1, r.order_id).Bind(2, r.line_id).Bind(3, r.sku).Bind(4, r.qty).Bind(5, r.condition);
  st.Bind(6, r.reason).Bind(7, r.location).Bind(8, r.associate).Bind(9, r.at_ms);
  EDGE_RETURN_IF_ERROR(
      st.Run().WithContext("insert return of order line '" + r.order_id + "'/'" + r.line_id + "'"));
  return txn.db().LastInsertRowid();
}

Result<std::vector<ReturnRecord>> ReturnRepo::ReturnsOf(const std::string& order_id) {
  REPO_CACHED(st, db_, "SELECT " RETURN_COLUMNS " FROM returns WHERE order_id = ?1 ORDER BY id");
  st.Bind(1, order_id);
  return All<ReturnRecord>(st, ReadReturn);
}

Result<int64_t> ReturnRepo::InsertAllocation(Transaction& txn, const AllocationRecord& a) {
  REPO_CACHED(
      st, txn.db(),
      "INSERT INTO allocations (ref, order_id, line_id, sku, qty, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  st.Bind(1, a.ref).Bind(2, a.order_id).Bind(3, a.line_id).Bind(4, a.sku).Bind(5, a.qty).Bind(6, a.at_ms);
  EDGE_RETURN_IF_ERROR(
      st.Run().WithContext("insert allocation to order line '" + a.order_id + "'/'" + a.line_id + "'"));
  return txn.db().LastInsertRowid();
}

Result<std::vector<AllocationRecord>> ReturnRepo::AllocationsOf(const std::string& order_id) {
  REPO_CACHED(st, db_, "SELECT " ALLOCATION_COLUMNS " FROM allocations WHERE order_id = ?1 ORDER BY id");
  st.Bind(1, order_id);
  return All<AllocationRecord>(st, ReadAllocation);
}

Result<std::vector<WaitingLineRow>> ReturnRepo::WaitingLines(const std::optional<std::string>& sku) {
  if (sku) {
    REPO_CACHED(st, db_, "SELECT " WAITING_COLUMNS WAITING_FROM " AND l.sku = ?1" WAITING_ORDER);
    st.Bind(1, *sku);
    return All<WaitingLineRow>(st, ReadWaiting);
  }
  REPO_CACHED(st, db_, "SELECT " WAITING_COLUMNS WAITING_FROM WAITING_ORDER);
  return All<WaitingLineRow>(st, ReadWaiting);
}

}  // namespace edge::store
