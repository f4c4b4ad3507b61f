// report_bench: how long each report of ReportService (issue 10) takes over
// a year of a busy store, on a real SQLite file.
//
// Seeds --days days of --orders orders a day (edge/testing/report_seed.h:
// lines, pick tasks and records, packing, shipping, pickups with arrivals,
// returns, adjustments, the reserve/consume ledger rows of every line) into a
// fresh store database, then runs every report over the whole period and
// over its last 30 days, each --runs times on a warm cache, and prints the
// slowest and fastest run with a few of the report's figures. Target: well
// under a second per report for the year. The baseline is a plain
// `SELECT count(*)` over each table the reports read, on the same file.
//
// Usage: report_bench [--days N] [--orders N] [--runs N] [--dir D] [--keep]
// Defaults: 365 days, 200 orders a day, 5 runs, $TMPDIR.
// Build it in a release tree: -DCMAKE_BUILD_TYPE=Release -DSTOREEDGE_BENCH=ON.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "edge/app/report_service.h"
#include "edge/core/clock.h"
#include "edge/store/store.h"
#include "edge/testing/report_seed.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Args {
  int days = 365;
  int orders = 200;
  int runs = 5;
  std::string dir;
  bool keep = false;
};

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "report_bench: %s\n", what.c_str());
  std::exit(1);
}

double Ms(Clock::time_point since) {
  return std::chrono::duration<double, std::milli>(Clock::now() - since).count();
}

std::string Day(int64_t ms) {
  const auto d = std::chrono::floor<std::chrono::days>(
      std::chrono::sys_time<std::chrono::milliseconds>(std::chrono::milliseconds(ms)));
  const std::chrono::year_month_day ymd(d);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

// The (all) row of the report's main table, "column=value" for a few columns.
std::string Headline(const edge::app::ReportResult& r) {
  const auto& t = r.tables.front();
  const auto& row = t.rows.back();
  std::string out;
  for (size_t i = 1; i < row.size() && i < 7; ++i) {
    out += (out.empty() ? "" : " ") + t.columns[i] + "=" + (row[i].is_null() ? "-" : row[i].dump());
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--keep") {
      a.keep = true;
      continue;
    }
    if (i + 1 >= argc) Die(flag + " needs a value");
    const std::string v = argv[++i];
    if (flag == "--days") {
      a.days = std::atoi(v.c_str());
    } else if (flag == "--orders") {
      a.orders = std::atoi(v.c_str());
    } else if (flag == "--runs") {
      a.runs = std::atoi(v.c_str());
    } else if (flag == "--dir") {
      a.dir = v;
    } else {
      Die("unknown option " + flag + " (--days N --orders N --runs N --dir D --keep)");
    }
  }
  if (a.days < 31 || a.days > edge::app::kMaxReportDays || a.orders < 1 || a.runs < 1) {
    Die("--days must be 31 to 731, --orders and --runs at least 1");
  }
  if (a.dir.empty()) {
    const char* t = std::getenv("TMPDIR");
    a.dir = t && *t ? t : "/tmp";
  }
  const std::string dir = a.dir + "/report_bench-" + std::to_string(::getpid());
  std::filesystem::create_directories(dir);

  constexpr int64_t kDay = 86'400'000;
  const int64_t first = 1'767'225'600'000;  // 2026-01-01T00:00:00Z
  const int64_t end = first + a.days * kDay;
  edge::core::ManualClock clock(edge::core::FromUnixMillis(end));
  edge::store::StoreOptions so;
  so.path = dir + "/storeedge.db";
  so.store_id = "BENCH";
  auto store = edge::store::Store::Open(so, clock);
  if (!store.ok()) Die(store.status().ToString());
  auto& db = (*store)->db();

  auto t0 = Clock::now();
  const auto data = edge::testing::GenerateBusyStore(first, a.days, a.orders, end, 2026);
  const double generate_ms = Ms(t0);
  t0 = Clock::now();
  edge::testing::WriteSeed(db, data);
  const double write_ms = Ms(t0);
  if (!db.Exec("ANALYZE").ok()) Die("ANALYZE failed");
  std::printf(
      "seeded %d days x %d orders/day: %zu orders, %zu lines, %zu tasks, %zu pick records, %zu arrivals, "
      "%zu returns, %zu ledger rows; %.1f MiB (generated in %.0f ms, written in %.0f ms)\n",
      a.days, a.orders, data.orders.size(), data.lines.size(), data.tasks.size(), data.records.size(),
      data.arrivals.size(), data.returns.size(), data.ledger.size(),
      static_cast<double>((*store)->FileSizeBytes()) / 1048576.0, generate_ms, write_ms);

  // Baseline: counting the rows of each table the reports read.
  t0 = Clock::now();
  for (const char* table :
       {"orders", "order_lines", "tasks", "pick_records", "arrivals", "returns", "ledger"}) {
    if (!db.QueryInt(std::string("SELECT count(*) FROM ") + table).ok()) Die("count failed");
  }
  std::printf("baseline: SELECT count(*) of the 7 tables the reports read: %.1f ms\n\n", Ms(t0));

  edge::app::ReportService service(db, clock);
  const std::string year_from = Day(first), year_to = Day(end), month_from = Day(end - 30 * kDay);
  std::printf("%-12s %-6s %10s %10s  %s\n", "report", "period", "fastest", "slowest",
              "figures (the (all) row)");
  double worst_year = 0;
  for (const auto& name : edge::app::ReportNames()) {
    for (const bool year : {true, false}) {
      double fastest = 1e18, slowest = 0;
      edge::app::ReportResult last;
      for (int run = 0; run < a.runs; ++run) {
        t0 = Clock::now();
        auto r = service.Run({name, year ? year_from : month_from, year_to, true, 20});
        const double ms = Ms(t0);
        if (!r.ok()) Die(name + ": " + r.status().ToString());
        fastest = std::min(fastest, ms);
        slowest = std::max(slowest, ms);
        last = std::move(r).value();
      }
      if (year) worst_year = std::max(worst_year, slowest);
      std::printf("%-12s %-6s %7.1f ms %7.1f ms  %s\n", name.c_str(), year ? "year" : "month", fastest,
                  slowest, Headline(last).c_str());
    }
  }
  std::printf("\nslowest report over the year: %.1f ms (target: well under 1000 ms)\n", worst_year);
  store->reset();
  if (!a.keep) {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  } else {
    std::printf("kept %s\n", dir.c_str());
  }
  return 0;
}
