// OrderService: backorder and pre-order lines (issue 6). Such lines are
// stored at intake without an answer; when stock of their SKU is received
// (InventoryService: Adjust with kind receipt, or inventory.delta with
// reason "receipt"), the inventory service calls AllocateReceivedIn inside
// the receipt's transaction, and the units go to the waiting lines by order
// priority (lower first), then age (routed first). Each line given units has
// them accepted, allocated and reserved like a `now` line's, and each order
// given units is told by one order.accepted with the units accepted now.
//
// Which orders receive units: those `accepted` and in no active pick task
// (store::ReturnRepo::WaitingLines says why). Units are never promised
// below availability: at most max(0, available) of the SKU after the
// receipt are given, so a receipt that only makes up for stock sold before
// allocates nothing.
#include <algorithm>
#include <vector>

#include "edge/app/order_service.h"
#include "edge/core/inventory.h"
#include "edge/log/log.h"
#include "order_internal.h"

namespace edge::app {

using core::Result;
using core::Status;
using json = nlohmann::json;
using namespace order_internal;

OrderService::ReceiptHook::ReceiptHook(InventoryService& inventory, OrderService& orders)
    : inventory_(inventory) {
  inventory_.SetReceiptListener([&orders](store::Transaction& txn, const std::string& sku, int64_t qty,
                                          const std::string& ref) -> Status {
    auto r = orders.AllocateReceivedIn(txn, sku, qty, ref);
    return r.ok() ? Status::Ok() : r.status();
  });
}

OrderService::ReceiptHook::~ReceiptHook() { inventory_.SetReceiptListener(nullptr); }

Result<AllocationResult> OrderService::AllocateReceivedIn(store::Transaction& txn, const std::string& sku,
                                                          int64_t qty, const std::string& ref) {
  const std::string what =
      "allocate " + std::to_string(qty) + " of " + Shown(sku) + (ref.empty() ? "" : " (" + Shown(ref) + ")");
  EDGE_RETURN_IF_ERROR(core::ValidateQuantity("qty", qty, 1).WithContext(what));
  AllocationResult out;
  out.left = qty;
  ORD_ASSIGN_OR_RETURN(auto item, inventory_.repo().FindItem(sku));
  if (!item) return Status::NotFound(what + ": sku " + Shown(sku) + " is unknown to this store");
  int64_t budget = std::min(qty, std::max<int64_t>(0, core::Available(item->figures)));
  if (budget == 0) return out;
  ORD_ASSIGN_OR_RETURN(auto waiting, returns_.WaitingLines(sku));

  // The lines given units, grouped by order in allocation order (an order's
  // lines are consecutive: the order sorts before the line).
  struct Given {
    store::OrderLineRecord line;
    int64_t qty = 0;
  };
  std::vector<std::pair<std::string, std::vector<Given>>> orders;
  for (const auto& w : waiting) {
    if (budget == 0) break;
    const int64_t n = std::min(w.waiting, budget);
    if (n <= 0) continue;
    budget -= n;
    if (orders.empty() || orders.back().first != w.line.order_id) orders.push_back({w.line.order_id, {}});
    orders.back().second.push_back({w.line, n});
  }

  const int64_t now = NowMs();
  for (auto& [order_id, given] : orders) {
    json lines = json::array();
    for (const auto& g : given) lines.push_back({{"line_id", g.line.line_id}, {"qty", g.qty}});
    // The event first: the reservations are recorded with its seq.
    ORD_ASSIGN_OR_RETURN(int64_t seq,
                         Emit(txn, "order.accepted", {{"order_id", order_id}, {"lines", lines}}));
    for (auto& g : given) {
      g.line.accepted += g.qty;
      g.line.allocated += g.qty;
      EDGE_RETURN_IF_ERROR(repo_.UpdateLine(txn, g.line));
      EDGE_RETURN_IF_ERROR(
          inventory_.ReserveMoreIn(txn, seq, order_id, g.line.line_id, sku, g.qty, g.line.qty)
              .WithContext(what));
      store::AllocationRecord a;
      a.ref = ref;
      a.order_id = order_id;
      a.line_id = g.line.line_id;
      a.sku = sku;
      a.qty = g.qty;
      a.at_ms = now;
      ORD_ASSIGN_OR_RETURN(a.id, returns_.InsertAllocation(txn, a));
      out.left -= g.qty;
      out.allocations.push_back(std::move(a));
    }
    ORD_ASSIGN_OR_RETURN(auto order, repo_.FindOrder(order_id));
    if (!order) return Status::Internal(what + ": order " + Shown(order_id) + " vanished");
    order->updated_ms = now;
    EDGE_RETURN_IF_ERROR(repo_.UpdateOrder(txn, *order));
  }
  if (!out.allocations.empty()) {
    log::Info("order.allocated")
        .Kv("sku", sku)
        .Kv("ref", ref)
        .Kv("received", qty)
        .Kv("allocated", qty - out.left)
        .Kv("orders", orders.size());
  }
  return out;
}

Result<std::vector<WaitingLine>> OrderService::WaitingLines() {
  ORD_ASSIGN_OR_RETURN(auto rows, returns_.WaitingLines(std::nullopt));
  const int64_t now = NowMs();
  std::vector<WaitingLine> out;
  out.reserve(rows.size());
  for (auto& r : rows) {
    WaitingLine w;
    w.late = r.line.expected_at_ms.has_value() && *r.line.expected_at_ms < now;
    w.line = std::move(r.line);
    w.priority = r.priority;
    w.waiting = r.waiting;
    out.push_back(std::move(w));
  }
  return out;
}

}  // namespace edge::app
