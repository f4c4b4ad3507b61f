// Identifiers the wire contract constrains: store ids and message ids.
// Pure functions; any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "edge/core/status.h"

namespace edge::core {

// A store id is `[A-Za-z0-9_-]{1,32}` (PROTOCOL.md, Transport). Returns OK or
// an InvalidArgument naming what is wrong with `id`.
Status ValidateStoreId(std::string_view id);

// Formats 16 random bytes as an RFC 4122 version 4 UUID
// ("7f1c0a2e-3b9d-4c51-9a43-2f0e6c1d9b10"). The caller supplies the
// randomness, so the core stays free of I/O and tests stay repeatable.
std::string FormatUuidV4(uint64_t hi, uint64_t lo);

}  // namespace edge::core
