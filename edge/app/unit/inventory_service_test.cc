#include "edge/app/inventory_service.h"

#include <gtest/gtest.h>

#include <regex>

#include "edge/testing/full_scans.h"
#include "edge/testing/temp_dir.h"

namespace edge::app {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;

class InventoryServiceTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }

  void Open() {
    svc_.reset();
    store_.reset();
    store::StoreOptions o;
    o.path = dir_.File("storeedge.db");
    o.store_id = "S042";
    auto s = store::Store::Open(o, clock_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    InventoryOptions opt;
    opt.available_interval = 2s;
    opt.snapshot_timeout = 5min;
    opt.available_max_items = max_items_;
    // A new seed per start, as std::random_device gives the daemon: the same
    // seed twice would repeat event ids.
    auto svc = InventoryService::Create(*store_, clock_, opt, std::mt19937_64(7 + opens_++));
    ASSERT_TRUE(svc.ok()) << svc.status().ToString();
    svc_ = std::move(svc).value();
  }

  static json Item(const std::string& sku, int64_t on_hand, const char* location = nullptr) {
    json j = {{"sku", sku}, {"on_hand", on_hand}};
    if (location) j["location"] = location;
    return j;
  }
  static json Chunk(const std::string& id, int64_t as_of, int64_t chunk, int64_t chunks, json items) {
    return {{"snapshot_id", id},
            {"as_of_store_seq", as_of},
            {"chunk", chunk},
            {"chunks", chunks},
            {"items", items}};
  }
  // Applies a one-chunk snapshot.
  void Seed(json items, const std::string& id = "seed") {
    auto r = svc_->ApplySnapshotChunk(Chunk(id, 0, 1, 1, std::move(items)));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_EQ(*r, ChunkOutcome::kSnapshotApplied);
  }
  core::StockFigures Figures(const std::string& sku) {
    auto v = svc_->BySku(sku);
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    return v.ok() ? v->figures : core::StockFigures{};
  }
  std::vector<json> Events(const std::string& type) {
    std::vector<json> out;
    auto all = store_->EventsFrom(1, 100000);
    for (const auto& e : *all) {
      if (e.type == type) out.push_back(json::parse(e.payload));
    }
    return out;
  }
  void ExpectConsistent() {
    auto issues = svc_->repo().CheckConsistency();
    ASSERT_TRUE(issues.ok());
    std::string all;
    for (const auto& i : *issues) all += i + "\n";
    EXPECT_EQ(all, "");
  }
  // Everything a command could change, to show that a refused one changed nothing.
  std::string Fingerprint() {
    std::string f;
    for (const char* q :
         {"SELECT count(*) FROM ledger", "SELECT count(*) FROM outbox", "SELECT count(*) FROM inbox",
          "SELECT count(*) FROM items", "SELECT count(*) FROM barcodes", "SELECT count(*) FROM locations",
          "SELECT count(*) FROM reservations", "SELECT count(*) FROM snapshot_items",
          "SELECT count(*) FROM snapshots_pending", "SELECT count(*) FROM incoming",
          "SELECT coalesce(sum(on_hand * 7 + reserved * 3 + safety_stock), 0) FROM items",
          "SELECT coalesce(sum(qty), 0) FROM stock"}) {
      f += std::to_string(*store_->db().QueryInt(q)) + ",";
    }
    return f;
  }

  testing::TempDir dir_;
  core::ManualClock clock_{core::FromUnixMillis(1'795'774'503'120)};
  size_t max_items_ = 5000;
  uint64_t opens_ = 0;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<InventoryService> svc_;
};

// ---- snapshots ----

TEST_F(InventoryServiceTest, SnapshotTakesEffectOnlyWhenEveryChunkIsIn) {
  Seed({Item("OLD", 9)}, "s0");
  ASSERT_EQ(*svc_->ApplySnapshotChunk(Chunk("s1", 0, 2, 3, {Item("B", 2)})), ChunkOutcome::kStaged);
  ASSERT_EQ(*svc_->ApplySnapshotChunk(Chunk("s1", 0, 1, 3, {Item("A", 5, "A-01-01"), Item("A", 1)})),
            ChunkOutcome::kStaged);
  // Nothing visible yet.
  EXPECT_EQ(svc_->BySku("A").status().code(), core::StatusCode::kNotFound);
  EXPECT_EQ(Figures("OLD").on_hand, 9);
  // A duplicated chunk is harmless.
  ASSERT_EQ(*svc_->ApplySnapshotChunk(Chunk("s1", 0, 2, 3, {Item("B", 2)})), ChunkOutcome::kDuplicateChunk);
  ASSERT_EQ(*svc_->ApplySnapshotChunk(Chunk("s1", 0, 3, 3, json::array())), ChunkOutcome::kSnapshotApplied);
  EXPECT_EQ(Figures("A").on_hand, 6);
  EXPECT_EQ(Figures("B").on_hand, 2);
  EXPECT_EQ(Figures("OLD").on_hand, 0);  // absent from a complete snapshot
  auto a = svc_->BySku("A");
  ASSERT_EQ(a->locations.size(), 2u);
  EXPECT_EQ(a->locations[0].location.code, "");
  EXPECT_EQ(a->locations[1].location.code, "A-01-01");
  EXPECT_EQ(a->locations[1].location.zone, "A");
  auto applied = Events("inventory.snapshot_applied");
  ASSERT_EQ(applied.size(), 2u);
  EXPECT_EQ(applied[1], json({{"snapshot_id", "s1"}}));
  // A late duplicate of a chunk of an applied snapshot does nothing.
  const std::string before = Fingerprint();
  ASSERT_EQ(*svc_->ApplySnapshotChunk(Chunk("s1", 0, 2, 3, {Item("B", 2)})),
            ChunkOutcome::kSnapshotAlreadyApplied);
  // Another cut under an id applied before would be lost without a word.
  auto reused = svc_->ApplySnapshotChunk(Chunk("s1", 1, 1, 1, {Item("B", 7)}));
  EXPECT_EQ(reused.status().message(),
            "inventory.snapshot: as_of_store_seq: 1 differs from 0 of snapshot 's1', applied before; a new "
            "snapshot needs a new snapshot_id");
  EXPECT_EQ(Fingerprint(), before);
  ExpectConsistent();
}

// An OMS that keeps no bins sends totals only. Such a snapshot sets each
// SKU's total and keeps the store's bins: an increase goes unlocated, a
// decrease is taken as a delta's is (unlocated first, then bins in walk
// order). One that names any location replaces per location, as before.
TEST_F(InventoryServiceTest, ASnapshotOfTotalsOnlyKeepsTheStoresBins) {
  ASSERT_TRUE(svc_->DefineLocation("A-01-01", 1).ok());
  ASSERT_TRUE(svc_->DefineLocation("B-02-01", 2).ok());
  Seed({Item("A", 5, "A-01-01"), Item("A", 3, "B-02-01"), Item("A", 2), Item("B", 4, "B-02-01"),
        Item("C", 1, "A-01-01")});
  auto where = [&](const std::string& sku) {
    std::string out;
    auto v = svc_->BySku(sku);
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    if (!v.ok()) return out;
    for (const auto& l : v->locations)
      out += (l.location.code.empty() ? "-" : l.location.code) + ":" + std::to_string(l.qty) + " ";
    return out;
  };
  // A up 2: unlocated. B to 0: its bin empties. C unchanged: its bin
  // stays. D new: unlocated.
  ASSERT_EQ(*svc_->ApplySnapshotChunk(
                Chunk("t1", 1, 1, 1, {Item("A", 12), Item("B", 0), Item("C", 1), Item("D", 3)})),
            ChunkOutcome::kSnapshotApplied);
  EXPECT_EQ(where("A"), "-:4 A-01-01:5 B-02-01:3 ");
  EXPECT_EQ(where("B"), "");
  EXPECT_EQ(where("C"), "A-01-01:1 ");
  EXPECT_EQ(where("D"), "-:3 ");
  // A down 7: the 4 unlocated first, then 3 from A-01-01 (walk order 1).
  ASSERT_EQ(*svc_->ApplySnapshotChunk(Chunk("t2", 2, 1, 1, {Item("A", 5), Item("C", 1), Item("D", 3)})),
            ChunkOutcome::kSnapshotApplied);
  EXPECT_EQ(where("A"), "A-01-01:2 B-02-01:3 ");
  EXPECT_EQ(Figures("A").on_hand, 5);
  // One located item makes it a snapshot per location: C leaves its bin.
  ASSERT_EQ(*svc_->ApplySnapshotChunk(Chunk("t3", 3, 1, 1, {Item("A", 5, "A-01-01"), Item("C", 1)})),
            ChunkOutcome::kSnapshotApplied);
  EXPECT_EQ(where("A"), "A-01-01:5 ");
  EXPECT_EQ(where("C"), "-:1 ");
  EXPECT_EQ(Figures("D").on_hand, 0);
  ExpectConsistent();
}

TEST_F(InventoryServiceTest, SnapshotReplaysOwnEventsAfterAsOfAndLaterDeltas) {
  Seed({Item("A", 10), Item("B", 10)});
  // Own event: 2 damaged (seq s_damage). The central side has seen it when it
  // cuts the snapshot with as_of = that seq.
  auto damaged = svc_->Adjust({core::AdjustmentKind::kDamaged, "A", std::nullopt, 2, "ana", std::nullopt});
  ASSERT_TRUE(damaged.ok()) << damaged.status().ToString();
  // Own event the snapshot does not include yet: 3 found.
  auto found = svc_->Adjust({core::AdjustmentKind::kFound, "A", std::nullopt, 3, "ana", std::nullopt});
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(Figures("A").on_hand, 11);
  // The snapshot says A=8 (10-2, as of the damage), B=7 (a POS sale of 3).
  ASSERT_EQ(*svc_->ApplySnapshotChunk(Chunk("s1", damaged->event_seq, 1, 2, {Item("A", 8)})),
            ChunkOutcome::kStaged);
  // A delta after the first chunk was sent after the cut: not in the snapshot.
  ASSERT_TRUE(svc_->ApplyDelta({{"sku", "B"}, {"delta", -1}, {"reason", "pos_sale"}}).ok());
  // Goods leaving the store after as_of: replayed too.
  ASSERT_TRUE(svc_->Reserve("O1", {{"1", "A", 1}}, true).ok());
  ASSERT_TRUE(svc_->Consume("O1", "1", 1, {"order.shipped", {{"order_id", "O1"}}}).ok());
  ASSERT_EQ(Figures("A"), (core::StockFigures{10, 0, 0}));
  ASSERT_EQ(*svc_->ApplySnapshotChunk(Chunk("s1", damaged->event_seq, 2, 2, {Item("B", 7)})),
            ChunkOutcome::kSnapshotApplied);
  EXPECT_EQ(Figures("A").on_hand, 8 + 3 - 1);
  EXPECT_EQ(Figures("B").on_hand, 7 - 1);
  ExpectConsistent();
}

TEST_F(InventoryServiceTest, ContradictingChunksAreRefusedAndNothingApplied) {
  Seed({Item("A", 1)});  // the node's event 1: inventory.snapshot_applied
  ASSERT_EQ(*store_->LastEventSeq(), 1);
  ASSERT_EQ(*svc_->ApplySnapshotChunk(Chunk("s1", 1, 1, 3, {Item("A", 1)})), ChunkOutcome::kStaged);
  const std::string before = Fingerprint();
  auto count = svc_->ApplySnapshotChunk(Chunk("s1", 1, 2, 4, {Item("B", 1)}));
  EXPECT_EQ(
      count.status().message(),
      "inventory.snapshot: chunks: 4 differs from 3 given by the earlier chunks of snapshot 's1'; chunk not "
      "applied");
  auto as_of = svc_->ApplySnapshotChunk(Chunk("s1", 0, 2, 3, {Item("B", 1)}));
  EXPECT_EQ(
      as_of.status().message(),
      "inventory.snapshot: as_of_store_seq: 0 differs from 1 given by the earlier chunks of snapshot 's1'; "
      "chunk not applied");
  auto other = svc_->ApplySnapshotChunk(Chunk("s1", 1, 1, 3, {Item("A", 2)}));
  EXPECT_EQ(
      other.status().message(),
      "inventory.snapshot: chunk 1 of snapshot 's1' was received before with different items; chunk not "
      "applied");
  auto beyond = svc_->ApplySnapshotChunk(Chunk("s1", 1, 4, 3, {Item("B", 1)}));
  EXPECT_EQ(beyond.status().message(), "inventory.snapshot: chunk: must be <= chunks (3), got 4");
  // A cut after the node's last event: it would skip the replay of goods
  // that left since the real cut, and count them again.
  auto ahead = svc_->ApplySnapshotChunk(Chunk("s2", 2, 1, 1, {Item("A", 9)}));
  EXPECT_EQ(ahead.status().message(),
            "inventory.snapshot: as_of_store_seq: 2 is above 1, the last event this node has produced; "
            "snapshot 's2' not applied");
  EXPECT_EQ(Fingerprint(), before);
}

// The node stopped or offline longer than the timeout, its snapshot's other
// chunks kept by the broker: resumed, the snapshot completes with them.
TEST_F(InventoryServiceTest, AResumedSnapshotCompletesAfterAnOutageLongerThanTheTimeout) {
  Seed({Item("A", 4)});
  ASSERT_EQ(*svc_->ApplySnapshotChunk(Chunk("s", 0, 1, 2, {Item("A", 100)})), ChunkOutcome::kStaged);
  clock_.Advance(20min);  // four times the timeout (5 min here)
  EXPECT_EQ(*svc_->ResumePendingSnapshots(), 1);
  clock_.Advance(4min);
  EXPECT_EQ(*svc_->DiscardAbandonedSnapshots(), 0);
  EXPECT_EQ(*svc_->ApplySnapshotChunk(Chunk("s", 0, 2, 2, {Item("B", 3)})), ChunkOutcome::kSnapshotApplied);
  EXPECT_EQ(Figures("A").on_hand, 100);
  EXPECT_EQ(Figures("B").on_hand, 3);
  EXPECT_EQ(*svc_->ResumePendingSnapshots(), 0);
}

TEST_F(InventoryServiceTest, AbandonedSnapshotIsDiscardedAfterTheTimeout) {
  Seed({Item("A", 4)});
  ASSERT_EQ(*svc_->ApplySnapshotChunk(Chunk("lost", 0, 1, 2, {Item("A", 100)})), ChunkOutcome::kStaged);
  clock_.Advance(4min);
  EXPECT_EQ(*svc_->DiscardAbandonedSnapshots(), 0);
  clock_.Advance(2min);
  EXPECT_EQ(*svc_->DiscardAbandonedSnapshots(), 1);
  EXPECT_FALSE(svc_->repo().FindPendingSnapshot("lost")->has_value());
  EXPECT_EQ(*store_->db().QueryInt("SELECT count(*) FROM snapshot_items"), 0);
  // Its last chunk, arriving late, starts over and completes nothing.
  ASSERT_EQ(*svc_->ApplySnapshotChunk(Chunk("lost", 0, 2, 2, {Item("B", 1)})), ChunkOutcome::kStaged);
  EXPECT_EQ(Figures("A").on_hand, 4);
}

TEST_F(InventoryServiceTest, InboundEnvelopeIsRecordedWithTheEffect) {
  Seed({Item("A", 4)});
  InboundRef ref{"m-1", "inventory", 1, "inventory.delta"};
  ASSERT_EQ(*svc_->ApplyDelta({{"sku", "A"}, {"delta", 2}, {"reason", "receipt"}}, ref), Applied::kApplied);
  EXPECT_EQ(*store_->NextSeq("inventory"), 2);
  ASSERT_EQ(*svc_->ApplyDelta({{"sku", "A"}, {"delta", 2}, {"reason", "receipt"}}, ref), Applied::kDuplicate);
  EXPECT_EQ(Figures("A").on_hand, 6);
  // A refused message records nothing: the sync layer dead-letters it.
  InboundRef bad{"m-2", "inventory", 2, "inventory.delta"};
  EXPECT_FALSE(svc_->ApplyDelta({{"sku", "NOPE"}, {"delta", 1}, {"reason", "x"}}, bad).ok());
  EXPECT_FALSE(*store_->InboxContains("m-2"));
  InboundRef chunk{"m-3", "inventory", 2, "inventory.snapshot"};
  ASSERT_EQ(*svc_->ApplySnapshotChunk(Chunk("s9", 0, 1, 2, {Item("A", 1)}), chunk), ChunkOutcome::kStaged);
  ASSERT_EQ(*svc_->ApplySnapshotChunk(Chunk("s9", 0, 1, 2, {Item("A", 1)}), chunk),
            ChunkOutcome::kDuplicateMessage);
}

// ---- deltas, incoming ----

TEST_F(InventoryServiceTest, DeltasGoUnlocatedAndDecreasesFollowTheWalk) {
  Seed({Item("A", 3, "A-01-02"), Item("A", 3, "A-01-01"), Item("A", 1)});
  ASSERT_TRUE(svc_->DefineLocation("A-01-02", 1).ok());
  ASSERT_TRUE(svc_->DefineLocation("A-01-01", 2).ok());
  ASSERT_TRUE(svc_->ApplyDelta({{"sku", "A"}, {"delta", -5}, {"reason", "pos_sale"}, {"ref", "R-1"}}).ok());
  auto a = svc_->BySku("A");
  EXPECT_EQ(a->figures.on_hand, 2);
  ASSERT_EQ(a->locations.size(), 1u);  // unlocated 1 and A-01-02 3 emptied, then 1 from A-01-01
  EXPECT_EQ(a->locations[0].location.code, "A-01-01");
  EXPECT_EQ(a->locations[0].qty, 2);
  auto ledger = svc_->repo().LedgerOf("A");
  EXPECT_EQ(ledger->back().origin, "delta");
  EXPECT_EQ(ledger->back().reason, "pos_sale");
  EXPECT_EQ(ledger->back().ref, "R-1");
  // A sale the replica did not know of may take on_hand below 0; available stays 0.
  ASSERT_TRUE(svc_->ApplyDelta({{"sku", "A"}, {"delta", -3}, {"reason", "pos_sale"}}).ok());
  EXPECT_EQ(Figures("A").on_hand, -1);
  EXPECT_EQ(svc_->BySku("A")->available, 0);
  ExpectConsistent();
}

TEST_F(InventoryServiceTest, IncomingIsKeptAndReceiptsBookAgainstIt) {
  Seed({Item("A", 0), Item("B", 0)});
  ASSERT_TRUE(
      svc_->RecordIncoming(
              {{"ref", "PO-7"}, {"eta", "2026-12-01T08:00:00Z"}, {"items", {{{"sku", "A"}, {"qty", 12}}}}})
          .ok());
  auto in = svc_->BySku("A")->incoming;
  ASSERT_EQ(in.size(), 1u);
  EXPECT_EQ(in[0].qty, 12);
  EXPECT_EQ(core::FormatRfc3339(core::FromUnixMillis(in[0].eta_ms)), "2026-12-01T08:00:00.000Z");
  ASSERT_TRUE(svc_->Adjust({core::AdjustmentKind::kReceipt, "A", "B-01", 5, "ana", "PO-7"}).ok());
  EXPECT_EQ(svc_->BySku("A")->incoming[0].received_qty, 5);
  EXPECT_EQ(Figures("A").on_hand, 5);
}

// ---- adjustments ----

TEST_F(InventoryServiceTest, TextThatIsNotUtf8IsReplacedInEventsNotThrown) {
  Seed({Item("A", 10, "A-01-01")});
  // A receipt reference as a badly configured scanner typed it (Latin-1).
  auto r = svc_->Adjust({core::AdjustmentKind::kReceipt, "A", "A-01-01", 1, "ana", std::string("PO-\xe9")});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto events = Events("inventory.adjusted");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["ref"], "PO-\xef\xbf\xbd");  // U+FFFD
}

TEST_F(InventoryServiceTest, AdjustmentsReportInventoryAdjusted) {
  Seed({Item("A", 10, "A-01-01"), Item("A", 2)});
  auto count = svc_->Adjust({core::AdjustmentKind::kCount, "A", "A-01-01", 7, "ana", std::nullopt});
  ASSERT_TRUE(count.ok()) << count.status().ToString();
  EXPECT_EQ(count->delta, -3);
  EXPECT_EQ(count->on_hand, 9);
  auto dmg = svc_->Adjust({core::AdjustmentKind::kDamaged, "A", "A-01-01", 1, "ana", std::nullopt});
  ASSERT_TRUE(dmg.ok());
  auto found = svc_->Adjust({core::AdjustmentKind::kFound, "A", "C-9", 4, "bo", std::nullopt});
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->on_hand, 12);
  auto events = Events("inventory.adjusted");
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0], json({{"sku", "A"},
                             {"delta", -3},
                             {"on_hand", 9},
                             {"reason", "count"},
                             {"location", "A-01-01"},
                             {"by", "ana"}}));
  EXPECT_EQ(events[1]["reason"], "damaged");
  EXPECT_EQ(events[2]["reason"], "found");
  // A whole-SKU count: the count, unlocated.
  auto whole = svc_->Adjust({core::AdjustmentKind::kCount, "A", std::nullopt, 5, "bo", std::nullopt});
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(whole->delta, -7);
  auto a = svc_->BySku("A");
  ASSERT_EQ(a->locations.size(), 1u);
  EXPECT_EQ(a->locations[0].location.code, "");
  EXPECT_EQ(a->locations[0].qty, 5);
  // Each ledger row carries the seq of the event that reported it.
  auto ledger = svc_->repo().LedgerOf("A");
  EXPECT_EQ(ledger->back().event_seq, whole->event_seq);
  EXPECT_EQ(ledger->back().origin, "local");
  // Event ids are UUID v4.
  auto all = store_->EventsFrom(1, 100);
  const std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  for (const auto& e : *all) EXPECT_TRUE(std::regex_match(e.id, uuid)) << e.id;
  ExpectConsistent();
}

TEST_F(InventoryServiceTest, DamagedMoreThanThereIsRefused) {
  Seed({Item("A", 2, "A-01-01")});
  const std::string before = Fingerprint();
  auto at = svc_->Adjust({core::AdjustmentKind::kDamaged, "A", "A-01-01", 3, "ana", std::nullopt});
  EXPECT_EQ(at.status().code(), core::StatusCode::kFailedPrecondition);
  EXPECT_EQ(at.status().message(),
            "adjust damaged: 3 of 'A' at A-01-01, but only 2 are there; count the location first");
  auto any = svc_->Adjust({core::AdjustmentKind::kDamaged, "A", std::nullopt, 3, "ana", std::nullopt});
  EXPECT_EQ(any.status().message(), "adjust damaged: 3 of 'A', but on hand is only 2; count it first");
  EXPECT_EQ(Fingerprint(), before);
}

// ---- reservations ----

TEST_F(InventoryServiceTest, ReserveAcceptsWhatIsAvailableAndReportsIt) {
  Seed({{{"sku", "A"}, {"on_hand", 5}, {"safety_stock", 1}}, Item("B", 1)});
  auto r = svc_->Reserve("O-1", {{"1", "A", 3}, {"2", "B", 2}, {"3", "Z", 1}}, /*partial_accept=*/true);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->lines[0].accepted);
  EXPECT_EQ(r->lines[1].reason, core::RejectReason::kInsufficientStock);
  EXPECT_EQ(r->lines[2].reason, core::RejectReason::kUnknownSku);
  EXPECT_EQ(Figures("A"), (core::StockFigures{5, 3, 1}));
  EXPECT_EQ(svc_->BySku("A")->available, 1);
  EXPECT_EQ(Events("order.accepted")[0],
            json::parse(R"({"order_id":"O-1","lines":[{"line_id":"1","qty":3}]})"));
  EXPECT_EQ(Events("order.rejected")[0],
            json::parse(R"({"order_id":"O-1","lines":[{"line_id":"2","qty":2,"reason":"insufficient_stock"},
                                                      {"line_id":"3","qty":1,"reason":"unknown_sku"}]})"));
  // Re-routing the same order: the same decision, nothing reserved twice.
  auto again = svc_->Reserve("O-1", {{"1", "A", 3}, {"2", "B", 2}, {"3", "Z", 1}}, true);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->repeated);
  EXPECT_EQ(again->lines, r->lines);
  EXPECT_EQ(Figures("A").reserved, 3);
  // Without partial accept one short line rejects the whole order.
  auto whole = svc_->Reserve("O-2", {{"1", "A", 1}, {"2", "A", 1}}, /*partial_accept=*/false);
  ASSERT_TRUE(whole.ok());
  EXPECT_FALSE(whole->lines[0].accepted);
  EXPECT_FALSE(whole->lines[1].accepted);
  EXPECT_EQ(Figures("A").reserved, 3);
  ExpectConsistent();
}

// Every statement of a reservation's life finds its rows through an index:
// none steps through a table, whose cost would grow with the store's history
// (schema 9 dropped indexes that no statement here may need).
TEST_F(InventoryServiceTest, ReservationsReleasesAndConsumesScanNoTable) {
  json items = json::array();
  for (int i = 0; i < 200; ++i) items.push_back(Item("S" + std::to_string(i), 50, "A-01-01"));
  Seed(items);
  for (int i = 0; i < 50; ++i) {  // some history for a scan to walk through
    ASSERT_TRUE(svc_->Reserve("H-" + std::to_string(i), {{"1", "S" + std::to_string(i), 1}}, true).ok());
  }

  std::string scans;
  {
    testing::FullScans watch(store_->db());
    ASSERT_TRUE(svc_->Reserve("O-1", {{"1", "S7", 2}, {"2", "S8", 1}, {"3", "S9", 3}}, true).ok());
    ASSERT_TRUE(svc_->Reserve("O-1", {{"1", "S7", 2}, {"2", "S8", 1}, {"3", "S9", 3}}, true).ok());  // again
    ASSERT_TRUE(svc_->Consume("O-1", "1", 2, {"order.shipped", {{"order_id", "O-1"}}}, "A-01-01").ok());
    ASSERT_TRUE(svc_->Consume("O-1", "2", 1, {"order.shipped", {{"order_id", "O-1"}}}).ok());
    ASSERT_TRUE(svc_->Release("O-1", "3", core::ReleaseReason::kCancelled).ok());
    scans = watch.Text();
  }
  EXPECT_EQ(scans, "");
  ExpectConsistent();
}

TEST_F(InventoryServiceTest, ReleaseAndConsume) {
  Seed({Item("A", 5, "A-01-01")});
  ASSERT_TRUE(svc_->Reserve("O-1", {{"1", "A", 3}}, true).ok());
  // Goods leave: on_hand and reserved go down together, reported by the order event.
  ASSERT_TRUE(svc_->Consume("O-1", "1", 2, {"order.shipped", {{"order_id", "O-1"}}}, "A-01-01").ok());
  EXPECT_EQ(Figures("A"), (core::StockFigures{3, 1, 0}));
  auto shipped = store_->EventsFrom(1, 100)->back();
  EXPECT_EQ(shipped.type, "order.shipped");
  EXPECT_EQ(svc_->repo().LedgerOf("A")->back().event_seq, shipped.seq);
  auto too_many = svc_->Consume("O-1", "1", 2, {"order.shipped", {{"order_id", "O-1"}}});
  EXPECT_EQ(too_many.code(), core::StatusCode::kFailedPrecondition);
  EXPECT_EQ(too_many.message(), "consume: order 'O-1' line '1' holds 1 reserved (open), cannot consume 2");
  EXPECT_EQ(store_->EventsFrom(1, 100)->back().seq, shipped.seq);  // the report went with the rollback
  // The rest is released when the order ships short.
  ASSERT_TRUE(svc_->Release("O-1", "1", core::ReleaseReason::kShipped).ok());
  ASSERT_TRUE(svc_->Release("O-1", "1", core::ReleaseReason::kShipped).ok());  // idempotent
  EXPECT_EQ(Figures("A"), (core::StockFigures{3, 0, 0}));
  auto r = svc_->repo().FindReservation("O-1", "1");
  EXPECT_EQ((*r)->state, store::ReservationState::kReleased);
  EXPECT_EQ((*r)->consumed_qty, 2);
  EXPECT_EQ(svc_->Release("O-9", "1", core::ReleaseReason::kCancelled).code(), core::StatusCode::kNotFound);
  ExpectConsistent();
}

// ---- lookups ----

TEST_F(InventoryServiceTest, LookupsBySkuBarcodeLocationAndText) {
  Seed({{{"sku", "SKU-1"},
         {"on_hand", 4},
         {"gtin", "012345678905"},
         {"location", "A-01-01"},
         {"description", "Trail shoe 42 blue"}},
        {{"sku", "SKU-2"}, {"on_hand", 1}, {"location", "A-01-01"}, {"description", "Road shoe 40"}}});
  ASSERT_TRUE(svc_->UpsertItem("SKU-1", std::nullopt, {"4006381333931", "96385074"}).ok());
  // UPC-A and its GTIN-14 find the same item.
  EXPECT_EQ(svc_->ByBarcode("012345678905")->sku, "SKU-1");
  EXPECT_EQ(svc_->ByBarcode("00012345678905")->sku, "SKU-1");
  EXPECT_EQ(svc_->ByBarcode("4006381333931")->sku, "SKU-1");
  EXPECT_EQ(svc_->ByBarcode("96385074")->sku, "SKU-1");
  EXPECT_EQ(svc_->BySku("SKU-1")->gtins.size(), 3u);
  EXPECT_EQ(svc_->ByBarcode("012345678906").status().message(),
            "lookup: gtin '012345678906': check digit is 6, expected 5");
  EXPECT_EQ(svc_->ByBarcode("00000000000000").status().code(), core::StatusCode::kNotFound);
  auto loc = svc_->ByLocation("A-01-01");
  ASSERT_TRUE(loc.ok());
  ASSERT_EQ(loc->items.size(), 2u);
  EXPECT_EQ(loc->items[0].description, "Trail shoe 42 blue");
  EXPECT_EQ(svc_->ByLocation("Z-9").status().code(), core::StatusCode::kNotFound);
  auto found = svc_->Search("shoe blu");
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0].sku, "SKU-1");
  EXPECT_EQ(svc_->Search("SHOE")->size(), 2u);
  EXPECT_EQ(svc_->Search("\"unbalanced AND (")->size(), 0u);
  EXPECT_EQ(svc_->Search("sku-2")->size(), 1u);
}

// ---- inventory.available ----

TEST_F(InventoryServiceTest, AvailableIsCoalescedToOneMessagePerInterval) {
  Seed({Item("A", 5), Item("B", 5)});
  auto first = svc_->FlushAvailable();
  ASSERT_TRUE(first.ok() && first->has_value());  // leading edge: at once
  EXPECT_FALSE(svc_->FlushAvailable()->has_value());
  ASSERT_TRUE(svc_->Reserve("O-1", {{"1", "A", 1}}, true).ok());
  ASSERT_TRUE(svc_->Reserve("O-2", {{"1", "A", 1}}, true).ok());
  ASSERT_TRUE(svc_->ApplyDelta({{"sku", "B"}, {"delta", -1}, {"reason", "pos"}}).ok());
  ASSERT_TRUE(svc_->ApplyDelta({{"sku", "B"}, {"delta", 1}, {"reason", "pos_return"}}).ok());
  clock_.Advance(1s);
  EXPECT_FALSE(svc_->FlushAvailable()->has_value());  // within the interval
  EXPECT_EQ(*svc_->NextAvailableDue(), clock_.Now() + 1s);
  clock_.Advance(1s);
  auto second = svc_->FlushAvailable();
  ASSERT_TRUE(second.ok() && second->has_value());
  auto msgs = Events("inventory.available");
  ASSERT_EQ(msgs.size(), 2u);
  EXPECT_EQ(msgs[0], json::parse(R"({"items":[{"sku":"A","available":5},{"sku":"B","available":5}]})"));
  // Latest value of A only: B went 5 -> 4 -> 5, which the OMS knows already.
  EXPECT_EQ(msgs[1], json::parse(R"({"items":[{"sku":"A","available":3}]})"));
  EXPECT_FALSE(svc_->NextAvailableDue().has_value());
}

// A reload changes the interval: the next report is due that long after the
// last one, sooner or later than before.
TEST_F(InventoryServiceTest, ANewAvailableIntervalCountsFromTheLastReport) {
  Seed({Item("A", 5)});
  const auto sent = clock_.Now();
  ASSERT_TRUE(svc_->FlushAvailable()->has_value());
  ASSERT_TRUE(svc_->Reserve("O-1", {{"1", "A", 1}}, true).ok());
  EXPECT_EQ(*svc_->NextAvailableDue(), sent + 2s);
  ASSERT_TRUE(svc_->SetAvailableInterval(1h).ok());
  EXPECT_EQ(*svc_->NextAvailableDue(), sent + 1h);
  clock_.Advance(2s);
  EXPECT_FALSE(svc_->FlushAvailable()->has_value());
  ASSERT_TRUE(svc_->SetAvailableInterval(1ms).ok());
  EXPECT_EQ(*svc_->NextAvailableDue(), sent + 1ms);
  ASSERT_TRUE(svc_->FlushAvailable()->has_value());
  EXPECT_EQ(Events("inventory.available").back(), json::parse(R"({"items":[{"sku":"A","available":4}]})"));
  EXPECT_EQ(svc_->SetAvailableInterval(0s).code(), core::StatusCode::kInvalidArgument);
}

TEST_F(InventoryServiceTest, PendingAvailabilitySurvivesARestart) {
  Seed({Item("A", 5)});
  ASSERT_TRUE(svc_->FlushAvailable()->has_value());
  ASSERT_TRUE(svc_->Reserve("O-1", {{"1", "A", 2}}, true).ok());
  Open();  // restart before the report went out
  auto early = svc_->FlushAvailable();
  ASSERT_TRUE(early.ok()) << early.status().ToString();
  EXPECT_FALSE(early->has_value());  // the interval still holds
  clock_.Advance(2s);
  auto f2 = svc_->FlushAvailable();
  ASSERT_TRUE(f2.ok()) << f2.status().ToString();
  ASSERT_TRUE(f2->has_value());
  EXPECT_EQ(Events("inventory.available").back(), json::parse(R"({"items":[{"sku":"A","available":3}]})"));
}

TEST_F(InventoryServiceTest, ChangesMadeThroughTheRepoAreReportedToo) {
  Seed({Item("A", 5)});
  ASSERT_TRUE(svc_->FlushAvailable()->has_value());
  clock_.Advance(5s);
  {
    // Another service (orders) writes through the repo in its own transaction.
    auto txn = store::Transaction::Begin(store_->db());
    store::StockChange c;
    c.sku = "A";
    c.d_on_hand = -1;
    c.reason = "short_pick";
    c.event_seq = 99;
    ASSERT_TRUE(svc_->repo().Apply(**txn, c).ok());
    ASSERT_TRUE((*txn)->Commit().ok());
  }
  ASSERT_TRUE(svc_->FlushAvailable()->has_value());
  EXPECT_EQ(Events("inventory.available").back(), json::parse(R"({"items":[{"sku":"A","available":4}]})"));
}

TEST_F(InventoryServiceTest, LargeChangesAreSplitAcrossIntervals) {
  max_items_ = 2;
  Open();
  Seed({Item("A", 1), Item("B", 1), Item("C", 1), Item("D", 2)});
  ASSERT_TRUE(svc_->FlushAvailable()->has_value());
  EXPECT_FALSE(svc_->FlushAvailable()->has_value());
  clock_.Advance(2s);
  ASSERT_TRUE(svc_->FlushAvailable()->has_value());
  clock_.Advance(2s);
  EXPECT_FALSE(svc_->NextAvailableDue().has_value());
  auto msgs = Events("inventory.available");
  ASSERT_EQ(msgs.size(), 2u);
  EXPECT_EQ(msgs[0]["items"].size(), 2u);
  EXPECT_EQ(msgs[1], json::parse(R"({"items":[{"sku":"C","available":1},{"sku":"D","available":2}]})"));
}

// ---- bad input: a clear error each time, nothing applied ----

TEST_F(InventoryServiceTest, BadInputIsRefusedWithAClearErrorAndNothingApplied) {
  Seed({Item("A", 5)});
  ASSERT_EQ(*svc_->ApplySnapshotChunk(Chunk("s1", 0, 1, 2, {Item("A", 1)})), ChunkOutcome::kStaged);
  ASSERT_TRUE(svc_->Reserve("O-1", {{"1", "A", 1}}, true).ok());
  const std::string before = Fingerprint();
  const std::string huge(10 << 20, 'x');

  struct Case {
    std::function<core::Status()> run;
    std::string message;
  };
  auto chunk = [&](json items) {
    return svc_->ApplySnapshotChunk(Chunk("s2", 0, 1, 1, std::move(items))).status();
  };
  std::vector<Case> cases = {
      {[&] {
         return chunk({Item("A", 1), Item("B", 1), Item("C", 1), Item("D", -2)});
       },
       "inventory.snapshot: items[3].on_hand: must be >= 0, got -2"},
      {[&] {
         return chunk({{{"sku", "A"}, {"on_hand", 1}, {"gtin", "012345678906"}}});
       },
       "inventory.snapshot: items[0].gtin: gtin '012345678906': check digit is 6, expected 5"},
      {[&] {
         return chunk({{{"sku", "A"}, {"on_hand", 1.5}}});
       },
       "inventory.snapshot: items[0].on_hand: must be an integer, got number 1.5"},
      {[&] {
         return chunk({{{"sku", "A"}, {"on_hand", "3"}}});
       },
       "inventory.snapshot: items[0].on_hand: must be an integer, got string"},
      {[&] {
         return chunk({{{"on_hand", 3}}});
       },
       "inventory.snapshot: items[0].sku: is missing"},
      {[&] {
         return chunk({Item("A", 1), Item(" A", 3)});
       },
       "inventory.snapshot: items[1].sku: ' A' has spaces around it"},
      {[&] {
         return svc_->ApplyDelta({{"sku", "A\n"}, {"delta", 1}, {"reason", "receipt"}}).status();
       },
       "inventory.delta: sku: holds a control character (byte 2)"},
      {[&] {
         return chunk({{{"sku", huge}, {"on_hand", 3}}});
       },
       "inventory.snapshot: items[0].sku: must be at most 64 bytes, got 10485760"},
      {[&] {
         return chunk({{{"sku", "A"}, {"on_hand", 3}, {"location", "A B"}}});
       },
       "inventory.snapshot: items[0].location: location code 'A B': may contain only letters, digits, '_', "
       "'.' "
       "and '-'"},
      {[&] {
         return chunk({{{"sku", "A"}, {"on_hand", 3}, {"safety_stock", -1}}});
       },
       "inventory.snapshot: items[0].safety_stock: must be >= 0, got -1"},
      {[&] {
         return svc_
             ->ApplySnapshotChunk({{"snapshot_id", "s3"},
                                   {"as_of_store_seq", 0},
                                   {"chunk", 1},
                                   {"chunks", 0},
                                   {"items", json::array()}})
             .status();
       },
       "inventory.snapshot: chunks: must be >= 1, got 0"},
      {[&] { return svc_->ApplySnapshotChunk(json::array()).status(); },
       "inventory.snapshot: data: must be an object, got array"},
      {[&] {
         return svc_->ApplyDelta({{"sku", "NOPE"}, {"delta", 1}, {"reason", "pos"}}).status();
       },
       "inventory.delta: sku: 'NOPE' is unknown to this store"},
      {[&] {
         return svc_->ApplyDelta({{"sku", "A"}, {"delta", 1}}).status();
       },
       "inventory.delta: reason: is missing"},
      {[&] {
         return svc_->ApplyDelta({{"sku", "A"}, {"delta", 1}, {"reason", huge}}).status();
       },
       "inventory.delta: reason: must be at most 64 bytes, got 10485760"},
      {[&] {
         return svc_
             ->RecordIncoming({{"ref", "PO"}, {"eta", "tomorrow"}, {"items", {{{"sku", "A"}, {"qty", 1}}}}})
             .status();
       },
       "inventory.incoming: eta: must be an RFC 3339 timestamp, got 'tomorrow'"},
      {[&] {
         return svc_
             ->RecordIncoming(
                 {{"ref", "PO"}, {"eta", "2026-12-01T08:00:00Z"}, {"items", {{{"sku", "A"}, {"qty", -4}}}}})
             .status();
       },
       "inventory.incoming: items[0].qty: must be >= 1, got -4"},
      {[&] {
         return svc_
             ->RecordIncoming(
                 {{"ref", "PO"}, {"eta", "2026-12-01T08:00:00Z"}, {"items", {{{"sku", "Q"}, {"qty", 4}}}}})
             .status();
       },
       "inventory.incoming: items[0].sku: 'Q' is unknown to this store"},
      {[&] {
         return svc_->Adjust({core::AdjustmentKind::kFound, "A", std::nullopt, -3, "ana", std::nullopt})
             .status();
       },
       "adjust found: qty: must be >= 1, got -3"},
      {[&] {
         return svc_->Adjust({core::AdjustmentKind::kCount, "Q", "A-1", 3, "ana", std::nullopt}).status();
       },
       "adjust count: sku: 'Q' is unknown to this store"},
      {[&] {
         return svc_->Adjust({core::AdjustmentKind::kCount, "A", "A-1", 3, "", std::nullopt}).status();
       },
       "adjust count: by: must not be empty"},
      {[&] {
         return svc_->Reserve("O-2", {{"1", "A", 0}}, true).status();
       },
       "reserve 'O-2': lines[0].qty: must be >= 1, got 0"},
      {[&] {
         return svc_->Reserve("O-2", {{"1", "A", 1}, {"1", "A", 1}}, true).status();
       },
       "reserve 'O-2': lines[1].line_id: '1' is listed twice"},
      {[&] {
         return svc_->Consume("O-1", "1", -1, {"order.shipped", json::object()});
       },
       "consume: order 'O-1' line '1': qty: must be >= 1, got -1"},
      {[&] { return svc_->Search(huge).status(); }, "search: text: must be at most 256 bytes, got 10485760"},
      {[&] { return svc_->ByBarcode(huge).status(); },
       "lookup: gtin 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...' (10485760 bytes): not a digit at position 1"},
      {[&] { return svc_->UpsertItem("A", std::nullopt, {"4006381333932"}); },
       "upsert item: gtins[0]: gtin '4006381333932': check digit is 2, expected 1"},
  };
  for (const Case& c : cases) {
    const core::Status s = c.run();
    EXPECT_FALSE(s.ok()) << c.message;
    EXPECT_EQ(s.message(), c.message);
    EXPECT_EQ(Fingerprint(), before) << c.message;
  }
}

TEST_F(InventoryServiceTest, TenMegabyteLineIsRefused) {
  Seed({Item("A", 5)});
  const std::string before = Fingerprint();
  // One line of JSON, 10 MB long: an item whose description is 10 MB.
  const std::string line = R"({"snapshot_id":"big","as_of_store_seq":0,"chunk":1,"chunks":1,"items":[)"
                           R"({"sku":"A","on_hand":1,"description":")" +
                           std::string(10 << 20, 'd') + R"("}]})";
  auto r = svc_->ApplySnapshotChunk(json::parse(line));
  EXPECT_EQ(r.status().message(),
            "inventory.snapshot: items[0].description: must be at most 512 bytes, got 10485760");
  // And a chunk of more items than a 1 MiB payload can hold.
  json many = json::array();
  for (int i = 0; i <= 100000; ++i) many.push_back({{"sku", "S"}, {"on_hand", 1}});
  r = svc_->ApplySnapshotChunk(Chunk("big", 0, 1, 1, std::move(many)));
  EXPECT_EQ(r.status().message(), "inventory.snapshot: items: must have at most 100000 entries, got 100001");
  EXPECT_EQ(Fingerprint(), before);
}

TEST_F(InventoryServiceTest, FixedSeedGivesRepeatableEventIds) {
  Seed({Item("A", 5)});
  const std::string first = store_->EventsFrom(1, 1)->front().id;
  svc_.reset();
  store_.reset();
  testing::TempDir other;
  store::StoreOptions o;
  o.path = other.File("x.db");
  o.store_id = "S042";
  auto s = store::Store::Open(o, clock_);
  auto svc = InventoryService::Create(**s, clock_, InventoryOptions{}, std::mt19937_64(7 + 0));
  ASSERT_TRUE((*svc)->ApplySnapshotChunk(Chunk("seed", 0, 1, 1, {Item("A", 5)})).ok());
  EXPECT_EQ((*s)->EventsFrom(1, 1)->front().id, first);
}

}  // namespace
}  // namespace edge::app
