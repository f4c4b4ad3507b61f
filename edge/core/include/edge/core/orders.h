// Rules of the store's order work (PROTOCOL.md, "orders"; issue 5): the kinds
// of order and line, the order state machine and what a cancellation means in
// each state, the work queue's order, tote slots of a batch pick, where a
// pick line takes its units and in which order a picker walks the lines, and
// which line a scanned unit belongs to in a batch.
//
// Pure values and functions, no I/O and no clock reads (times are passed in);
// any thread. The tables live in edge/store (OrderRepo), the commands in
// edge/app (OrderService).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "edge/core/clock.h"
#include "edge/core/inventory.h"
#include "edge/core/status.h"

namespace edge::core {

// ---- order.routed vocabulary ----

enum class OrderKind { kShipFromStore, kBopis, kCurbside, kSameDay };
// "ship_from_store", "bopis", "curbside", "same_day".
const char* OrderKindName(OrderKind k);
bool ParseOrderKind(std::string_view text, OrderKind* out);
// Kinds that leave by carrier (packed, labelled, handed off).
bool IsShipKind(OrderKind k);
// Kinds the customer collects (carry pickup_code and hold_until).
bool IsPickupKind(OrderKind k);

enum class Fulfil { kNow, kBackorder, kPreorder };
// "now", "backorder", "preorder".
const char* FulfilName(Fulfil f);
bool ParseFulfil(std::string_view text, Fulfil* out);

// A pickup code is 6 to 8 ASCII digits. The message never repeats the code.
Status ValidatePickupCode(std::string_view code);

// An order, line or package id the node stores: 1..`max_len` printable ASCII
// characters (no spaces or control characters). InvalidArgument naming
// `field` otherwise.
Status ValidateIdText(std::string_view field, std::string_view value, size_t max_len);

// ---- order states ----

// accepted -> picking -> picked -> packed -> shipped (ship kinds)
// accepted -> picking -> picked -> ready -> picked_up (pickup kinds: ready
//   once its bags are staged)
// accepted/picking/picked/packed/ready -> cancelled
// accepted/picking/picked/ready -> expired (pickup kinds, past hold_until)
// picking -> rejected (every accepted unit shorted)
// rejected: the store fills nothing of it (every line refused at intake, or
// every accepted unit shorted); cancelled, shipped, picked_up and expired are
// final too.
enum class OrderState {
  kAccepted,
  kPicking,
  kPicked,
  kPacked,
  kShipped,
  kReady,
  kPickedUp,
  kExpired,
  kCancelled,
  kRejected
};
// "accepted", "picking", "picked", "packed", "shipped", "ready", "picked_up",
// "expired", "cancelled", "rejected".
const char* OrderStateName(OrderState s);
bool ParseOrderState(std::string_view text, OrderState* out);
// True for states of an order still in the store's hands: accepted,
// picking, picked, packed, ready. (Those but ready count against [policy]
// max_open_orders: a ready order waits for its customer, not for staff.)
bool IsOpenOrderState(OrderState s);
// True for shipped, picked_up, expired, cancelled and rejected.
bool IsFinalOrderState(OrderState s);
bool CanTransition(OrderState from, OrderState to);
// OK when `from` -> `to` is legal; else FailedPrecondition "order 'O-1' is
// shipped: cannot become picking".
Status CheckTransition(std::string_view order_id, OrderState from, OrderState to);

// ---- cancellation (order.cancel_requested) ----

enum class CancelOutcome { kCancelled, kTooLate };
// "cancelled", "too_late": order.cancelled's `outcome`.
const char* CancelOutcomeName(CancelOutcome o);

struct CancelDecision {
  CancelOutcome outcome = CancelOutcome::kCancelled;
  bool change_state = false;      // the order becomes cancelled now
  bool release_unpicked = false;  // reservations of units not picked are released
  bool restock_picked = false;    // units already picked go back by a restock task
  bool repeat = false;            // answered before: publish the same answer again, change nothing
};

// What a cancellation means for an order in `state`; `handed_off` is true
// when any of its packages has gone to the carrier.
//  - accepted (no unit picked yet): cancelled, reservations released;
//  - picking: cancelled, unpicked units released, picked ones restocked;
//  - picked, packed or ready, before handoff: cancelled, every picked unit
//    restocked;
//  - picked_up, expired: too_late (the customer has it, or it was already
//    put back), nothing changes;
//  - shipped, or any package handed off: too_late, nothing changes;
//  - rejected (nothing held): cancelled, nothing to release;
//  - cancelled: the earlier answer again (repeat).
CancelDecision DecideCancellation(OrderState state, bool handed_off);

// ---- work queue ----

struct QueueEntry {
  std::string order_id;
  int64_t priority = 0;  // lower number = more urgent (1 before 5)
  std::optional<TimePoint> promised_by;
  TimePoint routed_at;
};

// Time left until promised_by at `now` (negative when overdue); nullopt when
// the order has no promise.
std::optional<Duration> TimeLeft(const QueueEntry& e, TimePoint now);

// True when `a` is worked before `b`: less time left to promised_by first
// (overdue first, orders without a promise after every promised one), then
// priority (lower number first), then the earlier routed, then order id.
// Ordering by time left at one `now` is ordering by promised_by, so the
// order does not depend on `now`.
bool QueueBefore(const QueueEntry& a, const QueueEntry& b);
// Sorts the entries into work order.
std::vector<QueueEntry> OrderWorkQueue(std::vector<QueueEntry> entries);

// ---- picking ----

// The most orders one batch walk takes (one tote each, on one cart).
inline constexpr int kMaxBatchOrders = 12;

// A batch's orders each get a tote slot on the cart, 1..n, in the order
// given (work-queue order: the most urgent order gets slot 1). The label is
// what the picker sees: "T1" … "T12".
struct ToteSlot {
  std::string order_id;
  int slot = 0;
  std::string label;
  bool operator==(const ToteSlot&) const = default;
};
// InvalidArgument when `order_ids` is empty, longer than kMaxBatchOrders, or
// names an order twice.
Result<std::vector<ToteSlot>> AssignTotes(const std::vector<std::string>& order_ids);

// Where to pick `qty` (>= 1) of a SKU. `stock` is what each located bin can
// still give (its quantity less what open pick lines already take there), in
// walk order; entries with location "" or qty <= 0 are skipped. Bins are
// taken in that order up to what each gives; what is left comes from the
// unlocated bucket ("": stock the store has but not at a known bin, the
// picker searches for it). Returns positive quantities summing to `qty`.
std::vector<LocatedQty> PlanPickLocations(const std::vector<LocatedQty>& stock, int64_t qty);

// True when bin `a` comes before bin `b` on the pick walk: locations with a
// walk order first (lower first), then those without (by code), and the
// unlocated bucket (code "") last.
bool WalkBefore(const Location& a, const Location& b);

// One line of a pick list: take `qty` of `sku` at `location` for an order
// line and put it in tote `tote_slot`.
struct PickLinePlan {
  std::string order_id;
  std::string line_id;
  std::string sku;
  Location location;
  int tote_slot = 1;
  int64_t qty = 0;
  bool operator==(const PickLinePlan&) const = default;
};
// Sorts a pick list into walk order: by location (WalkBefore), then SKU (so a
// batch's lines of one SKU at one bin follow each other), then tote slot.
void SortPickLines(std::vector<PickLinePlan>& lines);

// An open pick line as the scan-driven picker sees it.
struct OpenPickLine {
  int64_t id = 0;
  std::string sku;
  std::string location;
  int tote_slot = 1;
  int64_t remaining = 0;  // units still to pick or short
};
// Which line a scanned unit of `sku` belongs to. `lines` are in walk order.
// With `at` (the bin the picker stands at), the first line of that SKU with
// units remaining at that bin; without (or none there), the first such line
// anywhere. In a batch this puts each unit in the tote of the most urgent
// order still needing it there. nullopt when no line needs `sku`.
std::optional<size_t> ChoosePickLine(const std::vector<OpenPickLine>& lines, std::string_view sku,
                                     const std::optional<std::string>& at);

// How a picked unit was confirmed.
enum class PickMethod { kScan, kCount, kManual };
// "scan" (one unit per scan), "count" (one scan, a counted quantity),
// "manual" (no scan; a reason is required and recorded).
const char* PickMethodName(PickMethod m);

// Why units of a pick line were not picked.
enum class ShortReason { kNotFound, kDamaged };
// "not_found", "damaged": also order.rejected's reason for those units.
const char* ShortReasonName(ShortReason r);
bool ParseShortReason(std::string_view text, ShortReason* out);

// ---- tasks ----

// stage: bag a picked pickup order, label the bags, put them to a staging
// location. handover: a customer has arrived for an order (urgent).
enum class TaskKind { kPick, kPack, kRestock, kStage, kHandover };
const char* TaskKindName(TaskKind k);  // "pick", "pack", "restock", "stage", "handover"
bool ParseTaskKind(std::string_view text, TaskKind* out);

// open (waiting, maybe assigned) -> in_progress (claimed by its assignee)
// -> done; in_progress -> open (released); open/in_progress -> cancelled.
enum class TaskState { kOpen, kInProgress, kDone, kCancelled };
const char* TaskStateName(TaskState s);  // "open", "in_progress", "done", "cancelled"
bool ParseTaskState(std::string_view text, TaskState* out);
inline bool IsActiveTaskState(TaskState s) { return s == TaskState::kOpen || s == TaskState::kInProgress; }

}  // namespace edge::core
