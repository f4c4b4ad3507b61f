// OrderService: the store as a fulfilment node (issue 5): intake of routed
// orders, pick tasks (single orders or batches picked in one walk), picking
// by scan, short picks, packing into packages, carrier labels, carrier
// handoff, cancellation and restocking.
//
// Every command is one SQLite transaction that changes the order tables
// (edge/store OrderRepo), the stock and reservations (through the borrowed
// InventoryService's *In calls and repo), writes the audit row of the
// associate who gave it (AuthService::Audit), and appends the outbox events
// that report it (PROTOCOL.md: nothing is published that was not committed,
// and nothing committed is left unpublished). A command that fails changes
// nothing. The service keeps no state of its own besides the event-id
// generator: after a restart every order and task resumes where it was.
//
// Inbound messages (PROTOCOL.md, "orders" and "shipments") arrive as the
// envelope's `data`; errors name the message type and field ("order.routed:
// lines[1].qty: must be >= 1, got 0"). With an InboundRef the inbox record is
// written in the same transaction and a message applied before has no second
// effect.
//
// Decisions where PROTOCOL.md is silent (to go into docs/protocol.md):
//  - priority: a lower number is more urgent (1 before 5); the pick queue
//    orders by time left to promised_by (none last), then priority.
//  - [policy] max_open_orders: a new order arriving while that many orders
//    are accepted, picking, picked or packed is rejected, every `now` line
//    with reason "store_capacity". Re-routing an order gives the answer
//    recorded for it (order.accepted / order.rejected published again); lines
//    it did not carry before are decided then if the order has not been
//    given to a picker, else rejected with "order_in_progress" (or
//    "order_closed" once it is shipped, cancelled or rejected).
//  - backorder/preorder lines are kept but not answered yet (they wait for
//    incoming stock; allocation is later work).
//  - order.pick_started is sent when a picker first takes the order's pick
//    task (claims it or confirms its first unit).
//  - order.picked lists every accepted line with the quantity picked (0 when
//    every unit was shorted); shorted units were reported by order.rejected
//    (reason not_found or damaged) as they were shorted. An order whose every
//    unit was shorted ends as rejected.
//  - order.packed: packages [{package_id, weight_g, dims_mm:[length, width,
//    height] (inner, of the box), box, lines:[{line_id, qty}]}].
//  - order.shipped is sent per handoff with the packages of that order handed
//    over (a multi-package order split across handoffs gives several);
//    packages carry {package_id, tracking, carrier}.
//  - order.cancelled: {order_id, outcome, restock: true} when picked units go
//    back to the shelves by a restock task. Picked units stay reserved until
//    each is put back (they are in a tote, not pickable), then are released.
//    A package handed off makes a cancellation too_late. A cancel for an
//    order never routed here fails with NotFound (dead-lettered).
//  - a short pick's stock correction reports inventory.adjusted {sku, delta,
//    on_hand, reason, location, by, ref}: reason "count" for not_found (the
//    bin is counted as holding no more units than those already picked from
//    it and still in the store) and "damaged" for damaged.
//  - package ids are "<store>-P<n>", n counting the store's packages.
//
// Owned by the daemon; io_context thread only, like the Store, the
// InventoryService, the AuthService and the LabelPrinter it borrows (each must
// outlive it).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "edge/app/auth_service.h"
#include "edge/app/inventory_service.h"
#include "edge/app/pickup_code.h"
#include "edge/core/auth.h"
#include "edge/core/clock.h"
#include "edge/core/labels.h"
#include "edge/core/orders.h"
#include "edge/core/status.h"
#include "edge/store/order_repo.h"
#include "edge/store/pickup_repo.h"
#include "edge/store/return_repo.h"
#include "edge/store/store.h"

namespace edge::app {

// A box the packing stations use: a name and its inner dimensions.
struct BoxType {
  std::string name;
  int64_t length_mm = 0;
  int64_t width_mm = 0;
  int64_t height_mm = 0;
  bool operator==(const BoxType&) const = default;
};

// A sensible default catalogue (used until the config names one): a padded
// envelope and four cartons, "ENV", "S", "M", "L", "XL".
std::vector<BoxType> DefaultBoxCatalogue();

// The printer port: queues documents for a station's printer. The CUPS
// adapter (drivers/) implements it; tests use a recording fake. Called on the
// io_context thread after the change that asks for the print has committed.
class LabelPrinter {
 public:
  virtual ~LabelPrinter() = default;
  // Queues `bytes` in `format` ("zpl" or "pdf"; packing slips are PDF) at
  // `station`'s printer for package `package_id`; `kind` is
  // "carrier_label" or "packing_slip". OK once the job is queued (not
  // printed); an error (Unavailable: the printer is away) leaves a label
  // pending and RetryLabelPrints tries again.
  virtual core::Status QueuePrint(const std::string& station, const std::string& kind,
                                  const std::string& package_id, const std::string& format,
                                  const std::string& bytes) = 0;
  // Queues a bag label of a pickup order, rendered in the format of the
  // station's printer. This default renders ZPL and calls QueuePrint.
  virtual core::Status QueueBagLabel(const std::string& station, const std::string& bag_id,
                                     const core::BagLabel& label);
};

struct OrderOptions {
  // [store] id: package ids are "<store_id>-P<n>".
  std::string store_id;
  // [policy] partial_accept: take the lines that can be filled (true) or
  // reject the whole order when one line cannot (false).
  bool partial_accept = true;
  // [policy] max_open_orders: orders (accepted..packed) above which new ones
  // are rejected with store_capacity. Higher lets the OMS load the store more;
  // lower keeps promised_by dates realistic for its staff.
  int max_open_orders = 500;
  // The box catalogue the packing stations offer.
  std::vector<BoxType> boxes = DefaultBoxCatalogue();
  // The packing stations ([[station]] names); empty accepts any valid name.
  std::vector<std::string> stations;
  // [policy] pickup_hold_days: a pickup order routed without hold_until is
  // held this long from routing.
  int pickup_hold_days = 7;
  // [pickup] escalate_after_min: an arrival whose handover task nobody has
  // claimed after this long is escalated to the supervisors.
  core::Duration escalate_after = std::chrono::minutes(3);
  // [pickup] reminder_before_h: order.expiry_reminder goes out this long
  // before hold_until of an uncollected order (0 = no reminder).
  core::Duration reminder_before = std::chrono::hours(24);
  // [policy] curbside_bays: bays 1..N the kiosk offers (0 = counter only).
  int curbside_bays = 8;
  // [policy] kiosk_lookups_per_kiosk_per_min and _per_ref_per_min: order
  // lookups (and check-ins) the kiosk API allows one kiosk, and one order
  // ref typed, in any minute; more are answered 429.
  int kiosk_lookups_per_kiosk_per_min = 20;
  int kiosk_lookups_per_ref_per_min = 6;
};

// A text field of the order's customer object as routed ("first_name"),
// or "" when it has none.
std::string CustomerText(const store::OrderRecord& order, const char* key);

// Pickup-code checks: after kPickupMaxWrongCodes wrong codes for an order
// within kPickupLockWindow the handover locks until a supervisor overrides.
inline constexpr int kPickupMaxWrongCodes = 5;
inline constexpr core::Duration kPickupLockWindow = std::chrono::minutes(15);

// ---- results and views ----

struct LineAnswer {
  std::string line_id;
  int64_t qty = 0;
  std::string reason;  // rejected lines only
  bool operator==(const LineAnswer&) const = default;
};

// ---- Store work II: pickup, handover, expiry, returns, backorders ----

struct BagView {
  store::BagRecord bag;
  int64_t of = 0;  // m in "bag n of m"
  std::string order_ref;
  std::string label_code;  // "SE1:BAG:<order_ref>:<n>/<m>"
};

// A customer's "I'm here", from the kiosk, the OMS (order.customer_arrived)
// or an associate.
struct ArrivalCommand {
  std::string order_id;
  std::string source;              // kiosk, associate, or the OMS's source (app, sms…)
  std::optional<std::string> bay;  // curbside bay; none: at the counter
  std::optional<std::string> vehicle;
};

// How long a waiting customer is told to expect: their place among the
// waiting arrivals times the median handover time of the last 20 (3 minutes
// before there are any), plus 5 minutes while the order is not ready.
struct WaitEstimate {
  store::ArrivalRecord arrival;
  int position = 0;  // 1 = next; 0 once served or closed
  int64_t estimated_wait_s = 0;
  bool ready = false;
  std::string order_ref;
  std::string first_name;
};

struct ArrivalResult {
  int64_t arrival_id = 0;
  int64_t task_id = 0;
  bool ready = false;     // the order is ready (else it jumps the pick queue)
  bool repeated = false;  // already waiting: bay/vehicle updated, nothing new
};

// The outcome of a pickup-code check (a wrong code is not an error: it is
// recorded and counted).
struct CodeCheck {
  bool ok = false;
  bool locked = false;    // too many wrong codes: a supervisor must override
  int attempts_left = 0;  // before the lock
};

// A handover at the counter or the curb.
struct HandoverCommand {
  std::string order_id;
  // Exactly one: the customer's pickup code, or an ID check (the document
  // type seen, e.g. "driving_licence").
  std::optional<std::string> pickup_code;
  std::optional<std::string> id_check;
  std::optional<std::string> collector;  // proxy pickup: the person's name
  std::vector<std::string> bag_scans;    // every bag of the order, once each
  std::vector<LineAnswer> refused;       // lines (units) the customer refuses
};

struct HandoverResult {
  std::string order_id;
  std::vector<LineAnswer> picked_up;
  std::vector<LineAnswer> refused;
  std::optional<int64_t> restock_task;  // refused units go back by it
};

// One line of an in-store return.
struct ReturnLine {
  std::string line_id;
  int64_t qty = 0;
  std::string condition;  // "resellable" (restocked) or "damaged" (not)
  std::string reason;
  // resellable: the bin it is put back to (a code or a SE1:LOC scan).
  std::optional<std::string> location;
};

struct ReturnCommand {
  std::string order_id;
  std::vector<ReturnLine> lines;
};

struct ReturnableLine {
  store::OrderLineRecord line;
  int64_t returnable = 0;  // fulfilled (shipped + picked up) less returned
};

struct ReturnResult {
  std::string order_id;
  std::vector<store::ReturnRecord> recorded;
};

// Units of received incoming stock given to waiting backorder/preorder lines.
struct AllocationResult {
  std::vector<store::AllocationRecord> allocations;  // in allocation order
  int64_t left = 0;                                  // units no waiting line needed
};

// A waiting backorder/preorder line as the queue shows it.
struct WaitingLine {
  store::OrderLineRecord line;
  int64_t priority = 0;
  int64_t waiting = 0;  // qty - accepted - rejected
  bool late = false;    // past expected_at
};

struct RoutedOutcome {
  std::string order_id;
  std::vector<LineAnswer> accepted;
  std::vector<LineAnswer> rejected;
  bool repeated = false;           // the order was routed before: the recorded answer
  bool duplicate_message = false;  // the envelope was applied before: nothing done
};

struct CancelResult {
  core::CancelOutcome outcome = core::CancelOutcome::kCancelled;
  bool restock = false;
  std::optional<int64_t> restock_task;
  bool duplicate_message = false;
};

struct QueueItem {
  std::string order_id;
  std::string order_ref;
  core::OrderKind kind = core::OrderKind::kShipFromStore;
  int64_t priority = 0;
  std::optional<core::TimePoint> promised_by;
  std::optional<core::Duration> time_left;  // at the clock's now; negative when overdue
  int64_t units = 0;                        // accepted units to pick
  bool customer_waiting = false;            // arrived before ready: first in the queue
};

struct OrderView {
  store::OrderRecord order;
  std::vector<store::OrderLineRecord> lines;
  std::vector<store::PackageRecord> packages;
  std::vector<store::TaskRecord> tasks;
  std::vector<store::PickRecord> pick_records;
};

struct PickLineView {
  store::PickLineRecord line;
  std::string description;  // as routed
  std::optional<std::string> gtin;
  std::string tote;
};

struct TaskView {
  store::TaskRecord task;
  std::vector<store::ToteRecord> totes;           // pick
  std::vector<PickLineView> pick_lines;           // pick, in walk order
  std::vector<store::RestockUnitRecord> restock;  // restock
};

// One unit (or counted quantity) confirmed at a pick line.
struct PickCommand {
  int64_t task_id = 0;
  // The line being worked. Without it, the scanned item picks for the first
  // open line needing it (core::ChoosePickLine), preferring `at`.
  std::optional<int64_t> pick_line_id;
  std::optional<std::string> at;  // the bin the picker stands at
  // The scan as the scanner sent it (and its AIM id, if reported). Without
  // a scan the entry is manual: pick_line_id and manual_reason are required.
  std::optional<std::string> scan;
  std::string aim_id;
  // 1 for one scanned unit; more for a counted entry confirmed by one scan.
  int64_t qty = 1;
  std::optional<std::string> manual_reason;
};

struct PickResult {
  int64_t pick_line_id = 0;
  std::string order_id;
  std::string line_id;
  std::string sku;
  std::string tote;            // put the unit(s) here
  int64_t line_remaining = 0;  // on this pick line
  int64_t task_remaining = 0;  // units still to pick or short in the task
  bool order_picked = false;   // this completed the order's picking
  bool task_done = false;
};

struct ShortCommand {
  int64_t task_id = 0;
  int64_t pick_line_id = 0;
  int64_t qty = 0;
  core::ShortReason reason = core::ShortReason::kNotFound;
};

struct ShortResult {
  int64_t released = 0;     // units released and reported by order.rejected
  int64_t stock_delta = 0;  // the on-hand correction at the bin (<= 0)
  int64_t task_remaining = 0;
  bool order_picked = false;
  bool task_done = false;
};

// Units placed in an open package: scanned (one scan per unit, or one scan
// and a counted qty), or a manual entry naming the order line with a reason.
struct PackCommand {
  std::string package_id;
  std::optional<std::string> scan;
  std::string aim_id;
  std::optional<std::string> line_id;  // manual entry
  std::optional<std::string> manual_reason;
  int64_t qty = 1;
};

struct PackageView {
  store::PackageRecord package;  // label bytes omitted
  std::vector<store::PackageLineRecord> lines;
};

struct Document {
  std::string format;  // "pdf"
  std::string bytes;
};

struct HandoffResult {
  std::string package_id;
  std::string order_id;
  std::string tracking;
  bool order_shipped = false;  // every package of the order has now left
};

struct RestockCommand {
  int64_t task_id = 0;
  std::string scan;  // the item
  std::string aim_id;
  // The bin it goes back to: a location code or a scan of its SE1:LOC label.
  std::string location;
};

struct RestockResult {
  std::string order_id;
  std::string line_id;
  std::string sku;
  std::string location;
  int64_t remaining = 0;  // units of the task still to put back
  bool task_done = false;
};

class OrderService {
 public:
  // Builds the service. InvalidArgument for a bad store id, an empty or
  // malformed box catalogue, a bad station name or max_open_orders < 1.
  // `rng` makes event ids: seed it from std::random_device in production.
  static core::Result<std::unique_ptr<OrderService>> Create(store::Store& store, const core::Clock& clock,
                                                            InventoryService& inventory, AuthService& auth,
                                                            LabelPrinter& printer, OrderOptions options,
                                                            std::mt19937_64 rng);

  // ---- inbound (central -> node): `data` of the envelope ----

  // order.routed: validates the order, decides and reserves its `now` lines
  // and answers order.accepted and/or order.rejected. InvalidArgument for
  // malformed input (nothing applied).
  core::Result<RoutedOutcome> ApplyRouted(const nlohmann::json& data,
                                          const std::optional<InboundRef>& inbound = std::nullopt);
  // order.cancel_requested {order_id, reason?}: answers order.cancelled with
  // the outcome core::DecideCancellation gives. NotFound for an order never
  // routed here.
  core::Result<CancelResult> ApplyCancelRequested(const nlohmann::json& data,
                                                  const std::optional<InboundRef>& inbound = std::nullopt);
  // order.updated {order_id, hold_until?, customer?, priority?, promised_by?}:
  // the fields given replace the stored ones (null clears a time). No event.
  core::Result<Applied> ApplyUpdated(const nlohmann::json& data,
                                     const std::optional<InboundRef>& inbound = std::nullopt);
  // shipment.label {order_id, package_id, carrier, tracking, format, data}:
  // stores the label and, after committing, queues it at the station that
  // packed the package. The same label again changes nothing and prints
  // nothing; a new one replaces the old. A label for a cancelled order's
  // package is recorded as voided and not printed. NotFound for an unknown
  // package; InvalidArgument when it belongs to another order or is bad.
  // With print_now false nothing is printed: a caller applying it inside its
  // own transaction calls RetryLabelPrints once that has committed.
  core::Result<Applied> ApplyShipmentLabel(const nlohmann::json& data,
                                           const std::optional<InboundRef>& inbound = std::nullopt,
                                           bool print_now = true);

  // ---- work queue and tasks ----

  // Accepted orders not yet in a pick task, most urgent first.
  core::Result<std::vector<QueueItem>> WorkQueue();
  // A pick task for one order, or a batch of up to core::kMaxBatchOrders
  // picked in one walk (tote slots in the order given). Lines take their
  // units from bins in walk order, net of what other open pick lines take
  // and of units already off the shelf. FailedPrecondition when an order is
  // not accepted, has nothing to pick, or is in another active pick task.
  core::Result<int64_t> CreatePickTask(const std::vector<std::string>& order_ids, const core::Actor& by);
  // Supervisor: gives an open task to `associate` (only they may claim it).
  core::Status AssignTask(int64_t task_id, const std::string& associate, const core::Actor& by);
  // Takes a task: it becomes in_progress with `by` as assignee. For a pick
  // task its orders become picking (order.pick_started). PermissionDenied when
  // assigned to, or in progress by, someone else.
  core::Status ClaimTask(int64_t task_id, const core::Actor& by);
  // Gives a claimed task back (progress kept): open, unassigned. The
  // assignee or a supervisor.
  core::Status ReleaseTask(int64_t task_id, const core::Actor& by);
  // Supervisor: moves an active task, progress kept, to `associate`, who
  // claims it to continue.
  core::Status ReassignTask(int64_t task_id, const std::string& associate, const core::Actor& by);
  core::Result<TaskView> GetTask(int64_t task_id);
  core::Result<std::vector<store::TaskRecord>> ActiveTasks(core::TaskKind kind);
  core::Result<OrderView> GetOrder(const std::string& order_id);

  // ---- picking ----

  // Confirms units at a pick line (claiming the task when it is open). A
  // scan must be an item barcode (UPC-A/E, EAN-8/13, GTIN-14, or GS1 data
  // with AI 01) of the line's item; a wrong item is refused (InvalidArgument
  // naming the expected item). FailedPrecondition for more units than the
  // line still needs. When the order's last line is done, order.picked.
  core::Result<PickResult> Pick(const PickCommand& command, const core::Actor& by);
  // Units of a pick line not picked: released, reported by order.rejected
  // {line_id, qty, reason}, and the bin corrected (inventory.adjusted).
  core::Result<ShortResult> Short(const ShortCommand& command, const core::Actor& by);

  // ---- packing ----

  // Opens a package of box `box` (from the catalogue) at `station` for a
  // picked order of a ship kind (claiming its pack task).
  core::Result<PackageView> OpenPackage(const std::string& order_id, const std::string& box,
                                        const std::string& station, const core::Actor& by);
  // Puts units in an open package. The scanned item must be one of the
  // order's picked, not yet packed items (else InvalidArgument naming them).
  core::Result<PackageView> PackUnits(const PackCommand& command, const core::Actor& by);
  // Closes a package with at least one unit, weighing `weight_g` grams (>= 1).
  core::Result<PackageView> ClosePackage(const std::string& package_id, int64_t weight_g,
                                         const core::Actor& by);
  // Every picked unit is in a closed package: order.packed asks the OMS for
  // labels.
  core::Status FinishPacking(const std::string& order_id, const core::Actor& by);
  // What the packing slip of a package says (store, date, order ref, ship-to,
  // the package's lines, "Package <id> (n of m)"), for the printing adapter
  // or a page. NotFound for an unknown package.
  core::Result<core::PackingSlip> PackingSlipContent(const std::string& package_id);
  // The packing slip as a printable PDF (core::PackingSlipPdf).
  core::Result<Document> PackingSlip(const std::string& package_id, core::Paper paper = core::Paper::kA4);
  // Queues the packing slip (PDF) at the package's station.
  core::Status PrintPackingSlip(const std::string& package_id, const core::Actor& by);

  // ---- labels ----

  // The packer scans the printed label's tracking barcode on the package:
  // it must be this package's tracking (else InvalidArgument naming the
  // package the label belongs to).
  core::Status VerifyLabel(const std::string& package_id, const std::string& scan, const std::string& aim_id,
                           const core::Actor& by);
  // A spoiled print: the label must be reprinted (and verified) before handoff.
  core::Status VoidLabel(const std::string& package_id, const std::string& reason, const core::Actor& by);
  // Queues the package's label again at its station.
  core::Status ReprintLabel(const std::string& package_id, const core::Actor& by);
  // Queues every label received but not yet taken by its printer (after a
  // printer outage or a restart). Returns how many were queued.
  core::Result<int> RetryLabelPrints();

  // ---- carrier handoff ----

  // Packages ready for `carrier` ("" = every carrier): closed, label verified,
  // order packed, not yet handed off.
  core::Result<std::vector<store::PackageRecord>> Manifest(const std::string& carrier);
  // The driver takes one package, identified by a scan of its SE1:PKG label or
  // of its tracking barcode: order.shipped, and its units leave on-hand and
  // reserved. FailedPrecondition when it is not ready or for another carrier.
  core::Result<HandoffResult> HandOff(const std::string& carrier, const std::string& scan,
                                      const std::string& aim_id, const core::Actor& by);
  // Hands off every package of the carrier's manifest at once (one
  // order.shipped per order).
  core::Result<std::vector<HandoffResult>> ConfirmManifest(const std::string& carrier, const core::Actor& by);

  // ---- restock after a cancellation ----

  // Puts one unit of a restock task back at a bin: the scanned item must be
  // one the task still holds (else InvalidArgument naming them). The unit's
  // stock moves to that bin and its reservation is released.
  core::Result<RestockResult> Restock(const RestockCommand& command, const core::Actor& by);

  // ---- pickup: staging (order_pickup.cc) ----

  // Bags a picked pickup order into `count` bags (1..99) and prints their
  // labels at `station` (claiming its stage task). Again before any bag is
  // staged, replaces the bags. FailedPrecondition for an order not picked or
  // not a pickup kind.
  core::Result<std::vector<BagView>> CreateBags(const std::string& order_id, int count,
                                                const std::string& station, const core::Actor& by);
  // Puts a bag (scan of its label) to a staging location (a code or a
  // SE1:LOC scan). When every bag is staged: order.ready_for_pickup.
  core::Result<BagView> StageBag(const std::string& bag_scan, const std::string& location,
                                 const core::Actor& by);
  core::Result<std::vector<BagView>> BagsOf(const std::string& order_id);
  // Prints the order's bag labels again at `station`.
  core::Status PrintBagLabels(const std::string& order_id, const std::string& station, const core::Actor& by);

  // ---- pickup: arrival and handover (order_pickup.cc) ----

  // order.customer_arrived from the OMS {order_id, bay?, vehicle?, source}.
  core::Result<ArrivalResult> ApplyCustomerArrived(const nlohmann::json& data,
                                                   const std::optional<InboundRef>& inbound = std::nullopt);
  // An arrival at the kiosk (reported as order.customer_arrived, source
  // kiosk) or told to an associate: an urgent handover task. An order not yet
  // ready is flagged and jumps the pick queue.
  core::Result<ArrivalResult> Arrive(const ArrivalCommand& command, const core::Actor& by);
  // Waiting arrivals, longest waiting first.
  core::Result<std::vector<store::ArrivalRecord>> WaitingArrivals();
  // The wait a customer is told (kiosk confirmation, updated live). NotFound
  // for an unknown arrival.
  core::Result<WaitEstimate> EstimateWait(int64_t arrival_id);
  // Escalates arrivals whose handover task is still open after
  // escalate_after; returns those escalated now (the daemon tells the
  // supervisors).
  core::Result<std::vector<store::ArrivalRecord>> EscalateArrivals();
  // Checks a pickup code for an order (kiosk or counter), recording the
  // attempt. PermissionDenied while locked.
  core::Result<CodeCheck> CheckPickupCode(const std::string& order_id, const std::string& code,
                                          const std::string& channel, const core::Actor& by);
  // The same for an order the caller has just read (the kiosk's lookup found
  // it by its ref): it is not read again unless the attempt is recorded.
  core::Result<CodeCheck> CheckPickupCode(const store::OrderRecord& order, const std::string& code,
                                          const std::string& channel, const core::Actor& by);
  // Supervisor: lifts a pickup-code lock.
  core::Status OverridePickupLock(const std::string& order_id, const core::Actor& by);
  // Orders a customer may collect or has come for, by order ref (exact), an
  // order QR (SE1:ORD:<ref>:<code>) or a customer name (part of first or last
  // name, case-insensitive). Open pickup orders only.
  core::Result<std::vector<store::OrderRecord>> FindPickupOrders(const std::string& query);
  // The open pickup order whose order ref (or else order id) is exactly
  // `ref`, as a kiosk customer typed or scanned it; none when there is no
  // such order. Of two with the same ref, the later routed.
  core::Result<std::optional<store::OrderRecord>> PickupOrderNamed(const std::string& ref);
  // Validates a bag scan against an order without changing anything: OK, or
  // InvalidArgument naming the order the bag belongs to.
  core::Result<BagView> CheckBag(const std::string& order_id, const std::string& bag_scan);
  // Hands a ready order to its customer: verification, every bag scanned out,
  // refused units back to stock by a restock task; order.picked_up.
  core::Result<HandoverResult> HandOver(const HandoverCommand& command, const core::Actor& by);

  // ---- pickup: expiry (order_pickup.cc) ----

  // Orders past hold_until expire (order.expired); those within
  // reminder_before of it get order.expiry_reminder once. Returns how many
  // expired. Called by the daemon's timer.
  core::Result<int> ExpireDue();

  // ---- returns (order_returns.cc) ----

  // The order's lines and what may still be returned of each. NotFound for
  // an unknown order; the order may be found by id, ref or an order QR.
  core::Result<std::vector<ReturnableLine>> Returnable(const std::string& order_id_ref_or_scan);
  // Receives returned units: never more than fulfilled and not yet returned;
  // resellable units go back on hand at their bin, damaged ones do not.
  // return.received.
  core::Result<ReturnResult> ReceiveReturn(const ReturnCommand& command, const core::Actor& by);

  // ---- backorders and pre-orders (order_allocation.cc) ----

  // `qty` units of `sku` were received (against incoming `ref`, "" for none):
  // waiting lines get them by order priority, then age; each allocation is
  // reserved and reported by order.accepted {order_id, lines}. Inside the
  // caller's transaction (the receipt's).
  core::Result<AllocationResult> AllocateReceivedIn(store::Transaction& txn, const std::string& sku,
                                                    int64_t qty, const std::string& ref);
  // Waiting backorder/preorder lines, allocation order, late ones flagged.
  core::Result<std::vector<WaitingLine>> WaitingLines();

  // Applies a reloaded [policy] to orders routed from now on.
  // InvalidArgument for max_open_orders < 1 (the policy is kept then).
  core::Status SetPolicy(bool partial_accept, int max_open_orders);

  // Applies a reloaded [policy]'s pickup settings (already validated by the
  // config).
  void SetPickupPolicy(int hold_days, core::Duration escalate_after, core::Duration reminder_before,
                       int curbside_bays);

  store::OrderRepo& repo() { return repo_; }
  const core::Clock& clock() const { return clock_; }
  // The database's ChangeStamp: an answer built from it is still right while
  // the stamp is the same (the API keeps the task lists it answered).
  core::Result<store::ChangeStamp> DataStamp() { return store_.db().Stamp(); }
  int curbside_bays() const { return options_.curbside_bays; }
  // Applies a reloaded [policy]'s kiosk lookup limits (validated by the config).
  void SetKioskLimits(int per_kiosk_per_min, int per_ref_per_min) {
    options_.kiosk_lookups_per_kiosk_per_min = per_kiosk_per_min;
    options_.kiosk_lookups_per_ref_per_min = per_ref_per_min;
  }
  int kiosk_lookups_per_kiosk_per_min() const { return options_.kiosk_lookups_per_kiosk_per_min; }
  int kiosk_lookups_per_ref_per_min() const { return options_.kiosk_lookups_per_ref_per_min; }
  // The box catalogue the packing stations offer, as configured.
  const std::vector<BoxType>& boxes() const { return options_.boxes; }

 private:
  OrderService(store::Store& store, const core::Clock& clock, InventoryService& inventory, AuthService& auth,
               LabelPrinter& printer, OrderOptions options, std::mt19937_64 rng);

  // Replaces pickup codes a schema-5 database kept in clear by their hashes.
  static core::Status HashStoredPickupCodes(store::Store& store);
  int64_t NowMs() const;
  std::string NewEventId();
  core::Result<int64_t> Emit(store::Transaction& txn, const std::string& type, const nlohmann::json& data);
  core::Result<bool> IsDuplicate(const std::optional<InboundRef>& inbound);
  core::Status RecordInbound(store::Transaction& txn, const std::optional<InboundRef>& inbound);
  // OK when `by` is a valid actor holding `role`; else InvalidArgument or
  // PermissionDenied prefixed with `what`.
  static core::Status CheckRole(const core::Actor& by, core::Role role, const std::string& what);
  // Why `by` may not check `code` for any order (role, length), if so.
  static core::Status CheckCodeRequest(const core::Actor& by, const std::string& code,
                                       const std::string& what);

  // Appends order.accepted and/or order.rejected for `answer`; returns the
  // first seq (none when both lists are empty).
  core::Result<std::optional<int64_t>> EmitAnswer(store::Transaction& txn, const RoutedOutcome& answer);
  core::Result<bool> InActivePickTask(const std::string& order_id);
  // Moves `order` to `to` (core::CheckTransition), stamping updated and the
  // milestone of that state (picked_at, packed_at, ready_at, closed_at), and
  // writes it.
  core::Status MoveOrder(store::Transaction& txn, store::OrderRecord& order, core::OrderState to);
  // The task, of `kind` when given: NotFound / FailedPrecondition otherwise.
  core::Result<store::TaskRecord> LoadTask(int64_t task_id, std::optional<core::TaskKind> kind);
  // Takes `task` for `by`: claims it when open (for a pick task its accepted
  // orders start: order.pick_started); PermissionDenied when it is someone
  // else's.
  core::Status BeginWork(store::Transaction& txn, store::TaskRecord& task, const core::Actor& by);
  // After units of `order_id` were picked or shorted: order.picked when every
  // accepted unit is done (and a pack task for ship kinds), and the task done
  // when no line of it is open.
  core::Status AfterPickChange(store::Transaction& txn, store::TaskRecord& task, const std::string& order_id,
                               bool* order_picked, bool* task_done, int64_t* task_remaining);
  // Records an arrival for `order` (open, pickup kind) inside `txn`: a new
  // waiting arrival with an urgent handover task, or the waiting one updated.
  core::Result<ArrivalResult> ArriveIn(store::Transaction& txn, store::OrderRecord& order,
                                       const ArrivalCommand& command);
  // Ends the work on an order that will not be fulfilled (cancelled or
  // expired): open pick lines, the tasks left without work, its pack, stage
  // and handover tasks, open packages, bags and a waiting arrival.
  core::Status StopOrderWork(store::Transaction& txn, const std::string& order_id,
                             std::vector<store::PickLineRecord>& pick_lines,
                             std::vector<store::PackageRecord>& packages);
  // Hands picked units still in the store (all, or at most `only` per line)
  // to a new restock task; they stay reserved until put back. The task id,
  // none when there was no unit.
  core::Result<std::optional<int64_t>> RestockPicked(store::Transaction& txn, const std::string& order_id,
                                                     std::vector<store::PickLineRecord>& pick_lines,
                                                     const std::string& created_by,
                                                     const std::map<std::string, int64_t>* only);
  // Releases `qty` of what an order line still holds.
  core::Status ReleasePart(store::Transaction& txn, const std::string& order_id, const std::string& line_id,
                           int64_t qty, core::ReleaseReason reason, std::optional<int64_t> event_seq);
  // The order's active pack task, taken for `by`.
  core::Result<store::TaskRecord> PackTaskOf(store::Transaction& txn, const std::string& order_id,
                                             const core::Actor& by);
  // The order, when it is a picked order of a ship kind.
  core::Result<store::OrderRecord> OrderToPack(const std::string& order_id);
  // OrderRepo::OrdersByRef and PickupRepo::WrongAttemptsSince through
  // lookups_ (below).
  core::Result<std::vector<store::OrderRecord>> OrdersByRef(const std::string& order_ref);
  // The same, read into lookups_: valid until its next use.
  core::Result<const std::vector<store::OrderRecord>*> OrdersByRefKept(const std::string& order_ref);
  core::Result<int64_t> WrongCodesSince(const std::string& order_id, int64_t since_ms);
  // Hands `packages` of one order to the carrier inside `txn`.
  core::Result<std::vector<HandoffResult>> ShipPackages(store::Transaction& txn, store::OrderRecord& order,
                                                        std::vector<store::PackageRecord> packages,
                                                        const core::Actor& by);
  // Queues a stored label at its station; when the printer takes it, marks
  // it queued.
  core::Status PrintLabel(const std::string& package_id);
  core::Result<std::optional<std::string>> SkuOfGtin(const std::string& gtin14);

  store::Store& store_;
  const core::Clock& clock_;
  InventoryService& inventory_;
  AuthService& auth_;
  LabelPrinter& printer_;
  OrderOptions options_;
  std::mt19937_64 rng_;
  store::OrderRepo repo_;
  store::PickupRepo pickup_;
  PickupCodeChecker pickup_codes_;
  // What finding a pickup order and checking its code read (the orders of a
  // ref, an order's recent wrong codes), kept while the database's stamp is
  // unchanged: any write, by this connection or another, or a rollback
  // forgets it all. A kiosk's lookup and then its check-in, or a customer's
  // second try, read nothing again.
  struct PickupLookups {
    store::ChangeStamp stamp;
    std::unordered_map<std::string, std::vector<store::OrderRecord>> by_ref;
    struct Wrong {
      int64_t since_ms = 0;
      std::vector<int64_t> at_ms;  // oldest first
    };
    std::unordered_map<std::string, Wrong> wrong;
    // Forgets everything unless `now` is the stamp it was read under.
    void Since(const store::ChangeStamp& now);
  };
  PickupLookups lookups_;
  store::ReturnRepo returns_;
  // Registers AllocateReceivedIn as the inventory's receipt listener for as
  // long as the service lives (order_allocation.cc); one OrderService per
  // InventoryService.
  class ReceiptHook {
   public:
    ReceiptHook(InventoryService& inventory, OrderService& orders);
    ~ReceiptHook();
    ReceiptHook(const ReceiptHook&) = delete;
    ReceiptHook& operator=(const ReceiptHook&) = delete;

   private:
    InventoryService& inventory_;
  };
  ReceiptHook receipt_hook_;
};

}  // namespace edge::app
