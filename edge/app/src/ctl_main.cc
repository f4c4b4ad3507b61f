#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "edge/app/cli.h"
#include "edge/app/config.h"
#include "edge/app/ctl_backup.h"
#include "edge/app/ctl_report.h"
#include "edge/kiosk/http.h"
#include "edge/kiosk/http_client.h"

namespace edge::app {

namespace {

using json = nlohmann::json;

constexpr const char* kUsage =
    "Usage: storeedgectl [--config PATH | --url http://HOST:PORT] COMMAND\n"
    "\n"
    "Talks to the running storeedged over its local HTTP API.\n"
    "\n"
    "Commands:\n"
    "  status [--json]   store, version, uptime, database, outbox depth, sync state\n"
    "  user add ID --name NAME [--role associate|supervisor] [--pin-stdin]\n"
    "  user disable|enable|unlock|reset-pin ID, user list\n"
    "                    manage associates and supervisors (on the database directly)\n"
    "  kiosk add NAME    register a curbside kiosk; prints its device token\n"
    "  inventory show SKU|BARCODE [--json]\n"
    "  inventory search TEXT [--limit N] [--json]\n"
    "  inventory adjust SKU --kind count|damaged|found|receipt --qty N\n"
    "                    [--location CODE] [--ref REF] --by ASSOCIATE_ID\n"
    "  inventory import FILE [--dry-run] [--by ID]\n"
    "                    the inventory replica (on the database directly); an import\n"
    "                    (CSV or JSON lines) is checked whole, then applied all or nothing\n"
    "                    (storeedgectl inventory --help for the file format)\n"
    "  backup PATH [--force]\n"
    "                    a consistent copy of the database, while the daemon runs\n"
    "  restore PATH [--force-store]\n"
    "                    replace the database with a backup (the daemon stopped)\n"
    "  report NAME --from YYYY-MM-DD --to YYYY-MM-DD [--csv | --json]\n"
    "                    a report of the store's data (orders, fulfilment, rejections,\n"
    "                    picking, curbside, pickups, returns, adjustments), read-only\n"
    "                    on the database (storeedgectl report --help)\n"
    "  scan STATION CODE a scan at STATION as if its scanner read CODE (the station's\n"
    "                    screen acts on it); uses the daemon's control token in\n"
    "                    [store] data_dir, so run it as root or the service user\n"
    "\n"
    "  --config PATH     the config: the daemon's address ([http] listen) and, for\n"
    "                    user, kiosk, inventory, backup, restore, report and scan,\n"
    "                    the data dir ([store])\n"
    "  --url URL         the daemon's address (default http://127.0.0.1:8080)\n"
    "\n"
    "Exit codes: 0 ok, 1 the daemon answered with an error (or, for the commands\n"
    "on the database, the command failed), 2 bad usage, 3 the daemon is not\n"
    "reachable (or the database cannot be opened).\n";

struct Target {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;
  std::string Url() const {
    return "http://" + (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" +
           std::to_string(port);
  }
};

int Usage(const std::string& message) {
  std::fprintf(stderr, "storeedgectl: %s\n", message.c_str());
  return 2;
}

std::string Bytes(int64_t n) {
  char buf[32];
  if (n >= (1 << 20))
    std::snprintf(buf, sizeof buf, "%.1f MiB", n / 1048576.0);
  else if (n >= 1024)
    std::snprintf(buf, sizeof buf, "%.1f KiB", n / 1024.0);
  else
    std::snprintf(buf, sizeof buf, "%lld B", static_cast<long long>(n));
  return buf;
}

std::string Duration(int64_t s) {
  char buf[48];
  if (s >= 86400)
    std::snprintf(buf, sizeof buf, "%lldd %lldh %lldm", (long long)(s / 86400), (long long)(s / 3600 % 24),
                  (long long)(s / 60 % 60));
  else if (s >= 3600)
    std::snprintf(buf, sizeof buf, "%lldh %lldm %llds", (long long)(s / 3600), (long long)(s / 60 % 60),
                  (long long)(s % 60));
  else if (s >= 60)
    std::snprintf(buf, sizeof buf, "%lldm %llds", (long long)(s / 60), (long long)(s % 60));
  else
    std::snprintf(buf, sizeof buf, "%llds", (long long)s);
  return buf;
}

std::string Str(const json& j) {
  if (j.is_string()) return j.get<std::string>();
  if (j.is_null()) return "?";
  return j.dump();
}

int Status(const Target& t, bool as_json) {
  auto r = kiosk::HttpRequest(t.host, t.port, "GET", "/api/v1/status", "", {}, std::chrono::seconds(5));
  if (!r.ok()) {
    std::fprintf(stderr,
                 "storeedgectl: cannot reach storeedged at %s (%s)\n"
                 "  Is the daemon running? Check: systemctl status storeedged\n",
                 t.Url().c_str(), r.status().message().c_str());
    return 3;
  }
  if (r->status != 200) {
    std::fprintf(stderr, "storeedgectl: %s answered %d: %s\n", t.Url().c_str(), r->status, r->body.c_str());
    return 1;
  }
  json j = json::parse(r->body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    std::fprintf(stderr, "storeedgectl: %s answered with something that is not JSON\n", t.Url().c_str());
    return 1;
  }
  if (as_json) {
    std::printf("%s\n", j.dump(2).c_str());
    return 0;
  }
  std::printf("store:         %s\n", Str(j["store"]).c_str());
  std::printf("version:       %s\n", Str(j["version"]).c_str());
  std::printf("state:         %s\n", Str(j["state"]).c_str());
  std::printf("uptime:        %s (since %s)\n", Duration(j.value("uptime_s", int64_t{0})).c_str(),
              Str(j["started"]).c_str());
  std::printf("config:        %s\n", Str(j["config"]).c_str());
  const json& db = j["database"];
  std::printf("database:      %s (%s, schema %s, synchronous %s)\n", Str(db["path"]).c_str(),
              Bytes(db.value("size_bytes", int64_t{0})).c_str(), Str(db["schema_version"]).c_str(),
              Str(db["synchronous"]).c_str());
  std::printf("outbox depth:  %s (last event seq %s)\n", Str(j["outbox"]["depth"]).c_str(),
              Str(j["outbox"]["last_seq"]).c_str());
  std::printf("dead letters:  %s\n", Str(j["dead_letters"]).c_str());
  const json& sync = j["sync"];
  std::printf("sync:          %s (broker %s)\n", Str(sync["state"]).c_str(), Str(sync["broker"]).c_str());
  if (sync["connected_since"].is_string()) {
    std::printf("  connected since %s, %s event(s) in flight, last acknowledged seq %s\n",
                Str(sync["connected_since"]).c_str(), Str(sync["in_flight"]).c_str(),
                Str(sync["last_acked_seq"]).c_str());
  }
  if (sync.value("reconnect_attempts", 0) > 0) {
    std::printf("  reconnect attempts: %s\n", Str(sync["reconnect_attempts"]).c_str());
  }
  if (sync["last_error"].is_string()) std::printf("  last error: %s\n", Str(sync["last_error"]).c_str());
  if (sync["last_seq"].is_object()) {
    for (const auto& [stream, seq] : sync["last_seq"].items()) {
      const json& held = sync["held"].is_object() ? sync["held"][stream] : json();
      std::printf("  %-12s last seq %s%s\n", stream.c_str(), Str(seq).c_str(),
                  held.is_number() && held.get<int64_t>() > 0
                      ? (" (" + Str(held) + " held, waiting for a gap to fill)").c_str()
                      : "");
    }
  }
  std::printf("http:          %s\n", Str(j["http"]["listen"]).c_str());
  if (j.contains("printers") && j["printers"].is_array() && !j["printers"].empty()) {
    std::printf("printers:\n");
    for (const auto& p : j["printers"]) {
      std::printf("  %-12s %s (queue %s, %s, %s unfinished)\n", Str(p["station"]).c_str(),
                  Str(p["summary"]).c_str(), Str(p["queue"]).c_str(), Str(p["format"]).c_str(),
                  Str(p["unfinished_jobs"]).c_str());
    }
  }
  if (j.contains("scanners") && j["scanners"].is_array() && !j["scanners"].empty()) {
    std::printf("scanners:\n");
    for (const auto& sc : j["scanners"]) {
      std::printf("  %-12s %s%s%s\n", Str(sc["station"]).c_str(), Str(sc["state"]).c_str(),
                  sc.contains("usb_id") ? (" " + Str(sc["usb_id"])).c_str() : "",
                  sc.contains("detail") ? (" (" + Str(sc["detail"]) + ")").c_str() : "");
    }
  }
  return 0;
}

std::string PathSegment(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

// storeedgectl scan STATION CODE: POST /api/v1/stations/STATION/scans with
// the daemon's control token (written at each start in its data dir).
int Scan(const Config& config, const Target& t, const std::vector<std::string>& args) {
  if (args.size() != 3) return Usage("scan: usage: storeedgectl [--config FILE] scan STATION CODE");
  const std::string path = config.store.data_dir + "/control.token";
  std::ifstream f(path);
  std::string token;
  if (!f || !std::getline(f, token) || token.empty()) {
    std::fprintf(stderr,
                 "storeedgectl: cannot read the daemon's control token %s (%s)\n"
                 "  Run as root or the service user, with the daemon's --config, while it runs.\n",
                 path.c_str(), f ? "empty" : std::strerror(errno));
    return 3;
  }
  auto r = kiosk::HttpRequest(t.host, t.port, "POST", "/api/v1/stations/" + PathSegment(args[1]) + "/scans",
                              json{{"code", args[2]}}.dump(), {{"Authorization", "Bearer " + token}},
                              std::chrono::seconds(5));
  if (!r.ok()) {
    std::fprintf(stderr, "storeedgectl: cannot reach storeedged at %s (%s)\n", t.Url().c_str(),
                 r.status().message().c_str());
    return 3;
  }
  json j = json::parse(r->body, nullptr, false);
  if (r->status != 200) {
    const std::string message =
        j.is_object() && j.contains("error") ? Str(j["error"]["message"]) : r->body.substr(0, 200);
    std::fprintf(stderr, "storeedgectl: scan refused (%d): %s\n", r->status, message.c_str());
    return 1;
  }
  std::printf("%s: scanned %s (%s)\n", args[1].c_str(), args[2].c_str(),
              j.is_object() ? Str(j["kind"]).c_str() : "?");
  return 0;
}

}  // namespace

int CtlMain(int argc, char** argv) {
  Target target;
  Config config;  // embedded defaults unless --config
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    // After a command, --help is the command's own (inventory --help).
    if ((a == "--help" || a == "-h") && args.empty()) {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (a == "--config" || a == "--url") {
      if (i + 1 >= argc) return Usage(a + " needs a value (see --help)");
      const std::string v = argv[++i];
      if (a == "--config") {
        auto c = LoadConfig(v);
        if (!c.ok()) return Usage("invalid config: " + c.status().message());
        config = *c;
        target.host = c->http.host();
        target.port = c->http.port();
        // A daemon listening on every address is reached on loopback.
        if (target.host == "0.0.0.0") target.host = "127.0.0.1";
        if (target.host == "::") target.host = "::1";
      } else {
        std::string rest = v;
        if (rest.rfind("http://", 0) == 0) rest = rest.substr(7);
        while (!rest.empty() && rest.back() == '/') rest.pop_back();
        if (!kiosk::ParseListen(rest, &target.host, &target.port).ok()) {
          return Usage("--url '" + v + "' is not http://HOST:PORT with an IP address");
        }
      }
    } else {
      args.push_back(a);
    }
  }
  if (args.empty()) return Usage("no command given (see --help)");
  if (args[0] == "status") {
    bool as_json = false;
    for (size_t i = 1; i < args.size(); ++i) {
      if (args[i] == "--json") {
        as_json = true;
      } else if (args[i] == "--help" || args[i] == "-h") {
        std::fputs(kUsage, stdout);
        return 0;
      } else {
        return Usage("status: unknown argument '" + args[i] + "'");
      }
    }
    return Status(target, as_json);
  }
  if (args[0] == "user" || args[0] == "kiosk") return CtlUserCommand(config, args);
  if (args[0] == "inventory") return CtlInventoryCommand(config, args);
  if (args[0] == "backup") return CtlBackupCommand(config, args);
  if (args[0] == "restore") return CtlRestoreCommand(config, args);
  if (args[0] == "report") return CtlReportCommand(config, args);
  if (args[0] == "scan") return Scan(config, target, args);
  return Usage("unknown command '" + args[0] + "' (see --help)");
}

}  // namespace edge::app

int main(int argc, char** argv) { return edge::app::CtlMain(argc, argv); }
