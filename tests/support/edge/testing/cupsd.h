// Cupsd: a real CUPS scheduler for one test, on a free loopback port, with
// every directory it writes in the test's temp dir — as CUPS' own test
// scripts (test/run-stp-tests.sh) run it — and the savejob test backend
// (tests/data/cups/backend/savejob) as its only backend.
//
// The generated configuration:
//  - cups-files.conf: ServerRoot, StateDir, CacheDir, RequestRoot, TempDir
//    and the logs in the temp dir; ServerBin is a temp dir whose entries
//    link to /usr/lib/cups/* except backend/, which holds only savejob,
//    installed with mode 0700 (CUPS runs such a backend as root when cupsd
//    runs as root, so it can write the temp dir; as another user cupsd runs
//    everything as that user). FileDevice Yes.
//  - cupsd.conf: Listen 127.0.0.1:<port>, no browsing, no web interface, no
//    authentication or encryption; the default policy's private job values
//    (job names are visible to their owner only, as on a real system);
//    PreserveJobHistory Yes; JobRetryInterval 1 s so a held job is retried
//    quickly; `extra` appended.
//
// Queues are ppd-less raw queues (lpadmin -p Q -E -v savejob:<dir>; `-m raw`
// also works in CUPS 2.4 but warns that raw queues are deprecated). Each
// queue saves its jobs in its own directory; a control file there makes the
// backend fail (see the script). Pause/Resume/Reject/Accept drive the queue
// with cupsdisable/cupsenable/cupsreject/cupsaccept.
//
// Start() polls connect() against a deadline until cupsd accepts; it throws
// with cupsd's error log when cupsd does not come up. Stop() (SIGTERM; cupsd
// saves its jobs) and Start() again keep the port and the state, so a test
// can take CUPS down and bring it back. Header-only; main test thread.
#pragma once

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "edge/testing/mosquitto.h"  // PortAccepts
#include "edge/testing/process.h"
#include "edge/testing/temp_dir.h"

namespace edge::testing {

inline constexpr const char* kCupsdPath = "/usr/sbin/cupsd";
inline constexpr const char* kCupsServerBin = "/usr/lib/cups";

// A job the savejob backend saved: CUPS' job id, its name, its bytes.
struct SavedJob {
  int cups_id = 0;
  std::string title;
  std::string data;
};

class Cupsd {
 public:
  struct Options {
    // The savejob script; by default the repository's.
    std::string backend =
#ifdef STOREEDGE_SOURCE_DIR
        STOREEDGE_SOURCE_DIR "/tests/data/cups/backend/savejob";
#else
        "";
#endif
    std::string extra;  // more cupsd.conf lines
  };

  explicit Cupsd(const TempDir& dir) : Cupsd(dir, Options{}) {}
  Cupsd(const TempDir& dir, Options options) : options_(std::move(options)), port_(FreePort()) {
    static int instance = 0;
    root_ = dir.path() / ("cups-" + std::to_string(++instance));
    namespace fs = std::filesystem;
    for (const char* d : {"state", "cache", "spool/temp", "log", "out", "bin/backend"}) {
      fs::create_directories(root_ / d);
    }
    // cupsd refuses a RequestRoot or ServerBin that others may write.
    fs::permissions(root_, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                               fs::perms::others_read | fs::perms::others_exec);
    for (const auto& entry : fs::directory_iterator(kCupsServerBin)) {
      if (entry.path().filename() == "backend") continue;
      fs::create_symlink(entry.path(), root_ / "bin" / entry.path().filename());
    }
    if (options_.backend.empty() || !fs::exists(options_.backend)) {
      throw std::runtime_error("cupsd helper: test backend '" + options_.backend + "' not found");
    }
    const auto backend = root_ / "bin/backend/savejob";
    fs::copy_file(options_.backend, backend, fs::copy_options::overwrite_existing);
    ::chmod(backend.c_str(), 0700);
    WriteConfig();
    Start();
  }
  ~Cupsd() {
    try {
      Stop();
    } catch (...) {
    }
  }
  Cupsd(const Cupsd&) = delete;
  Cupsd& operator=(const Cupsd&) = delete;

  uint16_t port() const { return port_; }
  // For cupsSetServer / CUPS_SERVER / PrintServiceOptions::cups_server.
  std::string server() const { return "127.0.0.1:" + std::to_string(port_); }
  std::string Log() const { return ReadFile((root_ / "log/error_log").string()); }
  bool running() const { return process_ != nullptr; }
  const std::filesystem::path& root() const { return root_; }

  void Start(std::chrono::milliseconds timeout = std::chrono::seconds(15)) {
    if (process_) return;
    Process::Options o;
    o.argv = {
        kCupsdPath, "-f", "-c", (root_ / "cupsd.conf").string(), "-s", (root_ / "cups-files.conf").string()};
    o.stdout_path = (root_ / "log/stdout").string();
    o.stderr_path = (root_ / "log/stderr").string();
    o.cwd = root_.string();
    o.unset_env = {"CUPS_SERVER", "NOTIFY_SOCKET"};
    process_ = std::make_unique<Process>(o);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!PortAccepts(port_)) {
      // Waiting on the process is the pause between attempts and notices a
      // cupsd that exited (bad config) at once.
      if (auto code = process_->Wait(std::chrono::milliseconds(10))) {
        process_.reset();
        throw std::runtime_error("cupsd exited with " + std::to_string(*code) + " at start; stderr: " +
                                 ReadFile((root_ / "log/stderr").string()) + " log: " + Log());
      }
      if (std::chrono::steady_clock::now() > deadline) {
        process_.reset();
        throw std::runtime_error("cupsd did not accept on port " + std::to_string(port_) +
                                 " in time; log: " + Log());
      }
    }
  }

  // SIGTERM and wait: cupsd writes its job files on the way out.
  int Stop(std::chrono::milliseconds timeout = std::chrono::seconds(15)) {
    if (!process_) return 0;
    process_->Signal(SIGTERM);
    auto code = process_->Wait(timeout);
    process_.reset();
    return code ? *code : -1;
  }

  // The directory where `queue`'s jobs are saved.
  std::string OutDir(const std::string& queue) const { return (root_ / "out" / queue).string(); }

  // Adds an enabled raw queue printing to savejob:<OutDir(queue)>. `args`
  // are more lpadmin arguments, e.g. {"-o", "printer-error-policy=abort-job"}.
  void AddQueue(const std::string& queue, std::vector<std::string> args = {}) {
    std::filesystem::create_directories(OutDir(queue));
    std::vector<std::string> argv = {"/usr/sbin/lpadmin",       "-h", server(), "-p", queue, "-E", "-v",
                                     "savejob:" + OutDir(queue)};
    argv.insert(argv.end(), args.begin(), args.end());
    Admin(argv);
  }
  void Pause(const std::string& queue, const std::string& reason = "paused by the test") {
    Admin({"/usr/sbin/cupsdisable", "-h", server(), "-r", reason, queue});
  }
  void Resume(const std::string& queue) { Admin({"/usr/sbin/cupsenable", "-h", server(), queue}); }
  void Reject(const std::string& queue) { Admin({"/usr/sbin/cupsreject", "-h", server(), queue}); }
  void Accept(const std::string& queue) { Admin({"/usr/sbin/cupsaccept", "-h", server(), queue}); }

  // Makes the backend obey `control` (lines "state ...", "message ...",
  // "exit N") for the queue's next jobs; an empty string clears it.
  void SetFault(const std::string& queue, const std::string& control) {
    const std::string path = OutDir(queue) + "/control";
    if (control.empty()) {
      std::filesystem::remove(path);
    } else {
      WriteFile(path + ".tmp", control);
      std::filesystem::rename(path + ".tmp", path);
    }
  }

  // The jobs the backend saved for `queue`, in CUPS job id order.
  std::vector<SavedJob> Saved(const std::string& queue) const {
    std::vector<SavedJob> out;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(OutDir(queue), ec)) {
      const auto p = entry.path();
      if (p.extension() != ".job") continue;
      SavedJob j;
      j.cups_id = std::stoi(p.stem().string());
      j.data = ReadFile(p.string());
      std::string title = ReadFile((p.parent_path() / (p.stem().string() + ".title")).string());
      while (!title.empty() && title.back() == '\n') title.pop_back();
      j.title = title;
      out.push_back(std::move(j));
    }
    std::sort(out.begin(), out.end(),
              [](const SavedJob& a, const SavedJob& b) { return a.cups_id < b.cups_id; });
    return out;
  }

  // Runs an admin command against this cupsd; throws with its output when
  // it fails.
  void Admin(const std::vector<std::string>& argv) {
    Process::Options o;
    o.argv = argv;
    o.stdout_path = (root_ / "log/admin.out").string();
    o.stderr_path = (root_ / "log/admin.err").string();
    o.unset_env = {"CUPS_SERVER"};
    Process p(o);
    auto code = p.Wait(std::chrono::seconds(30));
    if (!code || *code != 0) {
      std::string cmd;
      for (const auto& a : argv) cmd += a + " ";
      throw std::runtime_error("cupsd helper: '" + cmd + "' failed (" +
                               (code ? std::to_string(*code) : "timeout") + "): " + ReadFile(o.stderr_path) +
                               ReadFile(o.stdout_path));
    }
  }

 private:
  void WriteConfig() {
    const std::string r = root_.string();
    WriteFile(r + "/cups-files.conf",
              "# generated by edge::testing::Cupsd\n"
              "ServerRoot " +
                  r + "\nStateDir " + r + "/state\nCacheDir " + r + "/cache\nServerBin " + r +
                  "/bin\nRequestRoot " + r + "/spool\nTempDir " + r + "/spool/temp\nAccessLog " + r +
                  "/log/access_log\nErrorLog " + r + "/log/error_log\nPageLog " + r +
                  "/log/page_log\nFileDevice Yes\nPrintcap " + r + "/printcap\n");
    WriteFile(r + "/cupsd.conf",
              "# generated by edge::testing::Cupsd\n"
              "Listen 127.0.0.1:" +
                  std::to_string(port_) +
                  "\n"
                  "Browsing Off\nBrowseLocalProtocols none\nWebInterface No\nDefaultAuthType None\n"
                  "LogLevel debug\nMaxLogSize 0\n"
                  "PreserveJobHistory Yes\nPreserveJobFiles No\nJobRetryInterval 1\n"
                  "<Location />\n  Order allow,deny\n  Allow all\n</Location>\n"
                  "<Policy default>\n"
                  "  JobPrivateAccess default\n  JobPrivateValues default\n"
                  "  SubscriptionPrivateAccess default\n  SubscriptionPrivateValues default\n"
                  "  <Limit All>\n    Order deny,allow\n  </Limit>\n"
                  "</Policy>\n" +
                  options_.extra + "\n");
  }

  Options options_;
  uint16_t port_;
  std::filesystem::path root_;
  std::unique_ptr<Process> process_;
};

}  // namespace edge::testing
