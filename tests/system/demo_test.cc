// The demo `make run` starts (packaging/demo/run-demo.sh), run on the built
// programs in a temp dir: it comes up with its broker, printers, store and
// simulated OMS; orders flow and are decided; the printed addresses, PINs
// and kiosk token work; `storeedgectl scan` reaches the station; and SIGINT
// (Ctrl-C) stops everything, leaving no process behind.
#include <dirent.h>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "edge/testing/daemon.h"
#include "edge/testing/eventually.h"
#include "edge/testing/mosquitto.h"

namespace edge::testing {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

// The pids whose command line mentions `needle`.
std::vector<std::string> ProcessesMentioning(const std::string& needle) {
  std::vector<std::string> found;
  DIR* d = ::opendir("/proc");
  if (d == nullptr) return found;
  while (dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string cmd = ReadFile("/proc/" + name + "/cmdline");
    std::replace(cmd.begin(), cmd.end(), '\0', ' ');
    if (cmd.find(needle) != std::string::npos) found.push_back(name + ": " + cmd);
  }
  ::closedir(d);
  return found;
}

TEST(Demo, ComesUpRoutesOrdersAnswersScansAndStopsCleanlyOnCtrlC) {
  TempDir dir;
  const std::string demo = dir.File("demo");
  const uint16_t http_port = FreePort();
  Process::Options o;
  o.argv = {"/bin/bash", STOREEDGE_SOURCE_DIR "/packaging/demo/run-demo.sh", STOREEDGE_BUILD_DIR};
  o.env = {{"DEMO_DIR", demo},
           {"DEMO_HTTP_PORT", std::to_string(http_port)},
           {"DEMO_MQTT_PORT", std::to_string(FreePort())},
           {"DEMO_INTERVAL_MS", "300"},
           {"DEMO_ORDERS", "6"},
           {"DEMO_CATALOGUE_SIZE", "120"}};
  o.unset_env = {"NOTIFY_SOCKET", "WATCHDOG_USEC", "CUPS_SERVER"};
  o.stdout_path = dir.File("demo.out");
  o.stderr_path = dir.File("demo.err");
  Process script(o);
  auto out = [&] { return ReadFile(dir.File("demo.out")) + ReadFile(dir.File("demo.err")); };

  ASSERT_TRUE(Eventually([&] { return out().find("store DEMO is open") != std::string::npos; }, 180s))
      << out();
  const std::string banner = out();
  const std::string url = "http://127.0.0.1:" + std::to_string(http_port);
  EXPECT_NE(banner.find(url + "/app/"), std::string::npos) << banner;
  EXPECT_NE(banner.find("ana / PIN 1234"), std::string::npos);
  EXPECT_NE(banner.find("sam / PIN 9999"), std::string::npos);
  EXPECT_NE(banner.find("scan pack-1 CODE"), std::string::npos);
  EXPECT_TRUE(std::regex_search(banner, std::regex("e\\.g\\. 50123451\\d{5} "))) << banner;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(banner, m, std::regex("/kiosk/\\?token=([0-9a-f]+)"))) << banner;
  const std::string kiosk_token = m[1];

  // The printed PIN signs in; the printed kiosk token is a kiosk.
  auto login = kiosk::HttpRequest("127.0.0.1", http_port, "POST", "/api/v1/auth/login",
                                  json{{"associate_id", "ana"}, {"pin", "1234"}}.dump());
  ASSERT_TRUE(login.ok());
  EXPECT_EQ(login->status, 200) << login->body;
  auto me = kiosk::HttpRequest("127.0.0.1", http_port, "GET", "/api/v1/me", "",
                               {{"Authorization", "Bearer " + kiosk_token}});
  ASSERT_TRUE(me.ok());
  EXPECT_EQ(me->status, 200) << me->body;
  EXPECT_EQ(json::parse(me->body).value("role", ""), "kiosk") << me->body;

  // The simulated OMS routes its 6 orders and the store decides each.
  const std::string report = demo + "/oms-report.json";
  ASSERT_TRUE(Eventually(
      [&] {
        json r = json::parse(ReadFile(report), nullptr, false);
        return r.is_object() && r["stores"]["DEMO"].value("orders_decided", 0) == 6;
      },
      120s))
      << ReadFile(report) << out();
  const json r = json::parse(ReadFile(report));
  EXPECT_TRUE(r["ok"]) << r.dump(1);
  EXPECT_GE(r["stores"]["DEMO"]["events_by_type"].value("inventory.snapshot_applied", 0), 1);
  EXPECT_NE(ReadFile(demo + "/oms.log").find("order.routed DEMO-O00006"), std::string::npos);

  // The store: linked to the broker, the catalogue in, both printers there.
  auto status = kiosk::HttpRequest("127.0.0.1", http_port, "GET", "/api/v1/status");
  ASSERT_TRUE(status.ok());
  const json st = json::parse(status->body);
  EXPECT_EQ(st["sync"]["connected"], true) << st.dump(1);
  ASSERT_EQ(st["printers"].size(), 2u) << st.dump(1);
  EXPECT_TRUE(Eventually(
      [&] {
        auto s = kiosk::HttpRequest("127.0.0.1", http_port, "GET", "/api/v1/status");
        if (!s.ok()) return false;
        const json j = json::parse(s->body);
        return j["printers"][0].value("ready", false) && j["printers"][1].value("ready", false);
      },
      30s));

  // storeedgectl scan, as the banner says, with a barcode of the catalogue.
  const std::string csv = ReadFile(demo + "/catalogue.csv");
  ASSERT_TRUE(std::regex_search(csv, m, std::regex(",(50123451\\d{5})[,;]")));
  const std::string gtin = m[1];
  auto scan =
      RunProgram(dir, {STOREEDGECTL_PATH, "--config", demo + "/storeedge.toml", "scan", "pack-1", gtin});
  EXPECT_EQ(scan.code, 0) << scan.err;
  EXPECT_EQ(scan.out, "pack-1: scanned " + gtin + " (gtin)\n");
  auto wrong =
      RunProgram(dir, {STOREEDGECTL_PATH, "--config", demo + "/storeedge.toml", "scan", "pack-9", gtin});
  EXPECT_EQ(wrong.code, 1);
  EXPECT_NE(wrong.err.find("no station 'pack-9'; the stations are pack-1, counter"), std::string::npos)
      << wrong.err;
  EXPECT_NE(ReadFile(demo + "/storeedged.log").find("station=pack-1"), std::string::npos);

  // Ctrl-C: everything stops, in order, and nothing is left running.
  script.Signal(SIGINT);
  const auto code = script.Wait(90s);
  ASSERT_TRUE(code.has_value()) << out();
  EXPECT_EQ(*code, 130) << out();
  EXPECT_NE(out().find("demo: stopped"), std::string::npos) << out();
  EXPECT_EQ(ProcessesMentioning(demo), std::vector<std::string>{});
  // The store said it went offline (a clean stop, not a crash).
  EXPECT_NE(ReadFile(demo + "/storeedged.log").find("daemon.stopped"), std::string::npos)
      << ReadFile(demo + "/storeedged.log");
}

}  // namespace
}  // namespace edge::testing
