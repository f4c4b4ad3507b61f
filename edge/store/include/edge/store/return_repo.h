// ReturnRepo: the SQLite side of in-store returns and of incoming stock
// given to waiting backorder/preorder lines (schema in sql/0006_pickup.sql:
// tables `returns` and `allocations`, order_lines.returned and .allocated).
// The records, ReturnRecord and AllocationRecord, are declared in
// pickup_repo.h.
//
// Like OrderRepo it holds no state: writes take the caller's Transaction so
// that one OrderService command changes these rows, the order rows, the
// stock and the outbox together. io_context thread only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "edge/core/status.h"
#include "edge/store/database.h"
#include "edge/store/order_repo.h"
#include "edge/store/pickup_repo.h"

namespace edge::store {

// A backorder/preorder line still waiting for units, with what orders it.
struct WaitingLineRow {
  OrderLineRecord line;
  int64_t priority = 0;   // the order's (lower = more urgent)
  int64_t routed_ms = 0;  // the order's age
  int64_t waiting = 0;    // qty - accepted - rejected
};

class ReturnRepo {
 public:
  explicit ReturnRepo(Database& db) : db_(db) {}

  // ---- returns ----
  // Inserts and returns the new row's id (`id` of `r` is ignored).
  Result<int64_t> InsertReturn(Transaction& txn, const ReturnRecord& r);
  // The order's returns, oldest first.
  Result<std::vector<ReturnRecord>> ReturnsOf(const std::string& order_id);

  // ---- allocations ----
  Result<int64_t> InsertAllocation(Transaction& txn, const AllocationRecord& a);
  // The order's allocations, oldest first.
  Result<std::vector<AllocationRecord>> AllocationsOf(const std::string& order_id);

  // Backorder/preorder lines (fulfil <> 'now') still waiting for units
  // (qty - accepted - rejected > 0), of `sku` or of every SKU, in allocation
  // order: order priority (lower first), then the order's age (routed
  // first), then order id, then the line's place in the order.
  //
  // Only lines that can still receive units are listed: their order is
  // `accepted` and in no active pick task. New units become pick work only
  // there: a pick task is made for accepted orders only and plans every
  // accepted unit of the order, and an order in a pick task (or past one) is
  // picked when the units accepted at the time are — units accepted later
  // would never be picked.
  Result<std::vector<WaitingLineRow>> WaitingLines(const std::optional<std::string>& sku);

 private:
  Database& db_;
};

}  // namespace edge::store
