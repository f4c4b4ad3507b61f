// The background checkpointer against real database files: what it copies is
// read back from the database file alone (a copy of it without its WAL).
#include "edge/store/checkpointer.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "edge/store/store.h"
#include "edge/testing/temp_dir.h"

namespace edge::store {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;

class CheckpointerTest : public ::testing::Test {
 protected:
  std::unique_ptr<Database> OpenWal(const std::string& name) {
    auto db = Database::Open(dir_.File(name), Database::Mode::kReadWriteCreate);
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    if (!db.ok()) return nullptr;
    // The table goes into the database file itself, before the WAL.
    EXPECT_TRUE((*db)->Exec("CREATE TABLE t (k INTEGER PRIMARY KEY, v BLOB NOT NULL)").ok());
    EXPECT_TRUE((*db)->Exec("PRAGMA journal_mode=WAL").ok());
    return std::move(db).value();
  }

  // One transaction of `rows` rows of 3,000 bytes: a 4 KiB page each.
  static void Commit(Database& db, int rows) {
    auto txn = Transaction::Begin(db);
    ASSERT_TRUE(txn.ok());
    for (int i = 0; i < rows; ++i) ASSERT_TRUE(db.Exec("INSERT INTO t (v) VALUES (zeroblob(3000))").ok());
    ASSERT_TRUE((*txn)->Commit().ok());
  }

  // Rows of table t in the database file as it is on disk, WAL left out:
  // what checkpoints have copied into it.
  int64_t RowsInTheFileAlone(const std::string& name) {
    const std::string copy = dir_.File("copy-" + std::to_string(++copies_) + ".db");
    fs::copy_file(dir_.File(name), copy);
    auto db = Database::Open(copy, Database::Mode::kReadWrite);
    EXPECT_TRUE(db.ok());
    if (!db.ok()) return -1;
    auto n = (*db)->QueryInt("SELECT count(*) FROM t");
    return n.ok() ? *n : -1;
  }

  testing::TempDir dir_;
  int copies_ = 0;
};

TEST_F(CheckpointerTest, CopiesTheWalIntoTheDatabaseFileOnItsOwnThread) {
  auto db = OpenWal("a.db");
  ASSERT_NE(db, nullptr);
  auto c = Checkpointer::Start(*db, {.pages = 8, .inline_pages = 1000, .full_sync = true});
  ASSERT_TRUE(c.ok()) << c.status().ToString();

  Commit(*db, 3);  // fewer frames than asked for: nothing is copied
  EXPECT_EQ((*c)->counts().thread, 0);
  EXPECT_EQ(RowsInTheFileAlone("a.db"), 0);

  Commit(*db, 40);  // past 8 frames in one commit: the thread copies all of it
  ASSERT_TRUE((*c)->WaitForCheckpoints(1, seconds(30)));
  EXPECT_EQ(RowsInTheFileAlone("a.db"), 43);
  const auto n = (*c)->counts();
  EXPECT_EQ(n.thread, 1);
  EXPECT_EQ(n.writer, 0);  // the writer did not checkpoint
  EXPECT_EQ(n.failed, 0);
  EXPECT_EQ(*db->QueryInt("SELECT count(*) FROM t"), 43);
}

TEST_F(CheckpointerTest, TheWriterCheckpointsItselfOnceTheWalHoldsInlinePages) {
  auto db = OpenWal("b.db");
  ASSERT_NE(db, nullptr);
  auto c = Checkpointer::Start(*db, {.pages = 30, .inline_pages = 30, .full_sync = false});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  Commit(*db, 10);
  EXPECT_EQ(RowsInTheFileAlone("b.db"), 0);
  Commit(*db, 40);  // the WAL passes 30 frames: copied before Commit returns
  EXPECT_EQ((*c)->counts().writer, 1);
  EXPECT_EQ((*c)->counts().thread, 0);
  EXPECT_EQ(RowsInTheFileAlone("b.db"), 50);
}

TEST_F(CheckpointerTest, StoppedItGivesTheWriterSqlitesAutomaticCheckpointBack) {
  auto db = OpenWal("c.db");
  ASSERT_NE(db, nullptr);
  {
    auto c = Checkpointer::Start(*db, {.pages = 1000, .inline_pages = 8000, .full_sync = true});
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(*db->QueryInt("PRAGMA wal_autocheckpoint"), 0);  // the hook replaced it
  }
  EXPECT_EQ(*db->QueryInt("PRAGMA wal_autocheckpoint"), 1000);
  ASSERT_TRUE(db->Exec("PRAGMA wal_autocheckpoint=20").ok());
  Commit(*db, 40);  // SQLite's own checkpoint, inside this commit
  EXPECT_EQ(RowsInTheFileAlone("c.db"), 40);
}

TEST_F(CheckpointerTest, ARollbackJournalIsRefusedByName) {
  auto db = Database::Open(dir_.File("d.db"), Database::Mode::kReadWriteCreate);
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->Exec("CREATE TABLE t (k INTEGER PRIMARY KEY)").ok());
  auto c = Checkpointer::Start(**db, {});
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("delete journal mode, not WAL"), std::string::npos)
      << c.status().message();
  EXPECT_FALSE(Checkpointer::Start(**db, {.pages = 0}).ok());
}

// The daemon's store: many small commits while the thread copies behind
// them; every row is there, in the file and after closing and opening again.
TEST_F(CheckpointerTest, AStoreWritingWhileItCheckpointsKeepsEveryRow) {
  core::ManualClock clock{core::FromUnixMillis(1795780000000)};
  StoreOptions o;
  o.path = dir_.File("store.db");
  o.store_id = "CK1";
  o.background_checkpoint = true;
  o.checkpoint_pages = 4;
  {
    auto s = Store::Open(o, clock);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    Database& db = (*s)->db();
    ASSERT_NE((*s)->checkpointer(), nullptr);
    ASSERT_TRUE(db.Exec("CREATE TABLE t (k INTEGER PRIMARY KEY, v BLOB NOT NULL)").ok());
    for (int i = 0; i < 300; ++i) Commit(db, 1);
    ASSERT_TRUE((*s)->checkpointer()->WaitForCheckpoints(1, seconds(30)));
    EXPECT_EQ((*s)->checkpointer()->counts().failed, 0);
    EXPECT_EQ(*db.QueryText("PRAGMA integrity_check"), "ok");
    EXPECT_EQ(*db.QueryInt("SELECT count(*) FROM t"), 300);
  }
  StoreOptions plain = o;
  plain.background_checkpoint = false;
  auto s = Store::Open(plain, clock);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ((*s)->checkpointer(), nullptr);
  EXPECT_EQ(*(*s)->db().QueryInt("SELECT count(*) FROM t"), 300);
  EXPECT_EQ(*(*s)->db().QueryText("PRAGMA integrity_check"), "ok");
}

}  // namespace
}  // namespace edge::store
