// Printing: label and document printers behind CUPS, one per station.
//
// The core asks "print this document at station S"; PrintService turns that
// into a durable print job, submits it to the station's CUPS queue, follows
// it to completion and reports, per station, why a printer is not printing
// (out of media, offline, paused, CUPS unreachable). Jobs live in the node's
// database through the PrintJobStore port below, which edge/app implements
// on SQLite; this adapter never opens the database itself.
//
// Formats. A station's printer takes ZPL (thermal label printers; sent raw,
// application/vnd.cups-raw, so CUPS passes the bytes through untouched) or
// PDF (ordinary printers; application/pdf, CUPS filters it for the printer).
// Labels are rendered by edge/core/labels.h in the station's format; the
// OMS's carrier labels (shipment.label) are printed as they come, at a
// station of their format.
//
// Job states, as stored:
//   queued     made, or waiting to be (re)submitted to CUPS
//   submitted  CUPS has it (cups_job_id); followed until CUPS ends it
//   completed  CUPS completed it
//   cancelled  cancelled in CUPS (by an operator); not submitted again
//   failed     CUPS aborted it max_attempts times, or CUPS forgot it
// A submitted job goes back to queued when CUPS aborts it and attempts remain.
//
// Nothing prints twice. Each storeedge job has a UUID, and its CUPS job is
// named "storeedge-<uuid>". Before every call that could create a CUPS job
// the attempt count is committed (write-ahead), so after a crash a queued job
// with attempts > 0 may exist in CUPS even though the row never learnt its
// CUPS id. Such a job is looked up by name in CUPS' job list (all queues,
// completed jobs included) before it is submitted again:
//   - a match that completed, or is pending/held/processing/stopped with its
//     document received, is adopted (its CUPS id recorded and followed);
//   - a match whose document never arrived (the crash came mid-upload) is
//     cancelled, and the job is submitted anew;
//   - canceled or aborted matches did not print to the end; they are ignored
//     and the job is submitted anew.
// A job never attempted (attempts 0) cannot be in CUPS and is submitted
// directly. This is also what reconciliation at start is: jobs marked
// submitted are followed by their CUPS id; queued ones go through the rule
// above. A submitted job whose id CUPS no longer knows (its history was
// purged, or cupsd's state directory lost) cannot be told printed from not:
// it fails with a reason saying so, and an associate reprints if the label is
// missing. Limits: the lookup relies on CUPS keeping job history
// (PreserveJobHistory, the default) and showing job names to the job's owner
// (storeedged's user), as the default JobPrivateValues policy does.
//
// Faults. Once CUPS holds a job, waiting and retrying on a printer fault is
// CUPS' work, by the queue's error policy (Debian's default retry-job holds
// the job and retries it every JobRetryInterval; stop-printer stops the
// queue until it is resumed). Meanwhile the job stays `submitted` and the
// station shows the printer's state reasons and message. A job CUPS aborts
// (retry limit reached, abort-job policy, a filter failure) is submitted
// again after a backoff, up to `max_attempts`; a job cancelled in CUPS (by an
// operator) is not. Before CUPS holds a job — cupsd down, the queue missing
// or not accepting jobs — the job stays queued and submission is retried with
// exponential backoff (retry_min .. retry_max), without limit; the station
// says why. Jobs go to their station's queue in the order they were made.
//
// Reprint makes a new job (new UUID, so a new CUPS job) with the original's
// document, at the original's station or another of the same format.
//
// Threads. All public calls, and the callbacks, run on the io_context
// thread, which owns the service's state. CUPS calls block; they run on one
// worker thread owned by the service, which works on copies and posts each
// result back to the io_context with boost::asio::post. Stop() (and the
// destructor) waits for the CUPS work in flight, each request of which
// cupsd must answer within `cups_timeout`.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "edge/core/clock.h"
#include "edge/core/labels.h"
#include "edge/core/status.h"

namespace edge::drivers {

enum class DocumentFormat { kZpl, kPdf };

// "zpl" / "pdf".
std::string_view DocumentFormatName(DocumentFormat format);
// Parses "zpl" or "pdf"; InvalidArgument otherwise.
core::Result<DocumentFormat> ParseDocumentFormat(std::string_view name);

enum class PrintJobState { kQueued, kSubmitted, kCompleted, kFailed, kCancelled };

// "queued", "submitted", "completed", "failed", "cancelled" (as stored).
std::string_view PrintJobStateName(PrintJobState state);
// The inverse; InvalidArgument for anything else.
core::Result<PrintJobState> ParsePrintJobState(std::string_view name);
// True for completed, failed and cancelled.
bool IsFinished(PrintJobState state);

// One print job, as stored.
struct PrintJob {
  std::string id;       // UUID; the CUPS job is named "storeedge-<id>"
  std::string station;  // where it prints
  std::string queue;    // the CUPS queue of the last submission ("" before)
  DocumentFormat format = DocumentFormat::kZpl;
  std::string kind;  // "package_label", "bag_label", "location_label", "packing_slip", "carrier_label", ...
  std::string ref;   // what it is for, e.g. the order or package id (for people and for reprints)
  std::string data;  // the document's bytes
  PrintJobState state = PrintJobState::kQueued;
  int cups_job_id = 0;     // 0 until submitted
  int attempts = 0;        // submissions begun (committed before each)
  std::string reason;      // why it waits or why it failed; "" when nothing to say
  std::string reprint_of;  // the job this one reprints; "" for an original
  int64_t created_ms = 0;  // Unix ms
  int64_t updated_ms = 0;
};

// The port through which PrintService keeps its jobs durable. Implemented by
// edge/app on SQLite. Every write must be durable (committed) when it
// returns OK: the no-double-print rule rests on MarkAttempt being on disk
// before CUPS is called. Called on the io_context thread only.
class PrintJobStore {
 public:
  virtual ~PrintJobStore() = default;
  // Inserts a new job (state queued, attempts 0). AlreadyExists when the id is taken.
  virtual core::Status Create(const PrintJob& job) = 0;
  // Records that submission attempt `attempts` is about to start.
  virtual core::Status MarkAttempt(const std::string& id, int attempts, int64_t now_ms) = 0;
  // Records the CUPS job id and queue; state becomes submitted.
  virtual core::Status MarkSubmitted(const std::string& id, const std::string& queue, int cups_job_id,
                                     int64_t now_ms) = 0;
  // Sets the state and reason (queued again after an abort, or finished).
  virtual core::Status MarkState(const std::string& id, PrintJobState state, const std::string& reason,
                                 int64_t now_ms) = 0;
  // NotFound when there is no such job.
  virtual core::Result<PrintJob> Get(const std::string& id) = 0;
  // Every job that is queued or submitted, oldest first.
  virtual core::Result<std::vector<PrintJob>> ListUnfinished() = 0;
  // Deletes finished jobs last updated before `before_ms`; returns how many.
  virtual core::Result<int64_t> DeleteFinishedBefore(int64_t before_ms) = 0;
};

// What a station's printer is doing, as last seen.
struct StationPrinterStatus {
  enum class State {
    kUnknown,      // not asked yet
    kIdle,         // ready
    kPrinting,     // processing a job
    kStopped,      // the queue is stopped (paused, or by a backend after a fault)
    kUnreachable,  // CUPS cannot be reached
    kNoQueue,      // CUPS has no such queue
  };
  std::string station;
  std::string queue;
  DocumentFormat format = DocumentFormat::kZpl;
  State state = State::kUnknown;
  std::vector<std::string> reasons;  // IPP printer-state-reasons, "none" left out
  std::string message;               // printer-state-message, or the error talking to CUPS
  bool accepting = true;             // printer-is-accepting-jobs
  int unfinished_jobs = 0;           // our jobs queued or submitted at this station
  int64_t checked_ms = 0;            // when this was seen (0: never)

  // True when the printer can print now: idle or printing, accepting, and
  // no reason of severity error (media-empty-error, offline-report, ...).
  bool ready() const;
  // One line for an associate: "ready", "printing", "out of media",
  // "paused", "offline", "CUPS unreachable: <why>", "no CUPS queue 'q1'", ...
  std::string Summary() const;
};

// "unknown", "idle", "printing", "stopped", "unreachable", "no_queue".
std::string_view StationStateName(StationPrinterStatus::State state);

struct StationPrinter {
  std::string station;  // a station name (config)
  std::string queue;    // its CUPS queue
  DocumentFormat format = DocumentFormat::kPdf;
};

struct PrintServiceOptions {
  // The CUPS server: "" for the system's (libcups' default: $CUPS_SERVER,
  // client.conf, else the local socket), "host:port", or a socket path.
  std::string cups_server;
  std::vector<StationPrinter> stations;
  // Printer and job polling: every poll_min while something changes, backing
  // off to poll_max while nothing does (and while no job is in flight).
  std::chrono::milliseconds poll_min{500};
  std::chrono::milliseconds poll_max{5000};
  // Submission retry backoff (cupsd down, queue missing or rejecting jobs,
  // CUPS aborted the job).
  std::chrono::milliseconds retry_min{1000};
  std::chrono::milliseconds retry_max{60000};
  // One CUPS request, connect included; also bounds Stop().
  std::chrono::milliseconds cups_timeout{10000};
  // Submissions of one job that CUPS aborted before the job fails.
  int max_attempts = 5;
  // The largest document accepted, in bytes.
  std::size_t max_document_bytes = 16u << 20;
  // Finished jobs are kept this long for reprints, then deleted (at start).
  std::chrono::hours keep_finished{24 * 7};
  // Called on the io_context thread when a station's status changes, and
  // when a job changes state.
  std::function<void(const StationPrinterStatus&)> on_station;
  std::function<void(const PrintJob&)> on_job;
};

// A document for a station.
struct PrintRequest {
  std::string station;
  DocumentFormat format = DocumentFormat::kZpl;
  std::string kind;  // see PrintJob::kind
  std::string ref;
  std::string data;
};

class PrintService {
 public:
  // Validates `options` (station names unique and non-empty, queues
  // non-empty), loads the unfinished jobs from `store` and starts: the
  // first polls and submissions run once `executor`'s io_context runs.
  // InvalidArgument for bad options; the store's error when loading fails.
  // `store` and `clock` must outlive the service.
  static core::Result<std::unique_ptr<PrintService>> Create(boost::asio::any_io_executor executor,
                                                            PrintJobStore& store, const core::Clock& clock,
                                                            PrintServiceOptions options);
  ~PrintService();
  PrintService(const PrintService&) = delete;
  PrintService& operator=(const PrintService&) = delete;

  // Queues a document; returns the new job's id once the job is stored.
  // FailedPrecondition when the station has no printer (is not in
  // options.stations) or its printer takes the other format;
  // InvalidArgument for empty or oversized data; Unavailable after Stop();
  // the store's error when the job cannot be stored.
  core::Result<std::string> Print(PrintRequest request);

  // Renders in the station's format and queues. The label's own
  // InvalidArgument when it is not valid; else as Print.
  core::Result<std::string> PrintPackageLabel(const std::string& station, const core::PackageLabel& label);
  core::Result<std::string> PrintBagLabel(const std::string& station, const core::BagLabel& label);
  core::Result<std::string> PrintLocationLabel(const std::string& station, const core::LocationLabel& label);
  // Packing slips are PDF: FailedPrecondition at a ZPL station.
  core::Result<std::string> PrintPackingSlip(const std::string& station, const core::PackingSlip& slip,
                                             core::Paper paper = core::Paper::kA4);
  // A carrier label from shipment.label, bytes already decoded from base64,
  // printed as it came: FailedPrecondition when the station's printer takes
  // the other format.
  core::Result<std::string> PrintCarrierLabel(const std::string& station, const std::string& package_id,
                                              DocumentFormat format, std::string data);

  // Prints job `job_id`'s document again as a new job, at `station` ("" =
  // the original's). NotFound for an unknown (or pruned) job; as Print for
  // the station.
  core::Result<std::string> Reprint(const std::string& job_id, const std::string& station = "");

  // The job as the service knows it now (unfinished jobs from memory,
  // others from the store). NotFound when unknown.
  core::Result<PrintJob> Job(const std::string& job_id);
  // Every configured station with a printer, in configuration order.
  std::vector<StationPrinterStatus> Stations() const;
  // NotFound for a station without a printer.
  core::Result<StationPrinterStatus> Station(const std::string& station) const;

  // Stops polling and submitting, and waits for the CUPS call in flight.
  // Jobs stay in the store as they are. Idempotent; the destructor calls it.
  void Stop();

  struct Impl;

 private:
  explicit PrintService(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

}  // namespace edge::drivers
