// JSON helpers shared by the API's source files (api_orders.cc,
// api_pickup.cc, api_returns.cc): times as RFC 3339 UTC or null, optional
// text as a string or null, and an optional string field of a request body.
// Not a public header.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "edge/app/api.h"
#include "edge/core/clock.h"

namespace edge::app::api_json {

inline nlohmann::json Time(int64_t ms) { return core::FormatRfc3339(core::FromUnixMillis(ms)); }
inline nlohmann::json Time(const std::optional<int64_t>& ms) {
  return ms ? Time(*ms) : nlohmann::json(nullptr);
}
inline nlohmann::json Text(const std::optional<std::string>& s) {
  return s ? nlohmann::json(*s) : nlohmann::json(nullptr);
}

// An optional body field: absent or null gives nullopt; another type is
// InvalidArgument naming it.
inline core::Result<std::optional<std::string>> OptStringField(const nlohmann::json& body,
                                                               const std::string& name) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return std::optional<std::string>();
  auto v = StringField(body, name);
  if (!v.ok()) return v.status();
  return std::optional<std::string>(*v);
}

}  // namespace edge::app::api_json
