// REST routes of the store's order work (OrderService): the pick queue,
// orders, tasks, picking, packing, labels and the carrier handoff.
//
// Every route needs a signed-in associate (assign and reassign a
// supervisor); the actor is passed to the service, which records who did
// what. Enum values are the strings the outbound events use (edge/core
// orders.h, edge/store order_repo.h), times are RFC 3339 UTC or null. Label
// bytes never leave through this API: a package says whether it has a label,
// its state, carrier and tracking.
#include <charconv>
#include <chrono>
#include <map>
#include <memory>
#include <set>

#include "api_json.h"
#include "edge/app/api.h"
#include "edge/app/order_service.h"
#include "edge/core/clock.h"
#include "edge/core/labels.h"
#include "edge/core/orders.h"

namespace edge::app {

using core::Result;
using core::Status;
using json = nlohmann::json;

namespace {

// ---- JSON views ----

using api_json::OptStringField;
using api_json::Text;
using api_json::Time;

// A bin code; "" (stock not at a known bin) is null.
json Bin(const std::string& code) { return code.empty() ? json(nullptr) : json(code); }
// A JSON object the service stores as text (validated when routed).
json Object(const std::string& text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  return j.is_discarded() ? json(nullptr) : j;
}

// The pickup code is left out: the customer proves who they are with it at
// the counter, so it is not shown to whoever can read orders.
json OrderJson(const store::OrderRecord& o) {
  return {{"order_id", o.order_id},
          {"order_ref", o.order_ref},
          {"kind", core::OrderKindName(o.kind)},
          {"state", core::OrderStateName(o.state)},
          {"priority", o.priority},
          {"placed_at", Time(o.placed_at_ms)},
          {"promised_by", Time(o.promised_by_ms)},
          {"hold_until", Time(o.hold_until_ms)},
          {"customer", Object(o.customer_json)},
          {"ship_to", Object(o.ship_to_json)},
          {"carrier_service", o.carrier_service},
          {"routed_at", Time(o.routed_ms)},
          {"updated_at", Time(o.updated_ms)},
          {"cancel_reason", Text(o.cancel_reason)},
          {"cancel_restock", o.cancel_restock}};
}

json LineJson(const store::OrderLineRecord& l) {
  return {{"line_id", l.line_id},
          {"sku", l.sku},
          {"gtin", Text(l.gtin)},
          {"description", l.description},
          {"qty", l.qty},
          {"fulfil", core::FulfilName(l.fulfil)},
          {"expected_at", Time(l.expected_at_ms)},
          {"accepted", l.accepted},
          {"rejected", l.rejected},
          {"reject_reason", Text(l.reject_reason)},
          {"picked", l.picked},
          {"shorted", l.shorted},
          {"short_reason", Text(l.short_reason)},
          {"packed", l.packed},
          {"shipped", l.shipped},
          {"restocked", l.restocked}};
}

// Never the label's bytes (the views of OrderService drop them too).
json PackageJson(const store::PackageRecord& p) {
  return {{"package_id", p.package_id},
          {"order_id", p.order_id},
          {"seq", p.seq},
          {"box", p.box},
          {"length_mm", p.length_mm},
          {"width_mm", p.width_mm},
          {"height_mm", p.height_mm},
          {"weight_g", p.weight_g ? json(*p.weight_g) : json(nullptr)},
          {"state", store::PackageStateName(p.state)},
          {"station", p.station},
          {"packed_by", p.packed_by},
          {"carrier", Text(p.carrier)},
          {"tracking", Text(p.tracking)},
          {"has_label", p.label_state != store::LabelState::kNone},
          {"label_state", store::LabelStateName(p.label_state)},
          {"label_format", Text(p.label_format)},
          {"created_at", Time(p.created_ms)},
          {"closed_at", Time(p.closed_ms)},
          {"shipped_at", Time(p.shipped_ms)}};
}

json PackageViewJson(const PackageView& v) {
  json j = PackageJson(v.package);
  json lines = json::array();
  for (const auto& l : v.lines) lines.push_back({{"line_id", l.line_id}, {"qty", l.qty}});
  j["lines"] = lines;
  return j;
}

json TaskJson(const store::TaskRecord& t) {
  return {{"task_id", t.id},
          {"kind", core::TaskKindName(t.kind)},
          {"state", core::TaskStateName(t.state)},
          {"assignee", Text(t.assignee)},
          {"batch", t.batch},
          {"order_id", Text(t.order_id)},
          {"created_by", t.created_by},
          {"created_at", Time(t.created_ms)},
          {"updated_at", Time(t.updated_ms)},
          {"started_at", Time(t.started_ms)},
          {"finished_at", Time(t.finished_ms)},
          {"urgent", t.urgent},
          {"escalated_at", Time(t.escalated_at_ms)}};
}

json PickRecordJson(const store::PickRecord& r) {
  return {{"id", r.id},
          {"task_id", r.task_id},
          {"pick_line_id", r.pick_line_id},
          {"line_id", r.line_id},
          {"sku", r.sku},
          {"location", Bin(r.location)},
          {"qty", r.qty},
          {"method", r.method},
          {"reason", Text(r.reason)},
          {"scan", Text(r.scan)},
          {"associate", r.associate},
          {"at", Time(r.at_ms)}};
}

json OrderViewJson(const OrderView& v) {
  json lines = json::array(), packages = json::array(), tasks = json::array(), records = json::array();
  for (const auto& l : v.lines) lines.push_back(LineJson(l));
  for (const auto& p : v.packages) packages.push_back(PackageJson(p));
  for (const auto& t : v.tasks) tasks.push_back(TaskJson(t));
  for (const auto& r : v.pick_records) records.push_back(PickRecordJson(r));
  return {{"order", OrderJson(v.order)},
          {"lines", lines},
          {"packages", packages},
          {"tasks", tasks},
          {"pick_records", records}};
}

json TaskViewJson(const TaskView& v) {
  json totes = json::array(), lines = json::array(), restock = json::array();
  for (const auto& t : v.totes) {
    totes.push_back({{"order_id", t.order_id}, {"slot", t.tote_slot}, {"tote", t.tote}});
  }
  for (const auto& pv : v.pick_lines) {
    const store::PickLineRecord& l = pv.line;
    lines.push_back({{"pick_line_id", l.id},
                     {"order_id", l.order_id},
                     {"line_id", l.line_id},
                     {"sku", l.sku},
                     {"description", pv.description},
                     {"gtin", Text(pv.gtin)},
                     {"location", Bin(l.location)},
                     {"tote", pv.tote},
                     {"qty", l.qty},
                     {"picked", l.picked},
                     {"shorted", l.shorted},
                     {"remaining", l.remaining()},
                     {"state", store::PickLineStateName(l.state)}});
  }
  for (const auto& u : v.restock) {
    restock.push_back({{"id", u.id},
                       {"order_id", u.order_id},
                       {"line_id", u.line_id},
                       {"sku", u.sku},
                       {"from_location", Bin(u.from_location)},
                       {"to_location", Text(u.to_location)},
                       {"done", u.done},
                       {"associate", Text(u.associate)},
                       {"at", Time(u.at_ms)}});
  }
  return {{"task", TaskJson(v.task)}, {"totes", totes}, {"pick_lines", lines}, {"restock", restock}};
}

json QueueItemJson(const QueueItem& q) {
  json time_left = nullptr;
  // Floor, so an order a fraction of a second overdue already shows as overdue.
  if (q.time_left) time_left = std::chrono::floor<std::chrono::seconds>(*q.time_left).count();
  return {{"order_id", q.order_id},
          {"order_ref", q.order_ref},
          {"kind", core::OrderKindName(q.kind)},
          {"priority", q.priority},
          {"promised_by", q.promised_by ? json(core::FormatRfc3339(*q.promised_by)) : json(nullptr)},
          {"time_left_s", time_left},
          {"units", q.units}};
}

json HandoffJson(const HandoffResult& h) {
  return {{"package_id", h.package_id},
          {"order_id", h.order_id},
          {"tracking", h.tracking},
          {"order_shipped", h.order_shipped}};
}

// ---- request readers ----

// 'text', cut to 40 bytes when longer (as the service shows ids).
std::string Quoted(const std::string& s) {
  if (s.size() <= 40) return "'" + s + "'";
  return "'" + s.substr(0, 40) + "...' (" + std::to_string(s.size()) + " bytes)";
}

Result<std::optional<int64_t>> OptIntField(const json& body, const std::string& name) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return std::optional<int64_t>();
  auto v = IntField(body, name);
  if (!v.ok()) return v.status();
  return std::optional<int64_t>(*v);
}

// A required string that must not be empty.
Result<std::string> NonEmptyField(const json& body, const std::string& name) {
  auto v = StringField(body, name);
  if (!v.ok()) return v.status();
  if (v->empty()) return Status::InvalidArgument("field '" + name + "' must not be empty");
  return v;
}

// The {task_id} path segment: a positive integer.
Result<int64_t> TaskIdParam(const kiosk::Request& req) {
  const std::string& text = req.params.at("task_id");
  int64_t id = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, id);
  if (ec != std::errc() || ptr != end || id < 1) {
    return Status::InvalidArgument("path parameter 'task_id' must be a positive integer, got " +
                                   Quoted(text));
  }
  return id;
}

// An associate id a supervisor hands a task to: a user of this store who is
// not disabled (the service checks only its form).
Result<std::string> AssociateField(AuthService& auth, const json& body) {
  auto id = NonEmptyField(body, "associate");
  if (!id.ok()) return id.status();
  auto users = auth.ListUsers();
  if (!users.ok()) return users.status();
  for (const auto& u : *users) {
    if (u.id != *id) continue;
    if (u.disabled) return Status::InvalidArgument("field 'associate': user " + Quoted(*id) + " is disabled");
    return id;
  }
  return Status::InvalidArgument("field 'associate': no user " + Quoted(*id) + " in this store");
}

// A package with its contents, without the label's bytes. NotFound when
// unknown.
Result<PackageView> FindPackageView(OrderService& orders, const std::string& package_id) {
  auto p = orders.repo().FindPackage(package_id);
  if (!p.ok()) return p.status();
  if (!p->has_value()) return Status::NotFound("package " + Quoted(package_id) + " is unknown");
  auto lines = orders.repo().PackageLinesOf(package_id);
  if (!lines.ok()) return lines.status();
  PackageView v{std::move(**p), std::move(lines).value()};
  v.package.label.reset();
  return v;
}

// Claim, release, assign, reassign: the task as it is afterwards.
kiosk::Response TaskAfter(OrderService& orders, int64_t task_id) {
  auto v = orders.GetTask(task_id);
  if (!v.ok()) return ErrorResponse(v.status());
  return JsonResponse({{"task", TaskJson(v->task)}});
}

// Label verify, void, reprint: the package as it is afterwards.
kiosk::Response PackageAfter(OrderService& orders, const std::string& package_id) {
  auto v = FindPackageView(orders, package_id);
  if (!v.ok()) return ErrorResponse(v.status());
  return JsonResponse(PackageViewJson(*v));
}

}  // namespace

void AddOrderRoutes(kiosk::Router& router, AuthService& auth, OrderService& orders, OrderRouteHooks hooks) {
  auto changed = [hooks = std::move(hooks)] {
    if (hooks.changed) hooks.changed();
  };

  // ---- queue and orders ----

  router.Add("GET", "/api/v1/queue", [&auth, &orders](const kiosk::Request& req) {
    auto who = Authorize(auth, req, core::Role::kAssociate);
    if (!who.ok()) return ErrorResponse(who.status());
    auto q = orders.WorkQueue();
    if (!q.ok()) return ErrorResponse(q.status());
    json items = json::array();
    for (const auto& i : *q) items.push_back(QueueItemJson(i));
    return JsonResponse({{"orders", items}});
  });
  router.Add("GET", "/api/v1/orders/{order_id}", [&auth, &orders](const kiosk::Request& req) {
    auto who = Authorize(auth, req, core::Role::kAssociate);
    if (!who.ok()) return ErrorResponse(who.status());
    auto v = orders.GetOrder(req.params.at("order_id"));
    if (!v.ok()) return ErrorResponse(v.status());
    return JsonResponse(OrderViewJson(*v));
  });

  // ---- tasks ----

  // Every handheld polls and reloads the task list, so the answer for each
  // kind is kept while the database's ChangeStamp stays the same: any write
  // (by the daemon or by storeedgectl) makes the next request build it anew.
  struct TaskLists {
    store::ChangeStamp stamp;
    std::map<core::TaskKind, std::string> bodies;
  };
  auto task_lists = std::make_shared<TaskLists>();
  router.Add("GET", "/api/v1/tasks", [&auth, &orders, task_lists](const kiosk::Request& req) {
    auto who = Authorize(auth, req, core::Role::kAssociate);
    if (!who.ok()) return ErrorResponse(who.status());
    core::TaskKind kind = core::TaskKind::kPick;
    if (auto k = req.query.find("kind"); k != req.query.end() && !core::ParseTaskKind(k->second, &kind)) {
      return ErrorResponse(Status::InvalidArgument(
          "query parameter 'kind' must be pick, pack, restock, stage or handover, got '" + k->second + "'"));
    }
    auto stamp = orders.DataStamp();
    if (!stamp.ok()) return ErrorResponse(stamp.status());
    if (*stamp != task_lists->stamp) {
      task_lists->bodies.clear();
      task_lists->stamp = *stamp;
    }
    if (auto kept = task_lists->bodies.find(kind); kept != task_lists->bodies.end()) {
      return kiosk::Response::Json(200, kept->second);
    }
    auto tasks = orders.ActiveTasks(kind);
    if (!tasks.ok()) return ErrorResponse(tasks.status());
    json out = json::array();
    for (const auto& t : *tasks) out.push_back(TaskJson(t));
    std::string body = json{{"tasks", out}}.dump();
    task_lists->bodies[kind] = body;
    return kiosk::Response::Json(200, std::move(body));
  });
  router.Add("GET", "/api/v1/tasks/{task_id}", [&auth, &orders](const kiosk::Request& req) {
    auto who = Authorize(auth, req, core::Role::kAssociate);
    if (!who.ok()) return ErrorResponse(who.status());
    auto id = TaskIdParam(req);
    if (!id.ok()) return ErrorResponse(id.status());
    auto v = orders.GetTask(*id);
    if (!v.ok()) return ErrorResponse(v.status());
    return JsonResponse(TaskViewJson(*v));
  });
  router.Add("POST", "/api/v1/tasks", [&auth, &orders, changed](const kiosk::Request& req) {
    auto who = Authorize(auth, req, core::Role::kAssociate);
    if (!who.ok()) return ErrorResponse(who.status());
    auto body = JsonBody(req);
    if (!body.ok()) return ErrorResponse(body.status());
    auto it = body->find("order_ids");
    if (it == body->end()) return ErrorResponse(Status::InvalidArgument("field 'order_ids' is missing"));
    if (!it->is_array() || it->empty()) {
      return ErrorResponse(
          Status::InvalidArgument("field 'order_ids' must be a non-empty array of order ids"));
    }
    if (it->size() > static_cast<size_t>(core::kMaxBatchOrders)) {
      return ErrorResponse(Status::InvalidArgument("field 'order_ids': a batch takes at most " +
                                                   std::to_string(core::kMaxBatchOrders) + " orders, got " +
                                                   std::to_string(it->size())));
    }
    std::vector<std::string> ids;
    std::set<std::string> seen;
    for (size_t i = 0; i < it->size(); ++i) {
      const std::string field = "order_ids[" + std::to_string(i) + "]";
      const json& e = (*it)[i];
      if (!e.is_string() || e.get<std::string>().empty()) {
        return ErrorResponse(Status::InvalidArgument("field '" + field + "' must be a non-empty string"));
      }
      if (!seen.insert(e.get<std::string>()).second) {
        return ErrorResponse(Status::InvalidArgument("field '" + field + "': order '" + e.get<std::string>() +
                                                     "' is listed twice"));
      }
      ids.push_back(e.get<std::string>());
    }
    auto task = orders.CreatePickTask(ids, *who);
    if (!task.ok()) return ErrorResponse(task.status());
    changed();
    return JsonResponse({{"task_id", *task}}, 201);
  });

  router.Add("POST", "/api/v1/tasks/{task_id}/claim", [&auth, &orders, changed](const kiosk::Request& req) {
    auto who = Authorize(auth, req, core::Role::kAssociate);
    if (!who.ok()) return ErrorResponse(who.status());
    auto id = TaskIdParam(req);
    if (!id.ok()) return ErrorResponse(id.status());
    if (Status s = orders.ClaimTask(*id, *who); !s.ok()) return ErrorResponse(s);
    changed();
    return TaskAfter(orders, *id);
  });
  router.Add("POST", "/api/v1/tasks/{task_id}/release", [&auth, &orders, changed](const kiosk::Request& req) {
    auto who = Authorize(auth, req, core::Role::kAssociate);
    if (!who.ok()) return ErrorResponse(who.status());
    auto id = TaskIdParam(req);
    if (!id.ok()) return ErrorResponse(id.status());
    if (Status s = orders.ReleaseTask(*id, *who); !s.ok()) return ErrorResponse(s);
    changed();
    return TaskAfter(orders, *id);
  });
  for (const bool reassign : {false, true}) {
    router.Add("POST", std::string("/api/v1/tasks/{task_id}/") + (reassign ? "reassign" : "assign"),
               [&auth, &orders, reassign, changed](const kiosk::Request& req) {
                 auto who = Authorize(auth, req, core::Role::kSupervisor);
                 if (!who.ok()) return ErrorResponse(who.status());
                 auto id = TaskIdParam(req);
                 if (!id.ok()) return ErrorResponse(id.status());
                 auto body = JsonBody(req);
                 if (!body.ok()) return ErrorResponse(body.status());
                 auto associate = AssociateField(auth, *body);
                 if (!associate.ok()) return ErrorResponse(associate.status());
                 Status s = reassign ? orders.ReassignTask(*id, *associate, *who)
                                     : orders.AssignTask(*id, *associate, *who);
                 if (!s.ok()) return ErrorResponse(s);
                 changed();
                 return TaskAfter(orders, *id);
               });
  }

  // ---- picking and restocking ----

  router.Add("POST", "/api/v1/tasks/{task_id}/pick", [&auth, &orders, changed](const kiosk::Request& req) {
    auto who = Authorize(auth, req, core::Role::kAssociate);
    if (!who.ok()) return ErrorResponse(who.status());
    auto id = TaskIdParam(req);
    if (!id.ok()) return ErrorResponse(id.status());
    auto body = JsonBody(req);
    if (!body.ok()) return ErrorResponse(body.status());
    PickCommand c;
    c.task_id = *id;
    auto line = OptIntField(*body, "pick_line_id");
    if (!line.ok()) return ErrorResponse(line.status());
    c.pick_line_id = *line;
    auto at = OptStringField(*body, "at");
    if (!at.ok()) return ErrorResponse(at.status());
    c.at = *at;
    auto scan = OptStringField(*body, "scan");
    if (!scan.ok()) return ErrorResponse(scan.status());
    c.scan = *scan;
    auto aim = OptStringField(*body, "aim_id");
    if (!aim.ok()) return ErrorResponse(aim.status());
    c.aim_id = aim->value_or("");
    auto qty = OptIntField(*body, "qty");
    if (!qty.ok()) return ErrorResponse(qty.status());
    c.qty = qty->value_or(1);
    auto reason = OptStringField(*body, "manual_reason");
    if (!reason.ok()) return ErrorResponse(reason.status());
    c.manual_reason = *reason;
    auto r = orders.Pick(c, *who);
    if (!r.ok()) return ErrorResponse(r.status());
    changed();
    return JsonResponse({{"pick_line_id", r->pick_line_id},
                         {"order_id", r->order_id},
                         {"line_id", r->line_id},
                         {"sku", r->sku},
                         {"tote", r->tote},
                         {"line_remaining", r->line_remaining},
                         {"task_remaining", r->task_remaining},
                         {"order_picked", r->order_picked},
                         {"task_done", r->task_done}});
  });
  router.Add("POST", "/api/v1/tasks/{task_id}/short", [&auth, &orders, changed](const kiosk::Request& req) {
    auto who = Authorize(auth, req, core::Role::kAssociate);
    if (!who.ok()) return ErrorResponse(who.status());
    auto id = TaskIdParam(req);
    if (!id.ok()) return ErrorResponse(id.status());
    auto body = JsonBody(req);
    if (!body.ok()) return ErrorResponse(body.status());
    ShortCommand c;
    c.task_id = *id;
    auto line = IntField(*body, "pick_line_id");
    if (!line.ok()) return ErrorResponse(line.status());
    c.pick_line_id = *line;
    auto qty = IntField(*body, "qty");
    if (!qty.ok()) return ErrorResponse(qty.status());
    c.qty = *qty;
    auto reason = StringField(*body, "reason");
    if (!reason.ok()) return ErrorResponse(reason.status());
    if (!core::ParseShortReason(*reason, &c.reason)) {
      return ErrorResponse(
          Status::InvalidArgument("field 'reason' must be not_found or damaged, got '" + *reason + "'"));
    }
    auto r = orders.Short(c, *who);
    if (!r.ok()) return ErrorResponse(r.status());
    changed();
    return JsonResponse({{"released", r->released},
                         {"stock_delta", r->stock_delta},
                         {"task_remaining", r->task_remaining},
                         {"order_picked", r->order_picked},
                         {"task_done", r->task_done}});
  });
  router.Add("POST", "/api/v1/tasks/{task_id}/restock", [&auth, &orders, changed](const kiosk::Request& req) {
    auto who = Authorize(auth, req, core::Role::kAssociate);
    if (!who.ok()) return ErrorResponse(who.status());
    auto id = TaskIdParam(req);
    if (!id.ok()) return ErrorResponse(id.status());
    auto body = JsonBody(req);
    if (!body.ok()) return ErrorResponse(body.status());
    RestockCommand c;
    c.task_id = *id;
    auto scan = StringField(*body, "scan");
    if (!scan.ok()) return ErrorResponse(scan.status());
    c.scan = *scan;
    auto aim = OptStringField(*body, "aim_id");
    if (!aim.ok()) return ErrorResponse(aim.status());
    c.aim_id = aim->value_or("");
    auto location = StringField(*body, "location");
    if (!location.ok()) return ErrorResponse(location.status());
    c.location = *location;
    auto r = orders.Restock(c, *who);
    if (!r.ok()) return ErrorResponse(r.status());
    changed();
    return JsonResponse({{"order_id", r->order_id},
                         {"line_id", r->line_id},
                         {"sku", r->sku},
                         {"location", r->location},
                         {"remaining", r->remaining},
                         {"task_done", r->task_done}});
  });

  // ---- packing ----

  router.Add("GET", "/api/v1/boxes", [&auth, &orders](const kiosk::Request& req) {
    auto who = Authorize(auth, req, core::Role::kAssociate);
    if (!who.ok()) return ErrorResponse(who.status());
    json boxes = json::array();
    for (const auto& b : orders.boxes()) {
      boxes.push_back({{"name", b.name},
                       {"length_mm", b.length_mm},
                       {"width_mm", b.width_mm},
                       {"height_mm", b.height_mm}});
    }
    return JsonResponse({{"boxes", boxes}});
  });
  router.Add("POST", "/api/v1/orders/{order_id}/packages",
             [&auth, &orders, changed](const kiosk::Request& req) {
               auto who = Authorize(auth, req, core::Role::kAssociate);
               if (!who.ok()) return ErrorResponse(who.status());
               auto body = JsonBody(req);
               if (!body.ok()) return ErrorResponse(body.status());
               auto box = StringField(*body, "box");
               if (!box.ok()) return ErrorResponse(box.status());
               auto station = StringField(*body, "station");
               if (!station.ok()) return ErrorResponse(station.status());
               auto v = orders.OpenPackage(req.params.at("order_id"), *box, *station, *who);
               if (!v.ok()) return ErrorResponse(v.status());
               changed();
               return JsonResponse(PackageViewJson(*v), 201);
             });
  router.Add("GET", "/api/v1/packages/{package_id}", [&auth, &orders](const kiosk::Request& req) {
    auto who = Authorize(auth, req, core::Role::kAssociate);
    if (!who.ok()) return ErrorResponse(who.status());
    auto v = FindPackageView(orders, req.params.at("package_id"));
    if (!v.ok()) return ErrorResponse(v.status());
    return JsonResponse(PackageViewJson(*v));
  });
  router.Add("POST", "/api/v1/packages/{package_id}/units",
             [&auth, &orders, changed](const kiosk::Request& req) {
               auto who = Authorize(auth, req, core::Role::kAssociate);
               if (!who.ok()) return ErrorResponse(who.status());
               auto body = JsonBody(req);
               if (!body.ok()) return ErrorResponse(body.status());
               PackCommand c;
               c.package_id = req.params.at("package_id");
               auto scan = OptStringField(*body, "scan");
               if (!scan.ok()) return ErrorResponse(scan.status());
               c.scan = *scan;
               auto aim = OptStringField(*body, "aim_id");
               if (!aim.ok()) return ErrorResponse(aim.status());
               c.aim_id = aim->value_or("");
               auto line = OptStringField(*body, "line_id");
               if (!line.ok()) return ErrorResponse(line.status());
               c.line_id = *line;
               auto reason = OptStringField(*body, "manual_reason");
               if (!reason.ok()) return ErrorResponse(reason.status());
               c.manual_reason = *reason;
               auto qty = OptIntField(*body, "qty");
               if (!qty.ok()) return ErrorResponse(qty.status());
               c.qty = qty->value_or(1);
               auto v = orders.PackUnits(c, *who);
               if (!v.ok()) return ErrorResponse(v.status());
               changed();
               return JsonResponse(PackageViewJson(*v));
             });
  router.Add("POST", "/api/v1/packages/{package_id}/close",
             [&auth, &orders, changed](const kiosk::Request& req) {
               auto who = Authorize(auth, req, core::Role::kAssociate);
               if (!who.ok()) return ErrorResponse(who.status());
               auto body = JsonBody(req);
               if (!body.ok()) return ErrorResponse(body.status());
               auto weight = IntField(*body, "weight_g");
               if (!weight.ok()) return ErrorResponse(weight.status());
               auto v = orders.ClosePackage(req.params.at("package_id"), *weight, *who);
               if (!v.ok()) return ErrorResponse(v.status());
               changed();
               return JsonResponse(PackageViewJson(*v));
             });
  router.Add("POST", "/api/v1/orders/{order_id}/packed",
             [&auth, &orders, changed](const kiosk::Request& req) {
               auto who = Authorize(auth, req, core::Role::kAssociate);
               if (!who.ok()) return ErrorResponse(who.status());
               const std::string& order_id = req.params.at("order_id");
               if (Status s = orders.FinishPacking(order_id, *who); !s.ok()) return ErrorResponse(s);
               changed();
               auto v = orders.GetOrder(order_id);
               if (!v.ok()) return ErrorResponse(v.status());
               return JsonResponse({{"order", OrderJson(v->order)}});
             });
  router.Add("GET", "/api/v1/packages/{package_id}/slip", [&auth, &orders](const kiosk::Request& req) {
    auto who = Authorize(auth, req, core::Role::kAssociate);
    if (!who.ok()) return ErrorResponse(who.status());
    core::Paper paper = core::Paper::kA4;
    if (auto p = req.query.find("paper"); p != req.query.end()) {
      if (p->second == "letter") {
        paper = core::Paper::kLetter;
      } else if (p->second != "a4") {
        return ErrorResponse(
            Status::InvalidArgument("query parameter 'paper' must be a4 or letter, got '" + p->second + "'"));
      }
    }
    auto doc = orders.PackingSlip(req.params.at("package_id"), paper);
    if (!doc.ok()) return ErrorResponse(doc.status());
    kiosk::Response r;
    r.content_type = "application/pdf";
    r.body = std::move(doc->bytes);
    return r;
  });
  // Printing a slip changes nothing the screens show (only the audit trail
  // records it), so it does not call `changed`.
  router.Add("POST", "/api/v1/packages/{package_id}/slip/print", [&auth, &orders](const kiosk::Request& req) {
    auto who = Authorize(auth, req, core::Role::kAssociate);
    if (!who.ok()) return ErrorResponse(who.status());
    const std::string& package_id = req.params.at("package_id");
    if (Status s = orders.PrintPackingSlip(package_id, *who); !s.ok()) return ErrorResponse(s);
    return JsonResponse({{"package_id", package_id}, {"queued", true}});
  });

  // ---- labels ----

  router.Add("POST", "/api/v1/packages/{package_id}/label/verify",
             [&auth, &orders, changed](const kiosk::Request& req) {
               auto who = Authorize(auth, req, core::Role::kAssociate);
               if (!who.ok()) return ErrorResponse(who.status());
               auto body = JsonBody(req);
               if (!body.ok()) return ErrorResponse(body.status());
               auto scan = NonEmptyField(*body, "scan");
               if (!scan.ok()) return ErrorResponse(scan.status());
               auto aim = OptStringField(*body, "aim_id");
               if (!aim.ok()) return ErrorResponse(aim.status());
               const std::string& package_id = req.params.at("package_id");
               if (Status s = orders.VerifyLabel(package_id, *scan, aim->value_or(""), *who); !s.ok())
                 return ErrorResponse(s);
               changed();
               return PackageAfter(orders, package_id);
             });
  router.Add("POST", "/api/v1/packages/{package_id}/label/void",
             [&auth, &orders, changed](const kiosk::Request& req) {
               auto who = Authorize(auth, req, core::Role::kAssociate);
               if (!who.ok()) return ErrorResponse(who.status());
               auto body = JsonBody(req);
               if (!body.ok()) return ErrorResponse(body.status());
               auto reason = NonEmptyField(*body, "reason");
               if (!reason.ok()) return ErrorResponse(reason.status());
               const std::string& package_id = req.params.at("package_id");
               if (Status s = orders.VoidLabel(package_id, *reason, *who); !s.ok()) return ErrorResponse(s);
               changed();
               return PackageAfter(orders, package_id);
             });
  router.Add("POST", "/api/v1/packages/{package_id}/label/reprint",
             [&auth, &orders, changed](const kiosk::Request& req) {
               auto who = Authorize(auth, req, core::Role::kAssociate);
               if (!who.ok()) return ErrorResponse(who.status());
               const std::string& package_id = req.params.at("package_id");
               Status s = orders.ReprintLabel(package_id, *who);
               // ReprintLabel commits the label's new state (received: to be
               // verified again) before it queues the print, so a printer that
               // is away (Unavailable) still changed what screens show.
               if (s.ok() || s.code() == core::StatusCode::kUnavailable) changed();
               if (!s.ok()) return ErrorResponse(s);
               return PackageAfter(orders, package_id);
             });

  // ---- carrier handoff ----

  router.Add("GET", "/api/v1/manifest", [&auth, &orders](const kiosk::Request& req) {
    auto who = Authorize(auth, req, core::Role::kAssociate);
    if (!who.ok()) return ErrorResponse(who.status());
    std::string carrier;  // "" = every carrier
    if (auto c = req.query.find("carrier"); c != req.query.end()) {
      if (c->second.empty()) {
        return ErrorResponse(Status::InvalidArgument(
            "query parameter 'carrier' must not be empty (leave it out for every carrier)"));
      }
      carrier = c->second;
    }
    auto m = orders.Manifest(carrier);
    if (!m.ok()) return ErrorResponse(m.status());
    json packages = json::array();
    for (const auto& p : *m) packages.push_back(PackageJson(p));
    return JsonResponse(
        {{"carrier", carrier.empty() ? json(nullptr) : json(carrier)}, {"packages", packages}});
  });
  router.Add("POST", "/api/v1/handoffs", [&auth, &orders, changed](const kiosk::Request& req) {
    auto who = Authorize(auth, req, core::Role::kAssociate);
    if (!who.ok()) return ErrorResponse(who.status());
    auto body = JsonBody(req);
    if (!body.ok()) return ErrorResponse(body.status());
    // Required and non-empty: the service reads "" as any carrier, and a
    // driver must not take another carrier's package.
    auto carrier = NonEmptyField(*body, "carrier");
    if (!carrier.ok()) return ErrorResponse(carrier.status());
    auto scan = NonEmptyField(*body, "scan");
    if (!scan.ok()) return ErrorResponse(scan.status());
    auto aim = OptStringField(*body, "aim_id");
    if (!aim.ok()) return ErrorResponse(aim.status());
    auto h = orders.HandOff(*carrier, *scan, aim->value_or(""), *who);
    if (!h.ok()) return ErrorResponse(h.status());
    changed();
    return JsonResponse(HandoffJson(*h));
  });
  router.Add("POST", "/api/v1/manifest/confirm", [&auth, &orders, changed](const kiosk::Request& req) {
    auto who = Authorize(auth, req, core::Role::kAssociate);
    if (!who.ok()) return ErrorResponse(who.status());
    auto body = JsonBody(req);
    if (!body.ok()) return ErrorResponse(body.status());
    // Non-empty: "" would hand every carrier's packages to this driver.
    auto carrier = NonEmptyField(*body, "carrier");
    if (!carrier.ok()) return ErrorResponse(carrier.status());
    auto h = orders.ConfirmManifest(*carrier, *who);
    if (!h.ok()) return ErrorResponse(h.status());
    if (!h->empty()) changed();  // an empty manifest changes nothing
    json out = json::array();
    for (const auto& r : *h) out.push_back(HandoffJson(r));
    return JsonResponse({{"carrier", *carrier}, {"handoffs", out}});
  });
}

}  // namespace edge::app
