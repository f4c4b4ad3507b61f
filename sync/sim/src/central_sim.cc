#include "edge/sim/central_sim.h"

#include <algorithm>
#include <cstdio>

namespace edge::sim {

using json = nlohmann::json;

namespace {

constexpr const char* kPrefix = "oms/v1/stores/";

// "oms/v1/stores/S042/events" -> {"S042", "events"}; {"", ""} otherwise.
std::pair<std::string, std::string> SplitTopic(const std::string& topic) {
  if (topic.rfind(kPrefix, 0) != 0) return {};
  const std::string rest = topic.substr(std::char_traits<char>::length(kPrefix));
  const size_t slash = rest.find('/');
  if (slash == std::string::npos) return {};
  return {rest.substr(0, slash), rest.substr(slash + 1)};
}

std::string Pad(int64_t v, size_t width) {
  std::string s = std::to_string(v);
  return std::string(width > s.size() ? width - s.size() : 0, '0') + s;
}

constexpr const char* kFirst[] = {"Ana",   "Ben",   "Chloe", "David", "Emma", "Farid",  "Grace", "Hugo",
                                  "Ines",  "Jamal", "Keiko", "Liam",  "Maya", "Noah",   "Olga",  "Pavel",
                                  "Quinn", "Rosa",  "Sam",   "Tariq", "Uma",  "Victor", "Wen",   "Yara"};
constexpr const char* kLast[] = {"Ruiz",   "Okafor",    "Schmidt", "Nguyen",  "Kowalski", "Haddad", "Larsen",
                                 "Moreau", "Silva",     "Tanaka",  "Brennan", "Patel",    "Rossi",  "Novak",
                                 "Ahmed",  "Lindqvist", "Garcia",  "Kim",     "Walker",   "Costa"};
constexpr const char* kStreets[] = {"Main St", "Oak Ave", "Maple Rd", "Harbor Way", "Elm St", "Station Rd"};
constexpr const char* kCities[] = {"Springfield", "Riverton", "Lakeside", "Fairview", "Greenville"};
constexpr const char* kVehicles[] = {"blue hatchback", "white van", "red SUV", "grey estate", "black sedan"};

}  // namespace

struct CentralSim::Order {
  std::string id;
  std::string ref;
  std::string kind;
  std::string pickup_code;
  json ship_to;
  std::map<std::string, int64_t> now_lines;  // line_id -> qty
  std::map<std::string, int64_t> decided;    // line_id -> accepted + rejected
  std::set<std::string> waiting;             // backorder/preorder lines not answered yet
  std::string last;                          // the last event about it
  bool cancel_planned = false;
  bool cancel_requested = false;
  bool cancel_answered = false;
  bool arrival_planned = false;
  bool Decided() const {
    for (const auto& [line, qty] : now_lines) {
      auto it = decided.find(line);
      if (it == decided.end() || it->second < qty) return false;
    }
    return true;
  }
};

struct CentralSim::Store {
  std::string id;
  size_t index = 0;
  bool started = false;
  std::map<std::string, int64_t> seq;                    // per inbound stream: the last sent
  std::map<std::string, std::vector<std::string>> sent;  // per stream, by seq - 1
  int orders_sent = 0;
  core::TimePoint next_order{};
  std::map<std::string, Order> orders;
  std::vector<std::string> order_ids;  // in routing order
  std::set<std::string> event_ids;
  std::set<int64_t> seqs;
  int64_t events = 0;
  int64_t duplicates = 0;
  std::map<std::string, int64_t> types;
  std::vector<std::string> problems;
  int64_t messages = 0, labels = 0, cancels = 0, arrivals = 0, sales = 0, receipts = 0, resent = 0;
  std::string po_ref;
  std::vector<std::pair<std::string, int64_t>> po_items;
  bool po_received = false;
  int64_t snapshot_as_of = -1;

  int64_t ContiguousSeq() const {
    int64_t n = 0;
    for (int64_t s : seqs) {
      if (s != n + 1) break;
      n = s;
    }
    return n;
  }
  int64_t MaxSeq() const { return seqs.empty() ? 0 : *seqs.rbegin(); }
};

CentralSim::CentralSim(SimOptions options, std::vector<CatalogueItem> catalogue)
    : options_(std::move(options)), catalogue_(std::move(catalogue)), rng_(options_.seed) {
  if (options_.order_interval.count() <= 0) options_.order_interval = std::chrono::milliseconds(1);
  if (options_.kinds.empty()) options_.kinds = SimOptions{}.kinds;
  for (size_t i = 0; i < options_.stores.size(); ++i) {
    auto s = std::make_unique<Store>();
    s->id = options_.stores[i];
    s->index = i;
    stores_[s->id] = std::move(s);
  }
}

CentralSim::~CentralSim() = default;

std::vector<std::string> CentralSim::Subscriptions() {
  return {std::string(kPrefix) + "+/events", std::string(kPrefix) + "+/status"};
}

CentralSim::Store* CentralSim::StoreOf(const std::string& id) {
  auto it = stores_.find(id);
  return it == stores_.end() ? nullptr : it->second.get();
}

Outgoing CentralSim::Send(Store& s, const std::string& stream, const std::string& type, json data,
                          core::TimePoint now) {
  // A version-4 UUID from the seeded generator: the same run twice sends
  // the same ids.
  const uint64_t a = rng_(), b = rng_();
  char id[40];
  std::snprintf(id, sizeof id, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xfff),
                static_cast<unsigned>(0x8000 | ((b >> 48) & 0x3fff)),
                static_cast<unsigned long long>(b & 0xffffffffffffULL));
  json e = {{"id", id},
            {"type", type},
            {"store", s.id},
            {"stream", stream},
            {"seq", ++s.seq[stream]},
            {"ts", core::FormatRfc3339(now)},
            {"data", std::move(data)}};
  s.sent[stream].push_back(e.dump());
  ++s.messages;
  return {std::string(kPrefix) + s.id + "/" + stream, s.sent[stream].back()};
}

void CentralSim::Resend(Store& s, const std::string& stream, int64_t from_seq, std::vector<Outgoing>* out) {
  const auto& sent = s.sent[stream];
  int64_t n = 0;
  for (int64_t seq = std::max<int64_t>(from_seq, 1); seq <= static_cast<int64_t>(sent.size()); ++seq, ++n) {
    out->push_back({std::string(kPrefix) + s.id + "/" + stream, sent[static_cast<size_t>(seq - 1)]});
  }
  if (n > 0) {
    s.resent += n;
    Log(s.id + " → sent " + std::to_string(n) + " " + stream + " message(s) again from seq " +
        std::to_string(from_seq));
  }
}

core::Duration CentralSim::Jitter(double from_intervals, double to_intervals) {
  std::uniform_real_distribution<double> d(from_intervals, to_intervals);
  return std::chrono::duration_cast<core::Duration>(options_.order_interval * d(rng_));
}

void CentralSim::Start(Store& s, core::TimePoint now, std::vector<Outgoing>* out) {
  s.started = true;
  const std::string snap = s.id + "-snap-1";
  s.snapshot_as_of = s.ContiguousSeq();
  out->push_back(Send(s, "control", "sync.snapshot_follows", {{"snapshot_id", snap}}, now));
  const size_t per = std::max<size_t>(options_.snapshot_chunk, 1);
  const size_t chunks = std::max<size_t>((catalogue_.size() + per - 1) / per, 1);
  for (size_t c = 0; c < chunks; ++c) {
    json items = json::array();
    for (size_t i = c * per; i < std::min(catalogue_.size(), (c + 1) * per); ++i) {
      const auto& it = catalogue_[i];
      items.push_back({{"sku", it.sku},
                       {"gtin", Gtin14(it.ean13)},
                       {"on_hand", it.on_hand},
                       {"safety_stock", it.safety_stock},
                       {"location", it.location}});
    }
    out->push_back(Send(s, "inventory", "inventory.snapshot",
                        {{"snapshot_id", snap},
                         {"as_of_store_seq", s.snapshot_as_of},
                         {"chunk", c + 1},
                         {"chunks", chunks},
                         {"items", std::move(items)}},
                        now));
  }
  Log(s.id + " → inventory.snapshot " + snap + ": " + std::to_string(catalogue_.size()) + " items in " +
      std::to_string(chunks) + " chunk(s)");
  // A purchase order for what is out of stock: backorder lines wait on it.
  s.po_ref = "PO-" + s.id + "-1";
  json items = json::array();
  for (const auto& it : catalogue_) {
    if (it.on_hand == 0 && s.po_items.size() < 10) {
      s.po_items.emplace_back(it.sku, 6);
      items.push_back({{"sku", it.sku}, {"qty", 6}});
    }
  }
  if (!s.po_items.empty()) {
    out->push_back(Send(s, "inventory", "inventory.incoming",
                        {{"ref", s.po_ref},
                         {"eta", core::FormatRfc3339(now + std::chrono::hours(48))},
                         {"items", std::move(items)}},
                        now));
    Log(s.id + " → inventory.incoming " + s.po_ref + ": " + std::to_string(s.po_items.size()) + " SKUs");
  }
  // Stores start their orders spread over one interval.
  const auto n = std::max<size_t>(stores_.size(), 1);
  s.next_order = now + options_.order_interval / 4 +
                 options_.order_interval * static_cast<int64_t>(s.index) / static_cast<int64_t>(n);
}

void CentralSim::RouteOrder(Store& s, core::TimePoint now, std::vector<Outgoing>* out) {
  ++s.orders_sent;
  Order o;
  o.id = s.id + "-O" + Pad(s.orders_sent, 5);
  o.ref = "W-" + Pad(100000 + static_cast<int64_t>(rng_() % 900000), 6);
  o.kind = options_.kinds[rng_() % options_.kinds.size()];
  const bool pickup = o.kind == "bopis" || o.kind == "curbside";
  const std::string first = kFirst[rng_() % std::size(kFirst)];
  const std::string last = kLast[rng_() % std::size(kLast)];
  json lines = json::array();
  const int n_lines = 1 + static_cast<int>(rng_() % 3) + (Pct() < 10 ? 1 : 0);
  std::set<std::string> used;
  for (int i = 0; i < n_lines && !catalogue_.empty(); ++i) {
    const std::string line_id = std::to_string(i + 1);
    const CatalogueItem* item = nullptr;
    for (int tries = 0; tries < 20 && item == nullptr; ++tries) {
      const auto& c = catalogue_[rng_() % catalogue_.size()];
      if (c.on_hand > 0 && used.insert(c.sku).second) item = &c;
    }
    if (item == nullptr) break;
    int64_t qty = Pct() < 80 ? 1 : 2;
    std::string sku = item->sku;
    std::string description = item->description;
    json line = {{"line_id", line_id}, {"fulfil", "now"}};
    if (Pct() < options_.unfillable_pct) {
      if (Pct() < 50) {
        sku = "DISC-" + Pad(static_cast<int64_t>(rng_() % 100000), 5);  // discontinued: unknown to the store
        description = "Discontinued item";
      } else {
        qty = item->on_hand + 50;  // more than the store has
      }
    } else {
      line["gtin"] = Gtin14(item->ean13);
    }
    line["sku"] = sku;
    line["qty"] = qty;
    line["description"] = description;
    o.now_lines[line_id] = qty;
    lines.push_back(std::move(line));
  }
  if (!s.po_items.empty() && Pct() < options_.backorder_pct) {
    const auto& [sku, qty] = s.po_items[rng_() % s.po_items.size()];
    const std::string line_id = std::to_string(lines.size() + 1);
    const bool pre = Pct() < 50;
    std::string description = sku;
    for (const auto& c : catalogue_) {
      if (c.sku == sku) description = c.description;
    }
    lines.push_back({{"line_id", line_id},
                     {"sku", sku},
                     {"qty", 1},
                     {"description", description},
                     {"fulfil", pre ? "preorder" : "backorder"},
                     {"expected_at", core::FormatRfc3339(now + std::chrono::hours(48))}});
    o.waiting.insert(line_id);
    (void)qty;
  }
  json data = {
      {"order_id", o.id},
      {"order_ref", o.ref},
      {"kind", o.kind},
      {"priority", 1 + static_cast<int>(rng_() % 9)},
      {"placed_at", core::FormatRfc3339(now - std::chrono::minutes(5))},
      {"customer", {{"first_name", first}, {"last_name", last}, {"phone_last4", Pad(rng_() % 10000, 4)}}},
      {"lines", std::move(lines)}};
  if (pickup) {
    o.pickup_code = Pad(static_cast<int64_t>(rng_() % 1000000), 6);
    data["pickup_code"] = o.pickup_code;
    data["hold_until"] = core::FormatRfc3339(now + std::chrono::hours(72));
    data["promised_by"] = core::FormatRfc3339(now + std::chrono::hours(2));
    data["ship_to"] = nullptr;
  } else {
    o.ship_to = {{"name", first + " " + last},
                 {"line1", std::to_string(1 + rng_() % 400) + " " + kStreets[rng_() % std::size(kStreets)]},
                 {"city", kCities[rng_() % std::size(kCities)]},
                 {"postcode", Pad(10000 + static_cast<int64_t>(rng_() % 89999), 5)},
                 {"country", "US"}};
    data["ship_to"] = o.ship_to;
    data["carrier_service"] = o.kind == "same_day" ? "COURIER_SAMEDAY" : "UPS_GROUND";
    data["promised_by"] =
        core::FormatRfc3339(now + (o.kind == "same_day" ? std::chrono::hours(4) : std::chrono::hours(48)));
    data["pickup_code"] = nullptr;
    data["hold_until"] = nullptr;
  }
  const size_t n = data["lines"].size();
  out->push_back(Send(s, "orders", "order.routed", std::move(data), now));
  Log(s.id + " → order.routed " + o.id + " " + o.ref + " (" + o.kind + ", " + std::to_string(n) + " line" +
      (n == 1 ? "" : "s") + ") for " + first + " " + last + (pickup ? ", pickup code " + o.pickup_code : ""));
  s.order_ids.push_back(o.id);
  s.orders.emplace(o.id, std::move(o));

  if (options_.pos_sale_every > 0 && s.orders_sent % options_.pos_sale_every == 0) {
    const auto& c = catalogue_[rng_() % catalogue_.size()];
    if (c.on_hand > 0) {
      ++s.sales;
      out->push_back(Send(s, "inventory", "inventory.delta",
                          {{"sku", c.sku},
                           {"delta", -1},
                           {"reason", "pos_sale"},
                           {"ref", "POS-" + s.id + "-" + Pad(s.sales, 5)}},
                          now));
      Log(s.id + " → inventory.delta " + c.sku + " -1 (a sale at the till)");
    }
  }
  if (options_.receipt_after > 0 && s.orders_sent == options_.receipt_after && !s.po_received &&
      !s.po_items.empty()) {
    planned_.push_back({now + Jitter(0.5, 1.0), s.id, "receipt", ""});
  }
}

std::vector<Outgoing> CentralSim::OnMessage(const std::string& topic, const std::string& payload,
                                            core::TimePoint now) {
  std::vector<Outgoing> out;
  const auto [store_id, kind] = SplitTopic(topic);
  Store* s = StoreOf(store_id);
  if (s == nullptr) {
    if (kind == "events") ++foreign_events_;
    return out;
  }
  json j = json::parse(payload, nullptr, false);
  if (!j.is_object()) {
    s->problems.push_back(kind + ": a payload that is not a JSON object: " + payload.substr(0, 80));
    return out;
  }
  if (kind == "status") {
    if (j.value("store", "") != s->id) {
      s->problems.push_back("status names store '" + j.value("store", "") + "'");
      return out;
    }
    if (j.value("state", "") != "online") {
      Log(s->id + " ← status " + j.value("state", "?"));
      return out;
    }
    if (!s->started) {
      Log(s->id + " ← status online (version " + j.value("version", "?") + ")");
      Start(*s, now, &out);
    } else if (j.contains("next_seq") && j["next_seq"].is_object()) {
      for (const auto& [stream, next] : j["next_seq"].items()) {
        if (next.is_number_integer() && next.get<int64_t>() <= s->seq[stream]) {
          Resend(*s, stream, next.get<int64_t>(), &out);
        }
      }
    }
    return out;
  }
  if (kind == "events") OnEvent(*s, j, now, &out);
  return out;
}

void CentralSim::OnEvent(Store& s, const json& e, core::TimePoint now, std::vector<Outgoing>* out) {
  ++s.events;
  const std::string id = e.value("id", "");
  const std::string type = e.value("type", "");
  const int64_t seq = e.contains("seq") && e["seq"].is_number_integer() ? e["seq"].get<int64_t>() : 0;
  if (e.value("store", "") != s.id || e.value("stream", "") != "events" || id.empty() || seq <= 0 ||
      !e.contains("data") || !e["data"].is_object()) {
    s.problems.push_back("event " + id + " (seq " + std::to_string(seq) + ", store '" + e.value("store", "") +
                         "') does not fit the envelope of this store's events");
    return;
  }
  if (!s.event_ids.insert(id).second) {
    ++s.duplicates;  // at least once: the same event again has no second effect
    return;
  }
  if (!s.seqs.insert(seq).second) {
    s.problems.push_back("seq " + std::to_string(seq) + " came with two different ids");
    return;
  }
  ++s.types[type];
  const json& d = e["data"];
  const std::string order_id = d.value("order_id", "");
  auto oit = s.orders.find(order_id);
  Order* o = oit == s.orders.end() ? nullptr : &oit->second;
  if (o) o->last = type;
  auto sum_lines = [&](const char* what) {
    int64_t units = 0;
    if (!o || !d.contains("lines") || !d["lines"].is_array()) return units;
    for (const auto& l : d["lines"]) {
      const std::string line = l.value("line_id", "");
      const int64_t qty = l.value("qty", int64_t{0});
      units += qty;
      if (o->now_lines.count(line)) o->decided[line] += qty;
      if (o->waiting.erase(line) && std::string(what) == "accepted") {
        Log(s.id + " ← backorder line " + line + " of " + o->id + " filled from received stock");
      }
    }
    return units;
  };
  if (type == "order.accepted") {
    const int64_t units = sum_lines("accepted");
    Log(s.id + " ← order.accepted " + order_id + " (" + std::to_string(units) + " unit" +
        (units == 1 ? "" : "s") + ")");
    if (o && !o->cancel_planned && Pct() < options_.cancel_pct) {
      o->cancel_planned = true;
      planned_.push_back({now + Jitter(0.5, 2.0), s.id, "cancel", o->id});
    }
  } else if (type == "order.rejected") {
    const int64_t units = sum_lines("rejected");
    std::string reasons;
    for (const auto& l : d.value("lines", json::array())) {
      const std::string r = l.value("reason", "?");
      if (reasons.find(r) == std::string::npos) reasons += (reasons.empty() ? "" : ", ") + r;
    }
    Log(s.id + " ← order.rejected " + order_id + " (" + std::to_string(units) + " unit" +
        (units == 1 ? "" : "s") + ": " + reasons + ") — routed elsewhere");
  } else if (type == "order.packed") {
    for (const auto& p : d.value("packages", json::array())) {
      const std::string package_id = p.value("package_id", "");
      const std::string tracking = "1Z" + std::string("999AA1") +
                                   Pad(static_cast<int64_t>(rng_() % 100000000), 8) +
                                   std::to_string(rng_() % 10);
      const std::string carrier = o && o->kind == "same_day" ? "COURIER" : "UPS";
      const json ship_to = o ? o->ship_to : json::object();
      ++s.labels;
      out->push_back(Send(s, "shipments", "shipment.label",
                          {{"order_id", order_id},
                           {"package_id", package_id},
                           {"carrier", carrier},
                           {"tracking", tracking},
                           {"format", "zpl"},
                           {"data", Base64(ShippingLabelZpl(s.id, ship_to, carrier, tracking, package_id))}},
                          now));
      Log(s.id + " ← order.packed " + order_id + " → shipment.label " + package_id + " " + carrier + " " +
          tracking);
    }
  } else if (type == "order.ready_for_pickup") {
    Log(s.id + " ← order.ready_for_pickup " + order_id + " (" + std::to_string(d.value("bags", 0)) +
        " bag(s) at " + d.value("location", "?") + ")");
    if (o && !o->arrival_planned &&
        Pct() < (o->kind == "curbside" ? options_.arrive_pct : options_.arrive_pct / 2)) {
      o->arrival_planned = true;
      planned_.push_back({now + Jitter(0.5, 2.0), s.id, "arrive", o->id});
    }
  } else if (type == "order.cancelled") {
    if (o) o->cancel_answered = true;
    Log(s.id + " ← order.cancelled " + order_id + " (" + d.value("outcome", "?") + ")");
  } else if (type == "sync.replay_requested") {
    Log(s.id + " ← sync.replay_requested " + d.value("stream", "?") + " from " +
        std::to_string(d.value("from_seq", int64_t{0})));
    Resend(s, d.value("stream", ""), d.value("from_seq", int64_t{1}), out);
  } else if (type == "message.rejected") {
    s.problems.push_back("the store rejected message " + d.value("id", "?") + ": " + d.value("reason", "?"));
    Log(s.id + " ← message.rejected " + d.value("reason", "?"));
  } else if (type == "inventory.snapshot_applied") {
    Log(s.id + " ← inventory.snapshot_applied " + d.value("snapshot_id", "?"));
  } else if (type.rfind("order.", 0) == 0) {
    Log(s.id + " ← " + type + " " + order_id);
  }
}

std::vector<Outgoing> CentralSim::Tick(core::TimePoint now) {
  std::vector<Outgoing> out;
  for (auto& [id, sp] : stores_) {
    Store& s = *sp;
    if (!s.started || (options_.orders > 0 && s.orders_sent >= options_.orders)) continue;
    if (now >= s.next_order) {
      RouteOrder(s, now, &out);
      s.next_order += options_.order_interval;
      if (s.next_order <= now) s.next_order = now + options_.order_interval;
    }
  }
  std::vector<Planned> later;
  std::sort(planned_.begin(), planned_.end(), [](const Planned& a, const Planned& b) { return a.at < b.at; });
  for (const Planned& p : planned_) {
    if (p.at > now) {
      later.push_back(p);
      continue;
    }
    Store& s = *StoreOf(p.store);
    auto oit = s.orders.find(p.order_id);
    Order* o = oit == s.orders.end() ? nullptr : &oit->second;
    if (p.what == "cancel" && o) {
      // Only while the store can still stop the work (it answers too_late
      // otherwise, which is fine too).
      if (o->last == "order.shipped" || o->last == "order.picked_up" || o->last == "order.cancelled")
        continue;
      o->cancel_requested = true;
      ++s.cancels;
      out.push_back(Send(s, "orders", "order.cancel_requested",
                         {{"order_id", o->id}, {"reason", "customer_request"}}, now));
      Log(s.id + " → order.cancel_requested " + o->id + " (the customer changed their mind)");
    } else if (p.what == "arrive" && o) {
      if (o->last != "order.ready_for_pickup") continue;  // collected or cancelled meanwhile
      ++s.arrivals;
      json data = {
          {"order_id", o->id}, {"source", "app"}, {"vehicle", kVehicles[rng_() % std::size(kVehicles)]}};
      if (o->kind == "curbside") data["bay"] = std::to_string(1 + rng_() % 4);
      const std::string where =
          data.contains("bay") ? "bay " + data["bay"].get<std::string>() : "the counter";
      out.push_back(Send(s, "orders", "order.customer_arrived", std::move(data), now));
      Log(s.id + " → order.customer_arrived " + o->id + " (app: at " + where + ", pickup code " +
          o->pickup_code + ")");
    } else if (p.what == "receipt" && !s.po_received) {
      s.po_received = true;
      for (const auto& [sku, qty] : s.po_items) {
        ++s.receipts;
        out.push_back(Send(s, "inventory", "inventory.delta",
                           {{"sku", sku}, {"delta", qty}, {"reason", "receipt"}, {"ref", s.po_ref}}, now));
      }
      Log(s.id + " → inventory.delta receipt of " + s.po_ref + " (" + std::to_string(s.po_items.size()) +
          " SKUs): waiting backorders can be filled");
    }
  }
  planned_ = std::move(later);
  return out;
}

core::TimePoint CentralSim::NextWake(core::TimePoint now) const {
  core::TimePoint next = now + std::chrono::seconds(1);
  for (const auto& [id, s] : stores_) {
    if (s->started && (options_.orders == 0 || s->orders_sent < options_.orders))
      next = std::min(next, s->next_order);
  }
  for (const auto& p : planned_) next = std::min(next, p.at);
  return std::max(next, now);
}

bool CentralSim::Done() const {
  if (options_.orders == 0 || !planned_.empty()) return false;
  for (const auto& [id, s] : stores_) {
    if (!s->started || s->orders_sent < options_.orders) return false;
    if (s->ContiguousSeq() != s->MaxSeq()) return false;
    for (const auto& [oid, o] : s->orders) {
      if (!o.Decided() || (o.cancel_requested && !o.cancel_answered)) return false;
    }
  }
  return true;
}

json CentralSim::Report() const {
  json stores = json::object();
  bool ok = foreign_events_ == 0;
  for (const auto& [id, s] : stores_) {
    json missing = json::array();
    int64_t expect = 1;
    for (int64_t q : s->seqs) {
      for (; expect < q && missing.size() < 50; ++expect) missing.push_back(expect);
      expect = q + 1;
    }
    json undecided = json::array();
    int64_t decided = 0, waiting = 0, cancel_unanswered = 0;
    for (const auto& oid : s->order_ids) {
      const Order& o = s->orders.at(oid);
      if (o.Decided()) {
        ++decided;
      } else if (undecided.size() < 50) {
        undecided.push_back(oid);
      }
      waiting += static_cast<int64_t>(o.waiting.size());
      cancel_unanswered += o.cancel_requested && !o.cancel_answered;
    }
    ok = ok && s->problems.empty() && missing.empty();
    stores[id] = {{"started", s->started},
                  {"orders_sent", s->orders_sent},
                  {"orders_decided", decided},
                  {"undecided", undecided},
                  {"backorder_lines_waiting", waiting},
                  {"cancels_sent", s->cancels},
                  {"cancels_unanswered", cancel_unanswered},
                  {"labels_sent", s->labels},
                  {"arrivals_sent", s->arrivals},
                  {"pos_sales_sent", s->sales},
                  {"receipts_sent", s->receipts},
                  {"messages_sent", s->messages},
                  {"messages_resent", s->resent},
                  {"events", s->events},
                  {"event_duplicates", s->duplicates},
                  {"events_by_type", s->types},
                  {"max_seq", s->MaxSeq()},
                  {"contiguous_seq", s->ContiguousSeq()},
                  {"missing_seqs", missing},
                  {"problems", s->problems}};
  }
  return {{"done", Done()}, {"ok", ok}, {"foreign_events", foreign_events_}, {"stores", stores}};
}

std::string ShippingLabelZpl(const std::string& store, const json& ship_to, const std::string& carrier,
                             const std::string& tracking, const std::string& package_id) {
  auto field = [&](const char* k) {
    std::string v = ship_to.is_object() ? ship_to.value(k, "") : "";
    // ZPL's field data ends at ^FS and treats ^ and ~ as commands.
    for (char& c : v) {
      if (c == '^' || c == '~') c = ' ';
    }
    return v;
  };
  std::string z = "^XA^CI28^PW812^LL1218\n";
  z += "^FO40,40^A0N,40,40^FD" + carrier + "^FS\n";
  z += "^FO40,100^A0N,28,28^FDFROM: STORE " + store + "^FS\n";
  z += "^FO40,180^A0N,32,32^FDSHIP TO:^FS\n";
  z += "^FO40,225^A0N,40,40^FD" + field("name") + "^FS\n";
  z += "^FO40,275^A0N,40,40^FD" + field("line1") + "^FS\n";
  z += "^FO40,325^A0N,40,40^FD" + field("city") + " " + field("postcode") + " " + field("country") + "^FS\n";
  z += "^FO40,420^GB732,4,4^FS\n";
  z += "^FO60,470^BY3^BCN,200,Y,N,N^FD" + tracking + "^FS\n";
  z += "^FO40,760^A0N,28,28^FDPACKAGE " + package_id + "^FS\n";
  z += "^XZ\n";
  return z;
}

std::string Base64(const std::string& bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const uint32_t v = static_cast<uint32_t>(static_cast<unsigned char>(bytes[i])) << 16 |
                       static_cast<uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8 |
                       static_cast<unsigned char>(bytes[i + 2]);
    for (int k = 18; k >= 0; k -= 6) out += kAlphabet[(v >> k) & 63];
  }
  if (i < bytes.size()) {
    uint32_t v = static_cast<uint32_t>(static_cast<unsigned char>(bytes[i])) << 16;
    if (i + 1 < bytes.size()) v |= static_cast<uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

}  // namespace edge::sim
