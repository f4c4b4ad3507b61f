// The daemon with a station printer on a private cupsd: the station's printer
// state shows in the status API and in storeedgectl, and follows a paused
// queue.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "edge/testing/cupsd.h"
#include "edge/testing/daemon.h"

namespace edge::testing {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;

// Polls the status API until `pred` holds for the first printer (bounded).
bool WaitPrinter(DaemonUnderTest& d, const std::function<bool(const json&)>& pred, json* last) {
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (std::chrono::steady_clock::now() < deadline) {
    auto r = d.Get("/api/v1/status");
    if (r.ok() && r->status == 200) {
      const json j = json::parse(r->body);
      if (j.contains("printers") && !j["printers"].empty()) {
        *last = j["printers"][0];
        if (pred(*last)) return true;
      }
    }
    std::this_thread::yield();
  }
  return false;
}

TEST(Printers, StationPrinterStateShowsInStatusAndCtl) {
  TempDir dir;
  Cupsd cupsd(dir);
  cupsd.Start();
  cupsd.AddQueue("zebra1");
  DaemonUnderTest d(dir, "T001",
                    "[[station]]\nname = \"pack-1\"\nprinter_queue = \"zebra1\"\nprinter_format = \"zpl\"\n");
  ASSERT_TRUE(d.Start(30s, {{"CUPS_SERVER", cupsd.server()}})) << d.Stderr();
  json p;
  ASSERT_TRUE(WaitPrinter(
      d, [](const json& x) { return x["state"] == "idle"; }, &p))
      << p.dump();
  EXPECT_EQ(p["station"], "pack-1");
  EXPECT_EQ(p["queue"], "zebra1");
  EXPECT_EQ(p["format"], "zpl");
  EXPECT_EQ(p["ready"], true);
  EXPECT_EQ(p["summary"], "ready");

  cupsd.Pause("zebra1", "lunch break");
  ASSERT_TRUE(WaitPrinter(
      d, [](const json& x) { return x["state"] == "stopped"; }, &p))
      << p.dump();
  EXPECT_EQ(p["ready"], false);
  auto ctl = RunProgram(dir, {STOREEDGECTL_PATH, "--config", d.config_path(), "status"});
  EXPECT_EQ(ctl.code, 0) << ctl.err;
  EXPECT_NE(ctl.out.find("printers:\n  pack-1       "), std::string::npos) << ctl.out;
  EXPECT_NE(ctl.out.find("(queue zebra1, zpl, 0 unfinished)"), std::string::npos) << ctl.out;

  d.process().Signal(SIGTERM);
  EXPECT_EQ(d.process().Wait(15s).value_or(-1), 0);
}

}  // namespace
}  // namespace edge::testing
