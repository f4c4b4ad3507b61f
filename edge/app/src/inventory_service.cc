#include "edge/app/inventory_service.h"

#include <cinttypes>
#include <cstdio>
#include <limits>
#include <map>
#include <set>

#include "edge/core/gtin.h"
#include "edge/core/ids.h"
#include "edge/log/log.h"

namespace edge::app {

using core::Result;
using core::Status;
using json = nlohmann::json;

#define INV_CONCAT2(a, b) a##b
#define INV_CONCAT(a, b) INV_CONCAT2(a, b)
// Declares `lhs` from a Result, or returns its error from the enclosing function.
#define INV_ASSIGN_OR_RETURN(lhs, expr) INV_ASSIGN_OR_RETURN_IMPL(INV_CONCAT(inv_r_, __LINE__), lhs, expr)
#define INV_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return tmp.status();             \
  lhs = std::move(tmp).value()

namespace {

// Bounds on the strings the replica stores, so that a 10 MB field is refused
// with a clear error instead of being indexed.
constexpr size_t kMaxSku = 64;
constexpr size_t kMaxId = 128;  // snapshot_id, order_id, refs
constexpr size_t kMaxLineId = 64;
constexpr size_t kMaxReason = 64;
constexpr size_t kMaxAssociate = 64;
constexpr size_t kMaxDescription = 512;
constexpr size_t kMaxSearchText = 256;
constexpr int kMaxSearchLimit = 200;
constexpr int64_t kMaxChunks = 100000;
constexpr size_t kMaxChunkItems = 100000;

const char* const kSnapshot = "inventory.snapshot";
const char* const kDelta = "inventory.delta";
const char* const kIncoming = "inventory.incoming";

std::string Shown(const std::string& s) {
  if (s.size() <= 40) return "'" + s + "'";
  return "'" + s.substr(0, 40) + "...' (" + std::to_string(s.size()) + " bytes)";
}

Status Bad(const std::string& path, const std::string& what) {
  return Status::InvalidArgument(path + ": " + what);
}

std::string Path(const std::string& prefix, const char* key) {
  return prefix.empty() ? key : prefix + "." + key;
}

std::string Describe(const json& j) {
  if (j.is_number_float()) return "number " + j.dump();
  return j.type_name();
}

Status CheckText(const std::string& path, const std::string& s, size_t max_len) {
  if (s.empty()) return Bad(path, "must not be empty");
  if (s.size() > max_len) {
    return Bad(path,
               "must be at most " + std::to_string(max_len) + " bytes, got " + std::to_string(s.size()));
  }
  return Status::Ok();
}

// A SKU names an item for good: the rules of storeedgectl inventory import.
// " SKU-1" would be a new item beside SKU-1 (and zero it in a snapshot).
Status CheckSku(const std::string& path, const std::string& s) {
  EDGE_RETURN_IF_ERROR(CheckText(path, s, kMaxSku));
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7F)
      return Bad(path, "holds a control character (byte " + std::to_string(i + 1) + ")");
  }
  auto blank = [](char c) { return c == ' ' || c == '\t'; };
  if (blank(s.front()) || blank(s.back())) return Bad(path, Shown(s) + " has spaces around it");
  return Status::Ok();
}

Result<std::optional<std::string>> OptString(const json& o, const char* key, const std::string& prefix,
                                             size_t max_len) {
  const std::string path = Path(prefix, key);
  auto it = o.find(key);
  if (it == o.end() || it->is_null()) return std::optional<std::string>();
  if (!it->is_string()) return Bad(path, "must be a string, got " + Describe(*it));
  const auto& s = it->get_ref<const std::string&>();
  EDGE_RETURN_IF_ERROR(CheckText(path, s, max_len));
  return std::optional<std::string>(s);
}

Result<std::string> ReqString(const json& o, const char* key, const std::string& prefix, size_t max_len) {
  INV_ASSIGN_OR_RETURN(auto s, OptString(o, key, prefix, max_len));
  if (!s) return Bad(Path(prefix, key), "is missing");
  return *s;
}

Result<std::optional<int64_t>> OptInt(const json& o, const char* key, const std::string& prefix, int64_t min,
                                      int64_t max) {
  const std::string path = Path(prefix, key);
  auto it = o.find(key);
  if (it == o.end() || it->is_null()) return std::optional<int64_t>();
  if (!it->is_number_integer()) return Bad(path, "must be an integer, got " + Describe(*it));
  if (it->is_number_unsigned() &&
      it->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return Bad(path, "must be <= " + std::to_string(max) + ", got " + it->dump());
  }
  const int64_t v = it->get<int64_t>();
  if (v < min) return Bad(path, "must be >= " + std::to_string(min) + ", got " + std::to_string(v));
  if (v > max) return Bad(path, "must be <= " + std::to_string(max) + ", got " + std::to_string(v));
  return std::optional<int64_t>(v);
}

Result<int64_t> ReqInt(const json& o, const char* key, const std::string& prefix, int64_t min, int64_t max) {
  INV_ASSIGN_OR_RETURN(auto v, OptInt(o, key, prefix, min, max));
  if (!v) return Bad(Path(prefix, key), "is missing");
  return *v;
}

Status RequireObject(const json& j, const std::string& path) {
  if (!j.is_object()) return Bad(path, "must be an object, got " + Describe(j));
  return Status::Ok();
}

Result<const json*> ReqArray(const json& o, const char* key, size_t max_size) {
  auto it = o.find(key);
  if (it == o.end() || it->is_null()) return Bad(key, "is missing");
  if (!it->is_array()) return Bad(key, "must be an array, got " + Describe(*it));
  if (it->size() > max_size) {
    return Bad(
        key, "must have at most " + std::to_string(max_size) + " entries, got " + std::to_string(it->size()));
  }
  return &*it;
}

// FNV-1a, 64 bits, in hex: tells a duplicated chunk from a conflicting one.
std::string Digest(const std::string& text) {
  uint64_t h = 14695981039346656037ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016" PRIx64, h);
  return buf;
}

struct ChunkMessage {
  std::string snapshot_id;
  int64_t as_of_store_seq = 0;
  int64_t chunk = 0;
  int64_t chunks = 0;
  std::vector<store::SnapshotItemRecord> items;
  std::string digest;
};

Result<ChunkMessage> ParseChunk(const json& d) {
  EDGE_RETURN_IF_ERROR(RequireObject(d, "data"));
  ChunkMessage m;
  INV_ASSIGN_OR_RETURN(m.snapshot_id, ReqString(d, "snapshot_id", "", kMaxId));
  INV_ASSIGN_OR_RETURN(m.as_of_store_seq,
                       ReqInt(d, "as_of_store_seq", "", 0, std::numeric_limits<int64_t>::max()));
  INV_ASSIGN_OR_RETURN(m.chunks, ReqInt(d, "chunks", "", 1, kMaxChunks));
  INV_ASSIGN_OR_RETURN(m.chunk, ReqInt(d, "chunk", "", 1, kMaxChunks));
  if (m.chunk > m.chunks) {
    return Bad("chunk",
               "must be <= chunks (" + std::to_string(m.chunks) + "), got " + std::to_string(m.chunk));
  }
  INV_ASSIGN_OR_RETURN(const json* items, ReqArray(d, "items", kMaxChunkItems));
  m.items.reserve(items->size());
  for (size_t i = 0; i < items->size(); ++i) {
    const json& it = (*items)[i];
    const std::string p = "items[" + std::to_string(i) + "]";
    EDGE_RETURN_IF_ERROR(RequireObject(it, p));
    store::SnapshotItemRecord r;
    INV_ASSIGN_OR_RETURN(r.sku, ReqString(it, "sku", p, kMaxSku));
    EDGE_RETURN_IF_ERROR(CheckSku(Path(p, "sku"), r.sku));
    INV_ASSIGN_OR_RETURN(r.on_hand, ReqInt(it, "on_hand", p, 0, core::kMaxQuantity));
    INV_ASSIGN_OR_RETURN(r.safety_stock, OptInt(it, "safety_stock", p, 0, core::kMaxQuantity));
    INV_ASSIGN_OR_RETURN(auto gtin, OptString(it, "gtin", p, 14));
    if (gtin) {
      auto g = core::NormalizeGtin14(*gtin);
      if (!g.ok()) return Bad(p + ".gtin", g.status().message());
      r.gtin14 = *g;
    }
    INV_ASSIGN_OR_RETURN(auto loc, OptString(it, "location", p, 32));
    if (loc) {
      auto l = core::ParseLocationCode(*loc);
      if (!l.ok()) return Bad(p + ".location", l.status().message());
      r.location = *loc;
    }
    INV_ASSIGN_OR_RETURN(r.description, OptString(it, "description", p, kMaxDescription));
    m.items.push_back(std::move(r));
  }
  m.digest = Digest(items->dump());
  return m;
}

struct DeltaMessage {
  std::string sku;
  int64_t delta = 0;
  std::string reason;
  std::optional<std::string> ref;
};

Result<DeltaMessage> ParseDelta(const json& d) {
  EDGE_RETURN_IF_ERROR(RequireObject(d, "data"));
  DeltaMessage m;
  INV_ASSIGN_OR_RETURN(m.sku, ReqString(d, "sku", "", kMaxSku));
  EDGE_RETURN_IF_ERROR(CheckSku("sku", m.sku));
  INV_ASSIGN_OR_RETURN(m.delta, ReqInt(d, "delta", "", -core::kMaxQuantity, core::kMaxQuantity));
  INV_ASSIGN_OR_RETURN(m.reason, ReqString(d, "reason", "", kMaxReason));
  INV_ASSIGN_OR_RETURN(m.ref, OptString(d, "ref", "", kMaxId));
  return m;
}

struct IncomingMessage {
  std::string ref;
  int64_t eta_ms = 0;
  std::vector<std::pair<std::string, int64_t>> items;
};

Result<IncomingMessage> ParseIncoming(const json& d) {
  EDGE_RETURN_IF_ERROR(RequireObject(d, "data"));
  IncomingMessage m;
  INV_ASSIGN_OR_RETURN(m.ref, ReqString(d, "ref", "", kMaxId));
  INV_ASSIGN_OR_RETURN(std::string eta, ReqString(d, "eta", "", 64));
  core::TimePoint t;
  if (!core::ParseRfc3339(eta, &t)) return Bad("eta", "must be an RFC 3339 timestamp, got " + Shown(eta));
  m.eta_ms = core::ToUnixMillis(t);
  INV_ASSIGN_OR_RETURN(const json* items, ReqArray(d, "items", kMaxChunkItems));
  if (items->empty()) return Bad("items", "must not be empty");
  std::set<std::string> seen;
  for (size_t i = 0; i < items->size(); ++i) {
    const json& it = (*items)[i];
    const std::string p = "items[" + std::to_string(i) + "]";
    EDGE_RETURN_IF_ERROR(RequireObject(it, p));
    INV_ASSIGN_OR_RETURN(std::string sku, ReqString(it, "sku", p, kMaxSku));
    EDGE_RETURN_IF_ERROR(CheckSku(Path(p, "sku"), sku));
    INV_ASSIGN_OR_RETURN(int64_t qty, ReqInt(it, "qty", p, 1, core::kMaxQuantity));
    if (!seen.insert(sku).second) return Bad(p + ".sku", Shown(sku) + " is listed twice");
    m.items.emplace_back(std::move(sku), qty);
  }
  return m;
}

std::string LineRef(const std::string& order_id, const std::string& line_id) {
  return order_id + "/" + line_id;
}

}  // namespace

const char* ChunkOutcomeName(ChunkOutcome o) {
  switch (o) {
    case ChunkOutcome::kStaged:
      return "staged";
    case ChunkOutcome::kSnapshotApplied:
      return "snapshot_applied";
    case ChunkOutcome::kDuplicateChunk:
      return "duplicate_chunk";
    case ChunkOutcome::kSnapshotAlreadyApplied:
      return "snapshot_already_applied";
    case ChunkOutcome::kDuplicateMessage:
      return "duplicate_message";
  }
  return "unknown";
}

InventoryService::InventoryService(store::Store& store, const core::Clock& clock, InventoryOptions options,
                                   std::mt19937_64 rng)
    : store_(store),
      clock_(clock),
      options_(options),
      rng_(std::move(rng)),
      repo_(store.db(), clock),
      coalescer_(options.available_interval) {}

Status InventoryService::SetAvailableInterval(core::Duration interval) {
  if (interval <= core::Duration::zero())
    return Status::InvalidArgument("inventory: available_interval must be > 0");
  options_.available_interval = interval;
  coalescer_.set_interval(interval);
  return Status::Ok();
}

Result<std::unique_ptr<InventoryService>> InventoryService::Create(store::Store& store,
                                                                   const core::Clock& clock,
                                                                   InventoryOptions options,
                                                                   std::mt19937_64 rng) {
  if (options.available_interval <= core::Duration::zero()) {
    return Status::InvalidArgument("inventory: available_interval must be > 0");
  }
  if (options.available_max_items == 0)
    return Status::InvalidArgument("inventory: available_max_items must be > 0");
  std::unique_ptr<InventoryService> s(new InventoryService(store, clock, options, std::move(rng)));
  auto pending = s->repo_.AnyAvailablePending();
  if (!pending.ok()) return pending.status().WithContext("inventory: read pending availability");
  auto last = s->repo_.LastAvailableReportMs();
  if (!last.ok()) return last.status().WithContext("inventory: read last availability report");
  s->coalescer_.Restore(*pending,
                        *last ? std::optional<core::TimePoint>(core::FromUnixMillis(**last)) : std::nullopt);
  return s;
}

std::string InventoryService::NewEventId() { return app::NewEventId(rng_); }

Result<int64_t> InventoryService::Emit(store::Transaction& txn, const std::string& type, const json& data) {
  return EmitEvent(store_, txn, rng_, type, data);
}

Result<bool> InventoryService::IsDuplicate(const std::optional<InboundRef>& inbound) {
  return InboundSeen(store_, inbound);
}

Status InventoryService::RecordInbound(store::Transaction& txn, const std::optional<InboundRef>& inbound) {
  return RecordInboundRef(store_, txn, inbound);
}

Result<std::vector<core::LocatedQty>> InventoryService::PlanUnlocatedDecrease(const std::string& sku,
                                                                              int64_t qty) {
  INV_ASSIGN_OR_RETURN(auto stock, repo_.StockOf(sku));
  std::vector<core::LocatedQty> have;
  have.reserve(stock.size());
  for (const auto& s : stock) have.push_back({s.location.code, s.qty});
  return core::PlanDecrease(have, qty);
}

Status InventoryService::EnsureLocationCode(store::Transaction& txn, const std::string& code) {
  if (code.empty()) return Status::Ok();
  INV_ASSIGN_OR_RETURN(core::Location loc, core::ParseLocationCode(code));
  return repo_.EnsureLocation(txn, loc);
}

// ---- inbound ----

Result<ChunkOutcome> InventoryService::ApplySnapshotChunk(const json& data,
                                                          const std::optional<InboundRef>& inbound) {
  auto parsed = ParseChunk(data);
  if (!parsed.ok()) return parsed.status().WithContext(kSnapshot);
  ChunkMessage& m = *parsed;
  INV_ASSIGN_OR_RETURN(bool dup, IsDuplicate(inbound));
  if (dup) return ChunkOutcome::kDuplicateMessage;

  INV_ASSIGN_OR_RETURN(auto txn, store::Transaction::Begin(store_.db()));
  const std::string where = "snapshot " + Shown(m.snapshot_id);
  ChunkOutcome outcome = ChunkOutcome::kStaged;
  INV_ASSIGN_OR_RETURN(auto applied_as_of, repo_.AppliedSnapshotAsOf(m.snapshot_id));
  if (applied_as_of) {
    // A late copy of a chunk of it: no effect. Another cut under the same
    // id would be lost without a word: refused, so the OMS hears of it.
    if (*applied_as_of != m.as_of_store_seq) {
      return Status::InvalidArgument(std::string(kSnapshot) +
                                     ": as_of_store_seq: " + std::to_string(m.as_of_store_seq) +
                                     " differs from " + std::to_string(*applied_as_of) + " of " + where +
                                     ", applied before; a new snapshot needs a new snapshot_id");
    }
    outcome = ChunkOutcome::kSnapshotAlreadyApplied;
  } else {
    INV_ASSIGN_OR_RETURN(auto idle, repo_.DiscardSnapshotsIdleSince(
                                        *txn, core::ToUnixMillis(clock_.Now() - options_.snapshot_timeout)));
    for (const std::string& id : idle) log::Warn("inventory.snapshot_abandoned").Kv("snapshot_id", id);
    INV_ASSIGN_OR_RETURN(auto pending, repo_.FindPendingSnapshot(m.snapshot_id));
    if (pending && pending->chunks != m.chunks) {
      return Status::InvalidArgument(std::string(kSnapshot) + ": chunks: " + std::to_string(m.chunks) +
                                     " differs from " + std::to_string(pending->chunks) +
                                     " given by the earlier chunks of " + where + "; chunk not applied");
    }
    if (pending && pending->as_of_store_seq != m.as_of_store_seq) {
      return Status::InvalidArgument(std::string(kSnapshot) +
                                     ": as_of_store_seq: " + std::to_string(m.as_of_store_seq) +
                                     " differs from " + std::to_string(pending->as_of_store_seq) +
                                     " given by the earlier chunks of " + where + "; chunk not applied");
    }
    INV_ASSIGN_OR_RETURN(auto digest, repo_.ChunkDigest(m.snapshot_id, m.chunk));
    if (digest) {
      if (*digest != m.digest) {
        return Status::InvalidArgument(std::string(kSnapshot) + ": chunk " + std::to_string(m.chunk) +
                                       " of " + where +
                                       " was received before with different items; chunk not applied");
      }
      outcome = ChunkOutcome::kDuplicateChunk;
    } else {
      if (!pending) {
        // The on-hand effects of the node's events after as_of_store_seq are
        // re-applied from the ledger: those folded away cannot be.
        // A cut after the node's last event would skip the replay of events
        // the OMS cannot have heard (an OMS bug, or a node restored from an
        // older backup): goods that left would count again.
        INV_ASSIGN_OR_RETURN(int64_t last, store_.LastEventSeq());
        if (m.as_of_store_seq > last) {
          return Status::InvalidArgument(
              std::string(kSnapshot) + ": as_of_store_seq: " + std::to_string(m.as_of_store_seq) +
              " is above " + std::to_string(last) + ", the last event this node has produced; " + where +
              " not applied");
        }
        INV_ASSIGN_OR_RETURN(int64_t folded, repo_.FoldedEventSeq());
        if (m.as_of_store_seq < folded) {
          return Status::InvalidArgument(
              std::string(kSnapshot) + ": as_of_store_seq: " + std::to_string(m.as_of_store_seq) +
              " is below " + std::to_string(folded) +
              ", the last of this node's events whose ledger rows were folded ([store] "
              "ledger_retention_days): their effects could not be re-applied; " +
              where + " not applied, a snapshot cut now is");
        }
        EDGE_RETURN_IF_ERROR(repo_.BeginSnapshot(*txn, m.snapshot_id, m.chunks, m.as_of_store_seq));
      }
      EDGE_RETURN_IF_ERROR(repo_.StageChunk(*txn, m.snapshot_id, m.chunk, m.digest, m.items));
      INV_ASSIGN_OR_RETURN(pending, repo_.FindPendingSnapshot(m.snapshot_id));
      if (!pending) return Status::Internal(where + " vanished while staging");
      if (pending->chunks_received == pending->chunks) {
        INV_ASSIGN_OR_RETURN(auto codes, repo_.SnapshotLocations(m.snapshot_id));
        for (const std::string& code : codes) EDGE_RETURN_IF_ERROR(EnsureLocationCode(*txn, code));
        INV_ASSIGN_OR_RETURN(int64_t seq,
                             Emit(*txn, "inventory.snapshot_applied", {{"snapshot_id", m.snapshot_id}}));
        INV_ASSIGN_OR_RETURN(auto stats, repo_.ApplySnapshot(*txn, *pending, seq));
        log::Info("inventory.snapshot_applied")
            .Kv("snapshot_id", m.snapshot_id)
            .Kv("as_of_store_seq", m.as_of_store_seq)
            .Kv("items", stats.items)
            .Kv("changed", stats.ledger_rows)
            .Kv("replayed", stats.replayed)
            .Kv("totals_only", stats.totals_only)
            .Kv("event_seq", seq);
        outcome = ChunkOutcome::kSnapshotApplied;
      }
    }
  }
  EDGE_RETURN_IF_ERROR(RecordInbound(*txn, inbound));
  EDGE_RETURN_IF_ERROR(txn->Commit());
  if (outcome == ChunkOutcome::kSnapshotApplied) coalescer_.Changed();
  return outcome;
}

Result<Applied> InventoryService::ApplyDelta(const json& data, const std::optional<InboundRef>& inbound) {
  auto parsed = ParseDelta(data);
  if (!parsed.ok()) return parsed.status().WithContext(kDelta);
  const DeltaMessage& m = *parsed;
  INV_ASSIGN_OR_RETURN(bool dup, IsDuplicate(inbound));
  if (dup) return Applied::kDuplicate;
  INV_ASSIGN_OR_RETURN(auto txn, store::Transaction::Begin(store_.db()));
  INV_ASSIGN_OR_RETURN(auto item, repo_.FindItem(m.sku));
  if (!item)
    return Status::NotFound(std::string(kDelta) + ": sku: " + Shown(m.sku) + " is unknown to this store");
  std::vector<core::LocatedQty> changes;
  if (m.delta > 0) {
    changes.push_back({"", m.delta});
  } else if (m.delta < 0) {
    INV_ASSIGN_OR_RETURN(changes, PlanUnlocatedDecrease(m.sku, -m.delta));
  }
  for (const auto& c : changes) {
    store::StockChange sc;
    sc.sku = m.sku;
    sc.location = c.location;
    sc.d_on_hand = c.qty;
    sc.reason = m.reason;
    sc.ref = m.ref;
    sc.origin = store::LedgerOrigin::kDelta;
    EDGE_RETURN_IF_ERROR(repo_.Apply(*txn, sc));
  }
  if (m.reason == "receipt" && m.delta > 0) {
    // Stock received (booked centrally): against its incoming ref when it
    // names one, and given to waiting backorder/preorder lines.
    if (m.ref) {
      INV_ASSIGN_OR_RETURN(bool matched, repo_.ReceiveIncoming(*txn, *m.ref, m.sku, m.delta));
      if (!matched) log::Info("inventory.receipt_unmatched").Kv("sku", m.sku).Kv("ref", *m.ref);
    }
    if (receipt_listener_) {
      EDGE_RETURN_IF_ERROR(receipt_listener_(*txn, m.sku, m.delta, m.ref.value_or("")).WithContext(kDelta));
    }
  }
  EDGE_RETURN_IF_ERROR(RecordInbound(*txn, inbound));
  EDGE_RETURN_IF_ERROR(txn->Commit());
  if (!changes.empty()) coalescer_.Changed();
  return Applied::kApplied;
}

Result<Applied> InventoryService::RecordIncoming(const json& data, const std::optional<InboundRef>& inbound) {
  auto parsed = ParseIncoming(data);
  if (!parsed.ok()) return parsed.status().WithContext(kIncoming);
  const IncomingMessage& m = *parsed;
  INV_ASSIGN_OR_RETURN(bool dup, IsDuplicate(inbound));
  if (dup) return Applied::kDuplicate;
  INV_ASSIGN_OR_RETURN(auto txn, store::Transaction::Begin(store_.db()));
  for (size_t i = 0; i < m.items.size(); ++i) {
    INV_ASSIGN_OR_RETURN(auto item, repo_.FindItem(m.items[i].first));
    if (!item) {
      return Status::NotFound(std::string(kIncoming) + ": items[" + std::to_string(i) +
                              "].sku: " + Shown(m.items[i].first) + " is unknown to this store");
    }
  }
  EDGE_RETURN_IF_ERROR(repo_.ReplaceIncoming(*txn, m.ref, m.eta_ms, m.items));
  EDGE_RETURN_IF_ERROR(RecordInbound(*txn, inbound));
  EDGE_RETURN_IF_ERROR(txn->Commit());
  return Applied::kApplied;
}

// ---- local changes ----

Result<AdjustOutcome> InventoryService::Adjust(const Adjustment& a) {
  const std::string what = std::string("adjust ") + core::AdjustmentKindName(a.kind);
  auto bad = [&](const Status& s) { return s.WithContext(what); };
  if (Status s = CheckSku("sku", a.sku); !s.ok()) return bad(s);
  if (Status s = CheckText("by", a.by, kMaxAssociate); !s.ok()) return bad(s);
  if (a.ref) {
    if (Status s = CheckText("ref", *a.ref, kMaxId); !s.ok()) return bad(s);
  }
  if (Status s = core::ValidateQuantity("qty", a.qty, a.kind == core::AdjustmentKind::kCount ? 0 : 1);
      !s.ok()) {
    return bad(s);
  }
  std::string loc;
  if (a.location) {
    auto l = core::ParseLocationCode(*a.location);
    if (!l.ok()) return bad(l.status().WithContext("location"));
    loc = *a.location;
  }

  INV_ASSIGN_OR_RETURN(auto txn, store::Transaction::Begin(store_.db()));
  INV_ASSIGN_OR_RETURN(auto item, repo_.FindItem(a.sku));
  if (!item) return Status::NotFound(what + ": sku: " + Shown(a.sku) + " is unknown to this store");
  INV_ASSIGN_OR_RETURN(auto stock, repo_.StockOf(a.sku));
  auto qty_at = [&](const std::string& code) {
    for (const auto& s : stock) {
      if (s.location.code == code) return s.qty;
    }
    return int64_t{0};
  };
  const int64_t on_hand = item->figures.on_hand;
  std::vector<core::LocatedQty> changes;
  switch (a.kind) {
    case core::AdjustmentKind::kCount:
      if (a.location) {
        changes.push_back({loc, a.qty - qty_at(loc)});
      } else {
        // A count of the whole SKU says how many there are, not where: every
        // location's quantity moves into the unlocated bucket as the count.
        for (const auto& s : stock) {
          if (!s.location.code.empty()) changes.push_back({s.location.code, -s.qty});
        }
        changes.push_back({"", a.qty - qty_at("")});
      }
      break;
    case core::AdjustmentKind::kDamaged:
      if (a.location) {
        if (qty_at(loc) < a.qty) {
          return Status::FailedPrecondition(what + ": " + std::to_string(a.qty) + " of " + Shown(a.sku) +
                                            " at " + loc + ", but only " + std::to_string(qty_at(loc)) +
                                            " are there; count the location first");
        }
        changes.push_back({loc, -a.qty});
      } else {
        if (on_hand < a.qty) {
          return Status::FailedPrecondition(what + ": " + std::to_string(a.qty) + " of " + Shown(a.sku) +
                                            ", but on hand is only " + std::to_string(on_hand) +
                                            "; count it first");
        }
        INV_ASSIGN_OR_RETURN(changes, PlanUnlocatedDecrease(a.sku, a.qty));
      }
      break;
    case core::AdjustmentKind::kFound:
    case core::AdjustmentKind::kReceipt:
      changes.push_back({loc, a.qty});
      break;
  }
  int64_t delta = 0;
  for (const auto& c : changes) delta += c.qty;

  EDGE_RETURN_IF_ERROR(EnsureLocationCode(*txn, loc));
  json event = {{"sku", a.sku},
                {"delta", delta},
                {"on_hand", on_hand + delta},
                {"reason", core::AdjustmentKindName(a.kind)},
                {"by", a.by}};
  if (a.location) event["location"] = loc;
  if (a.ref) event["ref"] = *a.ref;
  INV_ASSIGN_OR_RETURN(int64_t seq, Emit(*txn, "inventory.adjusted", event));
  for (const auto& c : changes) {
    store::StockChange sc;
    sc.sku = a.sku;
    sc.location = c.location;
    sc.d_on_hand = c.qty;
    sc.reason = core::AdjustmentKindName(a.kind);
    sc.ref = a.ref ? a.ref : std::optional<std::string>(a.by);
    sc.origin = store::LedgerOrigin::kLocal;
    sc.event_seq = seq;
    EDGE_RETURN_IF_ERROR(repo_.Apply(*txn, sc));
  }
  if (a.kind == core::AdjustmentKind::kReceipt && a.ref) {
    INV_ASSIGN_OR_RETURN(bool matched, repo_.ReceiveIncoming(*txn, *a.ref, a.sku, a.qty));
    if (!matched) log::Info("inventory.receipt_unmatched").Kv("sku", a.sku).Kv("ref", *a.ref);
  }
  if (a.kind == core::AdjustmentKind::kReceipt && receipt_listener_) {
    EDGE_RETURN_IF_ERROR(receipt_listener_(*txn, a.sku, a.qty, a.ref.value_or("")).WithContext(what));
  }
  EDGE_RETURN_IF_ERROR(txn->Commit());
  if (delta != 0) coalescer_.Changed();
  return AdjustOutcome{delta, on_hand + delta, seq};
}

Status InventoryService::DefineLocation(const std::string& code, std::optional<int64_t> walk_order) {
  auto loc = core::ParseLocationCode(code);
  if (!loc.ok()) return loc.status().WithContext("define location");
  loc->walk_order = walk_order;
  INV_ASSIGN_OR_RETURN(auto txn, store::Transaction::Begin(store_.db()));
  EDGE_RETURN_IF_ERROR(repo_.PutLocation(*txn, *loc));
  return txn->Commit();
}

Status InventoryService::UpsertItem(const std::string& sku, const std::optional<std::string>& description,
                                    const std::vector<std::string>& gtins) {
  const std::string what = "upsert item";
  if (Status s = CheckSku("sku", sku); !s.ok()) return s.WithContext(what);
  if (description && description->size() > kMaxDescription) {
    return Bad("description", "must be at most " + std::to_string(kMaxDescription) + " bytes, got " +
                                  std::to_string(description->size()))
        .WithContext(what);
  }
  std::vector<std::string> normalised;
  for (size_t i = 0; i < gtins.size(); ++i) {
    auto g = core::NormalizeGtin14(gtins[i]);
    if (!g.ok()) return Bad("gtins[" + std::to_string(i) + "]", g.status().message()).WithContext(what);
    normalised.push_back(*g);
  }
  INV_ASSIGN_OR_RETURN(auto txn, store::Transaction::Begin(store_.db()));
  INV_ASSIGN_OR_RETURN(bool created, repo_.EnsureItem(*txn, sku));
  (void)created;
  if (description) EDGE_RETURN_IF_ERROR(repo_.SetDescription(*txn, sku, *description));
  for (const std::string& g : normalised) EDGE_RETURN_IF_ERROR(repo_.PutBarcode(*txn, g, sku));
  return txn->Commit();
}

// ---- reservations ----

Result<ReservationOutcome> InventoryService::Reserve(const std::string& order_id,
                                                     const std::vector<core::LineRequest>& lines,
                                                     bool partial_accept) {
  INV_ASSIGN_OR_RETURN(auto txn, store::Transaction::Begin(store_.db()));
  auto report = [this](store::Transaction& t, const std::string& order,
                       const ReservationOutcome& outcome) -> Result<std::optional<int64_t>> {
    json accepted = json::array();
    json rejected = json::array();
    for (const auto& l : outcome.lines) {
      if (l.accepted) {
        accepted.push_back({{"line_id", l.line_id}, {"qty", l.qty}});
      } else {
        rejected.push_back(
            {{"line_id", l.line_id}, {"qty", l.qty}, {"reason", core::RejectReasonName(*l.reason)}});
      }
    }
    std::optional<int64_t> seq;
    if (!accepted.empty()) {
      INV_ASSIGN_OR_RETURN(seq, Emit(t, "order.accepted", {{"order_id", order}, {"lines", accepted}}));
    }
    if (!rejected.empty()) {
      INV_ASSIGN_OR_RETURN(int64_t r, Emit(t, "order.rejected", {{"order_id", order}, {"lines", rejected}}));
      if (!seq) seq = r;
    }
    return seq;
  };
  INV_ASSIGN_OR_RETURN(auto outcome, ReserveIn(*txn, order_id, lines, partial_accept, report));
  EDGE_RETURN_IF_ERROR(txn->Commit());
  if (!outcome.repeated) coalescer_.Changed();
  return outcome;
}

Result<ReservationOutcome> InventoryService::ReserveIn(store::Transaction& txn, const std::string& order_id,
                                                       const std::vector<core::LineRequest>& lines,
                                                       bool partial_accept,
                                                       const ReservationReporter& report) {
  const std::string what = "reserve";
  if (Status s = CheckText("order_id", order_id, kMaxId); !s.ok()) return s.WithContext(what);
  if (lines.empty()) return Bad("lines", "must not be empty").WithContext(what + " " + Shown(order_id));
  std::set<std::string> ids;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string p = "lines[" + std::to_string(i) + "]";
    const core::LineRequest& l = lines[i];
    Status s = CheckText(p + ".line_id", l.line_id, kMaxLineId);
    if (s.ok()) s = CheckText(p + ".sku", l.sku, kMaxSku);
    if (s.ok()) s = core::ValidateQuantity(p + ".qty", l.qty, 1);
    if (s.ok() && !ids.insert(l.line_id).second)
      s = Bad(p + ".line_id", Shown(l.line_id) + " is listed twice");
    if (!s.ok()) return s.WithContext(what + " " + Shown(order_id));
  }

  INV_ASSIGN_OR_RETURN(auto existing, repo_.ReservationsOf(order_id));
  std::map<std::string, store::ReservationRecord> before;
  for (auto& r : existing) before.emplace(r.line_id, std::move(r));
  std::vector<core::LineRequest> fresh;
  std::vector<std::string> skus;
  for (const auto& l : lines) {
    if (before.count(l.line_id)) continue;
    fresh.push_back(l);
    skus.push_back(l.sku);
  }
  INV_ASSIGN_OR_RETURN(auto figures, repo_.FiguresOf(skus));
  const std::vector<core::LineDecision> decided = core::DecideReservation(fresh, figures, partial_accept);

  ReservationOutcome outcome;
  outcome.repeated = fresh.empty();
  size_t next = 0;
  for (const auto& l : lines) {
    auto it = before.find(l.line_id);
    if (it == before.end()) {
      outcome.lines.push_back(decided[next++]);
      continue;
    }
    // Decided before: the same answer, from what was recorded.
    const store::ReservationRecord& r = it->second;
    core::LineDecision d{r.line_id, r.sku, r.qty, r.state != store::ReservationState::kRefused, std::nullopt};
    if (!d.accepted) {
      d.reason = r.reason == std::string("unknown_sku") ? core::RejectReason::kUnknownSku
                                                        : core::RejectReason::kInsufficientStock;
    }
    outcome.lines.push_back(std::move(d));
  }

  INV_ASSIGN_OR_RETURN(std::optional<int64_t> seq, report(txn, order_id, outcome));
  const int64_t now = core::ToUnixMillis(clock_.Now());
  for (const core::LineDecision& d : decided) {
    store::ReservationRecord r;
    r.order_id = order_id;
    r.line_id = d.line_id;
    r.sku = d.sku;
    r.qty = d.qty;
    r.created_ms = now;
    if (d.accepted) {
      r.open_qty = d.qty;
      r.state = store::ReservationState::kOpen;
    } else {
      r.state = store::ReservationState::kRefused;
      r.reason = core::RejectReasonName(*d.reason);
      r.closed_ms = now;
    }
    EDGE_RETURN_IF_ERROR(repo_.InsertReservation(txn, r));
    if (!d.accepted) continue;
    store::StockChange sc;
    sc.sku = d.sku;
    sc.d_reserved = d.qty;
    sc.reason = "reserve";
    sc.ref = LineRef(order_id, d.line_id);
    sc.origin = store::LedgerOrigin::kLocal;
    sc.event_seq = seq;
    EDGE_RETURN_IF_ERROR(repo_.Apply(txn, sc));
  }
  // Optimistic: if the caller rolls back, nothing is pending on disk and the
  // next flush sends nothing.
  if (!decided.empty()) coalescer_.Changed();
  return outcome;
}

Status InventoryService::Release(const std::string& order_id, const std::string& line_id,
                                 core::ReleaseReason reason) {
  INV_ASSIGN_OR_RETURN(auto txn, store::Transaction::Begin(store_.db()));
  EDGE_RETURN_IF_ERROR(ReleaseIn(*txn, std::nullopt, order_id, line_id, reason));
  EDGE_RETURN_IF_ERROR(txn->Commit());
  coalescer_.Changed();
  return Status::Ok();
}

Status InventoryService::ReleaseIn(store::Transaction& txn, std::optional<int64_t> event_seq,
                                   const std::string& order_id, const std::string& line_id,
                                   core::ReleaseReason reason) {
  INV_ASSIGN_OR_RETURN(auto r, repo_.FindReservation(order_id, line_id));
  if (!r) {
    return Status::NotFound("release: order " + Shown(order_id) + " line " + Shown(line_id) +
                            " was never asked of this store");
  }
  if (r->state != store::ReservationState::kOpen) return Status::Ok();  // closed or refused: nothing held
  store::StockChange sc;
  sc.sku = r->sku;
  sc.d_reserved = -r->open_qty;
  sc.reason = core::ReleaseReasonName(reason);
  sc.ref = LineRef(order_id, line_id);
  sc.origin = store::LedgerOrigin::kLocal;
  sc.event_seq = event_seq;
  EDGE_RETURN_IF_ERROR(repo_.Apply(txn, sc));
  coalescer_.Changed();
  r->open_qty = 0;
  r->state = store::ReservationState::kReleased;
  r->reason = core::ReleaseReasonName(reason);
  r->closed_ms = core::ToUnixMillis(clock_.Now());
  return repo_.UpdateReservation(txn, *r);
}

Status InventoryService::Consume(const std::string& order_id, const std::string& line_id, int64_t qty,
                                 const OutboundEvent& report, const std::optional<std::string>& location) {
  if (report.type.empty() || !report.data.is_object()) {
    return Status::InvalidArgument("consume: the report event needs a type and a data object");
  }
  INV_ASSIGN_OR_RETURN(auto txn, store::Transaction::Begin(store_.db()));
  INV_ASSIGN_OR_RETURN(int64_t seq, Emit(*txn, report.type, report.data));
  EDGE_RETURN_IF_ERROR(ConsumeIn(*txn, seq, order_id, line_id, qty, location));
  EDGE_RETURN_IF_ERROR(txn->Commit());
  coalescer_.Changed();
  return Status::Ok();
}

Status InventoryService::ConsumeIn(store::Transaction& txn, int64_t event_seq, const std::string& order_id,
                                   const std::string& line_id, int64_t qty,
                                   const std::optional<std::string>& location) {
  const std::string what = "consume: order " + Shown(order_id) + " line " + Shown(line_id);
  EDGE_RETURN_IF_ERROR(core::ValidateQuantity("qty", qty, 1).WithContext(what));
  if (location) {
    auto l = core::ParseLocationCode(*location);
    if (!l.ok()) return l.status().WithContext(what + ": location");
  }
  INV_ASSIGN_OR_RETURN(auto r, repo_.FindReservation(order_id, line_id));
  if (!r) return Status::NotFound(what + " was never asked of this store");
  if (r->state != store::ReservationState::kOpen || r->open_qty < qty) {
    return Status::FailedPrecondition(what + " holds " + std::to_string(r->open_qty) + " reserved (" +
                                      store::ReservationStateName(r->state) + "), cannot consume " +
                                      std::to_string(qty));
  }
  std::vector<core::LocatedQty> changes;
  if (location) {
    EDGE_RETURN_IF_ERROR(EnsureLocationCode(txn, *location));
    changes.push_back({*location, -qty});
  } else {
    INV_ASSIGN_OR_RETURN(changes, PlanUnlocatedDecrease(r->sku, qty));
  }
  bool first = true;
  for (const auto& c : changes) {
    store::StockChange sc;
    sc.sku = r->sku;
    sc.location = c.location;
    sc.d_on_hand = c.qty;
    sc.d_reserved = first ? -qty : 0;  // reserved is per SKU: once
    sc.reason = "consume";
    sc.ref = LineRef(order_id, line_id);
    sc.origin = store::LedgerOrigin::kLocal;
    sc.event_seq = event_seq;
    EDGE_RETURN_IF_ERROR(repo_.Apply(txn, sc));
    first = false;
  }
  coalescer_.Changed();
  r->open_qty -= qty;
  r->consumed_qty += qty;
  if (r->open_qty == 0) {
    r->state = store::ReservationState::kConsumed;
    r->closed_ms = core::ToUnixMillis(clock_.Now());
  }
  return repo_.UpdateReservation(txn, *r);
}

Status InventoryService::ReserveMoreIn(store::Transaction& txn, std::optional<int64_t> event_seq,
                                       const std::string& order_id, const std::string& line_id,
                                       const std::string& sku, int64_t qty, int64_t asked) {
  const std::string what = "reserve more: order " + Shown(order_id) + " line " + Shown(line_id);
  EDGE_RETURN_IF_ERROR(core::ValidateQuantity("qty", qty, 1).WithContext(what));
  EDGE_RETURN_IF_ERROR(core::ValidateQuantity("asked", asked, 1).WithContext(what));
  INV_ASSIGN_OR_RETURN(auto r, repo_.FindReservation(order_id, line_id));
  const int64_t now = core::ToUnixMillis(clock_.Now());
  if (!r) {
    store::ReservationRecord fresh;
    fresh.order_id = order_id;
    fresh.line_id = line_id;
    fresh.sku = sku;
    fresh.qty = asked;
    fresh.open_qty = qty;
    fresh.state = store::ReservationState::kOpen;
    fresh.created_ms = now;
    EDGE_RETURN_IF_ERROR(repo_.InsertReservation(txn, fresh));
  } else {
    if (r->state != store::ReservationState::kOpen || r->sku != sku) {
      return Status::FailedPrecondition(what + ": its reservation is " +
                                        store::ReservationStateName(r->state) + " (sku " + Shown(r->sku) +
                                        "), cannot add " + std::to_string(qty) + " of " + Shown(sku));
    }
    r->open_qty += qty;
    EDGE_RETURN_IF_ERROR(repo_.UpdateReservation(txn, *r));
  }
  store::StockChange sc;
  sc.sku = sku;
  sc.d_reserved = qty;
  sc.reason = "reserve";
  sc.ref = LineRef(order_id, line_id);
  sc.origin = store::LedgerOrigin::kLocal;
  sc.event_seq = event_seq;
  EDGE_RETURN_IF_ERROR(repo_.Apply(txn, sc));
  coalescer_.Changed();
  return Status::Ok();
}

// ---- lookups ----

Result<ItemView> InventoryService::View(const store::ItemRecord& item) {
  ItemView v;
  v.sku = item.sku;
  v.description = item.description;
  v.figures = item.figures;
  v.available = core::Available(item.figures);
  INV_ASSIGN_OR_RETURN(v.gtins, repo_.BarcodesOf(item.sku));
  INV_ASSIGN_OR_RETURN(v.locations, repo_.StockOf(item.sku));
  INV_ASSIGN_OR_RETURN(v.incoming, repo_.IncomingFor(item.sku));
  return v;
}

Result<ItemView> InventoryService::BySku(const std::string& sku) {
  if (Status s = CheckText("sku", sku, kMaxSku); !s.ok()) return s.WithContext("lookup");
  INV_ASSIGN_OR_RETURN(auto item, repo_.FindItem(sku));
  if (!item) return Status::NotFound("lookup: sku " + Shown(sku) + " is unknown to this store");
  return View(*item);
}

Result<ItemView> InventoryService::ByBarcode(const std::string& code) {
  auto gtin = core::NormalizeGtin14(code);
  if (!gtin.ok()) return gtin.status().WithContext("lookup");
  INV_ASSIGN_OR_RETURN(auto sku, repo_.SkuForGtin(*gtin));
  if (!sku) return Status::NotFound("lookup: no item answers to gtin " + *gtin);
  INV_ASSIGN_OR_RETURN(auto item, repo_.FindItem(*sku));
  if (!item)
    return Status::Internal("lookup: gtin " + *gtin + " names sku " + Shown(*sku) + ", which is missing");
  return View(*item);
}

Result<LocationView> InventoryService::ByLocation(const std::string& code) {
  auto parsed = core::ParseLocationCode(code);
  if (!parsed.ok()) return parsed.status().WithContext("lookup");
  INV_ASSIGN_OR_RETURN(auto loc, repo_.FindLocation(code));
  if (!loc) return Status::NotFound("lookup: location " + Shown(code) + " is unknown to this store");
  LocationView v;
  v.location = *loc;
  INV_ASSIGN_OR_RETURN(v.items, repo_.StockAtLocation(code));
  return v;
}

Result<std::vector<ItemSummary>> InventoryService::Search(const std::string& text, int limit) {
  if (text.size() > kMaxSearchText) {
    return Bad("text", "must be at most " + std::to_string(kMaxSearchText) + " bytes, got " +
                           std::to_string(text.size()))
        .WithContext("search");
  }
  if (limit < 1 || limit > kMaxSearchLimit) {
    return Bad("limit",
               "must be between 1 and " + std::to_string(kMaxSearchLimit) + ", got " + std::to_string(limit))
        .WithContext("search");
  }
  INV_ASSIGN_OR_RETURN(auto found, repo_.Search(store::InventoryRepo::FtsQuery(text), limit));
  std::vector<ItemSummary> out;
  out.reserve(found.size());
  for (const auto& i : found) out.push_back({i.sku, i.description, i.figures, core::Available(i.figures)});
  return out;
}

// ---- reporting and housekeeping ----

Result<std::optional<int64_t>> InventoryService::FlushAvailable() {
  const core::TimePoint now = clock_.Now();
  if (!coalescer_.pending()) {
    // Other services change stock through the repo inside their own
    // transactions; the pending set on disk is what counts.
    INV_ASSIGN_OR_RETURN(bool pending, repo_.AnyAvailablePending());
    if (pending) coalescer_.Changed();
  }
  if (!coalescer_.Due(now)) return std::optional<int64_t>();
  INV_ASSIGN_OR_RETURN(auto txn, store::Transaction::Begin(store_.db()));
  const int batch = static_cast<int>(options_.available_max_items);
  std::vector<core::AvailableItem> items;
  // Pending SKUs whose value the OMS already has are dropped without using
  // a message; keep reading until something is to be sent or none is left.
  for (;;) {
    INV_ASSIGN_OR_RETURN(auto candidates, repo_.AvailableCandidates(batch));
    if (candidates.empty()) break;
    auto chosen = core::AvailableCoalescer::Select(candidates, options_.available_max_items - items.size());
    // Only the candidates up to the last one chosen (or all, when the message
    // is not full) leave the pending set; the rest wait for the next message.
    std::vector<core::AvailableCandidate> considered;
    size_t taken = 0;
    for (const auto& c : candidates) {
      if (items.size() + taken == options_.available_max_items) break;
      considered.push_back(c);
      if (taken < chosen.size() && chosen[taken].sku == c.sku) ++taken;
    }
    EDGE_RETURN_IF_ERROR(repo_.MarkReported(*txn, considered, chosen));
    items.insert(items.end(), chosen.begin(), chosen.end());
    if (items.size() >= options_.available_max_items) break;
  }
  std::optional<int64_t> seq;
  if (!items.empty()) {
    json list = json::array();
    for (const auto& i : items) list.push_back({{"sku", i.sku}, {"available", i.available}});
    INV_ASSIGN_OR_RETURN(seq, Emit(*txn, "inventory.available", {{"items", list}}));
  }
  EDGE_RETURN_IF_ERROR(txn->Commit());
  INV_ASSIGN_OR_RETURN(bool more, repo_.AnyAvailablePending());
  if (seq) {
    coalescer_.Sent(now, more);
  } else {
    coalescer_.NothingToSend();
  }
  return seq;
}

Result<int64_t> InventoryService::ResumePendingSnapshots() {
  INV_ASSIGN_OR_RETURN(auto txn, store::Transaction::Begin(store_.db()));
  INV_ASSIGN_OR_RETURN(int64_t pending, repo_.TouchPendingSnapshots(*txn, core::ToUnixMillis(clock_.Now())));
  EDGE_RETURN_IF_ERROR(txn->Commit());
  return pending;
}

Result<int> InventoryService::DiscardAbandonedSnapshots() {
  INV_ASSIGN_OR_RETURN(auto txn, store::Transaction::Begin(store_.db()));
  INV_ASSIGN_OR_RETURN(auto ids, repo_.DiscardSnapshotsIdleSince(
                                     *txn, core::ToUnixMillis(clock_.Now() - options_.snapshot_timeout)));
  EDGE_RETURN_IF_ERROR(txn->Commit());
  for (const std::string& id : ids) log::Warn("inventory.snapshot_abandoned").Kv("snapshot_id", id);
  return static_cast<int>(ids.size());
}

Result<store::LedgerFold> InventoryService::FoldLedger(core::Duration retention, int64_t after,
                                                       int64_t examine) {
  if (examine < 1) return Status::InvalidArgument("ledger fold: examine must be >= 1");
  INV_ASSIGN_OR_RETURN(auto txn, store::Transaction::Begin(store_.db()));
  INV_ASSIGN_OR_RETURN(auto fold,
                       repo_.FoldLedger(*txn, core::ToUnixMillis(clock_.Now() - retention), after, examine));
  EDGE_RETURN_IF_ERROR(txn->Commit());
  return fold;
}

}  // namespace edge::app
