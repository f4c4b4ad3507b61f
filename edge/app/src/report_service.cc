// The reports of ReportService: one function per report, each a few indexed
// range SELECTs over the period and the arithmetic on the rows they return.
// The SQL of every report is in this file, beside the figures it feeds.
#include "edge/app/report_service.h"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <tuple>

#include "edge/core/csv.h"

namespace edge::app {

namespace {

using core::Result;
using core::Status;
using json = nlohmann::json;

constexpr int64_t kMinuteMs = 60'000;
const char* const kAll = "(all)";

// ---- the period and its days ----

struct Period {
  std::vector<std::string> days;
  std::vector<int64_t> bounds;  // days.size() + 1 instants (ms): bounds[i] starts day i
  int64_t from_ms() const { return bounds.front(); }
  int64_t to_ms() const { return bounds.back(); }
  // The day `ms` falls in; -1 outside the period.
  int DayOf(int64_t ms) const {
    if (ms < from_ms() || ms >= to_ms()) return -1;
    return static_cast<int>(std::upper_bound(bounds.begin(), bounds.end(), ms) - bounds.begin()) - 1;
  }
};

Result<std::chrono::year_month_day> ParseDay(const std::string& text, const char* field) {
  const auto bad = [&] {
    return Status::InvalidArgument(std::string(field) + ": '" + text +
                                   "' is not a date; expected YYYY-MM-DD, e.g. 2026-03-01");
  };
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return bad();
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (text[i] < '0' || text[i] > '9') return bad();
  }
  const int y = std::stoi(text.substr(0, 4));
  const unsigned m = static_cast<unsigned>(std::stoi(text.substr(5, 2)));
  const unsigned d = static_cast<unsigned>(std::stoi(text.substr(8, 2)));
  const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
  if (!ymd.ok()) {
    return Status::InvalidArgument(std::string(field) + ": " + text + " is not a day of the calendar");
  }
  if (y < 1970) return Status::InvalidArgument(std::string(field) + ": " + text + " is before 1970");
  return ymd;
}

std::string DayText(std::chrono::year_month_day ymd) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

// The instant (ms) the day starts: midnight UTC, or local midnight as
// mktime(3) places it (the first moment of the day when midnight falls in a
// DST gap: mktime moves it forward).
int64_t DayStartMs(std::chrono::year_month_day ymd, bool utc) {
  if (utc) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::sys_days(ymd).time_since_epoch())
        .count();
  }
  std::tm t{};
  t.tm_year = static_cast<int>(ymd.year()) - 1900;
  t.tm_mon = static_cast<int>(static_cast<unsigned>(ymd.month())) - 1;
  t.tm_mday = static_cast<int>(static_cast<unsigned>(ymd.day()));
  t.tm_isdst = -1;
  return static_cast<int64_t>(std::mktime(&t)) * 1000;
}

Result<Period> MakePeriod(const ReportRequest& r) {
  auto from = ParseDay(r.from, "from");
  if (!from.ok()) return from.status();
  auto to = ParseDay(r.to, "to");
  if (!to.ok()) return to.status();
  const auto first = std::chrono::sys_days(*from);
  const auto end = std::chrono::sys_days(*to);
  if (end <= first) {
    return Status::InvalidArgument("to (" + r.to + ") must be after from (" + r.from +
                                   "): the period is [from, to), to is the day after the last");
  }
  const auto n = (end - first).count();
  if (n > kMaxReportDays) {
    return Status::InvalidArgument("the period " + r.from + " to " + r.to + " has " + std::to_string(n) +
                                   " days; a report covers at most " + std::to_string(kMaxReportDays));
  }
  if (!r.utc) tzset();  // localtime follows TZ as it is now
  Period p;
  for (auto d = first; d <= end; d += std::chrono::days(1)) {
    const std::chrono::year_month_day ymd(d);
    if (d < end) p.days.push_back(DayText(ymd));
    p.bounds.push_back(DayStartMs(ymd, r.utc));
  }
  return p;
}

// ---- statistics ----

// Values of one group; percentiles by nearest rank.
class Sample {
 public:
  void Add(int64_t v) {
    values_.push_back(v);
    sorted_ = false;
  }
  size_t size() const { return values_.size(); }
  std::optional<int64_t> Pct(int p) {
    if (values_.empty()) return std::nullopt;
    Sort();
    const size_t n = values_.size();
    const size_t rank = std::max<size_t>(1, (static_cast<size_t>(p) * n + 99) / 100);
    return values_[rank - 1];
  }
  std::optional<int64_t> Max() {
    if (values_.empty()) return std::nullopt;
    Sort();
    return values_.back();
  }

 private:
  void Sort() {
    if (!sorted_) std::sort(values_.begin(), values_.end());
    sorted_ = true;
  }
  std::vector<int64_t> values_;
  bool sorted_ = true;
};

json Rounded(double v) { return std::round(v * 10.0) / 10.0; }
// ms as minutes, seconds or hours (0.1); null for no value.
json Min(std::optional<int64_t> ms) { return ms ? Rounded(*ms / 60'000.0) : json(nullptr); }
json Sec(std::optional<int64_t> ms) { return ms ? Rounded(*ms / 1'000.0) : json(nullptr); }
json Hours(std::optional<int64_t> ms) { return ms ? Rounded(*ms / 3'600'000.0) : json(nullptr); }
// part / whole in percent (0.1); null when whole is 0.
json Pct(int64_t part, int64_t whole) {
  return whole == 0 ? json(nullptr) : Rounded(100.0 * static_cast<double>(part) / static_cast<double>(whole));
}

std::vector<json> Zeros(size_t n) { return std::vector<json>(n, json(0)); }

// ---- SQL ----

// Runs `sql` with ?1 = from_ms and ?2 = to_ms (and `extra` from ?3), calling
// `row` for every row.
Status Query(store::Database& db, const char* sql, int64_t from_ms, int64_t to_ms,
             const std::function<void(const store::Statement&)>& row, std::optional<int64_t> extra = {}) {
  auto st = db.Prepare(sql);
  if (!st.ok()) return st.status();
  st->Bind(1, from_ms).Bind(2, to_ms);
  if (extra) st->Bind(3, *extra);
  for (;;) {
    auto has = st->Step();
    if (!has.ok()) return has.status();
    if (!*has) break;
    row(*st);
  }
  return Status::Ok();
}

// Holds one read transaction for the queries of a report, so that they see
// one state of the database; inside a caller's transaction it adds nothing.
class ReadSnapshot {
 public:
  explicit ReadSnapshot(store::Database& db) : db_(db) {
    if (sqlite3_get_autocommit(db.handle()) != 0) began_ = db.Exec("BEGIN DEFERRED").ok();
  }
  ~ReadSnapshot() {
    if (began_ && !db_.Exec("COMMIT").ok()) {
      // A read transaction commits unless the connection is gone; nothing to undo.
    }
  }
  ReadSnapshot(const ReadSnapshot&) = delete;
  ReadSnapshot& operator=(const ReadSnapshot&) = delete;

 private:
  store::Database& db_;
  bool began_ = false;
};

const std::vector<std::string> kKinds = {"ship_from_store", "bopis", "curbside", "same_day"};
const std::vector<std::string> kStates = {"accepted", "picking",   "picked",  "packed",    "shipped",
                                          "ready",    "picked_up", "expired", "cancelled", "rejected"};
const std::vector<std::string> kAdjustReasons = {"count", "damaged", "found", "receipt"};

bool IsPickupKind(const std::string& kind) { return kind == "bopis" || kind == "curbside"; }

// "A-12-3" → "A"; a location without '-' is its own zone; "" → "(none)".
std::string ZoneOf(const std::string& location) {
  if (location.empty()) return "(none)";
  return location.substr(0, location.find('-'));
}

std::string OrNone(std::string s) { return s.empty() ? "(none)" : s; }

// Sorts rows of a "by SKU" table by `key` descending (then by SKU) and keeps
// the first `top` (0: all).
template <typename T, typename K>
std::vector<std::pair<std::string, T>> Top(const std::map<std::string, T>& m, int top, K key) {
  std::vector<std::pair<std::string, T>> v(m.begin(), m.end());
  std::stable_sort(v.begin(), v.end(),
                   [&](const auto& a, const auto& b) { return key(a.second) > key(b.second); });
  if (top > 0 && v.size() > static_cast<size_t>(top)) v.resize(static_cast<size_t>(top));
  return v;
}

// ---- orders ----

Status OrdersReport(store::Database& db, const Period& p, ReportResult* out) {
  out->title = "Orders by kind and state";
  out->notes = {
      "Orders routed to the store in the period, by the day they were routed, with the state each is in "
      "now."};
  std::map<std::string, std::map<std::string, int64_t>> by;  // kind -> state -> n
  std::map<std::string, std::vector<json>> per_day;
  for (const auto& k : kKinds) per_day[k] = Zeros(p.days.size());
  per_day[kAll] = Zeros(p.days.size());
  EDGE_RETURN_IF_ERROR(Query(db, "SELECT routed, kind, state FROM orders WHERE routed >= ?1 AND routed < ?2",
                             p.from_ms(), p.to_ms(), [&](const store::Statement& st) {
                               const int d = p.DayOf(st.Int64(0));
                               const std::string kind = st.Text(1);
                               ++by[kind][st.Text(2)];
                               if (d < 0) return;
                               auto& v = per_day[kind];
                               if (v.empty()) v = Zeros(p.days.size());
                               v[d] = v[d].get<int64_t>() + 1;
                               per_day[kAll][d] = per_day[kAll][d].get<int64_t>() + 1;
                             }));
  ReportTable t{"by_kind", "Orders by kind and state", {"kind", "orders"}, {}};
  for (const auto& s : kStates) t.columns.push_back(s);
  std::map<std::string, int64_t> all;
  for (const auto& k : kKinds) {
    std::vector<json> row{k, 0};
    int64_t n = 0;
    for (const auto& s : kStates) {
      const int64_t c = by[k][s];
      row.push_back(c);
      n += c;
      all[s] += c;
    }
    row[1] = n;
    t.rows.push_back(std::move(row));
  }
  std::vector<json> total{kAll, 0};
  int64_t n = 0;
  for (const auto& s : kStates) {
    total.push_back(all[s]);
    n += all[s];
  }
  total[1] = n;
  t.rows.push_back(std::move(total));
  out->tables.push_back(std::move(t));
  for (const auto& k : kKinds) out->series.push_back({k, "orders", per_day[k]});
  out->series.push_back({"all", "orders", per_day[kAll]});
  return Status::Ok();
}

// ---- fulfilment ----

Status FulfilmentReport(store::Database& db, const Period& p, int64_t now_ms, ReportResult* out) {
  out->title = "Fulfilment against the promise";
  out->notes = {
      "Orders routed in the period, by the day they were routed.",
      "Completed: a pickup order (bopis, curbside) when it became ready for pickup (ready_at); a shipped "
      "order "
      "(ship_from_store, same_day) when it was shipped (closed_at of an order in state shipped).",
      "On time: completed at or before promised_by; late: after it, by (completed - promised_by). Lead time: "
      "routed to completed.",
      "Not completed: every other order routed in the period (still open, cancelled, rejected, expired "
      "before "
      "ready); overdue: of those, still open with promised_by before now.",
      "Completed orders without promised_by count as no_promise, neither on time nor late."};
  struct Group {
    int64_t orders = 0, completed = 0, on_time = 0, late = 0, no_promise = 0, overdue = 0;
    Sample lead, lateness;
  };
  std::map<std::string, Group> by;
  Group all;
  std::vector<Group> days(p.days.size());
  EDGE_RETURN_IF_ERROR(
      Query(db,
            "SELECT routed, kind, state, promised_by, ready_at, closed_at FROM orders WHERE routed >= ?1 AND "
            "routed < ?2",
            p.from_ms(), p.to_ms(), [&](const store::Statement& st) {
              const int64_t routed = st.Int64(0);
              const int d = p.DayOf(routed);
              const std::string kind = st.Text(1);
              const std::string state = st.Text(2);
              std::optional<int64_t> promised, done;
              if (!st.IsNull(3)) promised = st.Int64(3);
              if (IsPickupKind(kind)) {
                if (!st.IsNull(4)) done = st.Int64(4);
              } else if (state == "shipped" && !st.IsNull(5)) {
                done = st.Int64(5);
              }
              static const std::set<std::string> kOpen = {"accepted", "picking", "picked", "packed"};
              for (Group* g : {&by[kind], &all, d >= 0 ? &days[d] : nullptr}) {
                if (g == nullptr) continue;
                ++g->orders;
                if (!done) {
                  if (kOpen.count(state) && promised && *promised < now_ms) ++g->overdue;
                  continue;
                }
                ++g->completed;
                g->lead.Add(*done - routed);
                if (!promised) {
                  ++g->no_promise;
                } else if (*done <= *promised) {
                  ++g->on_time;
                } else {
                  ++g->late;
                  g->lateness.Add(*done - *promised);
                }
              }
            }));
  ReportTable t{
      "by_kind",
      "Fulfilment by kind",
      {"kind", "orders", "completed", "on_time", "late", "late_pct", "no_promise", "not_completed", "overdue",
       "lead_median_min", "lead_p90_min", "late_median_min", "late_p90_min", "late_max_min"},
      {}};
  auto row = [](const std::string& name, Group& g) {
    return std::vector<json>{name,
                             g.orders,
                             g.completed,
                             g.on_time,
                             g.late,
                             Pct(g.late, g.on_time + g.late),
                             g.no_promise,
                             g.orders - g.completed,
                             g.overdue,
                             Min(g.lead.Pct(50)),
                             Min(g.lead.Pct(90)),
                             Min(g.lateness.Pct(50)),
                             Min(g.lateness.Pct(90)),
                             Min(g.lateness.Max())};
  };
  for (const auto& k : kKinds) t.rows.push_back(row(k, by[k]));
  t.rows.push_back(row(kAll, all));
  out->tables.push_back(std::move(t));
  ReportSeries completed{"completed", "orders", {}}, on_time{"on_time", "orders", {}},
      late{"late", "orders", {}}, late_median{"late_median_min", "minutes", {}},
      late_p90{"late_p90_min", "minutes", {}};
  for (auto& g : days) {
    completed.values.push_back(g.completed);
    on_time.values.push_back(g.on_time);
    late.values.push_back(g.late);
    late_median.values.push_back(Min(g.lateness.Pct(50)));
    late_p90.values.push_back(Min(g.lateness.Pct(90)));
  }
  out->series = {completed, on_time, late, late_median, late_p90};
  return Status::Ok();
}

// ---- rejections ----

Status RejectionsReport(store::Database& db, const Period& p, int top, ReportResult* out) {
  out->title = "Rejections and short picks";
  out->notes = {
      "Intake: units of order lines rejected when the order was routed (order_lines.rejected and "
      "reject_reason), "
      "by the day the order was routed.",
      "Short pick: units shorted at picking (pick records of method short, reason not_found or damaged), by "
      "the day of the short.",
      "Lines: order lines rejected at intake, or short records."};
  struct Count {
    int64_t lines = 0, units = 0;
  };
  std::map<std::pair<std::string, std::string>, Count> by_reason;  // (stage, reason)
  struct Sku {
    int64_t rejected = 0, shorted = 0;
    int64_t total() const { return rejected + shorted; }
  };
  std::map<std::string, Sku> by_sku;
  auto rejected = Zeros(p.days.size()), shorted = Zeros(p.days.size());
  EDGE_RETURN_IF_ERROR(
      Query(db,
            "SELECT o.routed, l.sku, l.rejected, coalesce(l.reject_reason, '') FROM orders o "
            "JOIN order_lines l ON l.order_id = o.order_id "
            "WHERE o.routed >= ?1 AND o.routed < ?2 AND l.rejected > 0",
            p.from_ms(), p.to_ms(), [&](const store::Statement& st) {
              const int d = p.DayOf(st.Int64(0));
              const int64_t units = st.Int64(2);
              Count& c = by_reason[{"intake", OrNone(st.Text(3))}];
              ++c.lines;
              c.units += units;
              by_sku[st.Text(1)].rejected += units;
              if (d >= 0) rejected[d] = rejected[d].get<int64_t>() + units;
            }));
  EDGE_RETURN_IF_ERROR(Query(db,
                             "SELECT at, sku, qty, coalesce(reason, '') FROM pick_records "
                             "WHERE at >= ?1 AND at < ?2 AND method = 'short'",
                             p.from_ms(), p.to_ms(), [&](const store::Statement& st) {
                               const int d = p.DayOf(st.Int64(0));
                               const int64_t units = st.Int64(2);
                               Count& c = by_reason[{"short_pick", OrNone(st.Text(3))}];
                               ++c.lines;
                               c.units += units;
                               by_sku[st.Text(1)].shorted += units;
                               if (d >= 0) shorted[d] = shorted[d].get<int64_t>() + units;
                             }));
  ReportTable reasons{
      "by_reason", "Rejected and shorted units by reason", {"stage", "reason", "lines", "units"}, {}};
  std::vector<std::pair<std::pair<std::string, std::string>, Count>> rv(by_reason.begin(), by_reason.end());
  std::stable_sort(rv.begin(), rv.end(), [](const auto& a, const auto& b) {
    if (a.first.first != b.first.first) return a.first.first < b.first.first;
    return a.second.units > b.second.units;
  });
  Count total;
  for (const auto& [key, c] : rv) {
    reasons.rows.push_back({key.first, key.second, c.lines, c.units});
    total.lines += c.lines;
    total.units += c.units;
  }
  reasons.rows.push_back({kAll, kAll, total.lines, total.units});
  ReportTable skus{
      "by_sku", "Top SKUs by rejected and shorted units", {"sku", "rejected", "shorted", "units"}, {}};
  Sku all;
  for (const auto& [sku, s] : by_sku) {
    all.rejected += s.rejected;
    all.shorted += s.shorted;
  }
  for (const auto& [sku, s] : Top(by_sku, top, [](const Sku& s) { return s.total(); })) {
    skus.rows.push_back({sku, s.rejected, s.shorted, s.total()});
  }
  skus.rows.push_back({kAll, all.rejected, all.shorted, all.total()});
  out->tables.push_back(std::move(reasons));
  out->tables.push_back(std::move(skus));
  out->series = {{"rejected_units", "units", rejected}, {"shorted_units", "units", shorted}};
  return Status::Ok();
}

// ---- picking ----

Status PickingReport(store::Database& db, const Period& p, int top, ReportResult* out) {
  out->title = "Pick and pack times";
  out->notes = {
      "Pick step (seconds): for each pick record (a unit or counted quantity confirmed, or a short) made in "
      "the "
      "period, the time since the previous record of the same pick task by the same associate; for the "
      "task's "
      "first record, the time since the task was first claimed (tasks.started). A record after one by "
      "another "
      "associate (a reassigned task) is not timed. Steps belong to the record's associate, zone (the first "
      "segment of its location code, A-12-3 -> A) and SKU, on the day of the record.",
      "Units: units picked (shorts excluded) by the records made in the period.",
      "Pick and pack task (minutes): from first claimed (started) to done (finished), for pick and pack "
      "tasks "
      "done in the period, by the associate the task was assigned to when done, on the day it was done.",
      "Associates with pick records or tasks in the period are listed; (all) covers every one."};
  struct Steps {
    int64_t records = 0, units = 0;
    Sample steps;
  };
  struct Tasks {
    Sample pick, pack;
  };
  std::map<std::string, Steps> by_assoc, by_zone, by_sku;
  std::map<std::string, Tasks> tasks_by;
  Steps all;
  Tasks all_tasks;
  std::vector<Steps> day_steps(p.days.size());
  std::vector<Tasks> day_tasks(p.days.size());

  // The period's records, by the pick_records_at index; each is timed
  // against the record before it in its task (ordered by at, then id).
  struct Rec {
    int64_t task = 0, id = 0, at = 0, units = 0;
    std::optional<int64_t> started;
    int associate = 0, zone = 0, sku = 0;
  };
  // Names seen, as small numbers, so that the rows of a year are grouped
  // without a string lookup each.
  struct Names {
    std::map<std::string, int> ids;
    std::vector<std::string> names;
    int Of(std::string name) {
      if (auto it = ids.find(name); it != ids.end()) return it->second;
      names.push_back(name);
      return ids.emplace(std::move(name), static_cast<int>(names.size()) - 1).first->second;
    }
  } associates, zone_names, sku_names;
  std::vector<Rec> recs;
  EDGE_RETURN_IF_ERROR(Query(db,
                             "SELECT r.task_id, r.id, r.at, r.associate, r.sku, r.location, r.qty, r.method, "
                             "t.started FROM pick_records r JOIN tasks t ON t.id = r.task_id "
                             "WHERE r.at >= ?1 AND r.at < ?2",
                             p.from_ms(), p.to_ms(), [&](const store::Statement& st) {
                               Rec r;
                               r.task = st.Int64(0);
                               r.id = st.Int64(1);
                               r.at = st.Int64(2);
                               r.associate = associates.Of(st.Text(3));
                               r.sku = sku_names.Of(st.Text(4));
                               r.zone = zone_names.Of(ZoneOf(st.Text(5)));
                               r.units = st.Text(7) == "short" ? 0 : st.Int64(6);
                               if (!st.IsNull(8)) r.started = st.Int64(8);
                               recs.push_back(r);
                             }));
  std::sort(recs.begin(), recs.end(), [](const Rec& a, const Rec& b) {
    return std::tie(a.task, a.at, a.id) < std::tie(b.task, b.at, b.id);
  });
  // A task begun before the period may have records before it: the last of
  // them times the task's first record in the period.
  auto before = db.Prepare(
      "SELECT associate, at FROM pick_records WHERE task_id = ?1 AND at < ?2 ORDER BY at DESC, id DESC LIMIT "
      "1");
  if (!before.ok()) return before.status();
  std::vector<Steps> assoc_steps, zone_steps, sku_steps;
  assoc_steps.resize(associates.names.size());
  zone_steps.resize(zone_names.names.size());
  sku_steps.resize(sku_names.names.size());
  for (size_t i = 0; i < recs.size(); ++i) {
    const Rec& r = recs[i];
    std::optional<int64_t> step;
    if (i > 0 && recs[i - 1].task == r.task) {
      if (recs[i - 1].associate == r.associate) step = r.at - recs[i - 1].at;
    } else if (!r.started || *r.started < p.from_ms()) {
      before->Reset();
      before->Bind(1, r.task).Bind(2, p.from_ms());
      auto found = before->Step();
      if (!found.ok()) return found.status();
      if (*found) {
        if (before->Text(0) == associates.names[r.associate]) step = r.at - before->Int64(1);
      } else if (r.started && *r.started <= r.at) {
        step = r.at - *r.started;
      }
    } else if (*r.started <= r.at) {
      step = r.at - *r.started;
    }
    const int d = p.DayOf(r.at);
    for (Steps* s :
         {&assoc_steps[r.associate], &zone_steps[r.zone], &sku_steps[r.sku], &all, &day_steps[d]}) {
      ++s->records;
      s->units += r.units;
      if (step) s->steps.Add(*step);
    }
  }
  before->Reset();
  for (size_t i = 0; i < assoc_steps.size(); ++i) by_assoc[associates.names[i]] = std::move(assoc_steps[i]);
  for (size_t i = 0; i < zone_steps.size(); ++i) by_zone[zone_names.names[i]] = std::move(zone_steps[i]);
  for (size_t i = 0; i < sku_steps.size(); ++i) by_sku[sku_names.names[i]] = std::move(sku_steps[i]);
  EDGE_RETURN_IF_ERROR(
      Query(db,
            "SELECT kind, coalesce(assignee, ''), started, finished FROM tasks "
            "WHERE finished >= ?1 AND finished < ?2 AND state = 'done' "
            "AND kind IN ('pick', 'pack') AND started IS NOT NULL",
            p.from_ms(), p.to_ms(), [&](const store::Statement& st) {
              const bool pick = st.Text(0) == "pick";
              const int64_t took = st.Int64(3) - st.Int64(2);
              const int d = p.DayOf(st.Int64(3));
              for (Tasks* t : {&tasks_by[OrNone(st.Text(1))], &all_tasks, d >= 0 ? &day_tasks[d] : nullptr}) {
                if (t != nullptr) (pick ? t->pick : t->pack).Add(took);
              }
            }));

  ReportTable assoc{"by_associate",
                    "Pick and pack times by associate",
                    {"associate", "records", "units", "timed_steps", "step_median_s", "step_p90_s",
                     "pick_tasks", "pick_task_median_min", "pick_task_p90_min", "pack_tasks",
                     "pack_task_median_min", "pack_task_p90_min"},
                    {}};
  std::set<std::string> people;
  for (const auto& [a, s] : by_assoc) people.insert(a);
  for (const auto& [a, t] : tasks_by) people.insert(a);
  auto assoc_row = [](const std::string& name, Steps& s, Tasks& t) {
    return std::vector<json>{name,
                             s.records,
                             s.units,
                             static_cast<int64_t>(s.steps.size()),
                             Sec(s.steps.Pct(50)),
                             Sec(s.steps.Pct(90)),
                             static_cast<int64_t>(t.pick.size()),
                             Min(t.pick.Pct(50)),
                             Min(t.pick.Pct(90)),
                             static_cast<int64_t>(t.pack.size()),
                             Min(t.pack.Pct(50)),
                             Min(t.pack.Pct(90))};
  };
  for (const auto& a : people) assoc.rows.push_back(assoc_row(a, by_assoc[a], tasks_by[a]));
  assoc.rows.push_back(assoc_row(kAll, all, all_tasks));

  auto step_row = [](const std::string& name, Steps& s) {
    return std::vector<json>{name,
                             s.records,
                             s.units,
                             static_cast<int64_t>(s.steps.size()),
                             Sec(s.steps.Pct(50)),
                             Sec(s.steps.Pct(90))};
  };
  const std::vector<std::string> step_columns = {"records", "units", "timed_steps", "step_median_s",
                                                 "step_p90_s"};
  ReportTable zones{"by_zone", "Pick steps by zone", {"zone"}, {}};
  zones.columns.insert(zones.columns.end(), step_columns.begin(), step_columns.end());
  for (auto& [z, s] : by_zone) zones.rows.push_back(step_row(z, s));
  zones.rows.push_back(step_row(kAll, all));
  ReportTable skus{"by_sku", "Pick steps of the most picked SKUs", {"sku"}, {}};
  skus.columns.insert(skus.columns.end(), step_columns.begin(), step_columns.end());
  for (const auto& [sku, s] : Top(by_sku, top, [](const Steps& s) { return s.records; })) {
    skus.rows.push_back(step_row(sku, by_sku[sku]));
  }
  skus.rows.push_back(step_row(kAll, all));
  out->tables = {std::move(assoc), std::move(zones), std::move(skus)};

  ReportSeries units{"units", "units", {}}, step_median{"step_median_s", "seconds", {}},
      pick_median{"pick_task_median_min", "minutes", {}}, pack_median{"pack_task_median_min", "minutes", {}};
  for (size_t d = 0; d < p.days.size(); ++d) {
    units.values.push_back(day_steps[d].units);
    step_median.values.push_back(Sec(day_steps[d].steps.Pct(50)));
    pick_median.values.push_back(Min(day_tasks[d].pick.Pct(50)));
    pack_median.values.push_back(Min(day_tasks[d].pack.Pct(50)));
  }
  out->series = {units, step_median, pick_median, pack_median};
  return Status::Ok();
}

// ---- curbside ----

Status CurbsideReport(store::Database& db, const Period& p, ReportResult* out) {
  out->title = "Curbside and counter waits";
  out->notes = {
      "Customer arrivals (\"I'm here\") in the period, by the day they arrived; bay (counter) is an arrival "
      "without a parking bay.",
      "Wait (minutes): from arrival (arrived_at) to the handover that served it (served_at), for served "
      "arrivals.",
      "Waiting: arrivals still waiting now; closed: arrivals closed without a handover (the order expired or "
      "was cancelled)."};
  struct Group {
    int64_t arrivals = 0, served = 0, waiting = 0, closed = 0;
    Sample wait;
  };
  std::map<std::string, Group> by_source, by_bay;
  Group all;
  std::vector<Group> days(p.days.size());
  EDGE_RETURN_IF_ERROR(Query(
      db,
      "SELECT arrived_at, source, coalesce(bay, ''), state, served_at FROM arrivals "
      "WHERE arrived_at >= ?1 AND arrived_at < ?2",
      p.from_ms(), p.to_ms(), [&](const store::Statement& st) {
        const int64_t arrived = st.Int64(0);
        const int d = p.DayOf(arrived);
        const std::string bay = st.Text(2).empty() ? "(counter)" : st.Text(2);
        const std::string state = st.Text(3);
        for (Group* g : {&by_source[OrNone(st.Text(1))], &by_bay[bay], &all, d >= 0 ? &days[d] : nullptr}) {
          if (g == nullptr) continue;
          ++g->arrivals;
          if (state == "waiting") ++g->waiting;
          if (state == "closed") ++g->closed;
          if (state == "served" && !st.IsNull(4)) {
            ++g->served;
            g->wait.Add(st.Int64(4) - arrived);
          }
        }
      }));
  const std::vector<std::string> columns = {"arrivals",        "served",       "waiting",     "closed",
                                            "wait_median_min", "wait_p90_min", "wait_max_min"};
  auto row = [](const std::string& name, Group& g) {
    return std::vector<json>{name,
                             g.arrivals,
                             g.served,
                             g.waiting,
                             g.closed,
                             Min(g.wait.Pct(50)),
                             Min(g.wait.Pct(90)),
                             Min(g.wait.Max())};
  };
  ReportTable src{"by_source", "Waits by how the customer announced the arrival", {"source"}, {}};
  src.columns.insert(src.columns.end(), columns.begin(), columns.end());
  for (auto& [k, g] : by_source) src.rows.push_back(row(k, g));
  src.rows.push_back(row(kAll, all));
  ReportTable bays{"by_bay", "Waits by bay", {"bay"}, {}};
  bays.columns.insert(bays.columns.end(), columns.begin(), columns.end());
  for (auto& [k, g] : by_bay) bays.rows.push_back(row(k, g));
  bays.rows.push_back(row(kAll, all));
  out->tables = {std::move(src), std::move(bays)};
  ReportSeries arrivals{"arrivals", "arrivals", {}}, median{"wait_median_min", "minutes", {}},
      p90{"wait_p90_min", "minutes", {}};
  for (auto& g : days) {
    arrivals.values.push_back(g.arrivals);
    median.values.push_back(Min(g.wait.Pct(50)));
    p90.values.push_back(Min(g.wait.Pct(90)));
  }
  out->series = {arrivals, median, p90};
  return Status::Ok();
}

// ---- pickups ----

Status PickupsReport(store::Database& db, const Period& p, int64_t now_ms, ReportResult* out) {
  out->title = "Pickups: collected, uncollected and expired";
  out->notes = {
      "Pickup orders (bopis, curbside) that became ready for pickup in the period, by the day they became "
      "ready, and what became of them as of now.",
      "Waiting: still ready for pickup; uncollected: of those, past their hold_until now.",
      "Collection rate: picked_up / (picked_up + expired), the pickups the customer decided.",
      "Collect time (hours): ready (ready_at) to picked up (closed_at)."};
  struct Group {
    int64_t ready = 0, picked_up = 0, expired = 0, cancelled = 0, waiting = 0, uncollected = 0;
    Sample collect;
  };
  std::map<std::string, Group> by;
  Group all;
  std::vector<Group> days(p.days.size());
  EDGE_RETURN_IF_ERROR(Query(db,
                             // ready_at is never before routed: the routed index bounds the scan.
                             "SELECT ready_at, kind, state, hold_until, closed_at FROM orders "
                             "WHERE routed < ?2 AND ready_at >= ?1 AND ready_at < ?2",
                             p.from_ms(), p.to_ms(), [&](const store::Statement& st) {
                               const int64_t ready = st.Int64(0);
                               const int d = p.DayOf(ready);
                               const std::string state = st.Text(2);
                               for (Group* g : {&by[st.Text(1)], &all, d >= 0 ? &days[d] : nullptr}) {
                                 if (g == nullptr) continue;
                                 ++g->ready;
                                 if (state == "picked_up") {
                                   ++g->picked_up;
                                   if (!st.IsNull(4)) g->collect.Add(st.Int64(4) - ready);
                                 } else if (state == "expired") {
                                   ++g->expired;
                                 } else if (state == "cancelled") {
                                   ++g->cancelled;
                                 } else if (state == "ready") {
                                   ++g->waiting;
                                   if (!st.IsNull(3) && st.Int64(3) < now_ms) ++g->uncollected;
                                 }
                               }
                             }));
  ReportTable t{"by_kind",
                "Pickups by kind",
                {"kind", "ready", "picked_up", "expired", "cancelled", "waiting", "uncollected",
                 "collection_rate_pct", "collect_median_h", "collect_p90_h"},
                {}};
  auto row = [](const std::string& name, Group& g) {
    return std::vector<json>{name,
                             g.ready,
                             g.picked_up,
                             g.expired,
                             g.cancelled,
                             g.waiting,
                             g.uncollected,
                             Pct(g.picked_up, g.picked_up + g.expired),
                             Hours(g.collect.Pct(50)),
                             Hours(g.collect.Pct(90))};
  };
  for (const char* k : {"bopis", "curbside"}) t.rows.push_back(row(k, by[k]));
  t.rows.push_back(row(kAll, all));
  out->tables.push_back(std::move(t));
  ReportSeries ready{"ready", "orders", {}}, picked{"picked_up", "orders", {}},
      expired{"expired", "orders", {}}, rate{"collection_rate_pct", "percent", {}};
  for (auto& g : days) {
    ready.values.push_back(g.ready);
    picked.values.push_back(g.picked_up);
    expired.values.push_back(g.expired);
    rate.values.push_back(Pct(g.picked_up, g.picked_up + g.expired));
  }
  out->series = {ready, picked, expired, rate};
  return Status::Ok();
}

// ---- returns ----

Status ReturnsReport(store::Database& db, const Period& p, int top, ReportResult* out) {
  out->title = "Returns and return rate";
  out->notes = {"Returns taken in the store in the period, by the day of the return.",
                "Fulfilled units: shipped and picked-up units of the orders that were shipped or picked up "
                "in the period "
                "(closed_at), by that day.",
                "Return rate: units returned in the period / units fulfilled in the period."};
  struct Sku {
    int64_t returned = 0, fulfilled = 0, resellable = 0, damaged = 0;
  };
  struct Count {
    int64_t returns = 0, units = 0;
  };
  std::map<std::string, Sku> by_sku;
  std::map<std::string, Count> by_reason, by_condition;
  Sku all;
  auto returned = Zeros(p.days.size()), fulfilled = Zeros(p.days.size());
  EDGE_RETURN_IF_ERROR(Query(db,
                             "SELECT at, sku, qty, condition, reason FROM returns WHERE at >= ?1 AND at < ?2",
                             p.from_ms(), p.to_ms(), [&](const store::Statement& st) {
                               const int d = p.DayOf(st.Int64(0));
                               const int64_t units = st.Int64(2);
                               const std::string condition = st.Text(3);
                               for (Sku* s : {&by_sku[st.Text(1)], &all}) {
                                 s->returned += units;
                                 (condition == "damaged" ? s->damaged : s->resellable) += units;
                               }
                               for (Count* c : {&by_reason[OrNone(st.Text(4))], &by_condition[condition]}) {
                                 ++c->returns;
                                 c->units += units;
                               }
                               if (d >= 0) returned[d] = returned[d].get<int64_t>() + units;
                             }));
  EDGE_RETURN_IF_ERROR(Query(db,
                             // closed_at is never before routed: the routed index bounds the scan.
                             "SELECT o.closed_at, l.sku, l.shipped + l.picked_up FROM orders o "
                             "JOIN order_lines l ON l.order_id = o.order_id "
                             "WHERE o.routed < ?2 AND o.closed_at >= ?1 AND o.closed_at < ?2 "
                             "AND o.state IN ('shipped', 'picked_up')",
                             p.from_ms(), p.to_ms(), [&](const store::Statement& st) {
                               const int d = p.DayOf(st.Int64(0));
                               const int64_t units = st.Int64(2);
                               if (units == 0) return;
                               by_sku[st.Text(1)].fulfilled += units;
                               all.fulfilled += units;
                               if (d >= 0) fulfilled[d] = fulfilled[d].get<int64_t>() + units;
                             }));
  ReportTable skus{"by_sku",
                   "Return rate of the most returned SKUs",
                   {"sku", "returned", "fulfilled", "return_rate_pct", "resellable", "damaged"},
                   {}};
  std::map<std::string, Sku> with_returns;
  for (const auto& [sku, s] : by_sku) {
    if (s.returned > 0) with_returns[sku] = s;
  }
  auto sku_row = [](const std::string& name, const Sku& s) {
    return std::vector<json>{name,         s.returned, s.fulfilled, Pct(s.returned, s.fulfilled),
                             s.resellable, s.damaged};
  };
  for (const auto& [sku, s] : Top(with_returns, top, [](const Sku& s) { return s.returned; })) {
    skus.rows.push_back(sku_row(sku, s));
  }
  skus.rows.push_back(sku_row(kAll, all));
  auto count_table = [&](const char* name, const char* title, const char* key,
                         const std::map<std::string, Count>& m) {
    ReportTable t{name, title, {key, "returns", "units", "share_pct"}, {}};
    std::vector<std::pair<std::string, Count>> v(m.begin(), m.end());
    std::stable_sort(v.begin(), v.end(),
                     [](const auto& a, const auto& b) { return a.second.units > b.second.units; });
    Count total;
    for (const auto& [k, c] : v) {
      total.returns += c.returns;
      total.units += c.units;
    }
    for (const auto& [k, c] : v) t.rows.push_back({k, c.returns, c.units, Pct(c.units, total.units)});
    t.rows.push_back({kAll, total.returns, total.units, Pct(total.units, total.units)});
    return t;
  };
  out->tables = {std::move(skus), count_table("by_reason", "Returns by reason", "reason", by_reason),
                 count_table("by_condition", "Returns by condition", "condition", by_condition)};
  ReportSeries rate{"return_rate_pct", "percent", {}};
  for (size_t d = 0; d < p.days.size(); ++d) {
    rate.values.push_back(Pct(returned[d].get<int64_t>(), fulfilled[d].get<int64_t>()));
  }
  out->series = {{"returned_units", "units", returned}, {"fulfilled_units", "units", fulfilled}, rate};
  return Status::Ok();
}

// ---- adjustments ----

Status AdjustmentsReport(store::Database& db, const Period& p, int top, ReportResult* out) {
  out->title = "Inventory adjustments";
  out->notes = {
      "The store's own stock corrections in the period, by day: ledger rows of origin local with reason "
      "count, "
      "damaged, found or receipt (storeedgectl inventory adjust, the app's adjustments, imports, and the bin "
      "corrections of short picks: count for not_found, damaged for damaged).",
      "Units in: the sum of the rows' positive on-hand changes; units out: of the negative ones, as a "
      "positive "
      "number; net: in - out."};
  struct Count {
    int64_t rows = 0, in = 0, out = 0;
    int64_t moved() const { return in + out; }
  };
  std::map<std::string, Count> by_reason, by_sku;
  Count all;
  std::map<std::string, std::vector<json>> net;
  for (const auto& r : kAdjustReasons) net[r] = Zeros(p.days.size());
  EDGE_RETURN_IF_ERROR(
      Query(db,
            "SELECT at, reason, sku, d_on_hand FROM ledger "
            "WHERE reason IN ('count', 'damaged', 'found', 'receipt') AND at >= ?1 AND at < ?2 "
            "AND origin = 'local'",
            p.from_ms(), p.to_ms(), [&](const store::Statement& st) {
              const int d = p.DayOf(st.Int64(0));
              const std::string reason = st.Text(1);
              const int64_t delta = st.Int64(3);
              for (Count* c : {&by_reason[reason], &by_sku[st.Text(2)], &all}) {
                ++c->rows;
                (delta >= 0 ? c->in : c->out) += delta >= 0 ? delta : -delta;
              }
              if (d >= 0) net[reason][d] = net[reason][d].get<int64_t>() + delta;
            }));
  const std::vector<std::string> columns = {"rows", "units_in", "units_out", "net"};
  auto row = [](const std::string& name, const Count& c) {
    return std::vector<json>{name, c.rows, c.in, c.out, c.in - c.out};
  };
  ReportTable reasons{"by_reason", "Adjustments by reason", {"reason"}, {}};
  reasons.columns.insert(reasons.columns.end(), columns.begin(), columns.end());
  for (const auto& r : kAdjustReasons) reasons.rows.push_back(row(r, by_reason[r]));
  reasons.rows.push_back(row(kAll, all));
  ReportTable skus{"by_sku", "SKUs with the most units adjusted", {"sku"}, {}};
  skus.columns.insert(skus.columns.end(), columns.begin(), columns.end());
  for (const auto& [sku, c] : Top(by_sku, top, [](const Count& c) { return c.moved(); })) {
    skus.rows.push_back(row(sku, c));
  }
  skus.rows.push_back(row(kAll, all));
  out->tables = {std::move(reasons), std::move(skus)};
  for (const auto& r : kAdjustReasons) out->series.push_back({r + "_net", "units", net[r]});
  return Status::Ok();
}

}  // namespace

const std::vector<std::string>& ReportNames() {
  static const std::vector<std::string> names = {"orders",   "fulfilment", "rejections", "picking",
                                                 "curbside", "pickups",    "returns",    "adjustments"};
  return names;
}

std::string ReportNameList() {
  std::string out;
  for (const auto& n : ReportNames()) out += (out.empty() ? "" : ", ") + n;
  return out;
}

ReportTable ReportResult::DailyTable() const {
  ReportTable t{"daily", title + ", per day", {"day"}, {}};
  for (const auto& s : series) t.columns.push_back(s.name);
  for (size_t d = 0; d < days.size(); ++d) {
    std::vector<json> row{days[d]};
    for (const auto& s : series) row.push_back(d < s.values.size() ? s.values[d] : json(nullptr));
    t.rows.push_back(std::move(row));
  }
  return t;
}

const ReportTable* ReportResult::Table(const std::string& table, ReportTable* daily_storage) const {
  if (table == "daily") {
    *daily_storage = DailyTable();
    return daily_storage;
  }
  for (const auto& t : tables) {
    if (t.name == table) return &t;
  }
  return nullptr;
}

namespace {

std::string CsvField(const json& cell) {
  if (cell.is_null()) return "";
  return core::CsvField(cell.is_string() ? cell.get<std::string>() : cell.dump());
}

}  // namespace

std::string TableCsv(const ReportTable& table) {
  std::string out;
  for (size_t i = 0; i < table.columns.size(); ++i) out += (i ? "," : "") + CsvField(table.columns[i]);
  out += "\r\n";
  for (const auto& row : table.rows) {
    for (size_t i = 0; i < row.size(); ++i) out += (i ? "," : "") + CsvField(row[i]);
    out += "\r\n";
  }
  return out;
}

json ReportJson(const ReportResult& r) {
  json tables = json::array();
  for (const auto& t : r.tables) {
    tables.push_back({{"name", t.name}, {"title", t.title}, {"columns", t.columns}, {"rows", t.rows}});
  }
  json series = json::array();
  for (const auto& s : r.series) series.push_back({{"name", s.name}, {"unit", s.unit}, {"values", s.values}});
  return {{"name", r.name},
          {"title", r.title},
          {"from", r.from},
          {"to", r.to},
          {"days_in", r.utc ? "utc" : "local"},
          {"days", r.days},
          {"tables", tables},
          {"series", series},
          {"notes", r.notes}};
}

Status ValidateReportRequest(const ReportRequest& request) {
  const auto& names = ReportNames();
  if (std::find(names.begin(), names.end(), request.name) == names.end()) {
    return Status::InvalidArgument("unknown report '" + request.name + "'; the reports are " +
                                   ReportNameList());
  }
  if (request.top < 0) {
    return Status::InvalidArgument("top must be 0 (every SKU) or more, got " + std::to_string(request.top));
  }
  return MakePeriod(request).status();
}

Result<ReportResult> ReportService::Run(const ReportRequest& request) {
  EDGE_RETURN_IF_ERROR(ValidateReportRequest(request));
  auto period = MakePeriod(request);
  if (!period.ok()) return period.status();
  ReportResult r;
  r.name = request.name;
  r.from = request.from;
  r.to = request.to;
  r.utc = request.utc;
  r.days = period->days;
  const int64_t now_ms = core::ToUnixMillis(clock_.Now());
  ReadSnapshot snapshot(db_);
  Status s;
  const std::string& n = request.name;
  if (n == "orders") s = OrdersReport(db_, *period, &r);
  if (n == "fulfilment") s = FulfilmentReport(db_, *period, now_ms, &r);
  if (n == "rejections") s = RejectionsReport(db_, *period, request.top, &r);
  if (n == "picking") s = PickingReport(db_, *period, request.top, &r);
  if (n == "curbside") s = CurbsideReport(db_, *period, &r);
  if (n == "pickups") s = PickupsReport(db_, *period, now_ms, &r);
  if (n == "returns") s = ReturnsReport(db_, *period, request.top, &r);
  if (n == "adjustments") s = AdjustmentsReport(db_, *period, request.top, &r);
  if (!s.ok()) return s.WithContext("report " + n);
  return r;
}

}  // namespace edge::app
