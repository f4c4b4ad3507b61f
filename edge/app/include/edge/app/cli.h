// Entry points of the two programs, kept out of main() so tests can drive
// them: storeedged's command line and storeedgectl's.
#pragma once

#include <string>
#include <vector>

namespace edge::app {

// storeedged [--config PATH] [--check-config] [--version] [--help]
int DaemonMain(int argc, char** argv);

// storeedgectl [--config PATH | --url http://HOST:PORT] COMMAND …
int CtlMain(int argc, char** argv);

struct Config;
// storeedgectl user … / kiosk …: args[0] is "user" or "kiosk". Works on the
// database named by `config` directly. Returns the exit code.
int CtlUserCommand(const Config& config, const std::vector<std::string>& args);

// storeedgectl inventory show|search|adjust|import …: args[0] is "inventory".
// Works on the database named by `config` directly, through
// InventoryService; an import shows progress when stderr is a terminal.
// Returns the exit code (0 ok, 1 error, 2 bad usage, 3 database unusable).
int CtlInventoryCommand(const Config& config, const std::vector<std::string>& args);

}  // namespace edge::app
