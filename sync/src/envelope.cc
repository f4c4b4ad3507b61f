#include "edge/sync/envelope.h"

#include <cctype>
#include <nlohmann/json.hpp>
#include <string_view>

#include "edge/log/log.h"

namespace edge::sync {

using json = nlohmann::json;
using ordered_json = nlohmann::ordered_json;

const std::vector<std::string>& InboundStreams() {
  static const std::vector<std::string> k = {"orders", "inventory", "shipments", "control"};
  return k;
}

const std::vector<std::string>& InboundTypes(const std::string& stream) {
  static const std::vector<std::string> kOrders = {"order.routed", "order.cancel_requested", "order.updated",
                                                   "order.customer_arrived"};
  static const std::vector<std::string> kInventory = {"inventory.snapshot", "inventory.delta",
                                                      "inventory.incoming"};
  static const std::vector<std::string> kShipments = {"shipment.label"};
  static const std::vector<std::string> kControl = {"sync.replay", "sync.snapshot_follows"};
  static const std::vector<std::string> kNone;
  if (stream == "orders") return kOrders;
  if (stream == "inventory") return kInventory;
  if (stream == "shipments") return kShipments;
  if (stream == "control") return kControl;
  return kNone;
}

std::string StreamOfType(const std::string& type) {
  for (const std::string& s : InboundStreams()) {
    for (const std::string& t : InboundTypes(s)) {
      if (t == type) return s;
    }
  }
  return "";
}

namespace {

constexpr size_t kMaxIdBytes = 128;

bool IsPositiveInteger(const json& v) {
  if (v.is_number_unsigned()) return v.get<uint64_t>() >= 1 && v.get<uint64_t>() <= INT64_MAX;
  if (v.is_number_integer()) return v.get<int64_t>() >= 1;
  return false;
}

const char* JsonTypeName(const json& v) {
  switch (v.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::object:
      return "an object";
    case json::value_t::array:
      return "an array";
    case json::value_t::string:
      return "a string";
    case json::value_t::boolean:
      return "a boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return "an integer";
    case json::value_t::number_float:
      return "a number with a fraction";
    default:
      return "something else";
  }
}

// Fills the readable parts of the envelope into `d.rejection` and the slot,
// whatever else is wrong with it, so that a refusal can name them.
void ReadWhatIsReadable(const json& j, const std::string& topic_stream, Decoded& d) {
  // An id is reported back only when it could be one (not empty, not longer
  // than kMaxIdBytes): a rejection does not echo arbitrary bulk.
  if (auto it = j.find("id"); it != j.end() && it->is_string()) {
    const std::string& id = it->get_ref<const std::string&>();
    if (!id.empty() && id.size() <= kMaxIdBytes) d.rejection.id = id;
  }
  if (auto it = j.find("stream"); it != j.end() && it->is_string())
    d.rejection.stream = it->get<std::string>();
  if (auto it = j.find("seq"); it != j.end() && IsPositiveInteger(*it)) d.rejection.seq = it->get<int64_t>();
  if (d.rejection.stream && d.rejection.seq && *d.rejection.stream == topic_stream) {
    d.has_slot = true;
    d.stream = topic_stream;
    d.seq = *d.rejection.seq;
  }
}

Decoded Refuse(Decoded d, std::string reason) {
  d.message.reset();
  d.rejection.reason = std::move(reason);
  return d;
}

}  // namespace

Decoded DecodeInbound(const std::string& store_id, const std::string& topic, const std::string& topic_stream,
                      const std::string& payload) {
  Decoded d;
  d.rejection.topic = topic;
  d.rejection.payload = payload;
  json j;
  try {
    j = json::parse(payload);
  } catch (const json::parse_error& e) {
    const std::string why = "malformed JSON at byte " + std::to_string(e.byte);
    if (payload.size() > kMaxPayloadBytes) {
      return Refuse(std::move(d), "payload is " + std::to_string(payload.size()) + " bytes, more than 1 MiB");
    }
    return Refuse(std::move(d), why);
  }
  if (!j.is_object()) {
    if (payload.size() > kMaxPayloadBytes) {
      return Refuse(std::move(d), "payload is " + std::to_string(payload.size()) + " bytes, more than 1 MiB");
    }
    return Refuse(std::move(d), std::string("not a JSON object (got ") + JsonTypeName(j) + ")");
  }
  ReadWhatIsReadable(j, topic_stream, d);
  // Oversize is checked after reading the envelope so that an oversize
  // message still names itself and consumes its seq.
  if (payload.size() > kMaxPayloadBytes) {
    return Refuse(std::move(d), "payload is " + std::to_string(payload.size()) + " bytes, more than 1 MiB");
  }
  for (const char* field : {"id", "type", "store", "stream", "seq", "ts", "data"}) {
    if (!j.contains(field)) return Refuse(std::move(d), std::string("missing field '") + field + "'");
  }
  for (const char* field : {"id", "type", "store", "stream", "ts"}) {
    if (!j[field].is_string()) {
      return Refuse(std::move(d),
                    std::string("field '") + field + "' must be a string, got " + JsonTypeName(j[field]));
    }
  }
  const std::string id = j["id"].get<std::string>();
  if (id.empty() || id.size() > kMaxIdBytes) {
    return Refuse(std::move(d), "field 'id' must be 1 to 128 bytes long");
  }
  if (!IsPositiveInteger(j["seq"])) {
    return Refuse(std::move(d), std::string("field 'seq' must be a positive integer, got ") +
                                    (j["seq"].is_number() ? j["seq"].dump() : JsonTypeName(j["seq"])));
  }
  if (!j["data"].is_object()) {
    return Refuse(std::move(d),
                  std::string("field 'data' must be an object, got ") + JsonTypeName(j["data"]));
  }
  const std::string ts = j["ts"].get<std::string>();
  core::TimePoint parsed_ts;
  if (!core::ParseRfc3339(ts, &parsed_ts)) {
    return Refuse(std::move(d), "field 'ts' is not an RFC 3339 timestamp: '" + ts.substr(0, 64) + "'");
  }
  const std::string store = j["store"].get<std::string>();
  if (store != store_id) {
    return Refuse(std::move(d), "store '" + store.substr(0, 64) + "' is not this store ('" + store_id + "')");
  }
  const std::string stream = j["stream"].get<std::string>();
  if (stream != topic_stream) {
    return Refuse(std::move(d), "stream '" + stream.substr(0, 64) + "' does not match its topic's stream '" +
                                    topic_stream + "'");
  }
  const std::string type = j["type"].get<std::string>();
  const std::string home = StreamOfType(type);
  if (home.empty()) return Refuse(std::move(d), "unknown type '" + type.substr(0, 64) + "'");
  if (home != stream) {
    return Refuse(std::move(d), "type '" + type + "' does not belong on stream '" + stream + "'");
  }
  InboundMessage m;
  m.topic = topic;
  m.stream = stream;
  m.seq = j["seq"].get<int64_t>();
  m.id = id;
  m.type = type;
  m.ts = ts;
  m.data_json = j["data"].dump();
  m.data = std::make_shared<const json>(std::move(j["data"]));
  m.payload = payload;
  d.message = std::move(m);
  return d;
}

std::string EncodeEvent(const std::string& store_id, const OutboundEvent& e) {
  // The stored data is spliced in as written (by a dump(), when the event
  // was committed), once checked to be one JSON object: parsing it into a
  // tree and writing that out again was most of the cost of sending an
  // event. The envelope's own strings are escaped as JSON strings.
  std::string_view data = e.data_json;
  while (!data.empty() && std::isspace(static_cast<unsigned char>(data.front()))) data.remove_prefix(1);
  while (!data.empty() && std::isspace(static_cast<unsigned char>(data.back()))) data.remove_suffix(1);
  if (data.empty() || data.front() != '{' || !ordered_json::accept(data.begin(), data.end())) {
    log::Error("sync.event_data_invalid").Kv("seq", e.seq).Kv("type", e.type).Kv("sent_as", "{}");
    data = "{}";
  }
  auto quoted = [](const std::string& v) { return ordered_json(v).dump(); };
  std::string out;
  out.reserve(data.size() + e.id.size() + e.type.size() + store_id.size() + 120);
  out += R"({"id":)";
  out += quoted(e.id);
  out += R"(,"type":)";
  out += quoted(e.type);
  out += R"(,"store":)";
  out += quoted(store_id);
  out += R"(,"stream":"events","seq":)";
  out += std::to_string(e.seq);
  out += R"(,"ts":)";
  out += quoted(core::FormatRfc3339(core::FromUnixMillis(e.created_ms)));
  out += R"(,"data":)";
  out += data;
  out += '}';
  return out;
}

std::string RejectedEventData(const Rejection& r) {
  ordered_json j = ordered_json::object();
  if (r.id) j["id"] = *r.id;
  if (r.stream) j["stream"] = *r.stream;
  if (r.seq) j["seq"] = *r.seq;
  j["reason"] = r.reason;
  // A reason may quote bytes of a bad message that are not UTF-8; replace
  // them rather than fail to report the rejection.
  return j.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

std::string ReplayRequestedData(const std::string& stream, int64_t from_seq) {
  ordered_json j;
  j["stream"] = stream;
  j["from_seq"] = from_seq;
  return j.dump();
}

std::string OnlineStatus(const std::string& store_id, const std::string& version, core::TimePoint since,
                         int64_t outbox_depth, const std::map<std::string, int64_t>& next_seq) {
  ordered_json j;
  j["store"] = store_id;
  j["state"] = "online";
  j["version"] = version;
  j["since"] = core::FormatRfc3339(since);
  j["outbox_depth"] = outbox_depth;
  if (!next_seq.empty()) {
    ordered_json n = ordered_json::object();
    for (const auto& [stream, seq] : next_seq) n[stream] = seq;
    j["next_seq"] = n;
  }
  return j.dump();
}

std::string OfflineStatus(const std::string& store_id) {
  ordered_json j;
  j["store"] = store_id;
  j["state"] = "offline";
  return j.dump();
}

core::Result<int64_t> ReplayFromSeq(const std::string& data_json) {
  const json j = json::parse(data_json, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return core::Status::InvalidArgument("data must be an object");
  auto it = j.find("from_seq");
  if (it == j.end()) return core::Status::InvalidArgument("missing field 'data.from_seq'");
  if (!IsPositiveInteger(*it)) {
    return core::Status::InvalidArgument("field 'data.from_seq' must be a positive integer");
  }
  return it->get<int64_t>();
}

}  // namespace edge::sync
