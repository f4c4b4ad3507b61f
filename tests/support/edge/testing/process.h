// Test helpers for running a real program: spawn with arguments, environment
// and working directory, capture its output in files, wait for its exit with a
// deadline (pidfd + poll: no sleeping), and receive sd_notify datagrams.
// Linux only; header-only.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace edge::testing {

// A free TCP port on 127.0.0.1 for a server a test starts later, from
// below the kernel's ephemeral range (ip_local_port_range). A port the OS
// hands out for bind(0) comes from that range, and so does the local port of
// every outgoing connection: between this call and the server's own bind,
// any client (a daemon reaching its broker, a test's HTTP request) could
// take it, and the server would fail with "Address already in use".
inline uint16_t FreePort() {
  int ephemeral_low = 32768;
  if (FILE* f = std::fopen("/proc/sys/net/ipv4/ip_local_port_range", "r")) {
    if (std::fscanf(f, "%d", &ephemeral_low) != 1) ephemeral_low = 32768;
    std::fclose(f);
  }
  constexpr int kLow = 10000;
  boost::asio::io_context io;
  if (ephemeral_low > kLow + 100) {
    // Tests run in parallel processes: each starts at its own random place,
    // and hands out the ports after it in turn, so that ports taken by one
    // test process but not yet bound are not handed out twice.
    const int span = ephemeral_low - kLow;
    static int next = static_cast<int>(std::random_device{}() % static_cast<unsigned>(span));
    for (int i = 0; i < span; ++i) {
      const auto port = static_cast<uint16_t>(kLow + next++ % span);
      boost::asio::ip::tcp::acceptor a(io);
      boost::system::error_code ec;
      a.open(boost::asio::ip::tcp::v4(), ec);
      if (!ec) a.bind({boost::asio::ip::make_address("127.0.0.1"), port}, ec);
      if (!ec) return port;
    }
  }
  boost::asio::ip::tcp::acceptor a(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  return a.local_endpoint().port();
}

// Waits up to `timeout` for one readable event on fd. Returns false on timeout.
// A timeout of 0 looks once without waiting.
inline bool WaitReadable(int fd, std::chrono::milliseconds timeout) {
  pollfd p{fd, POLLIN, 0};
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    const int r = ::poll(&p, 1, static_cast<int>(std::max<int64_t>(left.count(), 0)));
    if (r > 0) return true;
    if (r == 0) return false;
    if (errno != EINTR) return false;
  }
}

class Process {
 public:
  struct Options {
    std::vector<std::string> argv;
    std::map<std::string, std::string> env;  // added to (or replacing in) the parent's environment
    std::vector<std::string> unset_env;
    std::string cwd;
    std::string stdin_path = "/dev/null";
    std::string stdout_path = "/dev/null";
    std::string stderr_path = "/dev/null";
  };

  explicit Process(const Options& o) {
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      if (!o.cwd.empty() && ::chdir(o.cwd.c_str()) != 0) ::_exit(126);
      const int out = ::open(o.stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      const int err = ::open(o.stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      const int in = ::open(o.stdin_path.c_str(), O_RDONLY);
      if (out < 0 || err < 0 || in < 0) ::_exit(126);
      ::dup2(in, 0);
      ::dup2(out, 1);
      ::dup2(err, 2);
      for (const auto& k : o.unset_env) ::unsetenv(k.c_str());
      for (const auto& [k, v] : o.env) ::setenv(k.c_str(), v.c_str(), 1);
      std::vector<char*> args;
      for (const auto& a : o.argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      ::execv(args[0], args.data());
      ::_exit(127);
    }
    pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
  }
  ~Process() {
    if (!exited_ && pid_ > 0) {
      ::kill(pid_, SIGKILL);
      (void)Wait(std::chrono::seconds(10));
    }
    if (pidfd_ >= 0) ::close(pidfd_);
  }
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const { return pid_; }
  // Readable once the process has ended (-1 when the kernel has no pidfd).
  int pidfd() const { return pidfd_; }
  void Signal(int signo) { ::kill(pid_, signo); }

  // The exit code (or 128 + signal) once the process ends within `timeout`;
  // nullopt while it still runs.
  std::optional<int> Wait(std::chrono::milliseconds timeout) {
    if (exited_) return status_;
    if (pidfd_ >= 0 && !WaitReadable(pidfd_, timeout)) return std::nullopt;
    int st = 0;
    if (::waitpid(pid_, &st, pidfd_ >= 0 ? 0 : 0) != pid_) return std::nullopt;
    exited_ = true;
    status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    return status_;
  }

 private:
  pid_t pid_ = -1;
  int pidfd_ = -1;
  bool exited_ = false;
  int status_ = -1;
};

// A datagram socket standing in for systemd's $NOTIFY_SOCKET.
class NotifySocket {
 public:
  explicit NotifySocket(const std::string& path) : path_(path) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      throw std::runtime_error("bind notify socket " + path);
    }
  }
  ~NotifySocket() { ::close(fd_); }
  const std::string& path() const { return path_; }

  // Next datagram, or nullopt after `timeout`.
  std::optional<std::string> Receive(std::chrono::milliseconds timeout) {
    if (!WaitReadable(fd_, timeout)) return std::nullopt;
    char buf[4096];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n < 0) return std::nullopt;
    return std::string(buf, static_cast<size_t>(n));
  }

  // Receives until a datagram contains `needle`; returns all seen, in order,
  // with `found` set. Gives up at the deadline, or once `ended` (a sender's
  // pidfd, -1 for none) is readable and no datagram is left: a sender that
  // exited says nothing more.
  std::vector<std::string> WaitFor(const std::string& needle, std::chrono::milliseconds timeout, bool* found,
                                   int ended = -1) {
    std::vector<std::string> seen;
    *found = false;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (ended >= 0) {
        pollfd p[2] = {{fd_, POLLIN, 0}, {ended, POLLIN, 0}};
        const int r = ::poll(p, 2, static_cast<int>(std::max<int64_t>(left.count(), 0)));
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        if (!(p[0].revents & POLLIN)) break;  // the sender ended with nothing left to read
        left = std::chrono::milliseconds(0);
      }
      auto m = Receive(left);
      if (!m) break;
      seen.push_back(*m);
      if (m->find(needle) != std::string::npos) {
        *found = true;
        break;
      }
    }
    return seen;
  }

 private:
  std::string path_;
  int fd_ = -1;
};

}  // namespace edge::testing
