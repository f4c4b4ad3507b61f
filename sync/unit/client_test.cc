// SyncClient against a real mosquitto on a free loopback port (never a mock
// broker), with a Paho client standing in for the central OMS: a round trip
// of every message type, bad input over the wire, a broker outage, a broker
// queue overflow, a broker that lost the session, TLS with client
// certificates and a per-store ACL, and user/password auth.
#include "edge/sync/client.h"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "edge/sync/envelope.h"
#include "edge/testing/mosquitto.h"
#include "edge/testing/mqtt_client.h"
#include "edge/testing/temp_dir.h"
#include "memory_store.h"
#include "node.h"

namespace edge::sync {
namespace {

using json = nlohmann::json;
using ordered_json = nlohmann::ordered_json;
using namespace std::chrono_literals;
using edge::testing::Mosquitto;
using edge::testing::MqttMessage;
using edge::testing::MqttTestClient;
using edge::testing::TempDir;
using edge::testing::WriteFile;
using test_support::MemoryStore;
using test_support::Node;
using test_support::TestOptions;

const Topics kTopics("S042");

std::string Envelope(const std::string& stream, int64_t seq, const std::string& type, const json& data,
                     const std::string& id = "", const std::string& store = "S042") {
  ordered_json j;
  j["id"] = id.empty() ? "c-" + stream + "-" + std::to_string(seq) : id;
  j["type"] = type;
  j["store"] = store;
  j["stream"] = stream;
  j["seq"] = seq;
  j["ts"] = "2026-11-27T10:15:03.120Z";
  j["data"] = data;
  return j.dump();
}

MqttTestClient::Options Plain(const std::string& uri, const std::string& client_id) {
  MqttTestClient::Options o;
  o.uri = uri;
  o.client_id = client_id;
  return o;
}

std::string TopicOf(const std::string& stream) { return "oms/v1/stores/S042/" + stream; }

json Examples() {
  return json::parse(
      edge::testing::ReadFile(std::string(STOREEDGE_SOURCE_DIR) + "/tests/data/protocol/examples.json"));
}

// Helpers over what a central client received (pass c.Messages(), or the
// vector a WaitFor predicate gets: never call the client from inside one).
std::vector<json> Events(const std::vector<MqttMessage>& msgs) {
  std::vector<json> out;
  for (const auto& m : msgs) {
    if (m.topic == kTopics.events) out.push_back(json::parse(m.payload));
  }
  return out;
}

std::vector<json> EventsOfType(const std::vector<MqttMessage>& msgs, const std::string& type) {
  std::vector<json> out;
  for (auto& e : Events(msgs)) {
    if (e["type"] == type) out.push_back(std::move(e));
  }
  return out;
}

// Distinct event seqs received, in order of first arrival.
std::vector<int64_t> FirstArrivalSeqs(const std::vector<MqttMessage>& msgs) {
  std::vector<int64_t> out;
  std::set<int64_t> seen;
  for (const auto& e : Events(msgs)) {
    const int64_t seq = e["seq"].get<int64_t>();
    if (seen.insert(seq).second) out.push_back(seq);
  }
  return out;
}

size_t CountState(const std::vector<MqttMessage>& msgs, const std::string& state) {
  size_t n = 0;
  for (const auto& m : msgs) {
    if (m.topic == kTopics.status) n += json::parse(m.payload)["state"] == state ? 1 : 0;
  }
  return n;
}

// A client standing in for the central OMS, subscribed to the node's events
// and status. Persistent session when `persistent` (it follows a broker
// restart and gets what was published while it was away).
std::unique_ptr<MqttTestClient> Central(const std::string& uri, bool persistent = false,
                                        MqttTestClient::Options extra = {}) {
  extra.uri = uri;
  extra.client_id = "oms-central-test";
  extra.clean_session = !persistent;
  extra.auto_reconnect = persistent;
  auto c = std::make_unique<MqttTestClient>(extra);
  EXPECT_TRUE(c->Connect()) << c->error();
  EXPECT_EQ(c->Subscribe(kTopics.events), 1);
  EXPECT_EQ(c->Subscribe(kTopics.status), 1);
  return c;
}

TEST(SyncClient, RoundTripOfEveryMessageType) {
  TempDir dir;
  Mosquitto broker(dir);
  auto central = Central(broker.uri());
  MemoryStore store;
  std::vector<std::string> handled;
  for (const std::string stream : {"orders", "inventory", "shipments"}) {
    for (const std::string& type : InboundTypes(stream)) {
      store.Register(type, [&handled, &store](const InboundMessage& m) {
        handled.push_back(m.type);
        // A handler's events are in its transaction, published after it.
        if (m.type == "order.routed") store.AppendEvent("order.accepted", R"({"order_id":"O-1001"})");
        return core::Status::Ok();
      });
    }
  }
  Node node(store, TestOptions(broker.uri()));
  ASSERT_EQ(node.Start().ToString(), "ok");
  ASSERT_TRUE(node.WaitConnected());

  // The retained online status, exactly.
  ASSERT_TRUE(central->WaitFor([](auto& m) { return CountState(m, "online") == 1; }));
  {
    const json status = json::parse(central->MessagesOn(kTopics.status)[0].payload);
    EXPECT_EQ(status["store"], "S042");
    EXPECT_EQ(status["version"], "0.1.0-test");
    EXPECT_EQ(status["outbox_depth"], 0);
    core::TimePoint since;
    EXPECT_TRUE(core::ParseRfc3339(status["since"].get<std::string>(), &since));
    EXPECT_EQ(status["next_seq"], json::parse(R"({"control":1,"inventory":1,"orders":1,"shipments":1})"));
    EXPECT_EQ(status.size(), 6u);
  }

  // Outbound: every event type, exactly as the contract writes the envelope.
  const json ex = Examples();
  for (const auto& e : ex["outbound"]) store.AppendEvent(e["type"], e["data"].dump());
  node.Kick();
  ASSERT_TRUE(central->WaitFor([](auto& m) { return FirstArrivalSeqs(m).size() == 17; }));
  const auto events = store.events();
  const auto received = central->MessagesOn(kTopics.events);
  for (size_t i = 0; i < 17; ++i) {
    ordered_json want;
    want["id"] = events[i].id;
    want["type"] = ex["outbound"][i]["type"];
    want["store"] = "S042";
    want["stream"] = "events";
    want["seq"] = i + 1;
    want["ts"] = core::FormatRfc3339(core::FromUnixMillis(events[i].created_ms));
    want["data"] = ordered_json::parse(ex["outbound"][i]["data"].dump());
    EXPECT_EQ(received[i].payload, want.dump()) << "event " << i + 1;
    EXPECT_FALSE(received[i].retained);
  }
  ASSERT_TRUE(store.WaitFor([](MemoryStore& s) {
    for (const auto& [seq, e] : s.events_unlocked()) {
      if (!e.published) return false;
    }
    return true;
  }));

  // Inbound: every type reaches its handler; control messages are sync's.
  std::map<std::string, int64_t> seqs;
  for (const auto& m : ex["inbound"]) {
    const std::string stream = m["stream"];
    ASSERT_TRUE(central->Publish(TopicOf(stream), Envelope(stream, ++seqs[stream], m["type"], m["data"])));
  }
  ASSERT_TRUE(store.WaitFor([](MemoryStore& s) {
    return s.next_unlocked("orders") == 5 && s.next_unlocked("inventory") == 4 &&
           s.next_unlocked("shipments") == 2 && s.next_unlocked("control") == 3;
  }));
  EXPECT_EQ(handled, (std::vector<std::string>{"order.routed", "order.cancel_requested", "order.updated",
                                               "order.customer_arrived", "inventory.snapshot",
                                               "inventory.delta", "inventory.incoming", "shipment.label"}));
  EXPECT_EQ(store.applied().size(), 10u);  // control messages are recorded too
  EXPECT_EQ(store.applied()[0].data_json, ex["inbound"][0]["data"].dump());
  EXPECT_TRUE(store.dead_letters().empty());

  // sync.replay {from_seq: 3} re-sent events 3.. (17 and the handler's 18th).
  ASSERT_TRUE(central->WaitFor([&](auto& msgs) {
    size_t n = 0;
    for (const auto& m : msgs) n += m.topic == kTopics.events ? 1 : 0;
    return n >= 18 + 16;
  }));
  const auto all = Events(central->Messages());
  std::vector<int64_t> replayed;
  for (size_t i = 18; i < all.size(); ++i) replayed.push_back(all[i]["seq"]);
  std::vector<int64_t> want_replay;
  for (int64_t s = 3; s <= 18; ++s) want_replay.push_back(s);
  EXPECT_EQ(replayed, want_replay);
  EXPECT_EQ(EventsOfType(central->Messages(), "order.accepted").back()["data"],
            json({{"order_id", "O-1001"}}));

  // A clean stop says offline itself (retained), before disconnecting.
  node.Stop();
  ASSERT_TRUE(central->WaitFor([](auto& m) { return CountState(m, "offline") == 1; }));
  EXPECT_EQ(central->MessagesOn(kTopics.status).back().payload, R"({"store":"S042","state":"offline"})");
  MqttTestClient late(Plain(broker.uri(), "late-joiner"));
  ASSERT_TRUE(late.Connect());
  ASSERT_EQ(late.Subscribe(kTopics.status), 1);
  ASSERT_TRUE(late.WaitFor([](auto& m) { return !m.empty(); }));
  EXPECT_TRUE(late.Messages()[0].retained);
  EXPECT_EQ(late.Messages()[0].payload, R"({"store":"S042","state":"offline"})");
}

TEST(SyncClient, BadInputOverTheWireGivesExactRejectionsAndState) {
  TempDir dir;
  Mosquitto broker(dir);
  auto central = Central(broker.uri());
  MemoryStore store;
  store.Register("order.routed", [](const InboundMessage&) { return core::Status::Ok(); });
  Node node(store, TestOptions(broker.uri()));
  ASSERT_EQ(node.Start().ToString(), "ok");
  ASSERT_TRUE(node.WaitConnected());
  ASSERT_TRUE(central->WaitFor([](auto& m) { return CountState(m, "online") == 1; }));

  const json order = {{"order_id", "O-1"}};
  json missing_type = json::parse(Envelope("orders", 2, "order.routed", order));
  missing_type.erase("type");
  json big = json::parse(Envelope("orders", 5, "order.routed", order));
  big["data"]["blob"] = std::string(kMaxPayloadBytes, 'x');
  const std::string orders = TopicOf("orders");
  ASSERT_TRUE(central->Publish(orders, Envelope("orders", 1, "order.routed", order)));
  ASSERT_TRUE(central->Publish(orders, Envelope("orders", 1, "order.routed", order)));  // duplicate
  ASSERT_TRUE(central->Publish(orders, Envelope("orders", 3, "order.routed", order)));  // ahead: held
  ASSERT_TRUE(central->Publish(orders, "{\"id\": oops"));                               // malformed JSON
  ASSERT_TRUE(central->Publish(orders, missing_type.dump()));                           // fills 2: rejected
  ASSERT_TRUE(central->Publish(orders, Envelope("orders", 4, "order.routed", order, "", "S043")));
  ASSERT_TRUE(central->Publish(orders, big.dump()));
  ASSERT_TRUE(central->Publish(orders, Envelope("orders", 6, "order.routed", order)));

  ASSERT_TRUE(store.WaitFor([](MemoryStore& s) { return s.next_unlocked("orders") == 7; }));
  std::vector<int64_t> applied;
  for (const auto& m : store.applied()) applied.push_back(m.seq);
  EXPECT_EQ(applied, (std::vector<int64_t>{1, 3, 6}));
  EXPECT_EQ(store.dead_letters().size(), 4u);
  ASSERT_TRUE(central->WaitFor([](auto& m) { return EventsOfType(m, "message.rejected").size() == 4; }));
  std::vector<json> data;
  for (const auto& e : EventsOfType(central->Messages(), "message.rejected")) {
    EXPECT_EQ(e["store"], "S042");
    EXPECT_EQ(e["stream"], "events");
    data.push_back(e["data"]);
  }
  const std::vector<json> want = {
      {{"reason", "malformed JSON at byte 8"}},
      {{"id", "c-orders-2"}, {"stream", "orders"}, {"seq", 2}, {"reason", "missing field 'type'"}},
      {{"id", "c-orders-4"},
       {"stream", "orders"},
       {"seq", 4},
       {"reason", "store 'S043' is not this store ('S042')"}},
      {{"id", "c-orders-5"},
       {"stream", "orders"},
       {"seq", 5},
       {"reason", "payload is " + std::to_string(big.dump().size()) + " bytes, more than 1 MiB"}},
  };
  EXPECT_EQ(data, want);
  EXPECT_TRUE(EventsOfType(central->Messages(), "sync.replay_requested").empty());

  // A gap left open: the node asks for a replay, keeps waiting, and takes
  // the replayed message in order.
  ASSERT_TRUE(central->Publish(orders, Envelope("orders", 8, "order.routed", order)));
  ASSERT_TRUE(central->WaitFor([](auto& m) { return !EventsOfType(m, "sync.replay_requested").empty(); }));
  EXPECT_EQ(EventsOfType(central->Messages(), "sync.replay_requested")[0]["data"],
            json({{"stream", "orders"}, {"from_seq", 7}}));
  ASSERT_TRUE(central->Publish(orders, Envelope("orders", 7, "order.routed", order)));
  ASSERT_TRUE(store.WaitFor([](MemoryStore& s) { return s.next_unlocked("orders") == 9; }));
  applied.clear();
  for (const auto& m : store.applied()) applied.push_back(m.seq);
  EXPECT_EQ(applied, (std::vector<int64_t>{1, 3, 6, 7, 8}));
  const auto st = node.Status();
  EXPECT_EQ(st.last_seq.at("orders"), 8);
  EXPECT_EQ(st.held.at("orders"), 0u);
  EXPECT_EQ(st.inbound.rejected, 4);
  EXPECT_GE(st.inbound.duplicates, 1);
}

TEST(SyncClient, BrokerOutageLosesNothing) {
  TempDir dir;
  Mosquitto broker(dir);
  auto central = Central(broker.uri(), /*persistent=*/true);
  MemoryStore store;
  store.Register("order.routed", [](const InboundMessage&) { return core::Status::Ok(); });
  Node node(store, TestOptions(broker.uri()));
  ASSERT_EQ(node.Start().ToString(), "ok");
  ASSERT_TRUE(node.WaitConnected());

  auto produce = [&](int from, int to) {
    for (int i = from; i <= to; ++i) {
      store.AppendEvent("inventory.adjusted",
                        json({{"sku", "SKU-" + std::to_string(i)}, {"delta", -1}}).dump());
      if (i % 10 == 0) node.Kick();
    }
    node.Kick();
  };
  const json order = {{"order_id", "O-1"}};
  for (int s = 1; s <= 20; ++s) {
    ASSERT_TRUE(central->Publish(TopicOf("orders"), Envelope("orders", s, "order.routed", order)));
  }
  produce(1, 60);
  // The broker goes away while the node is producing.
  broker.Stop();
  produce(61, 150);
  ASSERT_TRUE(node.WaitStatus([](const SyncStatus& s) { return !s.connected && s.reconnect_attempts > 0; }));
  const auto away = node.Status();
  EXPECT_NE(away.last_error, "");
  EXPECT_GT(*away.outbox_depth, 0);
  broker.Start();
  produce(151, 200);
  ASSERT_TRUE(central->WaitForConnects(2));
  for (int s = 21; s <= 40; ++s) {
    ASSERT_TRUE(central->Publish(TopicOf("orders"), Envelope("orders", s, "order.routed", order)));
  }

  // Every event reaches the subscriber, first arrivals in seq order.
  ASSERT_TRUE(central->WaitFor([&](auto& msgs) { return FirstArrivalSeqs(msgs).size() == 200; }, 60s))
      << FirstArrivalSeqs(central->Messages()).size();
  std::vector<int64_t> want(200);
  for (int i = 0; i < 200; ++i) want[i] = i + 1;
  EXPECT_EQ(FirstArrivalSeqs(central->Messages()), want);
  std::set<std::string> ids;
  for (const auto& e : Events(central->Messages())) ids.insert(e["id"].get<std::string>());
  EXPECT_EQ(ids.size(), 200u);
  ASSERT_TRUE(store.WaitFor([](MemoryStore& s) {
    for (const auto& [seq, e] : s.events_unlocked()) {
      if (!e.published) return false;
    }
    return s.next_unlocked("orders") == 41;
  }));
  // Each inbound id applied once, in seq order.
  std::vector<int64_t> applied;
  std::set<std::string> applied_ids;
  for (const auto& m : store.applied()) {
    applied.push_back(m.seq);
    applied_ids.insert(m.id);
  }
  std::vector<int64_t> want_in(40);
  for (int i = 0; i < 40; ++i) want_in[i] = i + 1;
  EXPECT_EQ(applied, want_in);
  EXPECT_EQ(applied_ids.size(), 40u);
  EXPECT_EQ(node.Status().outbox_depth, 0);
}

TEST(SyncClient, BrokerQueueOverflowIsDetectedAndReplayed) {
  TempDir dir;
  Mosquitto::Options mo;
  mo.max_queued_messages = 10;
  Mosquitto broker(dir, mo);
  auto central = Central(broker.uri());
  MemoryStore store;
  store.Register("order.routed", [](const InboundMessage&) { return core::Status::Ok(); });
  auto node = std::make_unique<Node>(store, TestOptions(broker.uri()));
  ASSERT_EQ(node->Start().ToString(), "ok");
  ASSERT_TRUE(node->WaitConnected());  // the session and its subscriptions exist
  node->Stop();
  node.reset();

  // 30 orders for the node while it is away: mosquitto queues 10, drops 20.
  const json order = {{"order_id", "O-1"}};
  std::map<int64_t, std::string> sent;
  for (int s = 1; s <= 30; ++s) {
    sent[s] = Envelope("orders", s, "order.routed", order);
    ASSERT_TRUE(central->Publish(TopicOf("orders"), sent[s]));
  }
  node = std::make_unique<Node>(store, TestOptions(broker.uri()));
  ASSERT_EQ(node->Start().ToString(), "ok");
  ASSERT_TRUE(central->WaitFor([](auto& m) { return CountState(m, "online") == 2; }));
  ASSERT_TRUE(store.WaitFor([](MemoryStore& s) { return s.next_unlocked("orders") == 11; }));
  EXPECT_EQ(store.applied().size(), 10u) << "mosquitto kept max_queued_messages for the offline node";
  // The next order reveals the gap.
  sent[31] = Envelope("orders", 31, "order.routed", order);
  ASSERT_TRUE(central->Publish(TopicOf("orders"), sent[31]));

  // The central side answers every replay request by sending again.
  size_t answered = 0;
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (store.next("orders") != 32 && std::chrono::steady_clock::now() < deadline) {
    central->WaitFor([&](auto& m) { return EventsOfType(m, "sync.replay_requested").size() > answered; }, 2s);
    const auto requests = EventsOfType(central->Messages(), "sync.replay_requested");
    for (; answered < requests.size(); ++answered) {
      EXPECT_EQ(requests[answered]["data"]["stream"], "orders");
      for (int64_t s = requests[answered]["data"]["from_seq"].get<int64_t>(); s <= 31; ++s) {
        ASSERT_TRUE(central->Publish(TopicOf("orders"), sent[s]));
      }
    }
  }
  ASSERT_EQ(store.next("orders"), 32);
  EXPECT_EQ(EventsOfType(central->Messages(), "sync.replay_requested")[0]["data"],
            json({{"stream", "orders"}, {"from_seq", 11}}));
  std::vector<int64_t> applied;
  for (const auto& m : store.applied()) applied.push_back(m.seq);
  std::vector<int64_t> want(31);
  for (int i = 0; i < 31; ++i) want[i] = i + 1;
  EXPECT_EQ(applied, want) << "complete, each once, in order";
  EXPECT_EQ(store.held_count(), 0u);
}

TEST(SyncClient, ResubscribesWhenTheBrokerLostTheSession) {
  TempDir dir;
  Mosquitto::Options mo;
  mo.persistence = false;  // a restart forgets sessions and their subscriptions
  Mosquitto broker(dir, mo);
  MemoryStore store;
  store.Register("order.routed", [](const InboundMessage&) { return core::Status::Ok(); });
  Node node(store, TestOptions(broker.uri()));
  ASSERT_EQ(node.Start().ToString(), "ok");
  ASSERT_TRUE(node.WaitConnected());
  broker.Stop();
  broker.Start();
  ASSERT_TRUE(node.WaitStatus([](const SyncStatus& s) { return s.connected && s.connects == 2; }));
  // The node subscribes before it publishes its online status, on the same
  // connection: once the status is seen, the subscription exists.
  MqttTestClient central(Plain(broker.uri(), "oms-central-test"));
  ASSERT_TRUE(central.Connect());
  ASSERT_EQ(central.Subscribe(kTopics.status), 1);
  ASSERT_TRUE(central.WaitFor(
      [](auto& m) { return !m.empty() && json::parse(m.back().payload)["state"] == "online"; }));
  ASSERT_TRUE(
      central.Publish(TopicOf("orders"), Envelope("orders", 1, "order.routed", {{"order_id", "O-1"}})));
  ASSERT_TRUE(store.WaitFor([](MemoryStore& s) { return s.next_unlocked("orders") == 2; }));
}

// ---- TLS, client certificates, ACL ----

int Sh(const std::string& cmd) { return std::system((cmd + " >/dev/null 2>&1").c_str()); }

// A CA, a server certificate for 127.0.0.1, one naming another host, and
// client certificates whose CN is the MQTT user name.
void MakePki(const TempDir& dir) {
  const std::string d = dir.path().string();
  const std::string ec = " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes ";
  ASSERT_EQ(
      Sh("cd " + d + " && openssl req -x509" + ec + "-keyout ca.key -out ca.crt -days 2 -subj /CN=test-ca"),
      0);
  auto issue = [&](const std::string& name, const std::string& cn, const std::string& ext) {
    WriteFile(d + "/" + name + ".ext", ext);
    ASSERT_EQ(Sh("cd " + d + " && openssl req" + ec + "-keyout " + name + ".key -out " + name +
                 ".csr -subj /CN=" + cn),
              0);
    ASSERT_EQ(Sh("cd " + d + " && openssl x509 -req -in " + name +
                 ".csr -CA ca.crt -CAkey ca.key -CAcreateserial -out " + name + ".crt -days 2 -extfile " +
                 name + ".ext"),
              0);
  };
  issue("server", "localhost", "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
  issue("wrongname", "broker.example", "subjectAltName=DNS:broker.example\n");
  issue("S042", "S042", "extendedKeyUsage=clientAuth\n");
  issue("S043", "S043", "extendedKeyUsage=clientAuth\n");
  issue("central", "oms-central", "extendedKeyUsage=clientAuth\n");
}

TEST(SyncClient, TlsWithClientCertificatesAndAPerStoreAcl) {
  TempDir dir;
  MakePki(dir);
  if (::testing::Test::HasFatalFailure()) return;
  const std::string d = dir.path().string();
  // The broker runs the shipped sample config and ACL (packaging/mosquitto/),
  // with paths and ports of this test; a second TLS listener presents a
  // certificate for another host name.
  const std::string src = std::string(STOREEDGE_SOURCE_DIR) + "/packaging/mosquitto/";
  std::string conf = edge::testing::ReadFile(src + "storeedge.conf");
  auto replace = [&conf](const std::string& from, const std::string& to) {
    const size_t at = conf.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    conf.replace(at, from.size(), to);
  };
  replace("user mosquitto", "user root");
  replace("persistence_location /var/lib/mosquitto/", "persistence_location {dir}/data/");
  replace("log_dest syslog", "log_dest file {dir}/mosquitto.log");
  replace("acl_file /etc/mosquitto/conf.d/storeedge.acl", "acl_file " + src + "storeedge.acl");
  replace("listener 8883\n", "listener {port0} 127.0.0.1\n");
  replace("cafile /etc/mosquitto/certs/ca.crt", "cafile " + d + "/ca.crt");
  replace("certfile /etc/mosquitto/certs/broker.crt", "certfile " + d + "/server.crt");
  replace("keyfile /etc/mosquitto/certs/broker.key", "keyfile " + d + "/server.key");
  replace("listener 1883 127.0.0.1",
          "listener {port1} 127.0.0.1\ncafile " + d + "/ca.crt\ncertfile " + d + "/wrongname.crt\nkeyfile " +
              d + "/wrongname.key\nrequire_certificate true\nuse_identity_as_username true\n");
  if (::testing::Test::HasFatalFailure()) return;
  Mosquitto::Options mo;
  mo.listeners = {"", ""};
  mo.config_template = conf;
  Mosquitto broker(dir, mo);

  auto as = [&](const std::string& who, const std::string& id, size_t listener = 0) {
    MqttTestClient::Options o;
    o.uri = broker.ssl_uri(listener);
    o.client_id = id;
    o.ca_file = d + "/ca.crt";
    o.cert_file = d + "/" + who + ".crt";
    o.key_file = d + "/" + who + ".key";
    return o;
  };
  auto central = std::make_unique<MqttTestClient>(as("central", "oms-central-test"));
  ASSERT_TRUE(central->Connect()) << central->error();
  ASSERT_EQ(central->Subscribe(kTopics.events), 1);
  ASSERT_EQ(central->Subscribe("oms/v1/stores/S043/control"), 1);

  MemoryStore store;
  store.Register("order.routed", [](const InboundMessage&) { return core::Status::Ok(); });
  SyncOptions so = TestOptions(broker.ssl_uri(0));
  so.ca_file = d + "/ca.crt";
  so.cert_file = d + "/S042.crt";
  so.key_file = d + "/S042.key";
  Node node(store, so);
  ASSERT_EQ(node.Start().ToString(), "ok");
  ASSERT_TRUE(node.WaitConnected()) << node.Status().last_error << "\n" << broker.Log();

  // The node works: an order in, an event out.
  ASSERT_TRUE(
      central->Publish(TopicOf("orders"), Envelope("orders", 1, "order.routed", {{"order_id", "O-1"}})));
  ASSERT_TRUE(store.WaitFor([](MemoryStore& s) { return s.next_unlocked("orders") == 2; }));
  store.AppendEvent("order.accepted", R"({"order_id":"O-1","lines":[]})");
  node.Kick();
  ASSERT_TRUE(central->WaitFor([](auto& m) { return Events(m).size() == 1; }));

  // Another store's credentials can neither read nor write this store's topics.
  MqttTestClient intruder(as("S043", "storeedge-S043"));
  ASSERT_TRUE(intruder.Connect()) << intruder.error();
  // mosquitto may grant a subscription and check each message against the
  // ACL on delivery instead; what counts is that nothing arrives (below).
  intruder.Subscribe("oms/v1/stores/S042/#");
  intruder.Subscribe(kTopics.events);
  EXPECT_EQ(intruder.Subscribe("oms/v1/stores/S043/control"), 1);  // its own: allowed
  ASSERT_TRUE(intruder.Publish(TopicOf("orders"),
                               Envelope("orders", 2, "order.routed", {{"order_id", "EVIL"}}, "evil")));
  ASSERT_TRUE(intruder.Publish(kTopics.events,
                               Envelope("events", 99, "order.accepted", {{"order_id", "EVIL"}}, "evil")));
  store.AppendEvent("order.accepted", R"({"order_id":"O-2","lines":[]})");
  node.Kick();
  ASSERT_TRUE(central->WaitFor([](auto& m) { return Events(m).size() == 2; }));
  // Messages from one broker to one client keep their order: once the marker
  // published after all of the above reaches the intruder, nothing else will.
  ASSERT_TRUE(central->Publish("oms/v1/stores/S043/control", "marker"));
  ASSERT_TRUE(intruder.WaitFor([](auto& m) { return !m.empty() && m.back().payload == "marker"; }));
  EXPECT_EQ(intruder.Messages().size(), 1u) << "S043 read nothing of S042";
  // The node got the central's seq 2, not the intruder's.
  ASSERT_TRUE(
      central->Publish(TopicOf("orders"), Envelope("orders", 2, "order.routed", {{"order_id", "O-2"}})));
  ASSERT_TRUE(store.WaitFor([](MemoryStore& s) { return s.next_unlocked("orders") == 3; }));
  EXPECT_EQ(store.applied().back().id, "c-orders-2");
  for (const auto& e : Events(central->Messages())) EXPECT_NE(e["id"], "evil");
  EXPECT_TRUE(store.dead_letters().empty());

  // Host name verification is on: the second listener's certificate is
  // valid (same CA) but names another host, so the node refuses it.
  MemoryStore other;
  SyncOptions wrong = so;
  wrong.uri = broker.ssl_uri(1);
  Node fooled(other, wrong);
  ASSERT_EQ(fooled.Start().ToString(), "ok");
  ASSERT_TRUE(fooled.WaitStatus([](const SyncStatus& s) { return s.reconnect_attempts >= 2; }));
  EXPECT_FALSE(fooled.Status().connected);
  EXPECT_NE(fooled.Status().last_error.find("connect to ssl://127.0.0.1:"), std::string::npos)
      << fooled.Status().last_error;
}

TEST(SyncClient, UserAndPasswordAuth) {
  TempDir dir;
  const std::string d = dir.path().string();
  ASSERT_EQ(Sh("mosquitto_passwd -c -b " + d + "/passwd S042 secret-42"), 0);
  Mosquitto::Options mo;
  mo.allow_anonymous = false;
  mo.extra = "password_file " + d + "/passwd\nacl_file " + std::string(STOREEDGE_SOURCE_DIR) +
             "/packaging/mosquitto/storeedge.acl\n";
  Mosquitto broker(dir, mo);
  MemoryStore store;
  SyncOptions so = TestOptions(broker.uri());
  so.username = "S042";
  so.password = "wrong";
  {
    Node node(store, so);
    ASSERT_EQ(node.Start().ToString(), "ok");
    ASSERT_TRUE(node.WaitStatus([](const SyncStatus& s) { return s.reconnect_attempts >= 2; }));
    const auto st = node.Status();
    EXPECT_EQ(st.state == "waiting" || st.state == "connecting", true) << st.state;
    EXPECT_NE(st.last_error.find("refused by the broker"), std::string::npos) << st.last_error;
  }
  so.password = "secret-42";
  Node node(store, so);
  ASSERT_EQ(node.Start().ToString(), "ok");
  ASSERT_TRUE(node.WaitConnected()) << node.Status().last_error;
  EXPECT_EQ(node.Status().last_error, "");
}

}  // namespace
}  // namespace edge::sync
