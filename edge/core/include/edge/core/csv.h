// Writing CSV (RFC 4180): one field quoted only when it must be. Used by the
// reports' CSV export and by the simulated OMS's catalogue file. Pure; any
// thread.
#pragma once

#include <string>
#include <string_view>

namespace edge::core {

// `text` as a CSV field: as it is, or in double quotes (inner quotes
// doubled) when it holds a comma, a quote, CR or LF.
std::string CsvField(std::string_view text);

}  // namespace edge::core
