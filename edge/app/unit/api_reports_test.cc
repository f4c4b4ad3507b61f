// GET /api/v1/reports/{name} (AddReportRoutes) in-process through
// kiosk::Router::Dispatch over a real SQLite store seeded with a few busy
// days: only supervisors get reports; JSON is the service's report; CSV is one
// table as an attachment; every bad request is named.
#include <gtest/gtest.h>

#include <chrono>

#include "edge/app/api.h"
#include "edge/app/auth_service.h"
#include "edge/app/report_service.h"
#include "edge/kiosk/http.h"
#include "edge/store/store.h"
#include "edge/testing/report_seed.h"
#include "edge/testing/temp_dir.h"

namespace edge::app {
namespace {

using json = nlohmann::json;

int64_t DayMs(int y, unsigned m, unsigned d) {
  using namespace std::chrono;
  return duration_cast<milliseconds>(sys_days(year_month_day{year{y}, month{m}, day{d}}).time_since_epoch())
      .count();
}

class ApiReports : public ::testing::Test {
 protected:
  void SetUp() override {
    store::StoreOptions o;
    o.path = dir_.File("storeedge.db");
    o.store_id = "S042";
    auto s = store::Store::Open(o, clock_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    const int64_t first = DayMs(2026, 3, 2);
    testing::WriteSeed(store_->db(), testing::GenerateBusyStore(first, 3, 40, first + 4 * 86'400'000, 7));
    auth_ = std::make_unique<AuthService>(*store_, clock_);
    reports_ = std::make_unique<ReportService>(store_->db(), clock_);
    const core::Actor admin{"storeedgectl", core::Role::kSupervisor};
    ASSERT_TRUE(auth_->AddUser("ana", "Ana Ruiz", core::Role::kAssociate, "1111", admin).ok());
    ASSERT_TRUE(auth_->AddUser("sue", "Sue Park", core::Role::kSupervisor, "3333", admin).ok());
    for (auto [id, pin, token] : {std::tuple{"ana", "1111", &ana_}, std::tuple{"sue", "3333", &sue_}}) {
      auto l = auth_->Login(id, pin);
      ASSERT_TRUE(l.ok()) << l.status().ToString();
      *token = l->token;
    }
    AddReportRoutes(router_, *auth_, *reports_);
  }

  kiosk::Response Get(const std::string& path, const std::map<std::string, std::string>& query,
                      const std::string& token) {
    kiosk::Request req;
    req.method = "GET";
    req.path = path;
    req.target = path;
    req.query = query;
    if (!token.empty()) req.headers["authorization"] = "Bearer " + token;
    req.remote = "127.0.0.1";
    return router_.Dispatch(req);
  }
  static std::string Message(const kiosk::Response& r) {
    const json j = json::parse(r.body, nullptr, false);
    return j.is_object() && j.contains("error") ? j["error"].value("message", "") : "";
  }

  edge::testing::TempDir dir_;
  core::ManualClock clock_{core::FromUnixMillis(DayMs(2026, 3, 6))};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<AuthService> auth_;
  std::unique_ptr<ReportService> reports_;
  kiosk::Router router_;
  std::string ana_, sue_;
};

const std::map<std::string, std::string> kPeriod = {{"from", "2026-03-02"}, {"to", "2026-03-05"}};

TEST_F(ApiReports, SupervisorsGetEveryReportAsJson) {
  for (const auto& name : ReportNames()) {
    SCOPED_TRACE(name);
    const kiosk::Response r = Get("/api/v1/reports/" + name, kPeriod, sue_);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.content_type, "application/json");
    auto direct = reports_->Run({name, "2026-03-02", "2026-03-05", false, 20});
    ASSERT_TRUE(direct.ok());
    EXPECT_EQ(json::parse(r.body), ReportJson(*direct));
    EXPECT_EQ(json::parse(r.body)["days"].size(), 3u);
  }
  // UTC days and every SKU.
  auto q = kPeriod;
  q["days"] = "utc";
  q["top"] = "0";
  const kiosk::Response r = Get("/api/v1/reports/returns", q, sue_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body),
            ReportJson(*reports_->Run({"returns", "2026-03-02", "2026-03-05", true, 0})));
}

TEST_F(ApiReports, CsvIsOneTableAsAnAttachment) {
  auto q = kPeriod;
  q["format"] = "csv";
  kiosk::Response r = Get("/api/v1/reports/picking", q, sue_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type, "text/csv; charset=utf-8");
  auto direct = reports_->Run({"picking", "2026-03-02", "2026-03-05", false, 20});
  ASSERT_TRUE(direct.ok());
  EXPECT_EQ(r.body, TableCsv(direct->tables[0]));
  EXPECT_EQ(r.body.rfind("associate,records,units,", 0), 0u) << r.body;
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0], (std::pair<std::string, std::string>{
                              "Content-Disposition",
                              "attachment; filename=\"picking-by_associate-2026-03-02-2026-03-05.csv\""}));

  q["table"] = "daily";
  r = Get("/api/v1/reports/picking", q, sue_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, TableCsv(direct->DailyTable()));
  EXPECT_EQ(
      r.body.rfind("day,units,step_median_s,pick_task_median_min,pack_task_median_min\r\n2026-03-02,", 0), 0u)
      << r.body;

  q["table"] = "by_nothing";
  r = Get("/api/v1/reports/picking", q, sue_);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Message(r),
            "report picking has no table 'by_nothing'; its tables are by_associate, by_zone, by_sku, daily");
}

TEST_F(ApiReports, OnlySupervisors) {
  kiosk::Response r = Get("/api/v1/reports/orders", kPeriod, "");
  EXPECT_EQ(r.status, 401) << r.body;
  r = Get("/api/v1/reports/orders", kPeriod, ana_);
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(Message(r), "this needs the supervisor role; 'ana' is associate");
  r = Get("/api/v1/reports/orders", kPeriod, "not-a-token");
  EXPECT_EQ(r.status, 401) << r.body;
}

TEST_F(ApiReports, BadRequestsAreNamed) {
  kiosk::Response r = Get("/api/v1/reports/sales", kPeriod, sue_);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(Message(r),
            "no report 'sales'; the reports are orders, fulfilment, rejections, picking, curbside, pickups, "
            "returns, "
            "adjustments");
  r = Get("/api/v1/reports/orders", {{"from", "2026-03-02"}}, sue_);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Message(r), "query parameter 'to' (YYYY-MM-DD) is missing");
  r = Get("/api/v1/reports/orders", {{"from", "2026-03-05"}, {"to", "2026-03-02"}}, sue_);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Message(r),
            "to (2026-03-02) must be after from (2026-03-05): the period is [from, to), to is the day after "
            "the last");
  r = Get("/api/v1/reports/orders", {{"from", "03/02/2026"}, {"to", "2026-03-05"}}, sue_);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Message(r), "from: '03/02/2026' is not a date; expected YYYY-MM-DD, e.g. 2026-03-01");
  auto q = kPeriod;
  q["format"] = "xml";
  r = Get("/api/v1/reports/orders", q, sue_);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Message(r), "query parameter 'format' must be json or csv, got 'xml'");
  q = kPeriod;
  q["days"] = "berlin";
  r = Get("/api/v1/reports/orders", q, sue_);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Message(r), "query parameter 'days' must be local or utc, got 'berlin'");
  q = kPeriod;
  q["top"] = "-3";
  r = Get("/api/v1/reports/orders", q, sue_);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Message(r), "query parameter 'top' must be a whole number (0 for every SKU), got '-3'");
}

}  // namespace
}  // namespace edge::app
