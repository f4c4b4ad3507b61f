// PrintService against a real cupsd (edge::testing::Cupsd) whose savejob
// backend saves every job: what reaches the "printer" is what was meant,
// faults make jobs wait and retry while the station says why, and after a
// crash nothing prints twice. The job store here is an in-memory
// PrintJobStore that outlives the service (a crash loses the service's
// memory, not the store); the SQLite store is tested in edge/app.
#include "edge/drivers/printing.h"

#include <cups/cups.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>

#include "edge/testing/cupsd.h"

namespace edge::drivers {
namespace {

using namespace std::chrono_literals;
using core::Status;
using testing::Cupsd;
using testing::TempDir;

// A PrintJobStore in memory, with failures on demand.
class MemoryJobStore : public PrintJobStore {
 public:
  Status Create(const PrintJob& job) override {
    if (jobs_.count(job.id)) return Status::AlreadyExists("job " + job.id);
    jobs_[job.id] = job;
    order_.push_back(job.id);
    return Status::Ok();
  }
  Status MarkAttempt(const std::string& id, int attempts, int64_t now_ms) override {
    auto* j = Find(id);
    if (!j) return Status::NotFound(id);
    j->attempts = attempts;
    j->updated_ms = now_ms;
    return Status::Ok();
  }
  Status MarkSubmitted(const std::string& id, const std::string& queue, int cups_job_id,
                       int64_t now_ms) override {
    // The crash window: CUPS accepted the job, the commit never happened.
    if (fail_mark_submitted) return Status::IoError("disk I/O error (test)");
    auto* j = Find(id);
    if (!j) return Status::NotFound(id);
    j->state = PrintJobState::kSubmitted;
    j->queue = queue;
    j->cups_job_id = cups_job_id;
    j->updated_ms = now_ms;
    return Status::Ok();
  }
  Status MarkState(const std::string& id, PrintJobState state, const std::string& reason,
                   int64_t now_ms) override {
    if (fail_mark_state) return Status::IoError("disk I/O error (test)");
    auto* j = Find(id);
    if (!j) return Status::NotFound(id);
    j->state = state;
    j->reason = reason;
    j->updated_ms = now_ms;
    return Status::Ok();
  }
  core::Result<PrintJob> Get(const std::string& id) override {
    auto* j = Find(id);
    if (!j) return Status::NotFound("print job " + id);
    return *j;
  }
  core::Result<std::vector<PrintJob>> ListUnfinished() override {
    std::vector<PrintJob> out;
    for (const auto& id : order_) {
      if (!IsFinished(jobs_[id].state)) out.push_back(jobs_[id]);
    }
    return out;
  }
  core::Result<int64_t> DeleteFinishedBefore(int64_t before_ms) override {
    int64_t n = 0;
    for (auto it = order_.begin(); it != order_.end();) {
      const PrintJob& j = jobs_[*it];
      if (IsFinished(j.state) && j.updated_ms < before_ms) {
        jobs_.erase(*it);
        it = order_.erase(it);
        ++n;
      } else {
        ++it;
      }
    }
    return n;
  }

  PrintJob* Find(const std::string& id) {
    auto it = jobs_.find(id);
    return it == jobs_.end() ? nullptr : &it->second;
  }

  bool fail_mark_submitted = false;
  bool fail_mark_state = false;

 private:
  std::map<std::string, PrintJob> jobs_;
  std::vector<std::string> order_;
};

// The repository, from this file's path (drivers/unit/printing_test.cc).
std::string SourceDir() {
  return std::filesystem::path(__FILE__).parent_path().parent_path().parent_path().string();
}

Cupsd::Options CupsdOptions() {
  Cupsd::Options o;
  o.backend = SourceDir() + "/tests/data/cups/backend/savejob";
  return o;
}

class PrintingTest : public ::testing::Test {
 protected:
  PrintingTest() : cupsd_(dir_, CupsdOptions()), clock_(core::FromUnixMillis(1'795'000'000'000)) {
    cupsd_.AddQueue("zebra1");
    cupsd_.AddQueue("laser1");
  }
  ~PrintingTest() override {
    service_.reset();
    if (HasFailure()) std::cerr << "---- cupsd error_log (tail) ----\n" << Tail(cupsd_.Log(), 6000) << "\n";
  }

  static std::string Tail(const std::string& s, std::size_t n) {
    return s.size() > n ? s.substr(s.size() - n) : s;
  }

  PrintServiceOptions Options() {
    PrintServiceOptions o;
    o.cups_server = cupsd_.server();
    o.stations = {{"pack-1", "zebra1", DocumentFormat::kZpl}, {"office", "laser1", DocumentFormat::kPdf}};
    o.poll_min = 30ms;
    o.poll_max = 150ms;
    o.retry_min = 30ms;
    o.retry_max = 300ms;
    o.cups_timeout = 5s;
    o.on_station = [this](const StationPrinterStatus& s) { station_changes_.push_back(s); };
    return o;
  }

  void StartService(PrintServiceOptions o) {
    auto s = PrintService::Create(io_.get_executor(), store_, clock_, std::move(o));
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    service_ = std::move(s).value();
  }
  void StartService() { StartService(Options()); }

  // Runs the io_context until `pred` holds; false at the deadline.
  bool RunUntil(const std::function<bool()>& pred, std::chrono::milliseconds timeout = 20s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!pred()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      if (io_.stopped()) io_.restart();
      io_.run_one_for(20ms);
    }
    return true;
  }

  PrintJobState StateOf(const std::string& id) {
    auto j = service_->Job(id);
    return j.ok() ? j->state : PrintJobState::kQueued;
  }
  bool Done(const std::string& id) { return IsFinished(StateOf(id)); }
  StationPrinterStatus StationOf(const std::string& s) { return *service_->Station(s); }

  // "Crash": the service goes away without a word to the store.
  void Crash() {
    service_.reset();
    io_.restart();
    io_.poll();  // handlers posted before the crash find no service
  }

  core::BagLabel Bag(int n = 1) { return {"ORD-10023", "SMITH J", n, 2, "Shelf P-01"}; }

  TempDir dir_;
  Cupsd cupsd_;
  core::ManualClock clock_;
  MemoryJobStore store_;
  boost::asio::io_context io_;
  std::vector<StationPrinterStatus> station_changes_;
  std::unique_ptr<PrintService> service_;
};

TEST_F(PrintingTest, PrintsZplRawAndFollowsItToCompletion) {
  StartService();
  auto id = service_->PrintBagLabel("pack-1", Bag());
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(store_.Find(*id)->state, PrintJobState::kQueued);  // durable before Print returned
  ASSERT_TRUE(RunUntil([&] { return Done(*id); }));
  EXPECT_EQ(StateOf(*id), PrintJobState::kCompleted);

  auto saved = cupsd_.Saved("zebra1");
  ASSERT_EQ(saved.size(), 1u);
  // Raw: the printer got the ZPL byte for byte, under the job's name.
  EXPECT_EQ(saved[0].data, *core::BagLabelZpl(Bag()));
  EXPECT_EQ(saved[0].title, "storeedge-" + *id);
  const PrintJob* stored = store_.Find(*id);
  EXPECT_EQ(stored->state, PrintJobState::kCompleted);
  EXPECT_EQ(stored->cups_job_id, saved[0].cups_id);
  EXPECT_EQ(stored->queue, "zebra1");
  EXPECT_EQ(stored->attempts, 1);
  EXPECT_EQ(stored->kind, "bag_label");
  EXPECT_EQ(stored->ref, "ORD-10023:1/2");

  ASSERT_TRUE(RunUntil([&] { return StationOf("pack-1").state == StationPrinterStatus::State::kIdle; }));
  EXPECT_TRUE(StationOf("pack-1").ready());
  EXPECT_EQ(StationOf("pack-1").Summary(), "ready");
  EXPECT_EQ(StationOf("pack-1").unfinished_jobs, 0);
}

TEST_F(PrintingTest, PdfStationsGetPdfAndFormatsMustMatch) {
  StartService();
  core::PackingSlip slip;
  slip.order_ref = "ORD-10023";
  slip.store_name = "Store S042";
  slip.ship_to = {"Jane Doe", {"22 Elm Road"}};
  slip.lines = {{"SKU-1", "Blue mug", 2}};
  auto id = service_->PrintPackingSlip("office", slip);
  ASSERT_TRUE(id.ok()) << id.status().ToString();

  EXPECT_EQ(service_->PrintPackingSlip("pack-1", slip).status().message(),
            "station 'pack-1' prints ZPL labels; a packing slip needs a PDF printer");
  EXPECT_EQ(service_->PrintCarrierLabel("office", "PKG-1", DocumentFormat::kZpl, "^XA^XZ").status().message(),
            "station 'office' prints PDF; this document is ZPL");
  EXPECT_EQ(service_->PrintBagLabel("nowhere", Bag()).status().code(), core::StatusCode::kFailedPrecondition);
  EXPECT_EQ(service_->PrintCarrierLabel("pack-1", "PKG-1", DocumentFormat::kZpl, "").status().code(),
            core::StatusCode::kInvalidArgument);
  EXPECT_EQ(service_->PrintBagLabel("pack-1", {"bad ref", "", 1, 1, ""}).status().code(),
            core::StatusCode::kInvalidArgument);

  auto carrier = service_->PrintCarrierLabel("pack-1", "PKG-1", DocumentFormat::kZpl, "^XA^FDcarrier^FS^XZ");
  ASSERT_TRUE(carrier.ok());
  ASSERT_TRUE(RunUntil([&] { return Done(*id) && Done(*carrier); }));
  auto pdf = cupsd_.Saved("laser1");
  ASSERT_EQ(pdf.size(), 1u);
  EXPECT_EQ(pdf[0].data, *core::PackingSlipPdf(slip));
  auto zpl = cupsd_.Saved("zebra1");
  ASSERT_EQ(zpl.size(), 1u);
  EXPECT_EQ(zpl[0].data, "^XA^FDcarrier^FS^XZ");
}

TEST_F(PrintingTest, OutOfMediaMakesTheJobWaitAndTheStationSayWhy) {
  StartService();
  cupsd_.SetFault("zebra1", "state +media-empty-error\nmessage out of labels\nexit 1\n");
  auto id = service_->PrintBagLabel("pack-1", Bag());
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(RunUntil([&] {
    return StationOf("pack-1").Summary().find("out of media") != std::string::npos;
  })) << StationOf("pack-1").Summary();
  EXPECT_FALSE(StationOf("pack-1").ready());
  EXPECT_EQ(StateOf(*id), PrintJobState::kSubmitted);
  EXPECT_EQ(StationOf("pack-1").unfinished_jobs, 1);
  // The job says why it waits (CUPS' job-printer-state-message).
  ASSERT_TRUE(RunUntil([&] { return !service_->Job(*id)->reason.empty(); }));
  EXPECT_TRUE(cupsd_.Saved("zebra1").empty());
  // Someone put labels in: CUPS' retry prints it, once. (cupsd retries a
  // held job within about ten seconds, whatever JobRetryInterval says.)
  cupsd_.SetFault("zebra1", "");
  ASSERT_TRUE(RunUntil([&] { return Done(*id); }, 40s));
  EXPECT_EQ(StateOf(*id), PrintJobState::kCompleted);
  EXPECT_EQ(cupsd_.Saved("zebra1").size(), 1u);
  EXPECT_EQ(store_.Find(*id)->attempts, 1);  // CUPS retried; we submitted once
  ASSERT_TRUE(RunUntil([&] { return StationOf("pack-1").ready(); })) << StationOf("pack-1").Summary();
  // Observers heard of the fault.
  EXPECT_TRUE(
      std::any_of(station_changes_.begin(), station_changes_.end(), [](const StationPrinterStatus& s) {
        return s.station == "pack-1" && s.Summary().find("out of media") != std::string::npos;
      }));
}

TEST_F(PrintingTest, PausedQueueHoldsTheJobUntilResumed) {
  StartService();
  cupsd_.Pause("zebra1", "lunch break");
  auto id = service_->PrintBagLabel("pack-1", Bag());
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(RunUntil([&] {
    return StateOf(*id) == PrintJobState::kSubmitted &&
           StationOf("pack-1").state == StationPrinterStatus::State::kStopped;
  })) << StationOf("pack-1").Summary();
  EXPECT_EQ(StationOf("pack-1").Summary(), "paused (lunch break)");
  EXPECT_TRUE(cupsd_.Saved("zebra1").empty());
  cupsd_.Resume("zebra1");
  ASSERT_TRUE(RunUntil([&] { return Done(*id); }));
  EXPECT_EQ(StateOf(*id), PrintJobState::kCompleted);
  EXPECT_EQ(cupsd_.Saved("zebra1").size(), 1u);
}

TEST_F(PrintingTest, CupsdDownKeepsJobsQueuedAndRetriesWhenItIsBack) {
  StartService();
  ASSERT_TRUE(RunUntil([&] { return StationOf("pack-1").state == StationPrinterStatus::State::kIdle; }));
  cupsd_.Stop();
  auto first = service_->PrintBagLabel("pack-1", Bag(1));
  auto second = service_->PrintBagLabel("pack-1", Bag(2));
  ASSERT_TRUE(first.ok() && second.ok());
  ASSERT_TRUE(
      RunUntil([&] { return StationOf("pack-1").state == StationPrinterStatus::State::kUnreachable; }));
  EXPECT_EQ(StationOf("pack-1").Summary().rfind("CUPS unreachable: ", 0), 0u)
      << StationOf("pack-1").Summary();
  ASSERT_TRUE(RunUntil([&] { return store_.Find(*first)->attempts >= 2; }));  // retrying with backoff
  EXPECT_EQ(StateOf(*first), PrintJobState::kQueued);
  EXPECT_FALSE(service_->Job(*first)->reason.empty());

  cupsd_.Start();
  ASSERT_TRUE(RunUntil([&] { return Done(*first) && Done(*second); }));
  EXPECT_EQ(StateOf(*first), PrintJobState::kCompleted);
  auto saved = cupsd_.Saved("zebra1");
  ASSERT_EQ(saved.size(), 2u);
  // In the order they were made.
  EXPECT_EQ(saved[0].title, "storeedge-" + *first);
  EXPECT_EQ(saved[1].title, "storeedge-" + *second);
}

TEST_F(PrintingTest, CupsdRestartWhileAJobWaitsLosesNothing) {
  StartService();
  cupsd_.Pause("zebra1");
  auto id = service_->PrintBagLabel("pack-1", Bag());
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(RunUntil([&] { return StateOf(*id) == PrintJobState::kSubmitted; }));
  cupsd_.Stop();
  ASSERT_TRUE(
      RunUntil([&] { return StationOf("pack-1").state == StationPrinterStatus::State::kUnreachable; }));
  cupsd_.Start();
  cupsd_.Resume("zebra1");
  ASSERT_TRUE(RunUntil([&] { return Done(*id); }));
  EXPECT_EQ(StateOf(*id), PrintJobState::kCompleted);
  EXPECT_EQ(cupsd_.Saved("zebra1").size(), 1u);
}

TEST_F(PrintingTest, CrashBetweenCupsAcceptAndCommitDoesNotPrintTwice) {
  StartService();
  store_.fail_mark_submitted = true;
  store_.fail_mark_state = true;
  auto id = service_->PrintBagLabel("pack-1", Bag());
  ASSERT_TRUE(id.ok());
  // CUPS took the job and printed it; our row never learnt the CUPS id.
  ASSERT_TRUE(RunUntil([&] { return cupsd_.Saved("zebra1").size() == 1; }));
  Crash();
  ASSERT_EQ(store_.Find(*id)->state, PrintJobState::kQueued);
  ASSERT_EQ(store_.Find(*id)->attempts, 1);

  store_.fail_mark_submitted = false;
  store_.fail_mark_state = false;
  StartService();
  ASSERT_TRUE(RunUntil([&] { return Done(*id); }));
  EXPECT_EQ(StateOf(*id), PrintJobState::kCompleted);
  auto saved = cupsd_.Saved("zebra1");
  ASSERT_EQ(saved.size(), 1u) << "printed twice";
  EXPECT_EQ(store_.Find(*id)->cups_job_id, saved[0].cups_id);  // adopted
  EXPECT_EQ(store_.Find(*id)->attempts, 2);
}

TEST_F(PrintingTest, CrashWhileCupsHoldsTheJobFollowsItAfterRestart) {
  cupsd_.Pause("zebra1");
  StartService();
  auto id = service_->PrintBagLabel("pack-1", Bag());
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(RunUntil([&] { return store_.Find(*id)->state == PrintJobState::kSubmitted; }));
  const int cups_id = store_.Find(*id)->cups_job_id;
  Crash();
  cupsd_.Resume("zebra1");
  StartService();
  ASSERT_TRUE(RunUntil([&] { return Done(*id); }));
  EXPECT_EQ(StateOf(*id), PrintJobState::kCompleted);
  auto saved = cupsd_.Saved("zebra1");
  ASSERT_EQ(saved.size(), 1u);
  EXPECT_EQ(saved[0].cups_id, cups_id);
}

TEST_F(PrintingTest, JobsNeverSubmittedAreSubmittedAtStart) {
  PrintJob job;
  job.id = "0c6f3b8e-0d0a-4c1e-9f3e-4e0f6d7c8b9a";
  job.station = "pack-1";
  job.format = DocumentFormat::kZpl;
  job.kind = "carrier_label";
  job.data = "^XA^FDqueued before the crash^FS^XZ";
  ASSERT_TRUE(store_.Create(job).ok());
  StartService();
  ASSERT_TRUE(RunUntil([&] { return Done(job.id); }));
  EXPECT_EQ(StateOf(job.id), PrintJobState::kCompleted);
  auto saved = cupsd_.Saved("zebra1");
  ASSERT_EQ(saved.size(), 1u);
  EXPECT_EQ(saved[0].data, job.data);
}

TEST_F(PrintingTest, AnUploadCutShortIsCancelledAndTheJobSubmittedAnew) {
  // A crash mid-upload leaves a CUPS job of our name without its document.
  PrintJob job;
  job.id = "5a1d2c3b-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
  job.station = "pack-1";
  job.format = DocumentFormat::kZpl;
  job.kind = "carrier_label";
  job.data = "^XA^FDwhole^FS^XZ";
  job.attempts = 1;
  ASSERT_TRUE(store_.Create(job).ok());
  http_t* http = httpConnect2("127.0.0.1", cupsd_.port(), nullptr, AF_INET, HTTP_ENCRYPTION_IF_REQUESTED, 1,
                              5000, nullptr);
  ASSERT_NE(http, nullptr);
  ipp_t* request = ippNewRequest(IPP_OP_CREATE_JOB);
  ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", nullptr,
               "ipp://localhost/printers/zebra1");
  ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_NAME, "requesting-user-name", nullptr, cupsUser());
  ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_NAME, "job-name", nullptr,
               ("storeedge-" + job.id).c_str());
  ipp_t* response = cupsDoRequest(http, request, "/printers/zebra1");
  ipp_attribute_t* id_attr = ippFindAttribute(response, "job-id", IPP_TAG_INTEGER);
  const int orphan = id_attr ? ippGetInteger(id_attr, 0) : 0;
  ippDelete(response);
  httpClose(http);
  ASSERT_GT(orphan, 0) << cupsLastErrorString();

  StartService();
  ASSERT_TRUE(RunUntil([&] { return Done(job.id); }));
  EXPECT_EQ(StateOf(job.id), PrintJobState::kCompleted);
  auto saved = cupsd_.Saved("zebra1");
  ASSERT_EQ(saved.size(), 1u);
  EXPECT_EQ(saved[0].data, job.data);
  EXPECT_NE(saved[0].cups_id, orphan);
}

TEST_F(PrintingTest, AJobCupsAbortsIsSubmittedAgain) {
  cupsd_.AddQueue("zebra2", {"-o", "printer-error-policy=abort-job"});
  auto o = Options();
  o.stations = {{"pack-2", "zebra2", DocumentFormat::kZpl}};
  StartService(o);
  cupsd_.SetFault("zebra2", "state +offline-report\nexit 1\n");
  auto id = service_->PrintBagLabel("pack-2", Bag());
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(
      RunUntil([&] { return service_->Job(*id)->reason.find("CUPS aborted job") != std::string::npos; }));
  cupsd_.SetFault("zebra2", "");
  ASSERT_TRUE(RunUntil([&] { return Done(*id); }));
  EXPECT_EQ(StateOf(*id), PrintJobState::kCompleted);
  EXPECT_GE(store_.Find(*id)->attempts, 2);
  EXPECT_EQ(cupsd_.Saved("zebra2").size(), 1u);
}

TEST_F(PrintingTest, AJobAbortedTooOftenFails) {
  cupsd_.AddQueue("zebra2", {"-o", "printer-error-policy=abort-job"});
  auto o = Options();
  o.stations = {{"pack-2", "zebra2", DocumentFormat::kZpl}};
  o.max_attempts = 2;
  StartService(o);
  cupsd_.SetFault("zebra2", "exit 1\n");
  auto id = service_->PrintBagLabel("pack-2", Bag());
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(RunUntil([&] { return Done(*id); }));
  EXPECT_EQ(StateOf(*id), PrintJobState::kFailed);
  EXPECT_NE(store_.Find(*id)->reason.find("CUPS aborted job"), std::string::npos) << store_.Find(*id)->reason;
  EXPECT_EQ(store_.Find(*id)->attempts, 2);
}

TEST_F(PrintingTest, JobCancelledInCupsIsCancelled) {
  cupsd_.Pause("zebra1");
  StartService();
  auto id = service_->PrintBagLabel("pack-1", Bag());
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(RunUntil([&] { return StateOf(*id) == PrintJobState::kSubmitted; }));
  cupsd_.Admin({"/usr/bin/cancel", "-h", cupsd_.server(), std::to_string(service_->Job(*id)->cups_job_id)});
  ASSERT_TRUE(RunUntil([&] { return Done(*id); }));
  EXPECT_EQ(StateOf(*id), PrintJobState::kCancelled);
  cupsd_.Resume("zebra1");
  EXPECT_TRUE(cupsd_.Saved("zebra1").empty());
}

TEST_F(PrintingTest, ReprintMakesANewJobWithTheSameDocument) {
  StartService();
  auto id = service_->PrintBagLabel("pack-1", Bag());
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(RunUntil([&] { return Done(*id); }));
  auto again = service_->Reprint(*id);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_NE(*again, *id);
  ASSERT_TRUE(RunUntil([&] { return Done(*again); }));
  auto saved = cupsd_.Saved("zebra1");
  ASSERT_EQ(saved.size(), 2u);
  EXPECT_EQ(saved[0].data, saved[1].data);
  EXPECT_EQ(saved[1].title, "storeedge-" + *again);
  EXPECT_EQ(service_->Job(*again)->reprint_of, *id);
  EXPECT_EQ(service_->Reprint("no-such-job").status().code(), core::StatusCode::kNotFound);
  // Only at a station of the same format.
  EXPECT_EQ(service_->Reprint(*id, "office").status().code(), core::StatusCode::kFailedPrecondition);
}

TEST_F(PrintingTest, AMissingQueueIsReportedAndWaitedFor) {
  auto o = Options();
  o.stations = {{"pack-3", "zebra3", DocumentFormat::kZpl}};
  StartService(o);
  auto id = service_->PrintBagLabel("pack-3", Bag());
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(RunUntil([&] { return StationOf("pack-3").state == StationPrinterStatus::State::kNoQueue; }));
  EXPECT_EQ(StationOf("pack-3").Summary(), "no CUPS queue 'zebra3'");
  EXPECT_EQ(StateOf(*id), PrintJobState::kQueued);
  cupsd_.AddQueue("zebra3");
  ASSERT_TRUE(RunUntil([&] { return Done(*id); }));
  EXPECT_EQ(cupsd_.Saved("zebra3").size(), 1u);
}

TEST_F(PrintingTest, AQueueRejectingJobsKeepsThemQueued) {
  StartService();
  cupsd_.Reject("zebra1");
  auto id = service_->PrintBagLabel("pack-1", Bag());
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(RunUntil([&] { return !StationOf("pack-1").accepting && store_.Find(*id)->attempts >= 1; }));
  EXPECT_NE(StationOf("pack-1").Summary().find("not accepting jobs"), std::string::npos);
  EXPECT_EQ(StateOf(*id), PrintJobState::kQueued);
  cupsd_.Accept("zebra1");
  ASSERT_TRUE(RunUntil([&] { return Done(*id); }));
  EXPECT_EQ(cupsd_.Saved("zebra1").size(), 1u);
}

TEST(PrintServiceOptions, AreValidated) {
  boost::asio::io_context io;
  MemoryJobStore store;
  core::ManualClock clock;
  PrintServiceOptions o;
  o.stations = {{"a", "q", DocumentFormat::kZpl}, {"a", "q2", DocumentFormat::kPdf}};
  EXPECT_EQ(PrintService::Create(io.get_executor(), store, clock, o).status().message(),
            "printing: station 'a' is listed twice");
  o.stations = {{"a", "", DocumentFormat::kZpl}};
  EXPECT_EQ(PrintService::Create(io.get_executor(), store, clock, o).status().message(),
            "printing: station 'a': no CUPS queue");
}

TEST(StationPrinterStatus, SummariesReadWell) {
  StationPrinterStatus s;
  s.queue = "q";
  EXPECT_EQ(s.Summary(), "not checked yet");
  s.state = StationPrinterStatus::State::kIdle;
  EXPECT_EQ(s.Summary(), "ready");
  EXPECT_TRUE(s.ready());
  s.reasons = {"media-empty-error", "offline-report"};
  s.message = "out of labels";
  EXPECT_EQ(s.Summary(), "out of media, offline (out of labels)");
  EXPECT_FALSE(s.ready());
  s.reasons = {"media-low-report"};
  s.message.clear();
  EXPECT_EQ(s.Summary(), "media low");
  EXPECT_TRUE(s.ready());
  s.state = StationPrinterStatus::State::kStopped;
  s.reasons = {"paused"};
  EXPECT_EQ(s.Summary(), "paused");
  s.reasons = {};
  EXPECT_EQ(s.Summary(), "stopped");
  s.state = StationPrinterStatus::State::kUnreachable;
  s.message = "Connection refused";
  EXPECT_EQ(s.Summary(), "CUPS unreachable: Connection refused");
}

TEST(PrintNames, RoundTrip) {
  for (auto s : {PrintJobState::kQueued, PrintJobState::kSubmitted, PrintJobState::kCompleted,
                 PrintJobState::kFailed, PrintJobState::kCancelled}) {
    EXPECT_EQ(*ParsePrintJobState(PrintJobStateName(s)), s);
  }
  EXPECT_FALSE(ParsePrintJobState("done").ok());
  EXPECT_EQ(*ParseDocumentFormat("zpl"), DocumentFormat::kZpl);
  EXPECT_EQ(*ParseDocumentFormat("pdf"), DocumentFormat::kPdf);
  EXPECT_FALSE(ParseDocumentFormat("ps").ok());
}

}  // namespace
}  // namespace edge::drivers
