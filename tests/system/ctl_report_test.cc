// storeedgectl report as a process on a store database written with SQL:
// CSV byte for byte, the terminal tables, JSON, local days under TZ, the
// file left as it was, and every kind of bad usage with its exit code.
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "edge/core/clock.h"
#include "edge/store/store.h"
#include "edge/testing/process.h"
#include "edge/testing/report_seed.h"
#include "edge/testing/temp_dir.h"

namespace edge::testing {
namespace {

using json = nlohmann::json;

constexpr int64_t kMin = 60'000, kHour = 60 * kMin, kDay = 24 * kHour;

int64_t DayMs(int y, unsigned m, unsigned d) {
  using namespace std::chrono;
  return duration_cast<milliseconds>(sys_days(year_month_day{year{y}, month{m}, day{d}}).time_since_epoch())
      .count();
}

struct Ran {
  int code = -1;
  std::string out, err;
};

class CtlReport : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteFile(dir_.File("storeedge.toml"),
              "[store]\nid = \"T001\"\ndata_dir = \"" + dir_.File("var") + "\"\n");
    std::filesystem::create_directories(dir_.File("var"));
    core::ManualClock clock(core::FromUnixMillis(DayMs(2026, 3, 5)));
    store::StoreOptions o;
    o.path = db_path();
    o.store_id = "T001";
    auto s = store::Store::Open(o, clock);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    // Day 1 (2026-03-02 UTC): a shipped order and a bopis order; day 2: a
    // curbside order routed at 03:00 UTC — 22:00 on 03-02 in New York.
    const int64_t d1 = DayMs(2026, 3, 2), d2 = d1 + kDay;
    SeedData data;
    data.orders = {
        {"O1", "ship_from_store", "shipped", d1 + 9 * kHour, d1 + 12 * kHour, {}, d1 + 11 * kHour, {}},
        {"O2", "bopis", "ready", d1 + 10 * kHour, {}, d1 + 11 * kHour, {}, d1 + 4 * kDay},
        {"O3", "curbside", "accepted", d2 + 3 * kHour, {}, {}, {}, {}}};
    WriteSeed((*s)->db(), data);
  }

  std::string db_path() const { return dir_.File("var/storeedge.db"); }

  Ran Ctl(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
    Process::Options o;
    o.argv = {STOREEDGECTL_PATH, "--config", dir_.File("storeedge.toml")};
    o.argv.insert(o.argv.end(), args.begin(), args.end());
    o.env = std::move(env);
    o.unset_env = {"NOTIFY_SOCKET", "WATCHDOG_USEC"};
    if (!o.env.count("TZ")) o.env["TZ"] = "UTC";
    o.stdout_path = dir_.File("ctl.stdout");
    o.stderr_path = dir_.File("ctl.stderr");
    o.cwd = dir_.path().string();
    Process p(o);
    Ran r;
    auto code = p.Wait(std::chrono::seconds(60));
    r.code = code ? *code : -1;
    r.out = ReadFile(o.stdout_path);
    r.err = ReadFile(o.stderr_path);
    return r;
  }

  TempDir dir_;
};

TEST_F(CtlReport, CsvTerminalAndJson) {
  const std::string before = ReadFile(db_path());
  Ran r = Ctl({"report", "orders", "--from", "2026-03-02", "--to", "2026-03-04", "--utc", "--csv"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(
      r.out,
      "kind,orders,accepted,picking,picked,packed,shipped,ready,picked_up,expired,cancelled,rejected\r\n"
      "ship_from_store,1,0,0,0,0,1,0,0,0,0,0\r\n"
      "bopis,1,0,0,0,0,0,1,0,0,0,0\r\n"
      "curbside,1,1,0,0,0,0,0,0,0,0,0\r\n"
      "same_day,0,0,0,0,0,0,0,0,0,0,0\r\n"
      "(all),3,1,0,0,0,1,1,0,0,0,0\r\n");
  EXPECT_EQ(r.err, "");

  r = Ctl({"report", "orders", "--from", "2026-03-02", "--to", "2026-03-04", "--utc", "--csv", "--table",
           "daily"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out,
            "day,ship_from_store,bopis,curbside,same_day,all\r\n"
            "2026-03-02,1,1,0,0,2\r\n"
            "2026-03-03,0,0,1,0,1\r\n");

  r = Ctl({"report", "fulfilment", "--from", "2026-03-02", "--to", "2026-03-04", "--utc"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("Fulfilment against the promise, 2026-03-02 to 2026-03-03 (2 days, UTC days)\n\n", 0),
            0u)
      << r.out;
  EXPECT_NE(r.out.find("\nFulfilment by kind\n  kind             orders  completed  on_time  late  late_pct"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("\n  ship_from_store       1          1        1     0       0.0"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("\n* Orders routed in the period"), std::string::npos) << r.out;

  r = Ctl({"report", "pickups", "--from", "2026-03-02", "--to", "2026-03-04", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const json j = json::parse(r.out);
  EXPECT_EQ(j["name"], "pickups");
  EXPECT_EQ(j["days_in"], "local");
  EXPECT_EQ(j["tables"][0]["rows"][0], json::parse(R"j(["bopis",1,0,0,0,1,1,null,null,null])j"));

  EXPECT_EQ(ReadFile(db_path()), before) << "a report must not change the database";
}

// In New York O3 (03:00 UTC on 03-03) was routed at 22:00 on 03-02.
TEST_F(CtlReport, LocalDaysFollowTz) {
  Ran r = Ctl({"report", "orders", "--from", "2026-03-02", "--to", "2026-03-04", "--csv", "--table", "daily"},
              {{"TZ", "America/New_York"}});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out,
            "day,ship_from_store,bopis,curbside,same_day,all\r\n"
            "2026-03-02,1,1,1,0,3\r\n"
            "2026-03-03,0,0,0,0,0\r\n");
}

TEST_F(CtlReport, BadUsageIsNamed) {
  Ran r = Ctl({"report", "sales", "--from", "2026-03-02", "--to", "2026-03-04"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err,
            "storeedgectl: report: unknown report 'sales'; the reports are orders, fulfilment, rejections, "
            "picking, "
            "curbside, pickups, returns, adjustments (see storeedgectl report --help)\n");
  r = Ctl({"report", "orders", "--from", "2026-02-30", "--to", "2026-03-04"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err,
            "storeedgectl: report: from: 2026-02-30 is not a day of the calendar (see storeedgectl report "
            "--help)\n");
  r = Ctl({"report", "orders", "--from", "2026-03-04", "--to", "2026-03-01"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("to (2026-03-01) must be after from (2026-03-04)"), std::string::npos) << r.err;
  r = Ctl({"report", "orders", "--from", "2026-03-02"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--to YYYY-MM-DD is missing"), std::string::npos) << r.err;
  r = Ctl({"report", "orders", "--from", "2026-03-02", "--to", "2026-03-04", "--csv", "--table", "by_sku"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "storeedgectl: report orders has no table 'by_sku'; its tables are by_kind, daily\n");
  r = Ctl({"report", "--help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("Usage: storeedgectl [--config FILE] report NAME"), std::string::npos);

  std::filesystem::remove(db_path());
  r = Ctl({"report", "orders", "--from", "2026-03-02", "--to", "2026-03-04"});
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.err.find("no database at " + db_path()), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(db_path())) << "a report must not create a database";
}

}  // namespace
}  // namespace edge::testing
