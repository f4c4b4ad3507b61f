// Row helpers shared by the repositories' source files: cached statements,
// nullable columns, and reading all rows or at most one. Not a public header.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "edge/core/status.h"
#include "edge/store/database.h"

// Gets a cached statement or returns its error from the enclosing function.
#define REPO_CACHED(var, db, sql)               \
  auto var##_or = (db).Cached(sql);             \
  if (!var##_or.ok()) return var##_or.status(); \
  ::edge::store::Statement& var = **var##_or

namespace edge::store::rows {

inline std::optional<std::string> OptText(const Statement& st, int col) {
  if (st.IsNull(col)) return std::nullopt;
  return st.Text(col);
}

inline std::optional<int64_t> OptInt(const Statement& st, int col) {
  if (st.IsNull(col)) return std::nullopt;
  return st.Int64(col);
}

// Reads every row of a bound statement with `read`.
template <typename T, typename F>
core::Result<std::vector<T>> All(Statement& st, F read) {
  std::vector<T> out;
  for (;;) {
    auto row = st.Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    out.push_back(read(st));
  }
  return out;
}

// Reads at most one row.
template <typename T, typename F>
core::Result<std::optional<T>> One(Statement& st, F read) {
  auto row = st.Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<T>();
  return std::optional<T>(read(st));
}

}  // namespace edge::store::rows
