#include "edge/sync/client.h"

#include <mqtt/async_client.h>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <mutex>

#include "edge/core/ids.h"
#include "edge/log/log.h"
#include "edge/sync/backoff.h"
#include "edge/sync/envelope.h"
#include "edge/sync/publisher.h"
#include "edge/sync/socket_tuning.h"
#include "edge/sync/topics.h"

namespace edge::sync {

namespace asio = boost::asio;

namespace {

enum class State { kStopped, kConnecting, kConnected, kWaiting, kStopping };

const char* StateName(State s) {
  switch (s) {
    case State::kStopped:
      return "stopped";
    case State::kConnecting:
      return "connecting";
    case State::kConnected:
      return "connected";
    case State::kWaiting:
      return "waiting";
    case State::kStopping:
      return "stopping";
  }
  return "stopped";
}

// Paho's MQTT 3.1.1 CONNACK refusals arrive as the failure code; anything
// else is a Paho C error code.
std::string DescribeConnectFailure(int rc, bool tls) {
  switch (rc) {
    case 1:
      return "refused by the broker: unacceptable protocol version";
    case 2:
      return "refused by the broker: client identifier rejected";
    case 3:
      return "refused by the broker: server unavailable";
    case 4:
      return "refused by the broker: bad user name or password";
    case 5:
      return "refused by the broker: not authorized";
    default:
      break;
  }
  if (rc == MQTTASYNC_FAILURE) {
    // What Paho reports for a refused or dropped TCP connection, and for a
    // failed TLS handshake.
    std::string text =
        "no MQTT connection (broker not running or not reachable, or it closed the connection)";
    if (tls) {
      text +=
          "; with TLS also a rejected certificate: check ca_file, cert_file, key_file and that the "
          "broker's certificate names the host in uri";
    }
    return text;
  }
  std::string text = mqtt::exception::error_str(rc);
  if (text.empty()) text = "error";
  return text + " (code " + std::to_string(rc) + ")";
}

// Paho 1.3.12 takes tcp:// and ssl://; the config also allows the mqtt://
// and mqtts:// spellings.
std::string PahoUri(const std::string& uri) {
  if (uri.rfind("mqtt://", 0) == 0) return "tcp://" + uri.substr(7);
  if (uri.rfind("mqtts://", 0) == 0) return "ssl://" + uri.substr(8);
  return uri;
}

bool IsTls(const std::string& uri) { return uri.rfind("ssl://", 0) == 0 || uri.rfind("mqtts://", 0) == 0; }

// Runs on Paho's threads: hands each outcome to `fn`, which must only copy
// plain values out of the token and post them.
class Listener final : public mqtt::iaction_listener {
 public:
  using Fn = std::function<void(bool ok, const mqtt::token& token)>;
  explicit Listener(Fn fn) : fn_(std::move(fn)) {}
  void on_success(const mqtt::token& token) override { fn_(true, token); }
  void on_failure(const mqtt::token& token) override { fn_(false, token); }

 private:
  Fn fn_;
};

constexpr uintptr_t kStatusOnline = 1;
constexpr uintptr_t kStatusOffline = 2;

}  // namespace

struct SyncClient::Impl final : public PublishTransport, public std::enable_shared_from_this<Impl> {
  Impl(asio::io_context& io_context, SyncOptions o, Outbox& ob, Inbox& ib, const core::Clock& c)
      : io(io_context),
        options(std::move(o)),
        outbox(ob),
        inbox(ib),
        clock(c),
        topics(options.store_id),
        client_id("storeedge-" + options.store_id),
        tls(IsTls(options.uri)),
        inbound(InboundOptions{options.store_id, options.gap_timeout, options.max_replay_interval,
                               std::chrono::seconds(1)},
                ib, ob, c),
        publisher(ob, *this, options.store_id, options.publish_window),
        backoff(options.reconnect_min, options.reconnect_max,
                options.jitter ? options.jitter : RandomJitter()),
        reconnect_timer(io),
        gap_timer(io),
        poll_timer(io),
        stop_timer(io) {}

  ~Impl() override {
    // Not inside a Paho callback (this runs on the io_context thread), so
    // waiting for the disconnect here cannot deadlock Paho.
    try {
      if (client && client->is_connected()) client->disconnect(0)->wait_for(std::chrono::seconds(2));
    } catch (const std::exception& e) {
      log::Debug("sync.disconnect_on_destroy").Kv("error", e.what());
    }
    client.reset();
  }

  core::Status Init();
  void Connect();
  void OnConnected();
  void OnConnectFailed(int rc);
  void OnConnectionLost(const std::string& cause);
  void ScheduleReconnect();
  void Subscribe();
  void OnSubscribed(bool ok, int rc);
  void PublishStatus(uintptr_t which);
  void OnStatusDone(uintptr_t which, bool ok, int rc);
  void OnMessage(const std::string& topic, const std::string& payload);
  // Handles the messages that arrived since the last call, up to
  // kMaxBatch, as one batch (Inbox::BeginBatch/EndBatch), then publishes
  // what they produced.
  void DrainArrivals();
  static constexpr size_t kMaxBatch = 256;
  // Messages Paho delivered, waiting for the io_context thread. Shared with
  // Paho's callback, which must not own the Impl.
  struct Arrivals {
    std::mutex mu;
    std::deque<std::pair<std::string, std::string>> messages;
    bool drain_posted = false;
  };
  std::shared_ptr<Arrivals> arrivals = std::make_shared<Arrivals>();
  bool DrainPending() {
    std::lock_guard<std::mutex> g(arrivals->mu);
    return arrivals->drain_posted;
  }
  void AfterChange();
  void ArmGapTimer();
  void ArmPollTimer();
  void Disconnect();
  void FinishStop(const char* why);
  core::Status Publish(const std::string& topic, const std::string& payload, uint64_t tag) override;

  // Runs `f(impl)` on the io_context thread if the client still exists then.
  // Safe to call from Paho's threads: it touches nothing of the Impl.
  struct Poster {
    asio::io_context* io;
    std::weak_ptr<Impl> impl;
    template <typename F>
    void operator()(F f) const {
      asio::post(*io, [w = impl, f = std::move(f)]() mutable {
        if (auto p = w.lock()) f(*p);
      });
    }
  };
  // An Asio completion handler that runs `f(impl, ec)` only while the
  // client exists and the wait was not cancelled.
  template <typename F>
  auto OnTimer(F f) {
    return [w = weak_from_this(), f = std::move(f)](const boost::system::error_code& ec) mutable {
      auto p = w.lock();
      if (!p || ec) return;
      f(*p);
    };
  }

  asio::io_context& io;
  SyncOptions options;
  Outbox& outbox;
  Inbox& inbox;
  const core::Clock& clock;
  Topics topics;
  std::string client_id;
  bool tls;
  InboundProcessor inbound;
  Publisher publisher;
  Backoff backoff;
  asio::steady_timer reconnect_timer;
  asio::steady_timer gap_timer;
  asio::steady_timer poll_timer;
  bool ack_flush_posted = false;
  // Marks the PUBACKs that arrived together in one transaction, after every
  // completion already queued on the io_context has run, then refills the
  // window.
  void ScheduleAckFlush() {
    if (ack_flush_posted) return;
    ack_flush_posted = true;
    asio::post(io, [w = weak_from_this()] {
      auto p = w.lock();
      if (!p) return;
      p->ack_flush_posted = false;
      // Messages are waiting to be applied: their batch marks these acks in
      // its own transaction and pumps after it (one disk sync, not two).
      if (p->DrainPending()) return;
      p->publisher.Pump();
    });
  }
  asio::steady_timer stop_timer;
  std::optional<core::TimePoint> gap_armed_for;

  State state = State::kStopped;
  std::string last_error;
  int reconnect_attempts = 0;
  int64_t connects = 0;
  std::optional<core::TimePoint> connected_since;
  std::function<void()> stop_done;

  mqtt::connect_options connect_options;
  mqtt::token_ptr subscribe_token;
  // The listeners outlive the Paho client (declared before it): a token
  // completing while the client is destroyed still finds them.
  std::unique_ptr<Listener> connect_listener;
  std::unique_ptr<Listener> event_listener;
  std::unique_ptr<Listener> status_listener;
  std::unique_ptr<Listener> subscribe_listener;
  std::unique_ptr<Listener> disconnect_listener;
  std::unique_ptr<mqtt::async_client> client;
};

core::Status SyncClient::Impl::Init() {
  const Poster post{&io, weak_from_this()};
  connect_listener = std::make_unique<Listener>([post](bool ok, const mqtt::token& t) {
    const int rc = t.get_return_code();
    post([ok, rc](Impl& s) { ok ? s.OnConnected() : s.OnConnectFailed(rc); });
  });
  event_listener = std::make_unique<Listener>([post](bool ok, const mqtt::token& t) {
    const uint64_t tag = reinterpret_cast<uintptr_t>(t.get_user_context());
    const int rc = t.get_return_code();
    post([ok, rc, tag](Impl& s) {
      if (ok) {
        s.publisher.OnAck(tag);
        s.ScheduleAckFlush();
      } else {
        s.publisher.OnFailed(tag, mqtt::exception::error_str(rc) + " (code " + std::to_string(rc) + ")");
        s.publisher.Pump();
      }
    });
  });
  status_listener = std::make_unique<Listener>([post](bool ok, const mqtt::token& t) {
    const uintptr_t which = reinterpret_cast<uintptr_t>(t.get_user_context());
    const int rc = t.get_return_code();
    post([which, ok, rc](Impl& s) { s.OnStatusDone(which, ok, rc); });
  });
  subscribe_listener = std::make_unique<Listener>([post](bool ok, const mqtt::token& t) {
    const int rc = t.get_return_code();
    post([ok, rc](Impl& s) { s.OnSubscribed(ok, rc); });
  });
  disconnect_listener = std::make_unique<Listener>(
      [post](bool, const mqtt::token&) { post([](Impl& s) { s.FinishStop("disconnected"); }); });

  try {
    mqtt::create_options create(MQTTVERSION_3_1_1);
    // No offline buffer: a publish while disconnected fails at once, and the
    // outbox keeps the event until a PUBACK. (Paho refuses a buffer size of
    // 0, so its default size stays; it is unused when sending while
    // disconnected is off.)
    create.set_send_while_disconnected(false);
    // No persistence object: Paho keeps its in-flight state in memory only.
    client = std::make_unique<mqtt::async_client>(PahoUri(options.uri), client_id, create,
                                                  static_cast<mqtt::iclient_persistence*>(nullptr));
    client->set_message_callback([post, q = arrivals](mqtt::const_message_ptr m) {
      if (!m) return;
      bool first = false;
      {
        std::lock_guard<std::mutex> g(q->mu);
        q->messages.emplace_back(m->get_topic(), m->to_string());
        first = !q->drain_posted;
        q->drain_posted = true;
      }
      if (first) post([](Impl& s) { s.DrainArrivals(); });
    });
    client->set_connection_lost_handler(
        [post](const std::string& cause) { post([cause](Impl& s) { s.OnConnectionLost(cause); }); });

    connect_options.set_mqtt_version(MQTTVERSION_3_1_1);
    connect_options.set_clean_session(false);  // a persistent session: the broker queues for us
    connect_options.set_keep_alive_interval(options.keepalive);
    connect_options.set_connect_timeout(options.connect_timeout);
    connect_options.set_automatic_reconnect(false);  // ours has jitter and reports its state
    connect_options.set_max_inflight(options.publish_window + 16);
    connect_options.set_will(mqtt::will_options(topics.status, OfflineStatus(options.store_id), 1, true));
    if (!options.username.empty()) connect_options.set_user_name(options.username);
    if (!options.password.empty()) connect_options.set_password(options.password);
    if (tls) {
      mqtt::ssl_options ssl;
      if (!options.ca_file.empty()) ssl.set_trust_store(options.ca_file);
      if (!options.cert_file.empty()) ssl.set_key_store(options.cert_file);
      if (!options.key_file.empty()) ssl.set_private_key(options.key_file);
      ssl.set_enable_server_cert_auth(true);
      // Paho checks the certificate chain but not that it names the host
      // unless asked: without this any certificate the CA signed would do.
      ssl.set_verify(true);
      connect_options.set_ssl(std::move(ssl));
    }
  } catch (const std::exception& e) {
    return core::Status::InvalidArgument("mqtt: cannot set up the client for '" + options.uri +
                                         "': " + e.what());
  }
  return core::Status::Ok();
}

void SyncClient::Impl::Connect() {
  state = State::kConnecting;
  log::Debug("sync.connecting").Kv("broker", options.uri).Kv("client_id", client_id);
  try {
    client->connect(connect_options, nullptr, *connect_listener);
  } catch (const mqtt::exception& e) {
    OnConnectFailed(e.get_return_code());
  } catch (const std::exception& e) {
    last_error = std::string("connect: ") + e.what();
    ScheduleReconnect();
  }
}

void SyncClient::Impl::OnConnected() {
  if (state == State::kStopping || state == State::kStopped) {
    // Connected while stopping: close it again, quietly.
    if (state == State::kStopping) Disconnect();
    return;
  }
  if (state == State::kConnected) return;
  state = State::kConnected;
  connected_since = clock.Now();
  // Before anything is sent on the new connection (see socket_tuning.h).
  const int nodelay = SetNoDelayOnConnectionsTo(BrokerPort(options.uri));
  if (nodelay == 0) log::Debug("sync.nodelay_not_set").Kv("note", "no socket to the broker's port found");
  ++connects;
  log::Info("sync.connected")
      .Kv("broker", options.uri)
      .Kv("client_id", client_id)
      .Kv("after_attempts", reconnect_attempts + 1);
  reconnect_attempts = 0;
  backoff.Reset();
  last_error.clear();
  // Every connect: the broker may have lost the session (restarted without
  // persistence, session expired), and Paho does not resubscribe by itself.
  Subscribe();
  PublishStatus(kStatusOnline);
  publisher.OnConnected();
  publisher.Pump();
  ArmGapTimer();  // replay requests that fell due while away go out now
}

void SyncClient::Impl::OnConnectFailed(int rc) {
  if (state == State::kStopping) {
    FinishStop("connect failed while stopping");
    return;
  }
  if (state != State::kConnecting) return;
  last_error = "connect to " + options.uri + " failed: " + DescribeConnectFailure(rc, tls);
  log::Warn("sync.connect_failed").Kv("broker", options.uri).Kv("error", last_error);
  ScheduleReconnect();
}

void SyncClient::Impl::OnConnectionLost(const std::string& cause) {
  if (state == State::kStopping) {
    FinishStop("connection lost while stopping");
    return;
  }
  if (state != State::kConnected) return;
  publisher.OnDisconnected();
  connected_since.reset();
  last_error = "connection lost" + (cause.empty() ? std::string() : ": " + cause);
  log::Warn("sync.connection_lost").Kv("broker", options.uri).Kv("cause", cause);
  ScheduleReconnect();
  ArmGapTimer();
}

void SyncClient::Impl::ScheduleReconnect() {
  state = State::kWaiting;
  ++reconnect_attempts;
  const auto wait = backoff.Next();
  log::Info("sync.reconnect_scheduled").Kv("in_ms", wait.count()).Kv("attempt", reconnect_attempts);
  reconnect_timer.expires_after(wait);
  reconnect_timer.async_wait(OnTimer([](Impl& s) {
    if (s.state == State::kWaiting) s.Connect();
  }));
}

void SyncClient::Impl::Subscribe() {
  auto filters = mqtt::string_collection::create(
      std::vector<std::string>{topics.orders, topics.inventory, topics.shipments, topics.control});
  try {
    subscribe_token = client->subscribe(filters, mqtt::iasync_client::qos_collection{1, 1, 1, 1}, nullptr,
                                        *subscribe_listener);
  } catch (const std::exception& e) {
    last_error = std::string("subscribe: ") + e.what();
    log::Error("sync.subscribe_failed").Kv("error", e.what());
  }
}

void SyncClient::Impl::OnSubscribed(bool ok, int rc) {
  if (!ok) {
    last_error = "subscribe to the inbound topics failed: " + DescribeConnectFailure(rc, false);
    log::Error("sync.subscribe_failed").Kv("error", last_error);
    return;
  }
  // The token is complete: reading its response does not wait.
  static const char* kStreams[] = {"orders", "inventory", "shipments", "control"};
  try {
    const auto codes = subscribe_token ? subscribe_token->get_subscribe_response().get_reason_codes()
                                       : std::vector<mqtt::ReasonCode>{};
    for (size_t i = 0; i < codes.size() && i < 4; ++i) {
      if (static_cast<int>(codes[i]) >= 0x80) {
        last_error = std::string("the broker refused the subscription to the ") + kStreams[i] +
                     " topic (check its ACL for this store)";
        log::Error("sync.subscribe_refused").Kv("stream", kStreams[i]).Kv("code", static_cast<int>(codes[i]));
      }
    }
  } catch (const std::exception& e) {
    log::Debug("sync.subscribe_response").Kv("error", e.what());
  }
  log::Debug("sync.subscribed").Kv("client_id", client_id);
}

void SyncClient::Impl::PublishStatus(uintptr_t which) {
  std::string payload;
  if (which == kStatusOnline) {
    auto depth = outbox.Depth();
    std::map<std::string, int64_t> next_seq;
    for (const char* stream : {"orders", "inventory", "shipments", "control"}) {
      auto n = inbox.NextSeq(stream);
      if (n.ok()) next_seq[stream] = *n;
    }
    payload = OnlineStatus(options.store_id, options.version, connected_since.value_or(clock.Now()),
                           depth.ok() ? *depth : -1, next_seq);
  } else {
    payload = OfflineStatus(options.store_id);
  }
  try {
    client->publish(mqtt::make_message(topics.status, payload, 1, true), reinterpret_cast<void*>(which),
                    *status_listener);
  } catch (const std::exception& e) {
    log::Warn("sync.status_publish_failed").Kv("error", e.what());
    if (which == kStatusOffline) Disconnect();
  }
}

void SyncClient::Impl::OnStatusDone(uintptr_t which, bool ok, int rc) {
  if (!ok) {
    log::Warn("sync.status_publish_failed")
        .Kv("state", which == kStatusOnline ? "online" : "offline")
        .Kv("error", DescribeConnectFailure(rc, false));
  }
  if (which == kStatusOffline && state == State::kStopping) Disconnect();
}

void SyncClient::Impl::DrainArrivals() {
  std::vector<std::pair<std::string, std::string>> batch;
  bool more = false;
  {
    std::lock_guard<std::mutex> g(arrivals->mu);
    while (!arrivals->messages.empty() && batch.size() < kMaxBatch) {
      batch.push_back(std::move(arrivals->messages.front()));
      arrivals->messages.pop_front();
    }
    more = !arrivals->messages.empty();
    arrivals->drain_posted = more;
  }
  if (more)
    asio::post(io, [w = weak_from_this()] {
      if (auto p = w.lock()) p->DrainArrivals();
    });
  if (batch.empty()) return;
  core::Status begun = inbox.BeginBatch();
  if (!begun.ok()) log::Warn("sync.batch_begin_failed").Kv("error", begun.message());
  for (const auto& [topic, payload] : batch) inbound.OnMessage(topic, payload);
  if (begun.ok()) {
    // PUBACKs received since the last flush are marked in the batch's
    // transaction. Should it fail to commit, those events stay unmarked and
    // are sent again after a restart (the OMS de-duplicates by id).
    publisher.FlushAcks();
    core::Status ended = inbox.EndBatch();
    if (!ended.ok()) {
      log::Error("sync.batch_commit_failed").Kv("messages", batch.size()).Kv("error", ended.message());
      // Back to what the store holds; the lost messages return by replay.
      if (core::Status s = inbound.Load(); !s.ok()) log::Error("sync.reload_failed").Kv("error", s.message());
    }
  }
  AfterChange();
}

void SyncClient::Impl::OnMessage(const std::string& topic, const std::string& payload) {
  // Settled whatever the connection state: Paho has acknowledged it already.
  inbound.OnMessage(topic, payload);
  AfterChange();
}

void SyncClient::Impl::AfterChange() {
  publisher.Pump();  // events the message produced (message.rejected, answers)
  ArmGapTimer();
}

void SyncClient::Impl::ArmGapTimer() {
  if (state == State::kStopped || state == State::kStopping) return;
  const bool connected = state == State::kConnected;
  const auto deadline = inbound.NextDeadline(connected);
  if (deadline == gap_armed_for) return;
  gap_armed_for = deadline;
  if (!deadline) {
    gap_timer.cancel();
    return;
  }
  const auto wait = std::max(core::Duration::zero(), *deadline - clock.Now());
  gap_timer.expires_after(std::chrono::duration_cast<asio::steady_timer::duration>(wait));
  gap_timer.async_wait(OnTimer([](Impl& s) {
    s.gap_armed_for.reset();
    s.inbound.OnTimer(s.state == State::kConnected);
    s.AfterChange();
  }));
}

void SyncClient::Impl::ArmPollTimer() {
  poll_timer.expires_after(options.outbox_poll);
  poll_timer.async_wait(OnTimer([](Impl& s) {
    if (s.state == State::kStopped || s.state == State::kStopping) return;
    s.publisher.Pump();
    s.ArmPollTimer();
  }));
}

void SyncClient::Impl::Disconnect() {
  try {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        stop_timer.expiry() - asio::steady_timer::clock_type::now());
    // Time for Paho to finish what is in flight, within the deadline.
    const int grace = static_cast<int>(std::clamp<int64_t>(left.count() / 2, 0, 1000));
    client->disconnect(grace, nullptr, *disconnect_listener);
  } catch (const std::exception& e) {
    log::Debug("sync.disconnect").Kv("error", e.what());
    FinishStop("not connected");
  }
}

void SyncClient::Impl::FinishStop(const char* why) {
  if (state == State::kStopped) return;
  state = State::kStopped;
  publisher.OnDisconnected();
  connected_since.reset();
  reconnect_timer.cancel();
  gap_timer.cancel();
  poll_timer.cancel();
  stop_timer.cancel();
  gap_armed_for.reset();
  log::Info("sync.stopped").Kv("how", why);
  if (auto done = std::move(stop_done)) {
    stop_done = nullptr;
    done();
  }
}

core::Status SyncClient::Impl::Publish(const std::string& topic, const std::string& payload, uint64_t tag) {
  if (state != State::kConnected) return core::Status::Unavailable("not connected to the broker");
  try {
    client->publish(mqtt::make_message(topic, payload, 1, false),
                    reinterpret_cast<void*>(static_cast<uintptr_t>(tag)), *event_listener);
  } catch (const std::exception& e) {
    return core::Status::Unavailable(std::string("publish: ") + e.what());
  }
  return core::Status::Ok();
}

// ---- SyncClient ----

SyncClient::SyncClient(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

SyncClient::~SyncClient() = default;

core::Result<std::unique_ptr<SyncClient>> SyncClient::Create(asio::io_context& io, SyncOptions options,
                                                             Outbox& outbox, Inbox& inbox,
                                                             const core::Clock& clock) {
  if (core::Status s = core::ValidateStoreId(options.store_id); !s.ok()) {
    return s.WithContext("sync");
  }
  const std::string& u = options.uri;
  if (u.rfind("tcp://", 0) != 0 && u.rfind("ssl://", 0) != 0 && u.rfind("mqtt://", 0) != 0 &&
      u.rfind("mqtts://", 0) != 0) {
    return core::Status::InvalidArgument("mqtt uri '" + u + "' must start with tcp:// or ssl://");
  }
  if (options.publish_window < 1) return core::Status::InvalidArgument("sync publish_window must be >= 1");
  auto impl = std::make_shared<Impl>(io, std::move(options), outbox, inbox, clock);
  EDGE_RETURN_IF_ERROR(impl->Init());
  return std::unique_ptr<SyncClient>(new SyncClient(std::move(impl)));
}

core::Status SyncClient::Start() {
  Impl& s = *impl_;
  if (s.state != State::kStopped) return core::Status::FailedPrecondition("sync client already started");
  EDGE_RETURN_IF_ERROR(s.inbound.Load());
  s.inbound.on_replay = [&s](int64_t from_seq) { s.publisher.Replay(from_seq); };
  log::Info("sync.starting")
      .Kv("broker", s.options.uri)
      .Kv("client_id", s.client_id)
      .Kv("tls", s.tls)
      .Kv("window", s.options.publish_window);
  s.Connect();
  s.ArmPollTimer();
  s.ArmGapTimer();
  return core::Status::Ok();
}

void SyncClient::Kick() { impl_->publisher.Pump(); }

void SyncClient::Stop(std::chrono::milliseconds timeout, std::function<void()> done) {
  Impl& s = *impl_;
  if (s.state == State::kStopped || s.state == State::kStopping) {
    if (s.state == State::kStopping) {
      // Already stopping: chain the second caller onto the first.
      auto first = std::move(s.stop_done);
      s.stop_done = [first = std::move(first), done = std::move(done)] {
        if (first) first();
        if (done) done();
      };
    } else if (done) {
      asio::post(s.io, std::move(done));
    }
    return;
  }
  const State was = s.state;
  s.state = State::kStopping;
  s.stop_done = std::move(done);
  s.reconnect_timer.cancel();
  s.gap_timer.cancel();
  s.poll_timer.cancel();
  s.gap_armed_for.reset();
  s.stop_timer.expires_after(timeout);
  s.stop_timer.async_wait(s.OnTimer([](Impl& i) {
    log::Warn("sync.stop_deadline").Kv("note", "broker did not confirm in time; closing anyway");
    i.FinishStop("deadline");
  }));
  log::Info("sync.stopping").Kv("was", StateName(was));
  if (was == State::kConnected) {
    // A clean shutdown says so itself: the will is only for a lost node.
    s.PublishStatus(kStatusOffline);
  } else {
    s.Disconnect();
  }
}

void SyncClient::Reconfigure(std::chrono::milliseconds gap_timeout, int publish_window) {
  Impl& s = *impl_;
  s.options.gap_timeout = gap_timeout;
  s.options.publish_window = std::max(publish_window, 1);
  s.inbound.set_gap_timeout(gap_timeout);
  s.publisher.set_window(s.options.publish_window);
  // Paho's own in-flight limit was set at connect; it stays above any window
  // up to the one it was set for, and is raised at the next connect.
  s.connect_options.set_max_inflight(s.options.publish_window + 16);
  s.publisher.Pump();
}

SyncStatus SyncClient::GetStatus() const {
  const Impl& s = *impl_;
  SyncStatus st;
  st.state = StateName(s.state);
  st.connected = s.state == State::kConnected;
  st.broker = s.options.uri;
  st.client_id = s.client_id;
  st.last_error = s.last_error.empty() ? s.publisher.last_error() : s.last_error;
  st.reconnect_attempts = s.reconnect_attempts;
  st.connects = s.connects;
  st.connected_since = s.connected_since;
  auto depth = s.outbox.Depth();
  if (depth.ok()) st.outbox_depth = *depth;
  st.in_flight = s.publisher.in_flight();
  st.last_acked_seq = s.publisher.last_acked_seq();
  for (const std::string& stream : InboundStreams()) {
    st.last_seq[stream] = s.inbound.sequencer().next(stream) - 1;
    st.held[stream] = s.inbound.sequencer().held_count(stream);
  }
  st.inbound = s.inbound.counters();
  return st;
}

}  // namespace edge::sync
