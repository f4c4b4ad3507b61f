// SqlitePrintJobStore: the print_jobs table (edge/store/sql/0005_print_jobs.sql)
// behind drivers::PrintJobStore, the port through which PrintService keeps
// its jobs. Every write is one autocommit statement on the store's
// connection, so it is durable (synchronous FULL) when it returns OK — the
// write-ahead attempt count that keeps a crash from printing a job twice
// depends on it.
//
// Owned by the daemon next to the Store it borrows; used on the io_context
// thread only, like the Store.
#pragma once

#include <string>
#include <vector>

#include "edge/app/config.h"
#include "edge/app/order_service.h"
#include "edge/drivers/printing.h"
#include "edge/store/store.h"

namespace edge::app {

class SqlitePrintJobStore final : public drivers::PrintJobStore {
 public:
  explicit SqlitePrintJobStore(store::Store& store) : store_(store) {}

  // AlreadyExists for a taken id; the store's error otherwise.
  core::Status Create(const drivers::PrintJob& job) override;
  // NotFound when no job has the id.
  core::Status MarkAttempt(const std::string& id, int attempts, int64_t now_ms) override;
  core::Status MarkSubmitted(const std::string& id, const std::string& queue, int cups_job_id,
                             int64_t now_ms) override;
  core::Status MarkState(const std::string& id, drivers::PrintJobState state, const std::string& reason,
                         int64_t now_ms) override;
  core::Result<drivers::PrintJob> Get(const std::string& id) override;
  core::Result<std::vector<drivers::PrintJob>> ListUnfinished() override;
  core::Result<int64_t> DeleteFinishedBefore(int64_t before_ms) override;

  // A station's jobs, newest first (for "reprint the last label").
  core::Result<std::vector<drivers::PrintJob>> RecentAt(const std::string& station, int limit);

 private:
  store::Store& store_;
};

// PrintService options for `config`: one StationPrinter per [[station]] with
// a printer_queue, in config order, in its printer_format; the system's CUPS
// server (libcups' default, which honours $CUPS_SERVER); defaults otherwise.
drivers::PrintServiceOptions PrintServiceOptionsFor(const Config& config);

// The order service's printer port on the CUPS print service: a document is
// "queued" once the print service has stored its job (it survives a restart
// and is retried while the printer is away). A station without a printer,
// or whose printer takes the other format, is FailedPrecondition: the label
// stays pending for RetryLabelPrints (a config change and restart fix it).
class PrintServiceLabelPrinter final : public LabelPrinter {
 public:
  explicit PrintServiceLabelPrinter(drivers::PrintService& printing) : printing_(printing) {}
  core::Status QueuePrint(const std::string& station, const std::string& kind, const std::string& package_id,
                          const std::string& format, const std::string& bytes) override;
  core::Status QueueBagLabel(const std::string& station, const std::string& bag_id,
                             const core::BagLabel& label) override;

 private:
  drivers::PrintService& printing_;
};

}  // namespace edge::app
