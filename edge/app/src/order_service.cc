// OrderService: construction, shared helpers, intake (order.routed),
// order.updated, order.cancel_requested, and the read-only views. Picking and
// restocking are in order_picking.cc, packing, labels and handoff in
// order_packing.cc.
#include "edge/app/order_service.h"

#include <algorithm>
#include <limits>
#include <map>
#include <set>

#include "edge/app/pickup_code.h"
#include "edge/core/ids.h"
#include "edge/log/log.h"
#include "order_internal.h"

namespace edge::app {

using core::Result;
using core::Status;
using json = nlohmann::json;

namespace order_internal {

std::string Shown(const std::string& s) {
  if (s.size() <= 40) return "'" + s + "'";
  return "'" + s.substr(0, 40) + "...' (" + std::to_string(s.size()) + " bytes)";
}

Status Bad(const std::string& path, const std::string& what) {
  return Status::InvalidArgument(path + ": " + what);
}

namespace {

std::string Path(const std::string& prefix, const char* key) {
  return prefix.empty() ? key : prefix + "." + key;
}

std::string Describe(const json& j) {
  if (j.is_number_float()) return "number " + j.dump();
  return j.type_name();
}

}  // namespace

Result<std::optional<std::string>> OptString(const json& o, const std::string& prefix, const char* key,
                                             size_t max_len) {
  const std::string path = Path(prefix, key);
  auto it = o.find(key);
  if (it == o.end() || it->is_null()) return std::optional<std::string>();
  if (!it->is_string()) return Bad(path, "must be a string, got " + Describe(*it));
  const auto& s = it->get_ref<const std::string&>();
  if (s.empty()) return Bad(path, "must not be empty");
  if (s.size() > max_len) {
    return Bad(path,
               "must be at most " + std::to_string(max_len) + " bytes, got " + std::to_string(s.size()));
  }
  return std::optional<std::string>(s);
}

Result<std::string> ReqString(const json& o, const std::string& prefix, const char* key, size_t max_len) {
  ORD_ASSIGN_OR_RETURN(auto s, OptString(o, prefix, key, max_len));
  if (!s) return Bad(Path(prefix, key), "is missing");
  return *s;
}

Result<std::optional<int64_t>> OptInt(const json& o, const std::string& prefix, const char* key, int64_t min,
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

Result<int64_t> ReqInt(const json& o, const std::string& prefix, const char* key, int64_t min, int64_t max) {
  ORD_ASSIGN_OR_RETURN(auto v, OptInt(o, prefix, key, min, max));
  if (!v) return Bad(Path(prefix, key), "is missing");
  return *v;
}

Result<std::optional<int64_t>> OptTime(const json& o, const std::string& prefix, const char* key) {
  ORD_ASSIGN_OR_RETURN(auto s, OptString(o, prefix, key, 64));
  if (!s) return std::optional<int64_t>();
  core::TimePoint t;
  if (!core::ParseRfc3339(*s, &t))
    return Bad(Path(prefix, key), "must be an RFC 3339 timestamp, got " + Shown(*s));
  return std::optional<int64_t>(core::ToUnixMillis(t));
}

Result<std::optional<std::string>> OptObject(const json& o, const std::string& prefix, const char* key) {
  const std::string path = Path(prefix, key);
  auto it = o.find(key);
  if (it == o.end() || it->is_null()) return std::optional<std::string>();
  if (!it->is_object()) return Bad(path, "must be an object, got " + Describe(*it));
  std::string text = it->dump();
  if (text.size() > kMaxJson) {
    return Bad(path, "must be at most " + std::to_string(kMaxJson) + " bytes of JSON, got " +
                         std::to_string(text.size()));
  }
  return std::optional<std::string>(std::move(text));
}

Status RequireObject(const json& j, const std::string& path) {
  if (!j.is_object()) return Bad(path, "must be an object, got " + Describe(j));
  return Status::Ok();
}

std::optional<std::string> DecodeBase64(const std::string& text) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (size_t i = 0; i < text.size(); i += 4) {
    int v[4];
    int pad = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = text[i + k];
      if (c == '=') {
        // Padding only at the very end, and only the last one or two.
        if (i + 4 != text.size() || k < 2) return std::nullopt;
        v[k] = 0;
        ++pad;
      } else {
        if (pad > 0) return std::nullopt;
        v[k] = value(c);
        if (v[k] < 0) return std::nullopt;
      }
    }
    const uint32_t n = (static_cast<uint32_t>(v[0]) << 18) | (static_cast<uint32_t>(v[1]) << 12) |
                       (static_cast<uint32_t>(v[2]) << 6) | static_cast<uint32_t>(v[3]);
    out.push_back(static_cast<char>((n >> 16) & 0xFF));
    if (pad < 2) out.push_back(static_cast<char>((n >> 8) & 0xFF));
    if (pad < 1) out.push_back(static_cast<char>(n & 0xFF));
  }
  return out;
}

Result<std::optional<std::string>> ScannedOrManual(const std::optional<std::string>& scan,
                                                   const std::string& aim_id,
                                                   const std::optional<std::string>& manual_reason,
                                                   bool has_target, const char* target_field) {
  if (scan) {
    auto g = ItemGtinOfScan(*scan, aim_id);
    if (!g.ok()) return g.status();
    return std::optional<std::string>(*g);
  }
  if (!manual_reason || manual_reason->empty()) {
    return Bad("manual_reason", "required for an entry without a scan");
  }
  if (manual_reason->size() > kMaxText) return Bad("manual_reason", "too long");
  if (!has_target) return Bad(target_field, "required for an entry without a scan");
  return std::optional<std::string>();
}

Result<std::string> ItemGtinOfScan(const std::string& text, const std::string& aim_id) {
  auto scan = core::ParseScan(text, aim_id);
  if (!scan.ok()) return scan.status().WithContext("scan");
  if ((scan->kind == core::Scan::Kind::kGtin || scan->kind == core::Scan::Kind::kGs1) &&
      !scan->gtin.empty()) {
    return scan->gtin;
  }
  std::string what = std::string(core::ScanKindName(scan->kind));
  if (scan->kind == core::Scan::Kind::kGs1) what = "GS1 data without AI 01";
  return Bad("scan", "expected an item barcode (UPC-A/E, EAN-8/13, GTIN-14 or GS1 with AI 01), got " + what +
                         " " + Shown(scan->raw));
}

core::Scan LenientScan(const std::string& text, const std::string& aim_id) {
  auto scan = core::ParseScan(text, aim_id);
  if (scan.ok()) return *scan;
  core::Scan s;
  s.kind = core::Scan::Kind::kText;
  std::string raw = text;
  while (!raw.empty() && (raw.back() == '\r' || raw.back() == '\n')) raw.pop_back();
  s.raw = raw;
  return s;
}

}  // namespace order_internal

using namespace order_internal;

namespace {

const char* const kRouted = "order.routed";
const char* const kCancelRequested = "order.cancel_requested";
const char* const kUpdated = "order.updated";

struct RoutedLine {
  std::string line_id;
  std::string sku;
  std::optional<std::string> gtin;
  std::string description;
  int64_t qty = 0;
  core::Fulfil fulfil = core::Fulfil::kNow;
  std::optional<int64_t> expected_at_ms;
};

struct RoutedOrder {
  store::OrderRecord order;
  std::vector<RoutedLine> lines;
  std::optional<std::string> pickup_code;  // in clear: hashed only when the order is stored
};

Result<RoutedOrder> ParseRouted(const json& d) {
  EDGE_RETURN_IF_ERROR(RequireObject(d, "data"));
  RoutedOrder r;
  store::OrderRecord& o = r.order;
  ORD_ASSIGN_OR_RETURN(o.order_id, ReqString(d, "", "order_id", kMaxOrderId));
  EDGE_RETURN_IF_ERROR(core::ValidateIdText("order_id", o.order_id, kMaxOrderId));
  ORD_ASSIGN_OR_RETURN(auto ref, OptString(d, "", "order_ref", kMaxOrderId));
  o.order_ref = ref.value_or("");
  ORD_ASSIGN_OR_RETURN(std::string kind, ReqString(d, "", "kind", 32));
  if (!core::ParseOrderKind(kind, &o.kind)) {
    return Bad("kind", "must be one of ship_from_store, bopis, curbside, same_day, got " + Shown(kind));
  }
  ORD_ASSIGN_OR_RETURN(auto priority, OptInt(d, "", "priority", -1'000'000, 1'000'000));
  o.priority = priority.value_or(0);
  ORD_ASSIGN_OR_RETURN(o.placed_at_ms, OptTime(d, "", "placed_at"));
  ORD_ASSIGN_OR_RETURN(o.promised_by_ms, OptTime(d, "", "promised_by"));
  ORD_ASSIGN_OR_RETURN(o.hold_until_ms, OptTime(d, "", "hold_until"));
  ORD_ASSIGN_OR_RETURN(r.pickup_code, OptString(d, "", "pickup_code", 8));
  if (r.pickup_code) {
    if (Status s = core::ValidatePickupCode(*r.pickup_code); !s.ok()) return Bad("pickup_code", s.message());
  } else if (core::IsPickupKind(o.kind)) {
    return Bad("pickup_code",
               std::string("is missing (required for kind ") + core::OrderKindName(o.kind) + ")");
  }
  ORD_ASSIGN_OR_RETURN(auto customer, OptObject(d, "", "customer"));
  o.customer_json = customer.value_or("{}");
  ORD_ASSIGN_OR_RETURN(auto ship_to, OptObject(d, "", "ship_to"));
  o.ship_to_json = ship_to.value_or("{}");
  ORD_ASSIGN_OR_RETURN(auto service, OptString(d, "", "carrier_service", kMaxText));
  o.carrier_service = service.value_or("");

  auto it = d.find("lines");
  if (it == d.end() || it->is_null()) return Bad("lines", "is missing");
  if (!it->is_array()) return Bad("lines", "must be an array, got " + std::string(it->type_name()));
  if (it->empty()) return Bad("lines", "must not be empty");
  if (it->size() > kMaxLines) {
    return Bad("lines", "must have at most " + std::to_string(kMaxLines) + " entries, got " +
                            std::to_string(it->size()));
  }
  std::set<std::string> ids;
  for (size_t i = 0; i < it->size(); ++i) {
    const json& j = (*it)[i];
    const std::string p = "lines[" + std::to_string(i) + "]";
    EDGE_RETURN_IF_ERROR(RequireObject(j, p));
    RoutedLine l;
    ORD_ASSIGN_OR_RETURN(l.line_id, ReqString(j, p, "line_id", kMaxLineId));
    EDGE_RETURN_IF_ERROR(core::ValidateIdText(p + ".line_id", l.line_id, kMaxLineId));
    if (!ids.insert(l.line_id).second) return Bad(p + ".line_id", Shown(l.line_id) + " is listed twice");
    ORD_ASSIGN_OR_RETURN(l.sku, ReqString(j, p, "sku", kMaxSku));
    ORD_ASSIGN_OR_RETURN(auto gtin, OptString(j, p, "gtin", 14));
    if (gtin) {
      auto g = core::NormalizeGtin(*gtin);
      if (!g.ok()) return Bad(p + ".gtin", g.status().message());
      l.gtin = *g;
    }
    ORD_ASSIGN_OR_RETURN(l.qty, ReqInt(j, p, "qty", 1, core::kMaxQuantity));
    ORD_ASSIGN_OR_RETURN(auto description, OptString(j, p, "description", kMaxText));
    l.description = description.value_or("");
    ORD_ASSIGN_OR_RETURN(auto fulfil, OptString(j, p, "fulfil", 16));
    if (fulfil && !core::ParseFulfil(*fulfil, &l.fulfil)) {
      return Bad(p + ".fulfil", "must be one of now, backorder, preorder, got " + Shown(*fulfil));
    }
    ORD_ASSIGN_OR_RETURN(l.expected_at_ms, OptTime(j, p, "expected_at"));
    r.lines.push_back(std::move(l));
  }
  return r;
}

json LinesJson(const std::vector<LineAnswer>& lines, bool with_reason) {
  json out = json::array();
  for (const LineAnswer& l : lines) {
    json j = {{"line_id", l.line_id}, {"qty", l.qty}};
    if (with_reason) j["reason"] = l.reason;
    out.push_back(std::move(j));
  }
  return out;
}

// The recorded intake answer of an order, lines in routed order.
void AnswerOf(const std::vector<store::OrderLineRecord>& lines, RoutedOutcome* out) {
  for (const auto& l : lines) {
    if (l.fulfil != core::Fulfil::kNow) continue;
    if (l.accepted > 0) out->accepted.push_back({l.line_id, l.accepted, ""});
    if (l.rejected > 0) out->rejected.push_back({l.line_id, l.rejected, l.reject_reason.value_or("")});
  }
}

}  // namespace

std::vector<BoxType> DefaultBoxCatalogue() {
  return {
      {"ENV", 350, 250, 30},  // padded envelope
      {"S", 250, 200, 100},   // shoebox-sized carton
      {"M", 400, 300, 200},  {"L", 500, 400, 300}, {"XL", 600, 500, 400},
  };
}

Status OrderService::SetPolicy(bool partial_accept, int max_open_orders) {
  if (max_open_orders < 1) {
    return Status::InvalidArgument("max_open_orders: must be >= 1, got " + std::to_string(max_open_orders));
  }
  options_.partial_accept = partial_accept;
  options_.max_open_orders = max_open_orders;
  return Status::Ok();
}

OrderService::OrderService(store::Store& store, const core::Clock& clock, InventoryService& inventory,
                           AuthService& auth, LabelPrinter& printer, OrderOptions options,
                           std::mt19937_64 rng)
    : store_(store),
      clock_(clock),
      inventory_(inventory),
      auth_(auth),
      printer_(printer),
      options_(std::move(options)),
      rng_(std::move(rng)),
      repo_(store.db()),
      pickup_(store.db()),
      returns_(store.db()),
      receipt_hook_(inventory, *this) {}

Result<std::unique_ptr<OrderService>> OrderService::Create(store::Store& store, const core::Clock& clock,
                                                           InventoryService& inventory, AuthService& auth,
                                                           LabelPrinter& printer, OrderOptions options,
                                                           std::mt19937_64 rng) {
  const std::string what = "orders";
  if (Status s = core::ValidateStoreId(options.store_id); !s.ok()) return s.WithContext(what);
  if (options.max_open_orders < 1) {
    return Status::InvalidArgument(what + ": max_open_orders must be >= 1, got " +
                                   std::to_string(options.max_open_orders));
  }
  if (options.boxes.empty()) return Status::InvalidArgument(what + ": the box catalogue is empty");
  std::set<std::string> names;
  for (size_t i = 0; i < options.boxes.size(); ++i) {
    const BoxType& b = options.boxes[i];
    const std::string p = "boxes[" + std::to_string(i) + "]";
    if (Status s = core::ValidateIdText(p + ".name", b.name, 32); !s.ok()) return s.WithContext(what);
    if (!names.insert(b.name).second)
      return Bad(p + ".name", Shown(b.name) + " is listed twice").WithContext(what);
    for (int64_t dim : {b.length_mm, b.width_mm, b.height_mm}) {
      if (dim < 1 || dim > 10'000) {
        return Bad(p, "inner dimensions must be 1..10000 mm, got " + std::to_string(dim)).WithContext(what);
      }
    }
  }
  for (size_t i = 0; i < options.stations.size(); ++i) {
    if (Status s = core::ValidateStoreId(options.stations[i]); !s.ok()) {
      return Bad("stations[" + std::to_string(i) + "]",
                 "station names are [A-Za-z0-9_-]{1,32}, got " + Shown(options.stations[i]))
          .WithContext(what);
    }
  }
  EDGE_RETURN_IF_ERROR(HashStoredPickupCodes(store).WithContext(what));
  return std::unique_ptr<OrderService>(
      new OrderService(store, clock, inventory, auth, printer, std::move(options), std::move(rng)));
}

Status OrderService::HashStoredPickupCodes(store::Store& store) {
  // Schema 5 kept pickup codes in clear; migration 6 set them aside in
  // pickup_codes_unhashed for this one-time pass.
  std::vector<std::pair<std::string, std::string>> codes;
  {
    auto st = store.db().Prepare("SELECT order_id, code FROM pickup_codes_unhashed");
    if (!st.ok()) return st.status();
    while (true) {
      auto row = st->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      codes.emplace_back(st->Text(0), st->Text(1));
    }
  }
  if (codes.empty()) return Status::Ok();
  ORD_ASSIGN_OR_RETURN(auto txn, store::Transaction::Begin(store.db()));
  for (const auto& [order_id, code] : codes) {
    auto up = txn->db().Prepare("UPDATE orders SET pickup_code_hash = ?2 WHERE order_id = ?1");
    if (!up.ok()) return up.status();
    up->Bind(1, order_id).Bind(2, HashPickupCode(code));
    EDGE_RETURN_IF_ERROR(up->Run());
    auto del = txn->db().Prepare("DELETE FROM pickup_codes_unhashed WHERE order_id = ?1");
    if (!del.ok()) return del.status();
    del->Bind(1, order_id);
    EDGE_RETURN_IF_ERROR(del->Run());
  }
  EDGE_RETURN_IF_ERROR(txn->Commit());
  log::Info("orders.pickup_codes_hashed").Kv("count", codes.size());
  return Status::Ok();
}

int64_t OrderService::NowMs() const { return core::ToUnixMillis(clock_.Now()); }

std::string OrderService::NewEventId() { return app::NewEventId(rng_); }

Result<int64_t> OrderService::Emit(store::Transaction& txn, const std::string& type, const json& data) {
  return EmitEvent(store_, txn, rng_, type, data);
}

Result<bool> OrderService::IsDuplicate(const std::optional<InboundRef>& inbound) {
  return InboundSeen(store_, inbound);
}

Status OrderService::RecordInbound(store::Transaction& txn, const std::optional<InboundRef>& inbound) {
  return RecordInboundRef(store_, txn, inbound);
}

Status OrderService::CheckRole(const core::Actor& by, core::Role role, const std::string& what) {
  if (Status s = core::ValidateAssociateId(by.id); !s.ok()) return s.WithContext(what + ": actor");
  if (!core::HasRole(by, role)) {
    return Status::PermissionDenied(what + ": needs role " + core::RoleName(role) + ", " + by.id + " is " +
                                    core::RoleName(by.role));
  }
  return Status::Ok();
}

Result<std::optional<int64_t>> OrderService::EmitAnswer(store::Transaction& txn,
                                                        const RoutedOutcome& answer) {
  std::optional<int64_t> seq;
  if (!answer.accepted.empty()) {
    ORD_ASSIGN_OR_RETURN(seq,
                         Emit(txn, "order.accepted",
                              {{"order_id", answer.order_id}, {"lines", LinesJson(answer.accepted, false)}}));
  }
  if (!answer.rejected.empty()) {
    ORD_ASSIGN_OR_RETURN(int64_t r,
                         Emit(txn, "order.rejected",
                              {{"order_id", answer.order_id}, {"lines", LinesJson(answer.rejected, true)}}));
    if (!seq) seq = r;
  }
  return seq;
}

Result<bool> OrderService::InActivePickTask(const std::string& order_id) {
  ORD_ASSIGN_OR_RETURN(auto tasks, repo_.TasksOfOrder(order_id));
  for (const auto& t : tasks) {
    if (t.kind == core::TaskKind::kPick && core::IsActiveTaskState(t.state)) return true;
  }
  return false;
}

// ---- intake ----

Result<RoutedOutcome> OrderService::ApplyRouted(const json& data, const std::optional<InboundRef>& inbound) {
  auto parsed = ParseRouted(data);
  if (!parsed.ok()) return parsed.status().WithContext(kRouted);
  RoutedOrder& m = *parsed;
  const std::string& order_id = m.order.order_id;
  RoutedOutcome out;
  out.order_id = order_id;
  ORD_ASSIGN_OR_RETURN(bool dup, IsDuplicate(inbound));
  if (dup) {
    out.duplicate_message = true;
    return out;
  }

  ORD_ASSIGN_OR_RETURN(auto txn, store::Transaction::Begin(store_.db()));
  ORD_ASSIGN_OR_RETURN(auto existing, repo_.FindOrder(order_id));
  std::vector<store::OrderLineRecord> stored;
  if (existing) {
    ORD_ASSIGN_OR_RETURN(stored, repo_.LinesOf(order_id));
  }
  std::set<std::string> known;
  for (const auto& l : stored) known.insert(l.line_id);

  // Lines not decided before: all of a new order, or those a re-route adds.
  std::vector<store::OrderLineRecord> fresh;
  for (const RoutedLine& l : m.lines) {
    if (known.count(l.line_id)) continue;
    store::OrderLineRecord r;
    r.order_id = order_id;
    r.line_id = l.line_id;
    r.idx = static_cast<int64_t>(stored.size() + fresh.size());
    r.sku = l.sku;
    r.gtin = l.gtin;
    r.description = l.description;
    r.qty = l.qty;
    r.fulfil = l.fulfil;
    r.expected_at_ms = l.expected_at_ms;
    fresh.push_back(std::move(r));
  }
  out.repeated = existing.has_value() && fresh.empty();

  // How the fresh `now` lines are decided: reserved against availability, or
  // refused as a whole for a reason that is not about stock.
  std::optional<std::string> refuse_all;
  if (!existing) {
    ORD_ASSIGN_OR_RETURN(int64_t open, repo_.CountOpenOrders());
    if (open >= options_.max_open_orders) refuse_all = "store_capacity";
  } else if (!fresh.empty()) {
    ORD_ASSIGN_OR_RETURN(bool tasked, InActivePickTask(order_id));
    if (!core::IsOpenOrderState(existing->state)) {
      refuse_all = "order_closed";  // shipped, cancelled or rejected: nothing more is taken on
    } else if (existing->state != core::OrderState::kAccepted || tasked) {
      refuse_all = "order_in_progress";
    }
  }

  std::vector<core::LineRequest> requests;
  for (const auto& l : fresh) {
    if (l.fulfil == core::Fulfil::kNow) requests.push_back({l.line_id, l.sku, l.qty});
  }
  std::map<std::string, core::LineDecision> decided;
  // The answer covers the whole order: the lines decided before as recorded,
  // the fresh ones as decided now.
  auto answer = [&](store::Transaction& t) -> Result<std::optional<int64_t>> {
    for (auto& l : fresh) {
      if (l.fulfil != core::Fulfil::kNow) continue;
      if (refuse_all) {
        l.rejected = l.qty;
        l.reject_reason = *refuse_all;
        continue;
      }
      auto it = decided.find(l.line_id);
      if (it == decided.end())
        return Status::Internal(std::string(kRouted) + ": line " + l.line_id + " undecided");
      if (it->second.accepted) {
        l.accepted = l.qty;
      } else {
        l.rejected = l.qty;
        l.reject_reason = core::RejectReasonName(*it->second.reason);
      }
    }
    std::vector<store::OrderLineRecord> all = stored;
    all.insert(all.end(), fresh.begin(), fresh.end());
    AnswerOf(all, &out);
    return EmitAnswer(t, out);
  };
  if (!requests.empty() && !refuse_all) {
    // ReserveIn calls `report` once the decisions are known and before it
    // writes the reservations, which it records with the answer's seq.
    auto report = [&](store::Transaction& t, const std::string&,
                      const ReservationOutcome& outcome) -> Result<std::optional<int64_t>> {
      for (const auto& d : outcome.lines) decided[d.line_id] = d;
      return answer(t);
    };
    ORD_ASSIGN_OR_RETURN(auto outcome,
                         inventory_.ReserveIn(*txn, order_id, requests, options_.partial_accept, report));
    (void)outcome;
  } else {
    ORD_ASSIGN_OR_RETURN(auto seq, answer(*txn));
    (void)seq;
  }

  const int64_t now = NowMs();
  if (!existing) {
    store::OrderRecord o = m.order;
    if (m.pickup_code) o.pickup_code_hash = HashPickupCode(*m.pickup_code);
    if (core::IsPickupKind(o.kind) && !o.hold_until_ms) {
      o.hold_until_ms = now + int64_t{options_.pickup_hold_days} * 24 * 3600 * 1000;
    }
    bool any_work = false;
    for (const auto& l : fresh) any_work |= l.accepted > 0 || l.fulfil != core::Fulfil::kNow;
    o.state = any_work && !refuse_all ? core::OrderState::kAccepted : core::OrderState::kRejected;
    o.routed_ms = now;
    o.updated_ms = now;
    if (o.state == core::OrderState::kRejected) o.closed_at_ms = now;
    EDGE_RETURN_IF_ERROR(repo_.InsertOrder(*txn, o));
  }
  for (const auto& l : fresh) EDGE_RETURN_IF_ERROR(repo_.InsertLine(*txn, l));
  EDGE_RETURN_IF_ERROR(RecordInbound(*txn, inbound));
  EDGE_RETURN_IF_ERROR(txn->Commit());
  log::Info("order.routed")
      .Kv("order_id", order_id)
      .Kv("accepted_lines", out.accepted.size())
      .Kv("rejected_lines", out.rejected.size())
      .Kv("repeated", out.repeated);
  return out;
}

Result<Applied> OrderService::ApplyUpdated(const json& data, const std::optional<InboundRef>& inbound) {
  auto bad = [](const Status& s) { return s.WithContext(kUpdated); };
  if (Status s = RequireObject(data, "data"); !s.ok()) return bad(s);
  auto id = ReqString(data, "", "order_id", kMaxOrderId);
  if (!id.ok()) return bad(id.status());
  auto priority = OptInt(data, "", "priority", -1'000'000, 1'000'000);
  if (!priority.ok()) return bad(priority.status());
  auto promised = OptTime(data, "", "promised_by");
  if (!promised.ok()) return bad(promised.status());
  auto hold = OptTime(data, "", "hold_until");
  if (!hold.ok()) return bad(hold.status());
  auto customer = OptObject(data, "", "customer");
  if (!customer.ok()) return bad(customer.status());
  ORD_ASSIGN_OR_RETURN(bool dup, IsDuplicate(inbound));
  if (dup) return Applied::kDuplicate;

  ORD_ASSIGN_OR_RETURN(auto txn, store::Transaction::Begin(store_.db()));
  ORD_ASSIGN_OR_RETURN(auto order, repo_.FindOrder(*id));
  if (!order)
    return Status::NotFound(std::string(kUpdated) + ": order_id: " + Shown(*id) + " was never routed here");
  // A key present with null clears a time; an absent key leaves it.
  if (*priority) order->priority = **priority;
  if (data.contains("promised_by")) order->promised_by_ms = *promised;
  if (data.contains("hold_until")) order->hold_until_ms = *hold;
  if (*customer) order->customer_json = **customer;
  order->updated_ms = NowMs();
  EDGE_RETURN_IF_ERROR(repo_.UpdateOrder(*txn, *order));
  EDGE_RETURN_IF_ERROR(RecordInbound(*txn, inbound));
  EDGE_RETURN_IF_ERROR(txn->Commit());
  return Applied::kApplied;
}

// ---- cancellation ----

Result<CancelResult> OrderService::ApplyCancelRequested(const json& data,
                                                        const std::optional<InboundRef>& inbound) {
  auto bad = [](const Status& s) { return s.WithContext(kCancelRequested); };
  if (Status s = RequireObject(data, "data"); !s.ok()) return bad(s);
  auto id = ReqString(data, "", "order_id", kMaxOrderId);
  if (!id.ok()) return bad(id.status());
  auto reason = OptString(data, "", "reason", kMaxText);
  if (!reason.ok()) return bad(reason.status());
  CancelResult result;
  ORD_ASSIGN_OR_RETURN(bool dup, IsDuplicate(inbound));
  if (dup) {
    result.duplicate_message = true;
    return result;
  }

  ORD_ASSIGN_OR_RETURN(auto txn, store::Transaction::Begin(store_.db()));
  ORD_ASSIGN_OR_RETURN(auto order, repo_.FindOrder(*id));
  if (!order) {
    return Status::NotFound(std::string(kCancelRequested) + ": order_id: " + Shown(*id) +
                            " was never routed here");
  }
  ORD_ASSIGN_OR_RETURN(auto packages, repo_.PackagesOf(*id));
  bool handed_off = false;
  for (const auto& p : packages) handed_off |= p.state == store::PackageState::kShipped;
  const core::CancelDecision d = core::DecideCancellation(order->state, handed_off);
  result.outcome = d.outcome;
  json event = {{"order_id", *id}, {"outcome", core::CancelOutcomeName(d.outcome)}};

  if (d.repeat) {
    result.restock = order->cancel_restock;
  } else if (d.change_state) {
    ORD_ASSIGN_OR_RETURN(auto lines, repo_.LinesOf(*id));
    ORD_ASSIGN_OR_RETURN(auto pick_lines, repo_.PickLinesOfOrder(*id));
    int64_t held_picked = 0;  // picked units still in the store, off the shelf
    for (const auto& pl : pick_lines) held_picked += pl.picked - pl.shipped - pl.returned;
    result.restock = d.restock_picked && held_picked > 0;
    if (result.restock) event["restock"] = true;
    ORD_ASSIGN_OR_RETURN(int64_t seq, Emit(*txn, "order.cancelled", event));

    // Units never picked are released now; picked ones stay reserved until
    // put back on a shelf by the restock task.
    for (const auto& l : lines) {
      const int64_t unpicked = l.accepted - l.picked - l.shorted;
      if (unpicked > 0 && d.release_unpicked) {
        EDGE_RETURN_IF_ERROR(
            ReleasePart(*txn, *id, l.line_id, unpicked, core::ReleaseReason::kCancelled, seq));
      }
    }
    EDGE_RETURN_IF_ERROR(StopOrderWork(*txn, *id, pick_lines, packages));
    if (result.restock) {
      ORD_ASSIGN_OR_RETURN(result.restock_task, RestockPicked(*txn, *id, pick_lines, "oms", nullptr));
    }
    order->cancel_reason = reason->value_or("");
    order->cancel_restock = result.restock;
    EDGE_RETURN_IF_ERROR(MoveOrder(*txn, *order, core::OrderState::kCancelled));
    EDGE_RETURN_IF_ERROR(auth_.Audit(*txn, core::Actor{"oms", core::Role::kSupervisor}, "order.cancel", *id,
                                     core::CancelOutcomeName(d.outcome)));
    EDGE_RETURN_IF_ERROR(RecordInbound(*txn, inbound));
    EDGE_RETURN_IF_ERROR(txn->Commit());
    log::Info("order.cancelled").Kv("order_id", *id).Kv("restock", result.restock);
    return result;
  }
  // too_late, or a repeat: the answer again, nothing changes.
  if (result.restock) event["restock"] = true;
  ORD_ASSIGN_OR_RETURN(int64_t seq, Emit(*txn, "order.cancelled", event));
  (void)seq;
  EDGE_RETURN_IF_ERROR(RecordInbound(*txn, inbound));
  EDGE_RETURN_IF_ERROR(txn->Commit());
  return result;
}

Status OrderService::MoveOrder(store::Transaction& txn, store::OrderRecord& order, core::OrderState to) {
  EDGE_RETURN_IF_ERROR(core::CheckTransition(order.order_id, order.state, to));
  const int64_t now = NowMs();
  const core::OrderState from = order.state;
  order.state = to;
  order.updated_ms = now;
  if (from == core::OrderState::kPicking &&
      (to == core::OrderState::kPicked || to == core::OrderState::kRejected))
    order.picked_at_ms = now;
  if (to == core::OrderState::kPacked) order.packed_at_ms = now;
  if (to == core::OrderState::kReady) order.ready_at_ms = now;
  if (core::IsFinalOrderState(to)) order.closed_at_ms = now;
  return repo_.UpdateOrder(txn, order);
}

Status OrderService::StopOrderWork(store::Transaction& txn, const std::string& order_id,
                                   std::vector<store::PickLineRecord>& pick_lines,
                                   std::vector<store::PackageRecord>& packages) {
  // Open pick lines close, and pick tasks left with nothing to do end.
  std::set<int64_t> touched_tasks;
  for (auto& pl : pick_lines) {
    if (pl.state == store::PickLineState::kOpen) {
      pl.state = store::PickLineState::kCancelled;
      EDGE_RETURN_IF_ERROR(repo_.UpdatePickLine(txn, pl));
      touched_tasks.insert(pl.task_id);
    }
  }
  for (int64_t task_id : touched_tasks) {
    ORD_ASSIGN_OR_RETURN(auto task, repo_.FindTask(task_id));
    ORD_ASSIGN_OR_RETURN(auto task_lines, repo_.PickLinesOfTask(task_id));
    bool open = false, worked = false;
    for (const auto& tl : task_lines) {
      open |= tl.state == store::PickLineState::kOpen;
      worked |= tl.picked + tl.shorted > 0;
    }
    if (!open && task && core::IsActiveTaskState(task->state)) {
      task->state = worked ? core::TaskState::kDone : core::TaskState::kCancelled;
      task->updated_ms = NowMs();
      EDGE_RETURN_IF_ERROR(repo_.UpdateTask(txn, *task));
    }
  }
  // The order's own pack, stage and handover tasks end.
  ORD_ASSIGN_OR_RETURN(auto tasks, repo_.TasksOfOrder(order_id));
  for (auto& t : tasks) {
    if ((t.kind == core::TaskKind::kPack || t.kind == core::TaskKind::kStage ||
         t.kind == core::TaskKind::kHandover) &&
        core::IsActiveTaskState(t.state)) {
      t.state = core::TaskState::kCancelled;
      t.updated_ms = NowMs();
      EDGE_RETURN_IF_ERROR(repo_.UpdateTask(txn, t));
    }
  }
  for (auto& p : packages) {
    if (p.state == store::PackageState::kOpen || p.state == store::PackageState::kClosed) {
      p.state = store::PackageState::kCancelled;
      if (p.label_state != store::LabelState::kNone) p.label_state = store::LabelState::kVoided;
      EDGE_RETURN_IF_ERROR(repo_.UpdatePackage(txn, p));
    }
  }
  // Bags are emptied back to the shelves; a waiting customer is told at the
  // counter (the arrival closes).
  ORD_ASSIGN_OR_RETURN(auto bags, pickup_.BagsOf(order_id));
  for (auto& b : bags) {
    if (b.state == store::BagState::kOpen || b.state == store::BagState::kStaged) {
      b.state = store::BagState::kUnstaged;
      EDGE_RETURN_IF_ERROR(pickup_.UpdateBag(txn, b));
    }
  }
  ORD_ASSIGN_OR_RETURN(auto arrival, pickup_.WaitingArrivalOf(order_id));
  if (arrival) {
    arrival->state = store::ArrivalState::kClosed;
    EDGE_RETURN_IF_ERROR(pickup_.UpdateArrival(txn, *arrival));
  }
  return Status::Ok();
}

Result<std::optional<int64_t>> OrderService::RestockPicked(store::Transaction& txn,
                                                           const std::string& order_id,
                                                           std::vector<store::PickLineRecord>& pick_lines,
                                                           const std::string& created_by,
                                                           const std::map<std::string, int64_t>* only) {
  std::map<std::string, int64_t> left;
  if (only) left = *only;
  std::optional<int64_t> task_id;
  for (auto& pl : pick_lines) {
    int64_t n = pl.picked - pl.shipped - pl.returned;
    if (only) {
      auto it = left.find(pl.line_id);
      n = it == left.end() ? 0 : std::min(n, it->second);
      if (n > 0) it->second -= n;
    }
    if (n <= 0) continue;
    if (!task_id) {
      store::TaskRecord t;
      t.kind = core::TaskKind::kRestock;
      t.state = core::TaskState::kOpen;
      t.order_id = order_id;
      t.created_by = created_by;
      t.created_ms = t.updated_ms = NowMs();
      ORD_ASSIGN_OR_RETURN(task_id, repo_.InsertTask(txn, t));
    }
    for (int64_t i = 0; i < n; ++i) {
      store::RestockUnitRecord u;
      u.task_id = *task_id;
      u.order_id = order_id;
      u.line_id = pl.line_id;
      u.sku = pl.sku;
      u.from_location = pl.location;
      EDGE_RETURN_IF_ERROR(repo_.InsertRestockUnit(txn, u));
    }
    pl.returned += n;
    EDGE_RETURN_IF_ERROR(repo_.UpdatePickLine(txn, pl));
  }
  for (const auto& [line_id, n] : left) {
    if (n > 0) {
      return Status::Internal("restock of order " + Shown(order_id) + " line " + Shown(line_id) + ": " +
                              std::to_string(n) + " more units than are in the store");
    }
  }
  return task_id;
}

Status OrderService::ReleasePart(store::Transaction& txn, const std::string& order_id,
                                 const std::string& line_id, int64_t qty, core::ReleaseReason reason,
                                 std::optional<int64_t> event_seq) {
  // InventoryService::ReleaseIn releases all a line holds; a short pick or a
  // put-back releases part of it, so the same two writes are made here for
  // `qty` through the inventory repo.
  store::InventoryRepo& inv = inventory_.repo();
  ORD_ASSIGN_OR_RETURN(auto r, inv.FindReservation(order_id, line_id));
  const std::string what =
      "release " + std::to_string(qty) + " of order " + Shown(order_id) + " line " + Shown(line_id);
  if (!r) return Status::Internal(what + ": no reservation");
  if (r->state != store::ReservationState::kOpen || r->open_qty < qty) {
    return Status::Internal(what + ": the line holds " + std::to_string(r->open_qty) + " (" +
                            store::ReservationStateName(r->state) + ")");
  }
  store::StockChange sc;
  sc.sku = r->sku;
  sc.d_reserved = -qty;
  sc.reason = core::ReleaseReasonName(reason);
  sc.ref = LineRef(order_id, line_id);
  sc.origin = store::LedgerOrigin::kLocal;
  sc.event_seq = event_seq;
  EDGE_RETURN_IF_ERROR(inv.Apply(txn, sc));
  r->open_qty -= qty;
  if (r->open_qty == 0) {
    r->state = r->consumed_qty > 0 ? store::ReservationState::kConsumed : store::ReservationState::kReleased;
    r->reason = core::ReleaseReasonName(reason);
    r->closed_ms = NowMs();
  }
  return inv.UpdateReservation(txn, *r);
}

// ---- views ----

Result<std::vector<QueueItem>> OrderService::WorkQueue() {
  ORD_ASSIGN_OR_RETURN(auto orders, repo_.OrdersAwaitingPick());
  std::map<std::string, QueueItem> items;
  std::vector<core::QueueEntry> entries;
  for (const auto& o : orders) {
    ORD_ASSIGN_OR_RETURN(auto lines, repo_.LinesOf(o.order_id));
    int64_t units = 0;
    for (const auto& l : lines) units += l.accepted;
    if (units == 0) continue;  // backorder/preorder only: nothing to pick yet
    QueueItem q;
    q.order_id = o.order_id;
    q.order_ref = o.order_ref;
    q.kind = o.kind;
    q.priority = o.priority;
    if (o.promised_by_ms) q.promised_by = core::FromUnixMillis(*o.promised_by_ms);
    q.units = units;
    q.customer_waiting = o.escalated;
    core::QueueEntry e{o.order_id, o.priority, q.promised_by, core::FromUnixMillis(o.routed_ms)};
    q.time_left = core::TimeLeft(e, clock_.Now());
    entries.push_back(e);
    items.emplace(o.order_id, std::move(q));
  }
  std::vector<QueueItem> out;
  for (const auto& e : core::OrderWorkQueue(std::move(entries))) out.push_back(items.at(e.order_id));
  // A customer already waiting for an order not yet picked: it jumps the queue.
  std::stable_partition(out.begin(), out.end(), [](const QueueItem& q) { return q.customer_waiting; });
  return out;
}

Result<OrderView> OrderService::GetOrder(const std::string& order_id) {
  ORD_ASSIGN_OR_RETURN(auto order, repo_.FindOrder(order_id));
  if (!order) return Status::NotFound("order " + Shown(order_id) + " is unknown to this store");
  OrderView v;
  v.order = *order;
  ORD_ASSIGN_OR_RETURN(v.lines, repo_.LinesOf(order_id));
  ORD_ASSIGN_OR_RETURN(v.packages, repo_.PackagesOf(order_id));
  for (auto& p : v.packages) p.label.reset();
  ORD_ASSIGN_OR_RETURN(v.tasks, repo_.TasksOfOrder(order_id));
  ORD_ASSIGN_OR_RETURN(v.pick_records, repo_.PickRecordsOf(order_id));
  return v;
}

Result<std::vector<store::TaskRecord>> OrderService::ActiveTasks(core::TaskKind kind) {
  return repo_.ActiveTasks(kind);
}

Result<TaskView> OrderService::GetTask(int64_t task_id) {
  ORD_ASSIGN_OR_RETURN(auto task, repo_.FindTask(task_id));
  if (!task) return Status::NotFound("task " + std::to_string(task_id) + " is unknown");
  TaskView v;
  v.task = *task;
  ORD_ASSIGN_OR_RETURN(v.totes, repo_.TotesOf(task_id));
  ORD_ASSIGN_OR_RETURN(auto lines, repo_.PickLinesOfTask(task_id));
  std::map<std::string, std::vector<store::OrderLineRecord>> order_lines;
  for (auto& l : lines) {
    PickLineView pv;
    if (!order_lines.count(l.order_id)) {
      ORD_ASSIGN_OR_RETURN(order_lines[l.order_id], repo_.LinesOf(l.order_id));
    }
    for (const auto& ol : order_lines[l.order_id]) {
      if (ol.line_id == l.line_id) {
        pv.description = ol.description;
        pv.gtin = ol.gtin;
      }
    }
    for (const auto& t : v.totes) {
      if (t.tote_slot == l.tote_slot) pv.tote = t.tote;
    }
    pv.line = std::move(l);
    v.pick_lines.push_back(std::move(pv));
  }
  ORD_ASSIGN_OR_RETURN(v.restock, repo_.RestockUnitsOf(task_id));
  return v;
}

}  // namespace edge::app
