// Daemon: the running storeedged — config, store, HTTP front, signals and
// systemd notification wired onto one io_context, in the order of
// ../shared/STYLE.md: config → store (migrate) → drivers → sync → web →
// READY=1 → run.
//
// The io_context thread owns all domain state; Run() is that thread. Built by
// Create() on the main thread, which then calls Run().
#pragma once

#include <memory>
#include <string>

#include "edge/app/config.h"
#include "edge/core/status.h"

namespace edge::app {

// Exit codes of storeedged (also in README.md and the man page).
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // a failure while running
inline constexpr int kExitUsage = 2;    // bad command line or invalid config
inline constexpr int kExitStorage = 3;  // data dir or database unusable
inline constexpr int kExitNetwork = 4;  // cannot listen on the HTTP address

struct StartupError {
  int exit_code = kExitFailure;
  std::string message;
};

class Daemon {
 public:
  // Prepares everything up to READY: data dir, store, HTTP listener. On
  // failure returns nullptr and fills `error` with the exit code and a message
  // naming what is wrong.
  static std::unique_ptr<Daemon> Create(Config config, std::string config_path, StartupError* error);
  ~Daemon();

  // Notifies READY=1 and runs until SIGTERM/SIGINT. Returns the exit code.
  int Run();

  struct Impl;

 private:
  explicit Daemon(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Creates the data dir `dir` (and parents) when missing and checks that files
// can be created in it. IoError naming the dir and the reason otherwise.
core::Status PrepareDataDir(const std::string& dir);

// "storeedged 0.1.0 (schema 1; SQLite 3.40.1; …)"
std::string VersionText();

}  // namespace edge::app
