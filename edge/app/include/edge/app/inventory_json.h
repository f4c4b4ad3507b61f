// The JSON shape of the inventory replica's views, shared by the REST routes
// (GET /api/v1/inventory/…) and `storeedgectl inventory … --json`, so that a
// script reading one reads the other. Pure functions; any thread.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>

#include "edge/app/inventory_service.h"
#include "edge/core/inventory.h"

namespace edge::app {

// {on_hand, reserved, safety_stock, available}
nlohmann::json FiguresJson(const core::StockFigures& f, int64_t available);

// {sku, description, gtins, on_hand, reserved, safety_stock, available,
//  locations:[{location, qty}], incoming:[{ref, qty, received_qty, eta}]}
nlohmann::json ItemViewJson(const ItemView& v);

// {sku, description, on_hand, reserved, safety_stock, available}
nlohmann::json ItemSummaryJson(const ItemSummary& s);

}  // namespace edge::app
