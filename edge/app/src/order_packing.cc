// OrderService: packing (packages, units, weights, packing slips), carrier
// labels (shipment.label, printing, verification, void and reprint) and the
// carrier handoff (manifest, order.shipped, goods leaving on-hand).
#include <algorithm>
#include <cctype>
#include <map>

#include "edge/app/order_service.h"
#include "edge/core/ids.h"
#include "edge/core/labels.h"
#include "edge/log/log.h"
#include "order_internal.h"

namespace edge::app {

using core::Result;
using core::Status;
using json = nlohmann::json;
using namespace order_internal;

namespace {

const char* const kLabel = "shipment.label";

std::string PackageName(const std::string& id) { return "package " + Shown(id); }

// Text for a printed document: control characters (a newline in a routed
// address) become spaces.
std::string Printable(std::string s) {
  for (char& c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) c = ' ';
  }
  return s;
}

// The order reference a slip prints, in the store's code scheme
// ([A-Za-z0-9_-]{1,32}): the OMS's order_ref when it fits, else the order id,
// else the order id with other characters replaced and cut to 32.
std::string SlipRef(const std::string& order_ref, const std::string& order_id) {
  for (const std::string* s : {&order_ref, &order_id}) {
    if (core::ValidateStoreId(*s).ok()) return *s;
  }
  std::string ref = order_id.substr(0, 32);
  for (char& c : ref) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') c = '-';
  }
  return ref;
}

PackageView ViewOf(store::PackageRecord p, std::vector<store::PackageLineRecord> lines) {
  p.label.reset();
  return {std::move(p), std::move(lines)};
}

// Why a package cannot go to the carrier now; "" when it can.
std::string NotReady(const store::PackageRecord& p, const store::OrderRecord& o) {
  const std::string name = PackageName(p.package_id);
  switch (p.state) {
    case store::PackageState::kShipped:
      return name + " was handed off already";
    case store::PackageState::kCancelled:
      return name + " belongs to cancelled order " + Shown(o.order_id);
    case store::PackageState::kOpen:
      return name + " is still open";
    case store::PackageState::kClosed:
      break;
  }
  if (o.state != core::OrderState::kPacked) {
    return "order " + Shown(o.order_id) + " is " + core::OrderStateName(o.state) + ", not packed";
  }
  if (p.label_state != store::LabelState::kVerified) {
    return "the label of " + name + " is " + store::LabelStateName(p.label_state) +
           ", not verified: scan it on the package first";
  }
  return "";
}

}  // namespace

Result<store::TaskRecord> OrderService::PackTaskOf(store::Transaction& txn, const std::string& order_id,
                                                   const core::Actor& by) {
  ORD_ASSIGN_OR_RETURN(auto tasks, repo_.TasksOfOrder(order_id));
  for (auto& t : tasks) {
    if (t.kind != core::TaskKind::kPack || !core::IsActiveTaskState(t.state)) continue;
    EDGE_RETURN_IF_ERROR(BeginWork(txn, t, by));
    return t;
  }
  return Status::FailedPrecondition("order " + Shown(order_id) + " has no open pack task");
}

Result<store::OrderRecord> OrderService::OrderToPack(const std::string& order_id) {
  ORD_ASSIGN_OR_RETURN(auto order, repo_.FindOrder(order_id));
  if (!order) return Status::NotFound("order " + Shown(order_id) + " is unknown to this store");
  if (!core::IsShipKind(order->kind)) {
    return Status::FailedPrecondition("order " + Shown(order_id) + " is " + core::OrderKindName(order->kind) +
                                      ": only orders that ship are packed");
  }
  if (order->state != core::OrderState::kPicked) {
    return Status::FailedPrecondition("order " + Shown(order_id) + " is " +
                                      core::OrderStateName(order->state) + ", not picked");
  }
  return *order;
}

// ---- packing ----

Result<PackageView> OrderService::OpenPackage(const std::string& order_id, const std::string& box,
                                              const std::string& station, const core::Actor& by) {
  const std::string what = "open package for order " + Shown(order_id);
  EDGE_RETURN_IF_ERROR(CheckRole(by, core::Role::kAssociate, what));
  if (Status s = core::ValidateStoreId(station); !s.ok()) {
    return Bad("station", "must be [A-Za-z0-9_-]{1,32}, got " + Shown(station)).WithContext(what);
  }
  if (!options_.stations.empty() &&
      std::find(options_.stations.begin(), options_.stations.end(), station) == options_.stations.end()) {
    std::string known;
    for (const auto& s : options_.stations) known += (known.empty() ? "" : ", ") + s;
    return Bad("station", Shown(station) + " is not a packing station (" + known + ")").WithContext(what);
  }
  const BoxType* type = nullptr;
  std::string names;
  for (const auto& b : options_.boxes) {
    if (b.name == box) type = &b;
    names += (names.empty() ? "" : ", ") + b.name;
  }
  if (!type) return Bad("box", Shown(box) + " is not in the box catalogue (" + names + ")").WithContext(what);

  ORD_ASSIGN_OR_RETURN(auto txn, store::Transaction::Begin(store_.db()));
  auto order = OrderToPack(order_id);
  if (!order.ok()) return order.status().WithContext(what);
  ORD_ASSIGN_OR_RETURN(auto task, PackTaskOf(*txn, order_id, by));
  (void)task;
  ORD_ASSIGN_OR_RETURN(int64_t n, repo_.NextPackageNumber());
  ORD_ASSIGN_OR_RETURN(auto existing, repo_.PackagesOf(order_id));
  store::PackageRecord p;
  p.package_id = options_.store_id + "-P" + std::to_string(n);
  p.order_id = order_id;
  p.seq = static_cast<int64_t>(existing.size()) + 1;
  p.box = type->name;
  p.length_mm = type->length_mm;
  p.width_mm = type->width_mm;
  p.height_mm = type->height_mm;
  p.state = store::PackageState::kOpen;
  p.station = station;
  p.packed_by = by.id;
  p.created_ms = NowMs();
  EDGE_RETURN_IF_ERROR(repo_.InsertPackage(*txn, p));
  EDGE_RETURN_IF_ERROR(
      auth_.Audit(*txn, by, "package.open", p.package_id, order_id + " " + box + " at " + station));
  EDGE_RETURN_IF_ERROR(txn->Commit());
  return ViewOf(std::move(p), {});
}

Result<PackageView> OrderService::PackUnits(const PackCommand& c, const core::Actor& by) {
  const std::string what = "pack (" + PackageName(c.package_id) + ")";
  EDGE_RETURN_IF_ERROR(CheckRole(by, core::Role::kAssociate, what));
  if (Status s = core::ValidateQuantity("qty", c.qty, 1); !s.ok()) return s.WithContext(what);
  auto entry = ScannedOrManual(c.scan, c.aim_id, c.manual_reason, c.line_id.has_value(), "line_id");
  if (!entry.ok()) return entry.status().WithContext(what);
  const std::optional<std::string> gtin = *entry;
  std::optional<std::string> scanned_sku;
  if (gtin) {
    ORD_ASSIGN_OR_RETURN(scanned_sku, SkuOfGtin(*gtin));
  }

  ORD_ASSIGN_OR_RETURN(auto txn, store::Transaction::Begin(store_.db()));
  ORD_ASSIGN_OR_RETURN(auto package, repo_.FindPackage(c.package_id));
  if (!package) return Status::NotFound(what + ": no such package");
  if (package->state != store::PackageState::kOpen) {
    return Status::FailedPrecondition(what + ": it is " + store::PackageStateName(package->state));
  }
  auto order = OrderToPack(package->order_id);
  if (!order.ok()) return order.status().WithContext(what);
  ORD_ASSIGN_OR_RETURN(auto task, PackTaskOf(*txn, package->order_id, by));
  (void)task;
  ORD_ASSIGN_OR_RETURN(auto lines, repo_.LinesOf(package->order_id));
  auto matches = [&](const store::OrderLineRecord& l) {
    if (!gtin) return true;
    return (scanned_sku && *scanned_sku == l.sku) || (l.gtin && *l.gtin == *gtin);
  };
  store::OrderLineRecord* line = nullptr;
  std::string to_pack;
  for (auto& l : lines) {
    const int64_t left = l.picked - l.packed;
    if (left > 0) {
      to_pack += (to_pack.empty() ? "" : ", ") + l.sku +
                 (l.description.empty() ? "" : " " + Shown(l.description)) + " (" + std::to_string(left) +
                 ")";
    }
    if (line) continue;
    if (c.line_id ? l.line_id == *c.line_id : (left > 0 && matches(l))) line = &l;
  }
  if (c.line_id && !line)
    return Status::NotFound(what + ": order line " + Shown(*c.line_id) + " is not in the order");
  if (!line || !matches(*line)) {
    if (to_pack.empty()) return Status::FailedPrecondition(what + ": every picked unit is packed already");
    return Status::InvalidArgument(what + ": wrong item: scanned GTIN " + *gtin +
                                   (scanned_sku ? " (" + *scanned_sku + ")" : " (unknown to this store)") +
                                   "; still to pack: " + to_pack);
  }
  if (c.qty > line->picked - line->packed) {
    return Status::FailedPrecondition(what + ": line " + Shown(line->line_id) + " has " +
                                      std::to_string(line->picked - line->packed) +
                                      " picked unit(s) not packed, got " + std::to_string(c.qty));
  }
  line->packed += c.qty;
  EDGE_RETURN_IF_ERROR(repo_.UpdateLine(*txn, *line));
  EDGE_RETURN_IF_ERROR(repo_.AddPackageLine(*txn, {c.package_id, package->order_id, line->line_id, c.qty}));
  EDGE_RETURN_IF_ERROR(auth_.Audit(*txn, by, "package.pack", c.package_id,
                                   std::to_string(c.qty) + " of " +
                                       LineRef(package->order_id, line->line_id) +
                                       (c.scan ? "" : " manual: " + *c.manual_reason)));
  ORD_ASSIGN_OR_RETURN(auto contents, repo_.PackageLinesOf(c.package_id));
  EDGE_RETURN_IF_ERROR(txn->Commit());
  return ViewOf(std::move(*package), std::move(contents));
}

Result<PackageView> OrderService::ClosePackage(const std::string& package_id, int64_t weight_g,
                                               const core::Actor& by) {
  const std::string what = "close " + PackageName(package_id);
  EDGE_RETURN_IF_ERROR(CheckRole(by, core::Role::kAssociate, what));
  if (weight_g < 1 || weight_g > kMaxWeightG) {
    return Bad("weight_g", "must be 1.." + std::to_string(kMaxWeightG) + ", got " + std::to_string(weight_g))
        .WithContext(what);
  }
  ORD_ASSIGN_OR_RETURN(auto txn, store::Transaction::Begin(store_.db()));
  ORD_ASSIGN_OR_RETURN(auto package, repo_.FindPackage(package_id));
  if (!package) return Status::NotFound(what + ": no such package");
  if (package->state != store::PackageState::kOpen) {
    return Status::FailedPrecondition(what + ": it is " + store::PackageStateName(package->state));
  }
  ORD_ASSIGN_OR_RETURN(auto task, PackTaskOf(*txn, package->order_id, by));
  (void)task;
  ORD_ASSIGN_OR_RETURN(auto contents, repo_.PackageLinesOf(package_id));
  if (contents.empty()) return Status::FailedPrecondition(what + ": it is empty");
  package->state = store::PackageState::kClosed;
  package->weight_g = weight_g;
  package->closed_ms = NowMs();
  EDGE_RETURN_IF_ERROR(repo_.UpdatePackage(*txn, *package));
  EDGE_RETURN_IF_ERROR(auth_.Audit(*txn, by, "package.close", package_id, std::to_string(weight_g) + " g"));
  EDGE_RETURN_IF_ERROR(txn->Commit());
  return ViewOf(std::move(*package), std::move(contents));
}

Status OrderService::FinishPacking(const std::string& order_id, const core::Actor& by) {
  const std::string what = "finish packing order " + Shown(order_id);
  EDGE_RETURN_IF_ERROR(CheckRole(by, core::Role::kAssociate, what));
  ORD_ASSIGN_OR_RETURN(auto txn, store::Transaction::Begin(store_.db()));
  auto order = OrderToPack(order_id);
  if (!order.ok()) return order.status().WithContext(what);
  ORD_ASSIGN_OR_RETURN(auto task, PackTaskOf(*txn, order_id, by));
  ORD_ASSIGN_OR_RETURN(auto lines, repo_.LinesOf(order_id));
  for (const auto& l : lines) {
    if (l.packed != l.picked) {
      return Status::FailedPrecondition(what + ": line " + Shown(l.line_id) + " has " +
                                        std::to_string(l.picked - l.packed) + " picked unit(s) not packed");
    }
  }
  ORD_ASSIGN_OR_RETURN(auto packages, repo_.PackagesOf(order_id));
  json list = json::array();
  for (const auto& p : packages) {
    if (p.state == store::PackageState::kCancelled) continue;
    if (p.state == store::PackageState::kOpen) {
      // An empty open package is a box not used: it must be closed or the
      // OMS would buy a label for it, so it is refused rather than dropped.
      return Status::FailedPrecondition(what + ": " + PackageName(p.package_id) + " is still open");
    }
    ORD_ASSIGN_OR_RETURN(auto contents, repo_.PackageLinesOf(p.package_id));
    json cl = json::array();
    for (const auto& c : contents) cl.push_back({{"line_id", c.line_id}, {"qty", c.qty}});
    list.push_back({{"package_id", p.package_id},
                    {"weight_g", p.weight_g.value_or(0)},
                    {"dims_mm", json::array({p.length_mm, p.width_mm, p.height_mm})},
                    {"box", p.box},
                    {"lines", cl}});
  }
  if (list.empty()) return Status::FailedPrecondition(what + ": no package was packed");
  ORD_ASSIGN_OR_RETURN(int64_t seq, Emit(*txn, "order.packed", {{"order_id", order_id}, {"packages", list}}));
  (void)seq;
  EDGE_RETURN_IF_ERROR(MoveOrder(*txn, *order, core::OrderState::kPacked));
  task.state = core::TaskState::kDone;
  task.updated_ms = NowMs();
  EDGE_RETURN_IF_ERROR(repo_.UpdateTask(*txn, task));
  EDGE_RETURN_IF_ERROR(
      auth_.Audit(*txn, by, "order.packed", order_id, std::to_string(list.size()) + " package(s)"));
  return txn->Commit();
}

Result<core::PackingSlip> OrderService::PackingSlipContent(const std::string& package_id) {
  ORD_ASSIGN_OR_RETURN(auto package, repo_.FindPackage(package_id));
  if (!package) return Status::NotFound("packing slip: " + PackageName(package_id) + " is unknown");
  ORD_ASSIGN_OR_RETURN(auto order, repo_.FindOrder(package->order_id));
  if (!order) return Status::Internal("packing slip: order " + Shown(package->order_id) + " is missing");
  ORD_ASSIGN_OR_RETURN(auto lines, repo_.LinesOf(order->order_id));
  ORD_ASSIGN_OR_RETURN(auto contents, repo_.PackageLinesOf(package_id));
  ORD_ASSIGN_OR_RETURN(auto packages, repo_.PackagesOf(order->order_id));
  int64_t total = 0;
  for (const auto& p : packages) total += p.state != store::PackageState::kCancelled;

  core::PackingSlip slip;
  slip.order_ref = SlipRef(order->order_ref, order->order_id);
  slip.store_name = "Store " + options_.store_id;
  slip.date = core::FormatRfc3339(clock_.Now()).substr(0, 10);
  // ship_to as routed; fields that are absent or not strings are left out.
  const json ship_to = json::parse(order->ship_to_json, nullptr, /*allow_exceptions=*/false);
  auto field = [&](const char* key) -> std::string {
    if (!ship_to.is_object()) return "";
    auto it = ship_to.find(key);
    return it != ship_to.end() && it->is_string() ? Printable(it->get<std::string>()) : "";
  };
  slip.ship_to.name = field("name");
  if (slip.ship_to.name.empty()) slip.ship_to.name = "Order " + slip.order_ref;
  std::string town = field("city");
  for (const char* key : {"region", "postcode"}) {
    const std::string v = field(key);
    if (!v.empty()) town += (town.empty() ? "" : " ") + v;
  }
  for (const std::string& l : {field("line1"), field("line2"), town, field("country")}) {
    if (!l.empty()) slip.ship_to.lines.push_back(l);
  }
  for (const auto& c : contents) {
    for (const auto& l : lines) {
      if (l.line_id == c.line_id) {
        slip.lines.push_back({Printable(l.sku), Printable(l.description), static_cast<int>(c.qty)});
      }
    }
  }
  slip.note = "Package " + package->package_id + " (" + std::to_string(package->seq) + " of " +
              std::to_string(total) + ")";
  return slip;
}

Result<Document> OrderService::PackingSlip(const std::string& package_id, core::Paper paper) {
  ORD_ASSIGN_OR_RETURN(auto slip, PackingSlipContent(package_id));
  auto pdf = core::PackingSlipPdf(slip, paper);
  if (!pdf.ok()) return pdf.status().WithContext("packing slip of " + PackageName(package_id));
  return Document{"pdf", std::move(pdf).value()};
}

Status OrderService::PrintPackingSlip(const std::string& package_id, const core::Actor& by) {
  EDGE_RETURN_IF_ERROR(CheckRole(by, core::Role::kAssociate, "print packing slip"));
  ORD_ASSIGN_OR_RETURN(auto slip, PackingSlip(package_id));
  ORD_ASSIGN_OR_RETURN(auto package, repo_.FindPackage(package_id));
  {
    ORD_ASSIGN_OR_RETURN(auto txn, store::Transaction::Begin(store_.db()));
    EDGE_RETURN_IF_ERROR(auth_.Audit(*txn, by, "package.print_slip", package_id, package->station));
    EDGE_RETURN_IF_ERROR(txn->Commit());
  }
  return printer_.QueuePrint(package->station, "packing_slip", package_id, slip.format, slip.bytes);
}

// ---- labels ----

Result<Applied> OrderService::ApplyShipmentLabel(const json& data, const std::optional<InboundRef>& inbound,
                                                 bool print_now) {
  auto bad = [](const Status& s) { return s.WithContext(kLabel); };
  if (Status s = RequireObject(data, "data"); !s.ok()) return bad(s);
  auto order_id = ReqString(data, "", "order_id", kMaxOrderId);
  if (!order_id.ok()) return bad(order_id.status());
  auto package_id = ReqString(data, "", "package_id", 64);
  if (!package_id.ok()) return bad(package_id.status());
  auto carrier = ReqString(data, "", "carrier", 64);
  if (!carrier.ok()) return bad(carrier.status());
  auto tracking = ReqString(data, "", "tracking", kMaxTracking);
  if (!tracking.ok()) return bad(tracking.status());
  if (Status s = core::ValidateIdText("tracking", *tracking, kMaxTracking); !s.ok()) return bad(s);
  auto format = ReqString(data, "", "format", 8);
  if (!format.ok()) return bad(format.status());
  if (*format != "zpl" && *format != "pdf")
    return bad(Bad("format", "must be zpl or pdf, got " + Shown(*format)));
  auto encoded = ReqString(data, "", "data", kMaxLabelBytes / 3 * 4 + 4);
  if (!encoded.ok()) return bad(encoded.status());
  auto bytes = DecodeBase64(*encoded);
  if (!bytes) return bad(Bad("data", "must be base64"));
  if (bytes->empty() || bytes->size() > kMaxLabelBytes) {
    return bad(Bad("data", "must decode to 1.." + std::to_string(kMaxLabelBytes) + " bytes, got " +
                               std::to_string(bytes->size())));
  }
  ORD_ASSIGN_OR_RETURN(bool dup, IsDuplicate(inbound));
  if (dup) return Applied::kDuplicate;

  ORD_ASSIGN_OR_RETURN(auto txn, store::Transaction::Begin(store_.db()));
  ORD_ASSIGN_OR_RETURN(auto package, repo_.FindPackage(*package_id));
  if (!package)
    return Status::NotFound(std::string(kLabel) + ": package_id: " + Shown(*package_id) + " is unknown");
  if (package->order_id != *order_id) {
    return Status::InvalidArgument(std::string(kLabel) + ": package_id: " + Shown(*package_id) +
                                   " belongs to order " + Shown(package->order_id) + ", not " +
                                   Shown(*order_id));
  }
  bool print = false;
  const bool same = package->tracking == *tracking && package->label == *bytes &&
                    package->carrier == *carrier && package->label_state != store::LabelState::kNone;
  if (package->state == store::PackageState::kShipped) {
    log::Warn("label.after_handoff").Kv("package_id", *package_id).Kv("tracking", *tracking);
  } else if (!same) {
    package->carrier = *carrier;
    package->tracking = *tracking;
    package->label_format = *format;
    package->label = *bytes;
    // A cancelled order's package is kept with its label but never printed.
    print = package->state != store::PackageState::kCancelled;
    package->label_state = print ? store::LabelState::kReceived : store::LabelState::kVoided;
    EDGE_RETURN_IF_ERROR(repo_.UpdatePackage(*txn, *package));
  }
  EDGE_RETURN_IF_ERROR(RecordInbound(*txn, inbound));
  EDGE_RETURN_IF_ERROR(txn->Commit());
  // Printed only once committed; a printer that is away leaves the label
  // received for RetryLabelPrints, which is not the OMS's error.
  if (print && print_now) {
    Status s = PrintLabel(*package_id);
    (void)s;
  }
  return Applied::kApplied;
}

Status OrderService::PrintLabel(const std::string& package_id) {
  ORD_ASSIGN_OR_RETURN(auto package, repo_.FindPackage(package_id));
  if (!package || !package->label || !package->label_format) {
    return Status::FailedPrecondition(PackageName(package_id) + " has no label");
  }
  Status s = printer_.QueuePrint(package->station, "carrier_label", package_id, *package->label_format,
                                 *package->label);
  if (!s.ok()) {
    log::Warn("label.print_failed")
        .Kv("package_id", package_id)
        .Kv("station", package->station)
        .Kv("error", s.ToString());
    return s.WithContext("print label of " + PackageName(package_id));
  }
  ORD_ASSIGN_OR_RETURN(auto txn, store::Transaction::Begin(store_.db()));
  ORD_ASSIGN_OR_RETURN(auto again, repo_.FindPackage(package_id));
  if (again && again->label_state == store::LabelState::kReceived) {
    again->label_state = store::LabelState::kQueued;
    EDGE_RETURN_IF_ERROR(repo_.UpdatePackage(*txn, *again));
  }
  return txn->Commit();
}

Result<int> OrderService::RetryLabelPrints() {
  ORD_ASSIGN_OR_RETURN(auto pending, repo_.PackagesWithLabel(store::LabelState::kReceived));
  int queued = 0;
  for (const auto& p : pending) {
    if (p.state == store::PackageState::kShipped || p.state == store::PackageState::kCancelled) continue;
    Status s = PrintLabel(p.package_id);
    if (s.ok()) ++queued;
  }
  return queued;
}

Status OrderService::VerifyLabel(const std::string& package_id, const std::string& scan,
                                 const std::string& aim_id, const core::Actor& by) {
  const std::string what = "verify label of " + PackageName(package_id);
  EDGE_RETURN_IF_ERROR(CheckRole(by, core::Role::kAssociate, what));
  const core::Scan s = LenientScan(scan, aim_id);
  const std::string tracking = s.kind == core::Scan::Kind::kTracking ? s.tracking : s.raw;
  ORD_ASSIGN_OR_RETURN(auto txn, store::Transaction::Begin(store_.db()));
  ORD_ASSIGN_OR_RETURN(auto package, repo_.FindPackage(package_id));
  if (!package) return Status::NotFound(what + ": no such package");
  if (package->state != store::PackageState::kClosed && package->state != store::PackageState::kOpen) {
    return Status::FailedPrecondition(what + ": the package is " + store::PackageStateName(package->state));
  }
  switch (package->label_state) {
    case store::LabelState::kNone:
      return Status::FailedPrecondition(what + ": no label has arrived for it yet");
    case store::LabelState::kVoided:
      return Status::FailedPrecondition(what + ": its label was voided; reprint it first");
    default:
      break;
  }
  if (package->tracking != tracking) {
    ORD_ASSIGN_OR_RETURN(auto other, repo_.FindPackageByTracking(tracking));
    if (other) {
      return Status::InvalidArgument(what + ": wrong label: " + Shown(tracking) + " belongs to " +
                                     PackageName(other->package_id) + " of order " + Shown(other->order_id));
    }
    return Status::InvalidArgument(what + ": wrong label: scanned " + Shown(tracking) + ", expected " +
                                   Shown(package->tracking.value_or("")));
  }
  package->label_state = store::LabelState::kVerified;
  EDGE_RETURN_IF_ERROR(repo_.UpdatePackage(*txn, *package));
  EDGE_RETURN_IF_ERROR(auth_.Audit(*txn, by, "label.verify", package_id, tracking));
  return txn->Commit();
}

Status OrderService::VoidLabel(const std::string& package_id, const std::string& reason,
                               const core::Actor& by) {
  const std::string what = "void label of " + PackageName(package_id);
  EDGE_RETURN_IF_ERROR(CheckRole(by, core::Role::kAssociate, what));
  if (reason.empty() || reason.size() > kMaxText)
    return Bad("reason", "must be 1..512 bytes").WithContext(what);
  ORD_ASSIGN_OR_RETURN(auto txn, store::Transaction::Begin(store_.db()));
  ORD_ASSIGN_OR_RETURN(auto package, repo_.FindPackage(package_id));
  if (!package) return Status::NotFound(what + ": no such package");
  if (package->state == store::PackageState::kShipped || package->state == store::PackageState::kCancelled) {
    return Status::FailedPrecondition(what + ": the package is " + store::PackageStateName(package->state));
  }
  if (package->label_state == store::LabelState::kNone ||
      package->label_state == store::LabelState::kVoided) {
    return Status::FailedPrecondition(what + ": the label is " + store::LabelStateName(package->label_state));
  }
  package->label_state = store::LabelState::kVoided;
  EDGE_RETURN_IF_ERROR(repo_.UpdatePackage(*txn, *package));
  EDGE_RETURN_IF_ERROR(auth_.Audit(*txn, by, "label.void", package_id, reason));
  return txn->Commit();
}

Status OrderService::ReprintLabel(const std::string& package_id, const core::Actor& by) {
  const std::string what = "reprint label of " + PackageName(package_id);
  EDGE_RETURN_IF_ERROR(CheckRole(by, core::Role::kAssociate, what));
  {
    ORD_ASSIGN_OR_RETURN(auto txn, store::Transaction::Begin(store_.db()));
    ORD_ASSIGN_OR_RETURN(auto package, repo_.FindPackage(package_id));
    if (!package) return Status::NotFound(what + ": no such package");
    if (package->state == store::PackageState::kShipped ||
        package->state == store::PackageState::kCancelled) {
      return Status::FailedPrecondition(what + ": the package is " + store::PackageStateName(package->state));
    }
    if (!package->label) return Status::FailedPrecondition(what + ": no label has arrived for it yet");
    // A new print must be verified again before handoff.
    package->label_state = store::LabelState::kReceived;
    EDGE_RETURN_IF_ERROR(repo_.UpdatePackage(*txn, *package));
    EDGE_RETURN_IF_ERROR(auth_.Audit(*txn, by, "label.reprint", package_id));
    EDGE_RETURN_IF_ERROR(txn->Commit());
  }
  return PrintLabel(package_id);
}

// ---- carrier handoff ----

Result<std::vector<store::PackageRecord>> OrderService::Manifest(const std::string& carrier) {
  ORD_ASSIGN_OR_RETURN(auto ready, repo_.ReadyPackages(carrier));
  for (auto& p : ready) p.label.reset();
  return ready;
}

Result<std::vector<HandoffResult>> OrderService::ShipPackages(store::Transaction& txn,
                                                              store::OrderRecord& order,
                                                              std::vector<store::PackageRecord> packages,
                                                              const core::Actor& by) {
  const std::string& order_id = order.order_id;
  json list = json::array();
  for (const auto& p : packages) {
    list.push_back({{"package_id", p.package_id},
                    {"tracking", p.tracking.value_or("")},
                    {"carrier", p.carrier.value_or("")}});
  }
  // The event first: the goods leaving on-hand are recorded with its seq, so
  // a later inventory snapshot replays them when it must.
  ORD_ASSIGN_OR_RETURN(int64_t seq, Emit(txn, "order.shipped", {{"order_id", order_id}, {"packages", list}}));
  ORD_ASSIGN_OR_RETURN(auto lines, repo_.LinesOf(order_id));
  ORD_ASSIGN_OR_RETURN(auto pick_lines, repo_.PickLinesOfOrder(order_id));
  std::vector<HandoffResult> out;
  for (auto& p : packages) {
    ORD_ASSIGN_OR_RETURN(auto contents, repo_.PackageLinesOf(p.package_id));
    for (const auto& c : contents) {
      // Units leave from the bins they were picked at.
      int64_t left = c.qty;
      for (auto& pl : pick_lines) {
        if (left == 0) break;
        if (pl.line_id != c.line_id) continue;
        const int64_t n = std::min(left, pl.picked - pl.shipped - pl.returned);
        if (n <= 0) continue;
        EDGE_RETURN_IF_ERROR(inventory_.ConsumeIn(
            txn, seq, order_id, c.line_id, n,
            pl.location.empty() ? std::nullopt : std::optional<std::string>(pl.location)));
        pl.shipped += n;
        EDGE_RETURN_IF_ERROR(repo_.UpdatePickLine(txn, pl));
        left -= n;
      }
      if (left != 0) {
        return Status::Internal("ship " + PackageName(p.package_id) + ": line " + Shown(c.line_id) +
                                " has fewer picked units than packed");
      }
      for (auto& l : lines) {
        if (l.line_id == c.line_id) {
          l.shipped += c.qty;
          EDGE_RETURN_IF_ERROR(repo_.UpdateLine(txn, l));
        }
      }
    }
    p.state = store::PackageState::kShipped;
    p.shipped_ms = NowMs();
    EDGE_RETURN_IF_ERROR(repo_.UpdatePackage(txn, p));
    EDGE_RETURN_IF_ERROR(auth_.Audit(txn, by, "package.handoff", p.package_id, p.tracking.value_or("")));
    out.push_back({p.package_id, order_id, p.tracking.value_or(""), false});
  }
  ORD_ASSIGN_OR_RETURN(auto all, repo_.PackagesOf(order_id));
  bool every = true;
  for (const auto& p : all)
    every &= p.state == store::PackageState::kShipped || p.state == store::PackageState::kCancelled;
  if (every) {
    EDGE_RETURN_IF_ERROR(MoveOrder(txn, order, core::OrderState::kShipped));
    // Nothing should be held any more; release whatever is, so no
    // reservation outlives a shipped order.
    for (const auto& l : lines) {
      if (l.accepted > 0) {
        EDGE_RETURN_IF_ERROR(
            inventory_.ReleaseIn(txn, seq, order_id, l.line_id, core::ReleaseReason::kShipped));
      }
    }
    for (auto& r : out) r.order_shipped = true;
  }
  return out;
}

Result<HandoffResult> OrderService::HandOff(const std::string& carrier, const std::string& scan,
                                            const std::string& aim_id, const core::Actor& by) {
  const std::string what = "handoff";
  EDGE_RETURN_IF_ERROR(CheckRole(by, core::Role::kAssociate, what));
  const core::Scan s = LenientScan(scan, aim_id);
  ORD_ASSIGN_OR_RETURN(auto txn, store::Transaction::Begin(store_.db()));
  std::optional<store::PackageRecord> package;
  if (s.kind == core::Scan::Kind::kPackage) {
    ORD_ASSIGN_OR_RETURN(package, repo_.FindPackage(s.package_id));
  } else {
    const std::string& text = s.kind == core::Scan::Kind::kTracking ? s.tracking : s.raw;
    ORD_ASSIGN_OR_RETURN(package, repo_.FindPackageByTracking(text));
    if (!package) {
      ORD_ASSIGN_OR_RETURN(package, repo_.FindPackage(text));
    }
  }
  if (!package) return Status::NotFound(what + ": scan " + Shown(s.raw) + " names no package of this store");
  ORD_ASSIGN_OR_RETURN(auto order, repo_.FindOrder(package->order_id));
  if (!order) return Status::Internal(what + ": order " + Shown(package->order_id) + " is missing");
  if (std::string why = NotReady(*package, *order); !why.empty())
    return Status::FailedPrecondition(what + ": " + why);
  if (!carrier.empty() && package->carrier != carrier) {
    return Status::FailedPrecondition(what + ": " + PackageName(package->package_id) + " goes with " +
                                      Shown(package->carrier.value_or("")) + ", not " + Shown(carrier));
  }
  ORD_ASSIGN_OR_RETURN(auto shipped, ShipPackages(*txn, *order, {*package}, by));
  EDGE_RETURN_IF_ERROR(txn->Commit());
  return shipped.front();
}

Result<std::vector<HandoffResult>> OrderService::ConfirmManifest(const std::string& carrier,
                                                                 const core::Actor& by) {
  const std::string what = "confirm manifest";
  EDGE_RETURN_IF_ERROR(CheckRole(by, core::Role::kAssociate, what));
  ORD_ASSIGN_OR_RETURN(auto txn, store::Transaction::Begin(store_.db()));
  ORD_ASSIGN_OR_RETURN(auto ready, repo_.ReadyPackages(carrier));
  std::map<std::string, std::vector<store::PackageRecord>> by_order;
  for (auto& p : ready) by_order[p.order_id].push_back(std::move(p));
  std::vector<HandoffResult> out;
  for (auto& [order_id, packages] : by_order) {
    ORD_ASSIGN_OR_RETURN(auto order, repo_.FindOrder(order_id));
    if (!order) return Status::Internal(what + ": order " + Shown(order_id) + " is missing");
    ORD_ASSIGN_OR_RETURN(auto shipped, ShipPackages(*txn, *order, std::move(packages), by));
    out.insert(out.end(), shipped.begin(), shipped.end());
  }
  EDGE_RETURN_IF_ERROR(txn->Commit());
  return out;
}

}  // namespace edge::app
