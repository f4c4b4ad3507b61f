// The order service's printer port on the real print service: a bag label
// queued through PrintServiceLabelPrinter reaches a real cupsd (its savejob
// backend keeps each job) byte for byte in the station's format, and a
// station without a printer is refused by name.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <chrono>

#include "edge/app/print_job_store.h"
#include "edge/core/clock.h"
#include "edge/core/labels.h"
#include "edge/store/store.h"
#include "edge/testing/cupsd.h"
#include "edge/testing/temp_dir.h"

namespace edge::app {
namespace {

using namespace std::chrono_literals;

TEST(BagLabelPrint, AQueuedBagLabelReachesCupsdInTheStationsFormat) {
  edge::testing::TempDir dir;
  edge::testing::Cupsd cupsd(dir);
  cupsd.AddQueue("zebra1");
  core::ManualClock clock(core::FromUnixMillis(1'795'774'503'120));
  store::StoreOptions so;
  so.path = dir.File("storeedge.db");
  so.store_id = "S042";
  auto store = store::Store::Open(so, clock);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  SqlitePrintJobStore jobs(**store);
  boost::asio::io_context io;
  drivers::PrintServiceOptions po;
  po.cups_server = cupsd.server();
  po.stations = {{"pack-1", "zebra1", drivers::DocumentFormat::kZpl}};
  po.poll_min = 30ms;
  po.poll_max = 150ms;
  po.cups_timeout = 5s;
  auto printing = drivers::PrintService::Create(io.get_executor(), jobs, clock, po);
  ASSERT_TRUE(printing.ok()) << printing.status().ToString();
  PrintServiceLabelPrinter printer(**printing);

  const core::BagLabel label{"W-O-7", "RUIZ A", 2, 2, "Hold until 2026-11-30"};
  ASSERT_TRUE(printer.QueueBagLabel("pack-1", "S042-B2", label).ok());
  EXPECT_EQ(printer.QueueBagLabel("front", "S042-B3", label).code(), core::StatusCode::kFailedPrecondition);

  // Until cupsd has saved the job (each wait is for that condition).
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (cupsd.Saved("zebra1").empty() && std::chrono::steady_clock::now() < deadline) {
    if (io.stopped()) io.restart();
    io.run_one_for(20ms);
  }
  auto saved = cupsd.Saved("zebra1");
  ASSERT_EQ(saved.size(), 1u);
  EXPECT_EQ(saved[0].data, *core::BagLabelZpl(label));
  EXPECT_NE(saved[0].data.find("SE1:BAG:W-O-7:2/2"), std::string::npos);
  (*printing)->Stop();
}

}  // namespace
}  // namespace edge::app
