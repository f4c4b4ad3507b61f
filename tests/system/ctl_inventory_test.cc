// storeedgectl inventory as a process on the database of a running storeedged:
// an import of a few hundred rows and `inventory show` agree with what the
// daemon itself serves over HTTP, and the daemon sees the events the import
// appended to the outbox.
#include <gtest/gtest.h>

#include <thread>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "edge/store/database.h"
#include "edge/testing/daemon.h"

namespace edge::testing {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;

// A valid EAN-13 for item `i`: 12 digits and their GS1 check digit.
std::string Ean13(int i) {
  char body[13];
  std::snprintf(body, sizeof body, "200000%06d", i);
  int sum = 0;
  for (int k = 0; k < 12; ++k) sum += (body[11 - k] - '0') * (k % 2 == 0 ? 3 : 1);
  return std::string(body) + static_cast<char>('0' + (10 - sum % 10) % 10);
}

std::string Sku(int i) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "SKU-%04d", i);
  return buf;
}

TEST(CtlInventorySystem, ImportWhileTheDaemonRunsAgreesWithItsApi) {
  TempDir dir;
  DaemonUnderTest d(dir);
  auto ctl = [&](std::vector<std::string> args, const std::string& input = "") {
    args.insert(args.begin(), {STOREEDGECTL_PATH, "--config", d.config_path()});
    return RunProgram(dir, std::move(args), "", input);
  };
  auto add = ctl({"user", "add", "ana", "--name", "Ana", "--role", "associate", "--pin-stdin"}, "1234\n");
  ASSERT_EQ(add.code, 0) << add.err;
  ASSERT_TRUE(d.Start()) << d.Stderr();

  constexpr int kRows = 300;
  std::string csv = "sku,description,gtins,on_hand,location,walk_order,safety_stock\n";
  for (int i = 0; i < kRows; ++i) {
    const int zone = i % 20;
    csv += Sku(i) + ",\"Item " + std::to_string(i) + ", size \"\"M\"\"\"," + Ean13(i) + ";" +
           Ean13(i + 1000) + "," + std::to_string(i % 50) + ",Z-" + std::to_string(zone) + "," +
           std::to_string(zone) + "," + std::to_string(i % 3) + "\n";
  }
  const std::string file = dir.File("stock.csv");
  WriteFile(file, csv);
  auto imported = ctl({"inventory", "import", file});
  ASSERT_EQ(imported.code, 0) << imported.err;
  EXPECT_EQ(imported.out, "imported 300 items (300 with stock) from " + file + "\n");
  EXPECT_EQ(imported.err, "");  // stderr is a file here: no progress bar

  auto login = kiosk::HttpRequest("127.0.0.1", d.port(), "POST", "/api/v1/auth/login",
                                  json{{"associate_id", "ana"}, {"pin", "1234"}}.dump());
  ASSERT_TRUE(login.ok()) << login.status().ToString();
  ASSERT_EQ(login->status, 200) << login->body;
  const std::string token = json::parse(login->body)["token"];

  for (int i : {0, 149, 299}) {
    SCOPED_TRACE(Sku(i));
    auto shown = ctl({"inventory", "show", Sku(i), "--json"});
    ASSERT_EQ(shown.code, 0) << shown.err;
    const json cli = json::parse(shown.out);
    auto served = kiosk::HttpRequest("127.0.0.1", d.port(), "GET", "/api/v1/inventory/items/" + Sku(i), "",
                                     {{"Authorization", "Bearer " + token}});
    ASSERT_TRUE(served.ok()) << served.status().ToString();
    ASSERT_EQ(served->status, 200) << served->body;
    EXPECT_EQ(cli, json::parse(served->body));
    EXPECT_EQ(cli["description"], "Item " + std::to_string(i) + ", size \"M\"");
    EXPECT_EQ(cli["on_hand"], i % 50);
    EXPECT_EQ(cli["safety_stock"], i % 3);
    EXPECT_EQ(cli["gtins"], (json{"0" + Ean13(i), "0" + Ean13(i + 1000)}));
    if (i % 50 == 0) {
      EXPECT_EQ(cli["locations"], json::array());
    } else {
      EXPECT_EQ(cli["locations"], (json{{{"location", "Z-" + std::to_string(i % 20)}, {"qty", i % 50}}}));
    }
  }

  // By barcode, human-readable, through the CLI.
  auto by_code = ctl({"inventory", "show", Ean13(1149)});
  ASSERT_EQ(by_code.code, 0) << by_code.err;
  EXPECT_NE(by_code.out.find("sku:           SKU-0149\n"), std::string::npos) << by_code.out;

  // One inventory.adjusted per row with on_hand, in the outbox the daemon
  // publishes from; the daemon counts them as waiting for the broker.
  {
    auto db = store::Database::Open(d.db_path(), store::Database::Mode::kReadWrite);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    EXPECT_EQ(*(*db)->QueryInt("SELECT count(*) FROM outbox WHERE type = 'inventory.adjusted'"), kRows);
  }
  auto status = d.Get("/api/v1/status");
  ASSERT_TRUE(status.ok());
  EXPECT_GE(json::parse(status->body)["outbox"]["depth"].get<int>(), kRows);

  // The daemon finds the availability the import changed (it is only in the
  // pending table) and reports it: one inventory.available carrying SKUs of
  // the import, within its 2 s check.
  {
    auto db = store::Database::Open(d.db_path(), store::Database::Mode::kReadOnly);
    ASSERT_TRUE(db.ok());
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    int64_t reported = 0;
    while (reported == 0 && std::chrono::steady_clock::now() < deadline) {
      reported = *(*db)->QueryInt(
          "SELECT count(*) FROM outbox WHERE type = 'inventory.available' AND payload LIKE '%SKU-0149%'");
      if (reported == 0) std::this_thread::yield();
    }
    EXPECT_EQ(reported, 1) << d.Stderr();
  }

  d.process().Signal(SIGTERM);
  EXPECT_EQ(d.process().Wait(15s).value_or(-1), 0);
}

}  // namespace
}  // namespace edge::testing
