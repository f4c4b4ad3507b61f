// Config: the daemon's configuration, read from a TOML file (or the embedded
// defaults when no file is given), validated as a whole before use.
//
// Every option has a default and is documented, with its unit and trade-off,
// in packaging/storeedge.toml (a test checks that file against this one).
// Values; built on the main thread, then owned by the daemon's io_context
// thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "edge/core/status.h"

namespace edge::app {

// Which USB scanner belongs to a station. Every rule given must match; a
// station without rules has no USB scanner (keyboard-wedge handhelds only).
struct ScannerMatch {
  std::optional<uint16_t> vendor_id;  // from usb_id = "05e0:1200"
  std::optional<uint16_t> product_id;
  std::string serial;     // iSerialNumber; "" = any
  std::string port_path;  // e.g. "1-1.4" (bus-port.port); "" = any
  bool operator==(const ScannerMatch&) const = default;
};

struct StationConfig {
  std::string name;                    // [A-Za-z0-9_-]{1,32}
  std::string printer_queue;           // CUPS queue; "" = no printer at this station
  std::string printer_format = "pdf";  // "zpl" (thermal) or "pdf"
  ScannerMatch scanner;
  bool operator==(const StationConfig&) const = default;
};

// A box type the packing stations offer ([[box]]): name and inner dimensions.
struct BoxConfig {
  std::string name;  // [A-Za-z0-9_-]{1,32}
  int length_mm = 0;
  int width_mm = 0;
  int height_mm = 0;
  bool operator==(const BoxConfig&) const = default;
};

struct Config {
  struct Store {
    std::string id = "DEMO";
    std::string data_dir = "./var";
    // Ledger rows older than this are folded into one carried-forward row
    // per SKU and location (0 = keep every row).
    int ledger_retention_days = 90;
    bool operator==(const Store&) const = default;
  } store;

  struct Mqtt {
    std::string uri = "tcp://127.0.0.1:1883";
    std::string ca_file;
    std::string cert_file;
    std::string key_file;
    std::string username;
    std::string password;
    int keepalive_s = 30;
    int connect_timeout_s = 10;
    int reconnect_min_ms = 500;
    int reconnect_max_ms = 30000;
    bool operator==(const Mqtt&) const = default;
  } mqtt;

  struct Http {
    std::string listen = "127.0.0.1:8080";
    int64_t max_body_bytes = 1 << 20;
    int request_timeout_s = 30;
    int idle_timeout_s = 60;
    // The web pages' directory (app/ for associates, kiosk/ later); "" finds
    // the installed assets (see ResolveWebRoot in web_routes.h).
    std::string web_root;
    bool operator==(const Http&) const = default;
    // Parsed from listen.
    std::string host() const;
    uint16_t port() const;
  } http;

  struct Sync {
    int gap_timeout_s = 5;
    int event_retention_days = 7;
    int available_interval_s = 2;
    int publish_window = 64;  // events sent and not yet acknowledged, at most
    bool operator==(const Sync&) const = default;
  } sync;

  struct Policy {
    bool partial_accept = true;
    int max_open_orders = 500;
    int pickup_hold_days = 7;
    int pickup_escalate_min = 3;
    int pickup_reminder_h = 24;
    int curbside_bays = 8;
    int kiosk_lookups_per_kiosk_per_min = 20;
    int kiosk_lookups_per_ref_per_min = 6;
    bool operator==(const Policy&) const = default;
  } policy;

  struct Sqlite {
    std::string synchronous = "FULL";  // FULL or NORMAL
    int busy_timeout_ms = 5000;
    bool operator==(const Sqlite&) const = default;
  } sqlite;

  struct Log {
    std::string level = "info";
    bool operator==(const Log&) const = default;
  } log;

  struct Daemon {
    int shutdown_timeout_s = 10;
    bool operator==(const Daemon&) const = default;
  } daemon;

  std::vector<StationConfig> stations;
  // Empty: the built-in catalogue (an envelope and cartons S, M, L, XL).
  std::vector<BoxConfig> boxes;

  bool operator==(const Config&) const = default;

  // The database file inside data_dir.
  std::string DatabasePath() const;
};

// Reads and validates the TOML file at `path`. On failure the status message
// names the file, the line when known, the option and what is wrong, e.g.
//   "/etc/storeedge/storeedge.toml:7: [mqtt] keepalive_s: expected an integer, got a string"
core::Result<Config> LoadConfig(const std::string& path);

// The same for TOML text; `name` stands for the file in messages.
core::Result<Config> ParseConfig(const std::string& text, const std::string& name);

// Every "section.key" the file may hold ("station.name" for [[station]]).
const std::vector<std::string>& ConfigKeys();

// The options that differ between `before` and `after` and need a restart to
// take effect ("store.id", "http.listen", …). Reload applies the rest.
std::vector<std::string> RestartOnlyChanges(const Config& before, const Config& after);

}  // namespace edge::app
