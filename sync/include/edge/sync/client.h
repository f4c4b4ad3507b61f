// SyncClient: the node's MQTT link to the central OMS (PROTOCOL.md) — the
// Paho async client driven from the daemon's io_context.
//
//   stopped --Start--> connecting --connected--> connected
//      ^                 |    ^                    |
//      |          failed |    | backoff timer      | connection lost
//      |                 v    |                    v
//      |               waiting <-------------------+
//      |                                            (any state) --Stop--> stopping
//      +----------------------------------------------------------------------+
//
// On every connect (persistent session, client id storeedge-<store>, QoS 1,
// retained offline will) it subscribes to the four inbound topics again —
// Paho does not resubscribe by itself, and a broker that lost the session
// would otherwise leave the node deaf — publishes the retained online
// status, and resumes the outbox from the first unacknowledged event.
// Reconnects back off exponentially with jitter; the broker being away is
// never fatal. Stop() publishes the retained offline status, then
// disconnects, within a deadline.
//
// Paho's own offline buffer and file persistence are off: they do not fsync
// and the buffer drops messages when full; the SQLite outbox is the only
// source of truth. Paho callbacks run on Paho's threads: each decodes what it
// got into plain values and posts them to the io_context; none waits on a
// token. TLS verifies the broker's certificate and its host name.
//
// Create, Start, Kick, Stop, GetStatus and the destructor: io_context thread
// only (Create may also run before the io_context runs). The Outbox, Inbox,
// Clock and io_context must outlive the client.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "edge/core/clock.h"
#include "edge/core/status.h"
#include "edge/sync/inbound.h"
#include "edge/sync/ports.h"

namespace edge::sync {

struct SyncOptions {
  std::string store_id;                      // [A-Za-z0-9_-]{1,32}
  std::string uri = "tcp://127.0.0.1:1883";  // tcp://host:port or ssl://host:port
  std::string ca_file;                       // TLS: CA of the broker ("" = system CAs)
  std::string cert_file;                     // TLS client certificate ("" = none)
  std::string key_file;                      // its key
  std::string username;                      // "" = none
  std::string password;
  std::chrono::seconds keepalive{30};
  std::chrono::seconds connect_timeout{10};
  std::chrono::milliseconds reconnect_min{500};
  std::chrono::milliseconds reconnect_max{30000};
  std::chrono::milliseconds gap_timeout{5000};
  std::chrono::milliseconds max_replay_interval{300000};
  std::chrono::milliseconds outbox_poll{1000};  // backstop when nobody calls Kick()
  int publish_window = 64;                      // events in flight
  std::string version;                          // reported in the online status
  std::function<double()> jitter;               // [0,1); default RandomJitter()
};

struct SyncStatus {
  std::string state;  // "stopped", "connecting", "connected", "waiting", "stopping"
  bool connected = false;
  std::string broker;
  std::string client_id;
  std::string last_error;      // "" when none since the last connect
  int reconnect_attempts = 0;  // failed attempts since the last connect
  int64_t connects = 0;        // successful connects since Start
  std::optional<core::TimePoint> connected_since;
  std::optional<int64_t> outbox_depth;  // nullopt when the outbox could not be read
  size_t in_flight = 0;
  int64_t last_acked_seq = 0;
  std::map<std::string, int64_t> last_seq;  // inbound stream -> last seq settled
  std::map<std::string, size_t> held;       // inbound stream -> messages held
  InboundCounters inbound;
};

class SyncClient {
 public:
  // Checks the options and builds the Paho client (nothing connects yet).
  // InvalidArgument names the option that is wrong.
  static core::Result<std::unique_ptr<SyncClient>> Create(boost::asio::io_context& io, SyncOptions options,
                                                          Outbox& outbox, Inbox& inbox,
                                                          const core::Clock& clock);
  ~SyncClient();
  SyncClient(const SyncClient&) = delete;
  SyncClient& operator=(const SyncClient&) = delete;

  // Loads the inbound state from the inbox and starts connecting. Fails only
  // when the inbox cannot be read; the broker being away is not a failure.
  core::Status Start();

  // New events were committed to the outbox: publish them now.
  void Kick();

  // Publishes the retained offline status (when connected), disconnects, and
  // calls `done` on the io_context thread — at the latest after `timeout`.
  void Stop(std::chrono::milliseconds timeout, std::function<void()> done);

  // Applies what may change while running (a config reload): the gap
  // timeout (for gaps seen from now on) and the publish window.
  void Reconfigure(std::chrono::milliseconds gap_timeout, int publish_window);

  SyncStatus GetStatus() const;

  struct Impl;

 private:
  explicit SyncClient(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

}  // namespace edge::sync
