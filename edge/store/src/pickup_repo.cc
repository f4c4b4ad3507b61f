#include "edge/store/pickup_repo.h"

#include "repo_rows.h"

namespace edge::store {

using rows::All;
using rows::One;
using rows::OptInt;
using rows::OptText;

const char* BagStateName(BagState s) {
  switch (s) {
    case BagState::kOpen:
      return "open";
    case BagState::kStaged:
      return "staged";
    case BagState::kHandedOver:
      return "handed_over";
    case BagState::kUnstaged:
      return "unstaged";
  }
  return "open";
}

const char* ArrivalStateName(ArrivalState s) {
  switch (s) {
    case ArrivalState::kWaiting:
      return "waiting";
    case ArrivalState::kServed:
      return "served";
    case ArrivalState::kClosed:
      return "closed";
  }
  return "waiting";
}

namespace {

BagState ParseBagState(const std::string& t) {
  if (t == "staged") return BagState::kStaged;
  if (t == "handed_over") return BagState::kHandedOver;
  if (t == "unstaged") return BagState::kUnstaged;
  return BagState::kOpen;
}

ArrivalState ParseArrivalState(const std::string& t) {
  if (t == "served") return ArrivalState::kServed;
  if (t == "closed") return ArrivalState::kClosed;
  return ArrivalState::kWaiting;
}

#define BAG_COLUMNS "bag_id, order_id, seq, state, location, created, staged_at, staged_by, handed_at"

BagRecord ReadBag(const Statement& st) {
  BagRecord b;
  b.bag_id = st.Text(0);
  b.order_id = st.Text(1);
  b.seq = st.Int64(2);
  b.state = ParseBagState(st.Text(3));
  b.location = OptText(st, 4);
  b.created_ms = st.Int64(5);
  b.staged_ms = OptInt(st, 6);
  b.staged_by = OptText(st, 7);
  b.handed_ms = OptInt(st, 8);
  return b;
}

#define ARRIVAL_COLUMNS \
  "id, order_id, source, bay, vehicle, arrived_at, task_id, state, served_at, escalated_at"

ArrivalRecord ReadArrival(const Statement& st) {
  ArrivalRecord a;
  a.id = st.Int64(0);
  a.order_id = st.Text(1);
  a.source = st.Text(2);
  a.bay = OptText(st, 3);
  a.vehicle = OptText(st, 4);
  a.arrived_ms = st.Int64(5);
  a.task_id = OptInt(st, 6);
  a.state = ParseArrivalState(st.Text(7));
  a.served_ms = OptInt(st, 8);
  a.escalated_ms = OptInt(st, 9);
  return a;
}

}  // namespace

// ---- bags ----

Result<int64_t> PickupRepo::TakeBagNumber(Transaction& txn) {
  REPO_CACHED(get, txn.db(),
              "SELECT coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'next_bag'), 1)");
  auto row = get.Step();
  if (!row.ok()) return row.status();
  const int64_t n = get.Int64(0);
  get.Reset();
  REPO_CACHED(put, txn.db(), "INSERT OR REPLACE INTO meta (key, value) VALUES ('next_bag', ?1)");
  put.Bind(1, std::to_string(n + 1));
  EDGE_RETURN_IF_ERROR(put.Run());
  return n;
}

Status PickupRepo::InsertBag(Transaction& txn, const BagRecord& b) {
  REPO_CACHED(st, txn.db(), "INSERT INTO bags (" BAG_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  st.Bind(1, b.bag_id).Bind(2, b.order_id).Bind(3, b.seq).Bind(4, BagStateName(b.state)).Bind(5, b.location);
  st.Bind(6, b.created_ms).Bind(7, b.staged_ms).Bind(8, b.staged_by).Bind(9, b.handed_ms);
  return st.Run().WithContext("insert bag '" + b.bag_id + "'");
}

Status PickupRepo::UpdateBag(Transaction& txn, const BagRecord& b) {
  REPO_CACHED(st, txn.db(),
              "UPDATE bags SET state = ?2, location = ?3, staged_at = ?4, staged_by = ?5, handed_at = ?6 "
              "WHERE bag_id = ?1");
  st.Bind(1, b.bag_id).Bind(2, BagStateName(b.state)).Bind(3, b.location).Bind(4, b.staged_ms);
  st.Bind(5, b.staged_by).Bind(6, b.handed_ms);
  EDGE_RETURN_IF_ERROR(st.Run().WithContext("update bag '" + b.bag_id + "'"));
  if (txn.db().Changes() == 0) return Status::NotFound("bag '" + b.bag_id + "' is unknown");
  return Status::Ok();
}

Status PickupRepo::DeleteBagsOf(Transaction& txn, const std::string& order_id) {
  REPO_CACHED(st, txn.db(), "DELETE FROM bags WHERE order_id = ?1");
  st.Bind(1, order_id);
  return st.Run().WithContext("delete bags of order '" + order_id + "'");
}

Result<std::vector<BagRecord>> PickupRepo::BagsOf(const std::string& order_id) {
  REPO_CACHED(st, db_, "SELECT " BAG_COLUMNS " FROM bags WHERE order_id = ?1 ORDER BY seq");
  st.Bind(1, order_id);
  return All<BagRecord>(st, ReadBag);
}

// ---- arrivals ----

Result<int64_t> PickupRepo::InsertArrival(Transaction& txn, const ArrivalRecord& a) {
  REPO_CACHED(st, txn.db(),
              "INSERT INTO arrivals (order_id, source, bay, vehicle, arrived_at, task_id, state, served_at, "
              "escalated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  st.Bind(1, a.order_id).Bind(2, a.source).Bind(3, a.bay).Bind(4, a.vehicle).Bind(5, a.arrived_ms);
  st.Bind(6, a.task_id).Bind(7, ArrivalStateName(a.state)).Bind(8, a.served_ms).Bind(9, a.escalated_ms);
  EDGE_RETURN_IF_ERROR(st.Run().WithContext("insert arrival for order '" + a.order_id + "'"));
  return txn.db().LastInsertRowid();
}

Status PickupRepo::UpdateArrival(Transaction& txn, const ArrivalRecord& a) {
  REPO_CACHED(st, txn.db(),
              "UPDATE arrivals SET bay = ?2, vehicle = ?3, task_id = ?4, state = ?5, served_at = ?6, "
              "escalated_at = ?7 WHERE id = ?1");
  st.Bind(1, a.id).Bind(2, a.bay).Bind(3, a.vehicle).Bind(4, a.task_id).Bind(5, ArrivalStateName(a.state));
  st.Bind(6, a.served_ms).Bind(7, a.escalated_ms);
  EDGE_RETURN_IF_ERROR(st.Run().WithContext("update arrival " + std::to_string(a.id)));
  if (txn.db().Changes() == 0) return Status::NotFound("arrival " + std::to_string(a.id) + " is unknown");
  return Status::Ok();
}

Result<std::optional<ArrivalRecord>> PickupRepo::WaitingArrivalOf(const std::string& order_id) {
  REPO_CACHED(st, db_,
              "SELECT " ARRIVAL_COLUMNS
              " FROM arrivals WHERE order_id = ?1 AND state = 'waiting' "
              "ORDER BY id LIMIT 1");
  st.Bind(1, order_id);
  return One<ArrivalRecord>(st, ReadArrival);
}

Result<std::optional<ArrivalRecord>> PickupRepo::FindArrival(int64_t id) {
  REPO_CACHED(st, db_, "SELECT " ARRIVAL_COLUMNS " FROM arrivals WHERE id = ?1");
  st.Bind(1, id);
  return One<ArrivalRecord>(st, ReadArrival);
}

Result<std::vector<ArrivalRecord>> PickupRepo::WaitingArrivals() {
  REPO_CACHED(st, db_,
              "SELECT " ARRIVAL_COLUMNS " FROM arrivals WHERE state = 'waiting' ORDER BY arrived_at, id");
  return All<ArrivalRecord>(st, ReadArrival);
}

Result<std::vector<ArrivalRecord>> PickupRepo::RecentlyServed(int limit) {
  REPO_CACHED(st, db_,
              "SELECT " ARRIVAL_COLUMNS
              " FROM arrivals WHERE state = 'served' ORDER BY served_at DESC LIMIT ?1");
  st.Bind(1, static_cast<int64_t>(limit));
  return All<ArrivalRecord>(st, ReadArrival);
}

// ---- pickup codes and handovers ----

Status PickupRepo::InsertAttempt(Transaction& txn, const PickupAttemptRecord& a) {
  REPO_CACHED(st, txn.db(),
              "INSERT INTO pickup_attempts (order_id, at, ok, channel, by) VALUES (?1, ?2, ?3, ?4, ?5)");
  st.Bind(1, a.order_id)
      .Bind(2, a.at_ms)
      .Bind(3, static_cast<int64_t>(a.ok))
      .Bind(4, a.channel)
      .Bind(5, a.by);
  return st.Run().WithContext("record pickup-code attempt for order '" + a.order_id + "'");
}

Result<int64_t> PickupRepo::WrongAttemptsSince(const std::string& order_id, int64_t since_ms) {
  auto times = WrongAttemptTimesSince(order_id, since_ms);
  if (!times.ok()) return times.status();
  return static_cast<int64_t>(times->size());
}

Result<std::vector<int64_t>> PickupRepo::WrongAttemptTimesSince(const std::string& order_id,
                                                                int64_t since_ms) {
  REPO_CACHED(
      st, db_,
      "SELECT at FROM pickup_attempts WHERE order_id = ?1 AND ok = 0 AND at > ?2 AND id > "
      "coalesce((SELECT max(id) FROM pickup_attempts WHERE order_id = ?1 AND ok = 1), 0) ORDER BY at");
  st.Bind(1, order_id).Bind(2, since_ms);
  std::vector<int64_t> out;
  while (true) {
    auto row = st.Step();
    if (!row.ok()) return row.status();
    if (!*row) return out;
    out.push_back(st.Int64(0));
  }
}

Status PickupRepo::InsertHandover(Transaction& txn, const HandoverRecord& h) {
  REPO_CACHED(st, txn.db(),
              "INSERT INTO handovers (order_id, verified_by, id_type, collector, associate, arrival_id, at) "
              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  st.Bind(1, h.order_id).Bind(2, h.verified_by).Bind(3, h.id_type).Bind(4, h.collector).Bind(5, h.associate);
  st.Bind(6, h.arrival_id).Bind(7, h.at_ms);
  return st.Run().WithContext("record handover of order '" + h.order_id + "'");
}

Result<std::optional<HandoverRecord>> PickupRepo::HandoverOf(const std::string& order_id) {
  REPO_CACHED(st, db_,
              "SELECT order_id, verified_by, id_type, collector, associate, arrival_id, at FROM handovers "
              "WHERE order_id = ?1");
  st.Bind(1, order_id);
  return One<HandoverRecord>(st, [](const Statement& s) {
    HandoverRecord h;
    h.order_id = s.Text(0);
    h.verified_by = s.Text(1);
    h.id_type = OptText(s, 2);
    h.collector = OptText(s, 3);
    h.associate = s.Text(4);
    h.arrival_id = OptInt(s, 5);
    h.at_ms = s.Int64(6);
    return h;
  });
}

}  // namespace edge::store
