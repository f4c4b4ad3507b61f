// OrderService, store work II: pickup orders (bopis, curbside) after picking:
// bags and their staging, customer arrivals, the handover with its pickup-code
// checks, and expiry of uncollected orders.
#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "edge/app/order_service.h"
#include "edge/app/pickup_code.h"
#include "edge/core/barcode.h"
#include "edge/core/ids.h"
#include "edge/log/log.h"
#include "order_internal.h"

namespace edge::app {

using core::Result;
using core::Status;
using json = nlohmann::json;
using namespace order_internal;

core::Status LabelPrinter::QueueBagLabel(const std::string& station, const std::string& bag_id,
                                         const core::BagLabel& label) {
  auto zpl = core::BagLabelZpl(label);
  if (!zpl.ok()) return zpl.status();
  return QueuePrint(station, "bag_label", bag_id, "zpl", *zpl);
}

std::string CustomerText(const store::OrderRecord& o, const char* key) {
  auto j = json::parse(o.customer_json, nullptr, false);
  if (!j.is_object() || !j.contains(key) || !j[key].is_string()) return "";
  return j[key].get<std::string>();
}

namespace {

const char* const kArrived = "order.customer_arrived";

// What the bag label and the scan name an order by: its ref, or its id when
// the OMS sent no ref.
std::string BagRef(const store::OrderRecord& o) { return o.order_ref.empty() ? o.order_id : o.order_ref; }

std::string OrderName(const store::OrderRecord& o) { return "order " + Shown(BagRef(o)); }

// "RUIZ A": the last name and first initial in upper-case ASCII, as printed
// on a bag (no more of the customer than the counter needs).
std::string ShortName(const store::OrderRecord& o) {
  auto ascii_upper = [](const std::string& s) {
    std::string out;
    for (char c : s) {
      const auto u = static_cast<unsigned char>(c);
      if (std::isalnum(u) || c == '-' || c == ' ') out.push_back(static_cast<char>(std::toupper(u)));
    }
    return out;
  };
  std::string last = ascii_upper(CustomerText(o, "last_name")).substr(0, 20);
  const std::string first = ascii_upper(CustomerText(o, "first_name"));
  if (!first.empty()) last += (last.empty() ? "" : " ") + first.substr(0, 1);
  return last;
}

// A bag scan: SE1:BAG:<ref>:<n>/<m>. InvalidArgument naming what it is else.
Result<core::Scan> BagScan(const std::string& text) {
  auto scan = core::ParseScan(text);
  if (!scan.ok()) return scan.status().WithContext("bag");
  if (scan->kind != core::Scan::Kind::kBag) {
    return Bad("bag", "expected a bag label (SE1:BAG:…), got " + std::string(core::ScanKindName(scan->kind)));
  }
  return scan;
}

bool IsCollectable(core::OrderState s) {
  return s == core::OrderState::kAccepted || s == core::OrderState::kPicking ||
         s == core::OrderState::kPicked || s == core::OrderState::kReady;
}

// An order a customer can come and collect: a pickup kind, not yet closed.
bool IsOpenPickup(const store::OrderRecord& o) {
  return core::IsPickupKind(o.kind) && IsCollectable(o.state);
}

}  // namespace

void OrderService::SetPickupPolicy(int hold_days, core::Duration escalate_after,
                                   core::Duration reminder_before, int curbside_bays) {
  options_.pickup_hold_days = hold_days;
  options_.escalate_after = escalate_after;
  options_.reminder_before = reminder_before;
  options_.curbside_bays = curbside_bays;
}

// ---- staging ----

Result<std::vector<BagView>> OrderService::BagsOf(const std::string& order_id) {
  ORD_ASSIGN_OR_RETURN(auto order, repo_.FindOrder(order_id));
  if (!order) return Status::NotFound("order " + Shown(order_id) + " is unknown to this store");
  ORD_ASSIGN_OR_RETURN(auto bags, pickup_.BagsOf(order_id));
  std::vector<BagView> out;
  for (auto& b : bags) {
    BagView v;
    v.of = static_cast<int64_t>(bags.size());
    v.order_ref = BagRef(*order);
    auto code = core::BagCode(v.order_ref, static_cast<int>(b.seq), static_cast<int>(v.of));
    v.label_code = code.ok() ? *code : "";
    v.bag = std::move(b);
    out.push_back(std::move(v));
  }
  return out;
}

Result<std::vector<BagView>> OrderService::CreateBags(const std::string& order_id, int count,
                                                      const std::string& station, const core::Actor& by) {
  const std::string what = "bag order " + Shown(order_id);
  EDGE_RETURN_IF_ERROR(CheckRole(by, core::Role::kAssociate, what));
  if (count < 1 || count > 99) return Bad("count", "must be 1 to 99 bags, got " + std::to_string(count));
  if (Status s = core::ValidateStoreId(station); !s.ok()) return Bad("station", s.message());
  if (!options_.stations.empty() &&
      std::find(options_.stations.begin(), options_.stations.end(), station) == options_.stations.end()) {
    return Bad("station", Shown(station) + " is not a configured station");
  }
  ORD_ASSIGN_OR_RETURN(auto txn, store::Transaction::Begin(store_.db()));
  ORD_ASSIGN_OR_RETURN(auto order, repo_.FindOrder(order_id));
  if (!order) return Status::NotFound("order " + Shown(order_id) + " is unknown to this store");
  if (!core::IsPickupKind(order->kind)) {
    return Status::FailedPrecondition(what + ": a " + core::OrderKindName(order->kind) +
                                      " order is packed, not bagged");
  }
  if (order->state != core::OrderState::kPicked) {
    return Status::FailedPrecondition(what + ": it is " + core::OrderStateName(order->state) +
                                      "; bags are made once it is picked");
  }
  if (auto check = core::BagCode(BagRef(*order), count, count); !check.ok()) {
    return Status::FailedPrecondition(
        what + ": its ref cannot be printed on a bag label: " + check.status().message());
  }
  ORD_ASSIGN_OR_RETURN(auto old, pickup_.BagsOf(order_id));
  for (const auto& b : old) {
    if (b.state == store::BagState::kStaged) {
      return Status::FailedPrecondition(what + ": bag " + std::to_string(b.seq) + " is already staged at " +
                                        b.location.value_or("?") + "; stage the rest of these bags instead");
    }
  }
  // The stage task is the bagger's.
  ORD_ASSIGN_OR_RETURN(auto tasks, repo_.TasksOfOrder(order_id));
  for (auto& t : tasks) {
    if (t.kind == core::TaskKind::kStage && core::IsActiveTaskState(t.state)) {
      EDGE_RETURN_IF_ERROR(BeginWork(*txn, t, by));
    }
  }
  EDGE_RETURN_IF_ERROR(pickup_.DeleteBagsOf(*txn, order_id));
  const int64_t now = NowMs();
  for (int n = 1; n <= count; ++n) {
    ORD_ASSIGN_OR_RETURN(int64_t number, pickup_.TakeBagNumber(*txn));
    store::BagRecord b;
    b.bag_id = options_.store_id + "-B" + std::to_string(number);
    b.order_id = order_id;
    b.seq = n;
    b.created_ms = now;
    EDGE_RETURN_IF_ERROR(pickup_.InsertBag(*txn, b));
  }
  EDGE_RETURN_IF_ERROR(auth_.Audit(*txn, by, "order.bag", order_id, std::to_string(count) + " bags"));
  EDGE_RETURN_IF_ERROR(txn->Commit());
  Status printed = PrintBagLabels(order_id, station, by);
  if (!printed.ok()) {
    log::Warn("bag.labels_not_printed")
        .Kv("order_id", order_id)
        .Kv("station", station)
        .Kv("error", printed.message());
  }
  return BagsOf(order_id);
}

Status OrderService::PrintBagLabels(const std::string& order_id, const std::string& station,
                                    const core::Actor& by) {
  EDGE_RETURN_IF_ERROR(CheckRole(by, core::Role::kAssociate, "print bag labels"));
  ORD_ASSIGN_OR_RETURN(auto order, repo_.FindOrder(order_id));
  if (!order) return Status::NotFound("order " + Shown(order_id) + " is unknown to this store");
  ORD_ASSIGN_OR_RETURN(auto bags, BagsOf(order_id));
  if (bags.empty()) return Status::FailedPrecondition(OrderName(*order) + " has no bags yet");
  std::string note;
  if (order->hold_until_ms) {
    note = "Hold until " + core::FormatRfc3339(core::FromUnixMillis(*order->hold_until_ms)).substr(0, 10);
  }
  for (const auto& v : bags) {
    core::BagLabel label;
    label.order_ref = v.order_ref;
    label.short_name = ShortName(*order);
    label.bag_n = static_cast<int>(v.bag.seq);
    label.bag_m = static_cast<int>(v.of);
    label.note = note;
    EDGE_RETURN_IF_ERROR(printer_.QueueBagLabel(station, v.bag.bag_id, label));
  }
  return Status::Ok();
}

Result<BagView> OrderService::StageBag(const std::string& bag_scan, const std::string& location,
                                       const core::Actor& by) {
  EDGE_RETURN_IF_ERROR(CheckRole(by, core::Role::kAssociate, "stage bag"));
  ORD_ASSIGN_OR_RETURN(core::Scan scan, BagScan(bag_scan));
  ORD_ASSIGN_OR_RETURN(std::string where, LocationOf(location, "location"));
  ORD_ASSIGN_OR_RETURN(auto txn, store::Transaction::Begin(store_.db()));
  ORD_ASSIGN_OR_RETURN(auto candidates, repo_.OrdersByRef(scan.order_ref));
  if (candidates.empty()) {
    auto by_id = repo_.FindOrder(scan.order_ref);
    if (by_id.ok() && *by_id) candidates.push_back(**by_id);
  }
  std::optional<store::OrderRecord> order;
  std::vector<store::BagRecord> bags;
  for (auto& c : candidates) {
    ORD_ASSIGN_OR_RETURN(auto b, pickup_.BagsOf(c.order_id));
    if (!b.empty() && (c.state == core::OrderState::kPicked || c.state == core::OrderState::kReady)) {
      order = c;
      bags = std::move(b);
    }
  }
  if (!order) {
    return Status::NotFound("bag " + bag_scan + ": no order " + Shown(scan.order_ref) +
                            " with bags waiting to be staged");
  }
  const std::string what = "stage bag " + std::to_string(scan.bag_n) + "/" + std::to_string(scan.bag_m) +
                           " of " + OrderName(*order);
  if (static_cast<size_t>(scan.bag_m) != bags.size()) {
    return Bad("bag", what + ": the order has " + std::to_string(bags.size()) +
                          " bags; this label is from an earlier bagging, print the labels again");
  }
  store::BagRecord& bag = bags[static_cast<size_t>(scan.bag_n) - 1];
  if (bag.state != store::BagState::kOpen && bag.state != store::BagState::kStaged) {
    return Status::FailedPrecondition(what + ": it is " + store::BagStateName(bag.state));
  }
  const int64_t now = NowMs();
  bag.state = store::BagState::kStaged;
  bag.location = where;
  bag.staged_ms = now;
  bag.staged_by = by.id;
  EDGE_RETURN_IF_ERROR(pickup_.UpdateBag(*txn, bag));
  EDGE_RETURN_IF_ERROR(auth_.Audit(*txn, by, "bag.stage", bag.bag_id, where));

  bool all = true;
  std::vector<std::string> places;
  for (const auto& b : bags) {
    all &= b.state == store::BagState::kStaged;
    if (b.location && std::find(places.begin(), places.end(), *b.location) == places.end()) {
      places.push_back(*b.location);
    }
  }
  if (all && order->state == core::OrderState::kPicked) {
    json event = {{"order_id", order->order_id}, {"bags", bags.size()}, {"location", places.front()}};
    if (places.size() > 1) event["locations"] = places;
    ORD_ASSIGN_OR_RETURN(int64_t seq, Emit(*txn, "order.ready_for_pickup", event));
    (void)seq;
    order->staging_location = places.front();
    EDGE_RETURN_IF_ERROR(MoveOrder(*txn, *order, core::OrderState::kReady));
    ORD_ASSIGN_OR_RETURN(auto tasks, repo_.TasksOfOrder(order->order_id));
    for (auto& t : tasks) {
      if (t.kind == core::TaskKind::kStage && core::IsActiveTaskState(t.state)) {
        t.state = core::TaskState::kDone;
        if (!t.assignee) t.assignee = by.id;
        t.updated_ms = now;
        EDGE_RETURN_IF_ERROR(repo_.UpdateTask(*txn, t));
      }
    }
  } else if (order->state == core::OrderState::kReady) {
    // Moved after the order was ready: where the counter looks first.
    order->staging_location = places.front();
    order->updated_ms = now;
    EDGE_RETURN_IF_ERROR(repo_.UpdateOrder(*txn, *order));
  }
  EDGE_RETURN_IF_ERROR(txn->Commit());
  BagView v;
  v.bag = bag;
  v.of = static_cast<int64_t>(bags.size());
  v.order_ref = BagRef(*order);
  auto code = core::BagCode(v.order_ref, static_cast<int>(bag.seq), static_cast<int>(v.of));
  v.label_code = code.ok() ? *code : "";
  return v;
}

// ---- arrivals ----

Result<ArrivalResult> OrderService::ArriveIn(store::Transaction& txn, store::OrderRecord& order,
                                             const ArrivalCommand& c) {
  ArrivalResult r;
  r.ready = order.state == core::OrderState::kReady;
  ORD_ASSIGN_OR_RETURN(auto waiting, pickup_.WaitingArrivalOf(order.order_id));
  if (waiting) {
    // Said twice (kiosk, then the app): one wait, the latest bay.
    if (c.bay) waiting->bay = c.bay;
    if (c.vehicle) waiting->vehicle = c.vehicle;
    EDGE_RETURN_IF_ERROR(pickup_.UpdateArrival(txn, *waiting));
    r.arrival_id = waiting->id;
    r.task_id = waiting->task_id.value_or(0);
    r.repeated = true;
    return r;
  }
  const int64_t now = NowMs();
  store::TaskRecord t;
  t.kind = core::TaskKind::kHandover;
  t.state = core::TaskState::kOpen;
  t.order_id = order.order_id;
  t.created_by = c.source;
  t.created_ms = t.updated_ms = now;
  t.urgent = true;
  ORD_ASSIGN_OR_RETURN(r.task_id, repo_.InsertTask(txn, t));
  store::ArrivalRecord a;
  a.order_id = order.order_id;
  a.source = c.source;
  a.bay = c.bay;
  a.vehicle = c.vehicle;
  a.arrived_ms = now;
  a.task_id = r.task_id;
  ORD_ASSIGN_OR_RETURN(r.arrival_id, pickup_.InsertArrival(txn, a));
  if (!r.ready && !order.escalated) {
    order.escalated = true;  // jumps the pick queue
    order.updated_ms = now;
    EDGE_RETURN_IF_ERROR(repo_.UpdateOrder(txn, order));
  }
  return r;
}

namespace {

Status CheckArrivalFields(const ArrivalCommand& c) {
  if (c.source.empty() || c.source.size() > 32) return Bad("source", "must be 1 to 32 characters");
  if (c.bay && (c.bay->empty() || c.bay->size() > 16)) return Bad("bay", "must be 1 to 16 characters");
  if (c.vehicle && c.vehicle->size() > 100) return Bad("vehicle", "must be at most 100 characters");
  return Status::Ok();
}

}  // namespace

Result<ArrivalResult> OrderService::ApplyCustomerArrived(const json& data,
                                                         const std::optional<InboundRef>& inbound) {
  auto bad = [](const Status& s) { return s.WithContext(kArrived); };
  if (Status s = RequireObject(data, "data"); !s.ok()) return bad(s);
  ArrivalCommand c;
  auto id = ReqString(data, "", "order_id", kMaxOrderId);
  if (!id.ok()) return bad(id.status());
  c.order_id = *id;
  auto source = OptString(data, "", "source", 32);
  if (!source.ok()) return bad(source.status());
  c.source = source->value_or("oms");
  auto bay = OptString(data, "", "bay", 16);
  if (!bay.ok()) return bad(bay.status());
  c.bay = *bay;
  auto vehicle = OptString(data, "", "vehicle", 100);
  if (!vehicle.ok()) return bad(vehicle.status());
  c.vehicle = *vehicle;
  if (Status s = CheckArrivalFields(c); !s.ok()) return bad(s);
  ORD_ASSIGN_OR_RETURN(bool dup, IsDuplicate(inbound));
  if (dup) {
    ArrivalResult r;
    r.repeated = true;
    return r;
  }
  ORD_ASSIGN_OR_RETURN(auto txn, store::Transaction::Begin(store_.db()));
  ORD_ASSIGN_OR_RETURN(auto order, repo_.FindOrder(c.order_id));
  if (!order) {
    return Status::NotFound(std::string(kArrived) + ": order_id: " + Shown(c.order_id) +
                            " was never routed here");
  }
  if (!core::IsPickupKind(order->kind)) {
    return bad(Bad("order_id", Shown(c.order_id) + " is a " + core::OrderKindName(order->kind) +
                                   " order: nobody collects it"));
  }
  ArrivalResult r;
  if (IsCollectable(order->state)) {
    ORD_ASSIGN_OR_RETURN(r, ArriveIn(*txn, *order, c));
  } else {
    // Collected, expired or cancelled meanwhile: nothing to hand over; the
    // message is recorded so that it is not applied again.
    log::Warn("order.arrival_ignored")
        .Kv("order_id", c.order_id)
        .Kv("state", core::OrderStateName(order->state));
  }
  EDGE_RETURN_IF_ERROR(RecordInbound(*txn, inbound));
  EDGE_RETURN_IF_ERROR(txn->Commit());
  return r;
}

Result<ArrivalResult> OrderService::Arrive(const ArrivalCommand& command, const core::Actor& by) {
  const std::string what = "arrival for order " + Shown(command.order_id);
  if (by.role != core::Role::kKiosk) EDGE_RETURN_IF_ERROR(CheckRole(by, core::Role::kAssociate, what));
  if (Status s = CheckArrivalFields(command); !s.ok()) return s.WithContext(what);
  ORD_ASSIGN_OR_RETURN(auto txn, store::Transaction::Begin(store_.db()));
  ORD_ASSIGN_OR_RETURN(auto order, repo_.FindOrder(command.order_id));
  if (!order) return Status::NotFound("order " + Shown(command.order_id) + " is unknown to this store");
  if (!core::IsPickupKind(order->kind)) {
    return Status::FailedPrecondition(what + ": it is a " + std::string(core::OrderKindName(order->kind)) +
                                      " order");
  }
  if (!IsCollectable(order->state)) {
    return Status::FailedPrecondition(what + ": it is " + core::OrderStateName(order->state));
  }
  ORD_ASSIGN_OR_RETURN(ArrivalResult r, ArriveIn(*txn, *order, command));
  if (!r.repeated && command.source == "kiosk") {
    json event = {{"order_id", order->order_id}, {"source", "kiosk"}};
    if (command.bay) event["bay"] = *command.bay;
    ORD_ASSIGN_OR_RETURN(int64_t seq, Emit(*txn, kArrived, event));
    (void)seq;
  }
  EDGE_RETURN_IF_ERROR(auth_.Audit(*txn, by, "order.arrival", order->order_id,
                                   command.source + (command.bay ? " bay " + *command.bay : "")));
  EDGE_RETURN_IF_ERROR(txn->Commit());
  return r;
}

Result<std::vector<store::ArrivalRecord>> OrderService::WaitingArrivals() {
  return pickup_.WaitingArrivals();
}

Result<WaitEstimate> OrderService::EstimateWait(int64_t arrival_id) {
  ORD_ASSIGN_OR_RETURN(auto arrival, pickup_.FindArrival(arrival_id));
  if (!arrival) return Status::NotFound("arrival " + std::to_string(arrival_id) + " is unknown");
  ORD_ASSIGN_OR_RETURN(auto order, repo_.FindOrder(arrival->order_id));
  WaitEstimate w;
  w.arrival = *arrival;
  w.ready = order && order->state == core::OrderState::kReady;
  if (order) {
    w.order_ref = BagRef(*order);
    w.first_name = CustomerText(*order, "first_name");
  }
  if (arrival->state != store::ArrivalState::kWaiting) return w;
  ORD_ASSIGN_OR_RETURN(auto waiting, pickup_.WaitingArrivals());
  for (const auto& a : waiting) {
    ++w.position;
    if (a.id == arrival_id) break;
  }
  ORD_ASSIGN_OR_RETURN(auto served, pickup_.RecentlyServed(20));
  std::vector<int64_t> took;
  for (const auto& a : served) {
    if (a.served_ms) took.push_back(std::max<int64_t>(0, *a.served_ms - a.arrived_ms) / 1000);
  }
  int64_t per = 180;
  if (!took.empty()) {
    std::sort(took.begin(), took.end());
    per = std::max<int64_t>(30, took[(took.size() - 1) / 2]);
  }
  const int64_t waited = std::max<int64_t>(0, NowMs() - arrival->arrived_ms) / 1000;
  w.estimated_wait_s = std::max<int64_t>(0, w.position * per - waited) + (w.ready ? 0 : 300);
  return w;
}

Result<std::vector<store::ArrivalRecord>> OrderService::EscalateArrivals() {
  const int64_t now = NowMs();
  const int64_t after =
      std::chrono::duration_cast<std::chrono::milliseconds>(options_.escalate_after).count();
  ORD_ASSIGN_OR_RETURN(auto waiting, pickup_.WaitingArrivals());
  std::vector<store::ArrivalRecord> out;
  ORD_ASSIGN_OR_RETURN(auto txn, store::Transaction::Begin(store_.db()));
  for (auto& a : waiting) {
    if (a.escalated_ms || a.arrived_ms + after > now || !a.task_id) continue;
    ORD_ASSIGN_OR_RETURN(auto task, repo_.FindTask(*a.task_id));
    if (!task || task->state != core::TaskState::kOpen) continue;  // someone has it
    a.escalated_ms = now;
    EDGE_RETURN_IF_ERROR(pickup_.UpdateArrival(*txn, a));
    task->escalated_at_ms = now;
    task->updated_ms = now;
    EDGE_RETURN_IF_ERROR(repo_.UpdateTask(*txn, *task));
    log::Warn("arrival.escalated").Kv("order_id", a.order_id).Kv("waiting_s", (now - a.arrived_ms) / 1000);
    out.push_back(a);
  }
  EDGE_RETURN_IF_ERROR(txn->Commit());
  return out;
}

// ---- pickup codes ----

namespace {

// Why an order's pickup code cannot be checked now, if it cannot.
Status CodeCheckable(const store::OrderRecord* order, const std::string& order_id, const std::string& what) {
  if (!order) return Status::NotFound("order " + Shown(order_id) + " is unknown to this store");
  if (!order->pickup_code_hash) {
    return Status::FailedPrecondition(what +
                                      ": the order has no pickup code; check the customer's ID instead");
  }
  if (order->pickup_locked_at_ms) {
    return Status::PermissionDenied(what + ": locked after " + std::to_string(kPickupMaxWrongCodes) +
                                    " wrong codes; a supervisor must unlock it");
  }
  return Status::Ok();
}

Status CodeCheckable(const std::optional<store::OrderRecord>& order, const std::string& order_id,
                     const std::string& what) {
  return CodeCheckable(order ? &*order : nullptr, order_id, what);
}

}  // namespace

Status OrderService::CheckCodeRequest(const core::Actor& by, const std::string& code,
                                      const std::string& what) {
  if (by.role != core::Role::kKiosk) EDGE_RETURN_IF_ERROR(CheckRole(by, core::Role::kAssociate, what));
  if (code.size() > 32) return Bad("pickup_code", "must be 6 to 8 digits");
  return Status::Ok();
}

Result<CodeCheck> OrderService::CheckPickupCode(const std::string& order_id, const std::string& code,
                                                const std::string& channel, const core::Actor& by) {
  ORD_ASSIGN_OR_RETURN(auto order, repo_.FindOrder(order_id));
  if (order) return CheckPickupCode(*order, code, channel, by);
  const std::string what = "pickup code for order " + Shown(order_id);
  EDGE_RETURN_IF_ERROR(CheckCodeRequest(by, code, what));
  return CodeCheckable(order, order_id, what);
}

Result<CodeCheck> OrderService::CheckPickupCode(const store::OrderRecord& found, const std::string& code,
                                                const std::string& channel, const core::Actor& by) {
  const std::string& order_id = found.order_id;
  const std::string what = "pickup code for order " + Shown(order_id);
  EDGE_RETURN_IF_ERROR(CheckCodeRequest(by, code, what));
  EDGE_RETURN_IF_ERROR(CodeCheckable(&found, order_id, what));
  // Decided before any write: a right code needs none (below).
  CodeCheck out;
  out.ok =
      core::ValidatePickupCode(code).ok() && pickup_codes_.Matches(order_id, code, *found.pickup_code_hash);
  const int64_t now = NowMs();
  const int64_t window = std::chrono::duration_cast<std::chrono::milliseconds>(kPickupLockWindow).count();
  if (out.ok) {
    out.attempts_left = kPickupMaxWrongCodes;
    // A right code is recorded when it ends a run of wrong ones (it starts
    // their count again); otherwise recording it would change no count, and
    // a lookup at the kiosk stays a read that waits for no disk.
    ORD_ASSIGN_OR_RETURN(int64_t wrong, WrongCodesSince(order_id, now - window));
    if (wrong == 0) return out;
  }
  ORD_ASSIGN_OR_RETURN(auto txn, store::Transaction::Begin(store_.db()));
  ORD_ASSIGN_OR_RETURN(auto order, repo_.FindOrder(order_id));
  EDGE_RETURN_IF_ERROR(CodeCheckable(order, order_id, what));
  if (order->pickup_code_hash != found.pickup_code_hash) {
    return Status::Unavailable(what + ": the order's code changed while it was checked; try again");
  }
  EDGE_RETURN_IF_ERROR(pickup_.InsertAttempt(*txn, {order_id, now, out.ok, channel, by.id}));
  if (!out.ok) {
    ORD_ASSIGN_OR_RETURN(int64_t wrong, pickup_.WrongAttemptsSince(order_id, now - window));
    out.attempts_left = static_cast<int>(std::max<int64_t>(0, kPickupMaxWrongCodes - wrong));
    if (out.attempts_left == 0) {
      out.locked = true;
      order->pickup_locked_at_ms = now;
      order->updated_ms = now;
      EDGE_RETURN_IF_ERROR(repo_.UpdateOrder(*txn, *order));
      EDGE_RETURN_IF_ERROR(auth_.Audit(*txn, by, "pickup.locked", order_id, channel));
      log::Warn("pickup.locked").Kv("order_id", order_id).Kv("channel", channel).Kv("by", by.id);
    }
  }
  EDGE_RETURN_IF_ERROR(txn->Commit());
  return out;
}

Status OrderService::OverridePickupLock(const std::string& order_id, const core::Actor& by) {
  const std::string what = "unlock pickup of order " + Shown(order_id);
  EDGE_RETURN_IF_ERROR(CheckRole(by, core::Role::kSupervisor, what));
  ORD_ASSIGN_OR_RETURN(auto txn, store::Transaction::Begin(store_.db()));
  ORD_ASSIGN_OR_RETURN(auto order, repo_.FindOrder(order_id));
  if (!order) return Status::NotFound("order " + Shown(order_id) + " is unknown to this store");
  if (!order->pickup_locked_at_ms) return Status::FailedPrecondition(what + ": it is not locked");
  const int64_t now = NowMs();
  order->pickup_locked_at_ms.reset();
  order->updated_ms = now;
  EDGE_RETURN_IF_ERROR(repo_.UpdateOrder(*txn, *order));
  // An override counts as a success: the count of wrong codes starts again.
  EDGE_RETURN_IF_ERROR(pickup_.InsertAttempt(*txn, {order_id, now, true, "override", by.id}));
  EDGE_RETURN_IF_ERROR(auth_.Audit(*txn, by, "pickup.unlock", order_id, ""));
  return txn->Commit();
}

// ---- finding an order at the counter ----

void OrderService::PickupLookups::Since(const store::ChangeStamp& now) {
  if (now == stamp && by_ref.size() + wrong.size() < 10000) return;
  by_ref.clear();
  wrong.clear();
  stamp = now;
}

Result<const std::vector<store::OrderRecord>*> OrderService::OrdersByRefKept(const std::string& order_ref) {
  ORD_ASSIGN_OR_RETURN(auto stamp, store_.db().Stamp());
  lookups_.Since(stamp);
  auto it = lookups_.by_ref.find(order_ref);
  if (it == lookups_.by_ref.end()) {
    ORD_ASSIGN_OR_RETURN(auto orders, repo_.OrdersByRef(order_ref));
    it = lookups_.by_ref.emplace(order_ref, std::move(orders)).first;
  }
  return &it->second;
}

Result<std::vector<store::OrderRecord>> OrderService::OrdersByRef(const std::string& order_ref) {
  ORD_ASSIGN_OR_RETURN(auto kept, OrdersByRefKept(order_ref));
  return *kept;
}

Result<std::optional<store::OrderRecord>> OrderService::PickupOrderNamed(const std::string& ref) {
  std::optional<store::OrderRecord> out;
  if (ref.empty() || ref.rfind("SE1:", 0) == 0) return out;
  ORD_ASSIGN_OR_RETURN(auto by_ref, OrdersByRefKept(ref));
  const store::OrderRecord* match = nullptr;
  for (const auto& o : *by_ref) {
    if (IsOpenPickup(o)) match = &o;  // sorted by routed
  }
  if (match) return std::optional<store::OrderRecord>(*match);
  ORD_ASSIGN_OR_RETURN(auto by_id, repo_.FindOrder(ref));
  if (by_id && IsOpenPickup(*by_id)) out = std::move(by_id);
  return out;
}

Result<int64_t> OrderService::WrongCodesSince(const std::string& order_id, int64_t since_ms) {
  auto stamp = store_.db().Stamp();
  if (!stamp.ok()) return pickup_.WrongAttemptsSince(order_id, since_ms);
  lookups_.Since(*stamp);
  auto it = lookups_.wrong.find(order_id);
  // A remembered list holds every wrong code after its own since: it
  // answers for a later one (the clock moved on), not an earlier one.
  if (it == lookups_.wrong.end() || since_ms < it->second.since_ms) {
    ORD_ASSIGN_OR_RETURN(auto at, pickup_.WrongAttemptTimesSince(order_id, since_ms));
    it = lookups_.wrong.insert_or_assign(order_id, PickupLookups::Wrong{since_ms, std::move(at)}).first;
  }
  const auto& at = it->second.at_ms;
  return static_cast<int64_t>(at.end() - std::upper_bound(at.begin(), at.end(), since_ms));
}

Result<std::vector<store::OrderRecord>> OrderService::FindPickupOrders(const std::string& query) {
  std::string q = query;
  while (!q.empty() && std::isspace(static_cast<unsigned char>(q.back()))) q.pop_back();
  while (!q.empty() && std::isspace(static_cast<unsigned char>(q.front()))) q.erase(q.begin());
  if (q.empty()) return Bad("q", "type an order ref or a name, or scan the customer's QR code");
  if (q.size() > 128) return Bad("q", "must be at most 128 characters");
  std::vector<store::OrderRecord> out;
  auto keep = [&](std::vector<store::OrderRecord> orders) {
    for (auto& o : orders) {
      if (IsOpenPickup(o)) out.push_back(std::move(o));
    }
  };
  if (q.rfind("SE1:", 0) == 0) {
    auto scan = core::ParseScan(q);
    if (!scan.ok()) return scan.status().WithContext("q");
    if (scan->kind != core::Scan::Kind::kOrder && scan->kind != core::Scan::Kind::kBag) {
      return Bad("q",
                 "expected the customer's order QR code, got " + std::string(core::ScanKindName(scan->kind)));
    }
    ORD_ASSIGN_OR_RETURN(auto by_ref, OrdersByRef(scan->order_ref));
    keep(std::move(by_ref));
    return out;
  }
  ORD_ASSIGN_OR_RETURN(auto by_ref, OrdersByRef(q));
  keep(std::move(by_ref));
  if (out.empty()) {
    ORD_ASSIGN_OR_RETURN(auto by_id, repo_.FindOrder(q));
    if (by_id) keep({*by_id});
  }
  if (out.empty() && q.size() >= 2) {
    ORD_ASSIGN_OR_RETURN(auto by_name, repo_.OpenPickupOrdersByName(q, 20));
    keep(std::move(by_name));
  }
  return out;
}

Result<BagView> OrderService::CheckBag(const std::string& order_id, const std::string& bag_scan) {
  ORD_ASSIGN_OR_RETURN(core::Scan scan, BagScan(bag_scan));
  ORD_ASSIGN_OR_RETURN(auto bags, BagsOf(order_id));
  ORD_ASSIGN_OR_RETURN(auto order, repo_.FindOrder(order_id));
  const std::string label = std::to_string(scan.bag_n) + "/" + std::to_string(scan.bag_m);
  if (scan.order_ref != BagRef(*order)) {
    return Bad("bag", "bag " + label + " belongs to order " + Shown(scan.order_ref) + ", not to " +
                          OrderName(*order) + ": do not hand it over");
  }
  if (static_cast<size_t>(scan.bag_m) != bags.size()) {
    return Bad("bag", "bag " + label + " is from an earlier bagging; " + OrderName(*order) + " has " +
                          std::to_string(bags.size()) + " bags");
  }
  return bags[static_cast<size_t>(scan.bag_n) - 1];
}

// ---- handover ----

Result<HandoverResult> OrderService::HandOver(const HandoverCommand& c, const core::Actor& by) {
  const std::string what = "handover of order " + Shown(c.order_id);
  EDGE_RETURN_IF_ERROR(CheckRole(by, core::Role::kAssociate, what));
  if (c.pickup_code.has_value() == c.id_check.has_value()) {
    return Bad("verification",
               "give either the customer's pickup_code or an id_check (the ID document seen)");
  }
  if (c.id_check && (c.id_check->empty() || c.id_check->size() > 64)) {
    return Bad("id_check", "name the ID document seen, 1 to 64 characters");
  }
  if (c.collector && (c.collector->empty() || c.collector->size() > 100)) {
    return Bad("collector", "the name of the person collecting, 1 to 100 characters");
  }
  // Bags and refusals are checked before a code is tried, so that a mistake
  // in them costs the customer no attempt.
  ORD_ASSIGN_OR_RETURN(auto precheck, repo_.FindOrder(c.order_id));
  if (!precheck) return Status::NotFound("order " + Shown(c.order_id) + " is unknown to this store");
  if (precheck->state != core::OrderState::kReady) {
    return Status::FailedPrecondition(what + ": it is " + core::OrderStateName(precheck->state) +
                                      (precheck->state == core::OrderState::kPicked ||
                                               precheck->state == core::OrderState::kPicking ||
                                               precheck->state == core::OrderState::kAccepted
                                           ? ", not ready: its bags are not staged yet"
                                           : ""));
  }
  if (precheck->pickup_locked_at_ms) {
    return Status::PermissionDenied(what + ": locked after " + std::to_string(kPickupMaxWrongCodes) +
                                    " wrong codes; a supervisor must unlock it");
  }
  ORD_ASSIGN_OR_RETURN(auto bags, pickup_.BagsOf(c.order_id));
  std::set<int64_t> scanned;
  for (size_t i = 0; i < c.bag_scans.size(); ++i) {
    auto v = CheckBag(c.order_id, c.bag_scans[i]);
    if (!v.ok()) return v.status().WithContext("bag_scans[" + std::to_string(i) + "]");
    if (!scanned.insert(v->bag.seq).second) {
      return Bad(
          "bag_scans[" + std::to_string(i) + "]",
          "bag " + std::to_string(v->bag.seq) + "/" + std::to_string(bags.size()) + " is scanned twice");
    }
  }
  for (const auto& b : bags) {
    if (!scanned.count(b.seq)) {
      return Status::FailedPrecondition(what + ": bag " + std::to_string(b.seq) + "/" +
                                        std::to_string(bags.size()) + " (at " + b.location.value_or("?") +
                                        ") is not scanned: every bag goes to the customer");
    }
  }
  ORD_ASSIGN_OR_RETURN(auto lines, repo_.LinesOf(c.order_id));
  std::map<std::string, int64_t> refused;
  for (size_t i = 0; i < c.refused.size(); ++i) {
    const std::string p = "refused[" + std::to_string(i) + "]";
    const auto& r = c.refused[i];
    auto it = std::find_if(lines.begin(), lines.end(), [&](const auto& l) { return l.line_id == r.line_id; });
    if (it == lines.end())
      return Bad(p + ".line_id", Shown(r.line_id) + " is not a line of " + OrderName(*precheck));
    if (r.qty < 1) return Bad(p + ".qty", "must be >= 1, got " + std::to_string(r.qty));
    refused[r.line_id] += r.qty;
    if (refused[r.line_id] > it->picked) {
      return Bad(p + ".qty", "line " + Shown(r.line_id) + " has " + std::to_string(it->picked) +
                                 " units in the bags, " + std::to_string(refused[r.line_id]) + " refused");
    }
  }
  if (c.pickup_code) {
    ORD_ASSIGN_OR_RETURN(CodeCheck check, CheckPickupCode(c.order_id, *c.pickup_code, "associate", by));
    if (!check.ok) {
      return Status::PermissionDenied(what + ": wrong pickup code" +
                                      (check.locked
                                           ? "; the order is now locked until a supervisor unlocks it"
                                           : " (" + std::to_string(check.attempts_left) + " attempts left)"));
    }
  }

  ORD_ASSIGN_OR_RETURN(auto txn, store::Transaction::Begin(store_.db()));
  ORD_ASSIGN_OR_RETURN(auto order, repo_.FindOrder(c.order_id));
  const int64_t now = NowMs();
  HandoverResult result;
  result.order_id = c.order_id;
  json taken = json::array(), back = json::array();
  for (auto& l : lines) {
    if (l.picked == 0) continue;
    const int64_t no = refused.count(l.line_id) ? refused[l.line_id] : 0;
    l.refused = no;
    l.picked_up = l.picked - no;
    taken.push_back({{"line_id", l.line_id}, {"qty", l.picked_up}});
    result.picked_up.push_back({l.line_id, l.picked_up, ""});
    if (no > 0) {
      back.push_back({{"line_id", l.line_id}, {"qty", no}});
      result.refused.push_back({l.line_id, no, ""});
    }
  }
  json event = {{"order_id", c.order_id},
                {"lines", taken},
                {"verified_by", c.pickup_code ? "pickup_code" : "id_check"}};
  if (!back.empty()) event["refused"] = back;
  if (c.collector) event["collector"] = *c.collector;
  // The event first: the goods leaving on-hand are recorded with its seq.
  ORD_ASSIGN_OR_RETURN(int64_t seq, Emit(*txn, "order.picked_up", event));
  ORD_ASSIGN_OR_RETURN(auto pick_lines, repo_.PickLinesOfOrder(c.order_id));
  for (const auto& l : lines) {
    // Units taken leave from the bins they were picked at.
    int64_t left = l.picked_up;
    for (auto& pl : pick_lines) {
      if (left == 0) break;
      if (pl.line_id != l.line_id) continue;
      const int64_t n = std::min(left, pl.picked - pl.shipped - pl.returned);
      if (n <= 0) continue;
      EDGE_RETURN_IF_ERROR(
          inventory_.ConsumeIn(*txn, seq, c.order_id, l.line_id, n,
                               pl.location.empty() ? std::nullopt : std::optional<std::string>(pl.location)));
      pl.shipped += n;
      EDGE_RETURN_IF_ERROR(repo_.UpdatePickLine(*txn, pl));
      left -= n;
    }
    if (left != 0) {
      return Status::Internal(what + ": line " + Shown(l.line_id) +
                              " has fewer picked units than handed over");
    }
    if (l.picked > 0) EDGE_RETURN_IF_ERROR(repo_.UpdateLine(*txn, l));
  }
  if (!refused.empty()) {
    ORD_ASSIGN_OR_RETURN(result.restock_task, RestockPicked(*txn, c.order_id, pick_lines, by.id, &refused));
  }
  for (auto& b : bags) {
    b.state = store::BagState::kHandedOver;
    b.handed_ms = now;
    EDGE_RETURN_IF_ERROR(pickup_.UpdateBag(*txn, b));
  }
  ORD_ASSIGN_OR_RETURN(auto arrival, pickup_.WaitingArrivalOf(c.order_id));
  store::HandoverRecord h;
  h.order_id = c.order_id;
  h.verified_by = c.pickup_code ? "pickup_code" : "id_check";
  h.id_type = c.id_check;
  h.collector = c.collector;
  h.associate = by.id;
  h.at_ms = now;
  if (arrival) {
    h.arrival_id = arrival->id;
    arrival->state = store::ArrivalState::kServed;
    arrival->served_ms = now;
    EDGE_RETURN_IF_ERROR(pickup_.UpdateArrival(*txn, *arrival));
  }
  ORD_ASSIGN_OR_RETURN(auto tasks, repo_.TasksOfOrder(c.order_id));
  for (auto& t : tasks) {
    if (t.kind == core::TaskKind::kHandover && core::IsActiveTaskState(t.state)) {
      if (!t.assignee) t.assignee = by.id;
      t.state = core::TaskState::kDone;
      t.updated_ms = now;
      EDGE_RETURN_IF_ERROR(repo_.UpdateTask(*txn, t));
    }
  }
  EDGE_RETURN_IF_ERROR(pickup_.InsertHandover(*txn, h));
  EDGE_RETURN_IF_ERROR(auth_.Audit(*txn, by, "order.handover", c.order_id,
                                   h.verified_by + (c.collector ? " collector " + *c.collector : "")));
  EDGE_RETURN_IF_ERROR(MoveOrder(*txn, *order, core::OrderState::kPickedUp));
  EDGE_RETURN_IF_ERROR(txn->Commit());
  log::Info("order.picked_up")
      .Kv("order_id", c.order_id)
      .Kv("by", by.id)
      .Kv("refused_lines", result.refused.size());
  return result;
}

// ---- expiry ----

Result<int> OrderService::ExpireDue() {
  const int64_t now = NowMs();
  int expired = 0;
  ORD_ASSIGN_OR_RETURN(auto due, repo_.PickupOrdersHeldUntil(now));
  for (auto& o : due) {
    ORD_ASSIGN_OR_RETURN(auto txn, store::Transaction::Begin(store_.db()));
    ORD_ASSIGN_OR_RETURN(auto order, repo_.FindOrder(o.order_id));
    if (!order || !IsCollectable(order->state)) continue;
    ORD_ASSIGN_OR_RETURN(auto lines, repo_.LinesOf(o.order_id));
    ORD_ASSIGN_OR_RETURN(auto pick_lines, repo_.PickLinesOfOrder(o.order_id));
    ORD_ASSIGN_OR_RETURN(auto packages, repo_.PackagesOf(o.order_id));
    int64_t held_picked = 0;
    for (const auto& pl : pick_lines) held_picked += pl.picked - pl.shipped - pl.returned;
    json event = {{"order_id", o.order_id}};
    if (held_picked > 0) event["restock"] = true;
    ORD_ASSIGN_OR_RETURN(int64_t seq, Emit(*txn, "order.expired", event));
    for (const auto& l : lines) {
      const int64_t unpicked = l.accepted - l.picked - l.shorted;
      if (unpicked > 0) {
        EDGE_RETURN_IF_ERROR(
            ReleasePart(*txn, o.order_id, l.line_id, unpicked, core::ReleaseReason::kExpired, seq));
      }
    }
    EDGE_RETURN_IF_ERROR(StopOrderWork(*txn, o.order_id, pick_lines, packages));
    if (held_picked > 0) {
      ORD_ASSIGN_OR_RETURN(auto task, RestockPicked(*txn, o.order_id, pick_lines, "system", nullptr));
      (void)task;
    }
    order->cancel_restock = held_picked > 0;
    EDGE_RETURN_IF_ERROR(MoveOrder(*txn, *order, core::OrderState::kExpired));
    EDGE_RETURN_IF_ERROR(
        auth_.Audit(*txn, core::Actor{"system", core::Role::kSupervisor}, "order.expire", o.order_id, ""));
    EDGE_RETURN_IF_ERROR(txn->Commit());
    log::Info("order.expired").Kv("order_id", o.order_id).Kv("restock", held_picked > 0);
    ++expired;
  }
  // Reminders: ready orders within reminder_before of their hold_until.
  if (options_.reminder_before.count() > 0) {
    const int64_t lead =
        std::chrono::duration_cast<std::chrono::milliseconds>(options_.reminder_before).count();
    ORD_ASSIGN_OR_RETURN(auto soon, repo_.PickupOrdersHeldUntil(now + lead));
    for (auto& o : soon) {
      if (o.state != core::OrderState::kReady || o.reminded_at_ms || !o.hold_until_ms) continue;
      ORD_ASSIGN_OR_RETURN(auto txn, store::Transaction::Begin(store_.db()));
      ORD_ASSIGN_OR_RETURN(
          int64_t seq, Emit(*txn, "order.expiry_reminder",
                            {{"order_id", o.order_id},
                             {"hold_until", core::FormatRfc3339(core::FromUnixMillis(*o.hold_until_ms))}}));
      (void)seq;
      o.reminded_at_ms = now;
      EDGE_RETURN_IF_ERROR(repo_.UpdateOrder(*txn, o));
      EDGE_RETURN_IF_ERROR(txn->Commit());
    }
  }
  return expired;
}

}  // namespace edge::app
