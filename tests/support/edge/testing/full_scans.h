// FullScans: the statements a connection runs, while one is alive, that step
// through a whole table (SQLITE_STMTSTATUS_FULLSCAN_STEP, read as each
// statement finishes), for tests that a path finds its rows through
// indexes. Header-only.
#pragma once

#include <sqlite3.h>

#include <string>

#include "edge/store/database.h"

namespace edge::testing {

class FullScans {
 public:
  explicit FullScans(store::Database& db) : db_(db) {
    sqlite3_trace_v2(db_.handle(), SQLITE_TRACE_PROFILE, &OnProfile, this);
  }
  ~FullScans() { sqlite3_trace_v2(db_.handle(), 0, nullptr, nullptr); }
  FullScans(const FullScans&) = delete;
  FullScans& operator=(const FullScans&) = delete;

  // One line per statement that scanned, in the order they finished; ""
  // when none did.
  const std::string& Text() const { return text_; }

 private:
  static int OnProfile(unsigned, void* self, void* stmt, void*) {
    auto* st = static_cast<sqlite3_stmt*>(stmt);
    if (sqlite3_stmt_status(st, SQLITE_STMTSTATUS_FULLSCAN_STEP, /*resetFlg=*/1) > 0) {
      static_cast<FullScans*>(self)->text_ += std::string(sqlite3_sql(st)) + "\n";
    }
    return 0;
  }

  store::Database& db_;
  std::string text_;
};

}  // namespace edge::testing
