// OrderService: pick tasks (create, assign, claim, release, reassign),
// picking by scan, short picks, and restocking after a cancellation.
#include <algorithm>
#include <map>
#include <set>

#include "edge/app/order_service.h"
#include "edge/log/log.h"
#include "order_internal.h"

namespace edge::app {

using core::Result;
using core::Status;
using json = nlohmann::json;
using namespace order_internal;

namespace {

std::string TaskName(int64_t id) { return "task " + std::to_string(id); }

}  // namespace

Result<std::string> order_internal::LocationOf(const std::string& text, const std::string& field) {
  std::string code = text;
  if (text.rfind("SE1:", 0) == 0) {
    auto scan = core::ParseScan(text);
    if (!scan.ok()) return scan.status().WithContext(field);
    if (scan->kind != core::Scan::Kind::kLocation) {
      return Bad(field, "expected a location label, got " + std::string(core::ScanKindName(scan->kind)));
    }
    code = scan->location;
  }
  auto loc = core::ParseLocationCode(code);
  if (!loc.ok()) return loc.status().WithContext(field);
  return code;
}

namespace {

std::string AtText(const std::string& location) {
  return location.empty() ? "(no known bin: search the store)" : location;
}

}  // namespace

Result<std::optional<std::string>> OrderService::SkuOfGtin(const std::string& gtin14) {
  return inventory_.repo().SkuForGtin(gtin14);
}

// ---- tasks ----

Result<int64_t> OrderService::CreatePickTask(const std::vector<std::string>& order_ids,
                                             const core::Actor& by) {
  const std::string what = "create pick task";
  EDGE_RETURN_IF_ERROR(CheckRole(by, core::Role::kAssociate, what));
  auto totes = core::AssignTotes(order_ids);
  if (!totes.ok()) return totes.status().WithContext(what);

  ORD_ASSIGN_OR_RETURN(auto txn, store::Transaction::Begin(store_.db()));
  store::InventoryRepo& inv = inventory_.repo();
  std::vector<core::PickLinePlan> plans;
  // Units this task already takes per (sku, bin), on top of other open lines.
  std::map<std::pair<std::string, std::string>, int64_t> planned_here;
  for (const core::ToteSlot& tote : *totes) {
    const std::string& order_id = tote.order_id;
    ORD_ASSIGN_OR_RETURN(auto order, repo_.FindOrder(order_id));
    if (!order) return Status::NotFound(what + ": order " + Shown(order_id) + " is unknown to this store");
    if (order->state != core::OrderState::kAccepted) {
      return Status::FailedPrecondition(what + ": order " + Shown(order_id) + " is " +
                                        core::OrderStateName(order->state) + ", not waiting to be picked");
    }
    ORD_ASSIGN_OR_RETURN(bool tasked, InActivePickTask(order_id));
    if (tasked)
      return Status::FailedPrecondition(what + ": order " + Shown(order_id) + " is in another pick task");
    ORD_ASSIGN_OR_RETURN(auto lines, repo_.LinesOf(order_id));
    bool any = false;
    for (const auto& l : lines) {
      if (l.accepted == 0) continue;
      any = true;
      ORD_ASSIGN_OR_RETURN(auto stock, inv.StockOf(l.sku));
      std::vector<core::LocatedQty> shelf;
      std::map<std::string, core::Location> where;
      for (const auto& s : stock) {
        if (s.location.code.empty()) continue;
        ORD_ASSIGN_OR_RETURN(int64_t planned, repo_.PlannedAt(l.sku, s.location.code));
        ORD_ASSIGN_OR_RETURN(int64_t off, repo_.OffShelfAt(l.sku, s.location.code));
        shelf.push_back({s.location.code, s.qty - planned - off - planned_here[{l.sku, s.location.code}]});
        where[s.location.code] = s.location;
      }
      for (const auto& p : core::PlanPickLocations(shelf, l.accepted)) {
        core::Location loc;
        if (!p.location.empty()) loc = where[p.location];
        plans.push_back({order_id, l.line_id, l.sku, loc, tote.slot, p.qty});
        planned_here[{l.sku, p.location}] += p.qty;
      }
    }
    if (!any)
      return Status::FailedPrecondition(what + ": order " + Shown(order_id) + " has nothing to pick now");
  }
  core::SortPickLines(plans);

  store::TaskRecord t;
  t.kind = core::TaskKind::kPick;
  t.state = core::TaskState::kOpen;
  t.batch = totes->size() > 1;
  t.created_by = by.id;
  t.created_ms = t.updated_ms = NowMs();
  ORD_ASSIGN_OR_RETURN(int64_t task_id, repo_.InsertTask(*txn, t));
  std::string detail;
  for (const core::ToteSlot& tote : *totes) {
    EDGE_RETURN_IF_ERROR(repo_.InsertTote(*txn, {task_id, tote.order_id, tote.slot, tote.label}));
    detail += (detail.empty() ? "" : ",") + tote.order_id;
  }
  for (size_t i = 0; i < plans.size(); ++i) {
    store::PickLineRecord r;
    r.task_id = task_id;
    r.order_id = plans[i].order_id;
    r.line_id = plans[i].line_id;
    r.sku = plans[i].sku;
    r.location = plans[i].location.code;
    r.seq = static_cast<int64_t>(i);
    r.tote_slot = plans[i].tote_slot;
    r.qty = plans[i].qty;
    ORD_ASSIGN_OR_RETURN(int64_t id, repo_.InsertPickLine(*txn, r));
    (void)id;
  }
  // An order given to a picker takes no more units: its backorder and
  // pre-order lines still waiting for stock are refused now, so the OMS can
  // fill them another way instead of waiting on an order already picked.
  for (const core::ToteSlot& tote : *totes) {
    ORD_ASSIGN_OR_RETURN(auto lines, repo_.LinesOf(tote.order_id));
    json refused = json::array();
    for (auto& l : lines) {
      const int64_t waiting = l.qty - l.accepted - l.rejected;
      if (l.fulfil == core::Fulfil::kNow || waiting <= 0) continue;
      l.rejected += waiting;
      l.reject_reason = "order_in_progress";
      EDGE_RETURN_IF_ERROR(repo_.UpdateLine(*txn, l));
      refused.push_back({{"line_id", l.line_id}, {"qty", waiting}, {"reason", "order_in_progress"}});
    }
    if (!refused.empty()) {
      ORD_ASSIGN_OR_RETURN(int64_t seq,
                           Emit(*txn, "order.rejected", {{"order_id", tote.order_id}, {"lines", refused}}));
      (void)seq;
    }
  }
  EDGE_RETURN_IF_ERROR(auth_.Audit(*txn, by, "task.create", TaskName(task_id), "pick " + detail));
  EDGE_RETURN_IF_ERROR(txn->Commit());
  log::Info("task.created")
      .Kv("task", task_id)
      .Kv("kind", "pick")
      .Kv("orders", detail)
      .Kv("lines", plans.size());
  return task_id;
}

Result<store::TaskRecord> OrderService::LoadTask(int64_t task_id, std::optional<core::TaskKind> kind) {
  ORD_ASSIGN_OR_RETURN(auto task, repo_.FindTask(task_id));
  if (!task) return Status::NotFound(TaskName(task_id) + " is unknown");
  if (kind && task->kind != *kind) {
    return Status::FailedPrecondition(TaskName(task_id) + " is a " + core::TaskKindName(task->kind) +
                                      " task, not " + core::TaskKindName(*kind));
  }
  return *task;
}

Status OrderService::BeginWork(store::Transaction& txn, store::TaskRecord& task, const core::Actor& by) {
  const std::string what = TaskName(task.id);
  if (!core::IsActiveTaskState(task.state)) {
    return Status::FailedPrecondition(what + " is " + core::TaskStateName(task.state));
  }
  if (task.state == core::TaskState::kInProgress) {
    if (task.assignee == by.id) return Status::Ok();
    return Status::PermissionDenied(what + " is in progress by " + task.assignee.value_or("?") +
                                    "; a supervisor may reassign it");
  }
  if (task.assignee && *task.assignee != by.id && by.role != core::Role::kSupervisor) {
    return Status::PermissionDenied(what + " is assigned to " + *task.assignee);
  }
  task.state = core::TaskState::kInProgress;
  task.assignee = by.id;
  task.updated_ms = NowMs();
  EDGE_RETURN_IF_ERROR(repo_.UpdateTask(txn, task));
  if (task.kind != core::TaskKind::kPick) return Status::Ok();
  ORD_ASSIGN_OR_RETURN(auto totes, repo_.TotesOf(task.id));
  for (const auto& tote : totes) {
    ORD_ASSIGN_OR_RETURN(auto order, repo_.FindOrder(tote.order_id));
    if (!order || order->state != core::OrderState::kAccepted) continue;  // started before, or cancelled
    EDGE_RETURN_IF_ERROR(MoveOrder(txn, *order, core::OrderState::kPicking));
    ORD_ASSIGN_OR_RETURN(int64_t seq,
                         Emit(txn, "order.pick_started", {{"order_id", order->order_id}, {"picker", by.id}}));
    (void)seq;
  }
  return Status::Ok();
}

Status OrderService::ClaimTask(int64_t task_id, const core::Actor& by) {
  const std::string what = "claim " + TaskName(task_id);
  EDGE_RETURN_IF_ERROR(CheckRole(by, core::Role::kAssociate, what));
  ORD_ASSIGN_OR_RETURN(auto txn, store::Transaction::Begin(store_.db()));
  ORD_ASSIGN_OR_RETURN(auto task, LoadTask(task_id, std::nullopt));
  EDGE_RETURN_IF_ERROR(BeginWork(*txn, task, by));
  EDGE_RETURN_IF_ERROR(auth_.Audit(*txn, by, "task.claim", TaskName(task_id)));
  return txn->Commit();
}

Status OrderService::AssignTask(int64_t task_id, const std::string& associate, const core::Actor& by) {
  const std::string what = "assign " + TaskName(task_id);
  EDGE_RETURN_IF_ERROR(CheckRole(by, core::Role::kSupervisor, what));
  if (Status s = core::ValidateAssociateId(associate); !s.ok()) return s.WithContext(what + ": associate");
  ORD_ASSIGN_OR_RETURN(auto txn, store::Transaction::Begin(store_.db()));
  ORD_ASSIGN_OR_RETURN(auto task, LoadTask(task_id, std::nullopt));
  if (task.state != core::TaskState::kOpen) {
    return Status::FailedPrecondition(
        what + ": it is " + core::TaskStateName(task.state) +
        (task.state == core::TaskState::kInProgress ? "; reassign it instead" : ""));
  }
  task.assignee = associate;
  task.updated_ms = NowMs();
  EDGE_RETURN_IF_ERROR(repo_.UpdateTask(*txn, task));
  EDGE_RETURN_IF_ERROR(auth_.Audit(*txn, by, "task.assign", TaskName(task_id), associate));
  return txn->Commit();
}

Status OrderService::ReleaseTask(int64_t task_id, const core::Actor& by) {
  const std::string what = "release " + TaskName(task_id);
  EDGE_RETURN_IF_ERROR(CheckRole(by, core::Role::kAssociate, what));
  ORD_ASSIGN_OR_RETURN(auto txn, store::Transaction::Begin(store_.db()));
  ORD_ASSIGN_OR_RETURN(auto task, LoadTask(task_id, std::nullopt));
  if (task.state != core::TaskState::kInProgress) {
    return Status::FailedPrecondition(what + ": it is " + core::TaskStateName(task.state) +
                                      ", not in progress");
  }
  if (task.assignee != by.id && by.role != core::Role::kSupervisor) {
    return Status::PermissionDenied(what + ": it is in progress by " + task.assignee.value_or("?"));
  }
  task.state = core::TaskState::kOpen;
  task.assignee.reset();
  task.updated_ms = NowMs();
  EDGE_RETURN_IF_ERROR(repo_.UpdateTask(*txn, task));
  EDGE_RETURN_IF_ERROR(auth_.Audit(*txn, by, "task.release", TaskName(task_id)));
  return txn->Commit();
}

Status OrderService::ReassignTask(int64_t task_id, const std::string& associate, const core::Actor& by) {
  const std::string what = "reassign " + TaskName(task_id);
  EDGE_RETURN_IF_ERROR(CheckRole(by, core::Role::kSupervisor, what));
  if (Status s = core::ValidateAssociateId(associate); !s.ok()) return s.WithContext(what + ": associate");
  ORD_ASSIGN_OR_RETURN(auto txn, store::Transaction::Begin(store_.db()));
  ORD_ASSIGN_OR_RETURN(auto task, LoadTask(task_id, std::nullopt));
  if (!core::IsActiveTaskState(task.state)) {
    return Status::FailedPrecondition(what + ": it is " + core::TaskStateName(task.state));
  }
  const std::string from = task.assignee.value_or("");
  // The new assignee claims it to continue where the last one stopped.
  task.state = core::TaskState::kOpen;
  task.assignee = associate;
  task.updated_ms = NowMs();
  EDGE_RETURN_IF_ERROR(repo_.UpdateTask(*txn, task));
  EDGE_RETURN_IF_ERROR(auth_.Audit(*txn, by, "task.reassign", TaskName(task_id), from + " -> " + associate));
  return txn->Commit();
}

// ---- picking ----

Status OrderService::AfterPickChange(store::Transaction& txn, store::TaskRecord& task,
                                     const std::string& order_id, bool* order_picked, bool* task_done,
                                     int64_t* task_remaining) {
  ORD_ASSIGN_OR_RETURN(auto order, repo_.FindOrder(order_id));
  if (!order) return Status::Internal("order " + Shown(order_id) + " vanished");
  ORD_ASSIGN_OR_RETURN(auto lines, repo_.LinesOf(order_id));
  bool all_done = true;
  int64_t picked = 0;
  json picked_lines = json::array();
  for (const auto& l : lines) {
    if (l.accepted == 0) continue;
    all_done &= l.picked + l.shorted == l.accepted;
    picked += l.picked;
    picked_lines.push_back({{"line_id", l.line_id}, {"qty", l.picked}});
  }
  *order_picked = false;
  if (all_done && order->state == core::OrderState::kPicking) {
    ORD_ASSIGN_OR_RETURN(int64_t seq,
                         Emit(txn, "order.picked", {{"order_id", order_id}, {"lines", picked_lines}}));
    (void)seq;
    // Every unit shorted: nothing is left for the store to do.
    const core::OrderState next = picked > 0 ? core::OrderState::kPicked : core::OrderState::kRejected;
    EDGE_RETURN_IF_ERROR(MoveOrder(txn, *order, next));
    if (next == core::OrderState::kPicked) {
      // Ship kinds are packed next; pickup kinds bagged and staged.
      store::TaskRecord pack;
      pack.kind = core::IsShipKind(order->kind) ? core::TaskKind::kPack : core::TaskKind::kStage;
      pack.state = core::TaskState::kOpen;
      pack.order_id = order_id;
      pack.created_by = "system";
      pack.created_ms = pack.updated_ms = NowMs();
      ORD_ASSIGN_OR_RETURN(int64_t id, repo_.InsertTask(txn, pack));
      (void)id;
    }
    *order_picked = true;
  }
  ORD_ASSIGN_OR_RETURN(auto task_lines, repo_.PickLinesOfTask(task.id));
  *task_remaining = 0;
  bool open = false;
  for (const auto& l : task_lines) {
    if (l.state != store::PickLineState::kOpen) continue;
    open = true;
    *task_remaining += l.remaining();
  }
  *task_done = !open;
  if (!open && core::IsActiveTaskState(task.state)) {
    task.state = core::TaskState::kDone;
    task.updated_ms = NowMs();
    EDGE_RETURN_IF_ERROR(repo_.UpdateTask(txn, task));
  }
  return Status::Ok();
}

Result<PickResult> OrderService::Pick(const PickCommand& c, const core::Actor& by) {
  const std::string what = "pick (" + TaskName(c.task_id) + ")";
  EDGE_RETURN_IF_ERROR(CheckRole(by, core::Role::kAssociate, what));
  if (Status s = core::ValidateQuantity("qty", c.qty, 1); !s.ok()) return s.WithContext(what);
  auto entry = ScannedOrManual(c.scan, c.aim_id, c.manual_reason, c.pick_line_id.has_value(), "pick_line_id");
  if (!entry.ok()) return entry.status().WithContext(what);
  const std::optional<std::string> gtin = *entry;
  std::optional<std::string> at;
  if (c.at) {
    auto a = LocationOf(*c.at, "at");
    if (!a.ok()) return a.status().WithContext(what);
    at = *a;
  }
  std::optional<std::string> scanned_sku;
  if (gtin) {
    ORD_ASSIGN_OR_RETURN(scanned_sku, SkuOfGtin(*gtin));
  }

  ORD_ASSIGN_OR_RETURN(auto txn, store::Transaction::Begin(store_.db()));
  ORD_ASSIGN_OR_RETURN(auto task, LoadTask(c.task_id, core::TaskKind::kPick));
  EDGE_RETURN_IF_ERROR(BeginWork(*txn, task, by));
  ORD_ASSIGN_OR_RETURN(auto lines, repo_.PickLinesOfTask(task.id));
  // Routed GTINs and descriptions, so that an item the replica has no barcode
  // for still matches the GTIN the OMS gave, and messages name the item.
  std::map<std::pair<std::string, std::string>, store::OrderLineRecord> routed;
  {
    std::set<std::string> orders;
    for (const auto& l : lines) orders.insert(l.order_id);
    for (const auto& o : orders) {
      ORD_ASSIGN_OR_RETURN(auto ols, repo_.LinesOf(o));
      for (auto& ol : ols) routed[{ol.order_id, ol.line_id}] = std::move(ol);
    }
  }
  auto matches = [&](const store::PickLineRecord& l) {
    if (!gtin) return true;
    if (scanned_sku && *scanned_sku == l.sku) return true;
    const auto& ol = routed[{l.order_id, l.line_id}];
    return ol.gtin && *ol.gtin == *gtin;
  };
  auto describe = [&](const store::PickLineRecord& l) {
    const auto& ol = routed[{l.order_id, l.line_id}];
    std::string s = l.sku;
    if (!ol.description.empty()) s += " " + Shown(ol.description);
    if (ol.gtin) s += " (GTIN " + *ol.gtin + ")";
    return s + " at " + AtText(l.location);
  };
  auto scanned_text = [&] {
    return "GTIN " + *gtin + (scanned_sku ? " (" + *scanned_sku + ")" : " (unknown to this store)");
  };

  std::vector<core::OpenPickLine> open;
  std::vector<size_t> open_index;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].state != store::PickLineState::kOpen) continue;
    // Lines the scanned item matches (by the replica's barcode or the GTIN
    // the OMS routed) are marked with a SKU no real item has, so that
    // ChoosePickLine picks among exactly those.
    std::string sku = lines[i].sku;
    if (gtin && matches(lines[i])) sku = "\x01scanned";
    open.push_back({lines[i].id, sku, lines[i].location, lines[i].tote_slot, lines[i].remaining()});
    open_index.push_back(i);
  }
  if (open.empty()) return Status::FailedPrecondition(what + ": nothing is left to pick");
  store::PickLineRecord* line = nullptr;
  if (c.pick_line_id) {
    for (auto& l : lines) {
      if (l.id == *c.pick_line_id) line = &l;
    }
    if (!line)
      return Status::NotFound(what + ": pick line " + std::to_string(*c.pick_line_id) + " is not in it");
    if (line->state != store::PickLineState::kOpen) {
      return Status::FailedPrecondition(what + ": pick line " + std::to_string(line->id) + " is " +
                                        store::PickLineStateName(line->state));
    }
    if (!matches(*line)) {
      return Status::InvalidArgument(what + ": wrong item: scanned " + scanned_text() + "; expected " +
                                     describe(*line));
    }
  } else {
    auto chosen = core::ChoosePickLine(open, "\x01scanned", at);
    if (!chosen) {
      // Name the item the picker should take next: here, or the next on the walk.
      size_t next = 0;
      if (at) {
        for (size_t i = 0; i < open.size(); ++i) {
          if (open[i].location == *at) {
            next = i;
            break;
          }
        }
      }
      return Status::InvalidArgument(what + ": wrong item: scanned " + scanned_text() +
                                     ", which this task does " + "not need; expected " +
                                     describe(lines[open_index[next]]));
    }
    line = &lines[open_index[*chosen]];
  }
  if (c.qty > line->remaining()) {
    return Status::FailedPrecondition(what + ": pick line " + std::to_string(line->id) + " needs " +
                                      std::to_string(line->remaining()) + " more of " + line->sku + ", got " +
                                      std::to_string(c.qty));
  }
  line->picked += c.qty;
  if (line->remaining() == 0) line->state = store::PickLineState::kDone;
  EDGE_RETURN_IF_ERROR(repo_.UpdatePickLine(*txn, *line));
  store::OrderLineRecord& ol = routed[{line->order_id, line->line_id}];
  ol.picked += c.qty;
  EDGE_RETURN_IF_ERROR(repo_.UpdateLine(*txn, ol));
  store::PickRecord rec;
  rec.task_id = task.id;
  rec.pick_line_id = line->id;
  rec.order_id = line->order_id;
  rec.line_id = line->line_id;
  rec.sku = line->sku;
  rec.location = line->location;
  rec.qty = c.qty;
  const core::PickMethod method =
      !c.scan ? core::PickMethod::kManual : (c.qty > 1 ? core::PickMethod::kCount : core::PickMethod::kScan);
  rec.method = core::PickMethodName(method);
  if (!c.scan) rec.reason = *c.manual_reason;
  rec.scan = gtin;
  rec.associate = by.id;
  rec.at_ms = NowMs();
  EDGE_RETURN_IF_ERROR(repo_.InsertPickRecord(*txn, rec));
  EDGE_RETURN_IF_ERROR(auth_.Audit(*txn, by, "order.pick", LineRef(line->order_id, line->line_id),
                                   std::to_string(c.qty) + " " + rec.method + " at " + line->location +
                                       (c.scan ? "" : ": " + *c.manual_reason)));

  PickResult r;
  r.pick_line_id = line->id;
  r.order_id = line->order_id;
  r.line_id = line->line_id;
  r.sku = line->sku;
  r.tote = "T" + std::to_string(line->tote_slot);
  r.line_remaining = line->remaining();
  EDGE_RETURN_IF_ERROR(
      AfterPickChange(*txn, task, line->order_id, &r.order_picked, &r.task_done, &r.task_remaining));
  EDGE_RETURN_IF_ERROR(txn->Commit());
  return r;
}

Result<ShortResult> OrderService::Short(const ShortCommand& c, const core::Actor& by) {
  const std::string what = "short (" + TaskName(c.task_id) + ")";
  EDGE_RETURN_IF_ERROR(CheckRole(by, core::Role::kAssociate, what));
  if (Status s = core::ValidateQuantity("qty", c.qty, 1); !s.ok()) return s.WithContext(what);
  const char* reason = core::ShortReasonName(c.reason);

  ORD_ASSIGN_OR_RETURN(auto txn, store::Transaction::Begin(store_.db()));
  ORD_ASSIGN_OR_RETURN(auto task, LoadTask(c.task_id, core::TaskKind::kPick));
  EDGE_RETURN_IF_ERROR(BeginWork(*txn, task, by));
  ORD_ASSIGN_OR_RETURN(auto line, repo_.FindPickLine(c.pick_line_id));
  if (!line || line->task_id != task.id) {
    return Status::NotFound(what + ": pick line " + std::to_string(c.pick_line_id) + " is not in it");
  }
  if (line->state != store::PickLineState::kOpen) {
    return Status::FailedPrecondition(what + ": pick line " + std::to_string(line->id) + " is " +
                                      store::PickLineStateName(line->state));
  }
  if (c.qty > line->remaining()) {
    return Status::FailedPrecondition(what + ": pick line " + std::to_string(line->id) + " has " +
                                      std::to_string(line->remaining()) + " left, cannot short " +
                                      std::to_string(c.qty));
  }
  ORD_ASSIGN_OR_RETURN(auto order_lines, repo_.LinesOf(line->order_id));
  store::OrderLineRecord* ol = nullptr;
  for (auto& l : order_lines) {
    if (l.line_id == line->line_id) ol = &l;
  }
  if (!ol)
    return Status::Internal(what + ": order line " + LineRef(line->order_id, line->line_id) + " is missing");

  line->shorted += c.qty;
  if (line->remaining() == 0) line->state = store::PickLineState::kDone;
  EDGE_RETURN_IF_ERROR(repo_.UpdatePickLine(*txn, *line));
  ol->shorted += c.qty;
  ol->short_reason = reason;
  EDGE_RETURN_IF_ERROR(repo_.UpdateLine(*txn, *ol));

  // The bin's stock, corrected as the associate found it.
  ShortResult r;
  store::InventoryRepo& inv = inventory_.repo();
  ORD_ASSIGN_OR_RETURN(auto item, inv.FindItem(line->sku));
  if (!item) return Status::Internal(what + ": sku " + Shown(line->sku) + " is missing");
  if (c.reason == core::ShortReason::kNotFound) {
    // A cycle count of the bin: nothing of the SKU is left on the shelf, so
    // the bin holds only its units already picked and still in the store.
    ORD_ASSIGN_OR_RETURN(auto stock, inv.StockOf(line->sku));
    int64_t at_bin = 0;
    for (const auto& s : stock) {
      if (s.location.code == line->location) at_bin = s.qty;
    }
    ORD_ASSIGN_OR_RETURN(int64_t off, repo_.OffShelfAt(line->sku, line->location));
    r.stock_delta = std::min<int64_t>(0, off - at_bin);
  } else {
    r.stock_delta = -c.qty;  // out of sellable stock
  }
  const std::string ref = LineRef(line->order_id, line->line_id);
  if (r.stock_delta != 0) {
    const char* adj_reason = c.reason == core::ShortReason::kNotFound ? "count" : "damaged";
    json adjusted = {{"sku", line->sku},
                     {"delta", r.stock_delta},
                     {"on_hand", item->figures.on_hand + r.stock_delta},
                     {"reason", adj_reason},
                     {"by", by.id},
                     {"ref", ref}};
    if (!line->location.empty()) adjusted["location"] = line->location;
    ORD_ASSIGN_OR_RETURN(int64_t seq, Emit(*txn, "inventory.adjusted", adjusted));
    store::StockChange sc;
    sc.sku = line->sku;
    sc.location = line->location;
    sc.d_on_hand = r.stock_delta;
    sc.reason = adj_reason;
    sc.ref = ref;
    sc.origin = store::LedgerOrigin::kLocal;
    sc.event_seq = seq;
    EDGE_RETURN_IF_ERROR(inv.Apply(*txn, sc));
  }
  ORD_ASSIGN_OR_RETURN(
      int64_t rejected_seq,
      Emit(*txn, "order.rejected",
           {{"order_id", line->order_id},
            {"lines", json::array({{{"line_id", line->line_id}, {"qty", c.qty}, {"reason", reason}}})}}));
  EDGE_RETURN_IF_ERROR(
      ReleasePart(*txn, line->order_id, line->line_id, c.qty, core::ReleaseReason::kRejected, rejected_seq));
  r.released = c.qty;

  store::PickRecord rec;
  rec.task_id = task.id;
  rec.pick_line_id = line->id;
  rec.order_id = line->order_id;
  rec.line_id = line->line_id;
  rec.sku = line->sku;
  rec.location = line->location;
  rec.qty = c.qty;
  rec.method = "short";
  rec.reason = reason;
  rec.associate = by.id;
  rec.at_ms = NowMs();
  EDGE_RETURN_IF_ERROR(repo_.InsertPickRecord(*txn, rec));
  EDGE_RETURN_IF_ERROR(auth_.Audit(*txn, by, "order.short", ref,
                                   std::to_string(c.qty) + " " + reason + " at " + line->location));
  EDGE_RETURN_IF_ERROR(
      AfterPickChange(*txn, task, line->order_id, &r.order_picked, &r.task_done, &r.task_remaining));
  EDGE_RETURN_IF_ERROR(txn->Commit());
  log::Info("order.short")
      .Kv("order_id", line->order_id)
      .Kv("line_id", line->line_id)
      .Kv("qty", c.qty)
      .Kv("reason", reason)
      .Kv("stock_delta", r.stock_delta);
  return r;
}

// ---- restock ----

Result<RestockResult> OrderService::Restock(const RestockCommand& c, const core::Actor& by) {
  const std::string what = "restock (" + TaskName(c.task_id) + ")";
  EDGE_RETURN_IF_ERROR(CheckRole(by, core::Role::kAssociate, what));
  auto gtin = ItemGtinOfScan(c.scan, c.aim_id);
  if (!gtin.ok()) return gtin.status().WithContext(what);
  auto to = LocationOf(c.location, "location");
  if (!to.ok()) return to.status().WithContext(what);
  ORD_ASSIGN_OR_RETURN(auto scanned_sku, SkuOfGtin(*gtin));

  ORD_ASSIGN_OR_RETURN(auto txn, store::Transaction::Begin(store_.db()));
  ORD_ASSIGN_OR_RETURN(auto task, LoadTask(c.task_id, core::TaskKind::kRestock));
  EDGE_RETURN_IF_ERROR(BeginWork(*txn, task, by));
  ORD_ASSIGN_OR_RETURN(auto units, repo_.RestockUnitsOf(task.id));
  const std::string order_id = task.order_id.value_or("");
  ORD_ASSIGN_OR_RETURN(auto order_lines, repo_.LinesOf(order_id));
  std::map<std::string, store::OrderLineRecord*> by_line;
  for (auto& l : order_lines) by_line[l.line_id] = &l;

  store::RestockUnitRecord* unit = nullptr;
  std::map<std::string, int64_t> waiting;  // sku -> units still to put back
  for (auto& u : units) {
    if (u.done) continue;
    ++waiting[u.sku];
    if (unit) continue;
    const store::OrderLineRecord* ol = by_line.count(u.line_id) ? by_line[u.line_id] : nullptr;
    if ((scanned_sku && *scanned_sku == u.sku) || (ol && ol->gtin && *ol->gtin == *gtin)) unit = &u;
  }
  if (waiting.empty()) return Status::FailedPrecondition(what + ": nothing is left to put back");
  if (!unit) {
    std::string expected;
    for (const auto& [sku, n] : waiting)
      expected += (expected.empty() ? "" : ", ") + sku + " (" + std::to_string(n) + ")";
    return Status::InvalidArgument(what + ": wrong item: scanned GTIN " + *gtin +
                                   (scanned_sku ? " (" + *scanned_sku + ")" : " (unknown to this store)") +
                                   "; this task holds " + expected);
  }

  store::InventoryRepo& inv = inventory_.repo();
  const std::string ref = LineRef(unit->order_id, unit->line_id);
  if (unit->from_location != *to) {
    // The unit's stock moves from the bin it was picked at to the one it
    // goes back to; on-hand does not change, so no event reports it.
    auto loc = core::ParseLocationCode(*to);
    if (!loc.ok()) return loc.status();
    EDGE_RETURN_IF_ERROR(inv.EnsureLocation(*txn, *loc));
    const std::pair<std::string, int64_t> moves[] = {{unit->from_location, -1}, {*to, 1}};
    for (const auto& [code, d] : moves) {
      store::StockChange sc;
      sc.sku = unit->sku;
      sc.location = code;
      sc.d_on_hand = d;
      sc.reason = "restock";
      sc.ref = ref;
      sc.origin = store::LedgerOrigin::kLocal;
      EDGE_RETURN_IF_ERROR(inv.Apply(*txn, sc));
    }
  }
  EDGE_RETURN_IF_ERROR(
      ReleasePart(*txn, unit->order_id, unit->line_id, 1, core::ReleaseReason::kCancelled, std::nullopt));
  unit->done = true;
  unit->to_location = *to;
  unit->associate = by.id;
  unit->at_ms = NowMs();
  EDGE_RETURN_IF_ERROR(repo_.UpdateRestockUnit(*txn, *unit));
  if (by_line.count(unit->line_id)) {
    store::OrderLineRecord* ol = by_line[unit->line_id];
    ol->restocked += 1;
    EDGE_RETURN_IF_ERROR(repo_.UpdateLine(*txn, *ol));
  }
  RestockResult r;
  r.order_id = unit->order_id;
  r.line_id = unit->line_id;
  r.sku = unit->sku;
  r.location = *to;
  for (const auto& [sku, n] : waiting) r.remaining += n;
  r.remaining -= 1;
  r.task_done = r.remaining == 0;
  if (r.task_done) {
    task.state = core::TaskState::kDone;
    task.updated_ms = NowMs();
    EDGE_RETURN_IF_ERROR(repo_.UpdateTask(*txn, task));
  }
  EDGE_RETURN_IF_ERROR(auth_.Audit(*txn, by, "order.restock", ref, unit->sku + " -> " + *to));
  EDGE_RETURN_IF_ERROR(txn->Commit());
  return r;
}

}  // namespace edge::app
