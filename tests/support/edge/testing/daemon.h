// DaemonUnderTest: runs the built storeedged on a temp dir and a free port,
// with a notify socket standing in for systemd, and talks to it over HTTP.
// Header-only; for system tests.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "edge/kiosk/http_client.h"
#include "edge/testing/process.h"
#include "edge/testing/temp_dir.h"

namespace edge::testing {

class DaemonUnderTest {
 public:
  // `extra_toml` is appended to a config with [store] and [http] filled in.
  explicit DaemonUnderTest(const TempDir& dir, std::string store_id = "T001", std::string extra_toml = "")
      : dir_(dir), store_id_(std::move(store_id)), port_(FreePort()), extra_(std::move(extra_toml)) {
    WriteConfig();
  }

  // `more` is appended as well; `store_more` goes into [store].
  void WriteConfig(const std::string& more = "", const std::string& store_more = "") {
    WriteFile(config_path(), "[store]\nid = \"" + store_id_ + "\"\ndata_dir = \"" + data_dir() + "\"\n" +
                                 store_more + "[http]\nlisten = \"127.0.0.1:" + std::to_string(port_) +
                                 "\"\n" + extra_ + more);
  }

  std::string config_path() const { return dir_.File("storeedge.toml"); }
  std::string data_dir() const { return dir_.File("var"); }
  std::string db_path() const { return data_dir() + "/storeedge.db"; }
  std::string stderr_path() const { return dir_.File("storeedged.stderr"); }
  uint16_t port() const { return port_; }

  // Starts the daemon; returns true once it said READY=1 (within `timeout`).
  bool Start(std::chrono::milliseconds timeout = std::chrono::seconds(30),
             std::map<std::string, std::string> env = {}) {
    notify_.reset();
    ::unlink(dir_.File("notify.sock").c_str());
    notify_ = std::make_unique<NotifySocket>(dir_.File("notify.sock"));
    Process::Options o;
    o.argv = {STOREEDGED_PATH, "--config", config_path()};
    o.env = std::move(env);
    o.env["NOTIFY_SOCKET"] = notify_->path();
    o.unset_env = {"WATCHDOG_USEC", "WATCHDOG_PID"};
    o.stderr_path = stderr_path();
    o.cwd = dir_.path().string();
    process_ = std::make_unique<Process>(o);
    bool found = false;
    notify_->WaitFor("READY=1", timeout, &found, process_->pidfd());  // or until it exits
    return found;
  }

  Process& process() { return *process_; }
  bool started() const { return process_ != nullptr; }
  NotifySocket& notify() { return *notify_; }

  core::Result<kiosk::ClientResponse> Get(const std::string& target) {
    return kiosk::HttpRequest("127.0.0.1", port_, "GET", target);
  }
  core::Result<kiosk::ClientResponse> Post(const std::string& target, const std::string& body) {
    return kiosk::HttpRequest("127.0.0.1", port_, "POST", target, body);
  }

  std::string Stderr() const { return ReadFile(stderr_path()); }

 private:
  const TempDir& dir_;
  std::string store_id_;
  uint16_t port_;
  std::string extra_;
  std::unique_ptr<NotifySocket> notify_;
  std::unique_ptr<Process> process_;
};

// Runs a program to completion (deadline 60 s) and returns its exit code and
// its stdout and stderr.
struct RunResult {
  int code = -1;
  std::string out;
  std::string err;
};

inline RunResult RunProgram(const TempDir& dir, std::vector<std::string> argv, std::string cwd = "",
                            const std::string& input = "") {
  Process::Options o;
  if (!input.empty()) {
    o.stdin_path = dir.File("run.stdin");
    WriteFile(o.stdin_path, input);
  }
  o.argv = std::move(argv);
  o.stdout_path = dir.File("run.stdout");
  o.stderr_path = dir.File("run.stderr");
  o.cwd = cwd.empty() ? dir.path().string() : cwd;
  o.unset_env = {"NOTIFY_SOCKET", "WATCHDOG_USEC"};
  Process p(o);
  RunResult r;
  auto code = p.Wait(std::chrono::seconds(60));
  r.code = code ? *code : -1;
  r.out = ReadFile(o.stdout_path);
  r.err = ReadFile(o.stderr_path);
  return r;
}

}  // namespace edge::testing
