#include "edge/app/inventory_json.h"

#include "edge/core/clock.h"

namespace edge::app {

using json = nlohmann::json;

json FiguresJson(const core::StockFigures& f, int64_t available) {
  return {{"on_hand", f.on_hand},
          {"reserved", f.reserved},
          {"safety_stock", f.safety_stock},
          {"available", available}};
}

json ItemViewJson(const ItemView& v) {
  json j = {{"sku", v.sku}, {"description", v.description}, {"gtins", v.gtins}};
  j.update(FiguresJson(v.figures, v.available));
  json locs = json::array();
  for (const auto& l : v.locations) {
    locs.push_back({{"location", l.location.code}, {"qty", l.qty}});
  }
  j["locations"] = locs;
  json inc = json::array();
  for (const auto& i : v.incoming) {
    inc.push_back({{"ref", i.ref},
                   {"qty", i.qty},
                   {"received_qty", i.received_qty},
                   {"eta", core::FormatRfc3339(core::FromUnixMillis(i.eta_ms))}});
  }
  j["incoming"] = inc;
  return j;
}

json ItemSummaryJson(const ItemSummary& s) {
  json j = {{"sku", s.sku}, {"description", s.description}};
  j.update(FiguresJson(s.figures, s.available));
  return j;
}

}  // namespace edge::app
