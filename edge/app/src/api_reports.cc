// REST route of the reports (ReportService), for supervisors:
//   GET /api/v1/reports/{name}?from=YYYY-MM-DD&to=YYYY-MM-DD
//       [&days=local|utc][&top=N][&format=json|csv][&table=NAME]
// JSON (ReportJson) by default; format=csv answers one table as an RFC 4180
// attachment: `table` names it (one of the report's tables, or "daily" for
// the per-day series), else the report's main table.
#include "edge/app/api.h"
#include "edge/app/report_service.h"

#include <algorithm>

namespace edge::app {

namespace {

using core::Status;

std::string Param(const kiosk::Request& req, const std::string& name, const std::string& fallback = "") {
  auto it = req.query.find(name);
  return it == req.query.end() ? fallback : it->second;
}

}  // namespace

void AddReportRoutes(kiosk::Router& router, AuthService& auth, ReportService& reports) {
  router.Add("GET", "/api/v1/reports/{name}", [&](const kiosk::Request& req) {
    auto who = Authorize(auth, req, core::Role::kSupervisor);
    if (!who.ok()) return ErrorResponse(who.status());
    ReportRequest r;
    r.name = req.params.at("name");
    const auto& names = ReportNames();
    if (std::find(names.begin(), names.end(), r.name) == names.end()) {
      return ErrorResponse(
          Status::NotFound("no report '" + r.name + "'; the reports are " + ReportNameList()));
    }
    for (const char* p : {"from", "to"}) {
      if (Param(req, p).empty()) {
        return ErrorResponse(
            Status::InvalidArgument(std::string("query parameter '") + p + "' (YYYY-MM-DD) is missing"));
      }
    }
    r.from = Param(req, "from");
    r.to = Param(req, "to");
    const std::string days = Param(req, "days", "local");
    if (days != "local" && days != "utc") {
      return ErrorResponse(
          Status::InvalidArgument("query parameter 'days' must be local or utc, got '" + days + "'"));
    }
    r.utc = days == "utc";
    if (auto t = req.query.find("top"); t != req.query.end()) {
      const std::string& v = t->second;
      if (v.empty() || v.size() > 6 || v.find_first_not_of("0123456789") != std::string::npos) {
        return ErrorResponse(Status::InvalidArgument(
            "query parameter 'top' must be a whole number (0 for every SKU), got '" + v + "'"));
      }
      r.top = std::stoi(v);
    }
    const std::string format = Param(req, "format", "json");
    if (format != "json" && format != "csv") {
      return ErrorResponse(
          Status::InvalidArgument("query parameter 'format' must be json or csv, got '" + format + "'"));
    }
    auto result = reports.Run(r);
    if (!result.ok()) return ErrorResponse(result.status());
    if (format == "json") return JsonResponse(ReportJson(*result));

    ReportTable daily;
    const std::string table_name = Param(req, "table", result->tables.front().name);
    const ReportTable* table = result->Table(table_name, &daily);
    if (table == nullptr) {
      std::string known;
      for (const auto& t : result->tables) known += t.name + ", ";
      return ErrorResponse(Status::InvalidArgument("report " + r.name + " has no table '" + table_name +
                                                   "'; its tables are " + known + "daily"));
    }
    kiosk::Response resp;
    resp.content_type = "text/csv; charset=utf-8";
    resp.body = TableCsv(*table);
    resp.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + r.name + "-" + table->name +
                                                         "-" + r.from + "-" + r.to + ".csv\"");
    return resp;
  });
}

}  // namespace edge::app
