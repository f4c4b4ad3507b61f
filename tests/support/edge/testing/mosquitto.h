// Mosquitto: a real mosquitto broker for one test, on free loopback ports,
// with a generated config and its persistence in the test's temp dir. It can
// be stopped (SIGTERM: mosquitto writes its persistence file on the way out)
// and started again on the same ports, or killed.
//
// The generated config always has `set_tcp_nodelay true` (Nagle otherwise
// adds 20-40 ms stalls to pipelined QoS 1 on loopback), `user root` (started
// as root, mosquitto would drop to the mosquitto user, who cannot write the
// temp dir; as another user the line has no effect), persistence in the temp
// dir, and `listener PORT 127.0.0.1` per listener.
//
// Start() waits until every listener accepts TCP connections, polling
// connect() against a deadline; it throws, with mosquitto's log, when the
// broker does not come up. Header-only; used from the test's main thread.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "edge/testing/process.h"
#include "edge/testing/temp_dir.h"

namespace edge::testing {

inline constexpr const char* kMosquittoPath = "/usr/sbin/mosquitto";

// True when something accepts a TCP connection on 127.0.0.1:port now.
inline bool PortAccepts(uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

class Mosquitto {
 public:
  struct Options {
    // Per listener, the lines that follow its `listener PORT 127.0.0.1`
    // (e.g. cafile/certfile/keyfile). One plain listener by default.
    std::vector<std::string> listeners = {""};
    // Global lines: auth, ACL, limits.
    std::string extra;
    bool allow_anonymous = true;
    // Per-client queue for offline persistent sessions; 0 keeps mosquitto's
    // default (1000), beyond which it silently drops.
    int max_queued_messages = 0;
    bool persistence = true;
    // When set, the whole config instead of the generated one, with
    // "{port0}", "{port1}", … replaced by free ports and "{dir}" by this
    // broker's directory (its persistence and log go there). `listeners`
    // then only says how many ports to pick.
    std::string config_template;
  };

  explicit Mosquitto(const TempDir& dir) : Mosquitto(dir, Options{}) {}
  Mosquitto(const TempDir& dir, Options options) : options_(std::move(options)) {
    static int instance = 0;
    root_ = dir.path() / ("mosquitto-" + std::to_string(++instance));
    std::filesystem::create_directories(root_ / "data");
    for (size_t i = 0; i < options_.listeners.size(); ++i) ports_.push_back(FreePort());
    WriteConfig();
    Start();
  }
  ~Mosquitto() {
    try {
      Stop();
    } catch (...) {
    }
  }
  Mosquitto(const Mosquitto&) = delete;
  Mosquitto& operator=(const Mosquitto&) = delete;

  uint16_t port(size_t listener = 0) const { return ports_.at(listener); }
  std::string uri(size_t listener = 0) const { return "tcp://127.0.0.1:" + std::to_string(port(listener)); }
  std::string ssl_uri(size_t listener = 0, const std::string& host = "127.0.0.1") const {
    return "ssl://" + host + ":" + std::to_string(port(listener));
  }
  std::string config_path() const { return (root_ / "mosquitto.conf").string(); }
  std::string Log() const { return ReadFile((root_ / "mosquitto.log").string()); }
  bool running() const { return process_ != nullptr; }

  // Starts mosquitto and waits until every listener accepts connections.
  void Start(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    if (process_) return;
    Process::Options o;
    o.argv = {kMosquittoPath, "-c", config_path()};
    o.stdout_path = (root_ / "stdout").string();
    o.stderr_path = (root_ / "stderr").string();
    o.cwd = root_.string();
    process_ = std::make_unique<Process>(o);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (uint16_t p : ports_) {
      while (!PortAccepts(p)) {
        // Waiting on the process doubles as the pause between attempts and
        // notices a broker that exited (a bad config) at once.
        if (auto code = process_->Wait(std::chrono::milliseconds(10))) {
          process_.reset();
          throw std::runtime_error("mosquitto exited with " + std::to_string(*code) + " at start; stderr: " +
                                   ReadFile((root_ / "stderr").string()) + " log: " + Log());
        }
        if (std::chrono::steady_clock::now() > deadline) {
          process_.reset();
          throw std::runtime_error("mosquitto did not accept on port " + std::to_string(p) +
                                   " in time; log: " + Log());
        }
      }
    }
  }

  // SIGTERM and wait for the exit: mosquitto saves its persistence file on
  // the way out. Returns its exit code (or -1 when it had to be killed).
  int Stop(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    if (!process_) return 0;
    process_->Signal(SIGTERM);
    auto code = process_->Wait(timeout);
    process_.reset();  // SIGKILLs and reaps it if still running
    return code ? *code : -1;
  }

  // SIGKILL: no persistence written since the last autosave.
  void Kill() {
    if (!process_) return;
    process_->Signal(SIGKILL);
    (void)process_->Wait(std::chrono::seconds(10));
    process_.reset();
  }

 private:
  void WriteConfig() {
    if (!options_.config_template.empty()) {
      std::string c = options_.config_template;
      auto replace_all = [&c](const std::string& from, const std::string& to) {
        for (size_t at = c.find(from); at != std::string::npos; at = c.find(from, at + to.size())) {
          c.replace(at, from.size(), to);
        }
      };
      for (size_t i = 0; i < ports_.size(); ++i)
        replace_all("{port" + std::to_string(i) + "}", std::to_string(ports_[i]));
      replace_all("{dir}", root_.string());
      WriteFile(config_path(), c);
      return;
    }
    std::string c = "# generated by edge::testing::Mosquitto\n";
    c += "user root\n";
    c += std::string("persistence ") + (options_.persistence ? "true" : "false") + "\n";
    c += "persistence_location " + (root_ / "data").string() + "/\n";
    c += "log_dest file " + (root_ / "mosquitto.log").string() + "\n";
    c += "log_type error\nlog_type warning\nlog_type notice\nlog_type information\n";
    c += "connection_messages true\n";
    c += "set_tcp_nodelay true\n";
    c += std::string("allow_anonymous ") + (options_.allow_anonymous ? "true" : "false") + "\n";
    if (options_.max_queued_messages > 0) {
      c += "max_queued_messages " + std::to_string(options_.max_queued_messages) + "\n";
    }
    c += options_.extra + "\n";
    for (size_t i = 0; i < ports_.size(); ++i) {
      c += "listener " + std::to_string(ports_[i]) + " 127.0.0.1\n" + options_.listeners[i] + "\n";
    }
    WriteFile(config_path(), c);
  }

  Options options_;
  std::filesystem::path root_;
  std::vector<uint16_t> ports_;
  std::unique_ptr<Process> process_;
};

}  // namespace edge::testing
