// PickupRepo: the SQLite side of store work II (schema in sql/0006_pickup.sql):
// bags of pickup orders, customer arrivals, pickup-code attempts and
// handovers. The records of returns and allocations are declared here too;
// their queries are in ReturnRepo (return_repo.h).
//
// Like OrderRepo it holds no state: writes take the caller's Transaction so
// that one OrderService command changes these rows, the order rows and the
// outbox together. io_context thread only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "edge/core/status.h"
#include "edge/store/database.h"

namespace edge::store {

enum class BagState { kOpen, kStaged, kHandedOver, kUnstaged };
// "open" (labelled, not yet staged), "staged", "handed_over", "unstaged" (its
// order expired or was cancelled: the contents go back to the shelves).
const char* BagStateName(BagState s);

struct BagRecord {
  std::string bag_id;  // "<store>-B<n>"
  std::string order_id;
  int64_t seq = 0;  // n of the order's bags
  BagState state = BagState::kOpen;
  std::optional<std::string> location;
  int64_t created_ms = 0;
  std::optional<int64_t> staged_ms;
  std::optional<std::string> staged_by;
  std::optional<int64_t> handed_ms;
};

enum class ArrivalState { kWaiting, kServed, kClosed };
const char* ArrivalStateName(ArrivalState s);  // "waiting", "served", "closed"

struct ArrivalRecord {
  int64_t id = 0;
  std::string order_id;
  std::string source;
  std::optional<std::string> bay;
  std::optional<std::string> vehicle;
  int64_t arrived_ms = 0;
  std::optional<int64_t> task_id;
  ArrivalState state = ArrivalState::kWaiting;
  std::optional<int64_t> served_ms;
  std::optional<int64_t> escalated_ms;
};

struct PickupAttemptRecord {
  std::string order_id;
  int64_t at_ms = 0;
  bool ok = false;
  std::string channel;  // kiosk, associate, override
  std::string by;
};

struct HandoverRecord {
  std::string order_id;
  std::string verified_by;  // pickup_code, id_check
  std::optional<std::string> id_type;
  std::optional<std::string> collector;
  std::string associate;
  std::optional<int64_t> arrival_id;
  int64_t at_ms = 0;
};

struct ReturnRecord {
  int64_t id = 0;
  std::string order_id;
  std::string line_id;
  std::string sku;
  int64_t qty = 0;
  std::string condition;  // resellable, damaged
  std::string reason;
  std::optional<std::string> location;
  std::string associate;
  int64_t at_ms = 0;
};

struct AllocationRecord {
  int64_t id = 0;
  std::string ref;
  std::string order_id;
  std::string line_id;
  std::string sku;
  int64_t qty = 0;
  int64_t at_ms = 0;
};

class PickupRepo {
 public:
  explicit PickupRepo(Database& db) : db_(db) {}

  // ---- bags ----
  // Takes the number of the next bag (store-wide, from 1; never reused, also
  // when bags are replaced).
  Result<int64_t> TakeBagNumber(Transaction& txn);
  Status InsertBag(Transaction& txn, const BagRecord& b);
  // Writes state, location, staged, staged_by, handed.
  Status UpdateBag(Transaction& txn, const BagRecord& b);
  // Deletes the order's bags (re-bagging before any is staged).
  Status DeleteBagsOf(Transaction& txn, const std::string& order_id);
  // The order's bags by seq.
  Result<std::vector<BagRecord>> BagsOf(const std::string& order_id);

  // ---- arrivals ----
  Result<int64_t> InsertArrival(Transaction& txn, const ArrivalRecord& a);
  // Writes bay, vehicle, task_id, state, served, escalated.
  Status UpdateArrival(Transaction& txn, const ArrivalRecord& a);
  Result<std::optional<ArrivalRecord>> WaitingArrivalOf(const std::string& order_id);
  Result<std::optional<ArrivalRecord>> FindArrival(int64_t id);
  // Waiting arrivals, longest waiting first.
  Result<std::vector<ArrivalRecord>> WaitingArrivals();
  // Served arrivals, latest first, at most `limit`.
  Result<std::vector<ArrivalRecord>> RecentlyServed(int limit);

  // ---- pickup codes and handovers ----
  Status InsertAttempt(Transaction& txn, const PickupAttemptRecord& a);
  // Wrong attempts for the order after `since_ms` and after the last
  // successful attempt or override.
  Result<int64_t> WrongAttemptsSince(const std::string& order_id, int64_t since_ms);
  // The times of those attempts, oldest first: counted again for a later
  // `since_ms` without another read.
  Result<std::vector<int64_t>> WrongAttemptTimesSince(const std::string& order_id, int64_t since_ms);
  Status InsertHandover(Transaction& txn, const HandoverRecord& h);
  Result<std::optional<HandoverRecord>> HandoverOf(const std::string& order_id);

 private:
  Database& db_;
};

}  // namespace edge::store
