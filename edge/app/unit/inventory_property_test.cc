// Property test of the inventory replica: random interleavings of snapshot
// chunks (duplicated, abandoned, overlapping), central deltas, reservations,
// releases, goods leaving, associates' adjustments, availability reports,
// bad input, restarts (close and reopen the store) and ledger folds, from a seeded
// generator, checked against a model written here independently of the
// service.
//
// Invariants, after every step:
//  - the node's figures and per-location stock equal the model's;
//  - a SKU's figures equal the sum of its ledger, old rows folded or not;
//    reserved equals the sum of its open reservations
//    (InventoryRepo::CheckConsistency);
//  - a reservation is accepted only when the model's available covers it, so
//    available is never promised below zero;
//  - each inventory.available message carries the current available of each
//    SKU it lists, and at the end every SKU with stock to promise has been
//    reported at its current value;
//  - a snapshot completed with no correction, restart or other snapshot in
//    between leaves exactly what applying everything in order gave
//    ("snapshot plus replay equals applying everything in order");
//  - refused input changes nothing.
//
// STOREEDGE_PROPERTY_ITERATIONS sets the number of sequences (default 12),
// STOREEDGE_PROPERTY_SEED the first seed; a failure names the seed and step.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <set>

#include "edge/app/inventory_service.h"
#include "edge/core/gtin.h"
#include "edge/testing/temp_dir.h"

namespace edge::app {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;
using core::Status;

using LocQty = std::map<std::string, int64_t>;  // location -> qty, no zeros

int EnvInt(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::atoi(v) : fallback;
}

const std::vector<std::string> kLocations = {"L1", "L2", "L3"};  // walk order 1, 2, 3

std::string GtinFor(const std::string& sku) {
  // A valid UPC-A per SKU, from its name.
  std::string body = "0";
  uint64_t h = std::hash<std::string>{}(sku);
  for (int i = 0; i < 10; ++i, h /= 10) body += static_cast<char>('0' + h % 10);
  return body + static_cast<char>('0' + core::GtinCheckDigit(body));
}

struct ModelItem {
  LocQty stock;
  int64_t reserved = 0;
  int64_t safety = 0;
  int64_t OnHand() const {
    int64_t n = 0;
    for (const auto& [loc, q] : stock) n += q;
    return n;
  }
  int64_t Available() const { return std::max<int64_t>(0, OnHand() - reserved - safety); }
};

struct OwnChange {
  int64_t seq;
  std::string sku;
  std::string loc;
  int64_t d;
};

struct DeltaChange {
  std::string sku;
  std::string loc;
  int64_t d;
};

struct OpenLine {
  std::string sku;
  int64_t open = 0;
};

// A snapshot the central side is sending.
struct Plan {
  std::string id;
  int64_t as_of = 0;
  std::vector<json> chunks;               // items per chunk
  std::map<std::string, LocQty> content;  // sku -> loc -> qty
  std::map<std::string, int64_t> safety;  // given safety stock
  bool abandoned = false;                 // the sender gives up after some chunks
  bool exact = true;                      // no correction, restart or other snapshot since the cut
  bool totals_only = false;               // sent as totals, no location: an OMS that keeps no bins
  int generation = 0;                     // model.generation at the cut
};

// What the node has staged of a plan.
struct Staging {
  std::set<int> chunks;
  std::vector<DeltaChange> deltas_since_first;
  int64_t last_ms = 0;
};

class Model {
 public:
  std::map<std::string, ModelItem> items;
  std::vector<OwnChange> own;
  std::map<std::pair<std::string, std::string>, OpenLine> open;      // (order, line) -> open qty
  std::map<std::string, std::vector<core::LineDecision>> decisions;  // order -> decision
  std::map<std::string, std::vector<core::LineRequest>> requests;    // order -> lines
  std::map<std::string, Staging> staging;                            // snapshot id -> staged
  std::map<std::string, int64_t> reported;                           // sku -> last inventory.available
  int generation = 0;

  // The stock of a SKU in the node's walk order: unlocated, then L1..L3.
  std::vector<core::LocatedQty> Walk(const std::string& sku) {
    std::vector<core::LocatedQty> out;
    const LocQty& s = items[sku].stock;
    if (auto it = s.find(""); it != s.end()) out.push_back({"", it->second});
    for (const auto& l : kLocations) {
      if (auto it = s.find(l); it != s.end()) out.push_back({l, it->second});
    }
    return out;
  }
  void Add(const std::string& sku, const std::string& loc, int64_t d) {
    int64_t& q = items[sku].stock[loc];
    q += d;
    if (q == 0) items[sku].stock.erase(loc);
  }
  // A decrease with no location: unlocated while positive, then walk order,
  // the rest from unlocated (written here independently of core::PlanDecrease).
  std::vector<DeltaChange> Decrease(const std::string& sku, int64_t qty) {
    std::vector<DeltaChange> out;
    int64_t left = qty;
    auto take = [&](const std::string& loc, int64_t n) {
      if (n <= 0) return;
      for (auto& o : out) {
        if (o.loc == loc) {
          o.d -= n;
          left -= n;
          return;
        }
      }
      out.push_back({sku, loc, -n});
      left -= n;
    };
    const LocQty& s = items[sku].stock;
    auto at = [&](const std::string& l) {
      auto it = s.find(l);
      return it == s.end() ? int64_t{0} : it->second;
    };
    take("", std::min(left, at("")));
    for (const auto& l : kLocations) take(l, std::min(left, at(l)));
    take("", left);
    return out;
  }
};

class InventoryProperty : public ::testing::Test {
 protected:
  void Open() {
    svc_.reset();
    store_.reset();
    store::StoreOptions o;
    o.path = dir_->File("storeedge.db");
    o.store_id = "S042";
    o.synchronous = store::Synchronous::kNormal;  // durability is not what this test is about
    auto s = store::Store::Open(o, clock_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    InventoryOptions opt;
    opt.available_interval = 2s;
    opt.snapshot_timeout = kTimeout;
    opt.available_max_items = 4;  // small, so that reports split across intervals
    auto svc = InventoryService::Create(*store_, clock_, opt, std::mt19937_64(rng_()));
    ASSERT_TRUE(svc.ok()) << svc.status().ToString();
    svc_ = std::move(svc).value();
  }

  int64_t Rand(int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng_); }
  bool Chance(double p) { return std::bernoulli_distribution(p)(rng_); }
  template <typename C>
  const auto& Pick(const C& c) {
    auto it = c.begin();
    std::advance(it, Rand(0, static_cast<int64_t>(c.size()) - 1));
    return *it;
  }
  std::string RandomSku() {
    if (Chance(0.05)) return "NEW-" + std::to_string(next_new_++);
    return "S" + std::to_string(Rand(0, 7));
  }
  std::optional<std::string> RandomLocation(double none = 0.4) {
    if (Chance(none)) return std::nullopt;
    return Pick(kLocations);
  }
  int64_t LastSeq() { return *store_->LastEventSeq(); }

  std::string Fingerprint() {
    std::string f;
    for (const char* q :
         {"SELECT count(*) FROM ledger", "SELECT count(*) FROM outbox", "SELECT count(*) FROM items",
          "SELECT count(*) FROM reservations", "SELECT count(*) FROM snapshot_items",
          "SELECT count(*) FROM snapshots_pending", "SELECT count(*) FROM incoming",
          "SELECT coalesce(sum(on_hand * 7 + reserved * 3 + safety_stock), 0) FROM items"}) {
      f += std::to_string(*store_->db().QueryInt(q)) + ",";
    }
    return f;
  }

  // ---- steps ----

  void Discard(int64_t now_ms) {
    const int64_t limit = now_ms - std::chrono::duration_cast<std::chrono::milliseconds>(kTimeout).count();
    for (auto it = m_.staging.begin(); it != m_.staging.end();) {
      if (it->second.last_ms < limit) {
        if (auto p = plans_.find(it->first); p != plans_.end()) p->second.exact = false;  // restarts later
        it = m_.staging.erase(it);
      } else {
        ++it;
      }
    }
  }

  Plan NewPlan() {
    Plan p;
    p.id = "snap-" + std::to_string(next_snapshot_++);
    p.generation = m_.generation;
    p.as_of = Rand(std::max<int64_t>(0, LastSeq() - 6), LastSeq());
    // What the central side believes: the node's stock minus its own changes
    // it has not heard of yet (seq > as_of).
    // Half the snapshots carry corrections (the central side knows better);
    // the others are exactly what the central side heard.
    const bool correct = Chance(0.5);
    std::map<std::string, LocQty> content;
    for (const auto& [sku, item] : m_.items) {
      if (correct && Chance(0.1)) {
        p.exact = false;  // dropped from the snapshot: a correction
        continue;
      }
      content[sku] = item.stock;
    }
    for (const OwnChange& c : m_.own) {
      if (c.seq > p.as_of && content.count(c.sku)) content[c.sku][c.loc] -= c.d;
    }
    if (m_.items.empty()) {
      // The store's first snapshot.
      for (int i = 0; i < 6; ++i)
        content["S" + std::to_string(i)][RandomLocation(0.3).value_or("")] += Rand(0, 9);
      p.exact = false;
    }
    if (correct && Chance(0.4)) {
      content[RandomSku()][""] += Rand(0, 5);
      p.exact = false;
    }
    if (correct && !content.empty() && Chance(0.6)) {
      const std::string sku = Pick(content).first;
      content[sku][RandomLocation(0.3).value_or("")] += Rand(-2, 3);
      p.exact = false;
    }
    // A third of the snapshots come from an OMS that keeps no bins: one
    // total per SKU, no location.
    p.totals_only = Chance(0.3);
    if (p.totals_only) {
      for (auto& [sku, locs] : content) {
        int64_t total = 0;
        for (const auto& [loc, q] : locs) total += q;
        locs.clear();
        locs[""] = total;
      }
    }
    std::vector<json> items;
    for (auto& [sku, locs] : content) {
      if (!m_.items.count(sku) && content[sku].empty()) content[sku][""] = 0;
      bool first = true;
      for (auto& [loc, q] : locs) {
        if (q < 0) {  // the central side never sends a negative quantity
          q = 0;
          p.exact = false;
        }
        json it = {{"sku", sku}, {"on_hand", q}};
        if (!loc.empty()) it["location"] = loc;
        if (first && Chance(0.3)) {
          const int64_t ss = Rand(0, 2);
          it["safety_stock"] = ss;
          p.safety[sku] = ss;
        }
        if (first && Chance(0.5)) it["gtin"] = GtinFor(sku);
        first = false;
        items.push_back(std::move(it));
      }
    }
    p.content = content;
    const int64_t n = Rand(1, 4);
    p.chunks.assign(static_cast<size_t>(n), json::array());
    for (auto& it : items) p.chunks[static_cast<size_t>(Rand(0, n - 1))].push_back(std::move(it));
    p.abandoned = Chance(0.15);
    return p;
  }

  json ChunkJson(const Plan& p, int k) {
    return {{"snapshot_id", p.id},
            {"as_of_store_seq", p.as_of},
            {"chunk", k + 1},
            {"chunks", static_cast<int64_t>(p.chunks.size())},
            {"items", p.chunks[static_cast<size_t>(k)]}};
  }

  void StepSnapshotChunk() {
    const int64_t now_ms = core::ToUnixMillis(clock_.Now());
    // Pick a plan in flight, or cut a new one (the first chunk is the cut).
    std::vector<std::string> live;
    for (const auto& [id, p] : plans_) {
      if (!p.abandoned || !m_.staging.count(id) || m_.staging[id].chunks.size() < p.chunks.size() / 2) {
        live.push_back(id);
      }
    }
    if (live.empty() || Chance(0.3)) {
      Plan p = NewPlan();
      live = {p.id};
      plans_.emplace(p.id, std::move(p));
    }
    Plan& p = plans_.at(Pick(live));
    Discard(now_ms);
    Staging& st = m_.staging[p.id];
    int k;
    bool duplicate = false;
    if (!st.chunks.empty() && Chance(0.15)) {
      k = Pick(st.chunks);
      duplicate = true;
    } else {
      std::vector<int> missing;
      for (int i = 0; i < static_cast<int>(p.chunks.size()); ++i) {
        if (!st.chunks.count(i)) missing.push_back(i);
      }
      k = Pick(missing);
    }
    if (st.chunks.empty() && p.as_of < *svc_->repo().FoldedEventSeq()) {
      // Cut before events whose ledger rows are folded (here, an abandoned
      // snapshot sent again, or a cut that tells less than an earlier one):
      // refused, nothing applied. The OMS cuts a new one.
      const std::string before = Fingerprint();
      auto r = svc_->ApplySnapshotChunk(ChunkJson(p, k));
      ASSERT_FALSE(r.ok());
      EXPECT_NE(r.status().message().find("ledger rows were folded"), std::string::npos)
          << r.status().ToString();
      EXPECT_EQ(Fingerprint(), before);
      ++stats_["snapshots refused: cut before folded rows"];
      const std::string id = p.id;
      m_.staging.erase(id);
      plans_.erase(id);
      return;
    }
    auto r = svc_->ApplySnapshotChunk(ChunkJson(p, k));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    if (st.chunks.empty()) st.deltas_since_first.clear();
    if (duplicate) {
      EXPECT_EQ(*r, ChunkOutcome::kDuplicateChunk);
      ++stats_["duplicate chunks"];
      return;
    }
    st.chunks.insert(k);
    st.last_ms = now_ms;  // a duplicate does not keep a snapshot alive
    if (st.chunks.size() < p.chunks.size()) {
      EXPECT_EQ(*r, ChunkOutcome::kStaged);
      return;
    }
    EXPECT_EQ(*r, ChunkOutcome::kSnapshotApplied);
    ++stats_["snapshots applied"];
    ApplyPlanToModel(p, st);
    const std::string id = p.id;
    m_.staging.erase(id);
    applied_.emplace_back(id, p.as_of);
    plans_.erase(id);
  }

  void ApplyPlanToModel(const Plan& p, const Staging& st) {
    // Snapshot plus replay, per SKU and location.
    std::map<std::string, LocQty> target = p.content;
    for (const OwnChange& c : m_.own) {
      if (c.seq > p.as_of) target[c.sku][c.loc] += c.d;
    }
    for (const DeltaChange& d : st.deltas_since_first) target[d.sku][d.loc] += d.d;
    std::map<std::string, ModelItem> before = m_.items;
    // The rule is the snapshot's, not the sender's intent: one that happens
    // to name no location (every SKU unlocated) sets totals too.
    bool names_location = false;
    for (const auto& chunk : p.chunks) {
      for (const auto& it : chunk) names_location = names_location || it.contains("location");
    }
    if (!names_location) {
      // Per SKU the total changes, the bins stay: an increase goes
      // unlocated, a decrease is taken as a delta's is.
      ++stats_["snapshots of totals only"];
      for (const auto& [sku, item] : before) target[sku];  // SKUs it does not list go to 0
      for (const auto& [sku, locs] : target) {
        int64_t total = 0;
        for (const auto& [loc, q] : locs) total += q;
        const int64_t d = total - m_.items[sku].OnHand();
        if (d > 0) m_.Add(sku, "", d);
        if (d < 0) {
          for (const auto& c : m_.Decrease(sku, -d)) m_.Add(c.sku, c.loc, c.d);
        }
      }
    } else {
      for (auto& [sku, item] : m_.items) item.stock.clear();
      for (auto& [sku, locs] : target) {
        ModelItem& item = m_.items[sku];
        for (auto& [loc, q] : locs) {
          if (q != 0) item.stock[loc] = q;
        }
      }
    }
    for (const auto& [sku, ss] : p.safety) m_.items[sku].safety = ss;
    if (!st.deltas_since_first.empty()) ++stats_["snapshots replaying deltas"];
    if (p.exact && p.generation == m_.generation) {
      ++stats_["snapshots checked against in-order"];
      // Applying everything in order gave the same.
      for (const auto& [sku, item] : m_.items) {
        EXPECT_EQ(item.stock, before[sku].stock) << "snapshot " << p.id << " sku " << sku;
      }
    }
    ++m_.generation;
  }

  void StepResendAppliedChunk() {
    if (applied_.empty()) return;
    const auto& [id, as_of] = Pick(applied_);
    auto r = svc_->ApplySnapshotChunk({{"snapshot_id", id},
                                       {"as_of_store_seq", as_of},
                                       {"chunk", 1},
                                       {"chunks", 1},
                                       {"items", json::array()}});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(*r, ChunkOutcome::kSnapshotAlreadyApplied);
    // The same id with another cut: refused, nothing changes.
    const std::string before = Fingerprint();
    auto other = svc_->ApplySnapshotChunk({{"snapshot_id", id},
                                           {"as_of_store_seq", as_of + 1},
                                           {"chunk", 1},
                                           {"chunks", 1},
                                           {"items", json::array()}});
    EXPECT_FALSE(other.ok());
    EXPECT_EQ(Fingerprint(), before);
  }

  void StepDelta() {
    if (m_.items.empty()) return;
    const std::string sku = Pick(m_.items).first;
    const int64_t d = Rand(-4, 4);
    auto r = svc_->ApplyDelta({{"sku", sku}, {"delta", d}, {"reason", d < 0 ? "pos_sale" : "receipt"}});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    std::vector<DeltaChange> changes;
    if (d > 0) changes.push_back({sku, "", d});
    if (d < 0) changes = m_.Decrease(sku, -d);
    for (const auto& c : changes) {
      m_.Add(c.sku, c.loc, c.d);
      for (auto& [id, st] : m_.staging) {
        if (!st.chunks.empty()) st.deltas_since_first.push_back(c);
      }
    }
  }

  void StepAdjust() {
    if (m_.items.empty()) return;
    Adjustment a;
    a.kind = static_cast<core::AdjustmentKind>(Rand(0, 3));
    a.sku = Pick(m_.items).first;
    a.location = RandomLocation();
    a.qty = a.kind == core::AdjustmentKind::kCount ? Rand(0, 8) : Rand(1, 4);
    a.by = "assoc-" + std::to_string(Rand(1, 3));
    ModelItem& item = m_.items[a.sku];
    const std::string loc = a.location.value_or("");
    auto at = [&](const std::string& l) { return item.stock.count(l) ? item.stock.at(l) : int64_t{0}; };
    std::vector<DeltaChange> changes;
    bool refused = false;
    switch (a.kind) {
      case core::AdjustmentKind::kCount:
        if (a.location) {
          changes.push_back({a.sku, loc, a.qty - at(loc)});
        } else {
          for (const auto& [l, q] : item.stock) {
            if (!l.empty()) changes.push_back({a.sku, l, -q});
          }
          changes.push_back({a.sku, "", a.qty - at("")});
        }
        break;
      case core::AdjustmentKind::kDamaged:
        if (a.location) {
          refused = at(loc) < a.qty;
          if (!refused) changes.push_back({a.sku, loc, -a.qty});
        } else {
          refused = item.OnHand() < a.qty;
          if (!refused) changes = m_.Decrease(a.sku, a.qty);
        }
        break;
      default:
        changes.push_back({a.sku, loc, a.qty});
    }
    const std::string before = refused ? Fingerprint() : "";
    auto r = svc_->Adjust(a);
    ++stats_[refused ? "adjustments refused" : "adjustments"];
    if (refused) {
      ASSERT_FALSE(r.ok());
      EXPECT_EQ(r.status().code(), core::StatusCode::kFailedPrecondition);
      EXPECT_EQ(Fingerprint(), before);
      return;
    }
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    int64_t delta = 0;
    for (const auto& c : changes) {
      if (c.d == 0) continue;
      m_.Add(c.sku, c.loc, c.d);
      m_.own.push_back({r->event_seq, c.sku, c.loc, c.d});
      delta += c.d;
    }
    EXPECT_EQ(r->delta, delta);
    EXPECT_EQ(r->on_hand, item.OnHand());
  }

  void StepReserve() {
    std::string order;
    std::vector<core::LineRequest> lines;
    const bool reroute = !m_.requests.empty() && Chance(0.1);
    if (reroute) {
      order = Pick(m_.requests).first;
      lines = m_.requests[order];
    } else {
      order = "O-" + std::to_string(next_order_++);
      for (int i = 0, n = static_cast<int>(Rand(1, 3)); i < n; ++i) {
        lines.push_back({std::to_string(i + 1), Chance(0.1) ? "UNKNOWN" : RandomSku(), Rand(1, 4)});
      }
    }
    const bool partial = Chance(0.6);
    auto r = svc_->Reserve(order, lines, partial);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    if (reroute) {
      EXPECT_TRUE(r->repeated);
      EXPECT_EQ(r->lines, m_.decisions[order]);
      return;
    }
    // The model's own decision: in line order against what is left.
    std::map<std::string, int64_t> left;
    std::vector<bool> accept;
    bool all = true;
    for (const auto& l : lines) {
      auto it = m_.items.find(l.sku);
      bool ok = false;
      if (it != m_.items.end()) {
        if (!left.count(l.sku)) left[l.sku] = it->second.Available();
        ok = left[l.sku] >= l.qty;
        if (ok) left[l.sku] -= l.qty;
      }
      accept.push_back(ok);
      all &= ok;
    }
    ASSERT_EQ(r->lines.size(), lines.size());
    for (size_t i = 0; i < lines.size(); ++i) {
      const bool expected = accept[i] && (partial || all);
      EXPECT_EQ(r->lines[i].accepted, expected) << order << " line " << i;
      if (!r->lines[i].accepted) continue;
      ModelItem& item = m_.items[lines[i].sku];
      EXPECT_GE(item.Available(), lines[i].qty) << "promised below zero";
      ++stats_["lines reserved"];
      item.reserved += lines[i].qty;
      m_.open[{order, lines[i].line_id}] = {lines[i].sku, lines[i].qty};
    }
    m_.decisions[order] = r->lines;
    m_.requests[order] = lines;
  }

  void StepRelease() {
    if (m_.decisions.empty()) return;
    const std::string order = Pick(m_.decisions).first;
    const auto& d = Pick(m_.decisions[order]);
    const auto reason = static_cast<core::ReleaseReason>(Rand(0, 4));
    ASSERT_TRUE(svc_->Release(order, d.line_id, reason).ok());
    auto it = m_.open.find({order, d.line_id});
    if (it != m_.open.end()) {
      m_.items[it->second.sku].reserved -= it->second.open;
      m_.open.erase(it);
    }
  }

  void StepConsume() {
    if (m_.open.empty()) return;
    auto key = Pick(m_.open).first;
    OpenLine& line = m_.open[key];
    const bool too_many = Chance(0.1);
    const int64_t qty = too_many ? line.open + 1 : Rand(1, line.open);
    const auto loc = RandomLocation(0.6);
    const std::string before = too_many ? Fingerprint() : "";
    const Status s =
        svc_->Consume(key.first, key.second, qty, {"order.shipped", {{"order_id", key.first}}}, loc);
    if (too_many) {
      EXPECT_EQ(s.code(), core::StatusCode::kFailedPrecondition) << s.ToString();
      EXPECT_EQ(Fingerprint(), before);
      return;
    }
    ASSERT_TRUE(s.ok()) << s.ToString();
    ++stats_["consumptions"];
    const int64_t seq = LastSeq();
    std::vector<DeltaChange> changes;
    if (loc) {
      changes.push_back({line.sku, *loc, -qty});
    } else {
      changes = m_.Decrease(line.sku, qty);
    }
    for (const auto& c : changes) {
      m_.Add(c.sku, c.loc, c.d);
      m_.own.push_back({seq, c.sku, c.loc, c.d});
    }
    m_.items[line.sku].reserved -= qty;
    line.open -= qty;
    if (line.open == 0) m_.open.erase(key);
  }

  void StepFlush() {
    clock_.Advance(std::chrono::milliseconds(Rand(0, 3000)));
    const int64_t before = LastSeq();
    auto r = svc_->FlushAvailable();
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    if (!r->has_value()) {
      EXPECT_EQ(LastSeq(), before);
      return;
    }
    auto events = store_->EventsFrom(**r, 1);
    ASSERT_EQ(events->size(), 1u);
    ASSERT_EQ(events->front().type, "inventory.available");
    const json msg = json::parse(events->front().payload);
    ++stats_["available reports"];
    EXPECT_GE(msg["items"].size(), 1u);
    EXPECT_LE(msg["items"].size(), 4u);
    for (const auto& it : msg["items"]) {
      const std::string sku = it["sku"];
      EXPECT_EQ(it["available"].get<int64_t>(), m_.items[sku].Available()) << "reported " << sku;
      m_.reported[sku] = it["available"];
    }
  }

  void StepBadInput() {
    const std::string before = Fingerprint();
    Status s;
    switch (Rand(0, 4)) {
      case 0:
        s = svc_->ApplySnapshotChunk({{"snapshot_id", "bad"},
                                      {"as_of_store_seq", 0},
                                      {"chunk", 1},
                                      {"chunks", 1},
                                      {"items", {{{"sku", "S1"}, {"on_hand", -Rand(1, 5)}}}}})
                .status();
        break;
      case 1:
        s = svc_->ApplyDelta({{"sku", "NEVER-SEEN"}, {"delta", 1}, {"reason", "x"}}).status();
        break;
      case 2: {
        if (plans_.empty()) return;
        const Plan& p = Pick(plans_).second;
        if (!m_.staging.count(p.id) || m_.staging[p.id].chunks.empty()) return;
        json c = ChunkJson(p, 0);
        c["chunks"] = static_cast<int64_t>(p.chunks.size()) + 1;
        s = svc_->ApplySnapshotChunk(c).status();
        break;
      }
      case 3:
        s = svc_->ApplySnapshotChunk({{"snapshot_id", "bad"},
                                      {"as_of_store_seq", 0},
                                      {"chunk", 1},
                                      {"chunks", 1},
                                      {"items", {{{"sku", "S1"}, {"on_hand", 1}, {"gtin", "012345678906"}}}}})
                .status();
        break;
      default:
        s = svc_->Reserve("O-bad", {{"1", "S1", -Rand(0, 3)}}, true).status();
    }
    EXPECT_FALSE(s.ok());
    ++stats_["bad inputs"];
    EXPECT_FALSE(s.message().empty());
    EXPECT_EQ(Fingerprint(), before) << s.ToString();
  }

  // Ledger retention: rows older than a random 0..60 s fold into carried-
  // forward rows, in windows of a random size. What a pending snapshot will
  // replay is the node's to keep; a snapshot started later whose
  // as_of_store_seq is below what was folded is refused (StepSnapshotChunk).
  void StepFoldLedger(int64_t max_retention_s) {
    const int64_t now = core::ToUnixMillis(clock_.Now());
    const int64_t cutoff = now - Rand(0, max_retention_s) * 1000;
    int64_t after = 0;
    for (int turns = 0;; ++turns) {
      ASSERT_LT(turns, 10'000) << "a fold pass that does not end";
      auto r = svc_->FoldLedger(std::chrono::milliseconds(now - cutoff), after, Rand(1, 50));
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      EXPECT_GE(r->examined_to, after);
      stats_["ledger rows folded"] += r->folded;
      after = r->examined_to;
      if (r->done) break;
    }
    ++stats_["ledger folds"];
  }

  void StepLongPause() {
    clock_.Advance(kTimeout + 1s);
    auto n = svc_->DiscardAbandonedSnapshots();
    ASSERT_TRUE(n.ok()) << n.status().ToString();
    EXPECT_EQ(*n, static_cast<int>(m_.staging.size()));
    stats_["snapshots discarded"] += *n;
    Discard(core::ToUnixMillis(clock_.Now()));
    EXPECT_TRUE(m_.staging.empty());
    EXPECT_EQ(*store_->db().QueryInt("SELECT count(*) FROM snapshots_pending"), 0);
  }

  // ---- invariants ----

  void CheckInvariants() {
    auto issues = svc_->repo().CheckConsistency();
    ASSERT_TRUE(issues.ok()) << issues.status().ToString();
    for (const auto& i : *issues) ADD_FAILURE() << i;
    auto count = store_->db().QueryInt("SELECT count(*) FROM items");
    EXPECT_EQ(*count, static_cast<int64_t>(m_.items.size()));
    for (const auto& [sku, item] : m_.items) {
      auto v = svc_->BySku(sku);
      ASSERT_TRUE(v.ok()) << sku << ": " << v.status().ToString();
      EXPECT_EQ(v->figures, (core::StockFigures{item.OnHand(), item.reserved, item.safety})) << sku;
      EXPECT_EQ(v->available, item.Available()) << sku;
      EXPECT_GE(v->available, 0);
      LocQty node;
      for (const auto& s : v->locations) node[s.location.code] = s.qty;
      EXPECT_EQ(node, item.stock) << sku;
    }
    EXPECT_EQ(*store_->db().QueryInt("SELECT count(*) FROM reservations WHERE state = 'open'"),
              static_cast<int64_t>(m_.open.size()));
  }

  void RunSequence(uint64_t seed, int steps) {
    rng_.seed(seed);
    svc_.reset();
    store_.reset();
    dir_ = std::make_unique<testing::TempDir>();
    m_ = Model{};
    plans_.clear();
    applied_.clear();
    Open();
    for (size_t i = 0; i < kLocations.size(); ++i) {
      ASSERT_TRUE(svc_->DefineLocation(kLocations[i], static_cast<int64_t>(i + 1)).ok());
    }
    for (int step = 0; step < steps; ++step) {
      SCOPED_TRACE("seed " + std::to_string(seed) + " step " + std::to_string(step));
      clock_.Advance(std::chrono::milliseconds(Rand(0, 1500)));
      const int64_t op = Rand(0, 99);
      if (op < 20) {
        StepSnapshotChunk();
      } else if (op < 22) {
        StepResendAppliedChunk();
      } else if (op < 34) {
        StepDelta();
      } else if (op < 46) {
        StepAdjust();
      } else if (op < 60) {
        StepReserve();
      } else if (op < 68) {
        StepRelease();
      } else if (op < 78) {
        StepConsume();
      } else if (op < 88) {
        StepFlush();
      } else if (op < 90) {
        StepFoldLedger(60);
      } else if (op < 94) {
        StepBadInput();
      } else if (op < 98) {
        Open();  // restart: close and reopen the store
        ++stats_["restarts"];
      } else {
        StepLongPause();
      }
      if (HasFatalFailure()) return;
      CheckInvariants();
      if (HasFailure()) return;
    }
    // Fold all that may be folded: figures still equal the ledger's sums.
    StepFoldLedger(0);
    if (HasFatalFailure()) return;
    CheckInvariants();
    // Let every report go out: every SKU with stock to promise was told at
    // its current value.
    for (int i = 0; i < 100 && svc_->NextAvailableDue(); ++i) {
      clock_.Advance(2s);
      StepFlush();
    }
    EXPECT_FALSE(svc_->NextAvailableDue().has_value());
    for (const auto& [sku, item] : m_.items) {
      auto it = m_.reported.find(sku);
      if (item.Available() > 0 || it != m_.reported.end()) {
        ASSERT_NE(it, m_.reported.end())
            << sku << " has " << item.Available() << " available, never reported";
        EXPECT_EQ(it->second, item.Available()) << sku;
      }
    }
    // Barcodes from snapshots find their SKU, whichever form is scanned.
    for (const auto& [sku, item] : m_.items) {
      auto v = svc_->ByBarcode(GtinFor(sku));
      if (v.ok()) {
        EXPECT_EQ(v->sku, sku);
      }
    }
  }

  static constexpr core::Duration kTimeout = std::chrono::minutes(5);
  std::unique_ptr<testing::TempDir> dir_;
  core::ManualClock clock_{core::FromUnixMillis(1'795'774'503'120)};
  std::mt19937_64 rng_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<InventoryService> svc_;
  Model m_;
  std::map<std::string, Plan> plans_;
  std::vector<std::pair<std::string, int64_t>> applied_;  // snapshot id, as_of_store_seq
  std::map<std::string, int> stats_;
  int next_snapshot_ = 0;
  int next_order_ = 0;
  int next_new_ = 0;
};

TEST_F(InventoryProperty, RandomInterleavingsKeepEveryInvariant) {
  const int iterations = EnvInt("STOREEDGE_PROPERTY_ITERATIONS", 12);
  const uint64_t first = static_cast<uint64_t>(EnvInt("STOREEDGE_PROPERTY_SEED", 20261127));
  for (int i = 0; i < iterations; ++i) {
    RunSequence(first + static_cast<uint64_t>(i), 200);
    if (HasFailure()) break;
  }
  std::string summary;
  for (const auto& [what, n] : stats_) summary += " " + what + "=" + std::to_string(n);
  std::printf("property: %d sequences;%s\n", iterations, summary.c_str());
  // The generator must reach what the invariants are about.
  EXPECT_GT(stats_["snapshots checked against in-order"], 0);
  EXPECT_GT(stats_["snapshots replaying deltas"], 0);
  EXPECT_GT(stats_["consumptions"], 0);
  EXPECT_GT(stats_["ledger rows folded"], 0);
  EXPECT_GT(stats_["snapshots refused: cut before folded rows"], 0);
  EXPECT_GT(stats_["snapshots of totals only"], 0);
}

}  // namespace
}  // namespace edge::app
