#include "edge/store/inventory_repo.h"

#include <algorithm>
#include <limits>

namespace edge::store {

namespace {

// Gets a cached statement or returns its error from the enclosing function.
#define EDGE_CACHED(var, db, sql)               \
  auto var##_or = (db).Cached(sql);             \
  if (!var##_or.ok()) return var##_or.status(); \
  Statement& var = **var##_or

std::optional<std::string> OptText(const Statement& st, int col) {
  if (st.IsNull(col)) return std::nullopt;
  return st.Text(col);
}
std::optional<int64_t> OptInt(const Statement& st, int col) {
  if (st.IsNull(col)) return std::nullopt;
  return st.Int64(col);
}

ReservationState ParseState(const std::string& s) {
  if (s == "open") return ReservationState::kOpen;
  if (s == "consumed") return ReservationState::kConsumed;
  if (s == "released") return ReservationState::kReleased;
  return ReservationState::kRefused;
}

ItemRecord ReadItem(const Statement& st) {
  ItemRecord r;
  r.id = st.Int64(0);
  r.sku = st.Text(1);
  r.description = st.Text(2);
  r.figures = {st.Int64(3), st.Int64(4), st.Int64(5)};
  return r;
}

ReservationRecord ReadReservation(const Statement& st) {
  ReservationRecord r;
  r.order_id = st.Text(0);
  r.line_id = st.Text(1);
  r.sku = st.Text(2);
  r.qty = st.Int64(3);
  r.open_qty = st.Int64(4);
  r.consumed_qty = st.Int64(5);
  r.state = ParseState(st.Text(6));
  r.reason = OptText(st, 7);
  r.created_ms = st.Int64(8);
  r.closed_ms = OptInt(st, 9);
  return r;
}

core::Location ReadLocation(const Statement& st, int col, const std::string& code) {
  core::Location l;
  l.code = code;
  if (!st.IsNull(col)) {
    l.zone = st.Text(col);
    l.aisle = st.Text(col + 1);
    l.bin = st.Text(col + 2);
    l.walk_order = OptInt(st, col + 3);
  }
  return l;
}

#define ITEM_COLUMNS "id, sku, description, on_hand, reserved, safety_stock"
#define RESERVATION_COLUMNS \
  "order_id, line_id, sku, qty, open_qty, consumed_qty, state, reason, created, closed"

}  // namespace

const char* LedgerOriginName(LedgerOrigin o) {
  switch (o) {
    case LedgerOrigin::kLocal:
      return "local";
    case LedgerOrigin::kDelta:
      return "delta";
    case LedgerOrigin::kSnapshot:
      return "snapshot";
  }
  return "local";
}

const char* ReservationStateName(ReservationState s) {
  switch (s) {
    case ReservationState::kOpen:
      return "open";
    case ReservationState::kConsumed:
      return "consumed";
    case ReservationState::kReleased:
      return "released";
    case ReservationState::kRefused:
      return "refused";
  }
  return "open";
}

// ---- items, barcodes, locations ----

Result<std::optional<ItemRecord>> InventoryRepo::FindItem(const std::string& sku) {
  EDGE_CACHED(st, db_, "SELECT " ITEM_COLUMNS " FROM items WHERE sku = ?1");
  st.Bind(1, sku);
  auto row = st.Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<ItemRecord>();
  return std::optional<ItemRecord>(ReadItem(st));
}

Result<std::map<std::string, core::StockFigures>> InventoryRepo::FiguresOf(
    const std::vector<std::string>& skus) {
  std::map<std::string, core::StockFigures> out;
  for (const std::string& sku : skus) {
    if (out.count(sku)) continue;
    auto item = FindItem(sku);
    if (!item.ok()) return item.status();
    if (*item) out.emplace(sku, (*item)->figures);
  }
  return out;
}

Result<bool> InventoryRepo::EnsureItem(Transaction& txn, const std::string& sku) {
  EDGE_CACHED(st, txn.db(), "INSERT INTO items (sku, updated) VALUES (?1, ?2) ON CONFLICT (sku) DO NOTHING");
  st.Bind(1, sku).Bind(2, NowMs());
  EDGE_RETURN_IF_ERROR(st.Run());
  return txn.db().Changes() > 0;
}

Status InventoryRepo::SetDescription(Transaction& txn, const std::string& sku,
                                     const std::string& description) {
  EDGE_CACHED(st, txn.db(),
              "UPDATE items SET description = ?2, updated = ?3 WHERE sku = ?1 AND description <> ?2");
  st.Bind(1, sku).Bind(2, description).Bind(3, NowMs());
  EDGE_RETURN_IF_ERROR(st.Run());
  if (txn.db().Changes() == 0) {
    auto item = FindItem(sku);
    if (!item.ok()) return item.status();
    if (!*item) return Status::NotFound("sku '" + sku + "' is unknown");
  }
  return Status::Ok();
}

Status InventoryRepo::SetSafetyStock(Transaction& txn, const std::string& sku, int64_t safety_stock) {
  auto item = FindItem(sku);
  if (!item.ok()) return item.status();
  if (!*item) return Status::NotFound("sku '" + sku + "' is unknown");
  if ((*item)->figures.safety_stock == safety_stock) return Status::Ok();
  EDGE_CACHED(st, txn.db(), "UPDATE items SET safety_stock = ?2, updated = ?3 WHERE sku = ?1");
  st.Bind(1, sku).Bind(2, safety_stock).Bind(3, NowMs());
  EDGE_RETURN_IF_ERROR(st.Run());
  return MarkAvailableChanged(txn, sku);
}

Status InventoryRepo::PutBarcode(Transaction& txn, const std::string& gtin14, const std::string& sku) {
  EDGE_CACHED(st, txn.db(),
              "INSERT INTO barcodes (gtin14, sku) VALUES (?1, ?2) "
              "ON CONFLICT (gtin14) DO UPDATE SET sku = excluded.sku WHERE sku <> excluded.sku");
  st.Bind(1, gtin14).Bind(2, sku);
  return st.Run();
}

Result<std::optional<std::string>> InventoryRepo::SkuForGtin(const std::string& gtin14) {
  EDGE_CACHED(st, db_, "SELECT sku FROM barcodes WHERE gtin14 = ?1");
  st.Bind(1, gtin14);
  auto row = st.Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(st.Text(0));
}

Result<std::vector<std::string>> InventoryRepo::BarcodesOf(const std::string& sku) {
  EDGE_CACHED(st, db_, "SELECT gtin14 FROM barcodes WHERE sku = ?1 ORDER BY gtin14");
  st.Bind(1, sku);
  std::vector<std::string> out;
  for (;;) {
    auto row = st.Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    out.push_back(st.Text(0));
  }
  return out;
}

Status InventoryRepo::EnsureLocation(Transaction& txn, const core::Location& l) {
  EDGE_CACHED(st, txn.db(),
              "INSERT INTO locations (code, zone, aisle, bin, walk_order) VALUES (?1, ?2, ?3, ?4, ?5) "
              "ON CONFLICT (code) DO NOTHING");
  st.Bind(1, l.code).Bind(2, l.zone).Bind(3, l.aisle).Bind(4, l.bin).Bind(5, l.walk_order);
  return st.Run();
}

Status InventoryRepo::PutLocation(Transaction& txn, const core::Location& l) {
  EDGE_CACHED(st, txn.db(),
              "INSERT INTO locations (code, zone, aisle, bin, walk_order) VALUES (?1, ?2, ?3, ?4, ?5) "
              "ON CONFLICT (code) DO UPDATE SET zone = excluded.zone, aisle = excluded.aisle, "
              "bin = excluded.bin, walk_order = excluded.walk_order");
  st.Bind(1, l.code).Bind(2, l.zone).Bind(3, l.aisle).Bind(4, l.bin).Bind(5, l.walk_order);
  return st.Run();
}

Result<std::optional<core::Location>> InventoryRepo::FindLocation(const std::string& code) {
  EDGE_CACHED(st, db_, "SELECT zone, aisle, bin, walk_order FROM locations WHERE code = ?1");
  st.Bind(1, code);
  auto row = st.Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<core::Location>();
  return std::optional<core::Location>(ReadLocation(st, 0, code));
}

Result<std::vector<StockAt>> InventoryRepo::StockOf(const std::string& sku) {
  // Pick-walk order: the unlocated bucket, then locations with a walk order,
  // then the others, ties by code.
  EDGE_CACHED(st, db_,
              "SELECT s.location, s.qty, l.zone, l.aisle, l.bin, l.walk_order FROM stock s "
              "LEFT JOIN locations l ON l.code = s.location WHERE s.sku = ?1 "
              "ORDER BY s.location <> '', l.walk_order IS NULL, l.walk_order, s.location");
  st.Bind(1, sku);
  std::vector<StockAt> out;
  for (;;) {
    auto row = st.Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    out.push_back({ReadLocation(st, 2, st.Text(0)), st.Int64(1)});
  }
  return out;
}

Result<std::vector<SkuAt>> InventoryRepo::StockAtLocation(const std::string& code) {
  EDGE_CACHED(st, db_,
              "SELECT s.sku, i.description, s.qty FROM stock s JOIN items i ON i.sku = s.sku "
              "WHERE s.location = ?1 AND s.qty <> 0 ORDER BY s.sku");
  st.Bind(1, code);
  std::vector<SkuAt> out;
  for (;;) {
    auto row = st.Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    out.push_back({st.Text(0), st.Text(1), st.Int64(2)});
  }
  return out;
}

Result<std::vector<ItemRecord>> InventoryRepo::Search(const std::string& fts_query, int limit) {
  std::vector<ItemRecord> out;
  if (fts_query.empty()) return out;
  EDGE_CACHED(st, db_,
              "SELECT i.id, i.sku, i.description, i.on_hand, i.reserved, i.safety_stock "
              "FROM items_fts f JOIN items i ON i.id = f.rowid "
              "WHERE items_fts MATCH ?1 ORDER BY f.rank, i.sku LIMIT ?2");
  st.Bind(1, fts_query).Bind(2, limit);
  for (;;) {
    auto row = st.Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    out.push_back(ReadItem(st));
  }
  return out;
}

std::string InventoryRepo::FtsQuery(const std::string& text) {
  // Words are runs of ASCII letters and digits and of non-ASCII bytes (UTF-8
  // letters); everything else separates them, as unicode61 does.
  std::string out;
  std::string word;
  auto flush = [&] {
    if (word.empty()) return;
    if (!out.empty()) out += ' ';
    out += '"' + word + "\"*";
    word.clear();
  };
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || u >= 0x80) {
      word += c;
    } else {
      flush();
    }
  }
  flush();
  return out;
}

// ---- stock changes ----

Status InventoryRepo::MarkAvailableChanged(Transaction& txn, const std::string& sku) {
  EDGE_CACHED(st, txn.db(), "INSERT INTO available_pending (sku) VALUES (?1) ON CONFLICT DO NOTHING");
  st.Bind(1, sku);
  return st.Run();
}

Status InventoryRepo::Apply(Transaction& txn, const StockChange& c) {
  if (c.d_on_hand == 0 && c.d_reserved == 0) return Status::Ok();
  Database& db = txn.db();
  const int64_t now = NowMs();
  {
    // Items first: an unknown SKU stops here, before the stock row's foreign
    // key would.
    EDGE_CACHED(
        st, db,
        "UPDATE items SET on_hand = on_hand + ?2, reserved = reserved + ?3, updated = ?4 WHERE sku = ?1");
    st.Bind(1, c.sku).Bind(2, c.d_on_hand).Bind(3, c.d_reserved).Bind(4, now);
    Status s = st.Run();
    if (!s.ok()) {
      if (s.code() == core::StatusCode::kAlreadyExists) {
        return Status::Internal("sku '" + c.sku + "': change of reserved by " + std::to_string(c.d_reserved) +
                                " would take it below 0: " + s.message());
      }
      return s;
    }
    if (db.Changes() == 0) return Status::NotFound("sku '" + c.sku + "' is unknown");
  }
  if (c.d_on_hand != 0) {
    EDGE_CACHED(up, db,
                "INSERT INTO stock (sku, location, qty) VALUES (?1, ?2, ?3) "
                "ON CONFLICT (sku, location) DO UPDATE SET qty = qty + excluded.qty");
    up.Bind(1, c.sku).Bind(2, c.location).Bind(3, c.d_on_hand);
    EDGE_RETURN_IF_ERROR(up.Run());
    EDGE_CACHED(del, db, "DELETE FROM stock WHERE sku = ?1 AND location = ?2 AND qty = 0");
    del.Bind(1, c.sku).Bind(2, c.location);
    EDGE_RETURN_IF_ERROR(del.Run());
  }
  {
    EDGE_CACHED(
        st, db,
        "INSERT INTO ledger (sku, location, d_on_hand, d_reserved, reason, ref, origin, event_seq, at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    st.Bind(1, c.sku).Bind(2, c.location).Bind(3, c.d_on_hand).Bind(4, c.d_reserved).Bind(5, c.reason);
    st.Bind(6, c.ref).Bind(7, LedgerOriginName(c.origin)).Bind(8, c.event_seq).Bind(9, now);
    EDGE_RETURN_IF_ERROR(st.Run());
  }
  return MarkAvailableChanged(txn, c.sku);
}

// ---- reservations ----

Result<std::vector<ReservationRecord>> InventoryRepo::ReservationsOf(const std::string& order_id) {
  EDGE_CACHED(st, db_,
              "SELECT " RESERVATION_COLUMNS
              " FROM reservations WHERE order_id = ?1 ORDER BY created, line_id");
  st.Bind(1, order_id);
  std::vector<ReservationRecord> out;
  for (;;) {
    auto row = st.Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    out.push_back(ReadReservation(st));
  }
  return out;
}

Result<std::optional<ReservationRecord>> InventoryRepo::FindReservation(const std::string& order_id,
                                                                        const std::string& line_id) {
  EDGE_CACHED(st, db_,
              "SELECT " RESERVATION_COLUMNS " FROM reservations WHERE order_id = ?1 AND line_id = ?2");
  st.Bind(1, order_id).Bind(2, line_id);
  auto row = st.Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<ReservationRecord>();
  return std::optional<ReservationRecord>(ReadReservation(st));
}

Status InventoryRepo::InsertReservation(Transaction& txn, const ReservationRecord& r) {
  EDGE_CACHED(st, txn.db(),
              "INSERT INTO reservations (" RESERVATION_COLUMNS
              ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
  st.Bind(1, r.order_id).Bind(2, r.line_id).Bind(3, r.sku).Bind(4, r.qty).Bind(5, r.open_qty);
  st.Bind(6, r.consumed_qty).Bind(7, ReservationStateName(r.state)).Bind(8, r.reason).Bind(9, r.created_ms);
  st.Bind(10, r.closed_ms);
  return st.Run();
}

Status InventoryRepo::UpdateReservation(Transaction& txn, const ReservationRecord& r) {
  EDGE_CACHED(
      st, txn.db(),
      "UPDATE reservations SET open_qty = ?3, consumed_qty = ?4, state = ?5, reason = ?6, closed = ?7 "
      "WHERE order_id = ?1 AND line_id = ?2");
  st.Bind(1, r.order_id).Bind(2, r.line_id).Bind(3, r.open_qty).Bind(4, r.consumed_qty);
  st.Bind(5, ReservationStateName(r.state)).Bind(6, r.reason).Bind(7, r.closed_ms);
  EDGE_RETURN_IF_ERROR(st.Run());
  if (txn.db().Changes() == 0) {
    return Status::NotFound("order '" + r.order_id + "' line '" + r.line_id + "' has no reservation");
  }
  return Status::Ok();
}

// ---- snapshots ----

Result<std::optional<int64_t>> InventoryRepo::AppliedSnapshotAsOf(const std::string& snapshot_id) {
  EDGE_CACHED(st, db_, "SELECT as_of_store_seq FROM snapshots_applied WHERE snapshot_id = ?1");
  st.Bind(1, snapshot_id);
  auto row = st.Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<int64_t>();
  return std::optional<int64_t>(st.Int64(0));
}

Result<std::optional<PendingSnapshot>> InventoryRepo::FindPendingSnapshot(const std::string& snapshot_id) {
  EDGE_CACHED(st, db_,
              "SELECT chunks, as_of_store_seq, ledger_mark, first_received, last_received, "
              "(SELECT count(*) FROM snapshot_chunks c WHERE c.snapshot_id = p.snapshot_id) "
              "FROM snapshots_pending p WHERE snapshot_id = ?1");
  st.Bind(1, snapshot_id);
  auto row = st.Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<PendingSnapshot>();
  PendingSnapshot p;
  p.snapshot_id = snapshot_id;
  p.chunks = st.Int64(0);
  p.as_of_store_seq = st.Int64(1);
  p.ledger_mark = st.Int64(2);
  p.first_received_ms = st.Int64(3);
  p.last_received_ms = st.Int64(4);
  p.chunks_received = st.Int64(5);
  return std::optional<PendingSnapshot>(std::move(p));
}

Status InventoryRepo::BeginSnapshot(Transaction& txn, const std::string& snapshot_id, int64_t chunks,
                                    int64_t as_of_store_seq) {
  // Central deltas written after this mark were sent after the snapshot was
  // cut (the inventory stream is applied in order), so it cannot hold them.
  auto mark = txn.db().QueryInt("SELECT coalesce(max(id), 0) FROM ledger");
  if (!mark.ok()) return mark.status();
  const int64_t now = NowMs();
  EDGE_CACHED(
      st, txn.db(),
      "INSERT INTO snapshots_pending (snapshot_id, chunks, as_of_store_seq, ledger_mark, first_received, "
      "last_received) VALUES (?1, ?2, ?3, ?4, ?5, ?5)");
  st.Bind(1, snapshot_id).Bind(2, chunks).Bind(3, as_of_store_seq).Bind(4, *mark).Bind(5, now);
  return st.Run();
}

Result<std::optional<std::string>> InventoryRepo::ChunkDigest(const std::string& snapshot_id, int64_t chunk) {
  EDGE_CACHED(st, db_, "SELECT digest FROM snapshot_chunks WHERE snapshot_id = ?1 AND chunk = ?2");
  st.Bind(1, snapshot_id).Bind(2, chunk);
  auto row = st.Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(st.Text(0));
}

Status InventoryRepo::StageChunk(Transaction& txn, const std::string& snapshot_id, int64_t chunk,
                                 const std::string& digest, const std::vector<SnapshotItemRecord>& items) {
  Database& db = txn.db();
  {
    EDGE_CACHED(st, db,
                "INSERT INTO snapshot_chunks (snapshot_id, chunk, digest, items) VALUES (?1, ?2, ?3, ?4)");
    st.Bind(1, snapshot_id).Bind(2, chunk).Bind(3, digest).Bind(4, static_cast<int64_t>(items.size()));
    EDGE_RETURN_IF_ERROR(st.Run());
  }
  {
    EDGE_CACHED(st, db, "UPDATE snapshots_pending SET last_received = ?2 WHERE snapshot_id = ?1");
    st.Bind(1, snapshot_id).Bind(2, NowMs());
    EDGE_RETURN_IF_ERROR(st.Run());
  }
  EDGE_CACHED(
      st, db,
      "INSERT INTO snapshot_items (snapshot_id, chunk, idx, sku, location, on_hand, safety_stock, gtin14, "
      "description) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  int64_t idx = 0;
  for (const SnapshotItemRecord& it : items) {
    st.Reset();
    st.Bind(1, snapshot_id).Bind(2, chunk).Bind(3, idx++).Bind(4, it.sku).Bind(5, it.location);
    st.Bind(6, it.on_hand).Bind(7, it.safety_stock).Bind(8, it.gtin14).Bind(9, it.description);
    EDGE_RETURN_IF_ERROR(st.Run());
  }
  return Status::Ok();
}

Result<std::vector<std::string>> InventoryRepo::SnapshotLocations(const std::string& snapshot_id) {
  EDGE_CACHED(
      st, db_,
      "SELECT DISTINCT location FROM snapshot_items WHERE snapshot_id = ?1 AND location <> '' ORDER BY 1");
  st.Bind(1, snapshot_id);
  std::vector<std::string> out;
  for (;;) {
    auto row = st.Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    out.push_back(st.Text(0));
  }
  return out;
}

Result<SnapshotApplyStats> InventoryRepo::ApplySnapshot(Transaction& txn, const PendingSnapshot& p,
                                                        int64_t event_seq) {
  Database& db = txn.db();
  const int64_t now = NowMs();
  SnapshotApplyStats stats;
  // A work table in the connection's temp schema; created inside this
  // transaction when missing (a rollback drops it again) and emptied.
  EDGE_RETURN_IF_ERROR(
      db.Exec("CREATE TEMP TABLE IF NOT EXISTS snap_diff (sku TEXT NOT NULL, location TEXT NOT NULL, "
              "d INTEGER NOT NULL, PRIMARY KEY (sku, location)) WITHOUT ROWID;"
              "DELETE FROM temp.snap_diff;"));

  auto run = [&](const char* sql, auto&& bind) -> Status {
    auto st = db.Cached(sql);
    if (!st.ok()) return st.status();
    bind(**st);
    return (*st)->Run();
  };
  const std::string& id = p.snapshot_id;

  {
    auto st = db.Cached("SELECT coalesce(sum(items), 0) FROM snapshot_chunks WHERE snapshot_id = ?1");
    if (!st.ok()) return st.status();
    (*st)->Bind(1, id);
    auto row = (*st)->Step();
    if (!row.ok()) return row.status();
    stats.items = (*st)->Int64(0);
  }
  {
    auto st = db.Cached(
        "SELECT (SELECT count(*) FROM ledger WHERE origin = 'local' AND d_on_hand <> 0 AND event_seq > ?1) + "
        "(SELECT count(*) FROM ledger WHERE id > ?2 AND origin = 'delta' AND d_on_hand <> 0)");
    if (!st.ok()) return st.status();
    (*st)->Bind(1, p.as_of_store_seq).Bind(2, p.ledger_mark);
    auto row = (*st)->Step();
    if (!row.ok()) return row.status();
    stats.replayed = (*st)->Int64(0);
  }
  // What on-hand must change by per SKU and location, in one pass: the
  // snapshot's quantity, plus the on-hand effects it does not include, minus
  // what the replica holds now. SKUs and locations the snapshot does not
  // list go to 0 (plus their replayed effects).
  EDGE_RETURN_IF_ERROR(
      run("INSERT INTO temp.snap_diff (sku, location, d) SELECT sku, location, sum(q) FROM ("
          " SELECT sku, location, on_hand AS q FROM snapshot_items WHERE snapshot_id = ?1"
          " UNION ALL SELECT sku, location, d_on_hand FROM ledger"
          "  WHERE origin = 'local' AND d_on_hand <> 0 AND event_seq > ?2"
          " UNION ALL SELECT sku, location, d_on_hand FROM ledger WHERE id > ?3 AND origin = 'delta'"
          " UNION ALL SELECT sku, location, -qty FROM main.stock"
          ") GROUP BY sku, location HAVING sum(q) <> 0",
          [&](Statement& s) { s.Bind(1, id).Bind(2, p.as_of_store_seq).Bind(3, p.ledger_mark); }));
  // A snapshot that names no location at all comes from an OMS that keeps
  // no bins: it sets each SKU's total, and the store's bins are kept. Per
  // SKU, the change of total goes to the unlocated stock when it is an
  // increase, and is taken as a delta's decrease is (core::PlanDecrease:
  // unlocated stock while positive, then bins in walk order, the rest
  // unlocated) when it is a decrease.
  {
    auto st = db.Cached(
        "SELECT NOT EXISTS (SELECT 1 FROM snapshot_items WHERE snapshot_id = ?1 AND location <> '')");
    if (!st.ok()) return st.status();
    (*st)->Bind(1, id);
    auto row = (*st)->Step();
    if (!row.ok()) return row.status();
    stats.totals_only = (*st)->Int64(0) == 1;
  }
  if (stats.totals_only) {
    EDGE_RETURN_IF_ERROR(db.Exec(
        "CREATE TEMP TABLE IF NOT EXISTS snap_total (sku TEXT NOT NULL PRIMARY KEY, d INTEGER NOT NULL) "
        "WITHOUT ROWID;"
        "DELETE FROM temp.snap_total;"
        "INSERT INTO temp.snap_total (sku, d) SELECT sku, sum(d) FROM temp.snap_diff GROUP BY sku "
        "HAVING sum(d) <> 0;"
        "DELETE FROM temp.snap_diff;"
        "INSERT INTO temp.snap_diff (sku, location, d) SELECT sku, '', d FROM temp.snap_total WHERE d > 0;"));
    EDGE_RETURN_IF_ERROR(run(
        "INSERT INTO temp.snap_diff (sku, location, d) SELECT sku, location, -sum(n) FROM ("
        " SELECT sku, location, min(q, max(0, take - (cum - q))) AS n FROM ("
        "  SELECT s.sku, s.location, max(s.qty, 0) AS q, -t.d AS take, sum(max(s.qty, 0)) OVER (PARTITION BY "
        "s.sku ORDER BY s.location <> '', l.walk_order IS NULL, l.walk_order, s.location ROWS UNBOUNDED "
        "PRECEDING) AS cum"
        "  FROM temp.snap_total t JOIN main.stock s ON s.sku = t.sku LEFT JOIN locations l ON l.code = "
        "s.location"
        "  WHERE t.d < 0)"
        " UNION ALL SELECT t.sku, '', -t.d - coalesce((SELECT sum(max(qty, 0)) FROM main.stock s WHERE s.sku "
        "= "
        "t.sku), 0) FROM temp.snap_total t WHERE t.d < 0"
        ") WHERE n > 0 GROUP BY sku, location",
        [](Statement&) {}));
    EDGE_RETURN_IF_ERROR(db.Exec("DELETE FROM temp.snap_total;"));
  }
  // On-hand of the SKUs the store knows, before the new ones are inserted
  // (for a first snapshot, a lookup in an empty table per SKU).
  EDGE_RETURN_IF_ERROR(
      run("UPDATE items SET on_hand = on_hand + d.total, updated = ?1 FROM (SELECT sku, sum(d) AS total "
          "FROM temp.snap_diff GROUP BY sku) AS d WHERE items.sku = d.sku",
          [&](Statement& s) { s.Bind(1, now); }));
  // SKUs new to the store, with their on-hand (all of it is the snapshot's:
  // they have no stock yet). A SKU listed twice is inserted once: the
  // conflict clause does what a DISTINCT would, without sorting every row.
  EDGE_RETURN_IF_ERROR(
      run("INSERT INTO items (sku, on_hand, updated) SELECT s.sku, "
          "coalesce((SELECT sum(d) FROM temp.snap_diff d WHERE d.sku = s.sku), 0), ?2 FROM snapshot_items s "
          "WHERE s.snapshot_id = ?1 AND NOT EXISTS (SELECT 1 FROM items i WHERE i.sku = s.sku) "
          "ON CONFLICT (sku) DO NOTHING",
          [&](Statement& s) { s.Bind(1, id).Bind(2, now); }));
  // Descriptions, barcodes and safety stock given by the snapshot. A SKU
  // listed more than once with different values gets the greatest.
  EDGE_RETURN_IF_ERROR(run(
      "UPDATE items SET description = s.description, updated = ?2 FROM (SELECT sku, max(description) AS "
      "description FROM snapshot_items WHERE snapshot_id = ?1 AND description IS NOT NULL GROUP BY sku) AS s "
      "WHERE items.sku = s.sku AND items.description <> s.description",
      [&](Statement& s) { s.Bind(1, id).Bind(2, now); }));
  EDGE_RETURN_IF_ERROR(
      run("INSERT INTO barcodes (gtin14, sku) SELECT gtin14, max(sku) FROM snapshot_items "
          "WHERE snapshot_id = ?1 AND gtin14 IS NOT NULL GROUP BY gtin14 "
          "ON CONFLICT (gtin14) DO UPDATE SET sku = excluded.sku WHERE sku <> excluded.sku",
          [&](Statement& s) { s.Bind(1, id); }));
  EDGE_RETURN_IF_ERROR(
      run("INSERT INTO available_pending (sku) SELECT i.sku FROM items i JOIN (SELECT sku, max(safety_stock) "
          "AS ss "
          "FROM snapshot_items WHERE snapshot_id = ?1 AND safety_stock IS NOT NULL GROUP BY sku) AS s "
          "ON s.sku = i.sku WHERE i.safety_stock <> s.ss ON CONFLICT DO NOTHING",
          [&](Statement& s) { s.Bind(1, id); }));
  EDGE_RETURN_IF_ERROR(
      run("UPDATE items SET safety_stock = s.ss, updated = ?2 FROM (SELECT sku, max(safety_stock) AS ss "
          "FROM snapshot_items WHERE snapshot_id = ?1 AND safety_stock IS NOT NULL GROUP BY sku) AS s "
          "WHERE items.sku = s.sku AND items.safety_stock <> s.ss",
          [&](Statement& s) { s.Bind(1, id).Bind(2, now); }));

  EDGE_RETURN_IF_ERROR(
      run("INSERT INTO ledger (sku, location, d_on_hand, d_reserved, reason, ref, origin, event_seq, at) "
          "SELECT sku, location, d, 0, 'snapshot', ?1, 'snapshot', ?2, ?3 FROM temp.snap_diff",
          [&](Statement& s) { s.Bind(1, id).Bind(2, event_seq).Bind(3, now); }));
  stats.ledger_rows = db.Changes();
  EDGE_RETURN_IF_ERROR(
      run("INSERT INTO stock (sku, location, qty) SELECT sku, location, d FROM temp.snap_diff WHERE true "
          "ON CONFLICT (sku, location) DO UPDATE SET qty = qty + excluded.qty",
          [](Statement&) {}));
  EDGE_RETURN_IF_ERROR(
      run("DELETE FROM stock WHERE qty = 0 AND (sku, location) IN (SELECT sku, location FROM temp.snap_diff)",
          [](Statement&) {}));
  EDGE_RETURN_IF_ERROR(
      run("INSERT INTO available_pending (sku) SELECT DISTINCT sku FROM temp.snap_diff WHERE true "
          "ON CONFLICT DO NOTHING",
          [](Statement&) {}));
  EDGE_RETURN_IF_ERROR(
      run("INSERT INTO snapshots_applied (snapshot_id, as_of_store_seq, applied, event_seq) VALUES (?1, ?2, "
          "?3, ?4)",
          [&](Statement& s) { s.Bind(1, id).Bind(2, p.as_of_store_seq).Bind(3, now).Bind(4, event_seq); }));
  // Staging rows go in the same transaction (items, chunks, then the head).
  EDGE_RETURN_IF_ERROR(
      run("DELETE FROM snapshot_items WHERE snapshot_id = ?1", [&](Statement& s) { s.Bind(1, id); }));
  EDGE_RETURN_IF_ERROR(
      run("DELETE FROM snapshot_chunks WHERE snapshot_id = ?1", [&](Statement& s) { s.Bind(1, id); }));
  EDGE_RETURN_IF_ERROR(
      run("DELETE FROM snapshots_pending WHERE snapshot_id = ?1", [&](Statement& s) { s.Bind(1, id); }));
  EDGE_RETURN_IF_ERROR(db.Exec("DELETE FROM temp.snap_diff;"));
  return stats;
}

Result<std::vector<std::string>> InventoryRepo::DiscardSnapshotsIdleSince(Transaction& txn,
                                                                          int64_t before_ms) {
  std::vector<std::string> ids;
  {
    EDGE_CACHED(st, txn.db(),
                "SELECT snapshot_id FROM snapshots_pending WHERE last_received < ?1 ORDER BY 1");
    st.Bind(1, before_ms);
    for (;;) {
      auto row = st.Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      ids.push_back(st.Text(0));
    }
  }
  for (const std::string& id : ids) {
    for (const char* sql : {"DELETE FROM snapshot_items WHERE snapshot_id = ?1",
                            "DELETE FROM snapshot_chunks WHERE snapshot_id = ?1",
                            "DELETE FROM snapshots_pending WHERE snapshot_id = ?1"}) {
      auto st = txn.db().Cached(sql);
      if (!st.ok()) return st.status();
      (*st)->Bind(1, id);
      EDGE_RETURN_IF_ERROR((*st)->Run());
    }
  }
  return ids;
}

Result<int64_t> InventoryRepo::TouchPendingSnapshots(Transaction& txn, int64_t now_ms) {
  EDGE_CACHED(st, txn.db(), "UPDATE snapshots_pending SET last_received = max(last_received, ?1)");
  st.Bind(1, now_ms);
  EDGE_RETURN_IF_ERROR(st.Run());
  return static_cast<int64_t>(txn.db().Changes());
}

// ---- incoming stock ----

Status InventoryRepo::ReplaceIncoming(Transaction& txn, const std::string& ref, int64_t eta_ms,
                                      const std::vector<std::pair<std::string, int64_t>>& items) {
  Database& db = txn.db();
  const int64_t now = NowMs();
  {
    // Lines the new message no longer lists go, unless something was
    // received against them already.
    EDGE_CACHED(st, db, "DELETE FROM incoming WHERE ref = ?1 AND received_qty = 0");
    st.Bind(1, ref);
    EDGE_RETURN_IF_ERROR(st.Run());
  }
  EDGE_CACHED(st, db,
              "INSERT INTO incoming (ref, sku, qty, eta, updated) VALUES (?1, ?2, ?3, ?4, ?5) "
              "ON CONFLICT (ref, sku) DO UPDATE SET qty = excluded.qty, eta = excluded.eta, "
              "updated = excluded.updated");
  for (const auto& [sku, qty] : items) {
    st.Reset();
    st.Bind(1, ref).Bind(2, sku).Bind(3, qty).Bind(4, eta_ms).Bind(5, now);
    EDGE_RETURN_IF_ERROR(st.Run());
  }
  return Status::Ok();
}

Result<bool> InventoryRepo::ReceiveIncoming(Transaction& txn, const std::string& ref, const std::string& sku,
                                            int64_t qty) {
  EDGE_CACHED(
      st, txn.db(),
      "UPDATE incoming SET received_qty = received_qty + ?3, updated = ?4 WHERE ref = ?1 AND sku = ?2");
  st.Bind(1, ref).Bind(2, sku).Bind(3, qty).Bind(4, NowMs());
  EDGE_RETURN_IF_ERROR(st.Run());
  return txn.db().Changes() > 0;
}

Result<std::vector<IncomingRecord>> InventoryRepo::IncomingFor(const std::string& sku) {
  EDGE_CACHED(st, db_,
              "SELECT ref, sku, qty, received_qty, eta FROM incoming WHERE sku = ?1 ORDER BY eta, ref");
  st.Bind(1, sku);
  std::vector<IncomingRecord> out;
  for (;;) {
    auto row = st.Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    out.push_back({st.Text(0), st.Text(1), st.Int64(2), st.Int64(3), st.Int64(4)});
  }
  return out;
}

// ---- inventory.available reporting ----

Result<bool> InventoryRepo::AnyAvailablePending() {
  EDGE_CACHED(st, db_, "SELECT 1 FROM available_pending LIMIT 1");
  return st.Step();
}

Result<std::vector<core::AvailableCandidate>> InventoryRepo::AvailableCandidates(int limit) {
  EDGE_CACHED(st, db_,
              "SELECT p.sku, i.on_hand, i.reserved, i.safety_stock, r.available FROM available_pending p "
              "JOIN items i ON i.sku = p.sku LEFT JOIN available_reported r ON r.sku = p.sku "
              "ORDER BY p.sku LIMIT ?1");
  st.Bind(1, limit);
  std::vector<core::AvailableCandidate> out;
  for (;;) {
    auto row = st.Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    core::AvailableCandidate c;
    c.sku = st.Text(0);
    c.available = core::Available({st.Int64(1), st.Int64(2), st.Int64(3)});
    c.last_reported = OptInt(st, 4);
    out.push_back(std::move(c));
  }
  return out;
}

Status InventoryRepo::MarkReported(Transaction& txn, const std::vector<core::AvailableCandidate>& considered,
                                   const std::vector<core::AvailableItem>& sent) {
  Database& db = txn.db();
  {
    EDGE_CACHED(st, db, "DELETE FROM available_pending WHERE sku = ?1");
    for (const auto& c : considered) {
      st.Reset();
      st.Bind(1, c.sku);
      EDGE_RETURN_IF_ERROR(st.Run());
    }
  }
  EDGE_CACHED(st, db,
              "INSERT INTO available_reported (sku, available, reported) VALUES (?1, ?2, ?3) "
              "ON CONFLICT (sku) DO UPDATE SET available = excluded.available, reported = excluded.reported");
  const int64_t now = NowMs();
  for (const auto& s : sent) {
    st.Reset();
    st.Bind(1, s.sku).Bind(2, s.available).Bind(3, now);
    EDGE_RETURN_IF_ERROR(st.Run());
  }
  return Status::Ok();
}

Result<std::optional<int64_t>> InventoryRepo::LastAvailableReportMs() {
  EDGE_CACHED(st, db_, "SELECT max(created) FROM outbox WHERE type = 'inventory.available'");
  auto row = st.Step();
  if (!row.ok()) return row.status();
  return OptInt(st, 0);
}

// ---- ledger retention ----

Result<LedgerFold> InventoryRepo::FoldLedger(Transaction& txn, int64_t before_ms, int64_t after,
                                             int64_t examine) {
  Database& db = txn.db();
  LedgerFold out;
  out.examined_to = after;
  int64_t end = 0, newest = 0, old = 0;
  {
    // The window (the next `examine` ids), the newest id, and whether the
    // window holds any row old enough. Rows are written in time order, so a
    // window with none ends the pass.
    EDGE_CACHED(st, db,
                "WITH w AS (SELECT id, at FROM ledger WHERE id > ?1 ORDER BY id LIMIT ?2) "
                "SELECT coalesce(max(id), ?1), (SELECT coalesce(max(id), 0) FROM ledger), "
                "coalesce(sum(at < ?3), 0) FROM w");
    st.Bind(1, after).Bind(2, examine).Bind(3, before_ms);
    auto row = st.Step();
    if (!row.ok()) return row.status();
    end = st.Int64(0);
    newest = st.Int64(1);
    old = st.Int64(2);
  }
  out.examined_to = end;
  out.done = old == 0 || end >= newest;
  if (old == 0) return out;
  int64_t seq_floor = 0, mark_floor = std::numeric_limits<int64_t>::max();
  {
    EDGE_CACHED(st, db,
                "SELECT coalesce((SELECT max(as_of_store_seq) FROM snapshots_applied), 0), "
                "(SELECT min(as_of_store_seq) FROM snapshots_pending), "
                "(SELECT min(ledger_mark) FROM snapshots_pending)");
    auto row = st.Step();
    if (!row.ok()) return row.status();
    seq_floor = st.Int64(0);
    if (!st.IsNull(1)) seq_floor = std::min(seq_floor, st.Int64(1));
    if (!st.IsNull(2)) mark_floor = st.Int64(2);
  }
#define FOLDABLE                                                                                          \
  " id > ?1 AND id <= ?2 AND id < ?3 AND at < ?4"                                                         \
  " AND NOT (origin = 'local' AND reason IN ('carried_forward', 'count', 'damaged', 'found', 'receipt'))" \
  " AND (origin <> 'local' OR event_seq IS NULL OR event_seq <= ?5)"                                      \
  " AND (origin <> 'delta' OR id <= ?6)"
  auto bind = [&](Statement& st) {
    st.Bind(1, after).Bind(2, end).Bind(3, newest).Bind(4, before_ms).Bind(5, seq_floor).Bind(6, mark_floor);
  };
  {
    EDGE_CACHED(
        st, db,
        "INSERT INTO ledger (sku, location, d_on_hand, d_reserved, reason, ref, origin, event_seq, at) "
        "SELECT sku, location, sum(d_on_hand), sum(d_reserved), 'carried_forward', NULL, 'local', NULL, "
        "?4 FROM ledger WHERE" FOLDABLE
        " GROUP BY sku, location HAVING sum(d_on_hand) <> 0 OR sum(d_reserved) <> 0 "
        "ON CONFLICT (sku, location) WHERE origin = 'local' AND reason = 'carried_forward' DO UPDATE "
        "SET d_on_hand = d_on_hand + excluded.d_on_hand, d_reserved = d_reserved + excluded.d_reserved, "
        "at = max(at, excluded.at)");
    bind(st);
    EDGE_RETURN_IF_ERROR(st.Run());
    out.carried = db.Changes();
  }
  {
    // The node's last event whose rows are folded: a snapshot cut before
    // it could not be replayed on top of (ApplySnapshotChunk refuses one).
    EDGE_CACHED(st, db,
                "INSERT INTO meta (key, value) SELECT 'ledger_folded_seq', max(event_seq) FROM ledger "
                "WHERE origin = 'local' AND" FOLDABLE
                " HAVING max(event_seq) IS NOT NULL ON CONFLICT (key) DO UPDATE "
                "SET value = max(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER))");
    bind(st);
    EDGE_RETURN_IF_ERROR(st.Run());
  }
  {
    EDGE_CACHED(st, db, "DELETE FROM ledger WHERE" FOLDABLE);
    bind(st);
    EDGE_RETURN_IF_ERROR(st.Run());
    out.folded = db.Changes();
  }
#undef FOLDABLE
  return out;
}

Result<int64_t> InventoryRepo::FoldedEventSeq() {
  return db_.QueryInt(
      "SELECT coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'ledger_folded_seq'), 0)");
}

// ---- checks ----

Result<std::vector<LedgerRecord>> InventoryRepo::LedgerOf(const std::string& sku) {
  EDGE_CACHED(
      st, db_,
      "SELECT id, sku, location, d_on_hand, d_reserved, reason, ref, origin, event_seq, at FROM ledger "
      "WHERE sku = ?1 ORDER BY id");
  st.Bind(1, sku);
  std::vector<LedgerRecord> out;
  for (;;) {
    auto row = st.Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    LedgerRecord r;
    r.id = st.Int64(0);
    r.sku = st.Text(1);
    r.location = st.Text(2);
    r.d_on_hand = st.Int64(3);
    r.d_reserved = st.Int64(4);
    r.reason = st.Text(5);
    r.ref = OptText(st, 6);
    r.origin = st.Text(7);
    r.event_seq = OptInt(st, 8);
    r.at_ms = st.Int64(9);
    out.push_back(std::move(r));
  }
  return out;
}

Result<std::vector<std::string>> InventoryRepo::CheckConsistency() {
  // One pass over each table (the ledger and reservations have no index by
  // SKU: nothing else reads them so).
  auto st = db_.Prepare(
      "WITH s AS (SELECT sku, sum(qty) AS q FROM stock GROUP BY sku), "
      "l AS (SELECT sku, sum(d_on_hand) AS oh, sum(d_reserved) AS r FROM ledger GROUP BY sku), "
      "o AS (SELECT sku, sum(open_qty) AS q FROM reservations WHERE state = 'open' GROUP BY sku) "
      "SELECT i.sku, i.on_hand, i.reserved, coalesce(s.q, 0), coalesce(l.oh, 0), coalesce(l.r, 0), "
      "coalesce(o.q, 0) "
      "FROM items i LEFT JOIN s ON s.sku = i.sku LEFT JOIN l ON l.sku = i.sku LEFT JOIN o ON o.sku = i.sku "
      "ORDER BY i.sku");
  if (!st.ok()) return st.status();
  std::vector<std::string> out;
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    const std::string sku = st->Text(0);
    const int64_t on_hand = st->Int64(1), reserved = st->Int64(2);
    auto check = [&](const char* what, int64_t figure, const char* sum_name, int64_t sum) {
      if (figure != sum) {
        out.push_back(sku + ": " + what + " " + std::to_string(figure) + ", " + sum_name + " " +
                      std::to_string(sum));
      }
    };
    check("on_hand", on_hand, "stock sum", st->Int64(3));
    check("on_hand", on_hand, "ledger sum", st->Int64(4));
    check("reserved", reserved, "ledger sum", st->Int64(5));
    check("reserved", reserved, "open reservations", st->Int64(6));
  }
  auto orphans = db_.QueryInt(
      "SELECT (SELECT count(*) FROM ledger WHERE sku NOT IN (SELECT sku FROM items)) + "
      "(SELECT count(*) FROM stock WHERE sku NOT IN (SELECT sku FROM items))");
  if (!orphans.ok()) return orphans.status();
  if (*orphans != 0) out.push_back(std::to_string(*orphans) + " ledger or stock rows of unknown SKUs");
  return out;
}

}  // namespace edge::store
