// ReportService over a real SQLite store holding a small scenario written
// with SQL — two UTC days, 2026-03-02 and 03-03, with rows just before and
// just after them — whose every figure was worked out by hand (the comments
// give the arithmetic); the CSV of one table byte for byte; the checks of the
// request; and local days under a zone with DST.
#include "edge/app/report_service.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>

#include "edge/store/store.h"
#include "edge/testing/report_seed.h"
#include "edge/testing/temp_dir.h"

namespace edge::app {
namespace {

using json = nlohmann::json;
using testing::SeedArrival;
using testing::SeedData;
using testing::SeedLedger;
using testing::SeedLine;
using testing::SeedOrder;
using testing::SeedPickRecord;
using testing::SeedReturn;
using testing::SeedTask;

constexpr int64_t kMin = 60'000;
constexpr int64_t kHour = 60 * kMin;
constexpr int64_t kDay = 24 * kHour;

int64_t DayMs(int y, unsigned m, unsigned d) {
  using namespace std::chrono;
  return duration_cast<milliseconds>(sys_days(year_month_day{year{y}, month{m}, day{d}}).time_since_epoch())
      .count();
}

// 2026-03-01 is day 0: T(1, 9, 30) is 2026-03-02 09:30:00 UTC.
int64_t T(int day, int h, int m, int s = 0) {
  return DayMs(2026, 3, 1) + day * kDay + h * kHour + m * kMin + s * 1000;
}

// The scenario. Orders O1–O10 are routed in the period (O0 the minute
// before, O11 at its end), O12 before it but ready and collected in it.
SeedData Scenario() {
  SeedData d;
  auto order = [&](std::string id, std::string kind, std::string state, int64_t routed,
                   std::optional<int64_t> promised, std::optional<int64_t> ready,
                   std::optional<int64_t> closed, std::optional<int64_t> hold = {}) {
    d.orders.push_back(
        {std::move(id), std::move(kind), std::move(state), routed, promised, ready, closed, hold});
  };
  order("O0", "ship_from_store", "shipped", T(0, 23, 59), T(1, 12, 0), {}, T(1, 10, 0));
  order("O1", "ship_from_store", "shipped", T(1, 9, 0), T(1, 12, 0), {}, T(1, 11, 0));
  order("O2", "ship_from_store", "shipped", T(1, 9, 30), T(1, 10, 0), {}, T(1, 10, 30));
  order("O3", "bopis", "ready", T(1, 10, 0), T(1, 11, 0), T(1, 11, 45), {}, T(4, 11, 45));
  order("O4", "curbside", "picked_up", T(1, 10, 0), T(1, 12, 0), T(1, 11, 0), T(1, 13, 0), T(4, 11, 0));
  order("O5", "bopis", "rejected", T(1, 8, 0), T(1, 12, 0), {}, T(1, 8, 0));
  order("O6", "same_day", "shipped", T(2, 8, 0), T(2, 9, 0), {}, T(2, 10, 40));
  order("O7", "ship_from_store", "accepted", T(2, 9, 0), T(2, 10, 0), {}, {});
  order("O8", "curbside", "expired", T(2, 7, 0), T(2, 8, 0), T(2, 8, 0), T(2, 20, 0), T(2, 20, 0));
  order("O9", "bopis", "ready", T(2, 12, 0), {}, T(2, 13, 0), {}, T(2, 18, 0));
  order("O10", "ship_from_store", "shipped", T(2, 11, 0), T(2, 11, 30), {}, T(2, 12, 0));
  order("O11", "bopis", "picked_up", T(3, 0, 0), T(3, 2, 0), T(3, 1, 0), T(3, 3, 0), T(6, 1, 0));
  order("O12", "bopis", "picked_up", T(0, 20, 0), T(1, 8, 0), T(1, 9, 0), T(1, 18, 0), T(4, 9, 0));

  auto line = [&](std::string o, std::string l, std::string sku, int64_t qty, int64_t rejected,
                  std::optional<std::string> reason, int64_t shipped, int64_t picked_up) {
    SeedLine x;
    x.order_id = std::move(o);
    x.line_id = std::move(l);
    x.sku = std::move(sku);
    x.qty = qty;
    x.rejected = rejected;
    x.accepted = qty - rejected;
    x.reject_reason = std::move(reason);
    x.picked = shipped + picked_up;
    x.shipped = shipped;
    x.picked_up = picked_up;
    d.lines.push_back(x);
  };
  line("O0", "1", "SKU-A", 7, 5, "insufficient_stock", 2, 0);  // rejected before the period
  line("O1", "1", "SKU-A", 1, 0, {}, 1, 0);
  line("O1", "2", "SKU-B", 2, 0, {}, 2, 0);
  line("O2", "1", "SKU-C", 3, 1, "unknown_sku", 2, 0);
  line("O3", "1", "SKU-A", 3, 0, {}, 0, 0);
  line("O3", "2", "SKU-C", 2, 0, {}, 0, 0);
  line("O4", "1", "SKU-B", 1, 0, {}, 0, 1);
  line("O5", "1", "SKU-B", 2, 2, "insufficient_stock", 0, 0);
  line("O6", "1", "SKU-C", 1, 0, {}, 1, 0);
  line("O7", "1", "SKU-B", 1, 0, {}, 0, 0);
  line("O8", "1", "SKU-A", 1, 0, {}, 0, 0);
  line("O9", "1", "SKU-A", 1, 0, {}, 0, 0);
  line("O10", "1", "SKU-B", 3, 0, {}, 3, 0);
  line("O10", "2", "SKU-A", 1, 1, "insufficient_stock", 0, 0);
  line("O11", "1", "SKU-B", 5, 0, {}, 0, 5);
  line("O12", "1", "SKU-A", 1, 0, {}, 0, 1);

  auto task = [&](int64_t id, std::string kind, std::string state, std::string who,
                  std::optional<int64_t> started, std::optional<int64_t> finished) {
    d.tasks.push_back({id, std::move(kind), std::move(state), std::move(who), started, finished, std::nullopt,
                       started.value_or(0)});
  };
  task(1, "pick", "done", "ana", T(1, 10, 0), T(1, 10, 12));
  task(2, "pick", "done", "bo", T(1, 14, 0), T(1, 14, 20));  // claimed by ana, reassigned to bo
  task(3, "pick", "done", "ana", T(2, 9, 0), T(2, 9, 6));
  task(4, "pick", "done", "ana", T(0, 23, 50), T(1, 0, 5));  // spans the period's start
  task(5, "pick", "in_progress", "bo", T(2, 23, 0), {});     // its record is after the period
  task(6, "pack", "done", "bo", T(1, 11, 0), T(1, 11, 8));
  task(7, "pack", "done", "bo", T(2, 10, 0), T(2, 10, 20));
  task(8, "pack", "done", "ana", T(2, 12, 0), T(2, 12, 5));
  task(9, "pack", "cancelled", "bo", T(2, 13, 0), T(2, 13, 1));  // not done: not counted
  task(10, "pack", "done", "bo", T(3, 0, 0), T(3, 0, 9));        // done after the period

  auto rec = [&](int64_t task_id, std::string who, int64_t at, std::string location, std::string sku,
                 int64_t qty, std::string method, std::optional<std::string> reason = {}) {
    // Any order line will do for the pick line's reference.
    d.records.push_back({task_id, "O1", "1", std::move(sku), std::move(location), qty, std::move(method),
                         std::move(reason), std::move(who), at});
  };
  rec(1, "ana", T(1, 10, 1), "A-01-1", "SKU-A", 1, "scan");                   // 60 s after started
  rec(1, "ana", T(1, 10, 1, 30), "A-02-1", "SKU-B", 1, "scan");               // 30 s
  rec(1, "ana", T(1, 10, 3, 30), "B-01-1", "SKU-C", 2, "count");              // 120 s
  rec(1, "ana", T(1, 10, 4), "A-01-1", "SKU-A", 1, "short", "not_found");     // 30 s
  rec(2, "ana", T(1, 14, 0, 40), "B-02-1", "SKU-B", 1, "scan");               // 40 s after started
  rec(2, "bo", T(1, 14, 5), "B-02-2", "SKU-C", 1, "scan");                    // after ana's: not timed
  rec(2, "bo", T(1, 14, 5, 20), "B-03-1", "SKU-C", 1, "manual", "no_label");  // 20 s
  rec(3, "ana", T(2, 9, 2), "", "SKU-A", 1, "scan");                          // 120 s, zone (none)
  rec(3, "ana", T(2, 9, 3), "C-1", "SKU-C", 2, "short", "damaged");           // 60 s, zone C
  rec(3, "ana", T(2, 9, 3, 10), "A-01-1", "SKU-A", 1, "short", "not_found");  // 10 s
  rec(4, "ana", T(0, 23, 55), "A-01-1", "SKU-A", 1, "scan");                  // before the period
  rec(4, "ana", T(1, 0, 1), "A-01-2", "SKU-A", 1, "scan");                    // 360 s after the one before
  rec(5, "bo", T(3, 0, 0), "A-01-1", "SKU-A", 9, "short", "not_found");       // after the period

  auto arrival = [&](std::string o, std::string source, std::optional<std::string> bay, int64_t at,
                     std::string state, std::optional<int64_t> served) {
    d.arrivals.push_back({std::move(o), std::move(source), std::move(bay), at, std::move(state), served});
  };
  arrival("O4", "kiosk", "3", T(1, 12, 50), "served", T(1, 13, 0));  // 10 min
  arrival("O8", "app", "3", T(2, 8, 30), "closed", {});
  arrival("O9", "associate", {}, T(2, 14, 0), "waiting", {});
  arrival("O4", "kiosk", {}, T(1, 12, 0), "served", T(1, 12, 4));    // 4 min
  arrival("O4", "kiosk", "5", T(2, 10, 0), "served", T(2, 10, 30));  // 30 min
  arrival("O4", "kiosk", "1", T(0, 23, 0), "served", T(1, 0, 10));   // before the period

  const std::string tight = "too small, \"tight\"";
  d.returns = {{"O1", "1", "SKU-A", 1, "resellable", tight, T(1, 15, 0)},
               {"O0", "1", "SKU-A", 1, "damaged", "defective", T(2, 9, 0)},
               {"O1", "2", "SKU-B", 2, "resellable", tight, T(2, 11, 0)},
               {"O2", "1", "SKU-C", 1, "resellable", "", T(2, 16, 0)},
               {"O10", "1", "SKU-B", 3, "resellable", "changed_mind", T(3, 8, 0)}};  // after the period

  d.ledger = {
      {"SKU-A", -2, 0, "count", "local", T(1, 10, 4)}, {"SKU-C", -2, 0, "damaged", "local", T(2, 9, 3)},
      {"SKU-B", 3, 0, "found", "local", T(1, 16, 0)},  {"SKU-B", 10, 0, "receipt", "local", T(2, 7, 0)},
      {"SKU-A", 5, 0, "receipt", "local", T(2, 7, 5)}, {"SKU-C", 1, 0, "count", "local", T(2, 18, 0)},
      {"SKU-A", -4, 0, "count", "delta", T(1, 12, 0)}, {"SKU-A", 0, 1, "reserve", "local", T(1, 9, 0)},
      {"SKU-A", -1, 0, "damaged", "local", T(3, 0, 0)}};
  return d;
}

class Reports : public ::testing::Test {
 protected:
  void SetUp() override {
    store::StoreOptions o;
    o.path = dir_.File("storeedge.db");
    o.store_id = "S042";
    auto s = store::Store::Open(o, clock_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    testing::WriteSeed(store_->db(), Scenario());
  }

  ReportResult Run(const std::string& name, int top = 20) {
    ReportRequest r;
    r.name = name;
    r.from = "2026-03-02";
    r.to = "2026-03-04";
    r.utc = true;
    r.top = top;
    ReportService service(store_->db(), clock_);
    auto out = service.Run(r);
    EXPECT_TRUE(out.ok()) << out.status().ToString();
    if (!out.ok()) return {};
    EXPECT_EQ(out->days, (std::vector<std::string>{"2026-03-02", "2026-03-03"}));
    return std::move(out).value();
  }

  static json Rows(const ReportResult& r, const std::string& table) {
    ReportTable daily;
    const ReportTable* t = r.Table(table, &daily);
    EXPECT_NE(t, nullptr) << table;
    return t ? json(t->rows) : json();
  }
  static json Columns(const ReportResult& r, const std::string& table) {
    ReportTable daily;
    const ReportTable* t = r.Table(table, &daily);
    return t ? json(t->columns) : json();
  }

  edge::testing::TempDir dir_;
  core::ManualClock clock_{core::FromUnixMillis(T(3, 12, 0))};  // now: 2026-03-04 12:00 UTC
  std::unique_ptr<store::Store> store_;
};

TEST_F(Reports, OrdersByKindAndState) {
  const ReportResult r = Run("orders");
  EXPECT_EQ(Columns(r, "by_kind"), json::parse(R"j(["kind","orders","accepted","picking","picked","packed",
      "shipped","ready","picked_up","expired","cancelled","rejected"])j"));
  EXPECT_EQ(Rows(r, "by_kind"), json::parse(R"j([
      ["ship_from_store", 4, 1, 0, 0, 0, 3, 0, 0, 0, 0, 0],
      ["bopis",           3, 0, 0, 0, 0, 0, 2, 0, 0, 0, 1],
      ["curbside",        2, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0],
      ["same_day",        1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0],
      ["(all)",          10, 1, 0, 0, 0, 4, 2, 1, 1, 0, 1]])j"));
  EXPECT_EQ(Rows(r, "daily"), json::parse(R"j([
      ["2026-03-02", 2, 2, 1, 0, 5],
      ["2026-03-03", 2, 1, 1, 1, 5]])j"));
  EXPECT_EQ(Columns(r, "daily"),
            json::parse(R"j(["day","ship_from_store","bopis","curbside","same_day","all"])j"));
}

TEST_F(Reports, FulfilmentAgainstThePromise) {
  const ReportResult r = Run("fulfilment");
  // ship_from_store: O1 on time (lead 120), O2 late 30 (lead 60), O10 late 30
  // (lead 60), O7 open past its promise (overdue). Leads [60,60,120]: median
  // rank 2 = 60, p90 rank 3 = 120. bopis: O3 ready 45 late (lead 105), O9
  // ready without a promise (lead 60), O5 rejected. curbside: O4 and O8 on
  // time (O8 ready exactly at its promise). same_day: O6 late 100 (lead 160).
  // All: leads [60,60,60,60,60,105,120,160] median rank 4 = 60, p90 rank 8 =
  // 160; late [30,30,45,100] median rank 2 = 30, p90 rank 4 = 100; 4 late of 7
  // with a promise = 57.1%.
  EXPECT_EQ(Rows(r, "by_kind"), json::parse(R"j([
      ["ship_from_store", 4, 3, 1, 2, 66.7, 0, 1, 1, 60.0, 120.0, 30.0, 30.0, 30.0],
      ["bopis",           3, 2, 0, 1, 100.0, 1, 1, 0, 60.0, 105.0, 45.0, 45.0, 45.0],
      ["curbside",        2, 2, 2, 0, 0.0, 0, 0, 0, 60.0, 60.0, null, null, null],
      ["same_day",        1, 1, 0, 1, 100.0, 0, 0, 0, 160.0, 160.0, 100.0, 100.0, 100.0],
      ["(all)",          10, 8, 3, 4, 57.1, 1, 2, 1, 60.0, 160.0, 30.0, 100.0, 100.0]])j"));
  // Day 1: O1, O2, O3, O4 completed; late O2 (30), O3 (45). Day 2: O6, O8,
  // O9, O10; late O6 (100), O10 (30).
  EXPECT_EQ(Rows(r, "daily"), json::parse(R"j([
      ["2026-03-02", 4, 2, 2, 30.0, 45.0],
      ["2026-03-03", 4, 1, 2, 30.0, 100.0]])j"));
  EXPECT_EQ(Columns(r, "daily"), json::parse(R"j(["day","completed","on_time","late","late_median_min",
      "late_p90_min"])j"));

  // A fulfilment CSV, byte for byte: CRLF, empty cells for no value.
  EXPECT_EQ(TableCsv(r.tables[0]),
            "kind,orders,completed,on_time,late,late_pct,no_promise,not_completed,overdue,lead_median_min,"
            "lead_p90_min,late_median_min,late_p90_min,late_max_min\r\n"
            "ship_from_store,4,3,1,2,66.7,0,1,1,60.0,120.0,30.0,30.0,30.0\r\n"
            "bopis,3,2,0,1,100.0,1,1,0,60.0,105.0,45.0,45.0,45.0\r\n"
            "curbside,2,2,2,0,0.0,0,0,0,60.0,60.0,,,\r\n"
            "same_day,1,1,0,1,100.0,0,0,0,160.0,160.0,100.0,100.0,100.0\r\n"
            "(all),10,8,3,4,57.1,1,2,1,60.0,160.0,30.0,100.0,100.0\r\n");
}

TEST_F(Reports, RejectionsAndShortPicksByReasonAndSku) {
  const ReportResult r = Run("rejections");
  // Intake: O5 2 and O10 1 insufficient_stock, O2 1 unknown_sku (O0's 5 are
  // before the period). Shorts: 1 not_found on day 1; 2 damaged and 1
  // not_found on day 2 (the 9 at 03-04 00:00 are after it).
  EXPECT_EQ(Rows(r, "by_reason"), json::parse(R"j([
      ["intake", "insufficient_stock", 2, 3],
      ["intake", "unknown_sku", 1, 1],
      ["short_pick", "damaged", 1, 2],
      ["short_pick", "not_found", 2, 2],
      ["(all)", "(all)", 6, 8]])j"));
  EXPECT_EQ(Rows(r, "by_sku"), json::parse(R"j([
      ["SKU-A", 1, 2, 3],
      ["SKU-C", 1, 2, 3],
      ["SKU-B", 2, 0, 2],
      ["(all)", 4, 4, 8]])j"));
  EXPECT_EQ(Rows(r, "daily"), json::parse(R"j([["2026-03-02", 3, 1], ["2026-03-03", 1, 3]])j"));
  // Top 1: the first SKU, and the total of all of them.
  EXPECT_EQ(Rows(Run("rejections", 1), "by_sku"),
            json::parse(R"j([["SKU-A", 1, 2, 3], ["(all)", 4, 4, 8]])j"));
}

TEST_F(Reports, PickAndPackTimes) {
  const ReportResult r = Run("picking");
  // ana's steps: 60, 30, 120, 30 (task 1), 40 (task 2, from started), 120,
  // 60, 10 (task 3), 360 (task 4, from its record before the period): sorted
  // [10,30,30,40,60,60,120,120,360], median rank 5 = 60, p90 rank 9 = 360.
  // Units: 1+1+2+1+1+1 (shorts count none) = 7. Her pick tasks 12, 6, 15 min
  // (median 12, p90 15); pack 5. bo: records at 14:05 (not timed: after
  // ana's) and 14:05:20 (20 s); pick task 2 (20 min); packs 8 and 20 (the
  // cancelled one and the one done after the period are not counted).
  EXPECT_EQ(Rows(r, "by_associate"), json::parse(R"j([
      ["ana",    9, 7,  9, 60.0, 360.0, 3, 12.0, 15.0, 1, 5.0, 5.0],
      ["bo",     2, 2,  1, 20.0,  20.0, 1, 20.0, 20.0, 2, 8.0, 20.0],
      ["(all)", 11, 9, 10, 40.0, 120.0, 4, 12.0, 20.0, 3, 8.0, 20.0]])j"));
  // Zones: A [60,30,30,10,360] -> 30 / 360; B [120,40,20] (+1 untimed) ->
  // 40 / 120; C (C-1) [60]; (none) the record without a location [120].
  EXPECT_EQ(Rows(r, "by_zone"), json::parse(R"j([
      ["(none)", 1, 1, 1, 120.0, 120.0],
      ["A",      5, 3, 5,  30.0, 360.0],
      ["B",      4, 5, 3,  40.0, 120.0],
      ["C",      1, 0, 1,  60.0,  60.0],
      ["(all)", 11, 9, 10, 40.0, 120.0]])j"));
  EXPECT_EQ(Rows(r, "by_sku"), json::parse(R"j([
      ["SKU-A",  5, 3, 5,  60.0, 360.0],
      ["SKU-C",  4, 4, 3,  60.0, 120.0],
      ["SKU-B",  2, 2, 2,  30.0,  40.0],
      ["(all)", 11, 9, 10, 40.0, 120.0]])j"));
  // Day 1 steps [60,30,120,30,40,20,360] -> 40; day 2 [120,60,10] -> 60.
  // Pick tasks day 1 [12,20,15] -> 15, day 2 [6]; packs day 1 [8], day 2
  // [20,5] -> 5.
  EXPECT_EQ(Rows(r, "daily"), json::parse(R"j([
      ["2026-03-02", 8, 40.0, 15.0, 8.0],
      ["2026-03-03", 1, 60.0,  6.0, 5.0]])j"));
}

TEST_F(Reports, CurbsideWaits) {
  const ReportResult r = Run("curbside");
  // Served waits 10 (bay 3), 4 (counter), 30 (bay 5) -> median 10, p90 30.
  EXPECT_EQ(Rows(r, "by_source"), json::parse(R"j([
      ["app",       1, 0, 0, 1, null, null, null],
      ["associate", 1, 0, 1, 0, null, null, null],
      ["kiosk",     3, 3, 0, 0, 10.0, 30.0, 30.0],
      ["(all)",     5, 3, 1, 1, 10.0, 30.0, 30.0]])j"));
  EXPECT_EQ(Rows(r, "by_bay"), json::parse(R"j([
      ["(counter)", 2, 1, 1, 0,  4.0,  4.0,  4.0],
      ["3",         2, 1, 0, 1, 10.0, 10.0, 10.0],
      ["5",         1, 1, 0, 0, 30.0, 30.0, 30.0],
      ["(all)",     5, 3, 1, 1, 10.0, 30.0, 30.0]])j"));
  EXPECT_EQ(Rows(r, "daily"), json::parse(R"j([
      ["2026-03-02", 2,  4.0, 10.0],
      ["2026-03-03", 3, 30.0, 30.0]])j"));
}

TEST_F(Reports, PickupsCollectedUncollectedExpired) {
  const ReportResult r = Run("pickups");
  // Ready in the period: O3 (waiting, hold until 03-05), O9 (waiting, its
  // hold ended 03-03 18:00: uncollected), O12 (collected after 9 h; routed
  // before the period), O4 (collected after 2 h), O8 (expired).
  EXPECT_EQ(Rows(r, "by_kind"), json::parse(R"j([
      ["bopis",    3, 1, 0, 0, 2, 1, 100.0, 9.0, 9.0],
      ["curbside", 2, 1, 1, 0, 0, 0,  50.0, 2.0, 2.0],
      ["(all)",    5, 2, 1, 0, 2, 1,  66.7, 2.0, 9.0]])j"));
  EXPECT_EQ(Rows(r, "daily"), json::parse(R"j([
      ["2026-03-02", 3, 2, 0, 100.0],
      ["2026-03-03", 2, 0, 1, 0.0]])j"));
}

TEST_F(Reports, ReturnsAndReturnRate) {
  const ReportResult r = Run("returns");
  // Fulfilled (orders shipped or picked up in the period, whatever their
  // routing day): SKU-A 2 (O0) + 1 (O1) + 1 (O12) = 4; SKU-B 2 (O1) + 1 (O4)
  // + 3 (O10) = 6; SKU-C 2 (O2) + 1 (O6) = 3. Returned: A 2, B 2, C 1.
  EXPECT_EQ(Rows(r, "by_sku"), json::parse(R"j([
      ["SKU-A", 2,  4, 50.0, 1, 1],
      ["SKU-B", 2,  6, 33.3, 2, 0],
      ["SKU-C", 1,  3, 33.3, 1, 0],
      ["(all)", 5, 13, 38.5, 4, 1]])j"));
  EXPECT_EQ(Rows(r, "by_condition"), json::parse(R"j([
      ["resellable", 3, 4, 80.0],
      ["damaged",    1, 1, 20.0],
      ["(all)",      4, 5, 100.0]])j"));
  EXPECT_EQ(Rows(r, "daily"), json::parse(R"j([
      ["2026-03-02", 1, 9, 11.1],
      ["2026-03-03", 4, 4, 100.0]])j"));
  // The reasons as CSV, byte for byte: a reason with a comma and quotes is
  // quoted, its quotes doubled; no reason given is (none).
  ReportTable daily;
  EXPECT_EQ(TableCsv(*r.Table("by_reason", &daily)),
            "reason,returns,units,share_pct\r\n"
            "\"too small, \"\"tight\"\"\",2,3,60.0\r\n"
            "(none),1,1,20.0\r\n"
            "defective,1,1,20.0\r\n"
            "(all),4,5,100.0\r\n");
}

TEST_F(Reports, AdjustmentsByReason) {
  const ReportResult r = Run("adjustments");
  // Local rows with the four reasons in the period; the central delta, the
  // reserve row and the damage at 03-04 00:00 are left out.
  EXPECT_EQ(Rows(r, "by_reason"), json::parse(R"j([
      ["count",   2,  1, 2, -1],
      ["damaged", 1,  0, 2, -2],
      ["found",   1,  3, 0,  3],
      ["receipt", 2, 15, 0, 15],
      ["(all)",   6, 19, 4, 15]])j"));
  EXPECT_EQ(Rows(r, "by_sku"), json::parse(R"j([
      ["SKU-B", 2, 13, 0, 13],
      ["SKU-A", 2,  5, 2,  3],
      ["SKU-C", 2,  1, 2, -1],
      ["(all)", 6, 19, 4, 15]])j"));
  EXPECT_EQ(Rows(r, "daily"), json::parse(R"j([
      ["2026-03-02", -2,  0, 3,  0],
      ["2026-03-03",  1, -2, 0, 15]])j"));
}

TEST_F(Reports, JsonCarriesTablesSeriesAndNotes) {
  const json j = ReportJson(Run("curbside"));
  EXPECT_EQ(j["name"], "curbside");
  EXPECT_EQ(j["from"], "2026-03-02");
  EXPECT_EQ(j["to"], "2026-03-04");
  EXPECT_EQ(j["days_in"], "utc");
  EXPECT_EQ(j["days"], json::parse(R"j(["2026-03-02","2026-03-03"])j"));
  ASSERT_EQ(j["tables"].size(), 2u);
  EXPECT_EQ(j["tables"][1]["name"], "by_bay");
  EXPECT_EQ(j["tables"][1]["columns"][0], "bay");
  EXPECT_EQ(j["series"][0], json::parse(R"j({"name":"arrivals","unit":"arrivals","values":[2,3]})j"));
  EXPECT_FALSE(j["notes"].empty());
}

TEST_F(Reports, RequestsAreChecked) {
  ReportService service(store_->db(), clock_);
  auto fails = [&](ReportRequest rq) {
    auto r = service.Run(rq);
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), core::StatusCode::kInvalidArgument);
    return r.status().message();
  };
  EXPECT_EQ(
      fails({"sales", "2026-03-02", "2026-03-04", true, 20}),
      "unknown report 'sales'; the reports are orders, fulfilment, rejections, picking, curbside, pickups, "
      "returns, adjustments");
  EXPECT_EQ(fails({"orders", "2026-3-2", "2026-03-04", true, 20}),
            "from: '2026-3-2' is not a date; expected YYYY-MM-DD, e.g. 2026-03-01");
  EXPECT_EQ(fails({"orders", "2026-03-02", "2026-02-30", true, 20}),
            "to: 2026-02-30 is not a day of the calendar");
  EXPECT_EQ(
      fails({"orders", "2026-03-04", "2026-03-02", true, 20}),
      "to (2026-03-02) must be after from (2026-03-04): the period is [from, to), to is the day after the "
      "last");
  EXPECT_EQ(
      fails({"orders", "2026-03-02", "2026-03-02", true, 20}),
      "to (2026-03-02) must be after from (2026-03-02): the period is [from, to), to is the day after the "
      "last");
  EXPECT_EQ(fails({"orders", "2024-01-01", "2026-01-02", true, 20}),
            "the period 2024-01-01 to 2026-01-02 has 732 days; a report covers at most 731");
  EXPECT_EQ(fails({"rejections", "2026-03-02", "2026-03-04", true, -1}),
            "top must be 0 (every SKU) or more, got -1");
  EXPECT_TRUE(service.Run({"orders", "2024-01-01", "2026-01-01", true, 20}).ok());
}

// Local days follow the machine's zone: in Europe/Berlin (UTC+1 in March,
// +2 from the last Sunday), O0 routed at 23:59 UTC on 03-01 is 00:59 on
// 03-02 local and joins the period; O11 at 00:00 UTC on 03-04 is 01:00 local
// and leaves it. The DST day (2026-03-29) has 23 hours.
TEST_F(Reports, LocalDaysFollowTheZone) {
  const char* old = std::getenv("TZ");
  const std::string saved = old ? old : "";
  ::setenv("TZ", "Europe/Berlin", 1);
  ReportService service(store_->db(), clock_);
  auto r = service.Run({"orders", "2026-03-02", "2026-03-04", false, 20});
  auto dst = service.Run({"orders", "2026-03-29", "2026-03-31", false, 20});
  if (old) {
    ::setenv("TZ", saved.c_str(), 1);
  } else {
    ::unsetenv("TZ");
  }
  tzset();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  // O0 (ship_from_store) joins day 1; nothing of day 2 moves: O11 stays out.
  EXPECT_EQ(Rows(*r, "daily"), json::parse(R"j([
      ["2026-03-02", 3, 2, 1, 0, 6],
      ["2026-03-03", 2, 1, 1, 1, 5]])j"));
  EXPECT_EQ(ReportJson(*r)["days_in"], "local");
  ASSERT_TRUE(dst.ok()) << dst.status().ToString();
  EXPECT_EQ(dst->days, (std::vector<std::string>{"2026-03-29", "2026-03-30"}));
}

}  // namespace
}  // namespace edge::app
