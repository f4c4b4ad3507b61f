// Envelope validation and encoding (PROTOCOL.md, Envelope): each kind of bad
// message gets its exact reason, the readable parts of the envelope are
// reported, and only a readable slot consumes a seq.
#include "edge/sync/envelope.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace edge::sync {
namespace {

using json = nlohmann::json;

const std::string kTopic = "oms/v1/stores/S042/orders";

json Valid() {
  return json{{"id", "7f1c0a2e-3b9d-4c51-9a43-2f0e6c1d9b10"},
              {"type", "order.routed"},
              {"store", "S042"},
              {"stream", "orders"},
              {"seq", 1187},
              {"ts", "2026-11-27T10:15:03.120Z"},
              {"data", {{"order_id", "O-1001"}}}};
}

Decoded Decode(const std::string& payload, const std::string& stream = "orders") {
  return DecodeInbound("S042", "oms/v1/stores/S042/" + stream, stream, payload);
}

std::string ReasonOf(const json& j) {
  Decoded d = Decode(j.dump());
  EXPECT_FALSE(d.message.has_value()) << j.dump();
  return d.rejection.reason;
}

TEST(Envelope, ValidMessageIsDecoded) {
  json j = Valid();
  j["future_field"] = {1, 2};  // unknown fields are ignored
  Decoded d = Decode(j.dump());
  ASSERT_TRUE(d.message.has_value()) << d.rejection.reason;
  EXPECT_TRUE(d.has_slot);
  EXPECT_EQ(d.stream, "orders");
  EXPECT_EQ(d.seq, 1187);
  const InboundMessage& m = *d.message;
  EXPECT_EQ(m.topic, kTopic);
  EXPECT_EQ(m.id, "7f1c0a2e-3b9d-4c51-9a43-2f0e6c1d9b10");
  EXPECT_EQ(m.type, "order.routed");
  EXPECT_EQ(m.stream, "orders");
  EXPECT_EQ(m.seq, 1187);
  EXPECT_EQ(m.ts, "2026-11-27T10:15:03.120Z");
  EXPECT_EQ(json::parse(m.data_json), json({{"order_id", "O-1001"}}));
  EXPECT_EQ(m.payload, j.dump());
}

TEST(Envelope, EveryContractTypeIsAcceptedOnItsStream) {
  int n = 0;
  for (const std::string& stream : InboundStreams()) {
    for (const std::string& type : InboundTypes(stream)) {
      json j = Valid();
      j["type"] = type;
      j["stream"] = stream;
      Decoded d = Decode(j.dump(), stream);
      EXPECT_TRUE(d.message.has_value()) << type << ": " << d.rejection.reason;
      ++n;
    }
  }
  EXPECT_EQ(n, 10);
  EXPECT_EQ(StreamOfType("inventory.delta"), "inventory");
  EXPECT_EQ(StreamOfType("order.accepted"), "");  // an outbound type
}

TEST(Envelope, EachMistakeHasItsReason) {
  auto without = [](const char* f) {
    json j = Valid();
    j.erase(f);
    return j;
  };
  auto with = [](const char* f, json v) {
    json j = Valid();
    j[f] = std::move(v);
    return j;
  };
  EXPECT_EQ(ReasonOf(without("id")), "missing field 'id'");
  EXPECT_EQ(ReasonOf(without("type")), "missing field 'type'");
  EXPECT_EQ(ReasonOf(without("store")), "missing field 'store'");
  EXPECT_EQ(ReasonOf(without("ts")), "missing field 'ts'");
  EXPECT_EQ(ReasonOf(without("data")), "missing field 'data'");
  EXPECT_EQ(ReasonOf(with("id", 7)), "field 'id' must be a string, got an integer");
  EXPECT_EQ(ReasonOf(with("id", "")), "field 'id' must be 1 to 128 bytes long");
  EXPECT_EQ(ReasonOf(with("id", std::string(129, 'a'))), "field 'id' must be 1 to 128 bytes long");
  EXPECT_EQ(ReasonOf(with("seq", 0)), "field 'seq' must be a positive integer, got 0");
  EXPECT_EQ(ReasonOf(with("seq", 2.5)), "field 'seq' must be a positive integer, got 2.5");
  EXPECT_EQ(ReasonOf(with("seq", "3")), "field 'seq' must be a positive integer, got a string");
  EXPECT_EQ(ReasonOf(with("data", json::array())), "field 'data' must be an object, got an array");
  EXPECT_EQ(ReasonOf(with("ts", "yesterday")), "field 'ts' is not an RFC 3339 timestamp: 'yesterday'");
  EXPECT_EQ(ReasonOf(with("store", "S043")), "store 'S043' is not this store ('S042')");
  EXPECT_EQ(ReasonOf(with("stream", "inventory")),
            "stream 'inventory' does not match its topic's stream 'orders'");
  EXPECT_EQ(ReasonOf(with("type", "order.exploded")), "unknown type 'order.exploded'");
  EXPECT_EQ(ReasonOf(with("type", "inventory.delta")),
            "type 'inventory.delta' does not belong on stream 'orders'");
  EXPECT_EQ(Decode("{\"id\":").rejection.reason, "malformed JSON at byte 7");
  EXPECT_EQ(Decode("[1,2]").rejection.reason, "not a JSON object (got an array)");
}

TEST(Envelope, ReadablePartsAreReportedAndOnlyAReadableSlotConsumes) {
  // Missing `type`: id, stream and seq are readable; the slot is consumed.
  json j = Valid();
  j.erase("type");
  Decoded d = Decode(j.dump());
  EXPECT_EQ(d.rejection.id, "7f1c0a2e-3b9d-4c51-9a43-2f0e6c1d9b10");
  EXPECT_EQ(d.rejection.stream, "orders");
  EXPECT_EQ(d.rejection.seq, 1187);
  EXPECT_EQ(d.rejection.topic, kTopic);
  EXPECT_EQ(d.rejection.payload, j.dump());
  EXPECT_TRUE(d.has_slot);

  // Wrong store: still a slot of this topic's stream.
  j = Valid();
  j["store"] = "S043";
  EXPECT_TRUE(Decode(j.dump()).has_slot);

  // A stream other than the topic's: reported, but no slot (which stream's
  // seq it would consume cannot be trusted).
  j = Valid();
  j["stream"] = "inventory";
  d = Decode(j.dump());
  EXPECT_EQ(d.rejection.stream, "inventory");
  EXPECT_FALSE(d.has_slot);

  // No seq: no slot.
  j = Valid();
  j.erase("seq");
  d = Decode(j.dump());
  EXPECT_FALSE(d.rejection.seq.has_value());
  EXPECT_FALSE(d.has_slot);

  // An id too long to be one is not echoed back.
  j = Valid();
  j["id"] = std::string(200, 'a');
  d = Decode(j.dump());
  EXPECT_FALSE(d.rejection.id.has_value());
  EXPECT_TRUE(d.has_slot);

  // Bad JSON: nothing readable.
  d = Decode("not json");
  EXPECT_FALSE(d.rejection.id || d.rejection.stream || d.rejection.seq);
  EXPECT_FALSE(d.has_slot);
}

TEST(Envelope, OversizeIsRejectedButKeepsItsSlot) {
  json j = Valid();
  j["data"]["blob"] = std::string(kMaxPayloadBytes, 'x');
  const std::string payload = j.dump();
  Decoded d = Decode(payload);
  EXPECT_FALSE(d.message.has_value());
  EXPECT_EQ(d.rejection.reason, "payload is " + std::to_string(payload.size()) + " bytes, more than 1 MiB");
  EXPECT_TRUE(d.has_slot);
  EXPECT_EQ(d.seq, 1187);

  // Exactly 1 MiB is allowed.
  json k = Valid();
  const size_t base = k.dump().size() + std::string(R"(,"pad":"")").size();
  k["data"]["pad"] = std::string(kMaxPayloadBytes - base, 'y');
  ASSERT_EQ(k.dump().size(), kMaxPayloadBytes);
  EXPECT_TRUE(Decode(k.dump()).message.has_value());
}

TEST(Envelope, EventEnvelopeIsExact) {
  OutboundEvent e;
  e.seq = 42;
  e.id = "0b8f3c56-1d2e-4f3a-8b4c-5d6e7f809a1b";
  e.type = "order.accepted";
  e.data_json = R"({"order_id":"O-1001","lines":[{"line_id":"1","qty":2}]})";
  e.created_ms = 1795774503120;
  EXPECT_EQ(EncodeEvent("S042", e),
            R"({"id":"0b8f3c56-1d2e-4f3a-8b4c-5d6e7f809a1b","type":"order.accepted","store":"S042",)"
            R"("stream":"events","seq":42,"ts":"2026-11-27T10:15:03.120Z",)"
            R"("data":{"order_id":"O-1001","lines":[{"line_id":"1","qty":2}]}})");
  // The envelope is valid JSON whatever its strings hold.
  e.type = "order.\"accepted\"\n\u00e9";
  e.data_json = " {\"note\":\"caf\u00e9 \\\"x\\\"\",\"n\":[1,2.5]} ";
  const json parsed = json::parse(EncodeEvent("S042", e));
  EXPECT_EQ(parsed["type"], e.type);
  EXPECT_EQ(parsed["data"], json::parse(e.data_json));
  // Data that is not one JSON object is sent as {} (and logged).
  for (const std::string bad : {"not json", "", "[1]", "{\"a\":1} {}", "{\"a\":", "{\"a\":\"\xff\"}"}) {
    e.data_json = bad;
    const std::string sent = EncodeEvent("S042", e);
    EXPECT_NE(sent.find(R"("data":{}})"), std::string::npos) << bad << " -> " << sent;
    EXPECT_TRUE(json::accept(sent)) << sent;
  }
}

TEST(Envelope, ProtocolPayloads) {
  Rejection r;
  r.reason = "malformed JSON at byte 1";
  EXPECT_EQ(RejectedEventData(r), R"({"reason":"malformed JSON at byte 1"})");
  r.id = "m-1";
  r.stream = "orders";
  r.seq = 5;
  r.reason = "missing field 'type'";
  EXPECT_EQ(RejectedEventData(r),
            R"({"id":"m-1","stream":"orders","seq":5,"reason":"missing field 'type'"})");
  EXPECT_EQ(ReplayRequestedData("inventory", 12), R"({"stream":"inventory","from_seq":12})");
  EXPECT_EQ(OnlineStatus("S042", "0.1.0", core::FromUnixMillis(1795774503120), 3),
            R"({"store":"S042","state":"online","version":"0.1.0","since":"2026-11-27T10:15:03.120Z",)"
            R"("outbox_depth":3})");
  EXPECT_EQ(
      OnlineStatus("S042", "0.1.0", core::FromUnixMillis(1795774503120), 0, {{"orders", 13}, {"control", 1}}),
      R"({"store":"S042","state":"online","version":"0.1.0","since":"2026-11-27T10:15:03.120Z",)"
      R"("outbox_depth":0,"next_seq":{"control":1,"orders":13}})");
  EXPECT_EQ(OfflineStatus("S042"), R"({"store":"S042","state":"offline"})");
  EXPECT_EQ(*ReplayFromSeq(R"({"from_seq":7})"), 7);
  EXPECT_EQ(ReplayFromSeq(R"({})").status().message(), "missing field 'data.from_seq'");
  EXPECT_EQ(ReplayFromSeq(R"({"from_seq":0})").status().message(),
            "field 'data.from_seq' must be a positive integer");
}

}  // namespace
}  // namespace edge::sync
