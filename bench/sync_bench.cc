// sync_bench: the daemon as an OMS node over a loopback mosquitto, against
// what the transport alone can do on the same machine and broker (issue 4).
//
//  1. Intake throughput: --orders routed orders (3 lines each, a catalogue of
//     --skus SKUs) published as fast as a window of 64 in flight allows;
//     orders/s until every decision (order.accepted) is back. Baseline: the
//     same number of QoS 1 messages of the same size echoed through the same
//     broker by a minimal Paho client pair.
//  2. Intake latency: --latency-orders orders offered at --rate orders/s;
//     p50/p99 from publish to decision received.
//  3. Backlog drain: --backlog events waiting in the outbox when the daemon
//     starts; seconds until the broker has acknowledged all of them (outbox
//     empty). Baseline: as many QoS 1 publishes by a minimal Paho client with
//     the same window.
//  Peak RSS (VmHWM) of the daemon in each run.
//
// Usage: sync_bench [--orders N] [--latency-orders N] [--rate R] [--skus N]
//                   [--backlog N] [--synchronous FULL|NORMAL]
// Defaults: 5,000 orders, 2,000 at 200/s, 10,000 SKUs, 100,000 events, FULL.
// Needs mosquitto on PATH; runs the storeedged built next to it.
#include <mqtt/async_client.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "edge/app/system_clock.h"
#include "edge/store/database.h"
#include "edge/store/store.h"
#include "edge/sync/socket_tuning.h"
#include "edge/testing/daemon.h"
#include "edge/testing/mosquitto.h"

namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;
using edge::testing::DaemonUnderTest;
using edge::testing::Mosquitto;
using edge::testing::TempDir;

constexpr int kWindow = 64;

struct Args {
  int orders = 5000;
  int latency_orders = 2000;
  double rate = 200;
  int skus = 10000;
  int backlog = 100000;
  std::string synchronous = "FULL";
};

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "sync_bench: %s\n", what.c_str());
  std::exit(1);
}

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

int64_t PeakRssKiB(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::atoll(line.c_str() + 6);
  }
  return -1;
}

// A Paho client that publishes with at most kWindow messages unacknowledged
// and hands every received message to `on_message` (on Paho's thread).
class Client : public mqtt::callback {
 public:
  Client(const std::string& uri, const std::string& id)
      : uri_(uri), client_(uri, id, CreateOptions(), static_cast<mqtt::iclient_persistence*>(nullptr)) {
    client_.set_callback(*this);
  }
  void Connect(bool clean = true) {
    auto o = mqtt::connect_options_builder().clean_session(clean).max_inflight(kWindow * 2).finalize();
    if (!client_.connect(o)->wait_for(10s)) Die("connect timed out");
    // As the daemon does: Nagle off on Paho's socket, so neither side of the
    // comparison waits for delayed ACKs.
    edge::sync::SetNoDelayOnConnectionsTo(edge::sync::BrokerPort(uri_));
  }
  void Subscribe(const std::string& topic) {
    if (!client_.subscribe(topic, 1)->wait_for(10s)) Die("subscribe timed out");
  }
  void Publish(const std::string& topic, const std::string& payload) {
    {
      std::unique_lock<std::mutex> g(mu_);
      cv_.wait(g, [&] { return in_flight_ < kWindow; });
      ++in_flight_;
    }
    client_.publish(mqtt::make_message(topic, payload, 1, false));
  }
  // Publishes from inside a Paho callback: no waiting.
  void PublishNoWait(const std::string& topic, const std::string& payload) {
    client_.publish(mqtt::make_message(topic, payload, 1, false));
  }
  void WaitAllAcked() {
    std::unique_lock<std::mutex> g(mu_);
    cv_.wait(g, [&] { return in_flight_ == 0; });
  }
  void Disconnect() { client_.disconnect()->wait_for(10s); }

  std::function<void(const std::string& topic, const std::string& payload)> on_message;

 private:
  void message_arrived(mqtt::const_message_ptr m) override {
    if (on_message) on_message(m->get_topic(), m->to_string());
  }
  void delivery_complete(mqtt::delivery_token_ptr) override {
    std::lock_guard<std::mutex> g(mu_);
    if (in_flight_ > 0) --in_flight_;
    cv_.notify_all();
  }

  static mqtt::create_options CreateOptions() {
    mqtt::create_options o(MQTTVERSION_3_1_1);
    // The echo republishes from its callback without waiting: let Paho hold
    // what exceeds the in-flight limit.
    o.set_max_buffered_messages(1'000'000);
    return o;
  }

  std::string uri_;
  mqtt::async_client client_;
  std::mutex mu_;
  std::condition_variable cv_;
  int in_flight_ = 0;
};

std::string Envelope(const std::string& stream, int64_t seq, const std::string& type, const json& data) {
  char id[64];
  std::snprintf(id, sizeof id, "00000000-0000-4000-8000-%012lld",
                static_cast<long long>(seq % 1000000000000));
  return json{
      {"id", stream + "-" + id},          {"type", type}, {"store", "B001"}, {"stream", stream}, {"seq", seq},
      {"ts", "2026-11-27T10:15:03.120Z"}, {"data", data}}
      .dump();
}

std::string Sku(int i) { return "SKU-" + std::to_string(100000 + i); }

json RoutedOrder(const std::string& id, std::mt19937_64& rng, int skus) {
  json lines = json::array();
  for (int l = 1; l <= 3; ++l) {
    lines.push_back({{"line_id", std::to_string(l)},
                     {"sku", Sku(static_cast<int>(rng() % static_cast<uint64_t>(skus)))},
                     {"qty", 1},
                     {"description", "Bench item"},
                     {"fulfil", "now"}});
  }
  return {{"order_id", id},
          {"order_ref", "W-" + id},
          {"kind", "ship_from_store"},
          {"priority", 5},
          {"placed_at", "2026-11-27T09:00:00Z"},
          {"promised_by", "2026-11-28T18:00:00Z"},
          {"ship_to",
           {{"name", "A B"}, {"line1", "1 Main St"}, {"city", "X"}, {"postcode", "1"}, {"country", "US"}}},
          {"carrier_service", "UPS_GROUND"},
          {"lines", lines}};
}

// Waits until `pred` holds, checking every 20 ms, for at most `limit`.
bool WaitUntil(const std::function<bool()>& pred, std::chrono::seconds limit) {
  const auto deadline = Clock::now() + limit;
  while (!pred()) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(20ms);
  }
  return true;
}

Mosquitto::Options BrokerOptions() {
  Mosquitto::Options o;
  // Online subscribers must not lose messages to the default 1000 queue cap.
  o.max_queued_messages = 10'000'000;
  o.persistence = false;
  return o;
}

double EchoBaseline(const std::string& uri, int n, size_t payload_size) {
  Client central(uri, "bench-central"), echo(uri, "bench-echo");
  central.Connect();
  echo.Connect();
  echo.on_message = [&](const std::string&, const std::string& p) { echo.PublishNoWait("bench/back", p); };
  echo.Subscribe("bench/out");
  std::mutex mu;
  std::condition_variable cv;
  int received = 0;
  central.on_message = [&](const std::string&, const std::string&) {
    std::lock_guard<std::mutex> g(mu);
    ++received;
    cv.notify_all();
  };
  central.Subscribe("bench/back");
  const std::string payload(payload_size, 'x');
  const auto t0 = Clock::now();
  for (int i = 0; i < n; ++i) central.Publish("bench/out", payload);
  std::unique_lock<std::mutex> g(mu);
  if (!cv.wait_for(g, 300s, [&] { return received >= n; })) Die("echo baseline timed out");
  const double s = Seconds(t0);
  g.unlock();
  central.Disconnect();
  echo.Disconnect();
  return n / s;
}

double PublishBaseline(const std::string& uri, int n, size_t payload_size) {
  Client c(uri, "bench-publisher");
  c.Connect();
  const std::string payload(payload_size, 'x');
  const auto t0 = Clock::now();
  for (int i = 0; i < n; ++i) c.Publish("bench/drain", payload);
  c.WaitAllAcked();
  const double s = Seconds(t0);
  c.Disconnect();
  return s;
}

void Intake(const Args& a) {
  TempDir dir;
  Mosquitto broker(dir, BrokerOptions());
  std::mt19937_64 rng(42);
  const size_t payload_size =
      Envelope("orders", 1, "order.routed", RoutedOrder("O-0000001", rng, a.skus)).size();
  const double echo_rate = EchoBaseline(broker.uri(), a.orders, payload_size);

  DaemonUnderTest daemon(dir, "B001",
                         "[mqtt]\nuri = \"" + broker.uri() + "\"\n[sqlite]\nsynchronous = \"" +
                             a.synchronous +
                             "\"\n[log]\nlevel = \"warn\"\n[policy]\nmax_open_orders = 1000000\n");
  if (!daemon.Start()) Die("storeedged did not start: " + daemon.Stderr());

  Client central(broker.uri(), "bench-oms");
  central.Connect(false);
  std::mutex mu;
  std::condition_variable cv;
  std::map<std::string, Clock::time_point> decided;
  bool snapshot_applied = false;
  central.on_message = [&](const std::string& topic, const std::string& p) {
    if (topic.find("/events") == std::string::npos) return;
    auto e = json::parse(p, nullptr, false);
    if (e.is_discarded()) return;
    const auto now = Clock::now();
    std::lock_guard<std::mutex> g(mu);
    const std::string type = e.value("type", "");
    if (type == "inventory.snapshot_applied") snapshot_applied = true;
    if (type == "order.accepted" || type == "order.rejected")
      decided.emplace(e["data"].value("order_id", ""), now);
    cv.notify_all();
  };
  central.Subscribe("oms/v1/stores/B001/events");
  // Wait for the node's online status (it has subscribed by then).
  {
    Client probe(broker.uri(), "bench-probe");
    std::atomic<bool> online{false};
    probe.on_message = [&](const std::string&, const std::string& p) {
      if (p.find("\"online\"") != std::string::npos) online = true;
    };
    probe.Connect();
    probe.Subscribe("oms/v1/stores/B001/status");
    if (!WaitUntil([&] { return online.load(); }, 30s)) Die("the daemon did not come online");
    probe.Disconnect();
  }

  // The catalogue, with stock for every order.
  const int chunks = std::max(1, a.skus / 1000);
  int64_t inv_seq = 0;
  const auto snapshot_start = Clock::now();
  for (int c = 0; c < chunks; ++c) {
    json items = json::array();
    for (int i = c * a.skus / chunks; i < (c + 1) * a.skus / chunks; ++i) {
      items.push_back({{"sku", Sku(i)}, {"on_hand", 1'000'000}, {"location", "A-01-01"}});
    }
    central.Publish("oms/v1/stores/B001/inventory", Envelope("inventory", ++inv_seq, "inventory.snapshot",
                                                             {{"snapshot_id", "bench"},
                                                              {"as_of_store_seq", 0},
                                                              {"chunk", c + 1},
                                                              {"chunks", chunks},
                                                              {"items", items}}));
  }
  {
    std::unique_lock<std::mutex> g(mu);
    if (!cv.wait_for(g, 300s, [&] { return snapshot_applied; }))
      Die("snapshot not applied: " + daemon.Stderr());
  }
  std::printf(
      "snapshot over MQTT: %d SKUs in %d chunks, %.2f s from the first chunk sent to "
      "inventory.snapshot_applied received\n",
      a.skus, chunks, Seconds(snapshot_start));

  // Every order's message is built before the clock starts, as the echo
  // baseline's payload is: building JSON is the OMS's work, not the node's,
  // and on a machine of 2 cores it would take CPU from the node.
  std::vector<std::pair<std::string, std::string>> messages;  // (order id, payload)
  int64_t seq = 0;
  for (int i = 1; i <= a.orders + a.latency_orders; ++i) {
    char id[24];
    std::snprintf(id, sizeof id, "O-%07d", i);
    messages.emplace_back(id, Envelope("orders", ++seq, "order.routed", RoutedOrder(id, rng, a.skus)));
  }
  auto send = [&](int i) {
    const auto& [id, payload] = messages[static_cast<size_t>(i - 1)];
    central.Publish("oms/v1/stores/B001/orders", payload);
    return id;
  };

  // 1. Throughput.
  const auto t0 = Clock::now();
  for (int i = 1; i <= a.orders; ++i) send(i);
  {
    std::unique_lock<std::mutex> g(mu);
    if (!cv.wait_for(g, 600s, [&] { return static_cast<int>(decided.size()) >= a.orders; }))
      Die("not every order was decided: " + std::to_string(decided.size()));
  }
  const double rate = a.orders / Seconds(t0);
  std::printf("intake, synchronous %s: %.0f orders/s (3 lines, %d SKUs); echo baseline %.0f msgs/s (%.2fx)\n",
              a.synchronous.c_str(), rate, a.skus, echo_rate, rate / echo_rate);

  // 2. Latency at a fixed offered rate.
  std::map<std::string, Clock::time_point> sent;
  const auto start = Clock::now();
  const auto period = std::chrono::duration<double>(1.0 / a.rate);
  for (int k = 0; k < a.latency_orders; ++k) {
    std::this_thread::sleep_until(start + std::chrono::duration_cast<Clock::duration>(period * k));
    const int i = a.orders + 1 + k;
    const auto at = Clock::now();
    sent[send(i)] = at;
  }
  {
    std::unique_lock<std::mutex> g(mu);
    if (!cv.wait_for(g, 600s,
                     [&] { return static_cast<int>(decided.size()) >= a.orders + a.latency_orders; }))
      Die("latency run: not every order was decided");
  }
  std::vector<double> ms;
  {
    std::lock_guard<std::mutex> g(mu);
    for (const auto& [id, at] : sent)
      ms.push_back(std::chrono::duration<double, std::milli>(decided[id] - at).count());
  }
  std::sort(ms.begin(), ms.end());
  auto pct = [&](double p) { return ms[std::min(ms.size() - 1, static_cast<size_t>(p * ms.size()))]; };
  std::printf("intake latency at %.0f orders/s offered: p50 %.1f ms, p99 %.1f ms, max %.1f ms (%d orders)\n",
              a.rate, pct(0.50), pct(0.99), ms.back(), a.latency_orders);
  std::printf("  daemon peak RSS %lld KiB\n", static_cast<long long>(PeakRssKiB(daemon.process().pid())));
  central.Disconnect();
  daemon.process().Signal(SIGTERM);
  daemon.process().Wait(30s);
}

void Drain(const Args& a) {
  TempDir dir;
  Mosquitto broker(dir, BrokerOptions());
  DaemonUnderTest daemon(dir, "B001",
                         "[mqtt]\nuri = \"" + broker.uri() + "\"\n[sqlite]\nsynchronous = \"" +
                             a.synchronous + "\"\n[log]\nlevel = \"warn\"\n");
  // The backlog: events the node produced while the broker was away.
  const std::string data = json{{"items", json::array({{{"sku", "SKU-100001"}, {"available", 12}}})}}.dump();
  {
    std::filesystem::create_directories(daemon.data_dir());
    edge::app::SystemClock clock;
    edge::store::StoreOptions so;
    so.path = daemon.db_path();
    so.store_id = "B001";
    auto st = edge::store::Store::Open(so, clock);
    if (!st.ok()) Die(st.status().ToString());
    auto txn = edge::store::Transaction::Begin((*st)->db());
    for (int i = 0; i < a.backlog; ++i) {
      char id[64];
      std::snprintf(id, sizeof id, "11111111-0000-4000-8000-%012d", i);
      if (!(*st)->AppendEvent(**txn, id, "inventory.available", data).ok()) Die("append failed");
    }
    if (!(*txn)->Commit().ok()) Die("commit failed");
  }
  const size_t event_size = data.size() + 160;  // the envelope around it
  const double baseline = PublishBaseline(broker.uri(), a.backlog, event_size);

  auto db = edge::store::Database::Open(daemon.db_path(), edge::store::Database::Mode::kReadOnly);
  if (!db.ok()) Die(db.status().ToString());
  const auto t0 = Clock::now();
  if (!daemon.Start()) Die("storeedged did not start: " + daemon.Stderr());
  const bool drained = WaitUntil(
      // An O(1) look (the partial index's first entry): counting what is
      // left would scan up to the whole backlog 50 times a second on the
      // cores the daemon runs on.
      [&] { return *(*db)->QueryInt("SELECT EXISTS (SELECT 1 FROM outbox WHERE published IS NULL)") == 0; },
      600s);
  const double s = Seconds(t0);
  if (!drained) Die("the backlog did not drain");
  std::printf(
      "backlog drain, synchronous %s: %d events in %.2f s (start included); minimal client %.2f s (%.2fx)\n",
      a.synchronous.c_str(), a.backlog, s, baseline, s / baseline);
  std::printf("  daemon peak RSS %lld KiB\n", static_cast<long long>(PeakRssKiB(daemon.process().pid())));
  daemon.process().Signal(SIGTERM);
  daemon.process().Wait(30s);
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) Die(k + " needs a value");
      return argv[++i];
    };
    if (k == "--orders")
      a.orders = std::stoi(next());
    else if (k == "--latency-orders")
      a.latency_orders = std::stoi(next());
    else if (k == "--rate")
      a.rate = std::stod(next());
    else if (k == "--skus")
      a.skus = std::stoi(next());
    else if (k == "--backlog")
      a.backlog = std::stoi(next());
    else if (k == "--synchronous")
      a.synchronous = next();
    else
      Die("unknown argument " + k);
  }
  std::printf("sync_bench: loopback mosquitto, %u cores\n", std::thread::hardware_concurrency());
  Intake(a);
  Drain(a);
  return 0;
}
