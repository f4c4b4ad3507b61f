#include "edge/app/daemon.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/version.hpp>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <unordered_map>
#include <vector>

#include "edge/app/api.h"
#include "edge/app/auth_service.h"
#include "edge/app/inventory_service.h"
#include "edge/app/metrics.h"
#include "edge/app/notify.h"
#include "edge/app/order_service.h"
#include "edge/app/print_job_store.h"
#include "edge/app/report_service.h"
#include "edge/app/sync_bridge.h"
#include "edge/app/system_clock.h"
#include "edge/app/web_routes.h"
#include "edge/drivers/printing.h"
#include "edge/drivers/scanners.h"
#include "edge/drivers/versions.h"
#include "edge/kiosk/http.h"
#include "edge/log/log.h"
#include "edge/store/backup.h"
#include "edge/store/store.h"
#include "edge/sync/client.h"
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

namespace {

// [sync] available_interval_s as the inventory service takes it: 0 in the
// config means "report at once", the coalescer needs a positive interval,
// and 1 ms is as good as none.
core::Duration AvailableInterval(const Config::Sync& sync) {
  return std::max<core::Duration>(std::chrono::seconds(sync.available_interval_s),
                                  std::chrono::milliseconds(1));
}

}  // namespace

struct Daemon::Impl {
  Config config;
  std::string config_path;  // "" when running on embedded defaults
  SystemClock clock;
  Notifier notifier = Notifier::FromEnvironment();
  WatchdogPacer watchdog{notifier};
  asio::io_context io{1};
  asio::signal_set stop_signals{io, SIGTERM, SIGINT};
  asio::signal_set hup_signal{io, SIGHUP};
  asio::steady_timer watchdog_timer{io};
  asio::steady_timer drain_timer{io};
  // Held while the database is open (declared before the store: released
  // after it closes); storeedgectl restore refuses while it is held.
  std::unique_ptr<store::DatabaseLock> db_lock;
  std::unique_ptr<store::Store> store;
  // Destroyed before the store they write and the io_context their timers use.
  std::unique_ptr<SqlitePrintJobStore> print_jobs;
  std::unique_ptr<drivers::PrintService> printing;
  // The MQTT link to the OMS, on the store (declared after it: destroyed
  // before it).
  std::unique_ptr<SyncBridge> sync_bridge;
  std::unique_ptr<drivers::ScannerManager> scanners;
  std::unique_ptr<sync::SyncClient> sync_client;
  asio::steady_timer prune_timer{io};
  asio::steady_timer ledger_timer{io};
  bool sync_stopped = false;
  std::unique_ptr<AuthService> auth;
  std::unique_ptr<InventoryService> inventory;
  std::unique_ptr<PrintServiceLabelPrinter> label_printer;
  std::unique_ptr<OrderService> orders;
  std::unique_ptr<ReportService> reports;  // read-only, on the store's connection
  asio::steady_timer inventory_timer{io};
  asio::steady_timer label_timer{io};
  asio::steady_timer pickup_timer{io};
  uint64_t inventory_ticks = 0;
  Metrics metrics;
  kiosk::Router router;
  std::unique_ptr<kiosk::HttpServer> http;
  core::TimePoint started{};
  std::chrono::steady_clock::time_point started_mono{};
  std::chrono::steady_clock::time_point drain_deadline{};
  bool stopping = false;
  int exit_code = kExitOk;
  // The link's state last told to the screens (the stream's "sync" channel).
  std::string told_sync_state;
  // The local control token (<data_dir>/control.token, 0600): whoever can
  // read the daemon's data dir (root, the service user) may use the control
  // routes, e.g. `storeedgectl scan`. New at every start.
  std::string control_token;

  void AddRoutes();
  void AddMetrics();
  json Status();
  void WaitForStopSignal();
  void WaitForHangup();
  void Reload();
  void PingWatchdog();
  void BeginShutdown(int signo);
  void Drain();
  sync::SyncOptions MakeSyncOptions() const;
  core::Status StartSync();
  core::Status StartScanners();
  void OnScan(const drivers::ScanEvent& e);
  void PublishSyncChanged();
  core::Status WriteControlToken();
  kiosk::Response StationScan(const kiosk::Request& req);
  json ScannersJson();
  json PrintersJson();
  void PruneOutbox();
  // Ledger retention: one pass at start and then daily, in turns of one
  // short transaction each, yielding to the loop between turns.
  struct LedgerPass {
    int64_t after = 0;
    int64_t folded = 0;
    int64_t carried = 0;
    std::chrono::steady_clock::time_point began = std::chrono::steady_clock::now();
  };
  void FoldLedger(LedgerPass pass);
  bool ledger_pass_running = false;
  void InventoryTick();
  // Queues every received label not yet taken by its printer; rescheduled
  // every 30 s from the timer (a printer that was away, a restart).
  void LabelTick(bool reschedule = true);
  void PickupTick();
  void PublishArrivalsChanged();
  // Tells associates' screens that orders or tasks changed.
  void PublishOrdersChanged();
  core::Status StartServices();
  void RegisterInboundHandlers();
  json SyncStatusJson();
};

Daemon::Daemon(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Daemon::~Daemon() = default;

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
  // Checkpoints copy the WAL into the database file on a thread of their own,
  // not in the commit of whichever routed order or scan crossed the mark.
  so.background_checkpoint = true;
  auto lock = store::DatabaseLock::TryAcquire(so.path);
  if (!lock.ok()) {
    *error = {kExitStorage,
              lock.status().code() == core::StatusCode::kUnavailable
                  ? "database " + so.path +
                        " is in use by another storeedged (or a restore): " + lock.status().message()
                  : lock.status().message()};
    return nullptr;
  }
  impl->db_lock = std::move(lock).value();
  auto st = store::Store::Open(so, impl->clock);
  if (!st.ok()) {
    *error = {kExitStorage, st.status().message()};
    return nullptr;
  }
  impl->store = std::move(st).value();
  if (impl->notifier.watchdog_interval()) {
    // One long statement (the apply of a large snapshot, tens of seconds on
    // a slow disk) must not look like a hung daemon to systemd: it would
    // kill it, the message would come again and be killed again.
    Impl* self = impl.get();
    impl->store->db().SetProgressHook([self] { self->watchdog.PingIfDue(); });
  }
  if (core::Status s = impl->WriteControlToken(); !s.ok()) {
    *error = {kExitStorage, s.message()};
    return nullptr;
  }
  log::Info("store.opened")
      .Kv("path", so.path)
      .Kv("schema", impl->store->schema_version())
      .Kv("synchronous", c.sqlite.synchronous);

  // Printers: jobs left from before a crash are reconciled with CUPS first.
  impl->print_jobs = std::make_unique<SqlitePrintJobStore>(*impl->store);
  {
    drivers::PrintServiceOptions po = PrintServiceOptionsFor(c);
    Impl* self = impl.get();
    // Finished jobs by station, kind and outcome: print errors show in
    // /metrics as result="failed" (or "cancelled").
    po.on_job = [self](const drivers::PrintJob& job) {
      if (!drivers::IsFinished(job.state)) return;
      self->metrics.Count("storeedge_prints_total",
                          {{"station", job.station},
                           {"kind", job.kind},
                           {"result", std::string(drivers::PrintJobStateName(job.state))}});
    };
    po.on_station = [self](const drivers::StationPrinterStatus&) {
      if (self->http) {
        self->http->Publish("stations",
                            json{{"type", "printers"}, {"printers", self->PrintersJson()}}.dump());
      }
    };
    auto ps =
        drivers::PrintService::Create(impl->io.get_executor(), *impl->print_jobs, impl->clock, std::move(po));
    if (!ps.ok()) {
      *error = {kExitStorage, ps.status().message()};
      return nullptr;
    }
    impl->printing = std::move(ps).value();
  }

  // Drivers before sync: a scanner plugged in at start is claimed at once.
  if (core::Status s = impl->StartScanners(); !s.ok()) {
    *error = {kExitUsage, "invalid config: " + s.message()};
    return nullptr;
  }

  if (core::Status st = impl->StartServices(); !st.ok()) {
    *error = {st.code() == core::StatusCode::kInvalidArgument ? kExitUsage : kExitStorage, st.message()};
    return nullptr;
  }

  // Sync starts connecting now (a broker that is away is retried, never
  // fatal); what arrives is handled once Run() runs the io_context.
  if (core::Status s = impl->StartSync(); !s.ok()) {
    *error = {s.code() == core::StatusCode::kInvalidArgument ? kExitUsage : kExitStorage, s.message()};
    return nullptr;
  }

  impl->AddRoutes();
  kiosk::HttpOptions ho;
  ho.address = c.http.host();
  ho.port = c.http.port();
  ho.body_limit_bytes = static_cast<uint64_t>(c.http.max_body_bytes);
  ho.read_timeout = std::chrono::seconds(c.http.request_timeout_s);
  ho.idle_timeout = std::chrono::seconds(c.http.idle_timeout_s);
  Impl* raw = impl.get();
  // The cells of each route, method and status, found on its first request.
  struct RequestCells {
    std::string method;
    int status = 0;
    Metrics::HistogramCell seconds;
    Metrics::CounterCell total;
  };
  auto cells = std::make_shared<std::unordered_map<std::string, std::vector<RequestCells>>>();
  ho.on_request = [raw, cells](const kiosk::RequestRecord& r) {
    auto& of_route = (*cells)[r.route];
    auto it = std::find_if(of_route.begin(), of_route.end(), [&](const RequestCells& c) {
      return c.status == r.status && c.method == r.method;
    });
    if (it == of_route.end()) {
      RequestCells c;
      c.method = r.method;
      c.status = r.status;
      c.seconds = raw->metrics.Histogram("storeedge_http_request_seconds",
                                         {{"method", r.method}, {"route", r.route}});
      c.total = raw->metrics.Counter(
          "storeedge_http_requests_total",
          {{"method", r.method}, {"route", r.route}, {"code", std::to_string(r.status)}});
      it = of_route.insert(of_route.end(), std::move(c));
    }
    it->seconds.Observe(r.seconds);
    it->total.Add();
  };
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
  d.PruneOutbox();
  asio::post(d.io, [&d] { d.FoldLedger({}); });
  d.InventoryTick();
  d.LabelTick();
  d.PickupTick();
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
  d.orders.reset();  // before the inventory service it borrows (and hooks into)
  d.inventory.reset();
  d.auth.reset();
  d.scanners.reset();     // cancels transfers, releases interfaces, gives scanners back to usbhid
  d.sync_client.reset();  // after Stop(): disconnected; nothing of Paho's is left running
  d.sync_bridge.reset();
  d.printing.reset();
  d.print_jobs.reset();
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
  if (sync_client) {
    sync_client->Reconfigure(std::chrono::seconds(applied.sync.gap_timeout_s), applied.sync.publish_window);
  }
  if (inventory) (void)inventory->SetAvailableInterval(AvailableInterval(applied.sync));
  applied.policy = next->policy;
  if (applied.store.ledger_retention_days != next->store.ledger_retention_days) {
    applied.store.ledger_retention_days = next->store.ledger_retention_days;
    // A pass under way reads the new value at its next turn; otherwise one
    // starts now instead of at the daily timer.
    if (!ledger_pass_running) {
      ledger_timer.cancel();
      asio::post(io, [this] { FoldLedger({}); });
    }
  }
  if (orders) {
    (void)orders->SetPolicy(applied.policy.partial_accept, applied.policy.max_open_orders);
    orders->SetPickupPolicy(
        applied.policy.pickup_hold_days, std::chrono::minutes(applied.policy.pickup_escalate_min),
        std::chrono::hours(applied.policy.pickup_reminder_h), applied.policy.curbside_bays);
    orders->SetKioskLimits(applied.policy.kiosk_lookups_per_kiosk_per_min,
                           applied.policy.kiosk_lookups_per_ref_per_min);
  }
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
  // Through the pacer: the timer's ping counts as the last one, so a long
  // statement pings only when a ping falls due while it runs.
  watchdog.Ping();
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
  if (printing) printing->Stop();  // jobs stay in the store; the CUPS request in flight finishes
  drain_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(config.daemon.shutdown_timeout_s);
  prune_timer.cancel();
  ledger_timer.cancel();
  inventory_timer.cancel();
  label_timer.cancel();
  pickup_timer.cancel();
  // The retained `offline` status, then disconnect, within the deadline.
  sync_client->Stop(std::chrono::seconds(config.daemon.shutdown_timeout_s), [this] {
    sync_stopped = true;
    Drain();
  });
  // A second SIGTERM/SIGINT during the drain stops at once.
  stop_signals.async_wait([this](const boost::system::error_code& ec, int) {
    if (ec) return;
    log::Warn("daemon.stop_forced").Kv("reason", "second signal");
    io.stop();
  });
  Drain();
}

void Daemon::Impl::Drain() {
  if (http->connections() == 0 && sync_stopped) {
    boost::system::error_code ignored;
    stop_signals.cancel(ignored);
    drain_timer.cancel();
    io.stop();
    return;
  }
  if (std::chrono::steady_clock::now() >= drain_deadline) {
    log::Warn("daemon.drain_deadline")
        .Kv("open_connections", http->connections())
        .Kv("sync_stopped", sync_stopped);
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
  j["sync"] = SyncStatusJson();
  j["scanners"] = ScannersJson();
  j["printers"] = PrintersJson();
  j["http"] = {{"listen", config.http.listen}, {"connections", http ? http->connections() : 0}};
  j["state"] = stopping ? "stopping" : "running";
  return j;
}

sync::SyncOptions Daemon::Impl::MakeSyncOptions() const {
  sync::SyncOptions o;
  o.store_id = config.store.id;
  o.uri = config.mqtt.uri;
  o.ca_file = config.mqtt.ca_file;
  o.cert_file = config.mqtt.cert_file;
  o.key_file = config.mqtt.key_file;
  o.username = config.mqtt.username;
  o.password = config.mqtt.password;
  o.keepalive = std::chrono::seconds(config.mqtt.keepalive_s);
  o.connect_timeout = std::chrono::seconds(config.mqtt.connect_timeout_s);
  o.reconnect_min = std::chrono::milliseconds(config.mqtt.reconnect_min_ms);
  o.reconnect_max = std::chrono::milliseconds(config.mqtt.reconnect_max_ms);
  o.gap_timeout = std::chrono::seconds(config.sync.gap_timeout_s);
  o.publish_window = config.sync.publish_window;
  // Services append events in their own transactions; this is how soon the
  // publisher notices them at the latest.
  o.outbox_poll = std::chrono::milliseconds(250);
  o.version = STOREEDGE_VERSION;
  return o;
}

core::Status Daemon::Impl::StartScanners() {
  drivers::ScannerOptions uo;
  for (const StationConfig& st : config.stations) {
    drivers::ScannerRule r;
    r.station = st.name;
    r.vendor_id = st.scanner.vendor_id;
    r.product_id = st.scanner.product_id;
    r.serial = st.scanner.serial;
    r.port_path = st.scanner.port_path;
    uo.stations.push_back(std::move(r));
  }
  auto sm = drivers::ScannerManager::Create(
      io, std::move(uo), [this](const drivers::ScanEvent& e) { OnScan(e); },
      [this](const drivers::StationScannerStatus&) {
        if (http) http->Publish("stations", json{{"type", "scanners"}, {"scanners", ScannersJson()}}.dump());
      });
  if (!sm.ok()) return sm.status();
  scanners = std::move(sm).value();
  return core::Status::Ok();
}

json Daemon::Impl::PrintersJson() {
  json printers = json::array();
  if (!printing) return printers;
  for (const auto& s : printing->Stations()) {
    printers.push_back({{"station", s.station},
                        {"queue", s.queue},
                        {"format", std::string(drivers::DocumentFormatName(s.format))},
                        {"state", std::string(drivers::StationStateName(s.state))},
                        {"ready", s.ready()},
                        {"summary", s.Summary()},
                        {"reasons", s.reasons},
                        {"unfinished_jobs", s.unfinished_jobs}});
  }
  return printers;
}

json Daemon::Impl::ScannersJson() {
  json a = json::array();
  if (!scanners) return a;
  for (const auto& s : scanners->Statuses()) {
    json o = {{"station", s.station},
              {"state", std::string(drivers::ScannerStateName(s.state))},
              {"scans", s.scans}};
    if (!s.detail.empty()) o["detail"] = s.detail;
    if (!s.mode.empty()) o["mode"] = s.mode;
    if (!s.usb_id.empty()) o["usb_id"] = s.usb_id;
    if (!s.port_path.empty()) o["port_path"] = s.port_path;
    if (!s.serial.empty()) o["serial"] = s.serial;
    a.push_back(std::move(o));
  }
  return a;
}

void Daemon::Impl::OnScan(const drivers::ScanEvent& e) {
  // The scanned text is not logged: it can hold a customer's pickup code.
  if (!e.scan.ok()) {
    log::Warn("scan.refused")
        .Kv("station", e.station)
        .Kv("device", e.device)
        .Kv("error", e.scan.status().message());
    metrics.Count("storeedge_scans_total", {{"station", e.station}, {"result", "refused"}});
    if (http) {
      http->Publish(
          "stations",
          json{{"type", "scan"}, {"station", e.station}, {"ok", false}, {"error", e.scan.status().message()}}
              .dump());
    }
    return;
  }
  log::Info("scan")
      .Kv("station", e.station)
      .Kv("kind", std::string(core::ScanKindName(e.scan->kind)))
      .Kv("symbology", e.scan->symbology);
  metrics.Count("storeedge_scans_total", {{"station", e.station}, {"result", "ok"}});
  // The station's screen takes the scan as if typed (the same parser runs
  // again in the page's API call), so USB and keyboard-wedge scans act alike.
  if (http) {
    http->Publish("stations", json{{"type", "scan"},
                                   {"station", e.station},
                                   {"ok", true},
                                   {"text", e.text},
                                   {"aim_id", e.aim_id},
                                   {"kind", std::string(core::ScanKindName(e.scan->kind))}}
                                  .dump());
  }
}

core::Status Daemon::Impl::WriteControlToken() {
  control_token = HexEncode(RandomBytes(32));
  const std::string path = config.store.data_dir + "/control.token";
  const std::string tmp = path + ".tmp";
  ::unlink(tmp.c_str());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  bool ok = fd >= 0;
  if (ok) {
    const std::string line = control_token + "\n";
    ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
    ok = ::close(fd) == 0 && ok;
  }
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    ::unlink(tmp.c_str());
    return core::Status::IoError("control token " + path + ": cannot write: " + why);
  }
  return core::Status::Ok();
}

// POST /api/v1/stations/{station}/scans {"code"}: a scan as if the station's
// scanner read it (the station's screen acts on it), for trying a station
// without its scanner and for the demo. A supervisor, or the local control
// token (storeedgectl scan).
kiosk::Response Daemon::Impl::StationScan(const kiosk::Request& req) {
  const std::string header = req.Header("authorization");
  const std::string bearer = header.rfind("Bearer ", 0) == 0 ? header.substr(7) : "";
  core::Actor who{"storeedgectl", core::Role::kSupervisor};
  if (bearer.size() != control_token.size() ||
      CRYPTO_memcmp(bearer.data(), control_token.data(), bearer.size()) != 0) {
    auto a = Authorize(*auth, req, core::Role::kSupervisor);
    if (!a.ok()) return ErrorResponse(a.status());
    who = *a;
  }
  const std::string station = req.params.at("station");
  std::string names;
  bool known = false;
  for (const StationConfig& st : config.stations) {
    known = known || st.name == station;
    names += (names.empty() ? "" : ", ") + st.name;
  }
  if (!known) {
    return ErrorResponse(core::Status::NotFound("no station '" + station + "'; the stations are " +
                                                (names.empty() ? "(none configured)" : names)));
  }
  auto body = JsonBody(req);
  if (!body.ok()) return ErrorResponse(body.status());
  auto code = StringField(*body, "code");
  if (!code.ok()) return ErrorResponse(code.status());
  if (code->empty() || code->size() > 512) {
    return ErrorResponse(core::Status::InvalidArgument("field 'code': must be 1 to 512 characters"));
  }
  const drivers::ScanEvent e{station, "simulated by " + who.id, *code, "", core::ParseScan(*code)};
  OnScan(e);
  if (!e.scan.ok()) return ErrorResponse(e.scan.status());
  return JsonResponse(
      {{"station", station}, {"kind", std::string(core::ScanKindName(e.scan->kind))}, {"by", who.id}});
}

core::Status Daemon::Impl::StartServices() {
  auth = std::make_unique<AuthService>(*store, clock);
  const Config& c = config;
  InventoryOptions io_opts;
  io_opts.available_interval = AvailableInterval(c.sync);
  auto inv = InventoryService::Create(*store, clock, io_opts, SeededFromOs());
  if (!inv.ok()) return inv.status();
  inventory = std::move(inv).value();
  // The time this node was stopped does not count against a snapshot it was
  // receiving: the broker kept its other chunks.
  auto resumed = inventory->ResumePendingSnapshots();
  if (!resumed.ok()) return resumed.status().WithContext("resume pending snapshots");
  if (*resumed > 0) log::Info("inventory.snapshots_resumed").Kv("pending", *resumed);

  label_printer = std::make_unique<PrintServiceLabelPrinter>(*printing);
  OrderOptions oo;
  oo.store_id = c.store.id;
  oo.partial_accept = c.policy.partial_accept;
  oo.max_open_orders = c.policy.max_open_orders;
  oo.pickup_hold_days = c.policy.pickup_hold_days;
  oo.escalate_after = std::chrono::minutes(c.policy.pickup_escalate_min);
  oo.reminder_before = std::chrono::hours(c.policy.pickup_reminder_h);
  oo.curbside_bays = c.policy.curbside_bays;
  oo.kiosk_lookups_per_kiosk_per_min = c.policy.kiosk_lookups_per_kiosk_per_min;
  oo.kiosk_lookups_per_ref_per_min = c.policy.kiosk_lookups_per_ref_per_min;
  if (!c.boxes.empty()) {
    oo.boxes.clear();
    for (const auto& b : c.boxes) oo.boxes.push_back({b.name, b.length_mm, b.width_mm, b.height_mm});
  }
  for (const auto& st : c.stations) oo.stations.push_back(st.name);
  auto ord =
      OrderService::Create(*store, clock, *inventory, *auth, *label_printer, std::move(oo), SeededFromOs());
  if (!ord.ok()) return ord.status().WithContext("invalid config");
  orders = std::move(ord).value();
  reports = std::make_unique<ReportService>(store->db(), clock);
  return core::Status::Ok();
}

void Daemon::Impl::RegisterInboundHandlers() {
  // Each handler runs inside the bridge's transaction, which also records the
  // message in the inbox: the services' commands become savepoints of it, so
  // a message and its effect commit together or not at all. The bridge has
  // already refused a duplicate id, so no InboundRef is passed down.
  SyncBridge& b = *sync_bridge;
  b.Register("inventory.snapshot", [this](InboundContext& ctx) {
    auto r = inventory->ApplySnapshotChunk(ctx.data);
    if (r.ok()) log::Info("inventory.snapshot_chunk").Kv("outcome", ChunkOutcomeName(*r));
    return r.status();
  });
  b.Register("inventory.delta", [this](InboundContext& ctx) {
    auto r = inventory->ApplyDelta(ctx.data);
    if (!r.ok()) return r.status();
    // A receipt may give waiting backorder and pre-order lines their stock:
    // their orders join the pick queue on the associates' screens.
    if (ctx.data.value("reason", "") == "receipt" && ctx.data.value("delta", int64_t{0}) > 0) {
      ctx.after_commit.push_back([this] { PublishOrdersChanged(); });
    }
    return core::Status::Ok();
  });
  b.Register("inventory.incoming",
             [this](InboundContext& ctx) { return inventory->RecordIncoming(ctx.data).status(); });
  b.Register("order.routed", [this](InboundContext& ctx) {
    auto r = orders->ApplyRouted(ctx.data);
    if (!r.ok()) return r.status();
    // ApplyRouted logs order.routed itself.
    ctx.after_commit.push_back([this] { PublishOrdersChanged(); });
    return core::Status::Ok();
  });
  b.Register("order.cancel_requested", [this](InboundContext& ctx) {
    auto r = orders->ApplyCancelRequested(ctx.data);
    if (!r.ok()) return r.status();
    ctx.after_commit.push_back([this] { PublishOrdersChanged(); });
    return core::Status::Ok();
  });
  b.Register("order.updated", [this](InboundContext& ctx) {
    auto r = orders->ApplyUpdated(ctx.data);
    if (!r.ok()) return r.status();
    ctx.after_commit.push_back([this] { PublishOrdersChanged(); });
    return core::Status::Ok();
  });
  b.Register("order.customer_arrived", [this](InboundContext& ctx) {
    auto r = orders->ApplyCustomerArrived(ctx.data);
    if (!r.ok()) return r.status();
    ctx.after_commit.push_back([this] {
      PublishOrdersChanged();
      PublishArrivalsChanged();
    });
    return core::Status::Ok();
  });
  b.Register("shipment.label", [this](InboundContext& ctx) {
    auto r = orders->ApplyShipmentLabel(ctx.data, std::nullopt, /*print_now=*/false);
    if (!r.ok()) return r.status();
    // Printed once the label is committed with its inbox record.
    ctx.after_commit.push_back([this] { LabelTick(/*reschedule=*/false); });
    return core::Status::Ok();
  });
}

core::Status Daemon::Impl::StartSync() {
  sync_bridge = std::make_unique<SyncBridge>(*store);
  RegisterInboundHandlers();
  auto client = sync::SyncClient::Create(io, MakeSyncOptions(), *sync_bridge, *sync_bridge, clock);
  if (!client.ok()) return client.status();
  sync_client = std::move(client).value();
  return sync_client->Start();
}

void Daemon::Impl::InventoryTick() {
  // Coalesced inventory.available reports go out when due; abandoned
  // snapshot chunks are dropped. A half-second tick keeps a report at most
  // that much later than its interval, at no measurable cost.
  // Every 2 s also when nothing is due here: changes storeedgectl made in
  // another process are only in the pending table, which FlushAvailable reads.
  const bool due_here = inventory->NextAvailableDue() && *inventory->NextAvailableDue() <= clock.Now();
  if (due_here || inventory_ticks % 4 == 0) {
    if (auto r = inventory->FlushAvailable(); !r.ok()) {
      log::Warn("inventory.available_flush_failed").Kv("error", r.status().message());
    } else if (sync_client) {
      sync_client->Kick();
    }
  }
  PublishSyncChanged();
  if (++inventory_ticks % 120 == 0) {
    // A snapshot waits for its chunks only while they can arrive: offline,
    // its timeout starts again every minute instead of running out.
    if (sync_client && !sync_client->GetStatus().connected) {
      if (auto r = inventory->ResumePendingSnapshots(); !r.ok()) {
        log::Warn("inventory.snapshot_resume_failed").Kv("error", r.status().message());
      }
    } else if (auto r = inventory->DiscardAbandonedSnapshots(); !r.ok()) {
      log::Warn("inventory.snapshot_discard_failed").Kv("error", r.status().message());
    }
  }
  inventory_timer.expires_after(std::chrono::milliseconds(500));
  inventory_timer.async_wait([this](const boost::system::error_code& ec) {
    if (!ec && !stopping) InventoryTick();
  });
}

void Daemon::Impl::LabelTick(bool reschedule) {
  auto queued = orders->RetryLabelPrints();
  if (!queued.ok()) {
    log::Warn("label.retry_failed").Kv("error", queued.status().message());
  } else if (*queued > 0) {
    log::Info("label.queued").Kv("labels", *queued);
    if (http) http->Publish("stations", json{{"type", "labels_queued"}, {"labels", *queued}}.dump());
  }
  if (!reschedule) return;
  label_timer.expires_after(std::chrono::seconds(30));
  label_timer.async_wait([this](const boost::system::error_code& ec) {
    if (!ec && !stopping) LabelTick();
  });
}

// Tells the associates' screens at once when the link to the OMS goes down
// or comes back (their banner), instead of leaving it to their next poll.
void Daemon::Impl::PublishSyncChanged() {
  if (!http || !sync_client) return;
  const sync::SyncStatus s = sync_client->GetStatus();
  const std::string told = s.state + (s.connected ? "/connected" : "/disconnected");
  if (told == told_sync_state) return;
  told_sync_state = told;
  http->Publish("sync", json{{"type", "sync"},
                             {"state", s.state},
                             {"connected", s.connected},
                             {"outbox_depth", s.outbox_depth ? json(*s.outbox_depth) : json(nullptr)}}
                            .dump());
}

void Daemon::Impl::PublishOrdersChanged() {
  if (!http) return;
  http->Publish("orders", json{{"type", "orders_changed"}}.dump());
  http->Publish("tasks", json{{"type", "tasks_changed"}}.dump());
}

void Daemon::Impl::PublishArrivalsChanged() {
  if (!http) return;
  auto waiting = orders->WaitingArrivals();
  if (!waiting.ok()) return;
  json list = json::array();
  for (const auto& a : *waiting) list.push_back({{"arrival_id", a.id}, {"order_id", a.order_id}});
  http->Publish("arrivals", json{{"type", "arrivals_changed"}, {"waiting", list}}.dump());
  // Kiosks show each waiting customer's place and estimate: send them all.
  json waits = json::array();
  for (const auto& a : *waiting) {
    auto w = orders->EstimateWait(a.id);
    if (!w.ok()) continue;
    waits.push_back({{"arrival_id", a.id},
                     {"position", w->position},
                     {"estimated_wait_s", w->estimated_wait_s},
                     {"ready", w->ready}});
  }
  http->Publish("kiosk", json{{"type", "waits"}, {"waits", waits}}.dump());
}

void Daemon::Impl::PickupTick() {
  // Uncollected orders expire at hold_until (with a reminder before), and an
  // arrival nobody has taken is escalated to the supervisors.
  auto expired = orders->ExpireDue();
  if (!expired.ok()) {
    log::Warn("pickup.expire_failed").Kv("error", expired.status().message());
  } else if (*expired > 0) {
    PublishOrdersChanged();
  }
  auto escalated = orders->EscalateArrivals();
  if (!escalated.ok()) {
    log::Warn("pickup.escalate_failed").Kv("error", escalated.status().message());
  } else if (!escalated->empty() && http) {
    json list = json::array();
    for (const auto& a : *escalated) {
      list.push_back(
          {{"arrival_id", a.id}, {"order_id", a.order_id}, {"bay", a.bay ? json(*a.bay) : json()}});
    }
    http->Publish("arrivals", json{{"type", "escalated"}, {"arrivals", list}}.dump());
  }
  // Waiting customers' estimates move with time: kiosks get them each tick.
  PublishArrivalsChanged();
  pickup_timer.expires_after(std::chrono::seconds(15));
  pickup_timer.async_wait([this](const boost::system::error_code& ec) {
    if (!ec && !stopping) PickupTick();
  });
}

void Daemon::Impl::PruneOutbox() {
  // Published events are kept for sync.replay, then pruned; hourly is plenty.
  auto pruned = store->PruneEvents(std::chrono::hours(24) * config.sync.event_retention_days);
  if (!pruned.ok()) {
    log::Warn("outbox.prune_failed").Kv("error", pruned.status().message());
  } else if (*pruned > 0) {
    log::Info("outbox.pruned").Kv("events", *pruned).Kv("retention_days", config.sync.event_retention_days);
  }
  // Ids of applied inbound messages: kept as long as events, then dropped.
  auto inbox = store->PruneInbox(std::chrono::hours(24) * config.sync.event_retention_days);
  if (!inbox.ok()) {
    log::Warn("inbox.prune_failed").Kv("error", inbox.status().message());
  } else if (*inbox > 0) {
    log::Info("inbox.pruned").Kv("messages", *inbox).Kv("retention_days", config.sync.event_retention_days);
  }
  prune_timer.expires_after(std::chrono::hours(1));
  prune_timer.async_wait([this](const boost::system::error_code& ec) {
    if (!ec && !stopping) PruneOutbox();
  });
}

void Daemon::Impl::FoldLedger(LedgerPass pass) {
  ledger_pass_running = false;
  if (stopping) return;
  // Rows examined per turn: one transaction of about 15 ms (bench/
  // inventory_bench --only fold), so requests wait no longer than that.
  constexpr int64_t kRowsPerTurn = 2'000;
  const int days = config.store.ledger_retention_days;
  if (days > 0) {
    auto r = inventory->FoldLedger(std::chrono::hours(24) * days, pass.after, kRowsPerTurn);
    if (!r.ok()) {
      log::Warn("ledger.fold_failed").Kv("error", r.status().message()).Kv("next", "in 24 hours");
    } else {
      metrics.Count("storeedge_ledger_rows_folded_total", {}, static_cast<double>(r->folded));
      pass.after = r->examined_to;
      pass.folded += r->folded;
      pass.carried += r->carried;
      if (!r->done) {
        ledger_pass_running = true;
        asio::post(io, [this, pass] { FoldLedger(pass); });
        return;
      }
      if (pass.folded > 0) {
        log::Info("ledger.folded")
            .Kv("rows", pass.folded)
            .Kv("carried_forward_rows", pass.carried)
            .Kv("retention_days", days)
            .Kv("ms", std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                            pass.began)
                          .count());
      }
    }
  }
  ledger_timer.expires_after(std::chrono::hours(24));
  ledger_timer.async_wait([this](const boost::system::error_code& ec) {
    if (!ec && !stopping) FoldLedger({});
  });
}

json Daemon::Impl::SyncStatusJson() {
  const sync::SyncStatus s = sync_client->GetStatus();
  json last_seq = json::object();
  for (const auto& [stream, seq] : s.last_seq) last_seq[stream] = seq;
  json held = json::object();
  for (const auto& [stream, n] : s.held) held[stream] = n;
  return {
      {"state", s.state},
      {"connected", s.connected},
      {"broker", s.broker},
      {"client_id", s.client_id},
      {"connected_since", s.connected_since ? json(core::FormatRfc3339(*s.connected_since)) : json(nullptr)},
      {"last_error", s.last_error.empty() ? json(nullptr) : json(s.last_error)},
      {"reconnect_attempts", s.reconnect_attempts},
      {"connects", s.connects},
      {"outbox_depth", s.outbox_depth ? json(*s.outbox_depth) : json(nullptr)},
      {"in_flight", s.in_flight},
      {"last_acked_seq", s.last_acked_seq},
      {"last_seq", last_seq},
      {"held", held},
      {"inbound",
       {{"received", s.inbound.received},
        {"applied", s.inbound.applied},
        {"duplicates", s.inbound.duplicates},
        {"rejected", s.inbound.rejected},
        {"held", s.inbound.held},
        {"replay_requests", s.inbound.replay_requests},
        {"apply_errors", s.inbound.apply_errors}}}};
}

void Daemon::Impl::AddMetrics() {
  metrics.Describe("storeedge_http_request_seconds", "histogram", "HTTP request latency by method and route");
  metrics.Describe("storeedge_http_requests_total", "counter",
                   "HTTP requests by method, route and status code");
  metrics.Describe("storeedge_outbox_depth", "gauge", "Events waiting to be acknowledged by the broker");
  metrics.Describe("storeedge_dead_letters", "gauge", "Inbound messages kept as dead letters");
  metrics.Describe("storeedge_inbound_last_seq", "gauge", "Last applied seq per inbound stream");
  metrics.Describe("storeedge_events_last_seq", "gauge", "Seq of the last event the node produced");
  metrics.Describe("storeedge_database_bytes", "gauge", "Size of the database and its WAL");
  metrics.Describe(
      "storeedge_database_checkpoints_total", "counter",
      "WAL checkpoints by who ran them: the checkpoint thread, or the writer when the thread fell behind");
  metrics.Describe("storeedge_database_checkpoint_failures_total", "counter",
                   "Checkpoints of the checkpoint thread that failed (logged as store.checkpoint_failed)");
  metrics.Describe(
      "storeedge_watchdog_pings_total", "counter",
      "systemd watchdog pings: from the timer, or from inside a statement that held the daemon's "
      "thread when a ping fell due (absent without a watchdog)");
  metrics.Describe("storeedge_watchdog_pings_dropped_total", "counter",
                   "Watchdog pings not sent because systemd's notification queue was full (absent without a "
                   "watchdog)");
  metrics.Describe(
      "storeedge_ledger_rows_folded_total", "counter",
      "Inventory ledger rows older than [store] ledger_retention_days folded into carried-forward "
      "rows");
  metrics.Count("storeedge_ledger_rows_folded_total", {}, 0);
  metrics.Describe("storeedge_uptime_seconds", "gauge", "Seconds since the daemon started");
  metrics.Describe("storeedge_websocket_clients", "gauge", "Connected WebSocket clients");
  metrics.Describe("storeedge_orders", "gauge", "Orders by state");
  metrics.Describe("storeedge_arrivals_waiting", "gauge", "Customers who arrived and wait for their order");
  metrics.Describe("storeedge_sync_connected", "gauge", "1 while connected to the broker, else 0");
  metrics.AddCollector([this](Metrics& m) {
    std::map<std::string, int64_t> by_state;
    for (const char* s : {"accepted", "picking", "picked", "packed", "shipped", "ready", "picked_up",
                          "expired", "cancelled", "rejected"}) {
      by_state[s] = 0;
    }
    if (auto st = store->db().Prepare("SELECT state, count(*) FROM orders GROUP BY state"); st.ok()) {
      for (auto row = st->Step(); row.ok() && *row; row = st->Step()) by_state[st->Text(0)] = st->Int64(1);
    }
    for (const auto& [state, n] : by_state)
      m.Gauge("storeedge_orders", {{"state", state}}, static_cast<double>(n));
    if (orders) {
      if (auto w = orders->WaitingArrivals(); w.ok())
        m.Gauge("storeedge_arrivals_waiting", {}, static_cast<double>(w->size()));
    }
    m.Gauge("storeedge_sync_connected", {}, SyncStatusJson().value("connected", false) ? 1.0 : 0.0);
    if (auto v = store->OutboxDepth(); v.ok()) m.Gauge("storeedge_outbox_depth", {}, static_cast<double>(*v));
    if (auto v = store->DeadLetterCount(); v.ok())
      m.Gauge("storeedge_dead_letters", {}, static_cast<double>(*v));
    if (auto v = store->LastEventSeq(); v.ok())
      m.Gauge("storeedge_events_last_seq", {}, static_cast<double>(*v));
    for (const char* s : {"orders", "inventory", "shipments", "control"}) {
      if (auto v = store->NextSeq(s); v.ok()) {
        m.Gauge("storeedge_inbound_last_seq", {{"stream", s}}, static_cast<double>(*v - 1));
      }
    }
    m.Gauge("storeedge_database_bytes", {}, static_cast<double>(store->FileSizeBytes()));
    if (const store::Checkpointer* c = store->checkpointer()) {
      const auto n = c->counts();
      m.Total("storeedge_database_checkpoints_total", {{"by", "thread"}}, static_cast<double>(n.thread));
      m.Total("storeedge_database_checkpoints_total", {{"by", "writer"}}, static_cast<double>(n.writer));
      m.Total("storeedge_database_checkpoint_failures_total", {}, static_cast<double>(n.failed));
    }
    if (notifier.watchdog_interval()) {
      m.Total("storeedge_watchdog_pings_total", {{"by", "timer"}}, static_cast<double>(watchdog.pings()));
      m.Total("storeedge_watchdog_pings_total", {{"by", "statement"}},
              static_cast<double>(watchdog.due_pings()));
      m.Total("storeedge_watchdog_pings_dropped_total", {}, static_cast<double>(watchdog.dropped_pings()));
    }
    m.Gauge("storeedge_uptime_seconds", {},
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started_mono).count());
    if (http) m.Gauge("storeedge_websocket_clients", {}, static_cast<double>(http->websocket_clients()));
    if (printing) {
      for (const auto& st : printing->Stations()) {
        m.Gauge("storeedge_printer_ready", {{"station", st.station}}, st.ready() ? 1.0 : 0.0);
        m.Gauge("storeedge_print_jobs_unfinished", {{"station", st.station}},
                static_cast<double>(st.unfinished_jobs));
      }
    }
  });
}

void Daemon::Impl::AddRoutes() {
  AddMetrics();
  DaemonRouteHandlers handlers;
  handlers.metrics = [this](const kiosk::Request&) {
    kiosk::Response r;
    r.content_type = "text/plain; version=0.0.4";
    r.body = metrics.Render();
    return r;
  };
  // Alive (200) whatever the broker does; the sync part says how the link is.
  handlers.healthz = [this](const kiosk::Request&) {
    const json s = SyncStatusJson();
    json h = {{"status", "ok"},
              {"sync",
               {{"state", s["state"]},
                {"connected", s["connected"]},
                {"outbox_depth", s["outbox_depth"]},
                {"last_seq", s["last_seq"]}}}};
    return kiosk::Response::Json(200, h.dump());
  };
  handlers.readyz = [this](const kiosk::Request&) {
    if (stopping) return kiosk::Response::Error(503, "stopping", "the daemon is shutting down");
    auto depth = store->OutboxDepth();
    if (!depth.ok()) return kiosk::Response::Error(503, "store_unavailable", depth.status().message());
    return kiosk::Response::Json(200, R"({"status":"ready"})");
  };
  handlers.status = [this](const kiosk::Request&) { return kiosk::Response::Json(200, Status().dump()); };
  handlers.station_scan = [this](const kiosk::Request& req) { return StationScan(req); };
  AddApiRoutes(router, *auth, *inventory, *orders,
               {[this] {
                  if (sync_client) sync_client->Kick();
                  PublishOrdersChanged();
                },
                [this] { PublishArrivalsChanged(); }},
               std::move(handlers), reports.get());
  // The pages: the associates' app at /app/. A store without them still
  // runs (the API and the handhelds' other clients need none), so a missing
  // directory is a warning, not a failed start.
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  const std::string web_root = ResolveWebRoot(config.http.web_root, ec ? "" : exe.string(), SourceWebDir());
  if (web_root.empty()) {
    log::Warn("web.no_pages").Kv("hint", "no app/index.html found; set [http] web_root");
  } else {
    log::Info("web.pages").Kv("root", web_root);
  }
  AddWebRoutes(router, web_root);
  // A request's checks (its session, the cached task lists and kiosk reads)
  // see other connections' commits as of its first look: one read of the
  // database's stamp per request, not one per check.
  router.SetAround([this](const kiosk::Request& req, const kiosk::Handler& handler) {
    store::Database::StampScope scope(store->db());
    return handler(req);
  });
}

}  // namespace edge::app
