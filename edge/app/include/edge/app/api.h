// The REST API under /api/v1: helpers shared by every route (authentication,
// role checks, JSON bodies, Status → HTTP mapping) and the routes of the
// services that exist. Routes are registered here, in edge/app, because a
// route calls an application service and only edge/app sees the services; the
// HTTP machinery itself stays in kiosk/.
//
// Handlers run on the io_context thread. Errors are JSON
// {"error":{"code":"…","message":"…"}}.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "edge/app/auth_service.h"
#include "edge/core/auth.h"
#include "edge/core/status.h"
#include "edge/kiosk/http.h"

namespace edge::app {

// 400 invalid_argument, 401 unauthenticated, 403 permission_denied,
// 404 not_found, 409 already_exists / failed_precondition,
// 503 unavailable, 500 otherwise.
int HttpStatusOf(const core::Status& status);
kiosk::Response ErrorResponse(const core::Status& status);
kiosk::Response JsonResponse(const nlohmann::json& body, int status = 200);

// Parses a request body as a JSON object; InvalidArgument naming the problem.
core::Result<nlohmann::json> JsonBody(const kiosk::Request& request);

// Field readers for JSON bodies: InvalidArgument "field 'x': …" when missing
// or of the wrong type.
core::Result<std::string> StringField(const nlohmann::json& body, const std::string& name);
core::Result<int64_t> IntField(const nlohmann::json& body, const std::string& name);

// The actor behind the request's "Authorization: Bearer TOKEN", holding at
// least `required`. Unauthenticated (401) or PermissionDenied (403) otherwise.
core::Result<core::Actor> Authorize(AuthService& auth, const kiosk::Request& request, core::Role required);

// Adds /api/v1/auth/login, /api/v1/auth/logout, /api/v1/me and the
// supervisor's /api/v1/users routes.
void AddAuthRoutes(kiosk::Router& router, AuthService& auth);

class InventoryService;
// Adds /api/v1/inventory/…: item by SKU or barcode, location, search
// (associates) and adjustments (supervisors). `changed` (may be empty) runs
// after each adjustment: a receipt can give waiting backorder lines their
// stock, which puts their orders in the pick queue.
void AddInventoryRoutes(kiosk::Router& router, AuthService& auth, InventoryService& inventory,
                        std::function<void()> changed = nullptr);

class OrderService;
struct OrderRouteHooks {
  // Called after every successful state-changing call (the daemon kicks the
  // outbox publisher and tells associates' screens); may be empty.
  std::function<void()> changed;
  // Called, besides `changed`, after a successful pickup call (bags, arrivals,
  // check-in, handover): the daemon tells the arrival screens and the kiosks.
  // May be empty.
  std::function<void()> arrivals_changed = nullptr;
};
// Adds the order work under /api/v1 (associates; assign and reassign need a
// supervisor): the pick queue, orders, tasks (create, claim, release, assign,
// reassign, pick, short, restock), boxes, packages (open, units, close,
// packing slip, label verify/void/reprint), packed, the carrier manifest and
// handoffs. The actor signed in is passed to the service as who did it.
void AddOrderRoutes(kiosk::Router& router, AuthService& auth, OrderService& orders, OrderRouteHooks hooks);
// Adds in-store returns and waiting backorder/preorder lines (associates):
// GET /api/v1/returns/lookup?q=, POST /api/v1/returns, GET /api/v1/backorders.
void AddReturnRoutes(kiosk::Router& router, AuthService& auth, OrderService& orders, OrderRouteHooks hooks);

// Adds pickup orders (store work II): bags and staging, the counter's search,
// arrivals, pickup-code checks and unlock (supervisor), the handover
// (associates), and the curbside kiosk's lookup, check-in and wait (kiosk
// device token; rate-limited per kiosk and per order ref).
void AddPickupRoutes(kiosk::Router& router, AuthService& auth, OrderService& orders, OrderRouteHooks hooks);

// Who may open the live stream (WebSocket /api/v1/stream?token=TOKEN: browsers
// cannot set headers on a WebSocket, so the token comes in the query string)
// and the channels they receive: a kiosk "kiosk"; an associate or supervisor
// "tasks", "orders", "arrivals", "stations" and "sync".
kiosk::WebSocketAuthorizer StreamAuthorizer(AuthService& auth);

// The routes the daemon answers from its own state (daemon.cc).
struct DaemonRouteHandlers {
  kiosk::Handler metrics;  // GET /metrics
  kiosk::Handler healthz;  // GET /healthz
  kiosk::Handler readyz;   // GET /readyz
  kiosk::Handler status;   // GET /api/v1/status
  // POST /api/v1/stations/{station}/scans: a scan as if the station's scanner
  // read it (the daemon owns the scanners and the control token).
  kiosk::Handler station_scan = nullptr;
};

class ReportService;
// Adds GET /api/v1/reports/{name} (supervisors): a report as JSON, or one of
// its tables as a CSV attachment (api_reports.cc).
void AddReportRoutes(kiosk::Router& router, AuthService& auth, ReportService& reports);

// Every route storeedged serves: AddAuthRoutes, AddInventoryRoutes,
// AddOrderRoutes, AddReportRoutes (when `reports` is given), the daemon's own
// routes and the WebSocket /api/v1/stream. docs/openapi.json describes them;
// edge/app/unit/openapi_test.cc checks that it lists exactly these.
void AddApiRoutes(kiosk::Router& router, AuthService& auth, InventoryService& inventory, OrderService& orders,
                  OrderRouteHooks hooks, DaemonRouteHandlers daemon, ReportService* reports = nullptr);

}  // namespace edge::app
