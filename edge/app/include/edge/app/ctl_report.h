// storeedgectl report NAME --from YYYY-MM-DD --to YYYY-MM-DD [--csv|--json]
// [--table NAME] [--utc] [--top N]: one of the store's reports
// (ReportService) on the database file directly, opened read-only — safe
// while the daemon runs, and it never changes the file.
//
// Main thread of storeedgectl; nothing here is shared.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

namespace edge::app {

struct Config;

// args[0] is "report". Writes the report to `out` (tables for a terminal,
// CSV or JSON) and errors to `err`. Returns the exit code: 0 ok, 1 the
// report failed, 2 bad usage (unknown report — the names are listed —, a bad
// date, to not after from, an unknown option or table), 3 the database
// cannot be opened (missing, not a storeedge database, another store's, of a
// schema older than reports need or newer than this storeedgectl).
int CtlReportCommand(const Config& config, const std::vector<std::string>& args, std::FILE* out = stdout,
                     std::FILE* err = stderr);

}  // namespace edge::app
