// Inventory rules the node enforces (PROTOCOL.md, "Inventory rules the node
// enforces"): stock figures and what is available to promise, the reservation
// decision for an order's lines, quantity validation, location codes, and from
// which location a decrease without a location is taken.
//
// Pure values and functions, no I/O; any thread. The SQLite replica lives in
// edge/store (InventoryRepo), the commands that change it in edge/app
// (InventoryService).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "edge/core/status.h"

namespace edge::core {

// The largest quantity accepted anywhere (a count, a delta, a line's qty).
// Sums over a million SKUs of such quantities stay far inside int64_t.
inline constexpr int64_t kMaxQuantity = 1'000'000'000;

// One SKU's figures. on_hand may go below zero when the central side reports
// a sale the replica did not know of (the ledger keeps the truth of what was
// reported); reserved and safety_stock never do.
struct StockFigures {
  int64_t on_hand = 0;
  int64_t reserved = 0;
  int64_t safety_stock = 0;
  bool operator==(const StockFigures&) const = default;
};

// available = on_hand - reserved - safety_stock, never below 0: what the store
// may promise.
int64_t Available(const StockFigures& f);

// OK when `value` is an integer in [min, kMaxQuantity]; otherwise an
// InvalidArgument naming `field`, e.g. "items[3].on_hand: must be >= 0, got -2".
Status ValidateQuantity(std::string_view field, int64_t value, int64_t min);

// OK when |value| <= kMaxQuantity (a signed change such as a delta).
Status ValidateDelta(std::string_view field, int64_t value);

// ---- reservations ----

enum class RejectReason { kInsufficientStock, kUnknownSku };
// "insufficient_stock", "unknown_sku": the wire names of order.rejected.
const char* RejectReasonName(RejectReason r);

// Why an open reservation ends without (or after part of) its goods leaving.
enum class ReleaseReason { kShipped, kPickedUp, kCancelled, kExpired, kRejected };
// "shipped", "picked_up", "cancelled", "expired", "rejected".
const char* ReleaseReasonName(ReleaseReason r);
bool ParseReleaseReason(std::string_view text, ReleaseReason* out);

// One `now` line of an order asking for stock.
struct LineRequest {
  std::string line_id;
  std::string sku;
  int64_t qty = 0;
};

struct LineDecision {
  std::string line_id;
  std::string sku;
  int64_t qty = 0;
  bool accepted = false;
  std::optional<RejectReason> reason;  // set when !accepted
  bool operator==(const LineDecision&) const = default;
};

// Decides which lines of one order the store takes, in line order. A line is
// accepted when its SKU is known (present in `figures`) and the SKU's
// available, after the lines accepted before it, is >= qty; otherwise it is
// rejected with kUnknownSku or kInsufficientStock. When `partial_accept` is
// false and any line is rejected, every line is rejected: the failing lines
// with their own reason, the others with kInsufficientStock (the order as a
// whole cannot be filled from stock; the OMS re-routes all of it).
// Lines must have qty >= 1 (validated by the caller).
std::vector<LineDecision> DecideReservation(const std::vector<LineRequest>& lines,
                                            const std::map<std::string, StockFigures>& figures,
                                            bool partial_accept);

// ---- local adjustments by associates ----

enum class AdjustmentKind {
  kCount,    // an absolute count of a SKU at a location (qty >= 0)
  kDamaged,  // qty >= 1 goods found damaged: on-hand down
  kFound,    // qty >= 1 goods found: on-hand up
  kReceipt,  // qty >= 1 goods received into the store: on-hand up
};
// "count", "damaged", "found", "receipt": the `reason` of inventory.adjusted.
const char* AdjustmentKindName(AdjustmentKind k);
bool ParseAdjustmentKind(std::string_view text, AdjustmentKind* out);

// ---- locations ----

// Where goods sit: a zone/aisle/bin code such as "A-03-12" and its place in
// the pick walk (lower first; unset sorts after every set one, then by code).
// The empty code "" is the unlocated bucket: stock the store has but has not
// put at a bin (e.g. a central delta, which names no location).
struct Location {
  std::string code;
  std::string zone;
  std::string aisle;
  std::string bin;
  std::optional<int64_t> walk_order;
  bool operator==(const Location&) const = default;
};

// Parses a location code: 1..32 characters of [A-Za-z0-9._], with '-' between
// the zone, aisle and bin parts ("A-03-12" -> zone "A", aisle "03", bin "12";
// "BACKROOM" -> zone "BACKROOM"). At most three parts, none empty. Fails with
// InvalidArgument naming the code.
Result<Location> ParseLocationCode(std::string_view code);

// A quantity at a location.
struct LocatedQty {
  std::string location;
  int64_t qty = 0;
  bool operator==(const LocatedQty&) const = default;
};

// Where to take `qty` (>= 1) from when the decrease names no location (a
// central delta, goods leaving without a pick location): first the unlocated
// bucket while it is positive, then each location in `stock` order (the
// caller passes them in walk order) up to what it holds, and whatever is
// left from the unlocated bucket, which then goes negative. Returns the
// negative changes per location, in that order, summing to -qty.
std::vector<LocatedQty> PlanDecrease(const std::vector<LocatedQty>& stock, int64_t qty);

}  // namespace edge::core
