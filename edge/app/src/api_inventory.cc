// REST routes of the inventory replica (InventoryService): lookups for any
// signed-in associate, adjustments for supervisors.
#include "edge/app/api.h"
#include "edge/app/inventory_json.h"
#include "edge/app/inventory_service.h"

namespace edge::app {

using json = nlohmann::json;

void AddInventoryRoutes(kiosk::Router& router, AuthService& auth, InventoryService& inventory,
                        std::function<void()> changed) {
  router.Add("GET", "/api/v1/inventory/items/{sku}", [&](const kiosk::Request& req) {
    auto who = Authorize(auth, req, core::Role::kAssociate);
    if (!who.ok()) return ErrorResponse(who.status());
    auto v = inventory.BySku(req.params.at("sku"));
    if (!v.ok()) return ErrorResponse(v.status());
    return JsonResponse(ItemViewJson(*v));
  });
  router.Add("GET", "/api/v1/inventory/barcodes/{code}", [&](const kiosk::Request& req) {
    auto who = Authorize(auth, req, core::Role::kAssociate);
    if (!who.ok()) return ErrorResponse(who.status());
    auto v = inventory.ByBarcode(req.params.at("code"));
    if (!v.ok()) return ErrorResponse(v.status());
    return JsonResponse(ItemViewJson(*v));
  });
  router.Add("GET", "/api/v1/inventory/locations/{code}", [&](const kiosk::Request& req) {
    auto who = Authorize(auth, req, core::Role::kAssociate);
    if (!who.ok()) return ErrorResponse(who.status());
    auto v = inventory.ByLocation(req.params.at("code"));
    if (!v.ok()) return ErrorResponse(v.status());
    json items = json::array();
    for (const auto& i : v->items)
      items.push_back({{"sku", i.sku}, {"description", i.description}, {"qty", i.qty}});
    return JsonResponse(
        {{"location", v->location.code},
         {"zone", v->location.zone},
         {"aisle", v->location.aisle},
         {"bin", v->location.bin},
         {"walk_order", v->location.walk_order ? json(*v->location.walk_order) : json(nullptr)},
         {"items", items}});
  });
  router.Add("GET", "/api/v1/inventory/search", [&](const kiosk::Request& req) {
    auto who = Authorize(auth, req, core::Role::kAssociate);
    if (!who.ok()) return ErrorResponse(who.status());
    auto q = req.query.find("q");
    if (q == req.query.end() || q->second.empty()) {
      return ErrorResponse(
          core::Status::InvalidArgument("query parameter 'q' (the text to search) is missing"));
    }
    int limit = 20;
    if (auto l = req.query.find("limit"); l != req.query.end()) {
      try {
        limit = std::stoi(l->second);
      } catch (const std::exception&) {
        limit = -1;
      }
      if (limit < 1 || limit > 200) {
        return ErrorResponse(core::Status::InvalidArgument("query parameter 'limit' must be 1 to 200"));
      }
    }
    auto found = inventory.Search(q->second, limit);
    if (!found.ok()) return ErrorResponse(found.status());
    json items = json::array();
    for (const auto& i : *found) items.push_back(ItemSummaryJson(i));
    return JsonResponse({{"items", items}});
  });
  router.Add("PUT", "/api/v1/inventory/items/{sku}", [&](const kiosk::Request& req) {
    auto who = Authorize(auth, req, core::Role::kSupervisor);
    if (!who.ok()) return ErrorResponse(who.status());
    auto body = JsonBody(req);
    if (!body.ok()) return ErrorResponse(body.status());
    std::optional<std::string> description;
    if (body->contains("description")) {
      auto d = StringField(*body, "description");
      if (!d.ok()) return ErrorResponse(d.status());
      description = *d;
    }
    std::vector<std::string> gtins;
    if (body->contains("gtins")) {
      const json& g = (*body)["gtins"];
      if (!g.is_array())
        return ErrorResponse(core::Status::InvalidArgument("field 'gtins' must be an array of strings"));
      for (size_t i = 0; i < g.size(); ++i) {
        if (!g[i].is_string()) {
          return ErrorResponse(
              core::Status::InvalidArgument("field 'gtins[" + std::to_string(i) + "]' must be a string"));
        }
        gtins.push_back(g[i].get<std::string>());
      }
    }
    if (auto s = inventory.UpsertItem(req.params.at("sku"), description, gtins); !s.ok())
      return ErrorResponse(s);
    auto v = inventory.BySku(req.params.at("sku"));
    if (!v.ok()) return ErrorResponse(v.status());
    return JsonResponse(ItemViewJson(*v));
  });
  router.Add("POST", "/api/v1/inventory/adjustments",
             [&auth, &inventory, changed](const kiosk::Request& req) {
               auto who = Authorize(auth, req, core::Role::kSupervisor);
               if (!who.ok()) return ErrorResponse(who.status());
               auto body = JsonBody(req);
               if (!body.ok()) return ErrorResponse(body.status());
               auto kind = StringField(*body, "kind");
               if (!kind.ok()) return ErrorResponse(kind.status());
               Adjustment a;
               if (!core::ParseAdjustmentKind(*kind, &a.kind)) {
                 return ErrorResponse(core::Status::InvalidArgument(
                     "field 'kind' must be count, damaged, found or receipt, got '" + *kind + "'"));
               }
               auto sku = StringField(*body, "sku");
               if (!sku.ok()) return ErrorResponse(sku.status());
               a.sku = *sku;
               auto qty = IntField(*body, "qty");
               if (!qty.ok()) return ErrorResponse(qty.status());
               a.qty = *qty;
               if (body->contains("location")) {
                 auto loc = StringField(*body, "location");
                 if (!loc.ok()) return ErrorResponse(loc.status());
                 a.location = *loc;
               }
               if (body->contains("ref")) {
                 auto ref = StringField(*body, "ref");
                 if (!ref.ok()) return ErrorResponse(ref.status());
                 a.ref = *ref;
               }
               a.by = who->id;
               auto out = inventory.Adjust(a);
               if (!out.ok()) return ErrorResponse(out.status());
               if (changed) changed();
               return JsonResponse({{"sku", a.sku},
                                    {"delta", out->delta},
                                    {"on_hand", out->on_hand},
                                    {"event_seq", out->event_seq}});
             });
}

}  // namespace edge::app
