#include "edge/store/store.h"

#include <gtest/gtest.h>

#include "edge/store/order_repo.h"

#include "edge/testing/temp_dir.h"

namespace edge::store {
namespace {

using namespace std::chrono_literals;

class StoreTest : public ::testing::Test {
 protected:
  StoreOptions Options(const std::string& store_id = "S042") {
    StoreOptions o;
    o.path = dir_.File("storeedge.db");
    o.store_id = store_id;
    return o;
  }
  std::unique_ptr<Store> OpenOk(const std::string& store_id = "S042") {
    auto s = Store::Open(Options(store_id), clock_);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(s).value() : nullptr;
  }
  int64_t Append(Store& s, const std::string& id) {
    auto txn = Transaction::Begin(s.db());
    EXPECT_TRUE(txn.ok());
    auto seq = s.AppendEvent(**txn, id, "inventory.adjusted", R"({"sku":"A"})");
    EXPECT_TRUE(seq.ok()) << seq.status().ToString();
    EXPECT_TRUE((*txn)->Commit().ok());
    return *seq;
  }

  testing::TempDir dir_;
  core::ManualClock clock_{core::FromUnixMillis(1795774503120)};
};

TEST_F(StoreTest, CreatesAndMigratesToLatest) {
  auto s = OpenOk();
  ASSERT_TRUE(s);
  EXPECT_EQ(s->schema_version(), LatestSchemaVersion());
  EXPECT_EQ(*s->db().QueryInt("PRAGMA user_version"), LatestSchemaVersion());
  EXPECT_EQ(*s->db().QueryText("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(*s->db().QueryInt("PRAGMA foreign_keys"), 1);
  EXPECT_EQ(*s->db().QueryInt("PRAGMA synchronous"), 2);  // FULL
  EXPECT_EQ(*s->db().QueryText("SELECT value FROM meta WHERE key='store_id'"), "S042");
  s.reset();
  auto again = OpenOk();  // a second open migrates nothing and keeps the data
  ASSERT_TRUE(again);
  EXPECT_EQ(again->schema_version(), LatestSchemaVersion());
}

// The open-order figure the capacity check reads follows every insert, state
// change and delete of an order, by any writer, and rolls back with it.
TEST_F(StoreTest, OpenOrderCountFollowsEveryChangeOfOrders) {
  auto s = OpenOk();
  ASSERT_TRUE(s);
  Database& db = s->db();
  OrderRepo repo(db);
  auto expect_count = [&](int64_t n) {
    EXPECT_EQ(*repo.CountOpenOrders(), n);
    EXPECT_EQ(*repo.RecountOpenOrders(), n);
  };
  auto insert = [&](const std::string& id, const std::string& state) {
    ASSERT_TRUE(db.Exec("INSERT INTO orders (order_id, kind, state, routed, updated) VALUES ('" + id +
                        "', 'bopis', '" + state + "', 1, 1)")
                    .ok());
  };
  auto set_state = [&](const std::string& id, const std::string& state) {
    ASSERT_TRUE(db.Exec("UPDATE orders SET state = '" + state + "' WHERE order_id = '" + id + "'").ok());
  };
  expect_count(0);
  insert("O-1", "accepted");
  insert("O-2", "rejected");
  insert("O-3", "ready");
  expect_count(1);
  set_state("O-1", "picking");  // open to open
  expect_count(1);
  set_state("O-1", "picked");
  set_state("O-1", "packed");
  expect_count(1);
  set_state("O-1", "shipped");  // open to closed
  expect_count(0);
  set_state("O-3", "accepted");   // closed to open
  set_state("O-2", "cancelled");  // closed to closed
  expect_count(1);
  ASSERT_TRUE(db.Exec("UPDATE orders SET state = 'accepted'").ok());  // many rows at once
  expect_count(3);
  ASSERT_TRUE(db.Exec("DELETE FROM orders WHERE order_id = 'O-2'").ok());
  expect_count(2);
  {
    auto txn = Transaction::Begin(db);
    ASSERT_TRUE(txn.ok());
    insert("O-4", "accepted");
    set_state("O-1", "shipped");
    EXPECT_EQ(*repo.CountOpenOrders(), 2);
    // Rolled back when the transaction is dropped uncommitted.
  }
  expect_count(2);
  {
    auto txn = Transaction::Begin(db);
    ASSERT_TRUE(txn.ok());
    auto inner = Transaction::Begin(db);  // a savepoint, as each inbound message is
    ASSERT_TRUE(inner.ok());
    insert("O-5", "accepted");
    inner->reset();  // rolled back to the savepoint
    insert("O-6", "packed");
    ASSERT_TRUE((*txn)->Commit().ok());
  }
  expect_count(3);
}

TEST_F(StoreTest, SynchronousNormalIsApplied) {
  auto o = Options();
  o.synchronous = Synchronous::kNormal;
  auto s = Store::Open(o, clock_);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(*(*s)->db().QueryInt("PRAGMA synchronous"), 1);
}

TEST_F(StoreTest, RefusesNewerSchemaUntouched) {
  OpenOk().reset();
  {
    auto db = Database::Open(Options().path, Database::Mode::kReadWrite);
    ASSERT_TRUE((*db)->Exec("PRAGMA user_version=999").ok());
  }
  const std::string before = testing::ReadFile(Options().path);
  auto s = Store::Open(Options(), clock_);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), core::StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.status().message(),
            "database " + Options().path + " has schema version 999, newer than this storeedge knows (" +
                std::to_string(LatestSchemaVersion()) +
                "): it was written by a newer release; upgrade storeedge or restore a backup (file "
                "left untouched)");
  EXPECT_EQ(testing::ReadFile(Options().path), before);
}

TEST_F(StoreTest, RefusesGarbageUntouched) {
  const std::string garbage(8192, 'x');
  testing::WriteFile(Options().path, garbage);
  auto s = Store::Open(Options(), clock_);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), core::StatusCode::kCorruption);
  EXPECT_EQ(s.status().message().rfind(
                "database " + Options().path + " is not a SQLite database or is corrupt: ", 0),
            0u)
      << s.status().message();
  EXPECT_EQ(testing::ReadFile(Options().path), garbage);
}

TEST_F(StoreTest, RefusesDamagedPagesUntouched) {
  OpenOk().reset();
  std::string bytes = testing::ReadFile(Options().path);
  ASSERT_GT(bytes.size(), 4096u);
  // Scribble over the schema page (page 1 after the 100-byte header).
  for (size_t i = 100; i < 4096; ++i) bytes[i] = static_cast<char>(0xA5);
  testing::WriteFile(Options().path, bytes);
  auto s = Store::Open(Options(), clock_);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), core::StatusCode::kCorruption) << s.status().ToString();
  EXPECT_EQ(testing::ReadFile(Options().path), bytes);
}

TEST_F(StoreTest, RefusesAnotherProgramsDatabase) {
  {
    auto db = Database::Open(Options().path, Database::Mode::kReadWriteCreate);
    ASSERT_TRUE((*db)->Exec("CREATE TABLE songs (title TEXT)").ok());
  }
  auto s = Store::Open(Options(), clock_);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().message(), "database " + Options().path +
                                      " is not a storeedge database (application_id 0) (file left "
                                      "untouched)");
}

TEST_F(StoreTest, RefusesAnotherStoresDatabase) {
  OpenOk("S001").reset();
  auto s = Store::Open(Options("S002"), clock_);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().message(), "database " + Options().path +
                                      " belongs to store 'S001', but this node is configured as "
                                      "store 'S002' (file left untouched)");
}

TEST_F(StoreTest, OutboxAssignsGaplessSeqAndTracksPublishing) {
  auto s = OpenOk();
  EXPECT_EQ(*s->LastEventSeq(), 0);
  EXPECT_EQ(Append(*s, "e1"), 1);
  {
    // A rolled-back event gives its seq back: the stream stays gapless.
    auto txn = Transaction::Begin(s->db());
    ASSERT_TRUE(s->AppendEvent(**txn, "lost", "x", "{}").ok());
  }
  EXPECT_EQ(Append(*s, "e2"), 2);
  EXPECT_EQ(Append(*s, "e3"), 3);
  EXPECT_EQ(*s->OutboxDepth(), 3);

  auto pending = s->UnpublishedEvents(0, 10);
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->size(), 3u);
  EXPECT_EQ((*pending)[0].id, "e1");
  EXPECT_EQ((*pending)[0].payload, R"({"sku":"A"})");
  EXPECT_EQ((*pending)[0].created_ms, 1795774503120);

  ASSERT_TRUE(s->MarkPublished(1).ok());
  ASSERT_TRUE(s->MarkPublished(1).ok());  // a second PUBACK is harmless
  EXPECT_EQ(*s->OutboxDepth(), 2);
  EXPECT_EQ(s->UnpublishedEvents(0, 10)->front().seq, 2);
  EXPECT_EQ(s->UnpublishedEvents(2, 10)->front().seq, 3);

  // The same event id twice is refused: ids are unique.
  auto txn = Transaction::Begin(s->db());
  EXPECT_EQ(s->AppendEvent(**txn, "e1", "x", "{}").status().code(), core::StatusCode::kAlreadyExists);
}

TEST_F(StoreTest, PruneKeepsUnpublishedAndNeverReusesSeq) {
  auto s = OpenOk();
  Append(*s, "e1");
  Append(*s, "e2");
  ASSERT_TRUE(s->MarkPublished(1).ok());
  ASSERT_TRUE(s->MarkPublished(2).ok());
  clock_.Advance(8 * 24h);
  Append(*s, "e3");
  EXPECT_EQ(*s->PruneEvents(7 * 24h), 2);
  EXPECT_EQ(*s->OutboxDepth(), 1);
  ASSERT_TRUE(s->MarkPublished(3).ok());
  clock_.Advance(8 * 24h);
  EXPECT_EQ(*s->PruneEvents(7 * 24h), 1);
  // Every row is gone, yet the next event continues the stream.
  EXPECT_EQ(Append(*s, "e4"), 4);
  EXPECT_EQ(*s->LastEventSeq(), 4);
}

TEST_F(StoreTest, PruneInboxForgetsOldIdsButNotTheStreamPosition) {
  auto s = OpenOk();
  {
    auto txn = Transaction::Begin(s->db());
    ASSERT_TRUE(s->RecordInbound(**txn, "m-1", "orders", 1, "order.routed").ok());
    ASSERT_TRUE((*txn)->Commit().ok());
  }
  clock_.Advance(8 * 24h);
  {
    auto txn = Transaction::Begin(s->db());
    ASSERT_TRUE(s->RecordInbound(**txn, "m-2", "orders", 2, "order.routed").ok());
    ASSERT_TRUE((*txn)->Commit().ok());
  }
  EXPECT_EQ(*s->PruneInbox(7 * 24h), 1);
  EXPECT_FALSE(*s->InboxContains("m-1"));
  EXPECT_TRUE(*s->InboxContains("m-2"));
  EXPECT_EQ(*s->NextSeq("orders"), 3) << "a redelivered m-1 is still below the next seq";
}

TEST_F(StoreTest, EventsSurviveReopen) {
  {
    auto s = OpenOk();
    Append(*s, "e1");
    Append(*s, "e2");
    ASSERT_TRUE(s->MarkPublished(1).ok());
  }
  auto s = OpenOk();
  EXPECT_EQ(*s->OutboxDepth(), 1);
  auto all = s->EventsFrom(1, 10);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_TRUE((*all)[0].published_ms.has_value());
  EXPECT_FALSE((*all)[1].published_ms.has_value());
}

TEST_F(StoreTest, InboxRecordsAndAdvancesStream) {
  auto s = OpenOk();
  EXPECT_EQ(*s->NextSeq("orders"), 1);
  EXPECT_FALSE(*s->InboxContains("m1"));
  {
    auto txn = Transaction::Begin(s->db());
    ASSERT_TRUE(s->RecordInbound(**txn, "m1", "orders", 1, "order.routed").ok());
    ASSERT_TRUE((*txn)->Commit().ok());
  }
  EXPECT_TRUE(*s->InboxContains("m1"));
  EXPECT_EQ(*s->NextSeq("orders"), 2);
  EXPECT_EQ(*s->NextSeq("inventory"), 1);
  {
    // Uncommitted: neither the record nor the advance happened.
    auto txn = Transaction::Begin(s->db());
    ASSERT_TRUE(s->RecordInbound(**txn, "m2", "orders", 2, "order.routed").ok());
  }
  EXPECT_FALSE(*s->InboxContains("m2"));
  EXPECT_EQ(*s->NextSeq("orders"), 2);
  auto txn = Transaction::Begin(s->db());
  EXPECT_EQ(s->RecordInbound(**txn, "m1", "orders", 3, "order.routed").code(),
            core::StatusCode::kAlreadyExists);
}

TEST_F(StoreTest, DeadLettersKeepRawPayload) {
  auto s = OpenOk();
  DeadLetter l;
  l.topic = "oms/v1/stores/S042/orders";
  l.reason = "bad JSON at byte 3";
  l.payload = std::string("{\"x\0y", 5);
  ASSERT_TRUE(s->AddDeadLetter(l).ok());
  EXPECT_EQ(*s->DeadLetterCount(), 1);
  auto st = s->db().Prepare("SELECT payload, reason, stream FROM dead_letters");
  ASSERT_TRUE(*st->Step());
  EXPECT_EQ(st->Blob(0), l.payload);
  EXPECT_EQ(st->Text(1), l.reason);
  EXPECT_TRUE(st->IsNull(2));
}

}  // namespace
}  // namespace edge::store
