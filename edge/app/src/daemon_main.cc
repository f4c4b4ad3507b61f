#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>

#include "edge/app/cli.h"
#include "edge/app/daemon.h"

namespace edge::app {

namespace {

constexpr const char* kUsage =
    "Usage: storeedged [--config PATH] [--check-config] [--version] [--help]\n"
    "\n"
    "Runs a store as a fulfilment node of the central OMS: local inventory,\n"
    "routed orders, picking, packing, pickup and the curbside kiosk.\n"
    "\n"
    "  --config PATH    read the TOML config at PATH (default: embedded defaults:\n"
    "                   store DEMO, data in ./var, HTTP on 127.0.0.1:8080,\n"
    "                   MQTT at tcp://127.0.0.1:1883)\n"
    "  --check-config   validate the config and exit (0 valid, 2 invalid)\n"
    "  --version        print the version and the libraries in use\n"
    "  --help           print this help\n"
    "\n"
    "Signals: SIGTERM/SIGINT stop gracefully; SIGHUP re-reads the config.\n"
    "Exit codes: 0 ok, 1 failure while running, 2 bad command line or config,\n"
    "3 data dir or database unusable, 4 cannot listen on the HTTP address.\n";

int Fail(int code, const std::string& message) {
  std::fprintf(stderr, "storeedged: %s\n", message.c_str());
  return code;
}

}  // namespace

int DaemonMain(int argc, char** argv) {
  std::string config_path;
  bool check = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      std::fputs(kUsage, stdout);
      return kExitOk;
    } else if (a == "--version") {
      std::printf("%s\n", VersionText().c_str());
      return kExitOk;
    } else if (a == "--check-config") {
      check = true;
    } else if (a == "--config" || a == "-c") {
      if (i + 1 >= argc) return Fail(kExitUsage, "--config needs a file path (see --help)");
      config_path = argv[++i];
    } else if (a.rfind("--config=", 0) == 0) {
      config_path = a.substr(9);
    } else {
      return Fail(kExitUsage, "unknown argument '" + a + "' (see --help)");
    }
  }
  Config config;
  if (!config_path.empty()) {
    auto loaded = LoadConfig(config_path);
    if (!loaded.ok()) return Fail(kExitUsage, "invalid config: " + loaded.status().message());
    config = std::move(loaded).value();
  }
  if (check) {
    std::printf("config OK: %s (store %s, data dir %s, http %s, mqtt %s, %zu station(s))\n",
                config_path.empty() ? "(embedded defaults)" : config_path.c_str(), config.store.id.c_str(),
                config.store.data_dir.c_str(), config.http.listen.c_str(), config.mqtt.uri.c_str(),
                config.stations.size());
    return kExitOk;
  }
  StartupError error;
  auto daemon = Daemon::Create(std::move(config), config_path, &error);
  if (!daemon) return Fail(error.exit_code, error.message);
  return daemon->Run();
}

}  // namespace edge::app
