// The wire format of PROTOCOL.md: envelope validation of inbound messages,
// the outbound envelope, and the payloads of sync's own messages
// (message.rejected, sync.replay_requested, the retained status).
//
// Pure functions, no I/O; any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "edge/core/clock.h"
#include "edge/sync/ports.h"

namespace edge::sync {

// Payloads larger than this are rejected (PROTOCOL.md, Transport).
inline constexpr size_t kMaxPayloadBytes = size_t{1} << 20;

// The four inbound streams, in topic order.
const std::vector<std::string>& InboundStreams();

// The message types the contract defines on an inbound `stream` (empty for
// an unknown stream).
const std::vector<std::string>& InboundTypes(const std::string& stream);

// The inbound stream a contract type belongs to, or "" for a type the
// contract does not define.
std::string StreamOfType(const std::string& type);

// The outcome of reading one inbound message.
struct Decoded {
  // Set when the envelope is valid; then `rejection` is unused.
  std::optional<InboundMessage> message;
  // Why the message is refused, with whatever of its envelope was readable.
  Rejection rejection;
  // True when the message occupies a seq slot: its envelope's stream equals
  // the topic's stream and its seq is a positive integer. A refused message
  // with a slot still consumes its seq (one bad message never stalls a
  // stream); one without a slot consumes nothing.
  bool has_slot = false;
  std::string stream;  // the slot, when has_slot
  int64_t seq = 0;
};

// Reads `payload` received on `topic`, which carries inbound stream
// `topic_stream`, for store `store_id`. Checks, in this order: size (at
// most kMaxPayloadBytes), JSON, an object, each envelope field present with
// its type (id: non-empty string of at most 128 bytes; type, store, stream:
// strings; seq: integer >= 1; ts: RFC 3339 string; data: object), store ==
// store_id, stream == topic_stream, type defined by the contract, type
// belonging to the stream. Unknown fields are ignored. The first failure
// becomes rejection.reason, e.g. "missing field 'seq'".
Decoded DecodeInbound(const std::string& store_id, const std::string& topic, const std::string& topic_stream,
                      const std::string& payload);

// The envelope of one outbound event on stream `events`:
// {"id","type","store","stream":"events","seq","ts","data"}, fields in that
// order, compact. A `data_json` that is not a JSON object (a bug of whoever
// appended it) is sent as {} and logged.
std::string EncodeEvent(const std::string& store_id, const OutboundEvent& event);

// `data` of message.rejected: {"id"?, "stream"?, "seq"?, "reason"}; fields
// that could not be read are left out.
std::string RejectedEventData(const Rejection& rejection);

// `data` of sync.replay_requested: {"stream", "from_seq"}.
std::string ReplayRequestedData(const std::string& stream, int64_t from_seq);

// The retained status published on connect:
// {"store","state":"online","version","since","outbox_depth","next_seq"}.
// `next_seq` (an extension, see docs/protocol.md) is the seq the node
// expects next on each inbound stream, so the central side can re-send what
// the node never applied even when nothing follows it to reveal a gap (a
// message acknowledged by the MQTT library but not yet applied when the node
// lost power). Omitted when empty.
std::string OnlineStatus(const std::string& store_id, const std::string& version, core::TimePoint since,
                         int64_t outbox_depth, const std::map<std::string, int64_t>& next_seq = {});

// The retained status of a node that is away (the MQTT will, and what a
// clean shutdown publishes): {"store","state":"offline"}.
std::string OfflineStatus(const std::string& store_id);

// Reads `from_seq` of a sync.replay message's data. Returns InvalidArgument
// naming the field when it is missing or not a positive integer.
core::Result<int64_t> ReplayFromSeq(const std::string& data_json);

}  // namespace edge::sync
