#include "edge/core/orders.h"

#include <algorithm>
#include <set>
#include <tuple>

namespace edge::core {

namespace {

template <typename E, size_t N>
bool ParseName(std::string_view text, const E (&all)[N], const char* (*name)(E), E* out) {
  for (E e : all) {
    if (text == name(e)) {
      *out = e;
      return true;
    }
  }
  return false;
}

constexpr OrderKind kKinds[] = {OrderKind::kShipFromStore, OrderKind::kBopis, OrderKind::kCurbside,
                                OrderKind::kSameDay};
constexpr Fulfil kFulfils[] = {Fulfil::kNow, Fulfil::kBackorder, Fulfil::kPreorder};
constexpr OrderState kStates[] = {OrderState::kAccepted, OrderState::kPicking, OrderState::kPicked,
                                  OrderState::kPacked,   OrderState::kShipped, OrderState::kReady,
                                  OrderState::kPickedUp, OrderState::kExpired, OrderState::kCancelled,
                                  OrderState::kRejected};
constexpr ShortReason kShortReasons[] = {ShortReason::kNotFound, ShortReason::kDamaged};
constexpr TaskKind kTaskKinds[] = {TaskKind::kPick, TaskKind::kPack, TaskKind::kRestock, TaskKind::kStage,
                                   TaskKind::kHandover};
constexpr TaskState kTaskStates[] = {TaskState::kOpen, TaskState::kInProgress, TaskState::kDone,
                                     TaskState::kCancelled};

}  // namespace

const char* OrderKindName(OrderKind k) {
  switch (k) {
    case OrderKind::kShipFromStore:
      return "ship_from_store";
    case OrderKind::kBopis:
      return "bopis";
    case OrderKind::kCurbside:
      return "curbside";
    case OrderKind::kSameDay:
      return "same_day";
  }
  return "unknown";
}

bool ParseOrderKind(std::string_view text, OrderKind* out) {
  return ParseName(text, kKinds, OrderKindName, out);
}

bool IsShipKind(OrderKind k) { return k == OrderKind::kShipFromStore || k == OrderKind::kSameDay; }
bool IsPickupKind(OrderKind k) { return k == OrderKind::kBopis || k == OrderKind::kCurbside; }

const char* FulfilName(Fulfil f) {
  switch (f) {
    case Fulfil::kNow:
      return "now";
    case Fulfil::kBackorder:
      return "backorder";
    case Fulfil::kPreorder:
      return "preorder";
  }
  return "unknown";
}

bool ParseFulfil(std::string_view text, Fulfil* out) { return ParseName(text, kFulfils, FulfilName, out); }

Status ValidatePickupCode(std::string_view code) {
  if (code.size() < 6 || code.size() > 8) {
    return Status::InvalidArgument("pickup code must be 6 to 8 digits, got " + std::to_string(code.size()) +
                                   " characters");
  }
  for (char c : code) {
    if (c < '0' || c > '9') return Status::InvalidArgument("pickup code must be 6 to 8 digits only");
  }
  return Status::Ok();
}

Status ValidateIdText(std::string_view field, std::string_view value, size_t max_len) {
  const std::string f(field);
  if (value.empty()) return Status::InvalidArgument(f + ": must not be empty");
  if (value.size() > max_len) {
    return Status::InvalidArgument(f + ": must be at most " + std::to_string(max_len) + " bytes, got " +
                                   std::to_string(value.size()));
  }
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7F || u >= 0x80) {
      return Status::InvalidArgument(f + ": may contain only printable ASCII without spaces");
    }
  }
  return Status::Ok();
}

const char* OrderStateName(OrderState s) {
  switch (s) {
    case OrderState::kAccepted:
      return "accepted";
    case OrderState::kPicking:
      return "picking";
    case OrderState::kPicked:
      return "picked";
    case OrderState::kPacked:
      return "packed";
    case OrderState::kShipped:
      return "shipped";
    case OrderState::kReady:
      return "ready";
    case OrderState::kPickedUp:
      return "picked_up";
    case OrderState::kExpired:
      return "expired";
    case OrderState::kCancelled:
      return "cancelled";
    case OrderState::kRejected:
      return "rejected";
  }
  return "unknown";
}

bool ParseOrderState(std::string_view text, OrderState* out) {
  return ParseName(text, kStates, OrderStateName, out);
}

bool IsOpenOrderState(OrderState s) {
  return s == OrderState::kAccepted || s == OrderState::kPicking || s == OrderState::kPicked ||
         s == OrderState::kPacked || s == OrderState::kReady;
}

bool IsFinalOrderState(OrderState s) {
  return s == OrderState::kShipped || s == OrderState::kPickedUp || s == OrderState::kExpired ||
         s == OrderState::kCancelled || s == OrderState::kRejected;
}

bool CanTransition(OrderState from, OrderState to) {
  switch (to) {
    case OrderState::kPicking:
      return from == OrderState::kAccepted;
    case OrderState::kPicked:
      return from == OrderState::kPicking;
    case OrderState::kPacked:
      return from == OrderState::kPicked;
    case OrderState::kShipped:
      return from == OrderState::kPacked;
    case OrderState::kReady:
      return from == OrderState::kPicked;
    case OrderState::kPickedUp:
      return from == OrderState::kReady;
    case OrderState::kExpired:
      return from == OrderState::kAccepted || from == OrderState::kPicking || from == OrderState::kPicked ||
             from == OrderState::kReady;
    case OrderState::kCancelled:
      return IsOpenOrderState(from) || from == OrderState::kRejected;
    case OrderState::kRejected:
      return from == OrderState::kPicking;
    case OrderState::kAccepted:
      return false;  // only an intake creates an accepted order
  }
  return false;
}

Status CheckTransition(std::string_view order_id, OrderState from, OrderState to) {
  if (CanTransition(from, to)) return Status::Ok();
  return Status::FailedPrecondition("order '" + std::string(order_id) + "' is " + OrderStateName(from) +
                                    ": cannot become " + OrderStateName(to));
}

const char* CancelOutcomeName(CancelOutcome o) {
  switch (o) {
    case CancelOutcome::kCancelled:
      return "cancelled";
    case CancelOutcome::kTooLate:
      return "too_late";
  }
  return "unknown";
}

CancelDecision DecideCancellation(OrderState state, bool handed_off) {
  CancelDecision d;
  if (handed_off || state == OrderState::kShipped || state == OrderState::kPickedUp ||
      state == OrderState::kExpired) {
    d.outcome = CancelOutcome::kTooLate;
    return d;
  }
  switch (state) {
    case OrderState::kAccepted:
      d.change_state = true;
      d.release_unpicked = true;
      break;
    case OrderState::kPicking:
      d.change_state = true;
      d.release_unpicked = true;
      d.restock_picked = true;
      break;
    case OrderState::kPicked:
    case OrderState::kPacked:
    case OrderState::kReady:
      // Every line is picked or shorted; shorted units were released when
      // shorted, so only picked units remain held.
      d.change_state = true;
      d.restock_picked = true;
      break;
    case OrderState::kRejected:
      d.change_state = true;
      break;
    case OrderState::kCancelled:
      d.repeat = true;
      break;
    case OrderState::kShipped:
    case OrderState::kPickedUp:
    case OrderState::kExpired:
      break;  // handled above
  }
  return d;
}

std::optional<Duration> TimeLeft(const QueueEntry& e, TimePoint now) {
  if (!e.promised_by) return std::nullopt;
  return *e.promised_by - now;
}

bool QueueBefore(const QueueEntry& a, const QueueEntry& b) {
  if (a.promised_by.has_value() != b.promised_by.has_value()) return a.promised_by.has_value();
  if (a.promised_by && *a.promised_by != *b.promised_by) return *a.promised_by < *b.promised_by;
  return std::tie(a.priority, a.routed_at, a.order_id) < std::tie(b.priority, b.routed_at, b.order_id);
}

std::vector<QueueEntry> OrderWorkQueue(std::vector<QueueEntry> entries) {
  std::stable_sort(entries.begin(), entries.end(), QueueBefore);
  return entries;
}

Result<std::vector<ToteSlot>> AssignTotes(const std::vector<std::string>& order_ids) {
  if (order_ids.empty()) return Status::InvalidArgument("orders: a pick task needs at least one order");
  if (order_ids.size() > static_cast<size_t>(kMaxBatchOrders)) {
    return Status::InvalidArgument("orders: a batch takes at most " + std::to_string(kMaxBatchOrders) +
                                   " orders (one tote each), got " + std::to_string(order_ids.size()));
  }
  std::set<std::string> seen;
  std::vector<ToteSlot> out;
  for (size_t i = 0; i < order_ids.size(); ++i) {
    if (!seen.insert(order_ids[i]).second) {
      return Status::InvalidArgument("orders[" + std::to_string(i) + "]: order '" + order_ids[i] +
                                     "' is listed twice");
    }
    const int slot = static_cast<int>(i) + 1;
    out.push_back({order_ids[i], slot, "T" + std::to_string(slot)});
  }
  return out;
}

std::vector<LocatedQty> PlanPickLocations(const std::vector<LocatedQty>& stock, int64_t qty) {
  std::vector<LocatedQty> out;
  int64_t left = qty;
  for (const LocatedQty& s : stock) {
    if (left <= 0) break;
    if (s.location.empty() || s.qty <= 0) continue;
    const int64_t take = std::min(left, s.qty);
    auto it =
        std::find_if(out.begin(), out.end(), [&](const LocatedQty& o) { return o.location == s.location; });
    if (it != out.end()) {
      it->qty += take;
    } else {
      out.push_back({s.location, take});
    }
    left -= take;
  }
  if (left > 0) out.push_back({"", left});
  return out;
}

bool WalkBefore(const Location& a, const Location& b) {
  // Rank: 0 = has a walk order, 1 = located without one, 2 = unlocated.
  auto rank = [](const Location& l) { return l.code.empty() ? 2 : (l.walk_order ? 0 : 1); };
  const int ra = rank(a), rb = rank(b);
  if (ra != rb) return ra < rb;
  if (ra == 0 && *a.walk_order != *b.walk_order) return *a.walk_order < *b.walk_order;
  return a.code < b.code;
}

void SortPickLines(std::vector<PickLinePlan>& lines) {
  std::stable_sort(lines.begin(), lines.end(), [](const PickLinePlan& a, const PickLinePlan& b) {
    if (WalkBefore(a.location, b.location)) return true;
    if (WalkBefore(b.location, a.location)) return false;
    return std::tie(a.sku, a.tote_slot, a.order_id, a.line_id) <
           std::tie(b.sku, b.tote_slot, b.order_id, b.line_id);
  });
}

std::optional<size_t> ChoosePickLine(const std::vector<OpenPickLine>& lines, std::string_view sku,
                                     const std::optional<std::string>& at) {
  std::optional<size_t> anywhere;
  for (size_t i = 0; i < lines.size(); ++i) {
    const OpenPickLine& l = lines[i];
    if (l.sku != sku || l.remaining <= 0) continue;
    if (!at || l.location == *at) return i;
    if (!anywhere) anywhere = i;
  }
  return anywhere;
}

const char* PickMethodName(PickMethod m) {
  switch (m) {
    case PickMethod::kScan:
      return "scan";
    case PickMethod::kCount:
      return "count";
    case PickMethod::kManual:
      return "manual";
  }
  return "unknown";
}

const char* ShortReasonName(ShortReason r) {
  switch (r) {
    case ShortReason::kNotFound:
      return "not_found";
    case ShortReason::kDamaged:
      return "damaged";
  }
  return "unknown";
}

bool ParseShortReason(std::string_view text, ShortReason* out) {
  return ParseName(text, kShortReasons, ShortReasonName, out);
}

const char* TaskKindName(TaskKind k) {
  switch (k) {
    case TaskKind::kPick:
      return "pick";
    case TaskKind::kPack:
      return "pack";
    case TaskKind::kRestock:
      return "restock";
    case TaskKind::kStage:
      return "stage";
    case TaskKind::kHandover:
      return "handover";
  }
  return "unknown";
}

bool ParseTaskKind(std::string_view text, TaskKind* out) {
  return ParseName(text, kTaskKinds, TaskKindName, out);
}

const char* TaskStateName(TaskState s) {
  switch (s) {
    case TaskState::kOpen:
      return "open";
    case TaskState::kInProgress:
      return "in_progress";
    case TaskState::kDone:
      return "done";
    case TaskState::kCancelled:
      return "cancelled";
  }
  return "unknown";
}

bool ParseTaskState(std::string_view text, TaskState* out) {
  return ParseName(text, kTaskStates, TaskStateName, out);
}

}  // namespace edge::core
