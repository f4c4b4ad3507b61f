// Publisher: drains the outbox onto the `events` topic, in seq order, with a
// bounded window of messages in flight (sent, PUBACK not yet received).
//
// The SQLite outbox is the only source of truth: an event is marked
// published when its PUBACK arrives, and after a reconnect or a restart the
// publisher starts again from the first event not acknowledged. An event
// whose PUBACK was lost with the connection is therefore sent again
// (at-least-once, as the contract says; the OMS de-duplicates by id).
// sync.replay re-sends events from a seq, acknowledged or not, before new
// ones.
//
// No I/O of its own: it talks to MQTT through a PublishTransport, so its
// logic is tested without a broker. Owned by the io_context thread.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "edge/core/status.h"
#include "edge/sync/ports.h"
#include "edge/sync/topics.h"

namespace edge::sync {

class PublishTransport {
 public:
  virtual ~PublishTransport() = default;
  // Hands one QoS 1, non-retained message to MQTT. Its PUBACK or failure is
  // reported later to Publisher::OnAck / OnFailed with the same `tag`. An
  // error means MQTT refused it at once (not connected, its own limit
  // reached); then nothing is pending for `tag`.
  virtual core::Status Publish(const std::string& topic, const std::string& payload, uint64_t tag) = 0;
};

class Publisher {
 public:
  Publisher(Outbox& outbox, PublishTransport& transport, std::string store_id, int window);

  // A connection is up (its session may be new): sending resumes from the
  // first unacknowledged event.
  void OnConnected();
  // The connection is gone: whatever was in flight counts as not sent.
  void OnDisconnected();

  // Sends events until `window` are in flight or none is left. Cheap when
  // there is nothing to do; call it after every change that may have added
  // events, after acks, and from a periodic timer.
  void Pump();

  // sync.replay: re-send every event with seq >= from_seq (those still
  // kept), in seq order, ahead of new ones.
  void Replay(int64_t from_seq);

  // The outcome of a Publish() made with `tag`. Tags of a connection that is
  // gone are recognised: their acks still mark the event published.
  // The broker acknowledged the message tagged `tag`: it leaves the window
  // at once; its seq is marked published in the outbox by the next
  // FlushAcks() (or Pump()), so a burst of PUBACKs costs one transaction.
  void OnAck(uint64_t tag);
  // Marks every acknowledged seq not yet marked, in one call to the outbox.
  void FlushAcks();
  size_t pending_acks() const { return acks_.size(); }
  void OnFailed(uint64_t tag, const std::string& error);

  // Changes the window (a config reload); in-flight messages stay in flight.
  void set_window(int window) { window_ = static_cast<size_t>(std::max(window, 1)); }

  bool connected() const { return connected_; }
  size_t in_flight() const { return in_flight_.size(); }
  int64_t last_acked_seq() const { return last_acked_seq_; }
  int64_t acked_total() const { return acked_total_; }
  int64_t replayed_total() const { return replayed_total_; }
  const std::string& last_error() const { return last_error_; }

  // Tag layout, exposed for tests: generation (16 bits) | replay (1) | seq (47).
  static uint64_t MakeTag(uint16_t generation, bool replay, int64_t seq);

 private:
  struct Tag {
    uint16_t generation;
    bool replay;
    int64_t seq;
  };
  static Tag ParseTag(uint64_t tag);
  // Sends one event; false when the transport refused it (stop pumping).
  bool Send(const OutboundEvent& e, bool replay);

  Outbox& outbox_;
  std::vector<int64_t> acks_;  // acknowledged, not yet marked
  PublishTransport& transport_;
  std::string store_id_;
  Topics topics_;
  size_t window_;

  bool connected_ = false;
  bool pumping_ = false;
  uint16_t generation_ = 0;
  // The normal path has sent every unacknowledged event up to this seq in
  // the current connection.
  int64_t sent_through_ = 0;
  // A replay in progress: the next seq to re-send.
  std::optional<int64_t> replay_next_;
  std::set<std::pair<int64_t, bool>> in_flight_;  // (seq, replay)

  int64_t last_acked_seq_ = 0;
  int64_t acked_total_ = 0;
  int64_t replayed_total_ = 0;
  std::string last_error_;
};

}  // namespace edge::sync
