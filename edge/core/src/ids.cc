#include "edge/core/ids.h"

#include <cstdio>

namespace edge::core {

Status ValidateStoreId(std::string_view id) {
  if (id.empty()) return Status::InvalidArgument("store id is empty (expected [A-Za-z0-9_-]{1,32})");
  if (id.size() > 32) {
    return Status::InvalidArgument("store id '" + std::string(id) + "' is " + std::to_string(id.size()) +
                                   " characters long (at most 32)");
  }
  for (char c : id) {
    const bool ok =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) {
      return Status::InvalidArgument("store id '" + std::string(id) +
                                     "' may contain only letters, digits, '_' and '-'");
    }
  }
  return Status::Ok();
}

std::string FormatUuidV4(uint64_t hi, uint64_t lo) {
  hi = (hi & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;  // version 4
  lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // RFC 4122 variant
  char buf[37];
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xFFFF), static_cast<unsigned>(hi & 0xFFFF),
                static_cast<unsigned>(lo >> 48), static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFULL));
  return buf;
}

}  // namespace edge::core
