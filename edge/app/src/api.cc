#include "edge/app/api.h"

namespace edge::app {

using core::Result;
using core::Status;
using json = nlohmann::json;

int HttpStatusOf(const Status& s) {
  switch (s.code()) {
    case core::StatusCode::kOk:
      return 200;
    case core::StatusCode::kInvalidArgument:
      return 400;
    case core::StatusCode::kUnauthenticated:
      return 401;
    case core::StatusCode::kPermissionDenied:
      return 403;
    case core::StatusCode::kNotFound:
      return 404;
    case core::StatusCode::kAlreadyExists:
    case core::StatusCode::kFailedPrecondition:
      return 409;
    case core::StatusCode::kUnavailable:
      return 503;
    default:
      return 500;
  }
}

kiosk::Response ErrorResponse(const Status& s) {
  return kiosk::Response::Error(HttpStatusOf(s), core::StatusCodeName(s.code()), s.message());
}

kiosk::Response JsonResponse(const json& body, int status) {
  return kiosk::Response::Json(status, body.dump());
}

Result<json> JsonBody(const kiosk::Request& request) {
  if (request.body.empty()) return Status::InvalidArgument("request body is empty; expected a JSON object");
  json j = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::InvalidArgument("request body is not valid JSON");
  if (!j.is_object()) return Status::InvalidArgument("request body must be a JSON object");
  return j;
}

Result<std::string> StringField(const json& body, const std::string& name) {
  auto it = body.find(name);
  if (it == body.end()) return Status::InvalidArgument("field '" + name + "' is missing");
  if (!it->is_string()) return Status::InvalidArgument("field '" + name + "' must be a string");
  return it->get<std::string>();
}

Result<int64_t> IntField(const json& body, const std::string& name) {
  auto it = body.find(name);
  if (it == body.end()) return Status::InvalidArgument("field '" + name + "' is missing");
  if (!it->is_number_integer()) return Status::InvalidArgument("field '" + name + "' must be an integer");
  // A JSON number above INT64_MAX is kept unsigned; get<int64_t> would wrap it.
  if (it->is_number_unsigned() && it->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
    return Status::InvalidArgument("field '" + name + "' is too large");
  }
  return it->get<int64_t>();
}

Result<core::Actor> Authorize(AuthService& auth, const kiosk::Request& request, core::Role required) {
  const std::string header = request.Header("authorization");
  const std::string prefix = "Bearer ";
  if (header.rfind(prefix, 0) != 0) {
    return Status::Unauthenticated("sign in first: send 'Authorization: Bearer TOKEN'");
  }
  auto actor = auth.Authenticate(header.substr(prefix.size()));
  if (!actor.ok()) return actor.status();
  if (!core::HasRole(*actor, required)) {
    return Status::PermissionDenied(std::string("this needs the ") + core::RoleName(required) + " role; '" +
                                    actor->id + "' is " + core::RoleName(actor->role));
  }
  return actor;
}

namespace {

json UserJson(const UserInfo& u) {
  return {{"id", u.id},
          {"name", u.name},
          {"role", core::RoleName(u.role)},
          {"disabled", u.disabled},
          {"locked", u.locked}};
}

}  // namespace

void AddAuthRoutes(kiosk::Router& router, AuthService& auth) {
  router.Add("POST", "/api/v1/auth/login", [&auth](const kiosk::Request& req) {
    auto body = JsonBody(req);
    if (!body.ok()) return ErrorResponse(body.status());
    auto id = StringField(*body, "associate_id");
    if (!id.ok()) return ErrorResponse(id.status());
    auto pin = StringField(*body, "pin");
    if (!pin.ok()) return ErrorResponse(pin.status());
    auto s = auth.Login(*id, *pin);
    if (!s.ok()) return ErrorResponse(s.status());
    return JsonResponse({{"token", s->token},
                         {"associate_id", s->actor.id},
                         {"role", core::RoleName(s->actor.role)},
                         {"expires", core::FormatRfc3339(s->expires)}});
  });
  router.Add("POST", "/api/v1/auth/logout", [&auth](const kiosk::Request& req) {
    auto who = Authorize(auth, req, core::Role::kAssociate);
    if (!who.ok()) return ErrorResponse(who.status());
    const std::string token = req.Header("authorization").substr(7);
    if (Status s = auth.Logout(token); !s.ok()) return ErrorResponse(s);
    return JsonResponse({{"signed_out", who->id}});
  });
  router.Add("GET", "/api/v1/me", [&auth](const kiosk::Request& req) {
    auto who = Authorize(auth, req, core::Role::kAssociate);
    if (!who.ok()) {
      // A kiosk may ask who it is too.
      auto kiosk = Authorize(auth, req, core::Role::kKiosk);
      if (!kiosk.ok()) return ErrorResponse(who.status());
      who = kiosk;
    }
    return JsonResponse({{"id", who->id}, {"role", core::RoleName(who->role)}});
  });
  router.Add("GET", "/api/v1/users", [&auth](const kiosk::Request& req) {
    auto who = Authorize(auth, req, core::Role::kSupervisor);
    if (!who.ok()) return ErrorResponse(who.status());
    auto users = auth.ListUsers();
    if (!users.ok()) return ErrorResponse(users.status());
    json out = json::array();
    for (const auto& u : *users) out.push_back(UserJson(u));
    return JsonResponse({{"users", out}});
  });
  router.Add("POST", "/api/v1/users/{id}/unlock", [&auth](const kiosk::Request& req) {
    auto who = Authorize(auth, req, core::Role::kSupervisor);
    if (!who.ok()) return ErrorResponse(who.status());
    if (Status s = auth.Unlock(req.params.at("id"), *who); !s.ok()) return ErrorResponse(s);
    return JsonResponse({{"unlocked", req.params.at("id")}});
  });
}

kiosk::WebSocketAuthorizer StreamAuthorizer(AuthService& auth) {
  return [&auth](const kiosk::Request& req) -> Result<std::vector<std::string>> {
    auto it = req.query.find("token");
    if (it == req.query.end()) return Status::Unauthenticated("sign in first: /api/v1/stream?token=TOKEN");
    auto who = auth.Authenticate(it->second);
    if (!who.ok()) return who.status();
    if (who->role == core::Role::kKiosk) return std::vector<std::string>{"kiosk"};
    return std::vector<std::string>{"tasks", "orders", "arrivals", "stations", "sync"};
  };
}

void AddApiRoutes(kiosk::Router& router, AuthService& auth, InventoryService& inventory, OrderService& orders,
                  OrderRouteHooks hooks, DaemonRouteHandlers daemon, ReportService* reports) {
  AddAuthRoutes(router, auth);
  AddInventoryRoutes(router, auth, inventory, hooks.changed);
  AddReturnRoutes(router, auth, orders, hooks);
  AddPickupRoutes(router, auth, orders, hooks);
  AddOrderRoutes(router, auth, orders, std::move(hooks));
  if (reports) AddReportRoutes(router, auth, *reports);
  router.Add("GET", "/metrics", std::move(daemon.metrics));
  // Live updates for the associates' app and the kiosk.
  router.AddWebSocket("/api/v1/stream", StreamAuthorizer(auth));
  router.Add("GET", "/healthz", std::move(daemon.healthz));
  router.Add("GET", "/readyz", std::move(daemon.readyz));
  router.Add("GET", "/api/v1/status", std::move(daemon.status));
  if (daemon.station_scan)
    router.Add("POST", "/api/v1/stations/{station}/scans", std::move(daemon.station_scan));
}

}  // namespace edge::app
