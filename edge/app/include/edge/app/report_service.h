// ReportService: the store manager's reports (issue 10) — orders, fulfilment
// against the promise, rejections and short picks, picking and packing
// times, curbside waits, uncollected pickups, returns and inventory
// adjustments — computed from the store's own tables for a period of days.
//
// Read-only: every report runs SELECTs (prepared statements over indexed
// time ranges) on the connection it is given, all of one report inside one
// read transaction so that its figures agree with each other. Counts and
// sums come from the rows fetched; medians and p90 are computed here.
//
// Days. A period is [from, to) in calendar days: `from` is the first day,
// `to` the day after the last (--from 2026-03-01 --to 2026-04-01 is March).
// Days are the store's local days by default — midnight to midnight in the
// machine's time zone (TZ, else /etc/localtime, as localtime(3) sees it), so
// a day of a DST change has 23 or 25 hours — or UTC days when asked. Every
// row is placed in the day of the instant its report's notes name (routed,
// ready, the pick record, the arrival, the return, the ledger row…).
//
// Percentiles are nearest-rank: of n values sorted ascending, pN is the value
// at rank ceil(N/100 · n) (1-based); the median is p50 (for an even n the
// lower of the two middle values). Durations are given in minutes (pick
// steps in seconds, pickup collection in hours), rounded to 0.1; rates in
// percent, rounded to 0.1. Each report's notes say what its figures measure.
//
// Borrows the Database (the daemon's store connection, or a read-only
// connection of storeedgectl) and the Clock, which must outlive it. One
// thread, like the connection.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "edge/core/clock.h"
#include "edge/core/status.h"
#include "edge/store/database.h"

namespace edge::app {

// One table of a report: column names and rows of cells (a JSON integer,
// number, string, or null for "no value", e.g. the median of no values).
struct ReportTable {
  std::string name;  // "by_kind", "by_sku", … unique within the report
  std::string title;
  std::vector<std::string> columns;
  std::vector<std::vector<nlohmann::json>> rows;
};

// One figure per day of the period, for charts; null where a day has no value.
struct ReportSeries {
  std::string name;                    // "late", "median_wait_min", …
  std::string unit;                    // "orders", "units", "minutes", "seconds", "percent", …
  std::vector<nlohmann::json> values;  // one per ReportResult::days
};

struct ReportResult {
  std::string name;  // "orders", …
  std::string title;
  std::string from;                  // YYYY-MM-DD, the first day
  std::string to;                    // YYYY-MM-DD, the day after the last
  bool utc = false;                  // UTC days (else local days)
  std::vector<std::string> days;     // every day of the period, YYYY-MM-DD
  std::vector<ReportTable> tables;   // figures over the whole period; tables[0] is the main one
  std::vector<ReportSeries> series;  // figures per day
  std::vector<std::string> notes;    // what the figures measure, one sentence each

  // The per-day series as a table "daily": a column `day`, then one column
  // per series.
  ReportTable DailyTable() const;
  // The table `name` ("daily" included), or nullptr.
  const ReportTable* Table(const std::string& name, ReportTable* daily_storage) const;
};

struct ReportRequest {
  std::string name;
  std::string from;  // YYYY-MM-DD
  std::string to;    // YYYY-MM-DD, after from
  bool utc = false;  // UTC days instead of the machine's local days
  int top = 20;      // rows of the "top SKUs" tables; 0 = every SKU
};

// The longest period a report covers, in days (two years and a leap day).
inline constexpr int kMaxReportDays = 731;

// The report names, in the order they are listed to users.
const std::vector<std::string>& ReportNames();
// "orders, fulfilment, …" for error messages.
std::string ReportNameList();

// RFC 4180 CSV of one table: a header row of the column names, then the
// rows; lines end in CRLF; a field holding a comma, a quote, CR or LF is
// quoted (a quote doubled). Null cells are empty; numbers as in JSON.
std::string TableCsv(const ReportTable& table);

// {name, title, from, to, days_in: "local"|"utc", days, tables: [{name,
// title, columns, rows}], series: [{name, unit, values}], notes}.
nlohmann::json ReportJson(const ReportResult& report);

// Checks a request as Run does (name, dates, period, top) without a
// database: OK, or the InvalidArgument Run would return.
core::Status ValidateReportRequest(const ReportRequest& request);

class ReportService {
 public:
  ReportService(store::Database& db, const core::Clock& clock) : db_(db), clock_(clock) {}

  // Computes one report. Fails with InvalidArgument naming what is wrong: an
  // unknown report (listing the names), a date that is not a real
  // YYYY-MM-DD, `to` not after `from`, a period longer than kMaxReportDays,
  // `top` below 0; with the database's error (e.g. "no such table" on a
  // database of an older schema) otherwise.
  core::Result<ReportResult> Run(const ReportRequest& request);

 private:
  store::Database& db_;
  const core::Clock& clock_;
};

}  // namespace edge::app
