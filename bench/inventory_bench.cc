// inventory_bench: what the inventory replica costs against plain SQLite on
// the same machine, same file system and same pragmas (issue 3).
//
//  1. A snapshot of --skus SKUs in --chunks chunks through
//     InventoryService::ApplySnapshotChunk (staging, then the atomic apply
//     with ledger rows), against one transaction of plain INSERTs of the same
//     rows into a bare table.
//  2. Reservation decisions per second (a 3-line order per decision, each
//     appending order.accepted), one per transaction and in groups of 16
//     per transaction (how the daemon applies orders that arrive together),
//     with synchronous FULL and NORMAL, against raw single-row commits with
//     the same setting.
//  3. Ledger retention: a ledger of --ledger rows, the oldest tenth past
//     the retention, folded by InventoryService::FoldLedger in turns of
//     2,000 rows as storeedged runs it (each turn holds the daemon's
//     thread), against deleting the same rows from a bare table of the same
//     columns in the same windows; and a pass over old rows that must be
//     kept (a store no snapshot reached). Also the ledger's bytes per row,
//     which sizes the database (packaging/storeedge.toml).
//
// Beside each, the model's floor: the rows the replica must write for the
// same work (issue 3's model: items with their FTS entry, barcodes, stock,
// ledger, reservations, the outbox event, availability marks), written by
// bare SQL into a store of the same schema and pragmas, with no staging, no
// checks and no logic. No replica on this schema writes less, so the floor
// shows how much of a gap to the plain baseline comes with the model and
// its tables, and how much is the replica's own.
//
// Usage: inventory_bench [--skus N] [--chunks N] [--reservations N] [--ledger N]
//                        [--dir D] [--checkpoint thread|inline]
//                        [--only snapshot|FULL|NORMAL|fold] [--unlocated] [--profile]
// Defaults: 1,000,000 SKUs, 200 chunks, 2,000 reservations, 1,000,000 ledger
// rows, $TMPDIR, the WAL checkpointed from a thread of its own as storeedged
// does (inline: by SQLite inside the commit that fills it), snapshot items
// with a location each (--unlocated: none, as an OMS without bins sends).
// Build it in a release tree: -DCMAKE_BUILD_TYPE=Release -DSTOREEDGE_BENCH=ON.
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "edge/app/inventory_service.h"
#include "edge/app/system_clock.h"
#include "edge/core/gtin.h"
#include "edge/store/store.h"

namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

struct Args {
  int64_t skus = 1'000'000;
  int64_t chunks = 200;
  int64_t reservations = 2'000;
  int64_t ledger = 1'000'000;
  std::string dir;
  bool profile = false;
  bool unlocated = false;         // --unlocated: snapshot items name no location (an OMS without bins)
  bool thread_checkpoint = true;  // --checkpoint thread (storeedged's) or inline (SQLite's own)
  std::string only;               // --only snapshot|FULL|NORMAL|fold: one phase (for a profiler)
};

// With --profile: every statement of the replica slower than 20 ms, on stderr.
int Profile(unsigned, void*, void* stmt, void* ns) {
  const double ms = static_cast<double>(*static_cast<sqlite3_int64*>(ns)) / 1e6;
  if (ms >= 20)
    std::fprintf(stderr, "  %8.0f ms  %.110s\n", ms, sqlite3_sql(static_cast<sqlite3_stmt*>(stmt)));
  return 0;
}

// Resident memory of this process from /proc/self/status (kB), and the peak
// since the last ResetPeak(): the peak of one phase, not of the whole run.
int64_t StatusKiB(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  const std::string key = std::string(field) + ":";
  while (std::getline(in, line)) {
    if (line.rfind(key, 0) == 0) return std::atoll(line.c_str() + key.size());
  }
  return -1;
}

void ResetPeak() { std::ofstream("/proc/self/clear_refs") << "5"; }

// "peak RSS 812 MB, 35 MB above the 777 MB held before it" for one phase.
std::string PeakSince(int64_t before_kib) {
  const int64_t peak = StatusKiB("VmHWM");
  char buf[128];
  std::snprintf(buf, sizeof buf, "peak RSS %.0f MB, %.0f MB above the %.0f MB held before it",
                static_cast<double>(peak) / 1024, static_cast<double>(peak - before_kib) / 1024,
                static_cast<double>(before_kib) / 1024);
  return buf;
}

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "inventory_bench: %s\n", what.c_str());
  std::exit(1);
}

std::string Sku(int64_t i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "SKU-%07lld", static_cast<long long>(i));
  return buf;
}

std::string Location(int64_t i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%c-%02lld-%02lld", static_cast<char>('A' + i % 6),
                static_cast<long long>(i / 6 % 40), static_cast<long long>(i / 240 % 20));
  return buf;
}

std::string Gtin(int64_t i) {
  char body[24];
  std::snprintf(body, sizeof body, "%011lld", static_cast<long long>(i + 1'000'000));
  return std::string(body) + static_cast<char>('0' + edge::core::GtinCheckDigit(body));
}

struct Row {
  std::string sku;
  std::string location;
  std::string gtin;
  int64_t on_hand;
};

std::string Fresh(const Args& a, const std::string& name) {
  const std::string path = a.dir + "/" + name;
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  return path;
}

std::unique_ptr<edge::store::Store> OpenStore(const Args& a, const std::string& path,
                                              edge::store::Synchronous sync, const edge::core::Clock& clock) {
  edge::store::StoreOptions o;
  o.path = path;
  o.store_id = "BENCH";
  o.synchronous = sync;
  o.background_checkpoint = a.thread_checkpoint;
  auto s = edge::store::Store::Open(o, clock);
  if (!s.ok()) Die("open " + path + ": " + s.status().ToString());
  return std::move(s).value();
}

// A bare connection with the pragmas the store sets.
sqlite3* OpenRaw(const std::string& path, const char* synchronous) {
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) Die("open " + path);
  const std::string pragmas =
      std::string("PRAGMA journal_mode=WAL; PRAGMA synchronous=") + synchronous + "; PRAGMA foreign_keys=ON;";
  if (sqlite3_exec(db, pragmas.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) Die(sqlite3_errmsg(db));
  return db;
}

void Exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) Die(std::string(sql) + ": " + err);
}

// A prepared statement of a bare connection, for the floors.
class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) {
    if (sqlite3_prepare_v2(db, sql, -1, &st_, nullptr) != SQLITE_OK)
      Die(std::string(sql) + ": " + sqlite3_errmsg(db));
  }
  ~Stmt() { sqlite3_finalize(st_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  Stmt& Text(int i, const std::string& v) {
    sqlite3_bind_text(st_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& Int(int i, int64_t v) {
    sqlite3_bind_int64(st_, i, v);
    return *this;
  }
  Stmt& Null(int i) {
    sqlite3_bind_null(st_, i);
    return *this;
  }
  // Steps through every row (a read is done in full, as the replica's are).
  void Run() {
    int rc;
    while ((rc = sqlite3_step(st_)) == SQLITE_ROW) {
    }
    if (rc != SQLITE_DONE) Die(std::string(sqlite3_sql(st_)) + ": " + sqlite3_errmsg(sqlite3_db_handle(st_)));
    sqlite3_reset(st_);
  }

 private:
  sqlite3_stmt* st_ = nullptr;
};

std::string Gtin14(const std::string& code) {
  auto g = edge::core::NormalizeGtin14(code);
  if (!g.ok()) Die(g.status().ToString());
  return *g;
}

// The snapshot's floor: the rows a first snapshot leaves in the replica's
// tables, written into a fresh store by one INSERT … SELECT per table from
// an in-memory table (filled before the clock starts, as the baseline's rows
// are in memory), in one transaction. Returns seconds.
double SnapshotFloor(const Args& a, const std::vector<Row>& rows) {
  edge::app::SystemClock clock;
  auto store = OpenStore(a, Fresh(a, "floor.db"), edge::store::Synchronous::kFull, clock);
  sqlite3* db = store->db().handle();
  Exec(db, "CREATE TEMP TABLE rows (sku TEXT, location TEXT, gtin14 TEXT, on_hand INTEGER)");
  Exec(db, "BEGIN");
  {
    Stmt in(db, "INSERT INTO temp.rows VALUES (?1, ?2, ?3, ?4)");
    for (const Row& r : rows)
      in.Text(1, r.sku).Text(2, r.location).Text(3, Gtin14(r.gtin)).Int(4, r.on_hand).Run();
  }
  Exec(db, "COMMIT");
  const auto t0 = Clock::now();
  Exec(db, "BEGIN IMMEDIATE");
  Exec(db,
       "INSERT INTO locations (code, zone, aisle, bin) SELECT DISTINCT location, substr(location, 1, 1), "
       "substr(location, 3, 2), substr(location, 6, 2) FROM temp.rows");
  Exec(db, "INSERT INTO items (sku, on_hand, updated) SELECT sku, on_hand, 0 FROM temp.rows");
  Exec(db, "INSERT INTO barcodes (gtin14, sku) SELECT gtin14, sku FROM temp.rows");
  Exec(db,
       "INSERT INTO stock (sku, location, qty) SELECT sku, location, on_hand FROM temp.rows WHERE on_hand <> "
       "0");
  Exec(db,
       "INSERT INTO ledger (sku, location, d_on_hand, d_reserved, reason, ref, origin, event_seq, at) "
       "SELECT sku, location, on_hand, 0, 'snapshot', 'floor', 'snapshot', 1, 0 FROM temp.rows WHERE on_hand "
       "<> 0");
  Exec(db, "INSERT INTO available_pending (sku) SELECT sku FROM temp.rows");
  Exec(db, "COMMIT");
  return Seconds(t0);
}

void BenchSnapshot(const Args& a, const std::vector<Row>& rows) {
  std::printf("snapshot: %lld SKUs in %lld chunks (synchronous FULL)\n", static_cast<long long>(a.skus),
              static_cast<long long>(a.chunks));
  // Chunks are built first: the figure is the replica's, not JSON parsing.
  std::vector<json> chunks;
  const int64_t per = (a.skus + a.chunks - 1) / a.chunks;
  for (int64_t c = 0; c < a.chunks; ++c) {
    json items = json::array();
    for (int64_t i = c * per; i < std::min(a.skus, (c + 1) * per); ++i) {
      const Row& r = rows[static_cast<size_t>(i)];
      json item = {{"sku", r.sku}, {"on_hand", r.on_hand}, {"gtin", r.gtin}};
      if (!a.unlocated) item["location"] = r.location;
      items.push_back(std::move(item));
    }
    chunks.push_back({{"snapshot_id", "bench-1"},
                      {"as_of_store_seq", 0},
                      {"chunk", c + 1},
                      {"chunks", a.chunks},
                      {"items", std::move(items)}});
  }

  edge::app::SystemClock clock;
  double replica = 0;
  double plain = 0;
  {
    auto store = OpenStore(a, Fresh(a, "replica.db"), edge::store::Synchronous::kFull, clock);
    if (a.profile) sqlite3_trace_v2(store->db().handle(), SQLITE_TRACE_PROFILE, Profile, nullptr);
    auto svc =
        edge::app::InventoryService::Create(*store, clock, {}, std::mt19937_64(std::random_device{}()));
    if (!svc.ok()) Die(svc.status().ToString());
    const int64_t held = StatusKiB("VmRSS");  // the chunks, built above
    ResetPeak();
    const auto t0 = Clock::now();
    double last_chunk = 0;
    for (size_t c = 0; c < chunks.size(); ++c) {
      const auto tc = Clock::now();
      auto r = (*svc)->ApplySnapshotChunk(chunks[c]);
      if (!r.ok()) Die(r.status().ToString());
      if (c + 1 == chunks.size()) last_chunk = Seconds(tc);
    }
    const double total = Seconds(t0);
    replica = total;
    std::printf(
        "  replica: %.2f s (%.0f SKUs/s); staging %.2f s, last chunk + atomic apply %.2f s; file %.0f MB; "
        "%s\n",
        total, static_cast<double>(a.skus) / total, total - last_chunk, last_chunk,
        static_cast<double>(store->FileSizeBytes()) / 1e6, PeakSince(held).c_str());
    // A second snapshot of the same figures (the daily case: little changes).
    for (auto& c : chunks) c["snapshot_id"] = "bench-2";
    const int64_t held_again = StatusKiB("VmRSS");
    ResetPeak();
    const auto t1 = Clock::now();
    double again_last = 0;
    for (size_t c = 0; c < chunks.size(); ++c) {
      const auto tc = Clock::now();
      auto r = (*svc)->ApplySnapshotChunk(chunks[c]);
      if (!r.ok()) Die(r.status().ToString());
      if (c + 1 == chunks.size()) again_last = Seconds(tc);
    }
    const double again = Seconds(t1);
    std::printf("  replica, same figures again: %.2f s (%.0f SKUs/s); last chunk + atomic apply %.2f s; %s\n",
                again, static_cast<double>(a.skus) / again, again_last, PeakSince(held_again).c_str());
  }
  {
    sqlite3* db = OpenRaw(Fresh(a, "plain.db"), "FULL");
    Exec(db,
         "CREATE TABLE stock (sku TEXT PRIMARY KEY, location TEXT NOT NULL, gtin TEXT, on_hand INTEGER NOT "
         "NULL)");
    chunks.clear();
    chunks.shrink_to_fit();
    const int64_t held = StatusKiB("VmRSS");  // the rows
    ResetPeak();
    const auto t0 = Clock::now();
    Exec(db, "BEGIN IMMEDIATE");
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, "INSERT INTO stock VALUES (?1, ?2, ?3, ?4)", -1, &st, nullptr);
    for (const Row& r : rows) {
      sqlite3_bind_text(st, 1, r.sku.data(), static_cast<int>(r.sku.size()), SQLITE_STATIC);
      sqlite3_bind_text(st, 2, r.location.data(), static_cast<int>(r.location.size()), SQLITE_STATIC);
      sqlite3_bind_text(st, 3, r.gtin.data(), static_cast<int>(r.gtin.size()), SQLITE_STATIC);
      sqlite3_bind_int64(st, 4, r.on_hand);
      if (sqlite3_step(st) != SQLITE_DONE) Die(sqlite3_errmsg(db));
      sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    Exec(db, "COMMIT");
    const double total = Seconds(t0);
    std::printf("  plain SQLite bulk insert, one transaction: %.2f s (%.0f rows/s); %s\n", total,
                static_cast<double>(a.skus) / total, PeakSince(held).c_str());
    sqlite3_close(db);
    plain = total;
  }
  const double floor = SnapshotFloor(a, rows);
  std::printf(
      "  model floor (the same final rows in the replica's tables, bare INSERT ... SELECT): %.2f s\n"
      "  replica %.2fx the plain insert (%.2fx its model floor); model floor %.2fx the plain insert\n",
      floor, replica / plain, replica / floor, floor / plain);
}

// The decisions' floor: what accepting a 3-line order writes and reads, as
// bare prepared statements on a store of the same schema and pragmas: the
// order's earlier lines looked up, each SKU's figures read, the
// order.accepted event appended to the outbox, and per line its reservation,
// the item's reserved, a ledger row and an availability mark. `group`
// decisions per transaction. Returns decisions per second.
double DecisionFloor(const Args& a, edge::store::Synchronous sync, const char* name, int64_t group) {
  edge::app::SystemClock clock;
  auto store = OpenStore(a, Fresh(a, std::string("floor-") + name + ".db"), sync, clock);
  sqlite3* db = store->db().handle();
  constexpr int64_t kSkus = 1000;
  Exec(db, "BEGIN");
  {
    Stmt item(db, "INSERT INTO items (sku, on_hand, updated) VALUES (?1, 1000000, 0)");
    for (int64_t i = 0; i < kSkus; ++i) item.Text(1, Sku(i)).Run();
  }
  Exec(db, "COMMIT");
  Stmt earlier(db, "SELECT line_id, state FROM reservations WHERE order_id = ?1");
  Stmt figures(db, "SELECT on_hand, reserved, safety_stock FROM items WHERE sku = ?1");
  Stmt event(db, "INSERT INTO outbox (id, type, payload, created) VALUES (?1, 'order.accepted', ?2, 0)");
  Stmt reserve(db,
               "INSERT INTO reservations (order_id, line_id, sku, qty, open_qty, state, created) "
               "VALUES (?1, ?2, ?3, 1, 1, 'open', 0)");
  Stmt reserved(db, "UPDATE items SET reserved = reserved + 1, updated = 0 WHERE sku = ?1");
  Stmt ledger(db,
              "INSERT INTO ledger (sku, location, d_on_hand, d_reserved, reason, ref, origin, event_seq, at) "
              "VALUES (?1, '', 0, 1, 'reserve', ?2, 'local', ?3, 0)");
  Stmt mark(db, "INSERT INTO available_pending (sku) VALUES (?1) ON CONFLICT DO NOTHING");
  std::mt19937_64 rng(1);
  const auto t0 = Clock::now();
  for (int64_t i = 0; i < a.reservations; i += group) {
    Exec(db, "BEGIN IMMEDIATE");
    for (int64_t k = i; k < std::min(i + group, a.reservations); ++k) {
      const std::string order = "O-" + std::to_string(k);
      earlier.Text(1, order).Run();
      std::string skus[3];
      for (auto& sku : skus) {
        sku = Sku(static_cast<int64_t>(rng() % kSkus));
        figures.Text(1, sku).Run();
      }
      char id[40];
      std::snprintf(id, sizeof id, "%016llx%016llx", static_cast<unsigned long long>(rng()),
                    static_cast<unsigned long long>(rng()));
      event.Text(1, id)
          .Text(2,
                R"({"order_id":")" + order +
                    R"(","lines":[{"line_id":"1","qty":1},{"line_id":"2","qty":1},{"line_id":"3","qty":1}]})")
          .Run();
      const int64_t seq = sqlite3_last_insert_rowid(db);
      for (int l = 0; l < 3; ++l) {
        const std::string line = std::to_string(l + 1);
        reserve.Text(1, order).Text(2, line).Text(3, skus[l]).Run();
        reserved.Text(1, skus[l]).Run();
        ledger.Text(1, skus[l]).Text(2, order + "/" + line).Int(3, seq).Run();
        mark.Text(1, skus[l]).Run();
      }
    }
    Exec(db, "COMMIT");
  }
  return static_cast<double>(a.reservations) / Seconds(t0);
}

void BenchReservations(const Args& a, edge::store::Synchronous sync, const char* name) {
  edge::app::SystemClock clock;
  const int64_t skus = 1000;
  double replica = 0;
  double grouped = 0;
  {
    auto store = OpenStore(a, Fresh(a, std::string("reserve-") + name + ".db"), sync, clock);
    auto svc =
        edge::app::InventoryService::Create(*store, clock, {}, std::mt19937_64(std::random_device{}()));
    if (!svc.ok()) Die(svc.status().ToString());
    json items = json::array();
    for (int64_t i = 0; i < skus; ++i) items.push_back({{"sku", Sku(i)}, {"on_hand", 1'000'000}});
    auto r = (*svc)->ApplySnapshotChunk(
        {{"snapshot_id", "s"}, {"as_of_store_seq", 0}, {"chunk", 1}, {"chunks", 1}, {"items", items}});
    if (!r.ok()) Die(r.status().ToString());
    std::mt19937_64 rng(1);
    auto order = [&](int64_t i) {
      std::vector<edge::core::LineRequest> lines;
      for (int l = 1; l <= 3; ++l)
        lines.push_back({std::to_string(l), Sku(static_cast<int64_t>(rng() % skus)), 1});
      auto d = (*svc)->Reserve("O-" + std::to_string(i), lines, true);
      if (!d.ok()) Die(d.status().ToString());
    };
    const auto t0 = Clock::now();
    for (int64_t i = 0; i < a.reservations; ++i) order(i);
    replica = static_cast<double>(a.reservations) / Seconds(t0);
    // Group commit, as the daemon applies orders that arrive together: a
    // batch of decisions in one transaction (each a savepoint), none
    // reported before the batch commits.
    constexpr int64_t kBatch = 16;
    const auto t1 = Clock::now();
    for (int64_t i = 0; i < a.reservations; i += kBatch) {
      auto txn = edge::store::Transaction::Begin(store->db());
      if (!txn.ok()) Die(txn.status().ToString());
      for (int64_t k = i; k < std::min(i + kBatch, a.reservations); ++k) order(a.reservations + k);
      if (auto c = (*txn)->Commit(); !c.ok()) Die(c.ToString());
    }
    grouped = static_cast<double>(a.reservations) / Seconds(t1);
  }
  double raw = 0;
  {
    sqlite3* db = OpenRaw(Fresh(a, std::string("raw-") + name + ".db"), name);
    Exec(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, "INSERT INTO t (v) VALUES ('x')", -1, &st, nullptr);
    const auto t0 = Clock::now();
    for (int64_t i = 0; i < a.reservations; ++i) {
      Exec(db, "BEGIN IMMEDIATE");
      if (sqlite3_step(st) != SQLITE_DONE) Die(sqlite3_errmsg(db));
      sqlite3_reset(st);
      Exec(db, "COMMIT");
    }
    raw = static_cast<double>(a.reservations) / Seconds(t0);
    sqlite3_finalize(st);
    sqlite3_close(db);
  }
  std::printf(
      "reservations (3-line orders), synchronous %s: %.0f decisions/s one per transaction (%.2fx), %.0f/s in "
      "groups of 16 (%.2fx); raw single-row commits %.0f/s\n",
      name, replica, replica / raw, grouped, grouped / raw, raw);
  // The floor one per transaction, in groups of 16 as above, and in groups
  // of 1,024: how near any group commit could come.
  const double floor_one = DecisionFloor(a, sync, name, 1);
  const double floor_16 = DecisionFloor(a, sync, name, 16);
  const double floor_1024 = DecisionFloor(a, sync, name, 1024);
  std::printf(
      "  model floor (the same rows by bare statements), synchronous %s: %.0f/s one per transaction (%.2fx), "
      "%.0f/s in groups of 16 (%.2fx), %.0f/s in groups of 1024 (%.2fx); replica %.2fx its floor in groups "
      "of 16\n",
      name, floor_one, floor_one / raw, floor_16, floor_16 / raw, floor_1024, floor_1024 / raw,
      grouped / floor_16);
}

// Ledger retention. The ledger: --ledger rows over 10,000 SKUs, as orders
// and the OMS write them (a reservation, goods leaving, a sale, a receipt in
// turn; a third unlocated), the oldest tenth 100 days old and the rest a
// day old, with a snapshot applied that holds every event. Folded with a
// 90-day retention in turns of 2,000 rows, as storeedged does.
void BenchFold(const Args& a) {
  constexpr int64_t kTurn = 2'000;  // storeedged's rows per turn (Daemon::Impl::FoldLedger)
  constexpr int64_t kSkus = 10'000;
  constexpr int64_t kDay = 86'400'000;
  const int64_t n = a.ledger;
  const int64_t old = n / 10;
  std::printf("ledger retention: %lld rows, %lld of them past a 90-day retention (synchronous FULL)\n",
              static_cast<long long>(n), static_cast<long long>(old));
  edge::app::SystemClock clock;
  const int64_t now = edge::core::ToUnixMillis(clock.Now());
  struct LedgerRow {
    std::string sku, location, reason, ref, origin;
    int64_t d_on_hand = 0, d_reserved = 0, at = 0;
    std::optional<int64_t> seq;
  };
  std::mt19937_64 rng(7);
  auto row = [&](int64_t i) {
    const int64_t k = static_cast<int64_t>(rng() % kSkus);
    LedgerRow r;
    r.sku = Sku(k);
    r.location = i % 3 == 0 ? "" : Location(k);
    r.at = i < old ? now - 100 * kDay + i : now - kDay + i;
    r.origin = "local";
    r.ref = "O-" + std::to_string(i / 4) + "/1";
    switch (i % 4) {
      case 0:
        r.reason = "reserve", r.d_reserved = 1, r.seq = i + 1;
        break;
      case 1:
        r.reason = "consume", r.d_on_hand = -1, r.d_reserved = -1, r.seq = i + 1;
        break;
      case 2:
        r.reason = "pos_sale", r.d_on_hand = -1, r.origin = "delta", r.ref.clear();
        break;
      default:
        r.reason = "receipt", r.d_on_hand = 2, r.origin = "delta", r.ref.clear();
    }
    return r;
  };
  auto fill = [&](sqlite3* db) {
    rng.seed(7);
    Exec(db, "BEGIN");
    Stmt in(db,
            "INSERT INTO ledger (sku, location, d_on_hand, d_reserved, reason, ref, origin, event_seq, at) "
            "VALUES (?1, ?2, ?3, ?4, ?5, nullif(?6, ''), ?7, ?8, ?9)");
    for (int64_t i = 0; i < n; ++i) {
      const LedgerRow r = row(i);
      in.Text(1, r.sku).Text(2, r.location).Int(3, r.d_on_hand).Int(4, r.d_reserved).Text(5, r.reason);
      in.Text(6, r.ref).Text(7, r.origin).Int(9, r.at);
      if (r.seq) {
        in.Int(8, *r.seq);
      } else {
        in.Null(8);
      }
      in.Run();
    }
    Exec(db, "COMMIT");
  };
  auto bytes = [](sqlite3* db) {
    Exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, "SELECT page_count * page_size FROM pragma_page_count, pragma_page_size", -1, &st,
                       nullptr);
    sqlite3_step(st);
    const int64_t b = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return b;
  };

  struct Pass {
    double seconds = 0, longest_ms = 0;
    int64_t turns = 0, folded = 0, carried = 0;
  };
  // One pass as storeedged runs it.
  auto fold_pass = [&](edge::app::InventoryService& svc) {
    Pass p;
    int64_t after = 0;
    const auto t0 = Clock::now();
    for (;;) {
      const auto tt = Clock::now();
      auto r = svc.FoldLedger(std::chrono::hours(24 * 90), after, kTurn);
      if (!r.ok()) Die(r.status().ToString());
      p.longest_ms = std::max(p.longest_ms, Seconds(tt) * 1000);
      ++p.turns;
      p.folded += r->folded;
      p.carried += r->carried;
      after = r->examined_to;
      if (r->done) break;
    }
    p.seconds = Seconds(t0);
    return p;
  };
  // A store with the ledger above; `as_of` the applied snapshot's (none: 0).
  auto ledger_store = [&](const std::string& name, int64_t as_of, double* per_row) {
    auto store = OpenStore(a, Fresh(a, name), edge::store::Synchronous::kFull, clock);
    sqlite3* db = store->db().handle();
    Exec(db, "BEGIN");
    {
      Stmt item(db, "INSERT INTO items (sku, updated) VALUES (?1, 0)");
      for (int64_t i = 0; i < kSkus; ++i) item.Text(1, Sku(i)).Run();
    }
    Exec(db, "COMMIT");
    const int64_t before = bytes(db);
    fill(db);
    if (per_row) *per_row = static_cast<double>(bytes(db) - before) / static_cast<double>(n);
    if (as_of > 0)
      Exec(db, ("INSERT INTO snapshots_applied VALUES ('s', " + std::to_string(as_of) + ", 0, 1)").c_str());
    return store;
  };
  auto service = [&](edge::store::Store& store) {
    auto svc = edge::app::InventoryService::Create(store, clock, {}, std::mt19937_64(std::random_device{}()));
    if (!svc.ok()) Die(svc.status().ToString());
    return std::move(svc).value();
  };

  double pass = 0;
  {
    double per_row = 0;
    auto store = ledger_store("fold.db", n, &per_row);
    auto svc = service(*store);
    const Pass p = fold_pass(*svc);
    pass = p.seconds;
    if (p.folded != old) Die("folded " + std::to_string(p.folded) + " rows, expected " + std::to_string(old));
    std::printf(
        "  ledger: %.0f bytes per row (table and indexes, after a checkpoint)\n"
        "  replica: folded %lld rows into %lld carried-forward rows in %.2f s (%.0f rows/s); %lld turns "
        "(the last finds only new rows), %.1f ms each on average, longest %.1f ms\n",
        per_row, static_cast<long long>(p.folded), static_cast<long long>(p.carried), p.seconds,
        static_cast<double>(p.folded) / p.seconds, static_cast<long long>(p.turns),
        p.seconds * 1000 / static_cast<double>(p.turns), p.longest_ms);
  }
  {
    // A store no snapshot has reached keeps its own rows (half of the old
    // ones here): every daily pass walks them again and finds nothing.
    auto store = ledger_store("fold-kept.db", 0, nullptr);
    auto svc = service(*store);
    const Pass first = fold_pass(*svc);
    const Pass again = fold_pass(*svc);
    std::printf(
        "  no snapshot applied: %lld of the old rows folded, %lld of the node's own kept; the next pass "
        "walks them in %.2f s, %lld turns, longest %.1f ms, and folds %lld\n",
        static_cast<long long>(first.folded), static_cast<long long>(old - first.folded), again.seconds,
        static_cast<long long>(again.turns), again.longest_ms, static_cast<long long>(again.folded));
  }
  {
    sqlite3* db = OpenRaw(Fresh(a, "fold-plain.db"), "FULL");
    Exec(db,
         "CREATE TABLE ledger (id INTEGER PRIMARY KEY, sku TEXT NOT NULL, location TEXT NOT NULL, d_on_hand "
         "INTEGER NOT NULL, d_reserved INTEGER NOT NULL, reason TEXT NOT NULL, ref TEXT, origin TEXT NOT "
         "NULL, "
         "event_seq INTEGER, at INTEGER NOT NULL)");
    fill(db);
    double longest = 0, plain = 0;
    {
      Stmt del(db, "DELETE FROM ledger WHERE id > ?1 AND id <= ?2");
      const auto t0 = Clock::now();
      for (int64_t from = 0; from < old; from += kTurn) {
        const auto tt = Clock::now();
        Exec(db, "BEGIN IMMEDIATE");
        del.Int(1, from).Int(2, std::min(from + kTurn, old)).Run();
        Exec(db, "COMMIT");
        longest = std::max(longest, Seconds(tt) * 1000);
      }
      plain = Seconds(t0);
    }
    sqlite3_close(db);
    std::printf(
        "  plain SQLite: deleting the same rows from a bare table in the same windows: %.2f s (%.0f rows/s), "
        "longest turn %.1f ms\n  replica %.2fx the plain delete\n",
        plain, static_cast<double>(old) / plain, longest, pass / plain);
  }
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  const char* tmp = std::getenv("TMPDIR");
  std::string base = tmp && *tmp ? tmp : "/tmp";
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--profile") {
      a.profile = true;
      continue;
    }
    if (flag == "--unlocated") {
      a.unlocated = true;
      continue;
    }
    if (i + 1 >= argc) Die("missing value for " + flag);
    const std::string v = argv[++i];
    if (flag == "--skus") {
      a.skus = std::atoll(v.c_str());
    } else if (flag == "--chunks") {
      a.chunks = std::atoll(v.c_str());
    } else if (flag == "--reservations") {
      a.reservations = std::atoll(v.c_str());
    } else if (flag == "--ledger") {
      a.ledger = std::atoll(v.c_str());
    } else if (flag == "--dir") {
      base = v;
    } else if (flag == "--only" && (v == "snapshot" || v == "FULL" || v == "NORMAL" || v == "fold")) {
      a.only = v;
    } else if (flag == "--checkpoint" && (v == "thread" || v == "inline")) {
      a.thread_checkpoint = v == "thread";
    } else {
      Die("unknown flag or value " + flag + " " + v +
          " (--skus N --chunks N --reservations N --ledger N --dir D --checkpoint thread|inline --only "
          "snapshot|FULL|NORMAL|fold --unlocated --profile)");
    }
  }
  if (a.skus < 1 || a.chunks < 1 || a.chunks > a.skus || a.reservations < 1 || a.ledger < 10)
    Die("sizes must be >= 1 (--ledger >= 10), chunks <= skus");
  std::string tmpl = base + "/inventory-bench-XXXXXX";
  if (!::mkdtemp(tmpl.data())) Die("mkdtemp in " + base + ": " + std::strerror(errno));
  a.dir = tmpl;

  std::vector<Row> rows;
  rows.reserve(static_cast<size_t>(a.skus));
  std::mt19937_64 rng(42);
  for (int64_t i = 0; i < a.skus; ++i)
    rows.push_back({Sku(i), Location(i), Gtin(i), static_cast<int64_t>(rng() % 50)});

  if (a.only.empty() || a.only == "snapshot") BenchSnapshot(a, rows);
  if (a.only.empty() || a.only == "FULL") BenchReservations(a, edge::store::Synchronous::kFull, "FULL");
  if (a.only.empty() || a.only == "NORMAL") BenchReservations(a, edge::store::Synchronous::kNormal, "NORMAL");
  if (a.only.empty() || a.only == "fold") BenchFold(a);
  std::filesystem::remove_all(a.dir);
  return 0;
}
