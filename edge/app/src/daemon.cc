#include "edge/app/daemon.h"

#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/version.hpp>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "edge/app/notify.h"
#include "edge/app/system_clock.h"
#include "edge/drivers/versions.h"
#include "edge/kiosk/http.h"
#include "edge/log/log.h"
#include "edge/store/store.h"
#include "edge/sync/topics.h"

#ifndef STOREEDGE_VERSION
#define STOREEDGE_VERSION "0.0.0"
#endif

namespace edge::app {

namespace asio = boost::asio;
using json = nlohmann::json;

std::string VersionText() {
  return std::string("storeedged ") + STOREEDGE_VERSION + " (schema " +
         std::to_string(store::LatestSchemaVersion()) + "; SQLite " + sqlite3_libversion() + "; " +
         sync::MqttLibraryVersion() + "; " + drivers::UsbLibraryVersion() + "; " +
         drivers::CupsLibraryVersion() + "; Boost " + std::to_string(BOOST_VERSION / 100000) + "." +
         std::to_string(BOOST_VERSION / 100 % 1000) + ")";
}

struct Daemon::Impl {
  Config config;
  std::string config_path;  // "" when running on embedded defaults
  SystemClock clock;
  Notifier notifier = Notifier::FromEnvironment();
  asio::io_context io{1};
  asio::signal_set stop_signals{io, SIGTERM, SIGINT};
  asio::signal_set hup_signal{io, SIGHUP};
  asio::steady_timer watchdog_timer{io};
  asio::steady_timer drain_timer{io};
  std::unique_ptr<store::Store> store;
  kiosk::Router router;
  std::unique_ptr<kiosk::HttpServer> http;
  core::TimePoint started{};
  std::chrono::steady_clock::time_point started_mono{};
  std::chrono::steady_clock::time_point drain_deadline{};
  bool stopping = false;
  int exit_code = kExitOk;

  void AddRoutes();
  json Status();
  void WaitForStopSignal();
  void WaitForHangup();
  void Reload();
  void PingWatchdog();
  void BeginShutdown(int signo);
  void Drain();
};

Daemon::Daemon(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Daemon::~Daemon() = default;

namespace {

// Creates `dir` (and parents) and checks that files can be created in it.
core::Status PrepareDataDir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return core::Status::IoError("data dir " + dir + ": cannot create: " + ec.message());
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return core::Status::IoError("data dir " + dir + ": not a directory");
  }
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    return core::Status::IoError("data dir " + dir + ": not writable: " + std::strerror(errno));
  }
  return core::Status::Ok();
}

}  // namespace

std::unique_ptr<Daemon> Daemon::Create(Config config, std::string config_path, StartupError* error) {
  auto impl = std::make_unique<Impl>();
  impl->config = std::move(config);
  impl->config_path = std::move(config_path);
  const Config& c = impl->config;
  log::Level level = log::Level::kInfo;
  (void)log::ParseLevel(c.log.level, &level);
  log::SetLevel(level);
  log::Info("daemon.starting")
      .Kv("version", STOREEDGE_VERSION)
      .Kv("store", c.store.id)
      .Kv("config", impl->config_path.empty() ? "(embedded defaults)" : impl->config_path);

  if (core::Status s = PrepareDataDir(c.store.data_dir); !s.ok()) {
    *error = {kExitStorage, s.message()};
    return nullptr;
  }
  store::StoreOptions so;
  so.path = c.DatabasePath();
  so.store_id = c.store.id;
  so.synchronous = c.sqlite.synchronous == "NORMAL" ? store::Synchronous::kNormal : store::Synchronous::kFull;
  so.busy_timeout_ms = c.sqlite.busy_timeout_ms;
  auto st = store::Store::Open(so, impl->clock);
  if (!st.ok()) {
    *error = {kExitStorage, st.status().message()};
    return nullptr;
  }
  impl->store = std::move(st).value();
  log::Info("store.opened")
      .Kv("path", so.path)
      .Kv("schema", impl->store->schema_version())
      .Kv("synchronous", c.sqlite.synchronous);

  impl->AddRoutes();
  kiosk::HttpOptions ho;
  ho.address = c.http.host();
  ho.port = c.http.port();
  ho.body_limit_bytes = static_cast<uint64_t>(c.http.max_body_bytes);
  ho.read_timeout = std::chrono::seconds(c.http.request_timeout_s);
  ho.idle_timeout = std::chrono::seconds(c.http.idle_timeout_s);
  auto http = kiosk::HttpServer::Start(impl->io, ho, impl->router);
  if (!http.ok()) {
    *error = {kExitNetwork, http.status().message()};
    return nullptr;
  }
  impl->http = std::move(http).value();
  log::Info("http.listening").Kv("address", ho.address).Kv("port", impl->http->port());
  return std::unique_ptr<Daemon>(new Daemon(std::move(impl)));
}

int Daemon::Run() {
  Impl& d = *impl_;
  d.started = d.clock.Now();
  d.started_mono = std::chrono::steady_clock::now();
  d.WaitForStopSignal();
  d.WaitForHangup();
  if (d.notifier.watchdog_interval()) d.PingWatchdog();
  if (!d.notifier.Notify("READY=1\nSTATUS=store " + d.config.store.id + " ready")) {
    log::Warn("systemd.notify_failed").Kv("state", "READY=1");
  }
  log::Info("daemon.ready").Kv("store", d.config.store.id).Kv("http_port", d.http->port());
  // Handlers never throw out of run(): adapters catch at their edge. Should a
  // bug slip through, log it and keep serving rather than die mid-store.
  for (;;) {
    try {
      d.io.run();
      break;
    } catch (const std::exception& e) {
      log::Error("daemon.handler_exception").Kv("error", e.what());
    }
  }
  d.http.reset();
  d.store.reset();  // closes the database: the WAL is checkpointed
  log::Info("daemon.stopped").Kv("exit_code", d.exit_code);
  return d.exit_code;
}

void Daemon::Impl::WaitForStopSignal() {
  stop_signals.async_wait([this](const boost::system::error_code& ec, int signo) {
    if (ec) return;
    BeginShutdown(signo);
  });
}

void Daemon::Impl::WaitForHangup() {
  hup_signal.async_wait([this](const boost::system::error_code& ec, int) {
    if (ec) return;
    Reload();
    WaitForHangup();
  });
}

void Daemon::Impl::Reload() {
  if (config_path.empty()) {
    log::Info("config.reload_skipped").Kv("reason", "running on embedded defaults; no file to re-read");
    return;
  }
  notifier.Notify("RELOADING=1");
  auto next = LoadConfig(config_path);
  if (!next.ok()) {
    log::Error("config.reload_failed").Kv("error", next.status().message()).Kv("kept", "previous config");
    notifier.Notify("READY=1");
    return;
  }
  const std::vector<std::string> restart = RestartOnlyChanges(config, *next);
  // Apply what can change live; keep the running values of the rest so the
  // process stays consistent with what it opened and bound.
  Config applied = config;
  applied.log = next->log;
  applied.sync = next->sync;
  applied.policy = next->policy;
  log::Level level = log::Level::kInfo;
  (void)log::ParseLevel(applied.log.level, &level);
  log::SetLevel(level);
  config = applied;
  for (const auto& key : restart) {
    log::Warn("config.restart_required")
        .Kv("option", key)
        .Kv("note", "changed in the file; takes effect after a restart");
  }
  log::Info("config.reloaded").Kv("path", config_path).Kv("restart_pending", restart.size());
  notifier.Notify("READY=1");
}

void Daemon::Impl::PingWatchdog() {
  notifier.Notify("WATCHDOG=1");
  // Ping at half the interval from this thread: when the loop is stuck, pings
  // stop and systemd restarts the daemon, which is the point.
  watchdog_timer.expires_after(*notifier.watchdog_interval() / 2);
  watchdog_timer.async_wait([this](const boost::system::error_code& ec) {
    if (!ec && !stopping) PingWatchdog();
  });
}

void Daemon::Impl::BeginShutdown(int signo) {
  if (stopping) return;
  stopping = true;
  log::Info("daemon.stopping").Kv("signal", signo == SIGINT ? "SIGINT" : "SIGTERM");
  notifier.Notify("STOPPING=1");
  boost::system::error_code ignored;
  hup_signal.cancel(ignored);
  watchdog_timer.cancel();
  http->Stop();
  drain_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(config.daemon.shutdown_timeout_s);
  // A second SIGTERM/SIGINT during the drain stops at once.
  stop_signals.async_wait([this](const boost::system::error_code& ec, int) {
    if (ec) return;
    log::Warn("daemon.stop_forced").Kv("reason", "second signal");
    io.stop();
  });
  Drain();
}

void Daemon::Impl::Drain() {
  if (http->connections() == 0) {
    boost::system::error_code ignored;
    stop_signals.cancel(ignored);
    drain_timer.cancel();
    io.stop();
    return;
  }
  if (std::chrono::steady_clock::now() >= drain_deadline) {
    log::Warn("daemon.drain_deadline").Kv("open_connections", http->connections());
    io.stop();
    return;
  }
  drain_timer.expires_after(std::chrono::milliseconds(20));
  drain_timer.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) Drain();
  });
}

json Daemon::Impl::Status() {
  json j;
  j["store"] = config.store.id;
  j["version"] = STOREEDGE_VERSION;
  j["started"] = core::FormatRfc3339(started);
  j["uptime_s"] =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started_mono)
          .count();
  j["config"] = config_path.empty() ? "(embedded defaults)" : config_path;
  std::error_code ec;
  const auto abs = std::filesystem::absolute(store->path(), ec).lexically_normal();
  j["database"] = {{"path", ec ? store->path() : abs.string()},
                   {"size_bytes", store->FileSizeBytes()},
                   {"schema_version", store->schema_version()},
                   {"synchronous", config.sqlite.synchronous}};
  auto depth = store->OutboxDepth();
  auto last = store->LastEventSeq();
  auto dead = store->DeadLetterCount();
  j["outbox"] = {{"depth", depth.ok() ? json(*depth) : json(nullptr)},
                 {"last_seq", last.ok() ? json(*last) : json(nullptr)}};
  j["dead_letters"] = dead.ok() ? json(*dead) : json(nullptr);
  json streams = json::object();
  for (const char* s : {"orders", "inventory", "shipments", "control"}) {
    auto next = store->NextSeq(s);
    streams[s] = next.ok() ? json(*next - 1) : json(nullptr);
  }
  j["sync"] = {{"state", "disconnected"}, {"broker", config.mqtt.uri}, {"last_seq", streams}};
  j["http"] = {{"listen", config.http.listen}, {"connections", http ? http->connections() : 0}};
  j["state"] = stopping ? "stopping" : "running";
  return j;
}

void Daemon::Impl::AddRoutes() {
  router.Add("GET", "/healthz",
             [](const kiosk::Request&) { return kiosk::Response::Json(200, R"({"status":"ok"})"); });
  router.Add("GET", "/readyz", [this](const kiosk::Request&) {
    if (stopping) return kiosk::Response::Error(503, "stopping", "the daemon is shutting down");
    auto depth = store->OutboxDepth();
    if (!depth.ok()) return kiosk::Response::Error(503, "store_unavailable", depth.status().message());
    return kiosk::Response::Json(200, R"({"status":"ready"})");
  });
  router.Add("GET", "/api/v1/status",
             [this](const kiosk::Request&) { return kiosk::Response::Json(200, Status().dump()); });
}

}  // namespace edge::app
