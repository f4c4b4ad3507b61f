#include "edge/core/inventory.h"

#include <algorithm>

namespace edge::core {

int64_t Available(const StockFigures& f) {
  return std::max<int64_t>(0, f.on_hand - f.reserved - f.safety_stock);
}

Status ValidateQuantity(std::string_view field, int64_t value, int64_t min) {
  if (value < min) {
    return Status::InvalidArgument(std::string(field) + ": must be >= " + std::to_string(min) + ", got " +
                                   std::to_string(value));
  }
  if (value > kMaxQuantity) {
    return Status::InvalidArgument(std::string(field) + ": must be <= " + std::to_string(kMaxQuantity) +
                                   ", got " + std::to_string(value));
  }
  return Status::Ok();
}

Status ValidateDelta(std::string_view field, int64_t value) {
  if (value < -kMaxQuantity || value > kMaxQuantity) {
    return Status::InvalidArgument(std::string(field) + ": must be between " + std::to_string(-kMaxQuantity) +
                                   " and " + std::to_string(kMaxQuantity) + ", got " + std::to_string(value));
  }
  return Status::Ok();
}

const char* RejectReasonName(RejectReason r) {
  switch (r) {
    case RejectReason::kInsufficientStock:
      return "insufficient_stock";
    case RejectReason::kUnknownSku:
      return "unknown_sku";
  }
  return "unknown";
}

const char* ReleaseReasonName(ReleaseReason r) {
  switch (r) {
    case ReleaseReason::kShipped:
      return "shipped";
    case ReleaseReason::kPickedUp:
      return "picked_up";
    case ReleaseReason::kCancelled:
      return "cancelled";
    case ReleaseReason::kExpired:
      return "expired";
    case ReleaseReason::kRejected:
      return "rejected";
  }
  return "unknown";
}

bool ParseReleaseReason(std::string_view text, ReleaseReason* out) {
  for (ReleaseReason r : {ReleaseReason::kShipped, ReleaseReason::kPickedUp, ReleaseReason::kCancelled,
                          ReleaseReason::kExpired, ReleaseReason::kRejected}) {
    if (text == ReleaseReasonName(r)) {
      *out = r;
      return true;
    }
  }
  return false;
}

std::vector<LineDecision> DecideReservation(const std::vector<LineRequest>& lines,
                                            const std::map<std::string, StockFigures>& figures,
                                            bool partial_accept) {
  // Work on copies: a line accepted earlier in this order takes stock from a
  // later line of the same SKU.
  std::map<std::string, StockFigures> left = figures;
  std::vector<LineDecision> out;
  out.reserve(lines.size());
  bool any_rejected = false;
  for (const LineRequest& l : lines) {
    LineDecision d{l.line_id, l.sku, l.qty, false, std::nullopt};
    auto it = left.find(l.sku);
    if (it == left.end()) {
      d.reason = RejectReason::kUnknownSku;
    } else if (Available(it->second) < l.qty) {
      d.reason = RejectReason::kInsufficientStock;
    } else {
      d.accepted = true;
      it->second.reserved += l.qty;
    }
    any_rejected |= !d.accepted;
    out.push_back(std::move(d));
  }
  if (any_rejected && !partial_accept) {
    for (LineDecision& d : out) {
      if (d.accepted) {
        d.accepted = false;
        d.reason = RejectReason::kInsufficientStock;
      }
    }
  }
  return out;
}

const char* AdjustmentKindName(AdjustmentKind k) {
  switch (k) {
    case AdjustmentKind::kCount:
      return "count";
    case AdjustmentKind::kDamaged:
      return "damaged";
    case AdjustmentKind::kFound:
      return "found";
    case AdjustmentKind::kReceipt:
      return "receipt";
  }
  return "unknown";
}

bool ParseAdjustmentKind(std::string_view text, AdjustmentKind* out) {
  for (AdjustmentKind k :
       {AdjustmentKind::kCount, AdjustmentKind::kDamaged, AdjustmentKind::kFound, AdjustmentKind::kReceipt}) {
    if (text == AdjustmentKindName(k)) {
      *out = k;
      return true;
    }
  }
  return false;
}

Result<Location> ParseLocationCode(std::string_view code) {
  auto shown = [&] {
    // Appended, not "'" + std::string(...): GCC 12 -O3 warns falsely on that.
    std::string out = "'";
    out.append(code.substr(0, 40));
    if (code.size() <= 40) return out + "'";
    out += "...' (";
    out += std::to_string(code.size());
    out += " bytes)";
    return out;
  };
  if (code.empty()) return Status::InvalidArgument("location code is empty");
  if (code.size() > 32)
    return Status::InvalidArgument("location code " + shown() + ": longer than 32 characters");
  for (char c : code) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
                    c == '.' || c == '-';
    if (!ok) {
      return Status::InvalidArgument("location code " + shown() +
                                     ": may contain only letters, digits, '_', '.' and '-'");
    }
  }
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;) {
    const size_t dash = code.find('-', start);
    parts.emplace_back(
        code.substr(start, dash == std::string_view::npos ? std::string_view::npos : dash - start));
    if (parts.back().empty()) {
      return Status::InvalidArgument("location code " + shown() + ": empty zone, aisle or bin part");
    }
    if (dash == std::string_view::npos) break;
    start = dash + 1;
  }
  if (parts.size() > 3) {
    return Status::InvalidArgument("location code " + shown() + ": at most zone-aisle-bin (3 parts), got " +
                                   std::to_string(parts.size()));
  }
  Location loc;
  loc.code = std::string(code);
  loc.zone = parts[0];
  if (parts.size() > 1) loc.aisle = parts[1];
  if (parts.size() > 2) loc.bin = parts[2];
  return loc;
}

std::vector<LocatedQty> PlanDecrease(const std::vector<LocatedQty>& stock, int64_t qty) {
  std::vector<LocatedQty> out;
  int64_t left = qty;
  auto take = [&](const std::string& location, int64_t n) {
    if (n <= 0) return;
    for (LocatedQty& o : out) {
      if (o.location == location) {
        o.qty -= n;
        left -= n;
        return;
      }
    }
    out.push_back({location, -n});
    left -= n;
  };
  int64_t unlocated = 0;
  for (const LocatedQty& s : stock) {
    if (s.location.empty()) unlocated += s.qty;
  }
  take("", std::min(left, unlocated));
  for (const LocatedQty& s : stock) {
    if (left <= 0) break;
    if (!s.location.empty()) take(s.location, std::min(left, s.qty));
  }
  take("", left);
  return out;
}

}  // namespace edge::core
