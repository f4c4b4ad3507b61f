#include "edge/drivers/printing.h"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <deque>
#include <map>
#include <random>

#include "cups_client.h"
#include "edge/core/ids.h"
#include "edge/log/log.h"

namespace edge::drivers {

namespace asio = boost::asio;
using core::Result;
using core::Status;
using internal::CupsJob;
using internal::CupsJobState;
using internal::CupsPrinter;
using Steady = std::chrono::steady_clock;
using std::chrono::milliseconds;

// ---- names ----

std::string_view DocumentFormatName(DocumentFormat format) {
  return format == DocumentFormat::kZpl ? "zpl" : "pdf";
}

Result<DocumentFormat> ParseDocumentFormat(std::string_view name) {
  if (name == "zpl") return DocumentFormat::kZpl;
  if (name == "pdf") return DocumentFormat::kPdf;
  return Status::InvalidArgument("document format '" + std::string(name) +
                                 "' is neither \"zpl\" nor \"pdf\"");
}

std::string_view PrintJobStateName(PrintJobState state) {
  switch (state) {
    case PrintJobState::kQueued:
      return "queued";
    case PrintJobState::kSubmitted:
      return "submitted";
    case PrintJobState::kCompleted:
      return "completed";
    case PrintJobState::kFailed:
      return "failed";
    case PrintJobState::kCancelled:
      return "cancelled";
  }
  return "queued";
}

Result<PrintJobState> ParsePrintJobState(std::string_view name) {
  for (auto s : {PrintJobState::kQueued, PrintJobState::kSubmitted, PrintJobState::kCompleted,
                 PrintJobState::kFailed, PrintJobState::kCancelled}) {
    if (PrintJobStateName(s) == name) return s;
  }
  return Status::InvalidArgument("print job state '" + std::string(name) + "' is not known");
}

bool IsFinished(PrintJobState state) {
  return state == PrintJobState::kCompleted || state == PrintJobState::kFailed ||
         state == PrintJobState::kCancelled;
}

std::string_view StationStateName(StationPrinterStatus::State state) {
  using S = StationPrinterStatus::State;
  switch (state) {
    case S::kUnknown:
      return "unknown";
    case S::kIdle:
      return "idle";
    case S::kPrinting:
      return "printing";
    case S::kStopped:
      return "stopped";
    case S::kUnreachable:
      return "unreachable";
    case S::kNoQueue:
      return "no_queue";
  }
  return "unknown";
}

namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// An IPP state reason without its severity suffix.
std::string_view BaseReason(std::string_view r) {
  for (std::string_view suffix : {"-error", "-warning", "-report"}) {
    if (EndsWith(r, suffix)) return r.substr(0, r.size() - suffix.size());
  }
  return r;
}

std::string ReasonPhrase(std::string_view reason) {
  const std::string_view base = BaseReason(reason);
  if (base == "media-empty" || base == "media-needed" || base == "input-tray-missing") return "out of media";
  if (base == "media-jam") return "media jam";
  if (base == "media-low") return "media low";
  if (base == "offline" || base == "shutdown") return "offline";
  if (base == "paused") return "paused";
  if (base == "door-open" || base == "cover-open") return "cover open";
  if (base == "marker-supply-empty" || base == "toner-empty") return "out of ink or toner";
  if (base == "marker-supply-low" || base == "toner-low") return "ink or toner low";
  if (base == "connecting-to-device") return "connecting to the printer";
  return std::string(reason);
}

std::string MimeType(DocumentFormat format) {
  // Raw: CUPS hands ZPL to the printer byte for byte, no filter.
  return format == DocumentFormat::kZpl ? "application/vnd.cups-raw" : "application/pdf";
}

std::string CupsJobName(const std::string& id) { return "storeedge-" + id; }

std::string FormatUpper(DocumentFormat f) { return f == DocumentFormat::kZpl ? "ZPL" : "PDF"; }

std::string JobReason(const CupsJob& j) {
  if (!j.printer_message.empty()) return j.printer_message;
  std::string out;
  for (const auto& r : j.reasons) {
    if (r == "none" || r == "job-printing" || r == "job-incoming") continue;
    out += (out.empty() ? "" : ", ") + r;
  }
  return out;
}

}  // namespace

bool StationPrinterStatus::ready() const {
  if (state != State::kIdle && state != State::kPrinting) return false;
  if (!accepting) return false;
  return std::none_of(reasons.begin(), reasons.end(), [](const std::string& r) {
    return EndsWith(r, "-error") || BaseReason(r) == "offline" || BaseReason(r) == "paused";
  });
}

std::string StationPrinterStatus::Summary() const {
  switch (state) {
    case State::kUnknown:
      return "not checked yet";
    case State::kUnreachable:
      return "CUPS unreachable: " + message;
    case State::kNoQueue:
      return "no CUPS queue '" + queue + "'";
    default:
      break;
  }
  std::vector<std::string> phrases;
  for (const auto& r : reasons) {
    std::string p = ReasonPhrase(r);
    if (std::find(phrases.begin(), phrases.end(), p) == phrases.end()) phrases.push_back(std::move(p));
  }
  if (state == State::kStopped && std::find(phrases.begin(), phrases.end(), "paused") == phrases.end()) {
    phrases.insert(phrases.begin(), "stopped");
  }
  if (!accepting) phrases.push_back("not accepting jobs");
  if (phrases.empty()) return state == State::kPrinting ? "printing" : "ready";
  std::string out;
  for (const auto& p : phrases) out += (out.empty() ? "" : ", ") + p;
  if (!message.empty() && !ready()) out += " (" + message + ")";
  return out;
}

// ---- the service ----

struct PrintService::Impl : std::enable_shared_from_this<Impl> {
  struct Entry {
    PrintJob job;
    // A previous attempt may have created a CUPS job: look it up by name
    // before submitting again.
    bool lookup_first = false;
    Steady::time_point not_before{};
    milliseconds backoff{0};
  };
  struct Station {
    StationPrinter config;
    StationPrinterStatus status;
    std::deque<std::string> queued;     // job ids, oldest first, submitted in this order
    std::vector<std::string> followed;  // job ids submitted and not finished
    bool busy = false;                  // a CUPS call for this station is in flight
    Steady::time_point next_poll{};
    milliseconds poll_delay{0};
  };

  // Worker inputs and outputs: plain values, copied across threads.
  struct SubmitIn {
    std::string queue, name, mime, data;
    bool lookup = false;
  };
  struct SubmitOut {
    Status status;
    int cups_id = 0;
    bool adopted = false;
    CupsJobState adopted_state = CupsJobState::kPending;
    bool lookup_needed = false;  // a CUPS job may exist although status is an error
  };
  struct PollOut {
    Result<CupsPrinter> printer = Status::Internal("not asked");
    std::vector<std::pair<std::string, Result<CupsJob>>> jobs;  // our id -> CUPS' view
  };

  Impl(asio::any_io_executor ex, PrintJobStore& s, const core::Clock& c, PrintServiceOptions o)
      : executor(std::move(ex)),
        store(s),
        clock(c),
        options(std::move(o)),
        timer(executor),
        rng(std::random_device{}()),
        client(options.cups_server, options.cups_timeout) {}

  asio::any_io_executor executor;
  PrintJobStore& store;
  const core::Clock& clock;
  PrintServiceOptions options;
  asio::steady_timer timer;
  std::vector<Station> stations;
  std::map<std::string, Entry> jobs;  // unfinished jobs
  std::mt19937_64 rng;
  bool stopped = false;
  // Worker side. Declared last: the pool is joined (in Stop, and by its
  // destructor) before the client it uses is destroyed.
  internal::CupsClient client;
  asio::thread_pool pool{1};

  int64_t NowMs() const { return core::ToUnixMillis(clock.Now()); }

  Station* FindStation(const std::string& name) {
    for (auto& s : stations) {
      if (s.config.station == name) return &s;
    }
    return nullptr;
  }

  Status Load();
  Result<std::string> Enqueue(PrintRequest request, const std::string& reprint_of);
  void Pump();
  void Schedule();
  void StartSubmit(std::size_t si, Entry& e);
  void StartPoll(std::size_t si);
  SubmitOut DoSubmit(const SubmitIn& in);
  void OnSubmitted(std::size_t si, const std::string& id, SubmitOut out);
  void OnPolled(std::size_t si, PollOut out);
  void Finish(Station& st, const std::string& id, PrintJobState state, const std::string& reason);
  void Requeue(Station& st, Entry& e, const std::string& reason);
  milliseconds NextBackoff(milliseconds current) const {
    if (current.count() == 0) return options.retry_min;
    return std::min(options.retry_max, current * 2);
  }
  void SetStatus(Station& st, StationPrinterStatus next);
  int Unfinished(const Station& st) const { return static_cast<int>(st.queued.size() + st.followed.size()); }
  void NotifyJob(const PrintJob& job) {
    if (options.on_job) options.on_job(job);
  }
  void Stop() {
    if (stopped) return;
    stopped = true;
    timer.cancel();
    // Abandon queued worker calls; wait for the one in flight.
    pool.stop();
    pool.join();
  }

  // Posts `f(result)` to the io_context if the service still exists then.
  template <typename T, typename F>
  void PostBack(T result, F f) {
    asio::post(executor, [weak = weak_from_this(), result = std::move(result), f = std::move(f)]() mutable {
      auto self = weak.lock();
      if (!self || self->stopped) return;
      f(*self, std::move(result));
    });
  }
};

Status PrintService::Impl::Load() {
  if (auto pruned = store.DeleteFinishedBefore(core::ToUnixMillis(
          clock.Now() - std::chrono::duration_cast<core::Duration>(options.keep_finished)));
      !pruned.ok()) {
    log::Warn("print.prune_failed").Kv("error", pruned.status().message());
  } else if (*pruned > 0) {
    log::Info("print.pruned").Kv("jobs", *pruned);
  }
  auto unfinished = store.ListUnfinished();
  if (!unfinished.ok()) return unfinished.status().WithContext("load print jobs");
  for (auto& job : *unfinished) {
    Station* st = FindStation(job.station);
    if (!st) {
      const std::string why = "station '" + job.station + "' has no printer any more; reprint elsewhere";
      if (Status s = store.MarkState(job.id, PrintJobState::kFailed, why, NowMs()); !s.ok()) {
        log::Error("print.store_failed").Kv("job", job.id).Kv("error", s.message());
      }
      log::Warn("print.job_orphaned").Kv("job", job.id).Kv("station", job.station);
      continue;
    }
    Entry e;
    e.job = std::move(job);
    const std::string id = e.job.id;
    if (e.job.state == PrintJobState::kSubmitted && e.job.cups_job_id > 0) {
      st->followed.push_back(id);
      log::Info("print.job_resumed")
          .Kv("job", id)
          .Kv("cups_job", e.job.cups_job_id)
          .Kv("station", st->config.station);
    } else {
      // Never attempted: cannot be in CUPS. Attempted: the outcome of the
      // last attempt is unknown; look for the job by name first.
      e.job.state = PrintJobState::kQueued;
      e.lookup_first = e.job.attempts > 0;
      st->queued.push_back(id);
      log::Info("print.job_pending")
          .Kv("job", id)
          .Kv("attempts", e.job.attempts)
          .Kv("station", st->config.station);
    }
    jobs.emplace(id, std::move(e));
  }
  for (auto& st : stations) st.status.unfinished_jobs = Unfinished(st);
  return Status::Ok();
}

Result<std::string> PrintService::Impl::Enqueue(PrintRequest r, const std::string& reprint_of) {
  Station* st = FindStation(r.station);
  if (!st) return Status::FailedPrecondition("station '" + r.station + "' has no printer");
  if (st->config.format != r.format) {
    return Status::FailedPrecondition("station '" + r.station + "' prints " + FormatUpper(st->config.format) +
                                      "; this document is " + FormatUpper(r.format));
  }
  if (r.data.empty())
    return Status::InvalidArgument("print at station '" + r.station + "': the document is empty");
  if (r.data.size() > options.max_document_bytes) {
    return Status::InvalidArgument("print at station '" + r.station + "': the document has " +
                                   std::to_string(r.data.size()) + " bytes, more than the " +
                                   std::to_string(options.max_document_bytes) + " allowed");
  }
  if (stopped) return Status::Unavailable("printing is stopped (shutting down)");
  PrintJob job;
  job.id = core::FormatUuidV4(rng(), rng());
  job.station = r.station;
  job.format = r.format;
  job.kind = std::move(r.kind);
  job.ref = std::move(r.ref);
  job.data = std::move(r.data);
  job.reprint_of = reprint_of;
  job.created_ms = job.updated_ms = NowMs();
  // Durable before the caller hears of it: a crash from here on loses nothing.
  if (Status s = store.Create(job); !s.ok()) return s.WithContext("store print job");
  log::Info("print.job_queued")
      .Kv("job", job.id)
      .Kv("station", job.station)
      .Kv("kind", job.kind)
      .Kv("ref", job.ref)
      .Kv("bytes", job.data.size());
  const std::string id = job.id;
  Entry e;
  e.job = std::move(job);
  NotifyJob(e.job);
  jobs.emplace(id, std::move(e));
  st->queued.push_back(id);
  StationPrinterStatus next = st->status;
  next.unfinished_jobs = Unfinished(*st);
  SetStatus(*st, next);
  // Submit from a fresh handler, not inside the caller's.
  asio::post(executor, [weak = weak_from_this()] {
    if (auto self = weak.lock()) self->Pump();
  });
  return id;
}

void PrintService::Impl::Pump() {
  if (stopped) return;
  const auto now = Steady::now();
  for (std::size_t si = 0; si < stations.size(); ++si) {
    Station& st = stations[si];
    if (st.busy) continue;
    if (!st.queued.empty()) {
      Entry& head = jobs.at(st.queued.front());
      if (head.not_before <= now) {
        StartSubmit(si, head);
        continue;
      }
    }
    if (st.next_poll <= now) StartPoll(si);
  }
  Schedule();
}

void PrintService::Impl::Schedule() {
  if (stopped) return;
  auto next = Steady::time_point::max();
  for (const auto& st : stations) {
    if (st.busy) continue;
    next = std::min(next, st.next_poll);
    if (!st.queued.empty()) next = std::min(next, jobs.at(st.queued.front()).not_before);
  }
  if (next == Steady::time_point::max()) return;
  timer.expires_at(next);
  timer.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
    if (ec) return;
    if (auto self = weak.lock()) self->Pump();
  });
}

void PrintService::Impl::StartSubmit(std::size_t si, Entry& e) {
  Station& st = stations[si];
  // Write-ahead: the attempt is on disk before CUPS can have the job, so
  // after a crash the job is looked up by name instead of printed again.
  if (Status s = store.MarkAttempt(e.job.id, e.job.attempts + 1, NowMs()); !s.ok()) {
    log::Error("print.store_failed").Kv("job", e.job.id).Kv("error", s.message());
    e.backoff = NextBackoff(e.backoff);
    e.not_before = Steady::now() + e.backoff;
    return;
  }
  ++e.job.attempts;
  st.busy = true;
  SubmitIn in{st.config.queue, CupsJobName(e.job.id), MimeType(e.job.format), e.job.data, e.lookup_first};
  const std::string id = e.job.id;
  asio::post(pool, [this, si, id, in = std::move(in)] {
    // Worker thread: CUPS only, on copies.
    PostBack(DoSubmit(in), [si, id](Impl& self, SubmitOut out) { self.OnSubmitted(si, id, std::move(out)); });
  });
}

PrintService::Impl::SubmitOut PrintService::Impl::DoSubmit(const SubmitIn& in) {
  SubmitOut out;
  if (in.lookup) {
    auto all = client.AllJobs();
    if (!all.ok()) {
      out.status = all.status();
      out.lookup_needed = true;
      return out;
    }
    const CupsJob* adopt = nullptr;
    for (const auto& j : *all) {
      if (j.name != in.name) continue;
      switch (j.state) {
        case CupsJobState::kCompleted:
          adopt = &j;
          break;
        case CupsJobState::kPending:
        case CupsJobState::kHeld:
        case CupsJobState::kProcessing:
        case CupsJobState::kStopped:
          if (j.documents > 0) {
            if (!adopt) adopt = &j;
          } else if (Status s = client.CancelJob(j.id); !s.ok()) {
            // An upload cut short; it cannot print without its document.
            log::Warn("print.cancel_incomplete_failed").Kv("cups_job", j.id).Kv("error", s.message());
          }
          break;
        case CupsJobState::kCanceled:
        case CupsJobState::kAborted:
          break;  // did not print to the end; submit anew
      }
      if (adopt && adopt->state == CupsJobState::kCompleted) break;
    }
    if (adopt) {
      out.cups_id = adopt->id;
      out.adopted = true;
      out.adopted_state = adopt->state;
      return out;
    }
  }
  bool created = false;
  auto id = client.Submit(in.queue, in.name, in.mime, in.data, &created);
  if (id.ok()) {
    out.cups_id = *id;
  } else {
    out.status = id.status();
    out.lookup_needed = created;
  }
  return out;
}

void PrintService::Impl::OnSubmitted(std::size_t si, const std::string& id, SubmitOut out) {
  Station& st = stations[si];
  st.busy = false;
  auto it = jobs.find(id);
  if (it == jobs.end()) return Pump();
  Entry& e = it->second;
  const auto now = Steady::now();
  if (out.cups_id > 0) {
    e.lookup_first = false;
    e.backoff = milliseconds(0);
    e.job.state = PrintJobState::kSubmitted;
    e.job.cups_job_id = out.cups_id;
    e.job.queue = st.config.queue;
    e.job.reason =
        out.adopted ? "found in CUPS as job " + std::to_string(out.cups_id) + " after a restart" : "";
    e.job.updated_ms = NowMs();
    if (Status s = store.MarkSubmitted(id, st.config.queue, out.cups_id, e.job.updated_ms); !s.ok()) {
      // The row still says queued with attempts > 0: after a restart the
      // lookup by name finds this CUPS job; nothing prints twice.
      log::Error("print.store_failed").Kv("job", id).Kv("error", s.message());
    }
    log::Info(out.adopted ? "print.job_adopted" : "print.job_submitted")
        .Kv("job", id)
        .Kv("cups_job", out.cups_id)
        .Kv("queue", st.config.queue)
        .Kv("attempt", e.job.attempts);
    st.queued.erase(std::find(st.queued.begin(), st.queued.end(), id));
    st.followed.push_back(id);
    NotifyJob(e.job);
    if (out.adopted && out.adopted_state == CupsJobState::kCompleted) {
      Finish(st, id, PrintJobState::kCompleted, "");
    }
    st.poll_delay = options.poll_min;
    st.next_poll = now + st.poll_delay;
    return Pump();
  }

  const Status& s = out.status;
  e.lookup_first = out.lookup_needed;
  e.backoff = NextBackoff(e.backoff);
  e.not_before = now + e.backoff;
  const bool retry_forever = s.transient() || s.code() == core::StatusCode::kNotFound ||
                             s.code() == core::StatusCode::kPermissionDenied;
  log::Warn("print.submit_failed")
      .Kv("job", id)
      .Kv("attempt", e.job.attempts)
      .Kv("error", s.message())
      .Kv("retry_in_ms", e.backoff.count());
  if (!retry_forever && e.job.attempts >= options.max_attempts) {
    Finish(st, id, PrintJobState::kFailed, s.message());
    return Pump();
  }
  if (e.job.reason != s.message()) {
    e.job.reason = s.message();
    e.job.updated_ms = NowMs();
    if (Status w = store.MarkState(id, PrintJobState::kQueued, e.job.reason, e.job.updated_ms); !w.ok()) {
      log::Error("print.store_failed").Kv("job", id).Kv("error", w.message());
    }
    NotifyJob(e.job);
  }
  // Let the station show why, soon.
  st.poll_delay = options.poll_min;
  st.next_poll = std::min(st.next_poll, now);
  Pump();
}

void PrintService::Impl::StartPoll(std::size_t si) {
  Station& st = stations[si];
  st.busy = true;
  std::vector<std::pair<std::string, int>> follow;
  for (const auto& id : st.followed) follow.emplace_back(id, jobs.at(id).job.cups_job_id);
  asio::post(pool, [this, si, queue = st.config.queue, follow = std::move(follow)] {
    PollOut out;
    out.printer = client.GetPrinter(queue);
    // With CUPS away every job query would fail the same way.
    if (out.printer.ok() || !out.printer.status().transient()) {
      for (const auto& [id, cups_id] : follow) out.jobs.emplace_back(id, client.GetJob(cups_id));
    }
    PostBack(std::move(out), [si](Impl& self, PollOut o) { self.OnPolled(si, std::move(o)); });
  });
}

void PrintService::Impl::SetStatus(Station& st, StationPrinterStatus next) {
  const StationPrinterStatus& cur = st.status;
  const bool changed = next.state != cur.state || next.reasons != cur.reasons ||
                       next.message != cur.message || next.accepting != cur.accepting ||
                       next.unfinished_jobs != cur.unfinished_jobs;
  if (changed && (next.state != cur.state || next.reasons != cur.reasons)) {
    log::Info("print.station")
        .Kv("station", next.station)
        .Kv("queue", next.queue)
        .Kv("state", StationStateName(next.state))
        .Kv("summary", next.Summary());
  }
  st.status = std::move(next);
  if (changed && options.on_station) options.on_station(st.status);
}

void PrintService::Impl::OnPolled(std::size_t si, PollOut out) {
  Station& st = stations[si];
  st.busy = false;
  using S = StationPrinterStatus::State;
  StationPrinterStatus next = st.status;
  next.checked_ms = NowMs();
  bool changed = false;
  if (out.printer.ok()) {
    const CupsPrinter& p = *out.printer;
    next.state = p.state == 5 ? S::kStopped : p.state == 4 ? S::kPrinting : S::kIdle;
    next.reasons = p.reasons;
    next.message = p.message;
    next.accepting = p.accepting;
  } else {
    const Status& s = out.printer.status();
    next.state = s.code() == core::StatusCode::kNotFound ? S::kNoQueue
                 : s.transient()                         ? S::kUnreachable
                                                         : S::kUnknown;
    next.reasons.clear();
    next.message = s.message();
  }
  changed = next.state != st.status.state || next.reasons != st.status.reasons;

  for (auto& [id, result] : out.jobs) {
    auto it = jobs.find(id);
    if (it == jobs.end()) continue;
    Entry& e = it->second;
    if (!result.ok()) {
      if (result.status().code() == core::StatusCode::kNotFound) {
        changed = true;
        Finish(st, id, PrintJobState::kFailed,
               "CUPS no longer knows job " + std::to_string(e.job.cups_job_id) +
                   ": it may or may not have printed; reprint if it is missing");
      }
      continue;  // CUPS away: ask again later
    }
    const CupsJob& j = *result;
    switch (j.state) {
      case CupsJobState::kCompleted:
        changed = true;
        Finish(st, id, PrintJobState::kCompleted, "");
        break;
      case CupsJobState::kCanceled:
        changed = true;
        Finish(st, id, PrintJobState::kCancelled,
               "cancelled in CUPS" + (JobReason(j).empty() ? std::string() : ": " + JobReason(j)));
        break;
      case CupsJobState::kAborted: {
        changed = true;
        const std::string why = "CUPS aborted job " + std::to_string(j.id) +
                                (JobReason(j).empty() ? std::string() : ": " + JobReason(j));
        if (e.job.attempts >= options.max_attempts) {
          Finish(st, id, PrintJobState::kFailed, why);
        } else {
          Requeue(st, e, why + "; printing again");
        }
        break;
      }
      default: {
        // Waiting in CUPS (pending, held for a retry, printing, stopped):
        // CUPS retries; show why.
        const std::string why = JobReason(j);
        if (why != e.job.reason) {
          e.job.reason = why;
          changed = true;
          NotifyJob(e.job);
        }
        break;
      }
    }
  }
  next.unfinished_jobs = Unfinished(st);
  SetStatus(st, std::move(next));
  st.poll_delay = changed || st.poll_delay.count() == 0 ? options.poll_min
                                                        : std::min(options.poll_max, st.poll_delay * 2);
  st.next_poll = Steady::now() + st.poll_delay;
  Pump();
}

void PrintService::Impl::Finish(Station& st, const std::string& id, PrintJobState state,
                                const std::string& reason) {
  auto it = jobs.find(id);
  if (it == jobs.end()) return;
  PrintJob job = std::move(it->second.job);
  jobs.erase(it);
  st.queued.erase(std::remove(st.queued.begin(), st.queued.end(), id), st.queued.end());
  st.followed.erase(std::remove(st.followed.begin(), st.followed.end(), id), st.followed.end());
  job.state = state;
  job.reason = reason;
  job.updated_ms = NowMs();
  if (Status s = store.MarkState(id, state, reason, job.updated_ms); !s.ok()) {
    // Still unfinished on disk: after a restart it is followed again and
    // reaches the same end.
    log::Error("print.store_failed").Kv("job", id).Kv("error", s.message());
  }
  log::Line line(state == PrintJobState::kCompleted ? log::Level::kInfo : log::Level::kWarn,
                 "print.job_done");
  line.Kv("job", id).Kv("state", PrintJobStateName(state)).Kv("cups_job", job.cups_job_id);
  if (!reason.empty()) line.Kv("reason", reason);
  NotifyJob(job);
}

void PrintService::Impl::Requeue(Station& st, Entry& e, const std::string& reason) {
  const std::string id = e.job.id;
  st.followed.erase(std::remove(st.followed.begin(), st.followed.end(), id), st.followed.end());
  // Ahead of the jobs made after it.
  st.queued.push_front(id);
  e.job.state = PrintJobState::kQueued;
  e.job.reason = reason;
  e.job.updated_ms = NowMs();
  e.lookup_first = false;  // the only CUPS job of this name is the aborted one
  e.backoff = NextBackoff(e.backoff);
  e.not_before = Steady::now() + e.backoff;
  if (Status s = store.MarkState(id, PrintJobState::kQueued, reason, e.job.updated_ms); !s.ok()) {
    log::Error("print.store_failed").Kv("job", id).Kv("error", s.message());
  }
  log::Warn("print.job_requeued").Kv("job", id).Kv("reason", reason).Kv("retry_in_ms", e.backoff.count());
  NotifyJob(e.job);
}

// ---- PrintService ----

PrintService::PrintService(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

PrintService::~PrintService() { Stop(); }

void PrintService::Stop() {
  if (impl_) impl_->Stop();
}

Result<std::unique_ptr<PrintService>> PrintService::Create(asio::any_io_executor executor,
                                                           PrintJobStore& store, const core::Clock& clock,
                                                           PrintServiceOptions options) {
  for (std::size_t i = 0; i < options.stations.size(); ++i) {
    const auto& s = options.stations[i];
    if (s.station.empty())
      return Status::InvalidArgument("printing: station #" + std::to_string(i + 1) + ": no name");
    if (s.queue.empty()) {
      return Status::InvalidArgument("printing: station '" + s.station + "': no CUPS queue");
    }
    for (std::size_t k = 0; k < i; ++k) {
      if (options.stations[k].station == s.station) {
        return Status::InvalidArgument("printing: station '" + s.station + "' is listed twice");
      }
    }
  }
  if (options.poll_min.count() <= 0 || options.poll_max < options.poll_min ||
      options.retry_min.count() <= 0 || options.retry_max < options.retry_min ||
      options.cups_timeout.count() <= 0 || options.max_attempts < 1) {
    return Status::InvalidArgument("printing: intervals must be positive with min <= max, max_attempts >= 1");
  }
  auto impl = std::make_shared<Impl>(std::move(executor), store, clock, std::move(options));
  for (const auto& s : impl->options.stations) {
    Impl::Station st;
    st.config = s;
    st.status.station = s.station;
    st.status.queue = s.queue;
    st.status.format = s.format;
    impl->stations.push_back(std::move(st));
  }
  if (Status s = impl->Load(); !s.ok()) return s;
  asio::post(impl->executor, [weak = std::weak_ptr<Impl>(impl)] {
    if (auto self = weak.lock()) self->Pump();
  });
  return std::unique_ptr<PrintService>(new PrintService(std::move(impl)));
}

Result<std::string> PrintService::Print(PrintRequest request) {
  return impl_->Enqueue(std::move(request), "");
}

namespace {

// The station's format, or the error Print would give.
Result<DocumentFormat> StationFormat(const std::vector<StationPrinterStatus>& stations,
                                     const std::string& station) {
  for (const auto& s : stations) {
    if (s.station == station) return s.format;
  }
  return Status::FailedPrecondition("station '" + station + "' has no printer");
}

}  // namespace

Result<std::string> PrintService::PrintPackageLabel(const std::string& station,
                                                    const core::PackageLabel& label) {
  auto format = StationFormat(Stations(), station);
  if (!format.ok()) return format.status();
  auto doc = *format == DocumentFormat::kZpl ? core::PackageLabelZpl(label) : core::PackageLabelPdf(label);
  if (!doc.ok()) return doc.status();
  return Print({station, *format, "package_label", label.package_id, std::move(doc).value()});
}

Result<std::string> PrintService::PrintBagLabel(const std::string& station, const core::BagLabel& label) {
  auto format = StationFormat(Stations(), station);
  if (!format.ok()) return format.status();
  auto doc = *format == DocumentFormat::kZpl ? core::BagLabelZpl(label) : core::BagLabelPdf(label);
  if (!doc.ok()) return doc.status();
  return Print({station, *format, "bag_label",
                label.order_ref + ":" + std::to_string(label.bag_n) + "/" + std::to_string(label.bag_m),
                std::move(doc).value()});
}

Result<std::string> PrintService::PrintLocationLabel(const std::string& station,
                                                     const core::LocationLabel& label) {
  auto format = StationFormat(Stations(), station);
  if (!format.ok()) return format.status();
  auto doc = *format == DocumentFormat::kZpl ? core::LocationLabelZpl(label) : core::LocationLabelPdf(label);
  if (!doc.ok()) return doc.status();
  return Print({station, *format, "location_label", label.zone + "-" + label.aisle + "-" + label.bin,
                std::move(doc).value()});
}

Result<std::string> PrintService::PrintPackingSlip(const std::string& station, const core::PackingSlip& slip,
                                                   core::Paper paper) {
  auto format = StationFormat(Stations(), station);
  if (!format.ok()) return format.status();
  if (*format != DocumentFormat::kPdf) {
    return Status::FailedPrecondition("station '" + station +
                                      "' prints ZPL labels; a packing slip needs a PDF printer");
  }
  auto doc = core::PackingSlipPdf(slip, paper);
  if (!doc.ok()) return doc.status();
  return Print({station, DocumentFormat::kPdf, "packing_slip", slip.order_ref, std::move(doc).value()});
}

Result<std::string> PrintService::PrintCarrierLabel(const std::string& station, const std::string& package_id,
                                                    DocumentFormat format, std::string data) {
  return Print({station, format, "carrier_label", package_id, std::move(data)});
}

Result<std::string> PrintService::Reprint(const std::string& job_id, const std::string& station) {
  auto original = Job(job_id);
  if (!original.ok()) return original.status().WithContext("reprint");
  PrintRequest r{station.empty() ? original->station : station, original->format, original->kind,
                 original->ref, original->data};
  return impl_->Enqueue(std::move(r), job_id);
}

Result<PrintJob> PrintService::Job(const std::string& job_id) {
  if (auto it = impl_->jobs.find(job_id); it != impl_->jobs.end()) return it->second.job;
  return impl_->store.Get(job_id);
}

std::vector<StationPrinterStatus> PrintService::Stations() const {
  std::vector<StationPrinterStatus> out;
  for (const auto& s : impl_->stations) out.push_back(s.status);
  return out;
}

Result<StationPrinterStatus> PrintService::Station(const std::string& station) const {
  for (const auto& s : impl_->stations) {
    if (s.config.station == station) return s.status;
  }
  return Status::NotFound("station '" + station + "' has no printer");
}

}  // namespace edge::drivers
