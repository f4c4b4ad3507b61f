// CupsClient: the blocking CUPS calls PrintService needs, over one HTTP
// connection to the scheduler that it (re)opens on demand.
//
// Used on PrintService's worker thread only: libcups keeps its server
// setting and last error per thread, and an http_t is not shared. Every call
// returns Unavailable (transient) when CUPS cannot be reached or asks to be
// retried later, NotFound when the queue or job does not exist, and another
// code, with CUPS' message, otherwise. After a transport error the
// connection is closed so the next call connects again.
#pragma once

#include <cups/cups.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "edge/core/status.h"

namespace edge::drivers::internal {

// IPP job-state values.
enum class CupsJobState {
  kPending = 3,
  kHeld = 4,
  kProcessing = 5,
  kStopped = 6,
  kCanceled = 7,
  kAborted = 8,
  kCompleted = 9,
};

struct CupsJob {
  int id = 0;
  std::string name;
  CupsJobState state = CupsJobState::kPending;
  std::vector<std::string> reasons;  // job-state-reasons
  std::string printer_message;       // job-printer-state-message
  int documents = 0;                 // number-of-documents
};

struct CupsPrinter {
  int state = 3;  // printer-state: 3 idle, 4 processing, 5 stopped
  std::vector<std::string> reasons;
  std::string message;
  bool accepting = true;
};

class CupsClient {
 public:
  // `server`: "" for libcups' default, "host:port", "host", or a socket path.
  CupsClient(std::string server, std::chrono::milliseconds timeout);
  ~CupsClient();
  CupsClient(const CupsClient&) = delete;
  CupsClient& operator=(const CupsClient&) = delete;

  // Create-Job named `job_name` on `queue`, then one document of `mime_type`
  // (Send-Document). Returns the CUPS job id. When the job was created but
  // the document did not arrive, cancels the job (best effort) and fails;
  // `*created` says whether Create-Job had been sent, i.e. whether a job
  // might exist in CUPS despite an error.
  core::Result<int> Submit(const std::string& queue, const std::string& job_name,
                           const std::string& mime_type, const std::string& data, bool* created);
  // Every job CUPS knows, on every queue, completed ones included.
  core::Result<std::vector<CupsJob>> AllJobs();
  core::Result<CupsJob> GetJob(int job_id);
  core::Result<CupsPrinter> GetPrinter(const std::string& queue);
  core::Status CancelJob(int job_id);

  // "127.0.0.1:631" or "/run/cups/cups.sock": where calls go.
  std::string ServerName();

 private:
  struct HttpClose {
    void operator()(http_t* h) const { httpClose(h); }
  };
  core::Result<http_t*> Connect();
  // Status for the last libcups error, with `what` as context; drops the
  // connection after transport errors.
  core::Status LastError(const std::string& what);
  core::Result<ipp_t*> Do(ipp_t* request, const char* resource, const std::string& what);

  std::string server_;
  std::chrono::milliseconds timeout_;
  std::string host_;
  int port_ = 0;
  std::unique_ptr<http_t, HttpClose> http_;
};

}  // namespace edge::drivers::internal
