// Helpers shared by the order service's source files (order_service.cc,
// order_picking.cc, order_packing.cc): JSON field readers with errors that
// name the field, scan interpretation, and small formatting helpers. Not a
// public header.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "edge/core/barcode.h"
#include "edge/core/status.h"

#define ORD_CONCAT2(a, b) a##b
#define ORD_CONCAT(a, b) ORD_CONCAT2(a, b)
// Declares `lhs` from a Result, or returns its error from the enclosing function.
#define ORD_ASSIGN_OR_RETURN(lhs, expr) ORD_ASSIGN_OR_RETURN_IMPL(ORD_CONCAT(ord_r_, __LINE__), lhs, expr)
#define ORD_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return tmp.status();             \
  lhs = std::move(tmp).value()

namespace edge::app::order_internal {

// Bounds on stored strings, so a 10 MB field is refused with a clear error.
inline constexpr size_t kMaxOrderId = 128;
inline constexpr size_t kMaxLineId = 64;
inline constexpr size_t kMaxSku = 64;
inline constexpr size_t kMaxText = 512;   // descriptions, reasons, carrier service
inline constexpr size_t kMaxJson = 8192;  // customer, ship_to objects
inline constexpr size_t kMaxLines = 1000;
inline constexpr size_t kMaxTracking = 64;
inline constexpr size_t kMaxLabelBytes = 1 << 20;
inline constexpr int64_t kMaxWeightG = 1'000'000;  // 1 t: far above any parcel

// 'text', shortened to 40 bytes when longer.
std::string Shown(const std::string& s);

// InvalidArgument "path: what".
core::Status Bad(const std::string& path, const std::string& what);

// Field readers. A missing or null optional field gives nullopt; a present
// one of the wrong type, too long or empty is an error naming `key`.
core::Result<std::optional<std::string>> OptString(const nlohmann::json& o, const std::string& prefix,
                                                   const char* key, size_t max_len);
core::Result<std::string> ReqString(const nlohmann::json& o, const std::string& prefix, const char* key,
                                    size_t max_len);
core::Result<std::optional<int64_t>> OptInt(const nlohmann::json& o, const std::string& prefix,
                                            const char* key, int64_t min, int64_t max);
core::Result<int64_t> ReqInt(const nlohmann::json& o, const std::string& prefix, const char* key, int64_t min,
                             int64_t max);
// An RFC 3339 timestamp as Unix milliseconds.
core::Result<std::optional<int64_t>> OptTime(const nlohmann::json& o, const std::string& prefix,
                                             const char* key);
// An object (kept as compact JSON text, at most kMaxJson bytes).
core::Result<std::optional<std::string>> OptObject(const nlohmann::json& o, const std::string& prefix,
                                                   const char* key);
core::Status RequireObject(const nlohmann::json& j, const std::string& path);

// Decodes standard base64 (padding required when the length is not a
// multiple of 4; whitespace not allowed). nullopt when malformed.
std::optional<std::string> DecodeBase64(const std::string& text);

// The GTIN-14 of an item scan: a retail GTIN or GS1 data carrying AI 01.
// InvalidArgument for a malformed scan or one that names no item (a
// location, a package, a tracking number, text).
core::Result<std::string> ItemGtinOfScan(const std::string& text, const std::string& aim_id);

// A unit entry's item: the GTIN-14 of `scan` when there is one; without a
// scan (nullopt returned) a manual entry needs a reason (at most kMaxText)
// and the line it is for (`has_target`, named `target_field` in the error).
core::Result<std::optional<std::string>> ScannedOrManual(const std::optional<std::string>& scan,
                                                         const std::string& aim_id,
                                                         const std::optional<std::string>& manual_reason,
                                                         bool has_target, const char* target_field);

// What a scan says when it should be a tracking number, a package label or
// a location: the parsed Scan, or for text the scanner could not parse as a
// known code (e.g. a carrier's 12-digit number failing a UPC check) a kText
// Scan carrying the trimmed raw text.
core::Scan LenientScan(const std::string& text, const std::string& aim_id);

// A bin code given as a code or as a scan of its SE1:LOC label; errors name
// `field`.
core::Result<std::string> LocationOf(const std::string& text, const std::string& field);

// "order/line", the ref the inventory ledger uses for an order line.
inline std::string LineRef(const std::string& order_id, const std::string& line_id) {
  return order_id + "/" + line_id;
}

}  // namespace edge::app::order_internal
