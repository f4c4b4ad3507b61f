// REST routes of pickup orders (OrderService, store work II): bagging and
// staging, arrivals, the counter's search, pickup-code checks and the
// handover (associates; unlocking a supervisor), and the curbside kiosk's
// check-in (kiosk device token only).
//
// The kiosk sees no more of an order than a first name, its ref and whether
// it is ready; its lookups are limited per kiosk and per order ref on top of
// the order's own lockout after wrong codes.
#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <unordered_map>

#include "api_json.h"
#include "edge/app/api.h"
#include "edge/app/order_service.h"
#include "edge/core/barcode.h"
#include "edge/core/clock.h"
#include "edge/core/orders.h"

namespace edge::app {

using core::Result;
using core::Status;
using json = nlohmann::json;

namespace {

using api_json::OptStringField;
using api_json::Text;
using api_json::Time;

std::string FirstName(const store::OrderRecord& o) { return CustomerText(o, "first_name"); }

json BagJson(const BagView& v) {
  return {{"bag_id", v.bag.bag_id},
          {"order_id", v.bag.order_id},
          {"n", v.bag.seq},
          {"of", v.of},
          {"label_code", v.label_code},
          {"state", store::BagStateName(v.bag.state)},
          {"location", Text(v.bag.location)},
          {"staged_at", Time(v.bag.staged_ms)},
          {"staged_by", Text(v.bag.staged_by)}};
}

json ArrivalJson(const store::ArrivalRecord& a, int64_t now_ms) {
  return {{"arrival_id", a.id},
          {"order_id", a.order_id},
          {"source", a.source},
          {"bay", Text(a.bay)},
          {"vehicle", Text(a.vehicle)},
          {"arrived_at", Time(a.arrived_ms)},
          {"waiting_s", std::max<int64_t>(0, now_ms - a.arrived_ms) / 1000},
          {"task_id", a.task_id ? json(*a.task_id) : json(nullptr)},
          {"state", store::ArrivalStateName(a.state)},
          {"escalated_at", Time(a.escalated_ms)}};
}

// What the counter needs to find and hand over an order (no pickup code).
json PickupOrderJson(OrderService& orders, const store::OrderRecord& o) {
  json bags = json::array();
  if (auto b = orders.BagsOf(o.order_id); b.ok()) {
    for (const auto& v : *b) bags.push_back(BagJson(v));
  }
  json lines = json::array();
  if (auto v = orders.GetOrder(o.order_id); v.ok()) {
    for (const auto& l : v->lines) {
      lines.push_back({{"line_id", l.line_id},
                       {"sku", l.sku},
                       {"description", l.description},
                       {"picked", l.picked},
                       {"accepted", l.accepted}});
    }
  }
  auto j = json::parse(o.customer_json, nullptr, false);
  return {{"order_id", o.order_id},
          {"order_ref", o.order_ref},
          {"kind", core::OrderKindName(o.kind)},
          {"state", core::OrderStateName(o.state)},
          {"customer", j.is_discarded() ? json(nullptr) : j},
          {"hold_until", Time(o.hold_until_ms)},
          {"staging_location", Text(o.staging_location)},
          {"locked", o.pickup_locked_at_ms.has_value()},
          {"bags", bags},
          {"lines", lines}};
}

json WaitJson(const WaitEstimate& w) {
  return {{"arrival_id", w.arrival.id}, {"order_ref", w.order_ref},
          {"first_name", w.first_name}, {"bay", Text(w.arrival.bay)},
          {"ready", w.ready},           {"state", store::ArrivalStateName(w.arrival.state)},
          {"position", w.position},     {"estimated_wait_s", w.estimated_wait_s}};
}

Result<int64_t> IdParam(const kiosk::Request& req, const std::string& name) {
  const std::string& text = req.params.at(name);
  int64_t id = 0;
  for (char c : text) {
    if (c < '0' || c > '9' || id > 1'000'000'000'000) {
      return Status::InvalidArgument("path parameter '" + name + "' must be a positive integer");
    }
    id = id * 10 + (c - '0');
  }
  if (id < 1) return Status::InvalidArgument("path parameter '" + name + "' must be a positive integer");
  return id;
}

// At most `limit` requests per key in any `window` (a sliding log). Keys are
// forgotten once their window is empty, so the map stays small.
class RateLimiter {
 public:
  explicit RateLimiter(std::chrono::steady_clock::duration window) : window_(window) {}
  bool Allow(const std::string& key, size_t limit) {
    std::lock_guard<std::mutex> lock(mu_);
    const auto now = std::chrono::steady_clock::now();
    // Other keys' old tries are swept once a window, not on every call.
    if (now - last_sweep_ >= window_) {
      for (auto it = log_.begin(); it != log_.end();) {
        while (!it->second.empty() && now - it->second.front() >= window_) it->second.pop_front();
        it = it->second.empty() ? log_.erase(it) : std::next(it);
      }
      last_sweep_ = now;
    }
    auto& q = log_[key];
    while (!q.empty() && now - q.front() >= window_) q.pop_front();
    if (q.size() >= limit) return false;
    q.push_back(now);
    return true;
  }

 private:
  std::mutex mu_;
  std::chrono::steady_clock::duration window_;
  std::chrono::steady_clock::time_point last_sweep_{};
  std::unordered_map<std::string, std::deque<std::chrono::steady_clock::time_point>> log_;
};

// Refs typed at the kiosk that match no pickup order. They are refused like
// a real order's wrong codes: the fifth within 15 minutes "locks" the ref
// with the very answer a locked order gives, so the kiosk cannot be used to
// tell which refs exist. In memory (a restart forgets them), at most 10,000.
class UnknownRefs {
 public:
  bool Locked(const std::string& ref) {
    std::lock_guard<std::mutex> lock(mu_);
    return locked_.count(ref) > 0;
  }
  // Records a wrong try; true when it locks the ref.
  bool Fail(const std::string& ref) {
    if (tries_.Allow(ref, kPickupMaxWrongCodes - 1)) return false;
    std::lock_guard<std::mutex> lock(mu_);
    if (locked_.size() < 10000) locked_.insert(ref);
    return true;
  }

 private:
  RateLimiter tries_{kPickupLockWindow};
  std::mutex mu_;
  std::set<std::string> locked_;
};

kiosk::Response TooMany(const std::string& what) {
  kiosk::Response r = kiosk::Response::Error(429, "rate_limited", what + ": too many tries; wait a minute");
  r.headers.emplace_back("Retry-After", "60");
  return r;
}

// The kiosk's way in: the order ref and code typed, or the QR from the
// email (SE1:ORD:<ref>:<code>).
struct KioskCredentials {
  std::string order_ref;
  std::string pickup_code;
};

Result<KioskCredentials> ReadKioskCredentials(const json& body) {
  KioskCredentials c;
  auto qr = OptStringField(body, "qr");
  if (!qr.ok()) return qr.status();
  if (*qr) {
    auto scan = core::ParseScan(**qr);
    if (!scan.ok() || scan->kind != core::Scan::Kind::kOrder) {
      return Status::InvalidArgument("field 'qr': this is not the pickup QR code from your email");
    }
    c.order_ref = scan->order_ref;
    c.pickup_code = scan->pickup_code;
    return c;
  }
  auto ref = StringField(body, "order_ref");
  if (!ref.ok()) return ref.status();
  auto code = StringField(body, "pickup_code");
  if (!code.ok()) return code.status();
  if (ref->empty() || ref->size() > 64)
    return Status::InvalidArgument("field 'order_ref': 1 to 64 characters");
  c.order_ref = *ref;
  c.pickup_code = *code;
  return c;
}

}  // namespace

void AddPickupRoutes(kiosk::Router& router, AuthService& auth, OrderService& orders, OrderRouteHooks hooks) {
  auto changed = [hooks = std::move(hooks)] {
    if (hooks.changed) hooks.changed();
    if (hooks.arrivals_changed) hooks.arrivals_changed();
  };
  auto now_ms = [&orders] { return core::ToUnixMillis(orders.clock().Now()); };

  // ---- bagging and staging ----

  router.Add("GET", "/api/v1/orders/{order_id}/bags", [&auth, &orders](const kiosk::Request& req) {
    auto who = Authorize(auth, req, core::Role::kAssociate);
    if (!who.ok()) return ErrorResponse(who.status());
    auto bags = orders.BagsOf(req.params.at("order_id"));
    if (!bags.ok()) return ErrorResponse(bags.status());
    json out = json::array();
    for (const auto& b : *bags) out.push_back(BagJson(b));
    return JsonResponse({{"bags", out}});
  });
  router.Add("POST", "/api/v1/orders/{order_id}/bags", [&auth, &orders, changed](const kiosk::Request& req) {
    auto who = Authorize(auth, req, core::Role::kAssociate);
    if (!who.ok()) return ErrorResponse(who.status());
    auto body = JsonBody(req);
    if (!body.ok()) return ErrorResponse(body.status());
    auto count = IntField(*body, "count");
    if (!count.ok()) return ErrorResponse(count.status());
    auto station = StringField(*body, "station");
    if (!station.ok()) return ErrorResponse(station.status());
    if (*count < 1 || *count > 99)
      return ErrorResponse(Status::InvalidArgument("field 'count': 1 to 99 bags"));
    auto bags = orders.CreateBags(req.params.at("order_id"), static_cast<int>(*count), *station, *who);
    if (!bags.ok()) return ErrorResponse(bags.status());
    changed();
    json out = json::array();
    for (const auto& b : *bags) out.push_back(BagJson(b));
    return JsonResponse({{"bags", out}}, 201);
  });
  router.Add("POST", "/api/v1/orders/{order_id}/bags/print", [&auth, &orders](const kiosk::Request& req) {
    auto who = Authorize(auth, req, core::Role::kAssociate);
    if (!who.ok()) return ErrorResponse(who.status());
    auto body = JsonBody(req);
    if (!body.ok()) return ErrorResponse(body.status());
    auto station = StringField(*body, "station");
    if (!station.ok()) return ErrorResponse(station.status());
    if (Status s = orders.PrintBagLabels(req.params.at("order_id"), *station, *who); !s.ok()) {
      return ErrorResponse(s);
    }
    return JsonResponse({{"printed", true}});
  });
  router.Add("POST", "/api/v1/bags/stage", [&auth, &orders, changed](const kiosk::Request& req) {
    auto who = Authorize(auth, req, core::Role::kAssociate);
    if (!who.ok()) return ErrorResponse(who.status());
    auto body = JsonBody(req);
    if (!body.ok()) return ErrorResponse(body.status());
    auto bag = StringField(*body, "bag");
    if (!bag.ok()) return ErrorResponse(bag.status());
    auto location = StringField(*body, "location");
    if (!location.ok()) return ErrorResponse(location.status());
    auto v = orders.StageBag(*bag, *location, *who);
    if (!v.ok()) return ErrorResponse(v.status());
    changed();
    auto order = orders.GetOrder(v->bag.order_id);
    return JsonResponse({{"bag", BagJson(*v)},
                         {"order_state", order.ok() ? core::OrderStateName(order->order.state) : "unknown"}});
  });

  // ---- the counter ----

  router.Add("GET", "/api/v1/pickup/orders", [&auth, &orders](const kiosk::Request& req) {
    auto who = Authorize(auth, req, core::Role::kAssociate);
    if (!who.ok()) return ErrorResponse(who.status());
    auto q = req.query.find("q");
    auto found = orders.FindPickupOrders(q == req.query.end() ? "" : q->second);
    if (!found.ok()) return ErrorResponse(found.status());
    json out = json::array();
    for (const auto& o : *found) out.push_back(PickupOrderJson(orders, o));
    return JsonResponse({{"orders", out}});
  });
  router.Add("GET", "/api/v1/arrivals", [&auth, &orders, now_ms](const kiosk::Request& req) {
    auto who = Authorize(auth, req, core::Role::kAssociate);
    if (!who.ok()) return ErrorResponse(who.status());
    auto waiting = orders.WaitingArrivals();
    if (!waiting.ok()) return ErrorResponse(waiting.status());
    json out = json::array();
    const int64_t now = now_ms();
    for (const auto& a : *waiting) {
      json j = ArrivalJson(a, now);
      if (auto o = orders.GetOrder(a.order_id); o.ok()) {
        j["order_ref"] = o->order.order_ref;
        j["first_name"] = FirstName(o->order);
        j["ready"] = o->order.state == core::OrderState::kReady;
        j["staging_location"] = Text(o->order.staging_location);
      }
      out.push_back(std::move(j));
    }
    return JsonResponse({{"arrivals", out}});
  });
  router.Add("POST", "/api/v1/arrivals", [&auth, &orders, changed](const kiosk::Request& req) {
    auto who = Authorize(auth, req, core::Role::kAssociate);
    if (!who.ok()) return ErrorResponse(who.status());
    auto body = JsonBody(req);
    if (!body.ok()) return ErrorResponse(body.status());
    ArrivalCommand c;
    auto id = StringField(*body, "order_id");
    if (!id.ok()) return ErrorResponse(id.status());
    c.order_id = *id;
    c.source = "associate";
    auto bay = OptStringField(*body, "bay");
    if (!bay.ok()) return ErrorResponse(bay.status());
    c.bay = *bay;
    auto vehicle = OptStringField(*body, "vehicle");
    if (!vehicle.ok()) return ErrorResponse(vehicle.status());
    c.vehicle = *vehicle;
    auto r = orders.Arrive(c, *who);
    if (!r.ok()) return ErrorResponse(r.status());
    changed();
    return JsonResponse({{"arrival_id", r->arrival_id},
                         {"task_id", r->task_id},
                         {"ready", r->ready},
                         {"repeated", r->repeated}},
                        r->repeated ? 200 : 201);
  });
  router.Add(
      "POST", "/api/v1/orders/{order_id}/pickup-code/check", [&auth, &orders](const kiosk::Request& req) {
        auto who = Authorize(auth, req, core::Role::kAssociate);
        if (!who.ok()) return ErrorResponse(who.status());
        auto body = JsonBody(req);
        if (!body.ok()) return ErrorResponse(body.status());
        auto code = StringField(*body, "pickup_code");
        if (!code.ok()) return ErrorResponse(code.status());
        auto r = orders.CheckPickupCode(req.params.at("order_id"), *code, "associate", *who);
        if (!r.ok()) return ErrorResponse(r.status());
        return JsonResponse({{"ok", r->ok}, {"locked", r->locked}, {"attempts_left", r->attempts_left}});
      });
  router.Add("POST", "/api/v1/orders/{order_id}/pickup-code/unlock",
             [&auth, &orders, changed](const kiosk::Request& req) {
               auto who = Authorize(auth, req, core::Role::kSupervisor);
               if (!who.ok()) return ErrorResponse(who.status());
               if (Status s = orders.OverridePickupLock(req.params.at("order_id"), *who); !s.ok()) {
                 return ErrorResponse(s);
               }
               changed();
               return JsonResponse({{"locked", false}});
             });
  router.Add("POST", "/api/v1/orders/{order_id}/bags/check", [&auth, &orders](const kiosk::Request& req) {
    auto who = Authorize(auth, req, core::Role::kAssociate);
    if (!who.ok()) return ErrorResponse(who.status());
    auto body = JsonBody(req);
    if (!body.ok()) return ErrorResponse(body.status());
    auto bag = StringField(*body, "bag");
    if (!bag.ok()) return ErrorResponse(bag.status());
    auto v = orders.CheckBag(req.params.at("order_id"), *bag);
    if (!v.ok()) return ErrorResponse(v.status());
    return JsonResponse({{"bag", BagJson(*v)}});
  });
  router.Add(
      "POST", "/api/v1/orders/{order_id}/handover", [&auth, &orders, changed](const kiosk::Request& req) {
        auto who = Authorize(auth, req, core::Role::kAssociate);
        if (!who.ok()) return ErrorResponse(who.status());
        auto body = JsonBody(req);
        if (!body.ok()) return ErrorResponse(body.status());
        HandoverCommand c;
        c.order_id = req.params.at("order_id");
        for (auto [name, field] :
             {std::pair{"pickup_code", &c.pickup_code}, std::pair{"id_check", &c.id_check},
              std::pair{"collector", &c.collector}}) {
          auto v = OptStringField(*body, name);
          if (!v.ok()) return ErrorResponse(v.status());
          *field = *v;
        }
        auto scans = body->find("bag_scans");
        if (scans == body->end() || !scans->is_array()) {
          return ErrorResponse(
              Status::InvalidArgument("field 'bag_scans': scan every bag of the order (an array)"));
        }
        for (size_t i = 0; i < scans->size(); ++i) {
          if (!(*scans)[i].is_string()) {
            return ErrorResponse(
                Status::InvalidArgument("field 'bag_scans[" + std::to_string(i) + "]': a string"));
          }
          c.bag_scans.push_back((*scans)[i].get<std::string>());
        }
        if (auto refused = body->find("refused"); refused != body->end() && !refused->is_null()) {
          if (!refused->is_array())
            return ErrorResponse(Status::InvalidArgument("field 'refused': an array"));
          for (size_t i = 0; i < refused->size(); ++i) {
            const json& r = (*refused)[i];
            const std::string p = "refused[" + std::to_string(i) + "]";
            if (!r.is_object()) return ErrorResponse(Status::InvalidArgument("field '" + p + "': an object"));
            auto line = StringField(r, "line_id");
            if (!line.ok()) return ErrorResponse(line.status().WithContext(p));
            auto qty = IntField(r, "qty");
            if (!qty.ok()) return ErrorResponse(qty.status().WithContext(p));
            c.refused.push_back({*line, *qty, ""});
          }
        }
        auto r = orders.HandOver(c, *who);
        if (!r.ok()) return ErrorResponse(r.status());
        changed();
        json taken = json::array(), back = json::array();
        for (const auto& l : r->picked_up) taken.push_back({{"line_id", l.line_id}, {"qty", l.qty}});
        for (const auto& l : r->refused) back.push_back({{"line_id", l.line_id}, {"qty", l.qty}});
        return JsonResponse({{"order_id", r->order_id},
                             {"picked_up", taken},
                             {"refused", back},
                             {"restock_task", r->restock_task ? json(*r->restock_task) : json(nullptr)}});
      });

  // ---- the curbside kiosk ----

  // The limits are read on each call: a reload of [policy] applies at once.
  auto per_kiosk = std::make_shared<RateLimiter>(std::chrono::minutes(1));
  auto per_ref = std::make_shared<RateLimiter>(std::chrono::minutes(1));
  auto unknown_refs = std::make_shared<UnknownRefs>();
  // Finds the order a customer named and checks their code; the response
  // to a wrong ref and a wrong code is the same, and so is the lock after
  // the fifth, so the kiosk cannot be used to learn which refs exist.
  auto verify = [&orders, per_kiosk, per_ref, unknown_refs](
                    const core::Actor& kiosk_actor, const KioskCredentials& c,
                    kiosk::Response* refused) -> std::optional<store::OrderRecord> {
    if (!per_kiosk->Allow(kiosk_actor.id, orders.kiosk_lookups_per_kiosk_per_min()) ||
        !per_ref->Allow(c.order_ref, orders.kiosk_lookups_per_ref_per_min())) {
      *refused = TooMany("pickup lookup");
      return std::nullopt;
    }
    const Status unknown = Status::NotFound("no order ready for pickup matches this order number and code");
    const Status locked =
        Status::PermissionDenied("too many wrong codes for this order: please ask at the counter");
    if (unknown_refs->Locked(c.order_ref)) {
      *refused = ErrorResponse(locked);
      return std::nullopt;
    }
    auto not_found = [&] {
      *refused = ErrorResponse(unknown_refs->Fail(c.order_ref) ? locked : unknown);
      return std::nullopt;
    };
    auto match = orders.PickupOrderNamed(c.order_ref);
    if (!match.ok() || !*match) return not_found();
    auto check = orders.CheckPickupCode(**match, c.pickup_code, "kiosk", kiosk_actor);
    if (!check.ok()) {
      *refused = check.status().code() == core::StatusCode::kPermissionDenied ? ErrorResponse(locked)
                                                                              : ErrorResponse(check.status());
      return std::nullopt;
    }
    if (!check->ok) {
      *refused = ErrorResponse(check->locked ? locked : unknown);
      return std::nullopt;
    }
    return std::move(*match);
  };
  router.Add("GET", "/api/v1/kiosk/bays", [&auth, &orders](const kiosk::Request& req) {
    auto who = Authorize(auth, req, core::Role::kKiosk);
    if (!who.ok()) return ErrorResponse(who.status());
    json bays = json::array();
    for (int i = 1; i <= orders.curbside_bays(); ++i) bays.push_back(std::to_string(i));
    return JsonResponse({{"bays", bays}});
  });
  router.Add("POST", "/api/v1/kiosk/lookup", [&auth, verify](const kiosk::Request& req) {
    auto who = Authorize(auth, req, core::Role::kKiosk);
    if (!who.ok()) return ErrorResponse(who.status());
    auto body = JsonBody(req);
    if (!body.ok()) return ErrorResponse(body.status());
    auto creds = ReadKioskCredentials(*body);
    if (!creds.ok()) return ErrorResponse(creds.status());
    kiosk::Response refused;
    auto order = verify(*who, *creds, &refused);
    if (!order) return refused;
    // Written out directly (the kiosk's busiest answer), keys in the order
    // a json object would put them.
    std::string out = "{\"first_name\":" + json(FirstName(*order)).dump();
    out += ",\"kind\":\"";
    out += core::OrderKindName(order->kind);
    out += "\",\"order_ref\":" + json(order->order_ref).dump();
    out += order->state == core::OrderState::kReady ? ",\"ready\":true}" : ",\"ready\":false}";
    return kiosk::Response::Json(200, std::move(out));
  });
  router.Add("POST", "/api/v1/kiosk/checkin", [&auth, &orders, verify, changed](const kiosk::Request& req) {
    auto who = Authorize(auth, req, core::Role::kKiosk);
    if (!who.ok()) return ErrorResponse(who.status());
    auto body = JsonBody(req);
    if (!body.ok()) return ErrorResponse(body.status());
    auto creds = ReadKioskCredentials(*body);
    if (!creds.ok()) return ErrorResponse(creds.status());
    auto bay = OptStringField(*body, "bay");  // none: at the counter
    if (!bay.ok()) return ErrorResponse(bay.status());
    auto vehicle = OptStringField(*body, "vehicle");
    if (!vehicle.ok()) return ErrorResponse(vehicle.status());
    kiosk::Response refused;
    auto order = verify(*who, *creds, &refused);
    if (!order) return refused;
    auto r = orders.Arrive({order->order_id, "kiosk", *bay, *vehicle}, *who);
    if (!r.ok()) return ErrorResponse(r.status());
    changed();
    auto w = orders.EstimateWait(r->arrival_id);
    if (!w.ok()) return ErrorResponse(w.status());
    return JsonResponse(WaitJson(*w), r->repeated ? 200 : 201);
  });
  router.Add("GET", "/api/v1/kiosk/arrivals/{arrival_id}", [&auth, &orders](const kiosk::Request& req) {
    auto who = Authorize(auth, req, core::Role::kKiosk);
    if (!who.ok()) return ErrorResponse(who.status());
    auto id = IdParam(req, "arrival_id");
    if (!id.ok()) return ErrorResponse(id.status());
    auto w = orders.EstimateWait(*id);
    if (!w.ok()) return ErrorResponse(w.status());
    return JsonResponse(WaitJson(*w));
  });
}

}  // namespace edge::app
