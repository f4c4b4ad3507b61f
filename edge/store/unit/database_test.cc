#include "edge/store/database.h"

#include <gtest/gtest.h>

#include "edge/testing/temp_dir.h"

namespace edge::store {
namespace {

class DatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = Database::Open(dir_.File("t.db"), Database::Mode::kReadWriteCreate);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
    ASSERT_TRUE(db_->Exec("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)").ok());
  }
  int64_t Count() { return *db_->QueryInt("SELECT count(*) FROM t"); }

  testing::TempDir dir_;
  std::unique_ptr<Database> db_;
};

TEST_F(DatabaseTest, TransactionRollsBackUnlessCommitted) {
  {
    auto txn = Transaction::Begin(*db_);
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE(db_->Exec("INSERT INTO t(v) VALUES ('a')").ok());
  }
  EXPECT_EQ(Count(), 0);
  {
    auto txn = Transaction::Begin(*db_);
    ASSERT_TRUE(db_->Exec("INSERT INTO t(v) VALUES ('b')").ok());
    ASSERT_TRUE((*txn)->Commit().ok());
  }
  EXPECT_EQ(Count(), 1);
}

TEST_F(DatabaseTest, ATransactionInsideAnotherIsASavepointOfIt) {
  {
    auto outer = Transaction::Begin(*db_);
    ASSERT_TRUE(outer.ok());
    EXPECT_FALSE((*outer)->nested());
    ASSERT_TRUE(db_->Exec("INSERT INTO t(v) VALUES ('outer')").ok());
    {
      auto inner = Transaction::Begin(*db_);
      ASSERT_TRUE(inner.ok()) << inner.status().ToString();
      EXPECT_TRUE((*inner)->nested());
      ASSERT_TRUE(db_->Exec("INSERT INTO t(v) VALUES ('dropped')").ok());
    }  // not committed: only its own row is undone
    EXPECT_EQ(Count(), 1);
    {
      auto inner = Transaction::Begin(*db_);
      ASSERT_TRUE(db_->Exec("INSERT INTO t(v) VALUES ('kept')").ok());
      ASSERT_TRUE((*inner)->Commit().ok());
    }
    EXPECT_EQ(Count(), 2);
  }  // the outer one is not committed: the released savepoint goes with it
  EXPECT_EQ(Count(), 0);
  {
    auto outer = Transaction::Begin(*db_);
    {
      auto inner = Transaction::Begin(*db_);
      ASSERT_TRUE(db_->Exec("INSERT INTO t(v) VALUES ('x')").ok());
      ASSERT_TRUE((*inner)->Commit().ok());
    }
    ASSERT_TRUE((*outer)->Commit().ok());
  }
  EXPECT_EQ(Count(), 1);
  // Depth is back to zero: a new transaction is a real one again.
  auto again = Transaction::Begin(*db_);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE((*again)->nested());
}

// One statement inside a transaction that changes 20 MB of existing pages:
// its statement journal (the pages' old images, kept to undo the statement)
// is far larger than any in-memory threshold. A journal spilled from memory
// to a file in one write larger than SQLite's 128 KiB write cap failed with
// "database or disk is full" and rolled the whole transaction back; a
// 200,000-SKU snapshot did that.
TEST_F(DatabaseTest, AStatementChangingMegabytesInsideATransactionCommits) {
  ASSERT_TRUE(db_->Exec("CREATE TABLE big (k INTEGER PRIMARY KEY, v BLOB NOT NULL)").ok());
  ASSERT_TRUE(db_->Exec("WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 20000) "
                        "INSERT INTO big (v) SELECT zeroblob(1000) FROM c")
                  .ok());
  auto outer = Transaction::Begin(*db_);
  ASSERT_TRUE(outer.ok());
  ASSERT_TRUE(db_->Exec("INSERT INTO t (v) VALUES ('before')").ok());
  {
    auto inner = Transaction::Begin(*db_);  // a savepoint: its journal holds every page changed in it
    ASSERT_TRUE(inner.ok());
    const Status s = db_->Exec("UPDATE big SET v = zeroblob(1001)");
    ASSERT_TRUE(s.ok()) << s.ToString();
    ASSERT_TRUE((*inner)->Commit().ok());
  }
  const Status s = db_->Exec("UPDATE big SET v = zeroblob(1002) WHERE k % 2 = 0");
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_TRUE((*outer)->Commit().ok());
  EXPECT_EQ(*db_->QueryInt("SELECT count(*) FROM big WHERE length(v) = 1002"), 10000);
  EXPECT_EQ(Count(), 1);
}

// An unsynced transaction commits with synchronous NORMAL and puts the
// connection's setting back however it ends; inside another transaction it
// changes nothing (the outer commit decides).
TEST_F(DatabaseTest, TheProgressHookRunsWhileALongStatementRunsAndCanBeRemoved) {
  int calls = 0;
  db_->SetProgressHook([&] { ++calls; }, 1000);
  // A statement of about a million virtual-machine steps, all inside one
  // sqlite3_step: the hook is what runs in the meantime.
  auto n = db_->QueryInt(
      "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 100000) SELECT count(*) FROM "
      "c");
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(*n, 100000);
  EXPECT_GE(calls, 100);  // once per 1,000 steps, and each row takes several
  const int seen = calls;
  // The hook never stops a statement.
  ASSERT_TRUE(db_->Exec("INSERT INTO t (v) SELECT 'x' FROM (WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL "
                        "SELECT i + 1 FROM c WHERE i < 5000) SELECT i FROM c)")
                  .ok());
  EXPECT_EQ(Count(), 5000);
  EXPECT_GT(calls, seen);
  db_->SetProgressHook(nullptr);
  const int removed_at = calls;
  ASSERT_TRUE(
      db_->QueryInt("WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 100000) "
                    "SELECT count(*) FROM c")
          .ok());
  EXPECT_EQ(calls, removed_at);
}

TEST_F(DatabaseTest, AnUnsyncedTransactionRelaxesOnlyItsOwnCommit) {
  ASSERT_TRUE(db_->Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL").ok());
  auto level = [&] { return *db_->QueryInt("PRAGMA synchronous"); };
  {
    auto txn = Transaction::Begin(*db_, Transaction::Durability::kUnsynced);
    ASSERT_TRUE(txn.ok());
    EXPECT_EQ(level(), 1);  // NORMAL for this commit
    ASSERT_TRUE(db_->Exec("INSERT INTO t(v) VALUES ('a')").ok());
    ASSERT_TRUE((*txn)->Commit().ok());
  }
  EXPECT_EQ(level(), 2);
  {
    auto txn = Transaction::Begin(*db_, Transaction::Durability::kUnsynced);
    ASSERT_TRUE(txn.ok());
    EXPECT_EQ(level(), 1);  // again: the setting is made anew each time
    ASSERT_TRUE(db_->Exec("INSERT INTO t(v) VALUES ('b')").ok());
  }  // rolled back
  EXPECT_EQ(level(), 2);
  {
    auto outer = Transaction::Begin(*db_);
    ASSERT_TRUE(outer.ok());
    auto inner = Transaction::Begin(*db_, Transaction::Durability::kUnsynced);
    ASSERT_TRUE(inner.ok());
    EXPECT_EQ(level(), 2);  // the outer commit syncs
    ASSERT_TRUE((*inner)->Commit().ok());
    ASSERT_TRUE((*outer)->Commit().ok());
  }
  ASSERT_TRUE(db_->Exec("PRAGMA synchronous=EXTRA").ok());
  {
    auto txn = Transaction::Begin(*db_, Transaction::Durability::kUnsynced);
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE((*txn)->Commit().ok());
  }
  EXPECT_EQ(level(), 3);
  EXPECT_EQ(Count(), 1);
}

TEST_F(DatabaseTest, StatementsBindAndRead) {
  auto ins = db_->Prepare("INSERT INTO t(k, v) VALUES (?1, ?2)");
  ASSERT_TRUE(ins.ok());
  ins->Bind(1, int64_t{7}).Bind(2, std::string("seven"));
  ASSERT_TRUE(ins->Run().ok());
  ins->Reset();
  ins->Bind(1, 8).BindNull(2);
  ASSERT_TRUE(ins->Run().ok());

  auto sel = db_->Cached("SELECT k, v FROM t ORDER BY k");
  ASSERT_TRUE(sel.ok());
  ASSERT_TRUE(*(*sel)->Step());
  EXPECT_EQ((*sel)->Int64(0), 7);
  EXPECT_EQ((*sel)->Text(1), "seven");
  ASSERT_TRUE(*(*sel)->Step());
  EXPECT_TRUE((*sel)->IsNull(1));
  EXPECT_FALSE(*(*sel)->Step());
}

TEST_F(DatabaseTest, ErrorsNameTheOperation) {
  auto bad = db_->Prepare("SELECT nope FROM t");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "prepare SELECT nope FROM t: no such column: nope");
  ASSERT_TRUE(db_->Exec("INSERT INTO t(k, v) VALUES (1, 'x')").ok());
  const Status dup = db_->Exec("INSERT INTO t(k, v) VALUES (1, 'y')");
  EXPECT_EQ(dup.code(), core::StatusCode::kAlreadyExists);
  EXPECT_NE(dup.message().find("UNIQUE constraint failed: t.k"), std::string::npos) << dup.message();
}

// The stamp in both journal modes: in WAL mode (the store's) it looks at the
// WAL index before it reads PRAGMA data_version.
class DatabaseStamp : public DatabaseTest, public ::testing::WithParamInterface<bool> {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    if (GetParam()) {
      ASSERT_EQ(*db_->QueryText("PRAGMA journal_mode=WAL"), "wal");
    }
  }
  ChangeStamp Stamp(Database& db) {
    auto s = db.Stamp();
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? *s : ChangeStamp{};
  }
};

INSTANTIATE_TEST_SUITE_P(JournalModes, DatabaseStamp, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& p) { return p.param ? "Wal" : "Delete"; });

TEST_P(DatabaseStamp, TheStampMovesWithEveryChangeByThisOrAnotherConnection) {
  auto stamp = [&] { return Stamp(*db_); };
  const ChangeStamp start = stamp();
  ASSERT_TRUE(db_->QueryInt("SELECT count(*) FROM t").ok());
  EXPECT_EQ(stamp(), start) << "a read changes nothing";

  ASSERT_TRUE(db_->Exec("INSERT INTO t(v) VALUES ('a')").ok());
  const ChangeStamp after_insert = stamp();
  EXPECT_NE(after_insert, start);
  ASSERT_TRUE(db_->Exec("UPDATE t SET v = 'b'").ok());
  const ChangeStamp after_update = stamp();
  EXPECT_NE(after_update, after_insert);
  ASSERT_TRUE(db_->Exec("UPDATE t SET v = 'c' WHERE k = 999").ok());
  EXPECT_EQ(stamp(), after_update) << "an update of no row changes nothing";

  // Another process (storeedgectl) writing the same file.
  auto other = Database::Open(dir_.File("t.db"), Database::Mode::kReadWrite);
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE((*other)->Exec("DELETE FROM t").ok());
  const ChangeStamp after_other = stamp();
  EXPECT_NE(after_other, after_update);
  EXPECT_EQ(after_other.own, after_update.own);
  EXPECT_EQ(stamp(), after_other);
}

TEST_P(DatabaseStamp, TheStampMovesWhenATransactionOrSavepointIsRolledBack) {
  auto stamp = [&] { return Stamp(*db_); };
  const ChangeStamp start = stamp();
  ChangeStamp inside;
  {
    auto txn = Transaction::Begin(*db_);
    ASSERT_TRUE(txn.ok());
    EXPECT_TRUE(db_->InTransaction());
    ASSERT_TRUE(db_->Exec("INSERT INTO t(v) VALUES ('a')").ok());
    inside = stamp();  // what a cache filled now would be stamped with
    EXPECT_NE(inside, start);
  }  // rolled back: the row read above is gone
  EXPECT_FALSE(db_->InTransaction());
  const ChangeStamp after_rollback = stamp();
  EXPECT_NE(after_rollback, inside);
  EXPECT_EQ(after_rollback.own, inside.own) << "the rollback itself changes no row count";

  auto outer = Transaction::Begin(*db_);
  ASSERT_TRUE(outer.ok());
  {
    auto inner = Transaction::Begin(*db_);
    ASSERT_TRUE(inner.ok());
    ASSERT_TRUE(db_->Exec("INSERT INTO t(v) VALUES ('b')").ok());
    inside = stamp();
  }  // the savepoint rolled back
  EXPECT_NE(stamp(), inside);
  const ChangeStamp before_commit = stamp();
  ASSERT_TRUE((*outer)->Commit().ok());
  EXPECT_EQ(stamp(), before_commit) << "a commit of nothing changes nothing";
}

TEST_P(DatabaseStamp, AStampScopeReadsOtherConnectionsOnceAndOwnChangesAlways) {
  auto stamp = [&] { return Stamp(*db_); };
  auto other = Database::Open(dir_.File("t.db"), Database::Mode::kReadWrite);
  ASSERT_TRUE(other.ok());
  ChangeStamp first, after_own;
  {
    Database::StampScope scope(*db_);
    first = stamp();
    ASSERT_TRUE((*other)->Exec("INSERT INTO t(v) VALUES ('x')").ok());
    EXPECT_EQ(stamp(), first) << "another connection's commit waits for the next scope";
    {
      Database::StampScope nested(*db_);
      EXPECT_EQ(stamp(), first);
    }
    EXPECT_EQ(stamp(), first) << "the nested scope's end keeps the outer view";
    ASSERT_TRUE(db_->Exec("INSERT INTO t(v) VALUES ('y')").ok());
    after_own = stamp();
    EXPECT_NE(after_own, first) << "this connection's change shows at once";
    EXPECT_EQ(after_own.others, first.others);
  }
  const ChangeStamp outside = stamp();
  EXPECT_NE(outside.others, first.others) << "after the scope the other commit shows";
  {
    Database::StampScope scope(*db_);
    EXPECT_EQ(stamp(), outside);
    ASSERT_TRUE((*other)->Exec("DELETE FROM t").ok());
  }
  EXPECT_NE(stamp(), outside);
}

TEST_P(DatabaseStamp, InWalModeTheWalIndexAnswersUntilAnotherConnectionCommits) {
  auto other = Database::Open(dir_.File("t.db"), Database::Mode::kReadWrite);
  ASSERT_TRUE(other.ok());
  Database& ctl = **other;
  ChangeStamp s = Stamp(*db_);
  EXPECT_EQ(Stamp(*db_), s);
  EXPECT_EQ(db_->FastStampForTesting(), GetParam());
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(ctl.Exec("INSERT INTO t(v) VALUES ('" + std::to_string(i) + "')").ok());
    const ChangeStamp next = Stamp(*db_);
    EXPECT_NE(next, s) << "commit " << i;
    EXPECT_EQ(Stamp(*db_), next);
    s = next;
  }
  // Another connection's rollback and its read change nothing.
  ASSERT_TRUE(ctl.Exec("BEGIN IMMEDIATE; INSERT INTO t(v) VALUES ('gone'); ROLLBACK").ok());
  ASSERT_TRUE(ctl.QueryInt("SELECT count(*) FROM t").ok());
  EXPECT_EQ(Stamp(*db_), s);
  // The WAL restarts from its beginning after a full checkpoint: the same
  // commit again leaves the WAL as long as before, under new salts.
  ASSERT_TRUE(ctl.Exec("PRAGMA wal_checkpoint(TRUNCATE)").ok());
  ASSERT_TRUE(ctl.Exec("UPDATE t SET v = 'a' WHERE k = 1").ok());
  const ChangeStamp first = Stamp(*db_);
  EXPECT_NE(first, s);
  EXPECT_EQ(Stamp(*db_), first);
  ASSERT_TRUE(ctl.Exec("PRAGMA wal_checkpoint(TRUNCATE)").ok());
  ASSERT_TRUE(ctl.Exec("UPDATE t SET v = 'b' WHERE k = 1").ok());
  EXPECT_NE(Stamp(*db_), first);
  // This connection's own commits move its own count; the index is then
  // read again and still agrees.
  ASSERT_TRUE(db_->Exec("INSERT INTO t(v) VALUES ('own')").ok());
  const ChangeStamp own = Stamp(*db_);
  EXPECT_EQ(Stamp(*db_), own);
  ASSERT_TRUE(ctl.Exec("DELETE FROM t WHERE v = 'own'").ok());
  EXPECT_NE(Stamp(*db_), own);
}

TEST(Database, MissingFileWithoutCreateIsAnIoError) {
  testing::TempDir dir;
  auto db = Database::Open(dir.File("missing.db"), Database::Mode::kReadWrite);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), core::StatusCode::kIoError);
  EXPECT_NE(db.status().message().find("missing.db"), std::string::npos);
}

}  // namespace
}  // namespace edge::store
