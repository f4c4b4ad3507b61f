// REST routes of in-store returns and of waiting backorder/preorder lines
// (OrderService, issue 6): the lines of an order that may be returned, the
// return itself, and the lines waiting for incoming stock.
//
// Every route needs a signed-in associate (or supervisor); the actor is
// passed to the service, which records who did what. Times are RFC 3339 UTC
// or null.
#include "api_json.h"
#include "edge/app/api.h"
#include "edge/app/order_service.h"
#include "edge/core/clock.h"
#include "edge/core/orders.h"

namespace edge::app {

using core::Result;
using core::Status;
using json = nlohmann::json;

namespace {

using api_json::Text;
using api_json::Time;

json ReturnableJson(const ReturnableLine& r) {
  const store::OrderLineRecord& l = r.line;
  return {{"order_id", l.order_id},
          {"line_id", l.line_id},
          {"sku", l.sku},
          {"gtin", Text(l.gtin)},
          {"description", l.description},
          {"qty", l.qty},
          {"fulfilled", l.shipped + l.picked_up},
          {"returned", l.returned},
          {"returnable", r.returnable}};
}

json ReturnJson(const store::ReturnRecord& r) {
  return {{"id", r.id},
          {"order_id", r.order_id},
          {"line_id", r.line_id},
          {"sku", r.sku},
          {"qty", r.qty},
          {"condition", r.condition},
          {"reason", r.reason},
          {"location", Text(r.location)},
          {"associate", r.associate},
          {"at", Time(r.at_ms)}};
}

json WaitingJson(const WaitingLine& w) {
  const store::OrderLineRecord& l = w.line;
  return {{"order_id", l.order_id},
          {"line_id", l.line_id},
          {"sku", l.sku},
          {"description", l.description},
          {"fulfil", core::FulfilName(l.fulfil)},
          {"qty", l.qty},
          {"accepted", l.accepted},
          {"allocated", l.allocated},
          {"waiting", w.waiting},
          {"priority", w.priority},
          {"expected_at", Time(l.expected_at_ms)},
          {"late", w.late}};
}

// An optional string field of an object: absent or null gives nullopt.
Result<std::optional<std::string>> OptText(const json& o, const std::string& field, const std::string& key) {
  auto it = o.find(key);
  if (it == o.end() || it->is_null()) return std::optional<std::string>();
  if (!it->is_string()) {
    return Status::InvalidArgument("field '" + field + "." + key + "' must be a string, got " +
                                   std::string(it->type_name()));
  }
  return std::optional<std::string>(it->get<std::string>());
}

// {order_id, lines:[{line_id, qty, condition, reason?, location?}]}
Result<ReturnCommand> ParseReturn(const json& body) {
  ReturnCommand c;
  auto id = StringField(body, "order_id");
  if (!id.ok()) return id.status();
  c.order_id = *id;
  auto it = body.find("lines");
  if (it == body.end()) return Status::InvalidArgument("field 'lines' is missing");
  if (!it->is_array() || it->empty()) {
    return Status::InvalidArgument("field 'lines' must be a non-empty array of {line_id, qty, condition}");
  }
  for (size_t i = 0; i < it->size(); ++i) {
    const std::string field = "lines[" + std::to_string(i) + "]";
    const json& e = (*it)[i];
    if (!e.is_object()) return Status::InvalidArgument("field '" + field + "' must be an object");
    ReturnLine l;
    auto line_id = StringField(e, "line_id");
    if (!line_id.ok()) return line_id.status().WithContext(field);
    l.line_id = *line_id;
    auto qty = IntField(e, "qty");
    if (!qty.ok()) return qty.status().WithContext(field);
    l.qty = *qty;
    auto condition = StringField(e, "condition");
    if (!condition.ok()) return condition.status().WithContext(field);
    l.condition = *condition;
    auto reason = OptText(e, field, "reason");
    if (!reason.ok()) return reason.status();
    l.reason = reason->value_or("");
    auto location = OptText(e, field, "location");
    if (!location.ok()) return location.status();
    l.location = *location;
    c.lines.push_back(std::move(l));
  }
  return c;
}

}  // namespace

void AddReturnRoutes(kiosk::Router& router, AuthService& auth, OrderService& orders, OrderRouteHooks hooks) {
  auto changed = [hooks = std::move(hooks)] {
    if (hooks.changed) hooks.changed();
  };

  router.Add("GET", "/api/v1/returns/lookup", [&auth, &orders](const kiosk::Request& req) {
    auto who = Authorize(auth, req, core::Role::kAssociate);
    if (!who.ok()) return ErrorResponse(who.status());
    auto q = req.query.find("q");
    if (q == req.query.end() || q->second.empty()) {
      return ErrorResponse(Status::InvalidArgument(
          "query parameter 'q' is required: an order id, an order ref or a scan of the order's QR"));
    }
    auto lines = orders.Returnable(q->second);
    if (!lines.ok()) return ErrorResponse(lines.status());
    json out = json::array();
    for (const auto& l : *lines) out.push_back(ReturnableJson(l));
    return JsonResponse({{"lines", out}});
  });

  router.Add("POST", "/api/v1/returns", [&auth, &orders, changed](const kiosk::Request& req) {
    auto who = Authorize(auth, req, core::Role::kAssociate);
    if (!who.ok()) return ErrorResponse(who.status());
    auto body = JsonBody(req);
    if (!body.ok()) return ErrorResponse(body.status());
    auto command = ParseReturn(*body);
    if (!command.ok()) return ErrorResponse(command.status());
    auto r = orders.ReceiveReturn(*command, *who);
    if (!r.ok()) return ErrorResponse(r.status());
    changed();
    json recorded = json::array();
    for (const auto& rec : r->recorded) recorded.push_back(ReturnJson(rec));
    return JsonResponse({{"order_id", r->order_id}, {"returns", recorded}}, 201);
  });

  router.Add("GET", "/api/v1/backorders", [&auth, &orders](const kiosk::Request& req) {
    auto who = Authorize(auth, req, core::Role::kAssociate);
    if (!who.ok()) return ErrorResponse(who.status());
    auto lines = orders.WaitingLines();
    if (!lines.ok()) return ErrorResponse(lines.status());
    json out = json::array();
    for (const auto& l : *lines) out.push_back(WaitingJson(l));
    return JsonResponse({{"lines", out}});
  });
}

}  // namespace edge::app
