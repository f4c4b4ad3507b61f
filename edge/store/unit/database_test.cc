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

TEST_F(DatabaseTest, TheStampMovesWithEveryChangeByThisOrAnotherConnection) {
  auto stamp = [&] {
    auto s = db_->Stamp();
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? *s : ChangeStamp{};
  };
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

TEST(Database, MissingFileWithoutCreateIsAnIoError) {
  testing::TempDir dir;
  auto db = Database::Open(dir.File("missing.db"), Database::Mode::kReadWrite);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), core::StatusCode::kIoError);
  EXPECT_NE(db.status().message().find("missing.db"), std::string::npos);
}

}  // namespace
}  // namespace edge::store
