// The whole ship-from-store path through the running daemon and real peers:
// the OMS routes an order over mosquitto, an associate picks and packs it
// over the HTTP API, order.packed asks for a label, the OMS's shipment.label
// comes out of the packing station's printer on a private cupsd, the label
// is verified by scanning it and the package is handed to the carrier:
// order.shipped, and the units leave on-hand and reserved.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "edge/store/database.h"
#include "edge/testing/central.h"
#include "edge/testing/cupsd.h"
#include "edge/testing/daemon.h"
#include "edge/testing/eventually.h"
#include "edge/testing/mosquitto.h"

namespace edge::testing {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

std::string Base64(const std::string& in) {
  static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    for (int s : {18, 12, 6, 0}) out += k[(v >> s) & 63];
  }
  if (i + 1 == in.size()) {
    const uint32_t v = uint8_t(in[i]) << 16;
    out += std::string{k[(v >> 18) & 63], k[(v >> 12) & 63], '=', '='};
  } else if (i + 2 == in.size()) {
    const uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
    out += std::string{k[(v >> 18) & 63], k[(v >> 12) & 63], k[(v >> 6) & 63], '='};
  }
  return out;
}

class Api {
 public:
  Api(uint16_t port, std::string token) : port_(port), token_(std::move(token)) {}
  json Call(const std::string& method, const std::string& target, const json& body = nullptr,
            int expect = 200) {
    auto r = kiosk::HttpRequest("127.0.0.1", port_, method, target, body.is_null() ? "" : body.dump(),
                                {{"Authorization", "Bearer " + token_}});
    EXPECT_TRUE(r.ok()) << method << " " << target;
    if (!r.ok()) return nullptr;
    EXPECT_EQ(r->status, expect) << method << " " << target << ": " << r->body;
    auto j = json::parse(r->body, nullptr, false);
    return j.is_discarded() ? json(r->body) : j;
  }

 private:
  uint16_t port_;
  std::string token_;
};

TEST(ShipFromStore, RoutedPickedPackedLabelledPrintedAndHandedOff) {
  TempDir dir;
  Cupsd cupsd(dir);
  cupsd.Start();
  cupsd.AddQueue("zebra1");
  Mosquitto broker(dir);
  DaemonUnderTest daemon(dir, "S042",
                         "[mqtt]\nuri = \"" + broker.uri() +
                             "\"\n[[station]]\nname = \"pack-1\"\nprinter_queue = \"zebra1\"\n"
                             "printer_format = \"zpl\"\n");
  auto add = RunProgram(dir,
                        {STOREEDGECTL_PATH, "--config", daemon.config_path(), "user", "add", "ana", "--name",
                         "Ana", "--role", "associate", "--pin-stdin"},
                        "", "4321\n");
  ASSERT_EQ(add.code, 0) << add.err;
  CentralOms central(broker.uri(), "S042");
  ASSERT_TRUE(central.Connect());
  ASSERT_TRUE(daemon.Start(30s, {{"CUPS_SERVER", cupsd.server()}})) << daemon.Stderr();
  ASSERT_TRUE(central.WaitForOnline()) << daemon.Stderr();

  auto login = kiosk::HttpRequest("127.0.0.1", daemon.port(), "POST", "/api/v1/auth/login",
                                  R"({"associate_id":"ana","pin":"4321"})");
  ASSERT_TRUE(login.ok());
  ASSERT_EQ(login->status, 200) << login->body;
  Api api(daemon.port(), json::parse(login->body)["token"]);

  central.Send(
      "inventory", "inventory.snapshot",
      {{"snapshot_id", "s1"},
       {"as_of_store_seq", 0},
       {"chunk", 1},
       {"chunks", 1},
       {"items", {{{"sku", "SKU-1"}, {"gtin", "00012345678905"}, {"on_hand", 5}, {"location", "A-01-01"}}}}});
  ASSERT_TRUE(central.WaitForEvent([](const json& e) { return e["type"] == "inventory.snapshot_applied"; }));

  central.Send("orders", "order.routed",
               {{"order_id", "O-1"},
                {"order_ref", "W-1"},
                {"kind", "ship_from_store"},
                {"priority", 5},
                {"placed_at", "2026-11-27T09:00:00Z"},
                {"promised_by", "2026-11-28T18:00:00Z"},
                {"ship_to",
                 {{"name", "Ana Ruiz"},
                  {"line1", "1 Main St"},
                  {"city", "Springfield"},
                  {"postcode", "12345"},
                  {"country", "US"}}},
                {"carrier_service", "UPS_GROUND"},
                {"lines",
                 {{{"line_id", "1"},
                   {"sku", "SKU-1"},
                   {"gtin", "00012345678905"},
                   {"qty", 2},
                   {"description", "Trail shoe 42"},
                   {"fulfil", "now"}}}}});
  ASSERT_TRUE(central.WaitForEvent("order.accepted", "O-1")) << daemon.Stderr();

  // Picking: the queue shows the order; a task; two scans of the item.
  json queue = api.Call("GET", "/api/v1/queue");
  ASSERT_EQ(queue["orders"].size(), 1u) << queue.dump();
  EXPECT_EQ(queue["orders"][0]["order_id"], "O-1");
  const int64_t task = api.Call("POST", "/api/v1/tasks", {{"order_ids", {"O-1"}}}, 201)["task_id"];
  api.Call("POST", "/api/v1/tasks/" + std::to_string(task) + "/claim");
  ASSERT_TRUE(central.WaitForEvent("order.pick_started", "O-1"));
  for (int i = 0; i < 2; ++i) {
    api.Call("POST", "/api/v1/tasks/" + std::to_string(task) + "/pick", {{"scan", "012345678905"}});
  }
  auto picked = central.WaitForEvent("order.picked", "O-1");
  ASSERT_TRUE(picked) << daemon.Stderr();
  EXPECT_EQ(picked->at("data").at("lines"), json::parse(R"([{"line_id":"1","qty":2}])"));

  // Packing at station pack-1.
  json package = api.Call("POST", "/api/v1/orders/O-1/packages", {{"box", "S"}, {"station", "pack-1"}}, 201);
  const std::string package_id = package["package_id"];
  EXPECT_EQ(package_id, "S042-P1");
  api.Call("POST", "/api/v1/packages/" + package_id + "/units", {{"scan", "012345678905"}, {"qty", 2}});
  api.Call("POST", "/api/v1/packages/" + package_id + "/close", {{"weight_g", 900}});
  api.Call("POST", "/api/v1/orders/O-1/packed");
  auto packed = central.WaitForEvent("order.packed", "O-1");
  ASSERT_TRUE(packed) << daemon.Stderr();
  EXPECT_EQ(packed->at("data").at("packages")[0]["package_id"], package_id);
  EXPECT_EQ(packed->at("data").at("packages")[0]["weight_g"], 900);

  // The OMS answers with the carrier label: it comes out of pack-1's printer.
  const std::string zpl = "^XA^FO50,50^BCN,100,Y,N,N^FD1Z999AA10123456784^FS^XZ";
  central.Send("shipments", "shipment.label",
               {{"order_id", "O-1"},
                {"package_id", package_id},
                {"carrier", "UPS"},
                {"tracking", "1Z999AA10123456784"},
                {"format", "zpl"},
                {"data", Base64(zpl)}});
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  std::vector<SavedJob> jobs;
  while (jobs.empty() && std::chrono::steady_clock::now() < deadline) {
    jobs = cupsd.Saved("zebra1");
    if (jobs.empty()) std::this_thread::yield();
  }
  ASSERT_EQ(jobs.size(), 1u) << daemon.Stderr();
  EXPECT_EQ(jobs[0].data, zpl);
  // Once CUPS reports the job completed, /metrics counts it.
  const std::string printed =
      "storeedge_prints_total{station=\"pack-1\",kind=\"carrier_label\",result=\"completed\"} 1\n";
  std::string metrics;
  EXPECT_TRUE(Eventually(
      [&] {
        auto m = daemon.Get("/metrics");
        if (m.ok()) metrics = m->body;
        return metrics.find(printed) != std::string::npos;
      },
      30s));
  EXPECT_NE(metrics.find(printed), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("storeedge_printer_ready{station=\"pack-1\"} 1\n"), std::string::npos) << metrics;

  // The packer scans the label on the package; the driver takes it.
  api.Call("POST", "/api/v1/packages/" + package_id + "/label/verify", {{"scan", "1Z999AA10123456784"}});
  json manifest = api.Call("GET", "/api/v1/manifest?carrier=UPS");
  ASSERT_EQ(manifest["packages"].size(), 1u) << manifest.dump();
  api.Call("POST", "/api/v1/handoffs", {{"carrier", "UPS"}, {"scan", "1Z999AA10123456784"}});
  auto shipped = central.WaitForEvent("order.shipped", "O-1");
  ASSERT_TRUE(shipped) << daemon.Stderr();
  EXPECT_EQ(shipped->at("data").at("packages")[0]["tracking"], "1Z999AA10123456784");
  EXPECT_EQ(api.Call("GET", "/api/v1/orders/O-1")["order"]["state"], "shipped");

  auto db = store::Database::Open(daemon.db_path(), store::Database::Mode::kReadOnly);
  ASSERT_TRUE(db.ok());
  EXPECT_EQ(*(*db)->QueryInt("SELECT on_hand FROM items WHERE sku = 'SKU-1'"), 3);
  EXPECT_EQ(*(*db)->QueryInt("SELECT reserved FROM items WHERE sku = 'SKU-1'"), 0);
  // Who did each step is recorded: the handoff among them.
  EXPECT_EQ(*(*db)->QueryInt("SELECT count(*) FROM audit_log WHERE actor = 'ana' AND target = '" +
                             package_id + "' AND action LIKE '%hand%'"),
            1);
}

}  // namespace
}  // namespace edge::testing
