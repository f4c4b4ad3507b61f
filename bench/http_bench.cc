// http_bench: the daemon's HTTP API under wrk, against the same HTTP stack
// answering a static 200 on the same paths in the same run.
//
//  1. GET /api/v1/tasks: the open pick tasks (--tasks of them, one order
//     each), with an associate's token.
//  2. POST /api/v1/kiosk/lookup: an order ref and its pickup code, with a
//     kiosk's device token, rotating over --pickup-orders bopis orders and
//     --kiosks kiosk devices (bench/http_lookup.lua). The daemon runs with
//     [policy] kiosk_lookups_per_kiosk_per_min and _per_ref_per_min raised
//     to 1,000,000 so that the limits do not answer instead of the lookup;
//     a run that met a limit anyway is flagged (its 429s are not lookups).
//     Every ref's first lookup runs the slow hash of its pickup code; the
//     later ones find the code remembered (PickupCodeChecker). Those first
//     lookups are made one after another before wrk starts and reported on
//     their own (lookups/s, p50, p99): wrk measures the lookups that follow.
//
// The store is seeded in this process through the app's services (the same
// code the daemon runs for routed orders, tasks, users and kiosks) into the
// data dir of a storeedged that then starts on it. The baseline is a
// kiosk::HttpServer in this process, on an io_context thread of its own as
// the daemon's is, whose router answers the same method and path with the
// bytes the daemon answered: the HTTP stack's own limit.
//
// For each: requests/s, p50 and p99 from wrk --latency, and the ratio.
//
// Usage: http_bench [--tasks N] [--pickup-orders N] [--kiosks N]
//                   [--duration S] [--connections N] [--threads N]
// Defaults: 200 tasks, 2,000 pickup orders, 2 kiosks, 10 s per run,
// 32 connections, 2 wrk threads. Needs wrk (Debian package wrk) on PATH.
#include <unistd.h>
#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <chrono>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "edge/app/auth_service.h"
#include "edge/app/inventory_service.h"
#include "edge/app/order_service.h"
#include "edge/app/system_clock.h"
#include "edge/kiosk/http.h"
#include "edge/kiosk/http_client.h"
#include "edge/log/log.h"
#include "edge/store/store.h"
#include "edge/testing/daemon.h"

namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;
using edge::testing::DaemonUnderTest;
using edge::testing::TempDir;

struct Args {
  int tasks = 200;
  int pickup_orders = 2000;
  int kiosks = 2;
  int duration_s = 10;
  int connections = 32;
  int threads = 2;
};

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "http_bench: %s\n", what.c_str());
  std::exit(1);
}

template <typename T>
T Must(edge::core::Result<T> r, const std::string& what) {
  if (!r.ok()) Die(what + ": " + r.status().ToString());
  return std::move(r).value();
}
void Must(const edge::core::Status& s, const std::string& what) {
  if (!s.ok()) Die(what + ": " + s.ToString());
}

// Print jobs go nowhere: the seeding queues none.
class NoPrinter final : public edge::app::LabelPrinter {
 public:
  edge::core::Status QueuePrint(const std::string&, const std::string&, const std::string&,
                                const std::string&, const std::string&) override {
    return edge::core::Status::Ok();
  }
};

struct Seeded {
  std::string associate_token;
  std::vector<std::string> kiosk_tokens;
  std::vector<std::pair<std::string, std::string>> pickups;  // order ref, pickup code
};

std::string Sku(int i) { return "SKU-" + std::to_string(1000 + i); }

json Routed(const std::string& id, const std::string& kind, const std::string& code, int first_sku) {
  json lines = json::array();
  for (int l = 0; l < 2; ++l) {
    lines.push_back({{"line_id", std::to_string(l + 1)},
                     {"sku", Sku((first_sku + l) % 50)},
                     {"qty", 1},
                     {"description", "Bench item"},
                     {"fulfil", "now"}});
  }
  return {{"order_id", id},
          {"order_ref", "W-" + id},
          {"kind", kind},
          {"priority", 5},
          {"placed_at", "2026-11-27T09:00:00Z"},
          {"promised_by", "2026-11-28T18:00:00Z"},
          {"pickup_code", code.empty() ? json(nullptr) : json(code)},
          {"customer", {{"first_name", "Maria"}, {"last_name", "Okafor"}, {"phone_last4", "0173"}}},
          {"ship_to",
           {{"name", "A B"}, {"line1", "1 Main St"}, {"city", "X"}, {"postcode", "1"}, {"country", "US"}}},
          {"carrier_service", "UPS_GROUND"},
          {"lines", lines}};
}

// Seeds the store database at `db_path` (created) for store B001.
Seeded Seed(const std::string& db_path, const Args& a) {
  namespace app = edge::app;
  app::SystemClock clock;
  edge::store::StoreOptions so;
  so.path = db_path;
  so.store_id = "B001";
  // Seeding speed only; the daemon runs with its config's (FULL).
  so.synchronous = edge::store::Synchronous::kNormal;
  auto store = Must(edge::store::Store::Open(so, clock), "open " + db_path);
  auto inventory = Must(
      app::InventoryService::Create(*store, clock, app::InventoryOptions{}, std::mt19937_64(1)), "inventory");
  app::AuthService auth(*store, clock, app::AuthOptions{});
  NoPrinter printer;
  app::OrderOptions oo;
  oo.store_id = "B001";
  oo.max_open_orders = 1'000'000;
  auto orders = Must(
      app::OrderService::Create(*store, clock, *inventory, auth, printer, oo, std::mt19937_64(2)), "orders");

  json items = json::array();
  for (int i = 0; i < 50; ++i) {
    char location[16];
    std::snprintf(location, sizeof location, "A-%02d-%02d", 1 + i / 10, 1 + i % 10);
    items.push_back({{"sku", Sku(i)}, {"on_hand", 1'000'000}, {"location", location}});
  }
  Must(inventory->ApplySnapshotChunk(
           {{"snapshot_id", "bench"}, {"as_of_store_seq", 0}, {"chunk", 1}, {"chunks", 1}, {"items", items}}),
       "snapshot");

  const edge::core::Actor admin{"http_bench", edge::core::Role::kSupervisor};
  const edge::core::Actor ana{"ana", edge::core::Role::kAssociate};
  Must(auth.AddUser("ana", "Ana", edge::core::Role::kAssociate, "1234", admin), "add user");
  Seeded s;
  s.associate_token = Must(auth.Login("ana", "1234"), "login").token;
  for (int i = 0; i < a.kiosks; ++i) {
    s.kiosk_tokens.push_back(Must(auth.AddKiosk("kiosk-" + std::to_string(i), admin), "add kiosk"));
  }
  for (int i = 0; i < a.tasks; ++i) {
    const std::string id = "O-" + std::to_string(100000 + i);
    Must(orders->ApplyRouted(Routed(id, "ship_from_store", "", i)), "route " + id);
    Must(orders->CreatePickTask({id}, ana), "task of " + id);
  }
  std::mt19937_64 rng(3);
  for (int i = 0; i < a.pickup_orders; ++i) {
    const std::string id = "P-" + std::to_string(100000 + i);
    const std::string code = std::to_string(100000 + rng() % 900000);
    Must(orders->ApplyRouted(Routed(id, "bopis", code, i)), "route " + id);
    s.pickups.emplace_back("W-" + id, code);
  }
  return s;
}

std::string FindOnPath(const std::string& name) {
  std::stringstream path(std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin");
  std::string dir;
  while (std::getline(path, dir, ':')) {
    const std::string p = dir + "/" + name;
    if (::access(p.c_str(), X_OK) == 0) return p;
  }
  return "";
}

struct WrkResult {
  double rps = 0;
  double p50_ms = 0, p99_ms = 0;
  long requests = 0;
  long non_2xx = 0;
  long socket_errors = 0;
};

double ToMs(const std::string& v) {
  const double x = std::atof(v.c_str());
  if (v.size() >= 2 && v.compare(v.size() - 2, 2, "us") == 0) return x / 1000;
  if (v.size() >= 2 && v.compare(v.size() - 2, 2, "ms") == 0) return x;
  if (!v.empty() && v.back() == 's') return x * 1000;
  return x;
}

// Runs wrk against http://127.0.0.1:port`path` with `script` and parses
// its report.
WrkResult RunWrk(const TempDir& dir, const Args& a, uint16_t port, const std::string& path,
                 const std::string& script, const std::map<std::string, std::string>& env) {
  static const std::string wrk = FindOnPath("wrk");
  if (wrk.empty()) Die("wrk not found on PATH (Debian: apt-get install wrk; packaging/install-deps.sh)");
  edge::testing::Process::Options o;
  o.argv = {wrk,
            "-t",
            std::to_string(a.threads),
            "-c",
            std::to_string(a.connections),
            "-d",
            std::to_string(a.duration_s) + "s",
            "--latency",
            "-s",
            std::string(HTTP_BENCH_LUA_DIR) + "/" + script,
            "http://127.0.0.1:" + std::to_string(port) + path};
  o.env = env;
  o.env["HTTP_BENCH_THREADS"] = std::to_string(a.threads);
  o.stdout_path = dir.File("wrk.out");
  o.stderr_path = dir.File("wrk.err");
  edge::testing::Process p(o);
  auto code = p.Wait(std::chrono::seconds(a.duration_s + 60));
  const std::string out = edge::testing::ReadFile(o.stdout_path);
  if (!code || *code != 0) Die("wrk failed: " + out + edge::testing::ReadFile(o.stderr_path));
  WrkResult r;
  std::istringstream in(out);
  std::string line;
  bool distribution = false;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string first;
    words >> first;
    if (first == "Latency" && line.find("Distribution") != std::string::npos) {
      distribution = true;
    } else if (distribution && (first == "50%" || first == "99%")) {
      std::string v;
      words >> v;
      (first == "50%" ? r.p50_ms : r.p99_ms) = ToMs(v);
    } else if (first == "Requests/sec:") {
      words >> r.rps;
    } else if (line.find("requests in") != std::string::npos) {
      r.requests = std::atol(first.c_str());
    } else if (line.find("Non-2xx or 3xx responses:") != std::string::npos) {
      r.non_2xx = std::atol(line.substr(line.find(':') + 1).c_str());
    } else if (first == "Socket" && line.find("errors:") != std::string::npos) {
      for (const char* k : {"connect ", "read ", "write ", "timeout "}) {
        const size_t at = line.find(k);
        if (at != std::string::npos) r.socket_errors += std::atol(line.c_str() + at + std::strlen(k));
      }
    }
  }
  if (r.rps <= 0) Die("cannot read wrk's report:\n" + out);
  return r;
}

void Report(const std::string& what, const WrkResult& d, const WrkResult& s) {
  std::printf("%s\n", what.c_str());
  std::printf("  storeedged: %8.0f req/s, p50 %6.2f ms, p99 %6.2f ms (%ld requests", d.rps, d.p50_ms,
              d.p99_ms, d.requests);
  if (d.non_2xx > 0) std::printf(", %ld NOT 2xx: figures invalid", d.non_2xx);
  if (d.socket_errors > 0) std::printf(", %ld socket errors", d.socket_errors);
  std::printf(")\n");
  std::printf("  static 200: %8.0f req/s, p50 %6.2f ms, p99 %6.2f ms (%ld requests", s.rps, s.p50_ms,
              s.p99_ms, s.requests);
  if (s.non_2xx > 0 || s.socket_errors > 0)
    std::printf(", %ld not 2xx, %ld socket errors", s.non_2xx, s.socket_errors);
  std::printf(")\n  ratio %.2fx (target >= 0.5x)\n", d.rps / s.rps);
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    auto next = [&]() -> int {
      if (i + 1 >= argc) Die(k + " needs a value");
      return std::stoi(argv[++i]);
    };
    if (k == "--tasks")
      a.tasks = next();
    else if (k == "--pickup-orders")
      a.pickup_orders = next();
    else if (k == "--kiosks")
      a.kiosks = next();
    else if (k == "--duration")
      a.duration_s = next();
    else if (k == "--connections")
      a.connections = next();
    else if (k == "--threads")
      a.threads = next();
    else
      Die("unknown argument " + k);
  }
  if (a.tasks < 1 || a.pickup_orders < a.threads || a.kiosks < a.threads || a.duration_s < 1 ||
      a.duration_s > 50 || a.threads < 1 || a.connections < a.threads) {
    Die("needs tasks >= 1, pickup orders and kiosks >= threads, 1..50 s, connections >= threads");
  }
  std::printf(
      "http_bench: wrk %d threads, %d connections, %d s a run; %d open pick tasks, %d pickup orders, "
      "%d kiosks; %u cores\n",
      a.threads, a.connections, a.duration_s, a.tasks, a.pickup_orders, a.kiosks,
      std::thread::hardware_concurrency());
  std::fflush(stdout);

  // The seeding's services log every routed order at info.
  edge::log::SetLevel(edge::log::Level::kWarn);
  TempDir dir;
  DaemonUnderTest daemon(
      dir, "B001",
      "[log]\nlevel = \"warn\"\n[policy]\nmax_open_orders = 1000000\n"
      "kiosk_lookups_per_kiosk_per_min = 1000000\nkiosk_lookups_per_ref_per_min = 1000000\n"
      "[sqlite]\nsynchronous = \"FULL\"\n");
  std::filesystem::create_directories(daemon.data_dir());
  const auto t0 = std::chrono::steady_clock::now();
  const Seeded seeded = Seed(daemon.db_path(), a);
  std::printf("seeded in %.1f s\n",
              std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  if (!daemon.Start()) Die("storeedged did not start: " + daemon.Stderr());

  // What the daemon answers: the static server answers the same bytes.
  auto tasks = edge::kiosk::HttpRequest("127.0.0.1", daemon.port(), "GET", "/api/v1/tasks", "",
                                        {{"Authorization", "Bearer " + seeded.associate_token}});
  if (!tasks.ok() || tasks->status != 200)
    Die("GET /api/v1/tasks failed: " + (tasks.ok() ? tasks->body : ""));
  const size_t listed = json::parse(tasks->body)["tasks"].size();
  if (listed != static_cast<size_t>(a.tasks)) Die("the task list has " + std::to_string(listed) + " tasks");
  // The probe uses the last kiosk and ref, which the wrk threads reach last.
  const auto& [probe_ref, probe_code] = seeded.pickups.back();
  auto lookup = edge::kiosk::HttpRequest("127.0.0.1", daemon.port(), "POST", "/api/v1/kiosk/lookup",
                                         json{{"order_ref", probe_ref}, {"pickup_code", probe_code}}.dump(),
                                         {{"Authorization", "Bearer " + seeded.kiosk_tokens.back()}});
  if (!lookup.ok() || lookup->status != 200) Die("kiosk lookup failed: " + (lookup.ok() ? lookup->body : ""));

  // Every other ref's first lookup (the slow hash), one at a time, timed
  // apart (the probe above was the last ref's).
  {
    std::vector<double> ms;
    const auto f0 = std::chrono::steady_clock::now();
    for (size_t i = 0; i + 1 < seeded.pickups.size(); ++i) {
      const auto& [ref, code] = seeded.pickups[i];
      const auto t = std::chrono::steady_clock::now();
      auto r = edge::kiosk::HttpRequest(
          "127.0.0.1", daemon.port(), "POST", "/api/v1/kiosk/lookup",
          json{{"order_ref", ref}, {"pickup_code", code}}.dump(),
          {{"Authorization", "Bearer " + seeded.kiosk_tokens[i % seeded.kiosk_tokens.size()]}});
      if (!r.ok() || r->status != 200) Die("first lookup of " + ref + " failed: " + (r.ok() ? r->body : ""));
      ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count());
    }
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - f0).count();
    std::sort(ms.begin(), ms.end());
    std::printf(
        "first lookup of each ref (the slow hash of its code; one at a time, a new connection each): %zu "
        "in %.2f s, %.0f/s, p50 %.2f ms, p99 %.2f ms\n",
        ms.size(), s, static_cast<double>(ms.size()) / s, ms[ms.size() / 2], ms[ms.size() * 99 / 100]);
    std::fflush(stdout);
  }

  boost::asio::io_context io;
  edge::kiosk::Router router;
  const std::string tasks_body = tasks->body, lookup_body = lookup->body;
  router.Add("GET", "/api/v1/tasks", [&tasks_body](const edge::kiosk::Request&) {
    return edge::kiosk::Response::Json(200, tasks_body);
  });
  router.Add("POST", "/api/v1/kiosk/lookup", [&lookup_body](const edge::kiosk::Request&) {
    return edge::kiosk::Response::Json(200, lookup_body);
  });
  edge::kiosk::HttpOptions ho;
  ho.port = 0;
  auto server = Must(edge::kiosk::HttpServer::Start(io, ho, router), "static server");
  std::thread io_thread([&io] { io.run(); });

  std::string lookups;
  for (const auto& t : seeded.kiosk_tokens) lookups += "K " + t + "\n";
  for (const auto& [ref, code] : seeded.pickups) lookups += "R " + ref + " " + code + "\n";
  edge::testing::WriteFile(dir.File("lookups.txt"), lookups);

  const std::map<std::string, std::string> env = {{"HTTP_BENCH_TOKEN", seeded.associate_token},
                                                  {"HTTP_BENCH_LOOKUPS", dir.File("lookups.txt")}};
  const WrkResult d_tasks = RunWrk(dir, a, daemon.port(), "/api/v1/tasks", "http_tasks.lua", env);
  const WrkResult s_tasks = RunWrk(dir, a, server->port(), "/api/v1/tasks", "http_tasks.lua", env);
  Report("GET /api/v1/tasks (" + std::to_string(a.tasks) + " open pick tasks, " +
             std::to_string(tasks_body.size()) + "-byte answer)",
         d_tasks, s_tasks);
  std::fflush(stdout);
  const WrkResult d_lookup = RunWrk(dir, a, daemon.port(), "/api/v1/kiosk/lookup", "http_lookup.lua", env);
  const WrkResult s_lookup = RunWrk(dir, a, server->port(), "/api/v1/kiosk/lookup", "http_lookup.lua", env);
  Report("POST /api/v1/kiosk/lookup (" + std::to_string(lookup_body.size()) + "-byte answer; " +
             std::to_string(a.kiosks) + " kiosks, " + std::to_string(a.pickup_orders) + " refs)",
         d_lookup, s_lookup);

  boost::asio::post(io, [&server] { server->Stop(); });
  io_thread.join();
  daemon.process().Signal(SIGTERM);
  (void)daemon.process().Wait(30s);
  return d_tasks.non_2xx + d_lookup.non_2xx > 0 ? 1 : 0;
}
