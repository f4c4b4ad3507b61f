// SqlitePrintJobStore on a real SQLite file, and PrintService on top of it
// with a real cupsd: print jobs survive a restart of the daemon (the store
// closed and opened again), and a crash between CUPS accepting a job and the
// row learning its CUPS id does not print it twice.
#include "edge/app/print_job_store.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <functional>
#include <iostream>

#include "edge/testing/cupsd.h"
#include "edge/testing/temp_dir.h"

namespace edge::app {
namespace {

using namespace std::chrono_literals;
using drivers::DocumentFormat;
using drivers::PrintJob;
using drivers::PrintJobState;

class PrintJobStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }

  void Open() {
    jobs_.reset();
    store_.reset();
    store::StoreOptions o;
    o.path = dir_.File("s.db");
    o.store_id = "S1";
    auto s = store::Store::Open(o, clock_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    jobs_ = std::make_unique<SqlitePrintJobStore>(*store_);
  }

  static PrintJob Job(const std::string& id, int64_t created) {
    PrintJob j;
    j.id = id;
    j.station = "pack-1";
    j.format = DocumentFormat::kZpl;
    j.kind = "bag_label";
    j.ref = "ORD-1:1/1";
    j.data = std::string("^XA\0^XZ", 7);  // bytes, NUL included
    j.created_ms = j.updated_ms = created;
    return j;
  }

  testing::TempDir dir_;
  core::ManualClock clock_{core::FromUnixMillis(1795774503120)};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<SqlitePrintJobStore> jobs_;
};

TEST_F(PrintJobStoreTest, KeepsEveryField) {
  PrintJob j = Job("a", 100);
  j.format = DocumentFormat::kPdf;
  j.reprint_of = "z";
  ASSERT_TRUE(jobs_->Create(j).ok());
  EXPECT_EQ(jobs_->Create(j).code(), core::StatusCode::kAlreadyExists);
  ASSERT_TRUE(jobs_->MarkAttempt("a", 1, 110).ok());
  ASSERT_TRUE(jobs_->MarkSubmitted("a", "zebra1", 42, 120).ok());
  Open();  // from the file, not a cache
  auto got = jobs_->Get("a");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->data, j.data);
  EXPECT_EQ(got->format, DocumentFormat::kPdf);
  EXPECT_EQ(got->state, PrintJobState::kSubmitted);
  EXPECT_EQ(got->queue, "zebra1");
  EXPECT_EQ(got->cups_job_id, 42);
  EXPECT_EQ(got->attempts, 1);
  EXPECT_EQ(got->kind, "bag_label");
  EXPECT_EQ(got->ref, "ORD-1:1/1");
  EXPECT_EQ(got->reprint_of, "z");
  EXPECT_EQ(got->created_ms, 100);
  EXPECT_EQ(got->updated_ms, 120);

  ASSERT_TRUE(jobs_->MarkState("a", PrintJobState::kFailed, "CUPS aborted job 42", 130).ok());
  EXPECT_EQ(jobs_->Get("a")->reason, "CUPS aborted job 42");
  EXPECT_EQ(jobs_->Get("nope").status().code(), core::StatusCode::kNotFound);
  EXPECT_EQ(jobs_->MarkAttempt("nope", 1, 1).code(), core::StatusCode::kNotFound);
  EXPECT_EQ(jobs_->MarkSubmitted("nope", "q", 1, 1).code(), core::StatusCode::kNotFound);
  EXPECT_EQ(jobs_->MarkState("nope", PrintJobState::kFailed, "", 1).code(), core::StatusCode::kNotFound);
}

TEST_F(PrintJobStoreTest, ListsUnfinishedOldestFirstAndPrunesFinished) {
  ASSERT_TRUE(jobs_->Create(Job("b", 200)).ok());
  ASSERT_TRUE(jobs_->Create(Job("a", 100)).ok());
  ASSERT_TRUE(jobs_->Create(Job("c", 300)).ok());
  ASSERT_TRUE(jobs_->Create(Job("d", 400)).ok());
  ASSERT_TRUE(jobs_->MarkSubmitted("c", "q", 7, 310).ok());
  ASSERT_TRUE(jobs_->MarkState("b", PrintJobState::kCompleted, "", 250).ok());
  ASSERT_TRUE(jobs_->MarkState("d", PrintJobState::kCancelled, "", 450).ok());
  auto open = jobs_->ListUnfinished();
  ASSERT_TRUE(open.ok());
  ASSERT_EQ(open->size(), 2u);
  EXPECT_EQ((*open)[0].id, "a");
  EXPECT_EQ((*open)[1].id, "c");

  auto pruned = jobs_->DeleteFinishedBefore(300);
  ASSERT_TRUE(pruned.ok());
  EXPECT_EQ(*pruned, 1);  // b; d is newer, a and c unfinished
  EXPECT_EQ(jobs_->Get("b").status().code(), core::StatusCode::kNotFound);
  EXPECT_TRUE(jobs_->Get("d").ok());

  auto recent = jobs_->RecentAt("pack-1", 2);
  ASSERT_TRUE(recent.ok());
  ASSERT_EQ(recent->size(), 2u);
  EXPECT_EQ((*recent)[0].id, "d");
  EXPECT_EQ((*recent)[1].id, "c");
}

TEST_F(PrintJobStoreTest, SchemaRefusesASubmittedJobWithoutCupsId) {
  ASSERT_TRUE(jobs_->Create(Job("a", 100)).ok());
  EXPECT_FALSE(jobs_->MarkSubmitted("a", "q", 0, 1).ok());
}

TEST(PrintServiceOptionsFor, TakesStationsWithPrinters) {
  Config c;
  c.stations = {{"pack-1", "zebra1", "zpl", {}}, {"counter", "", "pdf", {}}, {"office", "laser", "pdf", {}}};
  auto o = PrintServiceOptionsFor(c);
  ASSERT_EQ(o.stations.size(), 2u);
  EXPECT_EQ(o.stations[0].station, "pack-1");
  EXPECT_EQ(o.stations[0].queue, "zebra1");
  EXPECT_EQ(o.stations[0].format, DocumentFormat::kZpl);
  EXPECT_EQ(o.stations[1].format, DocumentFormat::kPdf);
  EXPECT_EQ(o.cups_server, "");
}

// The SQLite store with one write failing on demand: the crash window.
class FailingSubmitStore : public drivers::PrintJobStore {
 public:
  explicit FailingSubmitStore(drivers::PrintJobStore& inner) : inner_(inner) {}
  core::Status Create(const PrintJob& j) override { return inner_.Create(j); }
  core::Status MarkAttempt(const std::string& id, int a, int64_t t) override {
    return inner_.MarkAttempt(id, a, t);
  }
  core::Status MarkSubmitted(const std::string&, const std::string&, int, int64_t) override {
    return core::Status::IoError("disk I/O error (test)");
  }
  core::Status MarkState(const std::string&, PrintJobState, const std::string&, int64_t) override {
    return core::Status::IoError("disk I/O error (test)");
  }
  core::Result<PrintJob> Get(const std::string& id) override { return inner_.Get(id); }
  core::Result<std::vector<PrintJob>> ListUnfinished() override { return inner_.ListUnfinished(); }
  core::Result<int64_t> DeleteFinishedBefore(int64_t t) override { return inner_.DeleteFinishedBefore(t); }

 private:
  drivers::PrintJobStore& inner_;
};

class PrintServiceOnSqliteTest : public PrintJobStoreTest {
 protected:
  PrintServiceOnSqliteTest() : cupsd_(dir_) { cupsd_.AddQueue("zebra1"); }
  ~PrintServiceOnSqliteTest() override {
    service_.reset();
    if (HasFailure())
      std::cerr << cupsd_.Log().substr(cupsd_.Log().size() > 5000 ? cupsd_.Log().size() - 5000 : 0);
  }

  void Start(drivers::PrintJobStore& store) {
    Config c;
    c.stations = {{"pack-1", "zebra1", "zpl", {}}};
    auto o = PrintServiceOptionsFor(c);
    o.cups_server = cupsd_.server();
    o.poll_min = 30ms;
    o.poll_max = 150ms;
    o.retry_min = 30ms;
    o.retry_max = 300ms;
    auto s = drivers::PrintService::Create(io_.get_executor(), store, clock_, o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    service_ = std::move(s).value();
  }
  // The daemon dies: service and database connection gone, nothing flushed
  // that was not committed.
  void Restart() {
    service_.reset();
    io_.restart();
    io_.poll();
    Open();
  }
  bool RunUntil(const std::function<bool()>& pred, std::chrono::milliseconds timeout = 20s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!pred()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      if (io_.stopped()) io_.restart();
      io_.run_one_for(20ms);
    }
    return true;
  }
  PrintJobState Stored(const std::string& id) { return jobs_->Get(id)->state; }

  testing::Cupsd cupsd_;
  boost::asio::io_context io_;
  std::unique_ptr<drivers::PrintService> service_;
};

TEST_F(PrintServiceOnSqliteTest, AJobWaitingInCupsIsFollowedAfterARestart) {
  cupsd_.Pause("zebra1");
  Start(*jobs_);
  auto id = service_->PrintLocationLabel("pack-1", {"A", "12", "3", ""});
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  ASSERT_TRUE(RunUntil([&] { return Stored(*id) == PrintJobState::kSubmitted; }));
  Restart();
  cupsd_.Resume("zebra1");
  Start(*jobs_);
  ASSERT_TRUE(RunUntil([&] { return Stored(*id) == PrintJobState::kCompleted; }));
  auto saved = cupsd_.Saved("zebra1");
  ASSERT_EQ(saved.size(), 1u);
  EXPECT_EQ(saved[0].data, *core::LocationLabelZpl({"A", "12", "3", ""}));
}

TEST_F(PrintServiceOnSqliteTest, ACrashBeforeTheCupsIdIsCommittedDoesNotPrintTwice) {
  FailingSubmitStore failing(*jobs_);
  Start(failing);
  auto id = service_->PrintLocationLabel("pack-1", {"A", "12", "3", ""});
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(RunUntil([&] { return cupsd_.Saved("zebra1").size() == 1; }));
  Restart();
  EXPECT_EQ(Stored(*id), PrintJobState::kQueued);
  EXPECT_EQ(jobs_->Get(*id)->attempts, 1);
  Start(*jobs_);
  ASSERT_TRUE(RunUntil([&] { return Stored(*id) == PrintJobState::kCompleted; }));
  auto saved = cupsd_.Saved("zebra1");
  ASSERT_EQ(saved.size(), 1u) << "printed twice";
  EXPECT_EQ(jobs_->Get(*id)->cups_job_id, saved[0].cups_id);
}

}  // namespace
}  // namespace edge::app
