// Migrations of real databases left by older releases: tests/data/schema/vN.db
// for every schema version N below the latest (made by
// tests/data/schema/make-fixtures.sh) opens with Store::Open, reaches the
// latest schema and keeps its rows; a migration that fails leaves the file
// exactly as it was.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <tuple>

#include "edge/store/inventory_repo.h"
#include "edge/store/store.h"
#include "edge/testing/temp_dir.h"
#include "migrations.h"

namespace edge::store {
namespace {

namespace fs = std::filesystem;

const std::string kRegenerate =
    "run tests/data/schema/make-fixtures.sh (it builds every vN.db from edge/store/sql and the seed-vN.sql "
    "files) and commit the .db files";

std::string FixturePath(int version) {
  return std::string(STOREEDGE_SOURCE_DIR) + "/tests/data/schema/v" + std::to_string(version) + ".db";
}

// Every table with rows to compare: not SQLite's own, not the FTS index
// (its shadow tables are SQLite's business).
std::map<std::string, int64_t> RowCounts(Database& db) {
  std::map<std::string, int64_t> out;
  auto st = db.Prepare(
      "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
      "AND name NOT LIKE 'items_fts%' ORDER BY name");
  EXPECT_TRUE(st.ok()) << st.status().ToString();
  if (!st.ok()) return out;
  std::vector<std::string> names;
  while (*st->Step()) names.push_back(st->Text(0));
  for (const auto& n : names) {
    auto c = db.QueryInt("SELECT count(*) FROM \"" + n + "\"");
    EXPECT_TRUE(c.ok()) << n << ": " << c.status().ToString();
    out[n] = c.ok() ? *c : -1;
  }
  return out;
}

std::vector<std::string> Rows(Database& db, const std::string& sql) {
  std::vector<std::string> out;
  auto st = db.Prepare(sql);
  EXPECT_TRUE(st.ok()) << sql << ": " << st.status().ToString();
  if (!st.ok()) return out;
  for (;;) {
    auto row = st->Step();
    EXPECT_TRUE(row.ok()) << sql << ": " << row.status().ToString();
    if (!row.ok() || !*row) break;
    out.push_back(st->Text(0));
  }
  return out;
}

using SchemaObject = std::tuple<std::string, std::string, std::string, std::string>;

std::set<SchemaObject> Schema(Database& db) {
  std::set<SchemaObject> out;
  auto st = db.Prepare("SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_schema");
  EXPECT_TRUE(st.ok());
  if (!st.ok()) return out;
  while (*st->Step()) out.emplace(st->Text(0), st->Text(1), st->Text(2), st->Text(3));
  return out;
}

// A store created by this build: every migration, in one transaction.
std::unique_ptr<Store> FreshStore(testing::TempDir& dir, const core::Clock& clock) {
  StoreOptions o;
  o.path = dir.File("fresh.db");
  o.store_id = "FIX1";
  auto s = Store::Open(o, clock);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? std::move(s).value() : nullptr;
}

// A copy of a fixture opened as the node the seeds describe (store FIX1).
core::Result<std::unique_ptr<Store>> OpenFixtureStore(const std::string& path, const core::Clock& clock) {
  StoreOptions o;
  o.path = path;
  o.store_id = "FIX1";
  return Store::Open(o, clock);
}

TEST(MigrationFixtures, ExistForEveryOlderSchemaVersion) {
  ASSERT_GE(LatestSchemaVersion(), 1);
  for (int v = 1; v < LatestSchemaVersion(); ++v) {
    EXPECT_TRUE(fs::exists(FixturePath(v)))
        << FixturePath(v) << " is missing: schema " << LatestSchemaVersion()
        << " needs a fixture for every older version; " << kRegenerate;
  }
}

// A fixture built before its migration was last edited would test a schema
// no release has: each must hold exactly what migrations 1..N create.
TEST(MigrationFixtures, MatchTheirMigrations) {
  for (int v = 1; v < LatestSchemaVersion(); ++v) {
    SCOPED_TRACE("v" + std::to_string(v) + ".db");
    if (!fs::exists(FixturePath(v))) continue;  // reported above
    auto fixture = Database::Open(FixturePath(v), Database::Mode::kReadOnly);
    ASSERT_TRUE(fixture.ok()) << fixture.status().ToString();
    EXPECT_EQ(*(*fixture)->QueryInt("PRAGMA user_version"), v) << kRegenerate;
    EXPECT_EQ(*(*fixture)->QueryInt("PRAGMA application_id"), kApplicationId) << kRegenerate;
    EXPECT_EQ(*(*fixture)->QueryText("SELECT value FROM meta WHERE key = 'store_id'"), "FIX1");

    auto fresh = Database::Open(":memory:", Database::Mode::kReadWriteCreate);
    ASSERT_TRUE(fresh.ok());
    for (const Migration& m : Migrations()) {
      if (m.version > v) break;
      ASSERT_TRUE((*fresh)->Exec(m.sql).ok()) << m.name;
    }
    EXPECT_EQ(Schema(**fixture), Schema(**fresh))
        << "v" << v << ".db does not have the schema migrations 1.." << v
        << " create (was a migration edited?); " << kRegenerate;
  }
}

TEST(MigrationFixtures, EachMigratesToTheLatestSchemaKeepingItsRows) {
  core::ManualClock clock{core::FromUnixMillis(1795780000000)};
  for (int v = 1; v < LatestSchemaVersion(); ++v) {
    SCOPED_TRACE("v" + std::to_string(v) + ".db");
    if (!fs::exists(FixturePath(v))) continue;
    testing::TempDir dir;
    const std::string path = dir.File("storeedge.db");
    fs::copy_file(FixturePath(v), path);

    std::map<std::string, int64_t> before;
    int64_t last_seq = 0;
    std::vector<std::string> event_ids;
    {
      auto db = Database::Open(path, Database::Mode::kReadOnly);
      ASSERT_TRUE(db.ok());
      before = RowCounts(**db);
      last_seq = *(*db)->QueryInt("SELECT seq FROM sqlite_sequence WHERE name = 'outbox'");
      event_ids = Rows(**db, "SELECT id FROM outbox ORDER BY seq");
    }
    for (const auto& [table, rows] : before) {
      EXPECT_GT(rows, 0) << "table " << table << " of v" << v
                         << ".db has no rows: give it some in tests/data/schema/seed-vN.sql; " << kRegenerate;
    }

    auto opened = OpenFixtureStore(path, clock);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    Store& s = **opened;
    Database& db = s.db();
    EXPECT_EQ(s.schema_version(), LatestSchemaVersion());
    EXPECT_EQ(*db.QueryInt("PRAGMA user_version"), LatestSchemaVersion());
    EXPECT_EQ(*db.QueryInt("PRAGMA application_id"), kApplicationId);
    EXPECT_EQ(Rows(db, "PRAGMA integrity_check"), std::vector<std::string>{"ok"});
    EXPECT_EQ(Rows(db, "PRAGMA foreign_key_check"), std::vector<std::string>{});
    {
      // The same tables, indexes and triggers, to the letter, as a store
      // this build creates (migration 8 edits sqlite_schema's text).
      testing::TempDir fresh_dir;
      auto fresh = FreshStore(fresh_dir, clock);
      ASSERT_NE(fresh, nullptr);
      EXPECT_EQ(Schema(db), Schema(fresh->db()));
    }

    // Every row of every table that is still there (a migration that
    // rebuilds a table copies its rows).
    const auto after = RowCounts(db);
    for (const auto& [table, rows] : before) {
      auto it = after.find(table);
      if (it == after.end()) continue;  // dropped by a migration
      EXPECT_EQ(it->second, rows) << "rows of table " << table;
    }

    // Key values the seeds wrote.
    EXPECT_EQ(*db.QueryText("SELECT value FROM meta WHERE key = 'store_id'"), "FIX1");
    EXPECT_EQ(*s.LastEventSeq(), last_seq);
    EXPECT_EQ(Rows(db, "SELECT id FROM outbox ORDER BY seq"), event_ids);
    EXPECT_EQ(*s.OutboxDepth(), *db.QueryInt("SELECT count(*) FROM outbox WHERE published IS NULL"));
    EXPECT_EQ(*s.NextSeq("orders"), 10);
    EXPECT_EQ(*s.DeadLetterCount(), 2);
    auto held = s.HeldPayload("orders", 12);
    ASSERT_TRUE(held.ok());
    EXPECT_TRUE(held->has_value());
    if (v >= 2) {
      EXPECT_EQ(*db.QueryInt("SELECT on_hand FROM items WHERE sku = 'SKU-1'"), 10);
      EXPECT_EQ(*db.QueryInt("SELECT sum(qty) FROM stock WHERE sku = 'SKU-1'"), 10);
      EXPECT_EQ(*db.QueryText("SELECT sku FROM barcodes WHERE gtin14 = '04006381333931'"), "SKU-1");
      // The search index still answers (its triggers and content survived).
      EXPECT_EQ(Rows(db, "SELECT sku FROM items_fts WHERE items_fts MATCH 'creme'"),
                std::vector<std::string>{"SKU-3"});
    }
    if (v >= 3) {
      EXPECT_EQ(*db.QueryText("SELECT role FROM users WHERE id = 'sam'"), "supervisor");
      EXPECT_EQ(*db.QueryInt("SELECT failures FROM users WHERE id = 'ana'"), 2);
    }
    if (v >= 4) {
      EXPECT_EQ(Rows(db, "SELECT order_id FROM orders ORDER BY order_id"),
                (std::vector<std::string>{"O-1", "O-2", "O-3", "O-4"}));
      EXPECT_EQ(*db.QueryText("SELECT tracking FROM packages WHERE package_id = 'FIX1-P1'"),
                "1Z999AA10123456784");
      EXPECT_EQ(*db.QueryInt("SELECT count(*) FROM tasks"), before["tasks"]);
      // Rebuilt tables keep their ids, so the rows pointing at them agree.
      EXPECT_EQ(*db.QueryInt("SELECT task_id FROM restock_units WHERE id = 1"), 3);
      // Schema 6 set clear pickup codes aside for the daemon to hash.
      if (*db.QueryInt("SELECT count(*) FROM sqlite_schema WHERE name = 'pickup_codes_unhashed'") == 1 &&
          v < 6) {
        EXPECT_EQ(*db.QueryText("SELECT code FROM pickup_codes_unhashed WHERE order_id = 'O-3'"), "482913");
      }
    }
    // Schema 7 counted the open orders it found; the figure matches them.
    EXPECT_EQ(*db.QueryInt("SELECT open FROM order_counts WHERE id = 1"),
              *db.QueryInt("SELECT count(*) FROM orders WHERE state IN ('accepted', 'picking', 'picked', "
                           "'packed')"));
    if (v == 4 || v == 5) {
      EXPECT_EQ(*db.QueryInt("SELECT open FROM order_counts WHERE id = 1"), 2);
    }
    if (v >= 5) {
      EXPECT_EQ(
          *db.QueryText("SELECT state FROM print_jobs WHERE id = '22222222-0000-4000-8000-000000000002'"),
          "submitted");
    }

    // The node carries on: a new event follows the fixture's last seq.
    auto txn = Transaction::Begin(db);
    ASSERT_TRUE(txn.ok());
    auto seq = s.AppendEvent(**txn, "after-migration", "test.event", "{}");
    ASSERT_TRUE(seq.ok()) << seq.status().ToString();
    EXPECT_EQ(*seq, last_seq + 1);
    ASSERT_TRUE((*txn)->Commit().ok());
  }
}

// A snapshot half received when the node is upgraded completes afterwards:
// every migration keeps its staged chunk (schema 10 rebuilt that table) and
// the chunk that arrives after the upgrade applies the two together. The
// seeds leave snapshot 'snap-2' with chunk 1 of 2 staged (SKU-1: 6 at
// A-01-01, its GTIN and description), as_of_store_seq 5, ledger mark 5.
TEST(MigrationFixtures, ASnapshotHalfReceivedBeforeTheUpgradeCompletesAfterIt) {
  core::ManualClock clock{core::FromUnixMillis(1795780000000)};
  for (int v = 2; v < LatestSchemaVersion(); ++v) {
    SCOPED_TRACE("v" + std::to_string(v) + ".db");
    testing::TempDir dir;
    const std::string path = dir.File("storeedge.db");
    fs::copy_file(FixturePath(v), path);
    auto opened = OpenFixtureStore(path, clock);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    Store& s = **opened;
    Database& db = s.db();
    InventoryRepo repo(db, clock);
    auto pending = repo.FindPendingSnapshot("snap-2");
    ASSERT_TRUE(pending.ok() && pending->has_value());
    EXPECT_EQ((*pending)->chunks, 2);
    EXPECT_EQ((*pending)->chunks_received, 1);

    // What the snapshot does not include and is re-applied on top of it:
    // the node's own on-hand changes after seq 5, central deltas after
    // ledger row 5 (later seeds add some).
    auto replayed = [&](const std::string& sku, const std::string& location) {
      return *db.QueryInt("SELECT coalesce(sum(d_on_hand), 0) FROM ledger WHERE sku = '" + sku +
                          "' AND location = '" + location +
                          "' AND ((origin = 'local' AND event_seq > 5) OR (origin = 'delta' AND id > 5))");
    };
    const int64_t sku1 = 6 + replayed("SKU-1", "A-01-01");
    const int64_t sku2 = 3 + replayed("SKU-2", "");
    const int64_t sku1_elsewhere = *db.QueryInt(
        "SELECT coalesce(sum(d_on_hand), 0) FROM ledger WHERE sku = 'SKU-1' AND location <> 'A-01-01' AND "
        "((origin = 'local' AND event_seq > 5) OR (origin = 'delta' AND id > 5))");

    auto txn = Transaction::Begin(db);
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE(repo.StageChunk(**txn, "snap-2", 2, "sha256:2", {{"SKU-2", "", 3, {}, {}, {}}}).ok());
    auto complete = repo.FindPendingSnapshot("snap-2");
    ASSERT_TRUE(complete.ok() && complete->has_value());
    EXPECT_EQ((*complete)->chunks_received, 2);
    auto seq =
        s.AppendEvent(**txn, "snap-2-applied", "inventory.snapshot_applied", R"({"snapshot_id":"snap-2"})");
    ASSERT_TRUE(seq.ok()) << seq.status().ToString();
    auto stats = repo.ApplySnapshot(**txn, **complete, *seq);
    ASSERT_TRUE(stats.ok()) << stats.status().ToString();
    EXPECT_EQ(stats->items, 2);
    ASSERT_TRUE((*txn)->Commit().ok());

    EXPECT_EQ(
        *db.QueryInt("SELECT coalesce(sum(qty), 0) FROM stock WHERE sku = 'SKU-1' AND location = 'A-01-01'"),
        sku1);
    EXPECT_EQ(*db.QueryInt("SELECT on_hand FROM items WHERE sku = 'SKU-1'"), sku1 + sku1_elsewhere);
    EXPECT_EQ(*db.QueryInt("SELECT coalesce(sum(qty), 0) FROM stock WHERE sku = 'SKU-2' AND location = ''"),
              sku2);
    EXPECT_EQ(*db.QueryText("SELECT sku FROM barcodes WHERE gtin14 = '00012345678905'"), "SKU-1");
    EXPECT_EQ(*db.QueryText("SELECT description FROM items WHERE sku = 'SKU-1'"), "Trail shoe, size 42");
    EXPECT_TRUE(repo.AppliedSnapshotAsOf("snap-2")->has_value());
    EXPECT_FALSE(repo.FindPendingSnapshot("snap-2")->has_value());
    EXPECT_EQ(*db.QueryInt("SELECT count(*) FROM snapshot_items") +
                  *db.QueryInt("SELECT count(*) FROM snapshot_chunks"),
              0);
  }
}

// The first object migration `m` creates unconditionally: its kind (TABLE,
// INDEX, VIEW or TRIGGER) and name, or an empty name (comments stripped: they
// mention tables too).
struct Created {
  std::string kind;
  std::string name;
};

Created FirstCreated(const Migration& m) {
  const std::string no_comments = std::regex_replace(std::string(m.sql), std::regex("--[^\n]*"), "");
  std::smatch match;
  const std::regex create(
      R"(CREATE\s+(?:UNIQUE\s+)?(?:VIRTUAL\s+)?(TABLE|INDEX|VIEW|TRIGGER)\s+(?!IF\s)([A-Za-z_][A-Za-z0-9_]*))",
      std::regex::icase);
  if (!std::regex_search(no_comments, match, create)) return {};
  std::string kind = match[1];
  for (char& c : kind) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return {kind, match[2]};
}

// An object named `name` that a CREATE of `kind` cannot pass: triggers have a
// namespace of their own, tables, indexes and views share one.
std::string Obstacle(const Created& c) {
  if (c.kind == "TRIGGER") return "CREATE TRIGGER " + c.name + " AFTER INSERT ON meta BEGIN SELECT 1; END";
  return "CREATE TABLE " + c.name + " (in_the_way INTEGER)";
}

TEST(MigrationFixtures, AFailedMigrationLeavesTheFileByteForByteUntouched) {
  core::ManualClock clock{core::FromUnixMillis(1795780000000)};
  int tried = 0;
  for (int v = 1; v < LatestSchemaVersion(); ++v) {
    SCOPED_TRACE("v" + std::to_string(v) + ".db");
    if (!fs::exists(FixturePath(v))) continue;
    const Migration& next = Migrations()[static_cast<size_t>(v)];
    ASSERT_EQ(next.version, v + 1);
    const Created first = FirstCreated(next);
    const std::string& clash = first.name;
    if (clash.empty()) continue;  // creates nothing: cannot be made to fail this way
    testing::TempDir dir;
    const std::string path = dir.File("storeedge.db");
    fs::copy_file(FixturePath(v), path);
    {
      // An object with the name migration v+1 creates first.
      auto db = Database::Open(path, Database::Mode::kReadWrite);
      ASSERT_TRUE(db.ok());
      ASSERT_TRUE((*db)->Exec(Obstacle(first)).ok());
    }
    const std::string bytes = testing::ReadFile(path);

    StoreOptions o;
    o.path = path;
    o.store_id = "FIX1";
    auto opened = Store::Open(o, clock);
    ASSERT_FALSE(opened.ok()) << "migration " << next.version << " ran over an object named " << clash;
    const std::string& msg = opened.status().message();
    EXPECT_NE(msg.find("database " + path), std::string::npos) << msg;
    EXPECT_NE(msg.find("migration " + std::to_string(next.version) + " (" + next.name + ") failed"),
              std::string::npos)
        << msg;
    EXPECT_NE(msg.find("the file is left at schema " + std::to_string(v)), std::string::npos) << msg;
    EXPECT_NE(msg.find(clash), std::string::npos) << msg;  // SQLite's reason names it

    EXPECT_TRUE(testing::ReadFile(path) == bytes) << "the file changed";
    for (const char* side : {"-journal", "-wal", "-shm"}) {
      EXPECT_FALSE(fs::exists(path + side)) << path << side << " left behind";
    }
    ++tried;
  }
  if (LatestSchemaVersion() > 1) {
    EXPECT_GT(tried, 0) << "no migration could be made to fail";
  }
}

// A store made by this build, for tests of its schema.
class FreshSchema : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = FreshStore(dir_, clock_);
    ASSERT_NE(store_, nullptr);
  }
  core::ManualClock clock_{core::FromUnixMillis(1795780000000)};
  testing::TempDir dir_;
  std::unique_ptr<Store> store_;
};

// How many temporary b-trees `sql` opens each time it runs (EXPLAIN's
// OpenEphemeral), -1 when it does not prepare.
int Ephemerals(Database& db, const std::string& sql) {
  int n = 0;
  auto st = db.Prepare("EXPLAIN " + sql);
  EXPECT_TRUE(st.ok()) << sql << ": " << st.status().ToString();
  if (!st.ok()) return -1;
  while (*st->Step()) n += st->Text(1) == "OpenEphemeral";
  return n;
}

// The statements a store runs for each row it writes build no temporary
// b-tree of a value list (SQLite does that for `x IN (...)` with three or
// more constants, each time a statement runs; migration 8). An INSERT of
// every column of every table checks every CHECK constraint, the triggers on
// INSERT and the WHERE of every partial index.
TEST_F(FreshSchema, WritesBuildNoTemporaryValueLists) {
  Database& db = store_->db();
  auto ephemeral = [&](const std::string& sql) { return Ephemerals(db, sql); };
  // Left on purpose: orders_hold's WHERE is the list its queries name.
  const std::map<std::string, int> allowed = {{"orders", 1}};
  const auto tables = Rows(db,
                           "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                           "AND name NOT LIKE 'items_fts%' ORDER BY name");
  ASSERT_GT(tables.size(), 20u);
  for (const auto& t : tables) {
    const auto columns = Rows(db, "SELECT name FROM pragma_table_xinfo('" + t + "') WHERE hidden = 0");
    ASSERT_FALSE(columns.empty()) << t;
    std::string names;
    std::string values;
    for (const auto& c : columns) {
      names += (names.empty() ? "" : ", ") + c;
      values += values.empty() ? "?" : ", ?";
    }
    const auto it = allowed.find(t);
    EXPECT_EQ(ephemeral("INSERT INTO " + t + " (" + names + ") VALUES (" + values + ")"),
              it == allowed.end() ? 0 : it->second)
        << "table " << t;
  }
  // A change of an order's state runs the open-order trigger: no list there
  // either (the two left are orders_hold's, for the old row and the new).
  EXPECT_EQ(ephemeral("UPDATE orders SET state = ?1 WHERE order_id = ?2"), 2);
}

// Applying a snapshot deletes its staged rows (all of them, up to the whole
// catalogue) in one pass. With a foreign key on snapshot_items SQLite would
// first collect every key in a temporary b-tree, then delete row by row:
// four times as long for 1,000,000 rows (schema 10).
TEST_F(FreshSchema, ASnapshotsStagedRowsAreDeletedInOnePass) {
  Database& db = store_->db();
  ASSERT_EQ(*db.QueryInt("PRAGMA foreign_keys"), 1) << "the store runs with foreign keys on";
  EXPECT_EQ(Ephemerals(db, "DELETE FROM snapshot_items WHERE snapshot_id = ?1"), 0);
  // The same delete on a table with a foreign key does take two passes.
  ASSERT_TRUE(db.Exec("CREATE TEMP TABLE parent (id TEXT PRIMARY KEY); "
                      "CREATE TEMP TABLE child (id TEXT NOT NULL REFERENCES parent (id), n INTEGER, PRIMARY "
                      "KEY (id, n)) "
                      "WITHOUT ROWID")
                  .ok());
  EXPECT_EQ(Ephemerals(db, "DELETE FROM child WHERE id = ?1"), 1);
}

// Written as comparisons, the lists still refuse what they refused.
TEST_F(FreshSchema, RewrittenChecksRefuseWhatTheyRefused) {
  Database& db = store_->db();
  const std::string insert =
      "INSERT INTO reservations (order_id, line_id, sku, qty, open_qty, state, created) VALUES ";
  EXPECT_TRUE(db.Exec(insert + "('O-1', '1', 'S', 1, 1, 'open', 1)").ok());
  EXPECT_TRUE(db.Exec(insert + "('O-1', '2', 'S', 1, 0, 'refused', 1)").ok());
  const Status bad = db.Exec(insert + "('O-1', '3', 'S', 1, 0, 'lost', 1)");
  EXPECT_FALSE(bad.ok());
  EXPECT_NE(bad.message().find("CHECK constraint failed"), std::string::npos) << bad.message();
  EXPECT_FALSE(db.Exec(insert + "('O-1', '4', 'S', 1, 0, 'Open', 1)").ok());  // case matters, as before
  EXPECT_FALSE(db.Exec("INSERT INTO ledger (sku, location, d_on_hand, d_reserved, reason, origin, at) "
                       "VALUES ('S', '', 1, 0, 'x', 'central', 1)")
                   .ok());
  EXPECT_TRUE(db.Exec("INSERT INTO ledger (sku, location, d_on_hand, d_reserved, reason, origin, at) "
                      "VALUES ('S', '', 1, 0, 'x', 'delta', 1)")
                  .ok());
  EXPECT_EQ(*db.QueryInt("SELECT count(*) FROM reservations"), 2);
}

}  // namespace
}  // namespace edge::store
