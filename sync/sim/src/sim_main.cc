// storeedge-oms-sim: a simulated central OMS over MQTT (see
// edge/sim/central_sim.h). The demo's OMS (`make run`) and the central side
// of the end-to-end and fleet tests.
//
// The Paho callbacks only queue what arrived; the main thread runs the
// simulation, publishes, and writes the report. Paho's offline buffer holds
// what is published while the broker is away (a simulator needs no more).
#include <mqtt/async_client.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <string>
#include <vector>

#include "edge/sim/catalogue.h"
#include "edge/sim/central_sim.h"

namespace {

using namespace edge;

constexpr const char* kUsage =
    "usage: storeedge-oms-sim [options]\n"
    "       storeedge-oms-sim --write-catalogue FILE [--catalogue-size N] [--seed N]\n"
    "\n"
    "A simulated central OMS (../shared/PROTOCOL.md, the central side): sends each\n"
    "store a snapshot of the catalogue, then routed orders of every kind at a steady\n"
    "pace; answers order.packed with shipping labels; now and then cancels an order\n"
    "or reports a customer's arrival; books till sales and a purchase-order receipt.\n"
    "It checks that each store's events arrive complete and on the store's own topic.\n"
    "\n"
    "  --broker URI            MQTT broker (default tcp://127.0.0.1:1883)\n"
    "  --stores A,B,...        store ids to simulate (default DEMO)\n"
    "  --client-id ID          MQTT client id (default storeedge-oms-sim)\n"
    "  --seed N                the same seed gives the same catalogue and orders (default 1)\n"
    "  --catalogue-size N      items in the catalogue, 1..5000 (default 300)\n"
    "  --interval-ms N         time between two orders of one store (default 15000)\n"
    "  --orders N              orders per store, then stop routing (default 0: no end)\n"
    "  --kinds K,...           order kinds to route (default all four)\n"
    "  --cancel-pct N          share of accepted orders later cancelled (default 8)\n"
    "  --arrive-pct N          share of ready curbside orders whose customer arrives (default 70)\n"
    "  --unfillable-pct N      share of lines the store cannot fill (default 4)\n"
    "  --backorder-pct N       share of orders with a backorder/preorder line (default 4)\n"
    "  --report FILE           keep a JSON report of what was sent and received there\n"
    "  --exit-when-done        exit once --orders are all decided (exit 1 if anything was wrong)\n"
    "  --quiet                 no line per message\n"
    "\n"
    "Stops cleanly on SIGINT or SIGTERM (the report is written first).\n";

std::atomic<bool> g_stop{false};
void OnSignal(int) { g_stop = true; }

struct Args {
  std::string broker = "tcp://127.0.0.1:1883";
  std::string client_id = "storeedge-oms-sim";
  std::string report;
  std::string write_catalogue;
  size_t catalogue_size = 300;
  bool exit_when_done = false;
  bool quiet = false;
  sim::SimOptions sim;
};

std::vector<std::string> Split(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    const size_t comma = s.find(',', start);
    std::string part = s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!part.empty()) out.push_back(part);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

bool ValidStore(const std::string& s) {
  if (s.empty() || s.size() > 32) return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') return false;
  }
  return true;
}

// Returns "" or what is wrong with the command line.
std::string Parse(int argc, char** argv, Args* a) {
  a->sim.stores = {"DEMO"};
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    if (k == "--exit-when-done") {
      a->exit_when_done = true;
      continue;
    }
    if (k == "--quiet") {
      a->quiet = true;
      continue;
    }
    if (i + 1 >= argc) return "option " + k + " needs a value (or is unknown)";
    const std::string v = argv[++i];
    auto number = [&](int64_t lo, int64_t hi, int64_t* out) -> std::string {
      char* end = nullptr;
      errno = 0;
      const long long n = std::strtoll(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0' || errno != 0 || n < lo || n > hi) {
        return k + " must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi) +
               ", got '" + v + "'";
      }
      *out = n;
      return "";
    };
    int64_t n = 0;
    std::string e;
    if (k == "--broker") {
      a->broker = v;
    } else if (k == "--client-id") {
      a->client_id = v;
    } else if (k == "--report") {
      a->report = v;
    } else if (k == "--write-catalogue") {
      a->write_catalogue = v;
    } else if (k == "--stores") {
      a->sim.stores = Split(v);
      if (a->sim.stores.empty()) return "--stores needs at least one store id";
      for (const auto& s : a->sim.stores) {
        if (!ValidStore(s)) return "store id '" + s + "' is not [A-Za-z0-9_-]{1,32}";
      }
    } else if (k == "--kinds") {
      a->sim.kinds = Split(v);
      for (const auto& kind : a->sim.kinds) {
        if (kind != "ship_from_store" && kind != "bopis" && kind != "curbside" && kind != "same_day") {
          return "order kind '" + kind + "' is not one of ship_from_store, bopis, curbside, same_day";
        }
      }
      if (a->sim.kinds.empty()) return "--kinds needs at least one kind";
    } else if (k == "--seed") {
      if (e = number(0, INT64_MAX, &n); e.empty()) a->sim.seed = static_cast<uint64_t>(n);
    } else if (k == "--catalogue-size") {
      if (e = number(1, 5000, &n); e.empty()) a->catalogue_size = static_cast<size_t>(n);
    } else if (k == "--interval-ms") {
      if (e = number(1, 86'400'000, &n); e.empty()) a->sim.order_interval = std::chrono::milliseconds(n);
    } else if (k == "--orders") {
      if (e = number(0, 10'000'000, &n); e.empty()) a->sim.orders = static_cast<int>(n);
    } else if (k == "--cancel-pct") {
      if (e = number(0, 100, &n); e.empty()) a->sim.cancel_pct = static_cast<int>(n);
    } else if (k == "--arrive-pct") {
      if (e = number(0, 100, &n); e.empty()) a->sim.arrive_pct = static_cast<int>(n);
    } else if (k == "--unfillable-pct") {
      if (e = number(0, 100, &n); e.empty()) a->sim.unfillable_pct = static_cast<int>(n);
    } else if (k == "--backorder-pct") {
      if (e = number(0, 100, &n); e.empty()) a->sim.backorder_pct = static_cast<int>(n);
    } else {
      return "unknown option '" + k + "'";
    }
    if (!e.empty()) return e;
  }
  return "";
}

bool WriteAtomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!(f << text)) return false;
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  return !ec;
}

std::string Now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%H:%M:%S", &tm);
  return buf;
}

class Transport {
 public:
  struct Inbound {
    std::string topic;
    std::string payload;
  };

  Transport(const Args& a) : client_(a.broker, a.client_id, Create(), nullptr) {
    client_.set_message_callback([this](mqtt::const_message_ptr m) {
      std::lock_guard<std::mutex> g(mu_);
      inbox_.push_back({m->get_topic(), m->to_string()});
      cv_.notify_all();
    });
    // Subscribing again on every connect: the broker may have no session.
    // Queued for the main thread: no waiting inside a Paho callback.
    client_.set_connected_handler([this](const std::string&) {
      std::lock_guard<std::mutex> g(mu_);
      connected_ = true;
      resubscribe_ = true;
      cv_.notify_all();
    });
    client_.set_connection_lost_handler([this](const std::string&) {
      std::lock_guard<std::mutex> g(mu_);
      connected_ = false;
      cv_.notify_all();
    });
  }

  bool Connect(std::string* error) {
    mqtt::connect_options o;
    o.set_clean_session(false);  // events published while we are away wait at the broker
    o.set_keep_alive_interval(20);
    o.set_automatic_reconnect(1, 10);
    o.set_connect_timeout(10);
    try {
      client_.connect(o)->wait();
    } catch (const mqtt::exception& e) {
      *error = e.what();
      return false;
    }
    return true;
  }

  // Waits until something arrived, `until`, or a stop; returns what arrived.
  std::vector<Inbound> Wait(std::chrono::system_clock::time_point until) {
    std::unique_lock<std::mutex> l(mu_);
    // At most 200 ms: a signal is noticed that soon.
    const auto cap = std::chrono::system_clock::now() + std::chrono::milliseconds(200);
    cv_.wait_until(l, std::min(until, cap), [&] { return !inbox_.empty() || resubscribe_; });
    if (resubscribe_) {
      resubscribe_ = false;
      l.unlock();
      Subscribe();
      l.lock();
    }
    std::vector<Inbound> out(inbox_.begin(), inbox_.end());
    inbox_.clear();
    return out;
  }

  // On the main thread (never in a callback): waits for the broker's SUBACKs,
  // then says so on stdout, so a script can start the stores after it.
  void Subscribe() {
    std::string topics;
    try {
      for (const auto& t : sim::CentralSim::Subscriptions()) {
        client_.subscribe(t, 1)->wait_for(std::chrono::seconds(10));
        topics += (topics.empty() ? "" : ", ") + t;
      }
      std::printf("%s oms  subscribed to %s\n", Now().c_str(), topics.c_str());
    } catch (const mqtt::exception& e) {
      std::fprintf(stderr, "storeedge-oms-sim: subscribe: %s\n", e.what());
    }
  }

  void Publish(const sim::Outgoing& m) {
    try {
      client_.publish(m.topic, m.payload.data(), m.payload.size(), 1, false);
    } catch (const mqtt::exception& e) {
      std::fprintf(stderr, "storeedge-oms-sim: publish on %s: %s\n", m.topic.c_str(), e.what());
    }
  }

  void Disconnect() {
    try {
      client_.disconnect(std::chrono::seconds(2))->wait_for(std::chrono::seconds(5));
    } catch (const mqtt::exception&) {
    }
  }

 private:
  static mqtt::create_options Create() {
    mqtt::create_options c(MQTTVERSION_3_1_1, 100000);
    c.set_send_while_disconnected(true, true);
    return c;
  }

  mqtt::async_client client_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Inbound> inbox_;
  bool connected_ = false;
  bool resubscribe_ = false;
};

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
      std::fputs(kUsage, stdout);
      return 0;
    }
  }
  Args a;
  if (std::string e = Parse(argc, argv, &a); !e.empty()) {
    std::fprintf(stderr, "storeedge-oms-sim: %s\n\n%s", e.c_str(), kUsage);
    return 2;
  }
  auto catalogue = sim::MakeCatalogue(a.catalogue_size, a.sim.seed);
  if (!a.write_catalogue.empty()) {
    if (!WriteAtomically(a.write_catalogue, sim::CatalogueCsv(catalogue))) {
      std::fprintf(stderr, "storeedge-oms-sim: cannot write %s: %s\n", a.write_catalogue.c_str(),
                   std::strerror(errno));
      return 1;
    }
    return 0;
  }

  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  std::setvbuf(stdout, nullptr, _IOLBF, 0);

  sim::CentralSim sim(a.sim, std::move(catalogue));
  if (!a.quiet)
    sim.SetLog([](const std::string& line) { std::printf("%s oms  %s\n", Now().c_str(), line.c_str()); });
  Transport t(a);
  std::string error;
  // The broker may start after us: keep trying, as the store does.
  while (!t.Connect(&error)) {
    std::fprintf(stderr, "storeedge-oms-sim: cannot connect to %s (%s); trying again\n", a.broker.c_str(),
                 error.c_str());
    for (int i = 0; i < 10 && !g_stop; ++i) ::usleep(100'000);
    if (g_stop) return 0;
  }

  std::string last_report;
  auto last_write = std::chrono::steady_clock::now() - std::chrono::seconds(1);
  auto write_report = [&](bool force) {
    if (a.report.empty()) return;
    if (!force && std::chrono::steady_clock::now() - last_write < std::chrono::milliseconds(250)) return;
    std::string r = sim.Report().dump(2) + "\n";
    if (r == last_report) return;
    if (WriteAtomically(a.report, r)) {
      last_report = std::move(r);
      last_write = std::chrono::steady_clock::now();
    }
  };

  while (!g_stop) {
    const auto now = std::chrono::system_clock::now();
    for (const auto& m : t.Wait(sim.NextWake(now))) {
      for (const auto& out : sim.OnMessage(m.topic, m.payload, std::chrono::system_clock::now()))
        t.Publish(out);
    }
    for (const auto& out : sim.Tick(std::chrono::system_clock::now())) t.Publish(out);
    write_report(false);
    if (a.exit_when_done && sim.Done()) break;
  }
  write_report(true);
  t.Disconnect();
  if (a.exit_when_done && !g_stop) {
    const bool ok = sim.Report().value("ok", false);
    if (!a.quiet)
      std::printf("%s oms  done: %s\n", Now().c_str(), ok ? "every store complete" : "problems, see report");
    return ok ? 0 : 1;
  }
  return 0;
}
