#include "edge/store/inventory_repo.h"

#include <gtest/gtest.h>

#include "edge/store/store.h"
#include "edge/testing/temp_dir.h"

namespace edge::store {
namespace {

using namespace std::chrono_literals;

class InventoryRepoTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }
  void Open() {
    repo_.reset();
    store_.reset();
    StoreOptions o;
    o.path = dir_.File("storeedge.db");
    o.store_id = "S042";
    auto s = Store::Open(o, clock_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    repo_ = std::make_unique<InventoryRepo>(store_->db(), clock_);
  }
  std::unique_ptr<Transaction> Begin() {
    auto txn = Transaction::Begin(store_->db());
    EXPECT_TRUE(txn.ok()) << txn.status().ToString();
    return std::move(txn).value();
  }
  // Runs `body` in one committed transaction.
  template <typename F>
  void InTxn(F body) {
    auto txn = Begin();
    body(*txn);
    ASSERT_TRUE(txn->Commit().ok());
  }
  core::StockFigures Figures(const std::string& sku) {
    auto item = repo_->FindItem(sku);
    EXPECT_TRUE(item.ok() && item->has_value()) << sku;
    return item.ok() && *item ? (*item)->figures : core::StockFigures{};
  }
  void ExpectConsistent() {
    auto issues = repo_->CheckConsistency();
    ASSERT_TRUE(issues.ok()) << issues.status().ToString();
    std::string all;
    for (const auto& i : *issues) all += i + "\n";
    EXPECT_EQ(all, "");
  }
  StockChange Change(const std::string& sku, const std::string& loc, int64_t d_on_hand, int64_t d_reserved,
                     LedgerOrigin origin, std::optional<int64_t> seq) {
    StockChange c;
    c.sku = sku;
    c.location = loc;
    c.d_on_hand = d_on_hand;
    c.d_reserved = d_reserved;
    c.reason = "test";
    c.origin = origin;
    c.event_seq = seq;
    return c;
  }
  ReservationRecord Reservation(const std::string& order, const std::string& line, const std::string& sku,
                                int64_t qty) {
    ReservationRecord r;
    r.order_id = order;
    r.line_id = line;
    r.sku = sku;
    r.qty = qty;
    r.open_qty = qty;
    r.created_ms = 1;
    return r;
  }
  int64_t Count(const std::string& table) { return *store_->db().QueryInt("SELECT count(*) FROM " + table); }

  testing::TempDir dir_;
  core::ManualClock clock_{core::FromUnixMillis(1'795'774'503'120)};
  std::unique_ptr<Store> store_;
  std::unique_ptr<InventoryRepo> repo_;
};

TEST_F(InventoryRepoTest, MigrationCreatesTheInventorySchema) {
  EXPECT_EQ(store_->schema_version(), LatestSchemaVersion());
  EXPECT_GE(LatestSchemaVersion(), 2);
  for (const char* t : {"items", "barcodes", "locations", "stock", "reservations", "ledger",
                        "snapshots_pending", "snapshot_chunks", "snapshot_items", "snapshots_applied",
                        "incoming", "available_pending", "available_reported", "items_fts"}) {
    EXPECT_EQ(
        *store_->db().QueryInt(std::string("SELECT count(*) FROM sqlite_schema WHERE name = '") + t + "'"), 1)
        << t;
  }
}

TEST_F(InventoryRepoTest, ApplyWritesFiguresStockLedgerAndPending) {
  InTxn([&](Transaction& t) {
    EXPECT_TRUE(*repo_->EnsureItem(t, "A"));
    EXPECT_FALSE(*repo_->EnsureItem(t, "A"));
    ASSERT_TRUE(repo_->Apply(t, Change("A", "X-1", 5, 0, LedgerOrigin::kLocal, 1)).ok());
    ASSERT_TRUE(repo_->Apply(t, Change("A", "", 2, 3, LedgerOrigin::kLocal, 2)).ok());
    ASSERT_TRUE(repo_->Apply(t, Change("A", "X-1", -5, 0, LedgerOrigin::kDelta, std::nullopt)).ok());
    ASSERT_TRUE(repo_->Apply(t, Change("A", "", 0, 0, LedgerOrigin::kLocal, 3)).ok());  // no-op, no row
    ASSERT_TRUE(repo_->InsertReservation(t, Reservation("O1", "1", "A", 3)).ok());
  });
  EXPECT_EQ(Figures("A"), (core::StockFigures{2, 3, 0}));
  auto stock = repo_->StockOf("A");
  ASSERT_EQ(stock->size(), 1u);  // X-1 went to 0 and its row was deleted
  EXPECT_EQ((*stock)[0].location.code, "");
  EXPECT_EQ((*stock)[0].qty, 2);
  auto ledger = repo_->LedgerOf("A");
  ASSERT_EQ(ledger->size(), 3u);
  EXPECT_EQ((*ledger)[2].origin, "delta");
  EXPECT_FALSE((*ledger)[2].event_seq.has_value());
  EXPECT_EQ((*ledger)[1].event_seq, 2);
  EXPECT_EQ((*ledger)[0].at_ms, 1'795'774'503'120);
  EXPECT_TRUE(*repo_->AnyAvailablePending());
  ExpectConsistent();
}

TEST_F(InventoryRepoTest, ApplyRefusesUnknownSkuAndNegativeReserved) {
  auto txn = Begin();
  const Status unknown = repo_->Apply(*txn, Change("NOPE", "", 1, 0, LedgerOrigin::kLocal, 1));
  EXPECT_EQ(unknown.code(), core::StatusCode::kNotFound);
  EXPECT_EQ(unknown.message(), "sku 'NOPE' is unknown");
  ASSERT_TRUE(*repo_->EnsureItem(*txn, "A"));
  const Status neg = repo_->Apply(*txn, Change("A", "", 0, -1, LedgerOrigin::kLocal, 1));
  EXPECT_EQ(neg.code(), core::StatusCode::kInternal) << neg.ToString();
  EXPECT_EQ(Count("ledger"), 0);
}

TEST_F(InventoryRepoTest, BarcodesLocationsAndLookups) {
  InTxn([&](Transaction& t) {
    ASSERT_TRUE(*repo_->EnsureItem(t, "A"));
    ASSERT_TRUE(*repo_->EnsureItem(t, "B"));
    ASSERT_TRUE(repo_->SetDescription(t, "A", "Trail shoe 42 blue").ok());
    ASSERT_TRUE(repo_->SetDescription(t, "B", "Road shoe 40 red").ok());
    EXPECT_EQ(repo_->SetDescription(t, "C", "x").code(), core::StatusCode::kNotFound);
    ASSERT_TRUE(repo_->PutBarcode(t, "00012345678905", "A").ok());
    ASSERT_TRUE(repo_->PutBarcode(t, "04006381333931", "A").ok());
    ASSERT_TRUE(repo_->PutBarcode(t, "04006381333931", "B").ok());  // remapped
    ASSERT_TRUE(repo_->PutLocation(t, {"A-01-01", "A", "01", "01", 20}).ok());
    ASSERT_TRUE(repo_->PutLocation(t, {"A-01-02", "A", "01", "02", 10}).ok());
    ASSERT_TRUE(repo_->EnsureLocation(t, {"Z", "Z", "", "", std::nullopt}).ok());
    ASSERT_TRUE(repo_->EnsureLocation(t, {"A-01-02", "A", "01", "02", std::nullopt}).ok());  // kept
    ASSERT_TRUE(repo_->Apply(t, Change("A", "Z", 1, 0, LedgerOrigin::kLocal, 1)).ok());
    ASSERT_TRUE(repo_->Apply(t, Change("A", "A-01-01", 2, 0, LedgerOrigin::kLocal, 1)).ok());
    ASSERT_TRUE(repo_->Apply(t, Change("A", "A-01-02", 3, 0, LedgerOrigin::kLocal, 1)).ok());
    ASSERT_TRUE(repo_->Apply(t, Change("A", "", 4, 0, LedgerOrigin::kLocal, 1)).ok());
    ASSERT_TRUE(repo_->Apply(t, Change("B", "A-01-02", 7, 0, LedgerOrigin::kLocal, 1)).ok());
  });
  EXPECT_EQ(**repo_->SkuForGtin("00012345678905"), "A");
  EXPECT_EQ(**repo_->SkuForGtin("04006381333931"), "B");
  EXPECT_FALSE(repo_->SkuForGtin("00000096385074")->has_value());
  EXPECT_EQ(*repo_->BarcodesOf("A"), std::vector<std::string>{"00012345678905"});
  EXPECT_EQ((*repo_->FindLocation("A-01-02"))->walk_order, 10);

  auto stock = repo_->StockOf("A");
  ASSERT_EQ(stock->size(), 4u);
  EXPECT_EQ((*stock)[0].location.code, "");  // unlocated, then by walk order, unset last
  EXPECT_EQ((*stock)[1].location.code, "A-01-02");
  EXPECT_EQ((*stock)[2].location.code, "A-01-01");
  EXPECT_EQ((*stock)[3].location.code, "Z");
  EXPECT_EQ((*stock)[1].location.bin, "02");

  auto at = repo_->StockAtLocation("A-01-02");
  ASSERT_EQ(at->size(), 2u);
  EXPECT_EQ((*at)[1].sku, "B");
  EXPECT_EQ((*at)[1].description, "Road shoe 40 red");
  EXPECT_EQ((*at)[1].qty, 7);

  auto found = repo_->Search(InventoryRepo::FtsQuery("shoe blu"), 10);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0].sku, "A");
  EXPECT_EQ(repo_->Search(InventoryRepo::FtsQuery("SHOE"), 10)->size(), 2u);
  // The index follows description updates.
  InTxn([&](Transaction& t) { ASSERT_TRUE(repo_->SetDescription(t, "A", "Sandal").ok()); });
  EXPECT_EQ(repo_->Search(InventoryRepo::FtsQuery("shoe"), 10)->size(), 1u);
  EXPECT_EQ(repo_->Search(InventoryRepo::FtsQuery("sandal"), 10)->size(), 1u);
  ExpectConsistent();
}

TEST_F(InventoryRepoTest, FtsQueryNeutralisesSyntax) {
  EXPECT_EQ(InventoryRepo::FtsQuery("trail shoe"), "\"trail\"* \"shoe\"*");
  EXPECT_EQ(InventoryRepo::FtsQuery("SKU-123"), "\"SKU\"* \"123\"*");
  EXPECT_EQ(InventoryRepo::FtsQuery("a\" OR b*:("), "\"a\"* \"OR\"* \"b\"*");
  EXPECT_EQ(InventoryRepo::FtsQuery("  -- "), "");
  EXPECT_EQ(InventoryRepo::FtsQuery("Größe"), "\"Größe\"*");
  EXPECT_TRUE(repo_->Search(InventoryRepo::FtsQuery("NEAR( \"x"), 5).ok());
  EXPECT_TRUE(repo_->Search("", 5)->empty());
}

TEST_F(InventoryRepoTest, SnapshotReplacesOnHandAndReplaysWhatItCannotHold) {
  // Before: A has 10 at L1 (ledger seq 1, local), B 4 unlocated, C 3.
  InTxn([&](Transaction& t) {
    for (const char* s : {"A", "B", "C"}) ASSERT_TRUE(*repo_->EnsureItem(t, s));
    ASSERT_TRUE(repo_->Apply(t, Change("A", "L1", 10, 2, LedgerOrigin::kLocal, 1)).ok());
    ASSERT_TRUE(repo_->InsertReservation(t, Reservation("O1", "1", "A", 2)).ok());
    ASSERT_TRUE(repo_->Apply(t, Change("B", "", 4, 0, LedgerOrigin::kDelta, std::nullopt)).ok());
    ASSERT_TRUE(repo_->Apply(t, Change("C", "", 3, 0, LedgerOrigin::kLocal, 2)).ok());
    ASSERT_TRUE(repo_->BeginSnapshot(t, "snap-1", 2, /*as_of_store_seq=*/1).ok());
  });
  // While chunks arrive: a local change reported under seq 3 (after as_of),
  // and a central delta (after the first chunk).
  InTxn([&](Transaction& t) {
    std::vector<SnapshotItemRecord> c1 = {{"A", "L1", 7, 1, "00012345678905", "Trail shoe"}};
    ASSERT_TRUE(repo_->StageChunk(t, "snap-1", 1, "d1", c1).ok());
    ASSERT_TRUE(repo_->Apply(t, Change("A", "L1", -1, 0, LedgerOrigin::kLocal, 3)).ok());
    ASSERT_TRUE(repo_->Apply(t, Change("B", "", -1, 0, LedgerOrigin::kDelta, std::nullopt)).ok());
  });
  auto pending = repo_->FindPendingSnapshot("snap-1");
  ASSERT_TRUE(pending.ok() && pending->has_value());
  EXPECT_EQ((*pending)->chunks_received, 1);
  EXPECT_EQ(**repo_->ChunkDigest("snap-1", 1), "d1");
  EXPECT_FALSE(repo_->ChunkDigest("snap-1", 2)->has_value());
  InTxn([&](Transaction& t) {
    std::vector<SnapshotItemRecord> c2 = {{"D", "", 5, std::nullopt, std::nullopt, std::nullopt},
                                          {"A", "", 1, std::nullopt, std::nullopt, std::nullopt}};
    ASSERT_TRUE(repo_->StageChunk(t, "snap-1", 2, "d2", c2).ok());
    auto p = repo_->FindPendingSnapshot("snap-1");
    ASSERT_EQ((*p)->chunks_received, 2);
    auto stats = repo_->ApplySnapshot(t, **p, /*event_seq=*/4);
    ASSERT_TRUE(stats.ok()) << stats.status().ToString();
    EXPECT_EQ(stats->items, 3);
    EXPECT_EQ(stats->replayed, 3);  // C's seq 2, A's seq 3, B's delta
  });
  // A: 7 at L1 + 1 unlocated (snapshot) - 1 at L1 (seq 3 > as_of 1) = 7; reserved kept.
  EXPECT_EQ(Figures("A"), (core::StockFigures{7, 2, 1}));
  // B: absent -> 0, then the delta after the first chunk (-1) again.
  EXPECT_EQ(Figures("B").on_hand, -1);
  // C: absent -> 0, plus its local change with seq 2 > as_of 1.
  EXPECT_EQ(Figures("C").on_hand, 3);
  EXPECT_EQ(Figures("D").on_hand, 5);
  EXPECT_EQ((*repo_->FindItem("A"))->description, "Trail shoe");
  EXPECT_EQ(**repo_->SkuForGtin("00012345678905"), "A");
  EXPECT_TRUE(repo_->AppliedSnapshotAsOf("snap-1")->has_value());
  EXPECT_FALSE(repo_->FindPendingSnapshot("snap-1")->has_value());
  EXPECT_EQ(Count("snapshot_items") + Count("snapshot_chunks"), 0);
  auto ledger = repo_->LedgerOf("A");
  EXPECT_EQ(ledger->back().origin, "snapshot");
  EXPECT_EQ(ledger->back().ref, "snap-1");
  EXPECT_EQ(ledger->back().event_seq, 4);
  ExpectConsistent();

  // Survives a reopen.
  Open();
  EXPECT_EQ(Figures("A"), (core::StockFigures{7, 2, 1}));
  ExpectConsistent();
}

TEST_F(InventoryRepoTest, IdleSnapshotsAreDiscarded) {
  InTxn([&](Transaction& t) {
    ASSERT_TRUE(repo_->BeginSnapshot(t, "old", 3, 0).ok());
    ASSERT_TRUE(repo_->StageChunk(t, "old", 1, "x", {{"A", "", 1, {}, {}, {}}}).ok());
  });
  clock_.Advance(10min);
  InTxn([&](Transaction& t) { ASSERT_TRUE(repo_->BeginSnapshot(t, "new", 3, 0).ok()); });
  InTxn([&](Transaction& t) {
    auto gone = repo_->DiscardSnapshotsIdleSince(t, core::ToUnixMillis(clock_.Now() - 5min));
    ASSERT_TRUE(gone.ok()) << gone.status().ToString();
    EXPECT_EQ(*gone, std::vector<std::string>{"old"});
  });
  EXPECT_FALSE(repo_->FindPendingSnapshot("old")->has_value());
  EXPECT_TRUE(repo_->FindPendingSnapshot("new")->has_value());
  EXPECT_EQ(Count("snapshot_items"), 0);
}

TEST_F(InventoryRepoTest, IncomingIsReplacedByRefAndReceived) {
  InTxn([&](Transaction& t) {
    ASSERT_TRUE(*repo_->EnsureItem(t, "A"));
    ASSERT_TRUE(*repo_->EnsureItem(t, "B"));
    ASSERT_TRUE(repo_->ReplaceIncoming(t, "PO-1", 1000, {{"A", 5}, {"B", 2}}).ok());
    EXPECT_TRUE(*repo_->ReceiveIncoming(t, "PO-1", "A", 3));
    EXPECT_FALSE(*repo_->ReceiveIncoming(t, "PO-9", "A", 3));
    ASSERT_TRUE(repo_->ReplaceIncoming(t, "PO-1", 2000, {{"A", 6}}).ok());
  });
  auto a = repo_->IncomingFor("A");
  ASSERT_EQ(a->size(), 1u);
  EXPECT_EQ((*a)[0].qty, 6);
  EXPECT_EQ((*a)[0].received_qty, 3);
  EXPECT_EQ((*a)[0].eta_ms, 2000);
  EXPECT_TRUE(repo_->IncomingFor("B")->empty());
}

TEST_F(InventoryRepoTest, AvailableCandidatesCarryLastReported) {
  InTxn([&](Transaction& t) {
    for (const char* s : {"A", "B"}) ASSERT_TRUE(*repo_->EnsureItem(t, s));
    ASSERT_TRUE(repo_->Apply(t, Change("A", "", 5, 1, LedgerOrigin::kLocal, 1)).ok());
    ASSERT_TRUE(repo_->SetSafetyStock(t, "B", 2).ok());
  });
  auto c = repo_->AvailableCandidates(10);
  ASSERT_EQ(c->size(), 2u);
  EXPECT_EQ((*c)[0].sku, "A");
  EXPECT_EQ((*c)[0].available, 4);
  EXPECT_FALSE((*c)[0].last_reported.has_value());
  InTxn([&](Transaction& t) { ASSERT_TRUE(repo_->MarkReported(t, *c, {{"A", 4}, {"B", 0}}).ok()); });
  EXPECT_FALSE(*repo_->AnyAvailablePending());
  InTxn([&](Transaction& t) {
    ASSERT_TRUE(repo_->Apply(t, Change("A", "", 0, 1, LedgerOrigin::kLocal, 2)).ok());
  });
  c = repo_->AvailableCandidates(10);
  ASSERT_EQ(c->size(), 1u);
  EXPECT_EQ((*c)[0].available, 3);
  EXPECT_EQ((*c)[0].last_reported, 4);
  EXPECT_FALSE(repo_->LastAvailableReportMs()->has_value());
}

// ---- ledger retention ----

class LedgerFoldTest : public InventoryRepoTest {
 protected:
  StockChange With(StockChange c, const std::string& reason) {
    c.reason = reason;
    return c;
  }
  Result<LedgerFold> Fold(core::Duration age, int64_t after = 0, int64_t examine = 1000) {
    auto txn = Begin();
    auto r = repo_->FoldLedger(*txn, core::ToUnixMillis(clock_.Now() - age), after, examine);
    EXPECT_TRUE(txn->Commit().ok());
    return r;
  }
  // Records a snapshot as applied with its cut, as ApplySnapshot leaves it.
  void Applied(const std::string& id, int64_t as_of, int64_t event_seq) {
    ASSERT_TRUE(store_->db()
                    .Exec("INSERT INTO snapshots_applied (snapshot_id, as_of_store_seq, applied, event_seq) "
                          "VALUES ('" +
                          id + "', " + std::to_string(as_of) + ", 0, " + std::to_string(event_seq) + ")")
                    .ok());
  }
  // sku/location: d_on_hand/d_reserved of the carried-forward rows, by SKU.
  std::string Carried() {
    auto st = store_->db().Prepare(
        "SELECT sku, location, d_on_hand, d_reserved, origin, event_seq IS NULL FROM ledger "
        "WHERE reason = 'carried_forward' ORDER BY sku, location");
    std::string out;
    for (auto row = st->Step(); row.ok() && *row; row = st->Step()) {
      out += st->Text(0) + "/" + st->Text(1) + ":" + std::to_string(st->Int64(2)) + "/" +
             std::to_string(st->Int64(3)) + (st->Text(4) == "local" && st->Int64(5) == 1 ? "" : " (!)") + " ";
    }
    return out;
  }
  std::string StockText(const std::string& sku) {
    std::string out;
    auto stock = repo_->StockOf(sku);
    for (const auto& s : *stock) out += s.location.code + ":" + std::to_string(s.qty) + " ";
    return out;
  }
  // Reasons of the rows that are not carried forward, oldest first.
  std::string Kept() {
    auto st = store_->db().Prepare(
        "SELECT reason || ':' || sku FROM ledger WHERE reason <> 'carried_forward' ORDER BY id");
    std::string out;
    for (auto row = st->Step(); row.ok() && *row; row = st->Step()) out += st->Text(0) + " ";
    return out;
  }
};

TEST_F(LedgerFoldTest, OldRowsBecomeOneCarriedRowPerSkuAndLocation) {
  InTxn([&](Transaction& t) {
    for (const char* s : {"A", "B", "C"}) ASSERT_TRUE(*repo_->EnsureItem(t, s));
    ASSERT_TRUE(repo_->Apply(t, With(Change("A", "L1", 10, 0, LedgerOrigin::kDelta, {}), "receipt")).ok());
    ASSERT_TRUE(repo_->Apply(t, With(Change("A", "L1", 0, 2, LedgerOrigin::kLocal, 1), "reserve")).ok());
    ASSERT_TRUE(repo_->Apply(t, With(Change("A", "L1", -2, -2, LedgerOrigin::kLocal, 2), "consume")).ok());
    ASSERT_TRUE(repo_->Apply(t, With(Change("B", "", 4, 0, LedgerOrigin::kSnapshot, 2), "snapshot")).ok());
    ASSERT_TRUE(repo_->Apply(t, With(Change("C", "", 5, 0, LedgerOrigin::kDelta, {}), "sale")).ok());
    ASSERT_TRUE(repo_->Apply(t, With(Change("C", "", -5, 0, LedgerOrigin::kDelta, {}), "sale")).ok());
    // Read by the adjustments report: kept whatever their age.
    ASSERT_TRUE(repo_->Apply(t, With(Change("A", "", 3, 0, LedgerOrigin::kLocal, 3), "count")).ok());
    ASSERT_TRUE(repo_->Apply(t, With(Change("B", "", -1, 0, LedgerOrigin::kLocal, {}), "damaged")).ok());
    // Reported under seq 5, which no snapshot holds yet (the OMS told seq 2).
    ASSERT_TRUE(repo_->Apply(t, With(Change("A", "L1", 0, 1, LedgerOrigin::kLocal, 5), "reserve")).ok());
    ASSERT_TRUE(repo_->InsertReservation(t, Reservation("O2", "1", "A", 1)).ok());
  });
  ASSERT_NO_FATAL_FAILURE(Applied("snap-0", 2, 4));
  clock_.Advance(48h);
  InTxn([&](Transaction& t) {
    ASSERT_TRUE(repo_->Apply(t, With(Change("A", "L1", 1, 0, LedgerOrigin::kDelta, {}), "receipt")).ok());
  });
  const auto before = std::make_tuple(Figures("A"), Figures("B"), Figures("C"), StockText("A"));

  auto fold = Fold(24h);
  ASSERT_TRUE(fold.ok()) << fold.status().ToString();
  EXPECT_EQ(fold->folded, 6);   // A's receipt, reserve and consume; B's snapshot row; C's two sales
  EXPECT_EQ(fold->carried, 2);  // A at L1 (10 - 2 on hand, 2 - 2 reserved), B unlocated; C nets to 0
  EXPECT_TRUE(fold->done);
  EXPECT_EQ(Carried(), "A/L1:8/0 B/:4/0 ");
  EXPECT_EQ(Kept(), "count:A damaged:B reserve:A receipt:A ");
  ExpectConsistent();
  EXPECT_EQ(std::make_tuple(Figures("A"), Figures("B"), Figures("C"), StockText("A")), before);

  // A later pass adds to the same row, and never folds a carried row again.
  InTxn([&](Transaction& t) {
    ASSERT_TRUE(repo_->Apply(t, With(Change("A", "L1", -3, 0, LedgerOrigin::kDelta, {}), "sale")).ok());
  });
  clock_.Advance(48h);
  InTxn([&](Transaction& t) {
    ASSERT_TRUE(repo_->Apply(t, With(Change("B", "", 1, 0, LedgerOrigin::kDelta, {}), "receipt")).ok());
  });
  fold = Fold(24h);
  ASSERT_TRUE(fold.ok()) << fold.status().ToString();
  EXPECT_EQ(fold->folded, 2);  // A's receipt and sale at L1; B's receipt is too new
  EXPECT_EQ(Carried(), "A/L1:6/0 B/:4/0 ");
  EXPECT_EQ(Kept(), "count:A damaged:B reserve:A receipt:B ");
  ExpectConsistent();

  // Once a snapshot tells seq 5, its row folds too; and the whole thing survives a reopen.
  ASSERT_NO_FATAL_FAILURE(Applied("snap-1", 5, 6));
  clock_.Advance(48h);
  InTxn([&](Transaction& t) {
    ASSERT_TRUE(repo_->Apply(t, With(Change("C", "", 1, 0, LedgerOrigin::kDelta, {}), "receipt")).ok());
  });
  ASSERT_TRUE(Fold(24h).ok());
  EXPECT_EQ(Carried(), "A/L1:6/1 B/:5/0 ");
  Open();
  ExpectConsistent();
}

TEST_F(LedgerFoldTest, RowsAPendingSnapshotReplaysAreKept) {
  InTxn([&](Transaction& t) {
    for (const char* s : {"A", "B"}) ASSERT_TRUE(*repo_->EnsureItem(t, s));
    ASSERT_TRUE(repo_->Apply(t, With(Change("A", "", 10, 0, LedgerOrigin::kDelta, {}), "receipt")).ok());
    ASSERT_TRUE(repo_->Apply(t, With(Change("A", "", -1, 0, LedgerOrigin::kLocal, 1), "consume")).ok());
    ASSERT_TRUE(repo_->Apply(t, With(Change("A", "", -2, 0, LedgerOrigin::kLocal, 2), "consume")).ok());
  });
  // An applied snapshot told seq 2, but one being received was cut at seq 1.
  ASSERT_NO_FATAL_FAILURE(Applied("snap-0", 2, 3));
  InTxn([&](Transaction& t) {
    ASSERT_TRUE(repo_->BeginSnapshot(t, "snap-1", 2, /*as_of_store_seq=*/1).ok());
    ASSERT_TRUE(repo_->StageChunk(t, "snap-1", 1, "d1", {{"A", "", 9, {}, {}, {}}}).ok());
    // A central delta after its first chunk: the snapshot will replay it.
    ASSERT_TRUE(repo_->Apply(t, With(Change("A", "", -4, 0, LedgerOrigin::kDelta, {}), "sale")).ok());
    ASSERT_TRUE(repo_->Apply(t, With(Change("B", "", 1, 0, LedgerOrigin::kDelta, {}), "receipt")).ok());
  });
  clock_.Advance(48h);
  auto fold = Fold(24h);
  ASSERT_TRUE(fold.ok()) << fold.status().ToString();
  // Folded: the receipt and the consume of seq 1 (both in the pending snapshot);
  // kept: seq 2 (above its as_of), the sale (above its mark), and the newest row.
  EXPECT_EQ(fold->folded, 2);
  EXPECT_EQ(Carried(), "A/:9/0 ");
  EXPECT_EQ(Kept(), "consume:A sale:A receipt:B ");
  InTxn([&](Transaction& t) {
    ASSERT_TRUE(repo_->StageChunk(t, "snap-1", 2, "d2", {{"B", "", 0, {}, {}, {}}}).ok());
    auto p = repo_->FindPendingSnapshot("snap-1");
    auto stats = repo_->ApplySnapshot(t, **p, /*event_seq=*/4);
    ASSERT_TRUE(stats.ok()) << stats.status().ToString();
    EXPECT_EQ(stats->replayed, 3);  // seq 2, the sale and B's receipt
  });
  // 9 (as of seq 1) - 2 (seq 2) - 4 (the sale) = 3, as without any folding.
  EXPECT_EQ(Figures("A").on_hand, 3);
  EXPECT_EQ(Figures("B").on_hand, 1);
  ExpectConsistent();
}

TEST_F(LedgerFoldTest, APassWalksTheLedgerInWindowsAndStopsAtNewRows) {
  InTxn([&](Transaction& t) {
    ASSERT_TRUE(*repo_->EnsureItem(t, "A"));
    for (int i = 0; i < 3; ++i)
      ASSERT_TRUE(repo_->Apply(t, With(Change("A", "", 1, 0, LedgerOrigin::kDelta, {}), "receipt")).ok());
  });
  clock_.Advance(48h);
  InTxn([&](Transaction& t) {
    for (int i = 0; i < 7; ++i)
      ASSERT_TRUE(repo_->Apply(t, With(Change("A", "", 1, 0, LedgerOrigin::kDelta, {}), "receipt")).ok());
  });
  auto first = Fold(24h, 0, 2);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->examined_to, 2);
  EXPECT_EQ(first->folded, 2);
  EXPECT_FALSE(first->done);
  auto second = Fold(24h, first->examined_to, 2);
  EXPECT_EQ(second->examined_to, 4);
  EXPECT_EQ(second->folded, 1);
  EXPECT_FALSE(second->done);
  auto third = Fold(24h, second->examined_to, 2);  // rows 5 and 6 are new: the pass ends
  EXPECT_EQ(third->examined_to, 6);
  EXPECT_EQ(third->folded, 0);
  EXPECT_TRUE(third->done);
  EXPECT_EQ(Carried(), "A/:3/0 ");
  EXPECT_EQ(Count("ledger"), 8);
  EXPECT_EQ(Figures("A").on_hand, 10);
  ExpectConsistent();
  // Nothing to do: the first window says so.
  auto again = Fold(24h, 0, 2);
  EXPECT_EQ(again->folded, 0);
}

}  // namespace
}  // namespace edge::store
