// storeedgectl report: a report of ReportService on a read-only connection
// to the store's database (see ctl_report.h).
#include "edge/app/ctl_report.h"

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "edge/app/config.h"
#include "edge/app/report_service.h"
#include "edge/app/system_clock.h"
#include "edge/store/database.h"
#include "edge/store/store.h"

namespace edge::app {

namespace {

using json = nlohmann::json;

// The first schema that has every table and column the reports read.
constexpr int kReportSchema = 6;

constexpr const char* kHelp =
    "Usage: storeedgectl [--config FILE] report NAME --from YYYY-MM-DD --to YYYY-MM-DD\n"
    "                    [--csv [--table TABLE] | --json] [--utc] [--top N]\n"
    "\n"
    "A report of the store's own data, read from the database directly (read-only;\n"
    "safe while storeedged runs). The period is [--from, --to): --to is the day after\n"
    "the last day (--from 2026-03-01 --to 2026-04-01 is March). Days are local days\n"
    "of this machine's time zone (TZ), or UTC days with --utc.\n"
    "\n"
    "Reports:\n"
    "  orders       orders routed, by kind and state\n"
    "  fulfilment   routed to ready (pickup) or shipped, against promised_by\n"
    "  rejections   units rejected at intake and shorted at picking, by reason and SKU\n"
    "  picking      pick steps, pick and pack task times by associate, zone and SKU\n"
    "  curbside     waits from arrival to handover, by source and bay\n"
    "  pickups      ready pickups collected, uncollected and expired\n"
    "  returns      returns by SKU, reason and condition, and the return rate\n"
    "  adjustments  inventory adjustments (count, damaged, found, receipt)\n"
    "\n"
    "Output: tables for a terminal (totals over the period, then per day);\n"
    "  --csv    one table as CSV (RFC 4180): the report's main table, or --table\n"
    "           TABLE (one of the report's tables, or daily for the per-day figures)\n"
    "  --json   the whole report as JSON, as GET /api/v1/reports/NAME answers\n"
    "  --top N  rows of the top-SKU tables (default 20; 0 = every SKU)\n"
    "\n"
    "Exit codes: 0 ok, 1 the report failed, 2 bad usage, 3 the database cannot be\n"
    "opened.\n";

struct Options {
  ReportRequest request;
  bool csv = false;
  bool as_json = false;
  std::string table;
};

// Parses args[1..]; "" or an error message.
std::string Parse(const std::vector<std::string>& args, Options* o, bool* help) {
  std::vector<std::string> positional;
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](std::string* out) -> std::string {
      if (i + 1 >= args.size()) return a + " needs a value";
      *out = args[++i];
      return "";
    };
    std::string e;
    if (a == "--help" || a == "-h") {
      *help = true;
      return "";
    } else if (a == "--from") {
      e = value(&o->request.from);
    } else if (a == "--to") {
      e = value(&o->request.to);
    } else if (a == "--table") {
      e = value(&o->table);
    } else if (a == "--top") {
      std::string v;
      e = value(&v);
      if (e.empty()) {
        if (v.empty() || v.size() > 6 || v.find_first_not_of("0123456789") != std::string::npos) {
          return "--top must be a whole number (0 for every SKU), got '" + v + "'";
        }
        o->request.top = std::stoi(v);
      }
    } else if (a == "--csv") {
      o->csv = true;
    } else if (a == "--json") {
      o->as_json = true;
    } else if (a == "--utc") {
      o->request.utc = true;
    } else if (a.rfind("--", 0) == 0) {
      return "unknown option '" + a + "'";
    } else {
      positional.push_back(a);
    }
    if (!e.empty()) return e;
  }
  if (positional.empty()) return "which report? (" + ReportNameList() + ")";
  if (positional.size() > 1)
    return "one report at a time, got '" + positional[0] + "' and '" + positional[1] + "'";
  o->request.name = positional[0];
  const auto& names = ReportNames();
  if (std::find(names.begin(), names.end(), o->request.name) == names.end()) {
    return "unknown report '" + o->request.name + "'; the reports are " + ReportNameList();
  }
  if (o->request.from.empty()) return "--from YYYY-MM-DD is missing (the first day)";
  if (o->request.to.empty()) return "--to YYYY-MM-DD is missing (the day after the last)";
  if (o->csv && o->as_json) return "--csv and --json: choose one";
  if (!o->table.empty() && !o->csv) return "--table goes with --csv";
  if (auto s = ValidateReportRequest(o->request); !s.ok()) return s.message();
  return "";
}

std::string Cell(const json& c) {
  if (c.is_null()) return "-";
  if (c.is_string()) return c.get<std::string>();
  return c.dump();
}

// A table aligned in columns: text left, numbers right.
void PrintTable(std::FILE* out, const ReportTable& t) {
  std::vector<size_t> width(t.columns.size(), 0);
  for (size_t i = 0; i < t.columns.size(); ++i) width[i] = t.columns[i].size();
  for (const auto& row : t.rows) {
    for (size_t i = 0; i < row.size() && i < width.size(); ++i)
      width[i] = std::max(width[i], Cell(row[i]).size());
  }
  std::fprintf(out, "%s\n", t.title.c_str());
  auto line = [&](const std::vector<std::string>& cells, const std::vector<bool>& right) {
    std::string s = " ";
    for (size_t i = 0; i < cells.size(); ++i) {
      const std::string pad(width[i] - std::min(width[i], cells[i].size()), ' ');
      s += (i ? "  " : " ") + (right[i] ? pad + cells[i] : cells[i] + (i + 1 < cells.size() ? pad : ""));
    }
    std::fprintf(out, "%s\n", s.c_str());
  };
  std::vector<bool> right(t.columns.size(), false);
  for (size_t i = 0; i < t.columns.size(); ++i) {
    for (const auto& row : t.rows) {
      if (i < row.size() && row[i].is_number()) right[i] = true;
    }
  }
  line(t.columns, right);
  for (const auto& row : t.rows) {
    std::vector<std::string> cells;
    for (const auto& c : row) cells.push_back(Cell(c));
    line(cells, right);
  }
  std::fprintf(out, "\n");
}

}  // namespace

int CtlReportCommand(const Config& config, const std::vector<std::string>& args, std::FILE* out,
                     std::FILE* err) {
  Options o;
  bool help = false;
  if (std::string e = Parse(args, &o, &help); !e.empty()) {
    std::fprintf(err, "storeedgectl: report: %s (see storeedgectl report --help)\n", e.c_str());
    return 2;
  }
  if (help) {
    std::fputs(kHelp, out);
    return 0;
  }
  const auto fail_db = [&](const std::string& why) {
    std::fprintf(err, "storeedgectl: report: %s\n", why.c_str());
    return 3;
  };
  const std::string path = config.DatabasePath();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return fail_db("no database at " + path + " (has storeedged run with this config? see --config)");
  }
  auto db = store::Database::Open(path, store::Database::Mode::kReadOnly);
  if (!db.ok()) return fail_db("cannot open " + path + ": " + db.status().message());
  if (auto s = (*db)->Exec("PRAGMA busy_timeout = " + std::to_string(config.sqlite.busy_timeout_ms));
      !s.ok()) {
    return fail_db("cannot open " + path + ": " + s.message());
  }
  auto app_id = (*db)->QueryInt("PRAGMA application_id");
  if (!app_id.ok()) return fail_db("cannot read " + path + ": " + app_id.status().message());
  if (*app_id != store::kApplicationId) return fail_db(path + " is not a storeedge database");
  auto version = (*db)->QueryInt("PRAGMA user_version");
  if (!version.ok()) return fail_db("cannot read " + path + ": " + version.status().message());
  if (*version > store::LatestSchemaVersion()) {
    return fail_db(path + " has schema " + std::to_string(*version) +
                   ", written by a newer storeedge (this " + "storeedgectl knows up to " +
                   std::to_string(store::LatestSchemaVersion()) + ")");
  }
  if (*version < kReportSchema) {
    return fail_db(path + " has schema " + std::to_string(*version) + "; reports need " +
                   std::to_string(kReportSchema) + " or later: start storeedged once to migrate it");
  }
  auto owner = (*db)->QueryText("SELECT value FROM meta WHERE key = 'store_id'");
  if (owner.ok() && *owner != config.store.id) {
    return fail_db(path + " belongs to store '" + *owner + "', the config names '" + config.store.id + "'");
  }

  SystemClock clock;
  ReportService service(**db, clock);
  auto r = service.Run(o.request);
  if (!r.ok()) {
    std::fprintf(err, "storeedgectl: report %s: %s\n", o.request.name.c_str(), r.status().message().c_str());
    return r.status().code() == core::StatusCode::kInvalidArgument ? 2 : 1;
  }
  if (o.as_json) {
    std::fprintf(out, "%s\n", ReportJson(*r).dump(2).c_str());
    return 0;
  }
  if (o.csv) {
    ReportTable daily;
    const std::string name = o.table.empty() ? r->tables.front().name : o.table;
    const ReportTable* t = r->Table(name, &daily);
    if (t == nullptr) {
      std::string known;
      for (const auto& x : r->tables) known += x.name + ", ";
      std::fprintf(err, "storeedgectl: report %s has no table '%s'; its tables are %sdaily\n",
                   o.request.name.c_str(), name.c_str(), known.c_str());
      return 2;
    }
    const std::string csv = TableCsv(*t);
    std::fwrite(csv.data(), 1, csv.size(), out);
    return 0;
  }
  std::fprintf(out, "%s, %s to %s (%zu day%s, %s)\n\n", r->title.c_str(), r->days.front().c_str(),
               r->days.back().c_str(), r->days.size(), r->days.size() == 1 ? "" : "s",
               r->utc ? "UTC days" : "local days");
  for (const auto& t : r->tables) PrintTable(out, t);
  PrintTable(out, r->DailyTable());
  for (const auto& n : r->notes) std::fprintf(out, "* %s\n", n.c_str());
  return 0;
}

}  // namespace edge::app
