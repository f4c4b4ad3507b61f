// CentralSim: a simulated central OMS for one or many stores, following
// ../shared/PROTOCOL.md from the central side. It is the OMS of the demo
// (`make run`) and the central side of the end-to-end and fleet tests.
//
// For each store, once its retained status says `online`:
//  - sends `sync.snapshot_follows` and a chunked `inventory.snapshot` of the
//    catalogue (as of the last event seq it has seen from the store), and an
//    `inventory.incoming` purchase order for the items out of stock;
//  - routes orders of every kind (ship_from_store, bopis, curbside,
//    same_day) at a steady pace: 1–4 lines, now and then a line the store
//    cannot fill (an unknown SKU, more than it has) or a backorder/preorder
//    line; pickup orders carry a pickup code and a hold time;
//  - answers `order.packed` with a ZPL `shipment.label` per package;
//  - sometimes asks to cancel an accepted order, and reports a customer's
//    arrival ("I'm here" in the app) some time after `order.ready_for_pickup`;
//  - books POS sales (`inventory.delta` pos_sale) and, later, the receipt of
//    its purchase order (`inventory.delta` receipt with the PO's ref), which
//    fills waiting backorder lines;
//  - answers `sync.replay_requested` and an `online` status whose `next_seq`
//    shows messages the store never applied, by sending them again (same id
//    and seq).
// It checks what comes back: every event's envelope names the store of its
// topic, the store's events arrive with seqs 1, 2, 3 … without gaps, and every
// `now` line of every order is decided (accepted or rejected).
//
// Pure logic with the time passed in: OnMessage/Tick return the messages to
// publish; the transport (sim_main.cc: Paho) does the rest. One thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "edge/core/clock.h"
#include "edge/sim/catalogue.h"

namespace edge::sim {

struct SimOptions {
  std::vector<std::string> stores;  // store ids, [A-Za-z0-9_-]{1,32}
  uint64_t seed = 1;
  std::chrono::milliseconds order_interval{15000};  // per store
  int orders = 0;                                   // per store; 0: no end
  std::vector<std::string> kinds = {"ship_from_store", "bopis", "curbside", "same_day"};
  int cancel_pct = 8;      // of accepted orders, a cancel request follows
  int arrive_pct = 70;     // of ready pickup orders, the customer arrives
  int unfillable_pct = 4;  // of lines: an unknown SKU or more than in stock
  int backorder_pct = 4;   // of orders: one backorder or preorder line
  int pos_sale_every = 3;  // a POS sale every N orders (0: none)
  int receipt_after = 12;  // the PO is received after N orders (0: never)
  size_t snapshot_chunk = 100;
};

struct Outgoing {
  std::string topic;
  std::string payload;
};

class CentralSim {
 public:
  CentralSim(SimOptions options, std::vector<CatalogueItem> catalogue);
  ~CentralSim();
  CentralSim(const CentralSim&) = delete;
  CentralSim& operator=(const CentralSim&) = delete;

  // What the transport subscribes to: every store's events and status.
  static std::vector<std::string> Subscriptions();

  // A message from the broker; returns what to publish in answer.
  std::vector<Outgoing> OnMessage(const std::string& topic, const std::string& payload, core::TimePoint now);
  // Whatever is due at `now` (orders, cancels, arrivals, sales, receipts).
  std::vector<Outgoing> Tick(core::TimePoint now);
  // When Tick has something to do next (now + 1 s when nothing is planned).
  core::TimePoint NextWake(core::TimePoint now) const;

  // Every store sent its `orders` (when limited), every `now` line of them
  // decided, every cancel request answered, nothing planned, and each
  // store's events complete so far.
  bool Done() const;
  // Per store: orders sent/decided, events (count, by type, highest seq,
  // missing seqs, duplicates), messages sent, and what was wrong; plus
  // "done" and "ok" (nothing wrong).
  nlohmann::json Report() const;

  // One line per notable thing done or seen ("DEMO → order.routed …").
  void SetLog(std::function<void(const std::string&)> log) { log_ = std::move(log); }

 private:
  struct Order;
  struct Store;
  struct Planned {
    core::TimePoint at;
    std::string store;
    std::string what;  // "cancel", "arrive", "receipt"
    std::string order_id;
  };

  Store* StoreOf(const std::string& id);
  Outgoing Send(Store& s, const std::string& stream, const std::string& type, nlohmann::json data,
                core::TimePoint now);
  void Resend(Store& s, const std::string& stream, int64_t from_seq, std::vector<Outgoing>* out);
  void Start(Store& s, core::TimePoint now, std::vector<Outgoing>* out);
  void RouteOrder(Store& s, core::TimePoint now, std::vector<Outgoing>* out);
  void OnEvent(Store& s, const nlohmann::json& e, core::TimePoint now, std::vector<Outgoing>* out);
  void Log(const std::string& line) const {
    if (log_) log_(line);
  }
  int Pct() { return static_cast<int>(rng_() % 100); }
  core::Duration Jitter(double from_intervals, double to_intervals);

  SimOptions options_;
  std::vector<CatalogueItem> catalogue_;
  std::mt19937_64 rng_;
  std::map<std::string, std::unique_ptr<Store>> stores_;
  std::vector<Planned> planned_;
  std::function<void(const std::string&)> log_;
  int foreign_events_ = 0;  // on a topic of a store not simulated
};

// The ZPL of a 4×6 in shipping label for a package (what a carrier's API
// would return): ship-to, carrier, tracking as a Code 128 barcode.
std::string ShippingLabelZpl(const std::string& store, const nlohmann::json& ship_to,
                             const std::string& carrier, const std::string& tracking,
                             const std::string& package_id);
std::string Base64(const std::string& bytes);

}  // namespace edge::sim
