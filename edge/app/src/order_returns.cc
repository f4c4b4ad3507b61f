// OrderService: in-store returns (issue 6). An associate finds the original
// order (its id, its ref, or a scan of its order QR), chooses lines and
// quantities — never more than was fulfilled (shipped or picked up) and not
// yet returned — and the condition of the units: resellable ones go back on
// hand at the bin they are put to (a code or a scan of its SE1:LOC label),
// damaged ones are recorded and not restocked. One return.received reports
// it; refunds are the OMS's job.
//
// The restock is a ledger row of origin 'local' with reason "return", ref
// "<order_id>/<line_id>" and the seq of the return.received event, so a later
// snapshot cut before that event replays it; it marks the SKU's availability
// as changed, and the next inventory.available reports it. No
// inventory.adjusted is sent for it: return.received {restocked: true}
// already tells the OMS, and a second report would count the units twice.
#include <map>
#include <set>
#include <vector>

#include "edge/app/order_service.h"
#include "edge/log/log.h"
#include "order_internal.h"

namespace edge::app {

using core::Result;
using core::Status;
using json = nlohmann::json;
using namespace order_internal;

namespace {

const char* const kResellable = "resellable";
const char* const kDamaged = "damaged";

// The orders `query` names: an order id, a scan of an order QR
// ("SE1:ORD:<ref>:<code>") or an order ref (several orders may share one).
// NotFound when it names none.
Result<std::vector<store::OrderRecord>> OrdersNamed(store::OrderRepo& repo, const std::string& query,
                                                    const std::string& what) {
  if (query.empty()) return Bad("order", "must not be empty").WithContext(what);
  if (query.size() > kMaxOrderId + 32) {
    return Bad("order", "must be at most " + std::to_string(kMaxOrderId + 32) + " bytes, got " +
                            std::to_string(query.size()))
        .WithContext(what);
  }
  std::string ref = query;
  if (query.rfind("SE1:", 0) == 0) {
    auto scan = core::ParseScan(query);
    if (!scan.ok()) return scan.status().WithContext(what + ": order");
    if (scan->kind != core::Scan::Kind::kOrder) {
      return Bad("order", "expected an order QR (SE1:ORD), got " +
                              std::string(core::ScanKindName(scan->kind)) + " " + Shown(scan->raw))
          .WithContext(what);
    }
    ref = scan->order_ref;
  } else {
    ORD_ASSIGN_OR_RETURN(auto order, repo.FindOrder(query));
    if (order) return std::vector<store::OrderRecord>{std::move(*order)};
  }
  ORD_ASSIGN_OR_RETURN(auto out, repo.OrdersByRef(ref));
  if (out.empty()) {
    return Status::NotFound(what + ": no order of this store has the id or ref " + Shown(ref));
  }
  return out;
}

int64_t ReturnableOf(const store::OrderLineRecord& l) { return l.shipped + l.picked_up - l.returned; }

}  // namespace

Result<std::vector<ReturnableLine>> OrderService::Returnable(const std::string& order_id_ref_or_scan) {
  ORD_ASSIGN_OR_RETURN(auto orders, OrdersNamed(repo_, order_id_ref_or_scan, "returnable"));
  std::vector<ReturnableLine> out;
  for (const auto& o : orders) {
    ORD_ASSIGN_OR_RETURN(auto lines, repo_.LinesOf(o.order_id));
    for (auto& l : lines) {
      const int64_t n = ReturnableOf(l);
      out.push_back({std::move(l), n});
    }
  }
  return out;
}

Result<ReturnResult> OrderService::ReceiveReturn(const ReturnCommand& c, const core::Actor& by) {
  std::string what = "return";
  EDGE_RETURN_IF_ERROR(CheckRole(by, core::Role::kAssociate, what));
  if (c.lines.empty()) return Bad("lines", "must not be empty").WithContext(what);
  if (c.lines.size() > kMaxLines) {
    return Bad("lines", "must have at most " + std::to_string(kMaxLines) + " entries, got " +
                            std::to_string(c.lines.size()))
        .WithContext(what);
  }

  ORD_ASSIGN_OR_RETURN(auto txn, store::Transaction::Begin(store_.db()));
  ORD_ASSIGN_OR_RETURN(auto orders, OrdersNamed(repo_, c.order_id, what));
  if (orders.size() > 1) {
    std::string ids;
    for (const auto& o : orders) ids += (ids.empty() ? "" : ", ") + Shown(o.order_id);
    return Bad("order_id",
               "ref " + Shown(c.order_id) + " names several orders (" + ids + "); give the order id")
        .WithContext(what);
  }
  const store::OrderRecord& order = orders[0];
  const std::string& order_id = order.order_id;
  what = "return to order " + Shown(order_id);
  ORD_ASSIGN_OR_RETURN(auto lines, repo_.LinesOf(order_id));
  std::map<std::string, store::OrderLineRecord*> by_id;
  for (auto& l : lines) by_id[l.line_id] = &l;

  // Every entry is checked before anything is written.
  struct Entry {
    store::OrderLineRecord* line = nullptr;
    const ReturnLine* in = nullptr;
    bool resellable = false;
    std::optional<std::string> bin;
  };
  std::vector<Entry> entries;
  std::map<std::string, int64_t> asked;  // line_id -> units, over every entry
  store::InventoryRepo& inv = inventory_.repo();
  for (size_t i = 0; i < c.lines.size(); ++i) {
    const ReturnLine& in = c.lines[i];
    const std::string p = "lines[" + std::to_string(i) + "]";
    auto it = by_id.find(in.line_id);
    if (it == by_id.end()) {
      std::string known;
      for (const auto& l : lines) known += (known.empty() ? "" : ", ") + Shown(l.line_id);
      return Bad(p + ".line_id", Shown(in.line_id) + " is not a line of the order (its lines: " + known + ")")
          .WithContext(what);
    }
    Entry e;
    e.line = it->second;
    e.in = &in;
    if (in.qty < 1) return Bad(p + ".qty", "must be >= 1, got " + std::to_string(in.qty)).WithContext(what);
    if (in.condition != kResellable && in.condition != kDamaged) {
      return Bad(p + ".condition", "must be resellable or damaged, got " + Shown(in.condition))
          .WithContext(what);
    }
    if (in.reason.size() > kMaxText) {
      return Bad(p + ".reason", "must be at most " + std::to_string(kMaxText) + " bytes, got " +
                                    std::to_string(in.reason.size()))
          .WithContext(what);
    }
    e.resellable = in.condition == kResellable;
    if (e.resellable) {
      if (!in.location || in.location->empty()) {
        return Bad(p + ".location", "is required for resellable units (the bin they are put back to)")
            .WithContext(what);
      }
      auto bin = LocationOf(*in.location, p + ".location");
      if (!bin.ok()) return bin.status().WithContext(what);
      ORD_ASSIGN_OR_RETURN(auto known, inv.FindLocation(*bin));
      if (!known)
        return Bad(p + ".location", Shown(*bin) + " is not a location of this store").WithContext(what);
      e.bin = *bin;
    } else if (in.location) {
      return Bad(p + ".location", "damaged units are not restocked, so they take no location")
          .WithContext(what);
    }
    const store::OrderLineRecord& l = *e.line;
    const int64_t total = asked[l.line_id] += in.qty;
    if (total > ReturnableOf(l)) {
      return Bad(p, "line " + Shown(l.line_id) + " (" + l.sku + "): " + std::to_string(total) +
                        (total == in.qty ? "" : " in all") + " asked to be returned, but only " +
                        std::to_string(ReturnableOf(l)) + " may be (" +
                        std::to_string(l.shipped + l.picked_up) + " fulfilled, " +
                        std::to_string(l.returned) + " returned before)")
          .WithContext(what);
    }
    entries.push_back(std::move(e));
  }

  json event_lines = json::array();
  for (const Entry& e : entries) {
    json j = {{"line_id", e.line->line_id},
              {"qty", e.in->qty},
              {"condition", e.in->condition},
              {"restocked", e.resellable}};
    if (!e.in->reason.empty()) j["reason"] = e.in->reason;
    event_lines.push_back(std::move(j));
  }
  // The event first: the restock's ledger rows carry its seq.
  ORD_ASSIGN_OR_RETURN(int64_t seq,
                       Emit(*txn, "return.received", {{"order_id", order_id}, {"lines", event_lines}}));
  const int64_t now = NowMs();
  ReturnResult result;
  result.order_id = order_id;
  std::string detail;
  for (const Entry& e : entries) {
    const std::string ref = LineRef(order_id, e.line->line_id);
    if (e.resellable) {
      store::StockChange sc;
      sc.sku = e.line->sku;
      sc.location = *e.bin;
      sc.d_on_hand = e.in->qty;
      sc.reason = "return";
      sc.ref = ref;
      sc.origin = store::LedgerOrigin::kLocal;
      sc.event_seq = seq;
      EDGE_RETURN_IF_ERROR(inv.Apply(*txn, sc).WithContext(what));
    }
    store::ReturnRecord r;
    r.order_id = order_id;
    r.line_id = e.line->line_id;
    r.sku = e.line->sku;
    r.qty = e.in->qty;
    r.condition = e.in->condition;
    r.reason = e.in->reason;
    r.location = e.bin;
    r.associate = by.id;
    r.at_ms = now;
    ORD_ASSIGN_OR_RETURN(r.id, returns_.InsertReturn(*txn, r));
    detail += (detail.empty() ? "" : ", ") + e.line->line_id + " x" + std::to_string(r.qty) + " " +
              r.condition + (e.bin ? " -> " + *e.bin : "");
    result.recorded.push_back(std::move(r));
  }
  for (const auto& [line_id, n] : asked) {
    store::OrderLineRecord& l = *by_id.at(line_id);
    l.returned += n;
    EDGE_RETURN_IF_ERROR(repo_.UpdateLine(*txn, l));
  }
  EDGE_RETURN_IF_ERROR(auth_.Audit(*txn, by, "order.return", order_id, detail));
  EDGE_RETURN_IF_ERROR(txn->Commit());
  log::Info("return.received").Kv("order_id", order_id).Kv("lines", entries.size()).Kv("by", by.id);
  return result;
}

}  // namespace edge::app
