// The schema's migrations, generated from edge/store/sql/NNNN_name.sql.
// Migration N takes a database from user_version N-1 to N.
#pragma once

#include <vector>

namespace edge::store {

struct Migration {
  int version;
  const char* name;
  const char* sql;
};

const std::vector<Migration>& Migrations();

}  // namespace edge::store
