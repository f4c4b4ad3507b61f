#include "edge/app/config.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <toml.hpp>

#include "edge/core/ids.h"
#include "edge/kiosk/http.h"
#include "edge/log/log.h"

namespace edge::app {

using core::Result;
using core::Status;

std::string Config::DatabasePath() const {
  std::string dir = store.data_dir;
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return dir + "/storeedge.db";
}

std::string Config::Http::host() const {
  std::string h;
  uint16_t p;
  return kiosk::ParseListen(listen, &h, &p).ok() ? h : "127.0.0.1";
}

uint16_t Config::Http::port() const {
  std::string h;
  uint16_t p = 8080;
  return kiosk::ParseListen(listen, &h, &p).ok() ? p : 8080;
}

namespace {

const char* TypeName(const toml::value& v) {
  switch (v.type()) {
    case toml::value_t::boolean:
      return "a boolean";
    case toml::value_t::integer:
      return "an integer";
    case toml::value_t::floating:
      return "a float";
    case toml::value_t::string:
      return "a string";
    case toml::value_t::array:
      return "an array";
    case toml::value_t::table:
      return "a table";
    case toml::value_t::offset_datetime:
    case toml::value_t::local_datetime:
    case toml::value_t::local_date:
    case toml::value_t::local_time:
      return "a date/time";
    default:
      return "nothing";
  }
}

// Reads one table's options into a Config, collecting the first error with
// the file, line, section and key in its message.
class Reader {
 public:
  Reader(std::string file, std::string section, const toml::value& table)
      : file_(std::move(file)), section_(std::move(section)), table_(table) {}

  // Fails on keys not in `known` (a typo silently ignored would run the store
  // on a default nobody chose).
  Status OnlyKeys(const std::vector<std::string>& known) {
    std::vector<std::string> keys;
    for (const auto& [k, v] : table_.as_table()) keys.push_back(k);
    std::sort(keys.begin(), keys.end());
    for (const auto& k : keys) {
      if (std::find(known.begin(), known.end(), k) == known.end()) {
        std::string list;
        for (const auto& n : known) list += (list.empty() ? "" : ", ") + n;
        return Error(table_.as_table().at(k), k,
                     "unknown option (known in [" + section_ + "]: " + list + ")");
      }
    }
    return Status::Ok();
  }

  Status String(const std::string& key, std::string* out) {
    const toml::value* v = Find(key);
    if (!v) return Status::Ok();
    if (!v->is_string()) return Error(*v, key, std::string("expected a string, got ") + TypeName(*v));
    *out = v->as_string().str;
    return Status::Ok();
  }

  Status Bool(const std::string& key, bool* out) {
    const toml::value* v = Find(key);
    if (!v) return Status::Ok();
    if (!v->is_boolean()) {
      return Error(*v, key, std::string("expected true or false, got ") + TypeName(*v));
    }
    *out = v->as_boolean();
    return Status::Ok();
  }

  template <typename T>
  Status Int(const std::string& key, T* out, int64_t min, int64_t max, const std::string& unit) {
    const toml::value* v = Find(key);
    if (!v) return Status::Ok();
    if (!v->is_integer()) {
      return Error(*v, key, std::string("expected an integer (") + unit + "), got " + TypeName(*v));
    }
    const int64_t n = v->as_integer();
    if (n < min || n > max) {
      return Error(*v, key,
                   std::to_string(n) + " is out of range " + std::to_string(min) + ".." +
                       std::to_string(max) + " (" + unit + ")");
    }
    *out = static_cast<T>(n);
    return Status::Ok();
  }

  // An error about `key` whose value is already read (for checks after type).
  Status Invalid(const std::string& key, const std::string& what) {
    const toml::value* v = Find(key);
    return v ? Error(*v, key, what) : Error(table_, key, what);
  }

 private:
  const toml::value* Find(const std::string& key) {
    const auto& t = table_.as_table();
    auto it = t.find(key);
    return it == t.end() ? nullptr : &it->second;
  }

  Status Error(const toml::value& v, const std::string& key, const std::string& what) {
    const auto line = v.location().line();
    std::string where = file_;
    if (line > 0) where += ":" + std::to_string(line);
    return Status::InvalidArgument(where + ": [" + section_ + "] " + key + ": " + what);
  }

  std::string file_;
  std::string section_;
  const toml::value& table_;
};

#define EDGE_CHECK(expr) EDGE_RETURN_IF_ERROR(expr)

bool IsName(const std::string& s) { return core::ValidateStoreId(s).ok(); }

Status ParseUsbId(const std::string& text, ScannerMatch* m) {
  // "vvvv:pppp" in hex, as lsusb prints it.
  if (text.size() != 9 || text[4] != ':') return Status::InvalidArgument("x");
  auto hex = [](const std::string& s, uint16_t* out) {
    if (s.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) return false;
    *out = static_cast<uint16_t>(std::stoul(s, nullptr, 16));
    return true;
  };
  uint16_t vid, pid;
  if (!hex(text.substr(0, 4), &vid) || !hex(text.substr(5, 4), &pid)) return Status::InvalidArgument("x");
  m->vendor_id = vid;
  m->product_id = pid;
  return Status::Ok();
}

Status ReadStation(const std::string& file, size_t index, const toml::value& t, StationConfig* s) {
  const std::string section = "station #" + std::to_string(index + 1);
  if (!t.is_table()) {
    return Status::InvalidArgument(file + ": [[station]] #" + std::to_string(index + 1) +
                                   ": expected a table ([[station]] with name = …)");
  }
  Reader r(file, section, t);
  EDGE_CHECK(r.OnlyKeys(
      {"name", "printer_queue", "printer_format", "scanner_usb_id", "scanner_serial", "scanner_port"}));
  if (!t.as_table().count("name")) return r.Invalid("name", "missing (every station needs a name)");
  EDGE_CHECK(r.String("name", &s->name));
  if (!IsName(s->name)) {
    return r.Invalid("name", "'" + s->name + "' is not a station name ([A-Za-z0-9_-]{1,32})");
  }
  EDGE_CHECK(r.String("printer_queue", &s->printer_queue));
  EDGE_CHECK(r.String("printer_format", &s->printer_format));
  if (s->printer_format != "zpl" && s->printer_format != "pdf") {
    return r.Invalid("printer_format", "'" + s->printer_format + "' is neither \"zpl\" nor \"pdf\"");
  }
  std::string usb_id;
  EDGE_CHECK(r.String("scanner_usb_id", &usb_id));
  if (!usb_id.empty() && !ParseUsbId(usb_id, &s->scanner).ok()) {
    return r.Invalid("scanner_usb_id", "'" + usb_id + "' is not vendor:product in hex (e.g. \"05e0:1200\")");
  }
  EDGE_CHECK(r.String("scanner_serial", &s->scanner.serial));
  EDGE_CHECK(r.String("scanner_port", &s->scanner.port_path));
  if (!s->scanner.port_path.empty() &&
      s->scanner.port_path.find_first_not_of("0123456789-.") != std::string::npos) {
    return r.Invalid("scanner_port",
                     "'" + s->scanner.port_path + "' is not a USB port path (e.g. \"1-1.4\")");
  }
  return Status::Ok();
}

Status ReadBox(const std::string& file, size_t index, const toml::value& t, BoxConfig* b) {
  const std::string section = "box #" + std::to_string(index + 1);
  if (!t.is_table()) {
    return Status::InvalidArgument(file + ": [[box]] #" + std::to_string(index + 1) +
                                   ": expected a table ([[box]] with name = …)");
  }
  Reader r(file, section, t);
  EDGE_CHECK(r.OnlyKeys({"name", "length_mm", "width_mm", "height_mm"}));
  for (const char* key : {"name", "length_mm", "width_mm", "height_mm"}) {
    if (!t.as_table().count(key))
      return r.Invalid(key, "missing (every box needs a name and inner dimensions)");
  }
  EDGE_CHECK(r.String("name", &b->name));
  if (!IsName(b->name)) return r.Invalid("name", "'" + b->name + "' is not a box name ([A-Za-z0-9_-]{1,32})");
  EDGE_CHECK(r.Int("length_mm", &b->length_mm, 1, 5000, "mm"));
  EDGE_CHECK(r.Int("width_mm", &b->width_mm, 1, 5000, "mm"));
  EDGE_CHECK(r.Int("height_mm", &b->height_mm, 1, 5000, "mm"));
  return Status::Ok();
}

Status ReadConfig(const std::string& file, const toml::value& root, Config* c) {
  static const std::vector<std::string> kSections = {"store",  "mqtt", "http",   "sync",    "policy",
                                                     "sqlite", "log",  "daemon", "station", "box"};
  {
    std::vector<std::string> keys;
    for (const auto& [k, v] : root.as_table()) keys.push_back(k);
    std::sort(keys.begin(), keys.end());
    for (const auto& k : keys) {
      if (std::find(kSections.begin(), kSections.end(), k) == kSections.end()) {
        const auto line = root.as_table().at(k).location().line();
        return Status::InvalidArgument(file + (line ? ":" + std::to_string(line) : "") + ": [" + k +
                                       "]: unknown section (known: [store], [mqtt], [http], [sync], "
                                       "[policy], [sqlite], [log], [daemon], [[station]], [[box]])");
      }
    }
  }
  auto section = [&](const std::string& name) -> const toml::value* {
    auto it = root.as_table().find(name);
    return it == root.as_table().end() ? nullptr : &it->second;
  };
  auto table_or_error = [&](const std::string& name, const toml::value* v) -> Status {
    if (v && !v->is_table()) {
      return Status::InvalidArgument(file + ": [" + name + "]: expected a table, got " + TypeName(*v));
    }
    return Status::Ok();
  };

  if (const auto* v = section("store")) {
    EDGE_CHECK(table_or_error("store", v));
    Reader r(file, "store", *v);
    EDGE_CHECK(r.OnlyKeys({"id", "data_dir", "ledger_retention_days"}));
    EDGE_CHECK(r.String("id", &c->store.id));
    if (Status s = core::ValidateStoreId(c->store.id); !s.ok()) return r.Invalid("id", s.message());
    EDGE_CHECK(r.String("data_dir", &c->store.data_dir));
    if (c->store.data_dir.empty()) return r.Invalid("data_dir", "must not be empty");
    EDGE_CHECK(r.Int("ledger_retention_days", &c->store.ledger_retention_days, 0, 3650, "days"));
  }
  if (const auto* v = section("mqtt")) {
    EDGE_CHECK(table_or_error("mqtt", v));
    Reader r(file, "mqtt", *v);
    EDGE_CHECK(r.OnlyKeys({"uri", "ca_file", "cert_file", "key_file", "username", "password", "keepalive_s",
                           "connect_timeout_s", "reconnect_min_ms", "reconnect_max_ms"}));
    EDGE_CHECK(r.String("uri", &c->mqtt.uri));
    const std::string& u = c->mqtt.uri;
    const bool tls = u.rfind("ssl://", 0) == 0 || u.rfind("mqtts://", 0) == 0;
    if (!tls && u.rfind("tcp://", 0) != 0 && u.rfind("mqtt://", 0) != 0) {
      return r.Invalid("uri", "'" + u + "' must start with tcp:// or ssl:// (e.g. tcp://127.0.0.1:1883)");
    }
    const std::string rest = u.substr(u.find("://") + 3);
    const size_t colon = rest.rfind(':');
    if (rest.empty() || colon == std::string::npos || colon == 0 || colon + 1 == rest.size() ||
        rest.find_first_not_of("0123456789", colon + 1) != std::string::npos) {
      return r.Invalid("uri", "'" + u + "' needs a host and a port (e.g. tcp://127.0.0.1:1883)");
    }
    EDGE_CHECK(r.String("ca_file", &c->mqtt.ca_file));
    EDGE_CHECK(r.String("cert_file", &c->mqtt.cert_file));
    EDGE_CHECK(r.String("key_file", &c->mqtt.key_file));
    if (c->mqtt.cert_file.empty() != c->mqtt.key_file.empty()) {
      return r.Invalid(c->mqtt.cert_file.empty() ? "key_file" : "cert_file",
                       "cert_file and key_file go together (the store's client certificate and its key)");
    }
    if (!tls && (!c->mqtt.ca_file.empty() || !c->mqtt.cert_file.empty())) {
      return r.Invalid(c->mqtt.ca_file.empty() ? "cert_file" : "ca_file",
                       "TLS files are set but uri '" + u + "' is not ssl://");
    }
    for (const char* k : {"ca_file", "cert_file", "key_file"}) {
      std::string path;
      (void)r.String(k, &path);
      if (!path.empty() && !std::ifstream(path).good()) {
        return r.Invalid(k, "cannot read '" + path + "'");
      }
    }
    EDGE_CHECK(r.String("username", &c->mqtt.username));
    EDGE_CHECK(r.String("password", &c->mqtt.password));
    EDGE_CHECK(r.Int("keepalive_s", &c->mqtt.keepalive_s, 5, 3600, "seconds"));
    EDGE_CHECK(r.Int("connect_timeout_s", &c->mqtt.connect_timeout_s, 1, 300, "seconds"));
    EDGE_CHECK(r.Int("reconnect_min_ms", &c->mqtt.reconnect_min_ms, 10, 600000, "milliseconds"));
    EDGE_CHECK(r.Int("reconnect_max_ms", &c->mqtt.reconnect_max_ms, 10, 3600000, "milliseconds"));
    if (c->mqtt.reconnect_max_ms < c->mqtt.reconnect_min_ms) {
      return r.Invalid("reconnect_max_ms", "must not be below reconnect_min_ms (" +
                                               std::to_string(c->mqtt.reconnect_min_ms) + ")");
    }
  }
  if (const auto* v = section("http")) {
    EDGE_CHECK(table_or_error("http", v));
    Reader r(file, "http", *v);
    EDGE_CHECK(r.OnlyKeys({"listen", "max_body_bytes", "request_timeout_s", "idle_timeout_s", "web_root"}));
    EDGE_CHECK(r.String("listen", &c->http.listen));
    std::string h;
    uint16_t p;
    if (Status s = kiosk::ParseListen(c->http.listen, &h, &p); !s.ok())
      return r.Invalid("listen", s.message());
    EDGE_CHECK(r.Int("max_body_bytes", &c->http.max_body_bytes, 1024, 64 << 20, "bytes"));
    EDGE_CHECK(r.Int("request_timeout_s", &c->http.request_timeout_s, 1, 3600, "seconds"));
    EDGE_CHECK(r.Int("idle_timeout_s", &c->http.idle_timeout_s, 1, 3600, "seconds"));
    EDGE_CHECK(r.String("web_root", &c->http.web_root));
    if (!c->http.web_root.empty()) {
      std::error_code ec;
      if (!std::filesystem::is_directory(c->http.web_root, ec)) {
        return r.Invalid("web_root", "'" + c->http.web_root +
                                         "' is not a directory (leave it \"\" for the "
                                         "installed pages)");
      }
    }
  }
  if (const auto* v = section("sync")) {
    EDGE_CHECK(table_or_error("sync", v));
    Reader r(file, "sync", *v);
    EDGE_CHECK(
        r.OnlyKeys({"gap_timeout_s", "event_retention_days", "available_interval_s", "publish_window"}));
    EDGE_CHECK(r.Int("gap_timeout_s", &c->sync.gap_timeout_s, 1, 3600, "seconds"));
    EDGE_CHECK(r.Int("event_retention_days", &c->sync.event_retention_days, 1, 365, "days"));
    EDGE_CHECK(r.Int("available_interval_s", &c->sync.available_interval_s, 0, 3600, "seconds"));
    EDGE_CHECK(r.Int("publish_window", &c->sync.publish_window, 1, 1000, "messages"));
  }
  if (const auto* v = section("policy")) {
    EDGE_CHECK(table_or_error("policy", v));
    Reader r(file, "policy", *v);
    EDGE_CHECK(r.OnlyKeys({"partial_accept", "max_open_orders", "pickup_hold_days", "pickup_escalate_min",
                           "pickup_reminder_h", "curbside_bays", "kiosk_lookups_per_kiosk_per_min",
                           "kiosk_lookups_per_ref_per_min"}));
    EDGE_CHECK(r.Bool("partial_accept", &c->policy.partial_accept));
    EDGE_CHECK(r.Int("max_open_orders", &c->policy.max_open_orders, 1, 1000000, "orders"));
    EDGE_CHECK(r.Int("pickup_hold_days", &c->policy.pickup_hold_days, 1, 90, "days"));
    EDGE_CHECK(r.Int("pickup_escalate_min", &c->policy.pickup_escalate_min, 1, 120, "minutes"));
    EDGE_CHECK(r.Int("pickup_reminder_h", &c->policy.pickup_reminder_h, 0, 240, "hours"));
    EDGE_CHECK(r.Int("curbside_bays", &c->policy.curbside_bays, 0, 99, "bays"));
    EDGE_CHECK(r.Int("kiosk_lookups_per_kiosk_per_min", &c->policy.kiosk_lookups_per_kiosk_per_min, 1,
                     1000000, "lookups a minute"));
    EDGE_CHECK(r.Int("kiosk_lookups_per_ref_per_min", &c->policy.kiosk_lookups_per_ref_per_min, 1, 1000000,
                     "lookups a minute"));
  }
  if (const auto* v = section("sqlite")) {
    EDGE_CHECK(table_or_error("sqlite", v));
    Reader r(file, "sqlite", *v);
    EDGE_CHECK(r.OnlyKeys({"synchronous", "busy_timeout_ms"}));
    EDGE_CHECK(r.String("synchronous", &c->sqlite.synchronous));
    if (c->sqlite.synchronous != "FULL" && c->sqlite.synchronous != "NORMAL") {
      return r.Invalid("synchronous", "'" + c->sqlite.synchronous + "' is neither \"FULL\" nor \"NORMAL\"");
    }
    EDGE_CHECK(r.Int("busy_timeout_ms", &c->sqlite.busy_timeout_ms, 0, 600000, "milliseconds"));
  }
  if (const auto* v = section("log")) {
    EDGE_CHECK(table_or_error("log", v));
    Reader r(file, "log", *v);
    EDGE_CHECK(r.OnlyKeys({"level"}));
    EDGE_CHECK(r.String("level", &c->log.level));
    log::Level lvl;
    if (!log::ParseLevel(c->log.level, &lvl)) {
      return r.Invalid("level", "'" + c->log.level + "' is not one of debug, info, warn, error");
    }
  }
  if (const auto* v = section("daemon")) {
    EDGE_CHECK(table_or_error("daemon", v));
    Reader r(file, "daemon", *v);
    EDGE_CHECK(r.OnlyKeys({"shutdown_timeout_s"}));
    EDGE_CHECK(r.Int("shutdown_timeout_s", &c->daemon.shutdown_timeout_s, 1, 600, "seconds"));
  }
  if (const auto* v = section("station")) {
    if (!v->is_array()) {
      return Status::InvalidArgument(file + ": station: expected [[station]] tables, got " + TypeName(*v));
    }
    std::set<std::string> names;
    for (size_t i = 0; i < v->as_array().size(); ++i) {
      StationConfig s;
      EDGE_CHECK(ReadStation(file, i, v->as_array()[i], &s));
      if (!names.insert(s.name).second) {
        return Status::InvalidArgument(file + ": [[station]] #" + std::to_string(i + 1) + ": name '" +
                                       s.name + "' is used by an earlier station");
      }
      c->stations.push_back(std::move(s));
    }
  }
  if (const auto* v = section("box")) {
    if (!v->is_array()) {
      return Status::InvalidArgument(file + ": box: expected [[box]] tables, got " + TypeName(*v));
    }
    std::set<std::string> names;
    for (size_t i = 0; i < v->as_array().size(); ++i) {
      BoxConfig b;
      EDGE_CHECK(ReadBox(file, i, v->as_array()[i], &b));
      if (!names.insert(b.name).second) {
        return Status::InvalidArgument(file + ": [[box]] #" + std::to_string(i + 1) + ": name '" + b.name +
                                       "' is used by an earlier box");
      }
      c->boxes.push_back(std::move(b));
    }
  }
  // The OMS may still ask for (and so may not yet know) events as old as
  // event_retention_days; a snapshot cut on that knowledge re-applies their
  // ledger rows, which must not be folded yet.
  if (c->store.ledger_retention_days != 0 && c->store.ledger_retention_days < c->sync.event_retention_days) {
    const std::string what =
        std::to_string(c->store.ledger_retention_days) + " is shorter than [sync] event_retention_days (" +
        std::to_string(c->sync.event_retention_days) +
        "): the OMS may still ask for events that old, and a snapshot cut before it heard "
        "them needs their ledger rows (0 keeps every row)";
    if (const auto* v = section("store"); v && v->as_table().count("ledger_retention_days")) {
      return Reader(file, "store", *v).Invalid("ledger_retention_days", what);
    }
    return Status::InvalidArgument(file + ": [store] ledger_retention_days: the default " + what);
  }
  return Status::Ok();
}

std::string FirstLine(const std::string& s) {
  std::string line = s.substr(0, s.find('\n'));
  // toml11 writes "[error] toml::parse_xxx: what"; keep "what".
  if (line.rfind("[error] ", 0) == 0) line = line.substr(8);
  if (line.rfind("toml::", 0) == 0) {
    const size_t c = line.find(": ");
    if (c != std::string::npos) line = line.substr(c + 2);
  }
  return line;
}

}  // namespace

Result<Config> ParseConfig(const std::string& text, const std::string& name) {
  toml::value root;
  try {
    std::istringstream in(text);
    root = toml::parse(in, name);
  } catch (const toml::syntax_error& e) {
    const auto line = e.location().line();
    return Status::InvalidArgument(name + (line ? ":" + std::to_string(line) : "") +
                                   ": TOML syntax error: " + FirstLine(e.what()));
  } catch (const std::exception& e) {
    return Status::InvalidArgument(name + ": cannot parse: " + FirstLine(e.what()));
  }
  Config c;
  EDGE_RETURN_IF_ERROR(ReadConfig(name, root, &c));
  return c;
}

Result<Config> LoadConfig(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::InvalidArgument(path + ": cannot read the config file: " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return Status::InvalidArgument(path + ": cannot read the config file");
  return ParseConfig(text.str(), path);
}

const std::vector<std::string>& ConfigKeys() {
  static const std::vector<std::string> k = {"store.id",
                                             "store.data_dir",
                                             "store.ledger_retention_days",
                                             "mqtt.uri",
                                             "mqtt.ca_file",
                                             "mqtt.cert_file",
                                             "mqtt.key_file",
                                             "mqtt.username",
                                             "mqtt.password",
                                             "mqtt.keepalive_s",
                                             "mqtt.connect_timeout_s",
                                             "mqtt.reconnect_min_ms",
                                             "mqtt.reconnect_max_ms",
                                             "http.listen",
                                             "http.max_body_bytes",
                                             "http.request_timeout_s",
                                             "http.idle_timeout_s",
                                             "http.web_root",
                                             "sync.gap_timeout_s",
                                             "sync.event_retention_days",
                                             "sync.available_interval_s",
                                             "sync.publish_window",
                                             "policy.partial_accept",
                                             "policy.max_open_orders",
                                             "policy.pickup_hold_days",
                                             "policy.pickup_escalate_min",
                                             "policy.pickup_reminder_h",
                                             "policy.curbside_bays",
                                             "policy.kiosk_lookups_per_kiosk_per_min",
                                             "policy.kiosk_lookups_per_ref_per_min",
                                             "sqlite.synchronous",
                                             "sqlite.busy_timeout_ms",
                                             "log.level",
                                             "daemon.shutdown_timeout_s",
                                             "station.name",
                                             "station.printer_queue",
                                             "station.printer_format",
                                             "station.scanner_usb_id",
                                             "station.scanner_serial",
                                             "station.scanner_port",
                                             "box.name",
                                             "box.length_mm",
                                             "box.width_mm",
                                             "box.height_mm"};
  return k;
}

std::vector<std::string> RestartOnlyChanges(const Config& a, const Config& b) {
  std::vector<std::string> out;
  if (a.store.id != b.store.id) out.push_back("store.id");
  if (a.store.data_dir != b.store.data_dir) out.push_back("store.data_dir");
  if (!(a.mqtt == b.mqtt)) out.push_back("mqtt");
  if (!(a.http == b.http)) out.push_back("http");
  if (!(a.sqlite == b.sqlite)) out.push_back("sqlite");
  if (!(a.daemon == b.daemon)) out.push_back("daemon");
  if (a.stations != b.stations) out.push_back("station");
  if (a.boxes != b.boxes) out.push_back("box");
  return out;
}

}  // namespace edge::app
