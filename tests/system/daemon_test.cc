// storeedged as a process: start on a temp dir and a free port, READY through
// a notify socket, SIGHUP reload, SIGTERM clean stop, watchdog pings, and each
// startup failure with its exact message and exit code.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "edge/store/database.h"
#include "edge/testing/daemon.h"

namespace edge::testing {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;

// The daemon logs its start before failing; the failure is its last line.
std::string LastLine(const std::string& text) {
  if (text.empty()) return text;
  const size_t end = text.back() == '\n' ? text.size() - 1 : text.size();
  const size_t start = text.rfind('\n', end - 1);
  return text.substr(start == std::string::npos ? 0 : start + 1);
}

TEST(Daemon, StartsReloadsAndStopsCleanly) {
  TempDir dir;
  DaemonUnderTest d(dir);
  ASSERT_TRUE(d.Start()) << d.Stderr();

  auto status = d.Get("/api/v1/status");
  ASSERT_TRUE(status.ok()) << status.status().ToString();
  ASSERT_EQ(status->status, 200);
  const json j = json::parse(status->body);
  EXPECT_EQ(j["store"], "T001");
  EXPECT_EQ(j["state"], "running");
  EXPECT_EQ(j["database"]["path"], d.db_path());
  EXPECT_EQ(j["outbox"]["depth"], 0);
  EXPECT_GT(j["database"]["size_bytes"].get<int64_t>(), 0);
  EXPECT_EQ(d.Get("/healthz")->status, 200);
  EXPECT_EQ(d.Get("/readyz")->status, 200);

  // SIGHUP: a live option is applied, a restart-only one is reported.
  d.WriteConfig("[log]\nlevel = \"debug\"\n");
  std::string cfg = ReadFile(d.config_path());
  cfg.replace(cfg.find("id = \"T001\""), 11, "id = \"T002\"");
  WriteFile(d.config_path(), cfg);
  d.process().Signal(SIGHUP);
  bool found = false;
  auto seen = d.notify().WaitFor("READY=1", 10s, &found);
  ASSERT_TRUE(found);
  EXPECT_EQ(seen.front(), "RELOADING=1");
  const std::string log = d.Stderr();
  EXPECT_NE(log.find("config.restart_required option=store.id"), std::string::npos) << log;
  EXPECT_NE(log.find("config.reloaded"), std::string::npos) << log;
  // The running store id did not change under the daemon's feet.
  EXPECT_EQ(json::parse(d.Get("/api/v1/status")->body)["store"], "T001");

  // A broken file on SIGHUP keeps the running config.
  WriteFile(d.config_path(), "[store\n");
  d.process().Signal(SIGHUP);
  d.notify().WaitFor("READY=1", 10s, &found);
  ASSERT_TRUE(found);
  EXPECT_NE(d.Stderr().find("config.reload_failed"), std::string::npos);
  EXPECT_EQ(d.Get("/healthz")->status, 200);

  d.process().Signal(SIGTERM);
  d.notify().WaitFor("STOPPING=1", 10s, &found);
  EXPECT_TRUE(found);
  auto code = d.process().Wait(15s);
  ASSERT_TRUE(code.has_value()) << "did not stop within the deadline";
  EXPECT_EQ(*code, 0);
  EXPECT_NE(d.Stderr().find("daemon.stopped exit_code=0"), std::string::npos);

  // The database it left is whole.
  auto db = store::Database::Open(d.db_path(), store::Database::Mode::kReadOnly);
  ASSERT_TRUE(db.ok());
  EXPECT_EQ(*(*db)->QueryText("PRAGMA integrity_check"), "ok");
}

TEST(Daemon, PingsTheWatchdog) {
  TempDir dir;
  DaemonUnderTest d(dir);
  ASSERT_TRUE(d.Start(30s, {{"WATCHDOG_USEC", "200000"}}));
  // At half the interval: several pings arrive well within two seconds.
  int pings = 0;
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (pings < 3 && std::chrono::steady_clock::now() < deadline) {
    auto m = d.notify().Receive(2s);
    if (!m) break;
    if (*m == "WATCHDOG=1") ++pings;
  }
  EXPECT_GE(pings, 3);
  d.process().Signal(SIGINT);
  EXPECT_EQ(d.process().Wait(15s).value_or(-1), 0);
}

TEST(Daemon, RunsOnEmbeddedDefaults) {
  TempDir dir;
  NotifySocket notify(dir.File("n.sock"));
  Process::Options o;
  o.argv = {STOREEDGED_PATH};
  o.env = {{"NOTIFY_SOCKET", notify.path()}};
  o.cwd = dir.path().string();
  o.stderr_path = dir.File("err");
  Process p(o);
  bool found = false;
  notify.WaitFor("READY=1", 30s, &found);
  ASSERT_TRUE(found) << ReadFile(dir.File("err"));
  auto r = kiosk::HttpRequest("127.0.0.1", 8080, "GET", "/api/v1/status");
  ASSERT_TRUE(r.ok());
  const json j = json::parse(r->body);
  EXPECT_EQ(j["store"], "DEMO");
  EXPECT_EQ(j["config"], "(embedded defaults)");
  EXPECT_EQ(j["database"]["path"], dir.File("var/storeedge.db"));
  EXPECT_EQ(j["sync"]["broker"], "tcp://127.0.0.1:1883");
  p.Signal(SIGTERM);
  EXPECT_EQ(p.Wait(15s).value_or(-1), 0);
}

TEST(Daemon, BadConfigExits2NamingFileLineAndOption) {
  TempDir dir;
  struct Case {
    std::string toml, message;
  } cases[] = {
      {"[store]\nid = \"bad id\"\n",
       ":2: [store] id: store id 'bad id' may contain only letters, digits, '_' and '-'"},
      {"[mqtt]\nkeepalive_s = \"x\"\n",
       ":2: [mqtt] keepalive_s: expected an integer (seconds), got a string"},
      {"[http]\nlisten = \"127.0.0.1\"\n",
       ":2: [http] listen: '127.0.0.1' is not host:port (e.g. 127.0.0.1:8080)"},
      {"[sqlite]\nsynchronous = \"OFF\"\n",
       ":2: [sqlite] synchronous: 'OFF' is neither \"FULL\" nor \"NORMAL\""},
      {"[policy]\nmax_open_orders = 0\n",
       ":2: [policy] max_open_orders: 0 is out of range 1..1000000 (orders)"},
      {"[sync]\ngap_timeout = 5\n",
       ":2: [sync] gap_timeout: unknown option (known in [sync]: gap_timeout_s, "
       "event_retention_days, available_interval_s, publish_window)"},
      {"[store\n", ":1: TOML syntax error: "},
  };
  for (const auto& c : cases) {
    const std::string path = dir.File("bad.toml");
    WriteFile(path, c.toml);
    for (const char* flag : {"--check-config", ""}) {
      std::vector<std::string> argv = {STOREEDGED_PATH, "--config", path};
      if (*flag) argv.push_back(flag);
      auto r = RunProgram(dir, argv);
      EXPECT_EQ(r.code, 2) << c.toml;
      EXPECT_EQ(r.err.rfind("storeedged: invalid config: " + path + c.message, 0), 0u) << r.err;
    }
  }
  auto missing = RunProgram(dir, {STOREEDGED_PATH, "--config", dir.File("none.toml")});
  EXPECT_EQ(missing.code, 2);
  EXPECT_EQ(missing.err, "storeedged: invalid config: " + dir.File("none.toml") +
                             ": cannot read the config file: No such file or directory\n");
  auto arg = RunProgram(dir, {STOREEDGED_PATH, "--frobnicate"});
  EXPECT_EQ(arg.code, 2);
  EXPECT_EQ(arg.err, "storeedged: unknown argument '--frobnicate' (see --help)\n");
}

TEST(Daemon, CheckConfigAndVersion) {
  TempDir dir;
  DaemonUnderTest d(dir);
  auto ok = RunProgram(dir, {STOREEDGED_PATH, "--config", d.config_path(), "--check-config"});
  EXPECT_EQ(ok.code, 0);
  EXPECT_EQ(ok.out, "config OK: " + d.config_path() + " (store T001, data dir " + d.data_dir() +
                        ", http 127.0.0.1:" + std::to_string(d.port()) +
                        ", mqtt tcp://127.0.0.1:1883, 0 station(s))\n");
  auto v = RunProgram(dir, {STOREEDGED_PATH, "--version"});
  EXPECT_EQ(v.code, 0);
  EXPECT_EQ(v.out.rfind("storeedged ", 0), 0u);
  EXPECT_NE(v.out.find("SQLite 3."), std::string::npos) << v.out;
  auto h = RunProgram(dir, {STOREEDGED_PATH, "--help"});
  EXPECT_EQ(h.code, 0);
  EXPECT_NE(h.out.find("--check-config"), std::string::npos);
}

TEST(Daemon, UnusableDataDirExits3) {
  TempDir dir;
  WriteFile(dir.File("afile"), "x");
  DaemonUnderTest d(dir);
  std::string cfg = ReadFile(d.config_path());
  cfg.replace(cfg.find(d.data_dir()), d.data_dir().size(), dir.File("afile") + "/var");
  WriteFile(d.config_path(), cfg);
  auto r = RunProgram(dir, {STOREEDGED_PATH, "--config", d.config_path()});
  EXPECT_EQ(r.code, 3);
  EXPECT_EQ(LastLine(r.err),
            "storeedged: data dir " + dir.File("afile") + "/var: cannot create: Not a directory\n");

  if (::geteuid() != 0) {  // root writes anywhere; permissions only bind other users
    std::filesystem::create_directories(dir.File("ro"));
    std::filesystem::permissions(dir.File("ro"),
                                 std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
    d.WriteConfig();
    cfg = ReadFile(d.config_path());
    cfg.replace(cfg.find(d.data_dir()), d.data_dir().size(), dir.File("ro") + "/var");
    WriteFile(d.config_path(), cfg);
    auto ro = RunProgram(dir, {STOREEDGED_PATH, "--config", d.config_path()});
    EXPECT_EQ(ro.code, 3);
    EXPECT_EQ(LastLine(ro.err),
              "storeedged: data dir " + dir.File("ro") + "/var: cannot create: Permission denied\n");
  }
}

TEST(Daemon, NewerSchemaDatabaseExits3Untouched) {
  TempDir dir;
  DaemonUnderTest d(dir);
  ASSERT_TRUE(d.Start());
  d.process().Signal(SIGTERM);
  ASSERT_EQ(d.process().Wait(15s).value_or(-1), 0);
  {
    auto db = store::Database::Open(d.db_path(), store::Database::Mode::kReadWrite);
    ASSERT_TRUE((*db)->Exec("PRAGMA user_version = 4242").ok());
  }
  const std::string before = ReadFile(d.db_path());
  auto r = RunProgram(dir, {STOREEDGED_PATH, "--config", d.config_path()});
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(LastLine(r.err).find("storeedged: database " + d.db_path() +
                                 " has schema version 4242, newer than this "
                                 "storeedge knows"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("(file left untouched)\n"), std::string::npos);
  EXPECT_EQ(ReadFile(d.db_path()), before);
}

TEST(Daemon, CorruptDatabaseExits3Untouched) {
  TempDir dir;
  DaemonUnderTest d(dir);
  std::filesystem::create_directories(d.data_dir());
  const std::string junk =
      "this is not a database, it is a shopping list: milk, eggs" + std::string(4000, '.');
  WriteFile(d.db_path(), junk);
  auto r = RunProgram(dir, {STOREEDGED_PATH, "--config", d.config_path()});
  EXPECT_EQ(r.code, 3);
  EXPECT_EQ(LastLine(r.err), "storeedged: database " + d.db_path() +
                                 " is not a SQLite database or is corrupt: file is not a database (file left "
                                 "untouched)\n");
  EXPECT_EQ(ReadFile(d.db_path()), junk);
}

TEST(Daemon, BusyHttpPortExits4) {
  TempDir dir;
  DaemonUnderTest first(dir);
  ASSERT_TRUE(first.Start());
  TempDir dir2;
  DaemonUnderTest second(dir2);
  std::string cfg = ReadFile(second.config_path());
  const std::string mine = "127.0.0.1:" + std::to_string(second.port());
  cfg.replace(cfg.find(mine), mine.size(), "127.0.0.1:" + std::to_string(first.port()));
  WriteFile(second.config_path(), cfg);
  auto r = RunProgram(dir2, {STOREEDGED_PATH, "--config", second.config_path()});
  EXPECT_EQ(r.code, 4);
  EXPECT_EQ(LastLine(r.err), "storeedged: http listen 127.0.0.1:" + std::to_string(first.port()) +
                                 ": Address already in use\n");
  first.process().Signal(SIGTERM);
  EXPECT_EQ(first.process().Wait(15s).value_or(-1), 0);
}

TEST(Ctl, StatusOfARunningDaemonAndOfNone) {
  TempDir dir;
  DaemonUnderTest d(dir);
  auto none = RunProgram(dir, {STOREEDGECTL_PATH, "--config", d.config_path(), "status"});
  EXPECT_EQ(none.code, 3);
  EXPECT_NE(
      none.err.find("storeedgectl: cannot reach storeedged at http://127.0.0.1:" + std::to_string(d.port())),
      std::string::npos)
      << none.err;
  EXPECT_NE(none.err.find("Is the daemon running?"), std::string::npos);

  ASSERT_TRUE(d.Start());
  auto r = RunProgram(dir, {STOREEDGECTL_PATH, "--config", d.config_path(), "status"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("store:         T001\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("database:      " + d.db_path()), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("outbox depth:  0"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("uptime:"), std::string::npos);
  EXPECT_NE(r.out.find("sync:"), std::string::npos);

  auto j = RunProgram(
      dir, {STOREEDGECTL_PATH, "--url", "http://127.0.0.1:" + std::to_string(d.port()), "status", "--json"});
  EXPECT_EQ(j.code, 0);
  EXPECT_EQ(json::parse(j.out)["store"], "T001");

  auto bad = RunProgram(dir, {STOREEDGECTL_PATH, "frobnicate"});
  EXPECT_EQ(bad.code, 2);
  EXPECT_EQ(bad.err, "storeedgectl: unknown command 'frobnicate' (see --help)\n");
  d.process().Signal(SIGTERM);
  EXPECT_EQ(d.process().Wait(15s).value_or(-1), 0);
}

}  // namespace
}  // namespace edge::testing

namespace edge::testing {
namespace {

TEST(Daemon, ServesPrometheusMetrics) {
  TempDir dir;
  DaemonUnderTest d(dir);
  ASSERT_TRUE(d.Start());
  ASSERT_EQ(d.Get("/healthz")->status, 200);
  auto m = d.Get("/metrics");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->status, 200);
  EXPECT_EQ(m->headers["content-type"], "text/plain; version=0.0.4");
  EXPECT_NE(m->body.find("\nstoreedge_outbox_depth 0\n"), std::string::npos) << m->body;
  EXPECT_NE(m->body.find("storeedge_inbound_last_seq{stream=\"orders\"} 0\n"), std::string::npos);
  EXPECT_NE(m->body.find("storeedge_orders{state=\"ready\"} 0\n"), std::string::npos) << m->body;
  EXPECT_NE(m->body.find("\nstoreedge_arrivals_waiting 0\n"), std::string::npos);
  // The daemon's store checkpoints on a thread of its own.
  EXPECT_NE(m->body.find("# TYPE storeedge_database_checkpoints_total counter\n"), std::string::npos);
  EXPECT_NE(m->body.find("storeedge_database_checkpoints_total{by=\"writer\"} 0\n"), std::string::npos)
      << m->body;
  EXPECT_NE(m->body.find("\nstoreedge_database_checkpoint_failures_total 0\n"), std::string::npos);
  EXPECT_NE(m->body.find("storeedge_http_requests_total{method=\"GET\",route=\"/healthz\",code=\"200\"} 1\n"),
            std::string::npos)
      << m->body;
  EXPECT_NE(m->body.find("storeedge_http_request_seconds_count{method=\"GET\",route=\"/healthz\"} 1\n"),
            std::string::npos);
  // Each name is one family, under one TYPE line (Prometheus refuses a page
  // with two), and its samples follow it.
  std::map<std::string, int> types;
  std::string family;
  std::istringstream lines(m->body);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("# TYPE ", 0) == 0) {
      family = line.substr(7, line.find(' ', 7) - 7);
      ++types[family];
    } else if (!line.empty() && line[0] != '#') {
      EXPECT_EQ(line.rfind(family, 0), 0u) << line << " outside its family " << family;
    }
  }
  for (const auto& [name, n] : types) EXPECT_EQ(n, 1) << "TYPE lines of " << name << "\n" << m->body;
  EXPECT_GT(types.size(), 10u);
  d.process().Signal(SIGTERM);
  EXPECT_EQ(d.process().Wait(std::chrono::seconds(15)).value_or(-1), 0);
}

}  // namespace
}  // namespace edge::testing
