// End to end with the simulated OMS (storeedge-oms-sim) as the central side:
// it sends the snapshot and routes a ship-from-store order; associates pick
// and pack it over the API; the simulator answers order.packed with its
// shipping label, which comes out of the packing station's printer (a real
// cupsd); the driver's handoff ships it, and the simulator sees every event.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "edge/testing/cupsd.h"
#include "edge/testing/daemon.h"
#include "edge/testing/eventually.h"
#include "edge/testing/mosquitto.h"

namespace edge::testing {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

json Report(const std::string& path) {
  json j = json::parse(ReadFile(path), nullptr, false);
  return j.is_object() ? j : json::object();
}

TEST(SimulatedOms, ShipFromStoreOrderIsPickedPackedLabelledPrintedAndShipped) {
  TempDir dir;
  Cupsd cupsd(dir);
  cupsd.AddQueue("zebra1");
  Mosquitto broker(dir);
  const std::string report = dir.File("oms-report.json");
  Process::Options so;
  so.argv = {STOREEDGE_OMS_SIM_PATH,
             "--broker",
             broker.uri(),
             "--stores",
             "S042",
             "--seed",
             "11",
             "--catalogue-size",
             "40",
             "--interval-ms",
             "100",
             "--orders",
             "1",
             "--kinds",
             "ship_from_store",
             "--unfillable-pct",
             "0",
             "--backorder-pct",
             "0",
             "--cancel-pct",
             "0",
             "--report",
             report};
  so.stdout_path = dir.File("oms.log");
  so.stderr_path = dir.File("oms.stderr");
  Process sim(so);
  ASSERT_TRUE(
      Eventually([&] { return ReadFile(dir.File("oms.log")).find("subscribed") != std::string::npos; }, 30s));

  DaemonUnderTest daemon(dir, "S042",
                         "[mqtt]\nuri = \"" + broker.uri() +
                             "\"\n[[station]]\nname = \"pack-1\"\nprinter_queue = \"zebra1\"\n"
                             "printer_format = \"zpl\"\n");
  ASSERT_EQ(RunProgram(dir,
                       {STOREEDGECTL_PATH, "--config", daemon.config_path(), "user", "add", "ana", "--name",
                        "Ana", "--role", "associate", "--pin-stdin"},
                       "", "4321\n")
                .code,
            0);
  ASSERT_TRUE(daemon.Start(30s, {{"CUPS_SERVER", cupsd.server()}})) << daemon.Stderr();
  ASSERT_TRUE(
      Eventually([&] { return Report(report)["stores"]["S042"].value("orders_decided", 0) == 1; }, 60s))
      << Report(report).dump(1) << ReadFile(dir.File("oms.log"));

  auto login = kiosk::HttpRequest("127.0.0.1", daemon.port(), "POST", "/api/v1/auth/login",
                                  R"({"associate_id":"ana","pin":"4321"})");
  ASSERT_TRUE(login.ok());
  ASSERT_EQ(login->status, 200) << login->body;
  const std::string token = json::parse(login->body)["token"];
  auto call = [&](const std::string& method, const std::string& target, const json& body = nullptr,
                  int expect = 200) {
    auto r = kiosk::HttpRequest("127.0.0.1", daemon.port(), method, target, body.is_null() ? "" : body.dump(),
                                {{"Authorization", "Bearer " + token}});
    EXPECT_TRUE(r.ok()) << method << " " << target;
    if (!r.ok()) return json();
    EXPECT_EQ(r->status, expect) << method << " " << target << ": " << r->body;
    return json::parse(r->body, nullptr, false);
  };

  // The routed order, as the store took it: every line accepted.
  json queue = call("GET", "/api/v1/queue");
  ASSERT_EQ(queue["orders"].size(), 1u) << queue.dump();
  const std::string order_id = queue["orders"][0]["order_id"];
  EXPECT_EQ(order_id, "S042-O00001");
  json order = call("GET", "/api/v1/orders/" + order_id);
  ASSERT_FALSE(order["lines"].empty()) << order.dump();

  // Pick every unit by its barcode, then pack them all in one box at pack-1.
  const int64_t task = call("POST", "/api/v1/tasks", {{"order_ids", {order_id}}}, 201)["task_id"];
  call("POST", "/api/v1/tasks/" + std::to_string(task) + "/claim");
  for (const auto& l : order["lines"]) {
    ASSERT_EQ(l["accepted"], l["qty"]) << l.dump();
    ASSERT_TRUE(l["gtin"].is_string()) << l.dump();
    for (int i = 0; i < l["qty"].get<int>(); ++i) {
      call("POST", "/api/v1/tasks/" + std::to_string(task) + "/pick", {{"scan", l["gtin"]}});
    }
  }
  const json package =
      call("POST", "/api/v1/orders/" + order_id + "/packages", {{"box", "M"}, {"station", "pack-1"}}, 201);
  const std::string package_id = package["package_id"];
  for (const auto& l : order["lines"]) {
    call("POST", "/api/v1/packages/" + package_id + "/units", {{"scan", l["gtin"]}, {"qty", l["qty"]}});
  }
  call("POST", "/api/v1/packages/" + package_id + "/close", {{"weight_g", 1200}});
  call("POST", "/api/v1/orders/" + order_id + "/packed");

  // The simulator's label comes out of pack-1's printer.
  std::vector<SavedJob> jobs;
  ASSERT_TRUE(Eventually(
      [&] {
        jobs = cupsd.Saved("zebra1");
        return !jobs.empty();
      },
      30s))
      << ReadFile(dir.File("oms.log")) << daemon.Stderr();
  ASSERT_EQ(jobs.size(), 1u);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(jobs[0].data, m, std::regex("\\^FD(1Z[0-9A-Z]+)\\^FS"))) << jobs[0].data;
  const std::string tracking = m[1];
  EXPECT_NE(jobs[0].data.find("PACKAGE " + package_id), std::string::npos) << jobs[0].data;
  EXPECT_NE(jobs[0].data.find(order["order"]["ship_to"]["name"].get<std::string>()), std::string::npos);

  // The packer scans the label; the driver takes the package.
  call("POST", "/api/v1/packages/" + package_id + "/label/verify", {{"scan", tracking}});
  call("POST", "/api/v1/handoffs", {{"carrier", "UPS"}, {"scan", tracking}});
  EXPECT_EQ(call("GET", "/api/v1/orders/" + order_id)["order"]["state"], "shipped");

  // The OMS saw it all, in order, nothing missing.
  ASSERT_TRUE(Eventually(
      [&] { return Report(report)["stores"]["S042"]["events_by_type"].value("order.shipped", 0) == 1; }, 30s))
      << Report(report).dump(1);
  sim.Signal(SIGTERM);
  ASSERT_EQ(sim.Wait(30s).value_or(-1), 0);
  const json r = Report(report);
  EXPECT_TRUE(r["ok"]) << r.dump(1);
  const json& s = r["stores"]["S042"];
  EXPECT_EQ(s["labels_sent"], 1);
  for (const char* type :
       {"order.accepted", "order.pick_started", "order.picked", "order.packed", "order.shipped"}) {
    EXPECT_EQ(s["events_by_type"].value(type, 0), 1) << type;
  }
  EXPECT_EQ(s["missing_seqs"], json::array());
  EXPECT_NE(
      ReadFile(dir.File("oms.log")).find("order.packed " + order_id + " → shipment.label " + package_id),
      std::string::npos);
}

}  // namespace
}  // namespace edge::testing
