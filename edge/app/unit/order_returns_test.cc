// Scenario tests of in-store returns and of backorder/preorder allocation
// (OrderService, issue 6) on a real SQLite file, with the store and every
// service closed and reopened between every two steps: a return of more than
// was bought refused without a trace, partial returns by order ref and by
// order QR, resellable units restocked to a bin and reported as available,
// damaged ones not; received stock given to waiting lines by priority then
// age, reserved and answered by order.accepted; late lines; receipt deltas
// and their duplicates. Every event is compared field by field, and the
// fixture checks at TearDown that the ledger adds up to every figure.
#include <gtest/gtest.h>

#include "edge/app/api.h"
#include "edge/kiosk/http.h"
#include "order_test_support.h"

namespace edge::app::testing_orders {
namespace {

class OrderReturns : public OrderFixture {
 protected:
  // Routes an order of `now` lines and takes it through picking, packing,
  // its label and the carrier handoff; the events it made are drained.
  void Ship(const std::string& order_id, const json& lines, const std::string& tracking) {
    Route(Routed(order_id, lines));
    auto task = orders_->CreatePickTask({order_id}, ana_);
    ASSERT_TRUE(task.ok()) << task.status().ToString();
    PickAll(*task, ana_, kScans);
    if (HasFatalFailure()) return;
    auto p = orders_->OpenPackage(order_id, "M", "PACK-1", bo_);
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    const std::string pid = p->package.package_id;
    for (const auto& l : lines) {
      PackCommand c;
      c.package_id = pid;
      c.scan = kScans.at(l["sku"].get<std::string>());
      c.qty = l["qty"].get<int64_t>();
      auto r = orders_->PackUnits(c, bo_);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
    }
    ASSERT_TRUE(orders_->ClosePackage(pid, 800, bo_).ok());
    ASSERT_TRUE(orders_->FinishPacking(order_id, bo_).ok());
    ASSERT_TRUE(orders_->ApplyShipmentLabel(Label(order_id, pid, tracking)).ok());
    ASSERT_TRUE(orders_->VerifyLabel(pid, tracking, "", bo_).ok());
    auto h = orders_->HandOff("UPS", "SE1:PKG:" + pid, "", sue_);
    ASSERT_TRUE(h.ok()) << h.status().ToString();
    ASSERT_TRUE(h->order_shipped);
    ASSERT_EQ(StateOf(order_id), core::OrderState::kShipped);
    NewEvents();
  }

  static ReturnLine Back(const std::string& line_id, int64_t qty, const std::string& condition,
                         std::optional<std::string> location = std::nullopt, const std::string& reason = "") {
    ReturnLine l;
    l.line_id = line_id;
    l.qty = qty;
    l.condition = condition;
    l.location = std::move(location);
    l.reason = reason;
    return l;
  }

  // "line_id:returnable" of each line the query finds.
  std::vector<std::string> ReturnableOf(const std::string& query) {
    auto r = orders_->Returnable(query);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    std::vector<std::string> out;
    if (!r.ok()) return out;
    for (const auto& l : *r)
      out.push_back(l.line.order_id + "/" + l.line.line_id + ":" + std::to_string(l.returnable));
    return out;
  }

  // Fingerprint() plus the rows only a return writes.
  std::string ReturnFingerprint() {
    std::string f = Fingerprint();
    for (const char* q :
         {"SELECT count(*) FROM returns", "SELECT coalesce(sum(returned), 0) FROM order_lines",
          "SELECT count(*) FROM allocations", "SELECT coalesce(sum(allocated), 0) FROM order_lines"}) {
      auto v = store_->db().QueryInt(q);
      EXPECT_TRUE(v.ok());
      f += std::to_string(v.ok() ? *v : -1) + ",";
    }
    return f;
  }

  // The last inventory.available event's value for `sku` (-1 when absent).
  int64_t LastReportedAvailable(const std::string& sku) {
    int64_t out = -1;
    for (const Event& e : AllEvents()) {
      if (e.type != "inventory.available") continue;
      for (const auto& i : e.data["items"]) {
        if (i["sku"] == sku) out = i["available"].get<int64_t>();
      }
    }
    return out;
  }

  std::optional<store::ReservationRecord> Reservation(const std::string& order_id,
                                                      const std::string& line_id) {
    auto r = inventory_->repo().FindReservation(order_id, line_id);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : std::nullopt;
  }

  store::OrderLineRecord LineOf(const std::string& order_id, const std::string& line_id) {
    auto v = orders_->GetOrder(order_id);
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    if (v.ok()) {
      for (const auto& l : v->lines) {
        if (l.line_id == line_id) return l;
      }
    }
    ADD_FAILURE() << "no line " << order_id << "/" << line_id;
    return {};
  }

  // A backorder (or preorder) line expected at `expected_at`.
  static json Waiting(const std::string& id, const std::string& sku, int64_t qty, const std::string& fulfil,
                      const std::string& expected_at) {
    return {{"line_id", id}, {"sku", sku}, {"qty", qty}, {"fulfil", fulfil}, {"expected_at", expected_at}};
  }

  // "order/line xN" of each allocation.
  static std::vector<std::string> Given(const AllocationResult& r) {
    std::vector<std::string> out;
    for (const auto& a : r.allocations)
      out.push_back(a.order_id + "/" + a.line_id + " x" + std::to_string(a.qty));
    return out;
  }

  // "order/line:waiting[:late]" of each waiting line, in queue order.
  std::vector<std::string> WaitingNow() {
    auto w = orders_->WaitingLines();
    EXPECT_TRUE(w.ok()) << w.status().ToString();
    std::vector<std::string> out;
    if (!w.ok()) return out;
    for (const auto& l : *w) {
      out.push_back(l.line.order_id + "/" + l.line.line_id + ":" + std::to_string(l.waiting) +
                    (l.late ? ":late" : ""));
    }
    return out;
  }

  const std::string tracking_ = Ups("12345E660527223");
};

TEST_F(OrderReturns, MoreThanBoughtRefusedThenAPartialReturnByRefThenTheRestByQr) {
  ASSERT_FALSE(tracking_.empty());
  int64_t on_hand_a = 0;
  std::string fingerprint;
  Steps({
      {"ship O-R1: two shoes, one pair of socks",
       [&] {
         Ship("O-R1", {Line("1", "SKU-A", 2, kGtinA), Line("2", "SKU-B", 1, kUpcB)}, tracking_);
         if (HasFatalFailure()) return;
         on_hand_a = Figures("SKU-A").on_hand;
         EXPECT_EQ(on_hand_a, 6);
         EXPECT_EQ(ReturnableOf("O-R1"), (std::vector<std::string>{"O-R1/1:2", "O-R1/2:1"}));
         fingerprint = ReturnFingerprint();
       }},
      {"three shoes asked back: refused, naming the line, nothing changes",
       [&] {
         ReturnCommand c{"O-R1", {Back("1", 3, "resellable", "A-01-01")}};
         auto r = orders_->ReceiveReturn(c, ana_);
         ASSERT_FALSE(r.ok());
         EXPECT_EQ(r.status().code(), core::StatusCode::kInvalidArgument);
         EXPECT_EQ(
             r.status().message(),
             "return to order 'O-R1': lines[0]: line '1' (SKU-A): 3 asked to be returned, but only 2 may "
             "be (2 fulfilled, 0 returned before)");
         // Two entries of the same line count together.
         c.lines = {Back("1", 2, "resellable", "A-01-01"), Back("2", 1, "damaged"), Back("1", 1, "damaged")};
         r = orders_->ReceiveReturn(c, ana_);
         ASSERT_FALSE(r.ok());
         EXPECT_EQ(
             r.status().message(),
             "return to order 'O-R1': lines[2]: line '1' (SKU-A): 3 in all asked to be returned, but only "
             "2 may be (2 fulfilled, 0 returned before)");
         EXPECT_EQ(ReturnFingerprint(), fingerprint);
         EXPECT_EQ(NewEventsJson(), json::array());
       }},
      {"other bad returns: each refused naming its field, nothing changes",
       [&] {
         auto refused = [&](ReturnCommand c, core::StatusCode code, const std::string& message,
                            const core::Actor& by) {
           auto r = orders_->ReceiveReturn(c, by);
           ASSERT_FALSE(r.ok()) << message;
           EXPECT_EQ(r.status().code(), code) << r.status().ToString();
           EXPECT_EQ(r.status().message(), message);
         };
         using C = core::StatusCode;
         refused(
             {"O-R1", {Back("9", 1, "damaged")}}, C::kInvalidArgument,
             "return to order 'O-R1': lines[0].line_id: '9' is not a line of the order (its lines: '1', '2')",
             ana_);
         refused({"O-R1", {Back("1", 0, "damaged")}}, C::kInvalidArgument,
                 "return to order 'O-R1': lines[0].qty: must be >= 1, got 0", ana_);
         refused({"O-R1", {Back("1", 1, "used")}}, C::kInvalidArgument,
                 "return to order 'O-R1': lines[0].condition: must be resellable or damaged, got 'used'",
                 ana_);
         refused(
             {"O-R1", {Back("1", 1, "resellable")}}, C::kInvalidArgument,
             "return to order 'O-R1': lines[0].location: is required for resellable units (the bin they are "
             "put back to)",
             ana_);
         refused({"O-R1", {Back("1", 1, "resellable", "Z-09-09")}}, C::kInvalidArgument,
                 "return to order 'O-R1': lines[0].location: 'Z-09-09' is not a location of this store",
                 ana_);
         refused(
             {"O-R1", {Back("1", 1, "damaged", "A-01-01")}}, C::kInvalidArgument,
             "return to order 'O-R1': lines[0].location: damaged units are not restocked, so they take no "
             "location",
             ana_);
         refused({"O-NOPE", {Back("1", 1, "damaged")}}, C::kNotFound,
                 "return: no order of this store has the id or ref 'O-NOPE'", ana_);
         refused({"O-R1", {}}, C::kInvalidArgument, "return: lines: must not be empty", ana_);
         refused({"O-R1", {Back("1", 1, "damaged")}}, C::kPermissionDenied,
                 "return: needs role associate, kiosk-1 is kiosk",
                 core::Actor{"kiosk-1", core::Role::kKiosk});
         EXPECT_EQ(ReturnFingerprint(), fingerprint);
         EXPECT_EQ(NewEventsJson(), json::array());
       }},
      {"one shoe back by the order ref, resellable, to A-01-01 by its label",
       [&] {
         EXPECT_EQ(ReturnableOf("W-O-R1"), (std::vector<std::string>{"O-R1/1:2", "O-R1/2:1"}));
         const int64_t at_bin = StockAt("SKU-A", "A-01-01");
         auto r = orders_->ReceiveReturn(
             {"W-O-R1", {Back("1", 1, "resellable", "SE1:LOC:A-01-01", "too small")}}, ana_);
         ASSERT_TRUE(r.ok()) << r.status().ToString();
         EXPECT_EQ(r->order_id, "O-R1");
         ASSERT_EQ(r->recorded.size(), 1u);
         EXPECT_EQ(r->recorded[0].location, "A-01-01");
         EXPECT_EQ(r->recorded[0].associate, "ana");
         EXPECT_EQ(r->recorded[0].sku, "SKU-A");
         EXPECT_EQ(NewEventsJson(), json::array({{"return.received",
                                                  {{"order_id", "O-R1"},
                                                   {"lines", json::array({{{"line_id", "1"},
                                                                           {"qty", 1},
                                                                           {"condition", "resellable"},
                                                                           {"restocked", true},
                                                                           {"reason", "too small"}}})}}}}));
         EXPECT_EQ(StockAt("SKU-A", "A-01-01"), at_bin + 1);
         EXPECT_EQ(Figures("SKU-A"), (core::StockFigures{on_hand_a + 1, 0, 0}));
         // The ledger row carries the event's seq, for a later snapshot's replay.
         auto ledger = inventory_->repo().LedgerOf("SKU-A");
         ASSERT_TRUE(ledger.ok());
         const store::LedgerRecord& last = ledger->back();
         EXPECT_EQ(last.reason, "return");
         EXPECT_EQ(last.ref, "O-R1/1");
         EXPECT_EQ(last.location, "A-01-01");
         EXPECT_EQ(last.d_on_hand, 1);
         EXPECT_EQ(last.origin, "local");
         EXPECT_EQ(last.event_seq, LastSeq());
         EXPECT_EQ(ReturnableOf("O-R1"), (std::vector<std::string>{"O-R1/1:1", "O-R1/2:1"}));
       }},
      {"availability reports the restocked shoe",
       [&] {
         clock_.Advance(std::chrono::seconds(3));
         auto seq = inventory_->FlushAvailable();
         ASSERT_TRUE(seq.ok()) << seq.status().ToString();
         ASSERT_TRUE(seq->has_value());
         EXPECT_EQ(LastReportedAvailable("SKU-A"), on_hand_a + 1);
       }},
      {"the rest by the order QR: the other shoe damaged, the socks resellable",
       [&] {
         const int64_t socks_at_bin = StockAt("SKU-B", "B-02-03");
         auto r = orders_->ReceiveReturn({"SE1:ORD:W-O-R1:123456",
                                          {Back("1", 1, "damaged", std::nullopt, "sole came off"),
                                           Back("2", 1, "resellable", "B-02-03")}},
                                         bo_);
         ASSERT_TRUE(r.ok()) << r.status().ToString();
         EXPECT_EQ(NewEventsJson(), json::array({{"return.received",
                                                  {{"order_id", "O-R1"},
                                                   {"lines", json::array({{{"line_id", "1"},
                                                                           {"qty", 1},
                                                                           {"condition", "damaged"},
                                                                           {"restocked", false},
                                                                           {"reason", "sole came off"}},
                                                                          {{"line_id", "2"},
                                                                           {"qty", 1},
                                                                           {"condition", "resellable"},
                                                                           {"restocked", true}}})}}}}));
         EXPECT_EQ(Figures("SKU-A").on_hand, on_hand_a + 1);  // the damaged shoe is not on hand
         EXPECT_EQ(StockAt("SKU-B", "B-02-03"), socks_at_bin + 1);
         EXPECT_EQ(LineOf("O-R1", "1").returned, 2);
         EXPECT_EQ(LineOf("O-R1", "2").returned, 1);
         EXPECT_EQ(ReturnableOf("SE1:ORD:W-O-R1:123456"), (std::vector<std::string>{"O-R1/1:0", "O-R1/2:0"}));
         auto rows = store_->db().QueryInt("SELECT count(*) FROM returns WHERE order_id = 'O-R1'");
         EXPECT_EQ(*rows, 3);
         auto audit = store_->db().QueryInt("SELECT count(*) FROM audit_log WHERE action = 'order.return'");
         EXPECT_EQ(*audit, 2);
       }},
      {"nothing is left to return",
       [&] {
         fingerprint = ReturnFingerprint();
         auto r = orders_->ReceiveReturn({"O-R1", {Back("2", 1, "damaged")}}, ana_);
         ASSERT_FALSE(r.ok());
         EXPECT_EQ(
             r.status().message(),
             "return to order 'O-R1': lines[0]: line '2' (SKU-B): 1 asked to be returned, but only 0 may "
             "be (1 fulfilled, 1 returned before)");
         EXPECT_EQ(ReturnFingerprint(), fingerprint);
       }},
      {"a snapshot cut before the return replays its restock",
       [&] {
         // The OMS's snapshot as of the event before the first return: the
         // shoe put back at A-01-01 is not in it and is re-applied.
         int64_t first_return = 0;
         for (const Event& e : AllEvents()) {
           if (e.type == "return.received" && first_return == 0) first_return = e.seq;
         }
         ASSERT_GT(first_return, 0);
         json items = {Item("SKU-A", 1, kGtinA, "A-01-01", ""), Item("SKU-A", 5, kGtinA, "C-01-01", "")};
         auto r = inventory_->ApplySnapshotChunk({{"snapshot_id", "after-returns"},
                                                  {"as_of_store_seq", first_return - 1},
                                                  {"chunk", 1},
                                                  {"chunks", 1},
                                                  {"items", items}});
         ASSERT_TRUE(r.ok()) << r.status().ToString();
         EXPECT_EQ(StockAt("SKU-A", "A-01-01"), 2);
         NewEvents();
       }},
  });
}

TEST_F(OrderReturns, OnlyFulfilledUnitsOfOneOrderMayBeReturned) {
  // An order still open: nothing shipped, nothing may be returned.
  Route(Routed("O-R2", {Line("1", "SKU-B", 1, kUpcB)}));
  EXPECT_EQ(ReturnableOf("O-R2"), (std::vector<std::string>{"O-R2/1:0"}));
  auto r = orders_->ReceiveReturn({"O-R2", {Back("1", 1, "damaged")}}, ana_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(
      r.status().message(),
      "return to order 'O-R2': lines[0]: line '1' (SKU-B): 1 asked to be returned, but only 0 may be (0 "
      "fulfilled, 0 returned before)");
  // A ref two orders share must be narrowed to one.
  json a = Routed("O-R3", {Line("1", "SKU-B", 1, kUpcB)});
  json b = Routed("O-R4", {Line("1", "SKU-B", 1, kUpcB)});
  a["order_ref"] = b["order_ref"] = "W-SPLIT";
  Route(a);
  Route(b);
  EXPECT_EQ(ReturnableOf("W-SPLIT"), (std::vector<std::string>{"O-R3/1:0", "O-R4/1:0"}));
  r = orders_->ReceiveReturn({"W-SPLIT", {Back("1", 1, "damaged")}}, ana_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "return: order_id: ref 'W-SPLIT' names several orders ('O-R3', 'O-R4'); give the order id");
  auto q = orders_->Returnable("SE1:LOC:A-01-01");
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.status().message(),
            "returnable: order: expected an order QR (SE1:ORD), got location 'SE1:LOC:A-01-01'");
}

TEST_F(OrderReturns, IncomingStockSmallerThanTheWaitingLinesGoesByPriorityThenAge) {
  // SKU-D: 1 on hand, taken by a `now` order, so nothing is available
  // before the receipt.
  Steps({
      {"route: a now order takes the one cap; four orders wait for caps",
       [&] {
         Route(Routed("O-N", {Line("1", "SKU-D", 1, kGtinD)}));
         Route(Routed("O-B1", {Waiting("1", "SKU-D", 2, "backorder", "2026-11-28T09:00:00Z")}, 5));
         clock_.Advance(std::chrono::minutes(1));
         Route(Routed("O-B2",
                      {Waiting("1", "SKU-D", 1, "preorder", "2026-12-01T09:00:00Z"),
                       Waiting("2", "SKU-D", 1, "backorder", "2026-12-01T09:00:00Z")},
                      1));
         clock_.Advance(std::chrono::minutes(1));
         Route(Routed("O-B3", {Waiting("1", "SKU-D", 1, "backorder", "2026-11-27T08:00:00Z")}, 5));
         clock_.Advance(std::chrono::minutes(1));
         // Mixed: its `now` line goes to a picker before the caps arrive.
         Route(Routed(
             "O-B4",
             {Line("1", "SKU-B", 1, kUpcB), Waiting("2", "SKU-D", 1, "backorder", "2026-11-28T09:00:00Z")},
             0));
         ASSERT_TRUE(orders_->CreatePickTask({"O-B4"}, ana_).ok());
         // Waiting lines are not answered at intake.
         EXPECT_EQ(
             NewEventsJson(),
             json::array(
                 {{"order.accepted", {{"order_id", "O-N"}, {"lines", {{{"line_id", "1"}, {"qty", 1}}}}}},
                  {"order.accepted", {{"order_id", "O-B4"}, {"lines", {{{"line_id", "1"}, {"qty", 1}}}}}},
                  // Given to a picker: its waiting line is refused for the OMS to fill elsewhere.
                  {"order.rejected",
                   {{"order_id", "O-B4"},
                    {"lines", {{{"line_id", "2"}, {"qty", 1}, {"reason", "order_in_progress"}}}}}}}));
         EXPECT_EQ(Figures("SKU-D"), (core::StockFigures{1, 1, 0}));
         // O-B3 was expected this morning: late. O-B4 is in a pick task.
         EXPECT_EQ(WaitingNow(),
                   (std::vector<std::string>{"O-B2/1:1", "O-B2/2:1", "O-B1/1:2", "O-B3/1:1:late"}));
         // Orders with only waiting lines have nothing to pick yet.
         auto q = orders_->WorkQueue();
         ASSERT_TRUE(q.ok());
         ASSERT_EQ(q->size(), 1u);
         EXPECT_EQ((*q)[0].order_id, "O-N");
       }},
      {"PO-555 announces 3 caps",
       [&] {
         ASSERT_TRUE(inventory_
                         ->RecordIncoming({{"ref", "PO-555"},
                                           {"eta", "2026-11-28T09:00:00Z"},
                                           {"items", {{{"sku", "SKU-D"}, {"qty", 3}}}}})
                         .ok());
         EXPECT_EQ(NewEventsJson(), json::array());
       }},
      {"the receiving scan of PO-555: 3 caps to D-01-01 go to O-B2 (both lines), then O-B1 (one of two)",
       [&] {
         Adjustment a;
         a.kind = core::AdjustmentKind::kReceipt;
         a.sku = "SKU-D";
         a.location = "D-01-01";
         a.qty = 3;
         a.by = "bo";
         a.ref = "PO-555";
         auto r = inventory_->Adjust(a);
         ASSERT_TRUE(r.ok()) << r.status().ToString();
         EXPECT_EQ(
             NewEventsJson(),
             json::array(
                 {{"inventory.adjusted",
                   {{"sku", "SKU-D"},
                    {"delta", 3},
                    {"on_hand", 4},
                    {"reason", "receipt"},
                    {"by", "bo"},
                    {"location", "D-01-01"},
                    {"ref", "PO-555"}}},
                  {"order.accepted",
                   {{"order_id", "O-B2"},
                    {"lines", {{{"line_id", "1"}, {"qty", 1}}, {{"line_id", "2"}, {"qty", 1}}}}}},
                  {"order.accepted", {{"order_id", "O-B1"}, {"lines", {{{"line_id", "1"}, {"qty", 1}}}}}}}));
         // Reservations equal what was accepted.
         EXPECT_EQ(Figures("SKU-D"), (core::StockFigures{4, 4, 0}));
         for (auto [order, line, n] :
              {std::tuple{"O-B2", "1", 1}, std::tuple{"O-B2", "2", 1}, std::tuple{"O-B1", "1", 1}}) {
           SCOPED_TRACE(std::string(order) + "/" + line);
           auto res = Reservation(order, line);
           ASSERT_TRUE(res.has_value());
           EXPECT_EQ(res->open_qty, n);
           EXPECT_EQ(res->state, store::ReservationState::kOpen);
           const store::OrderLineRecord l = LineOf(order, line);
           EXPECT_EQ(l.accepted, n);
           EXPECT_EQ(l.allocated, n);
         }
         EXPECT_FALSE(Reservation("O-B3", "1").has_value());
         EXPECT_FALSE(Reservation("O-B4", "2").has_value());
         EXPECT_EQ(LineOf("O-B3", "1").accepted, 0);
         auto alloc = store_->db().QueryText(
             "SELECT group_concat(ref || ' ' || order_id || '/' || line_id || ' x' || qty, '; ') FROM "
             "(SELECT * FROM allocations ORDER BY id)");
         EXPECT_EQ(*alloc, "PO-555 O-B2/1 x1; PO-555 O-B2/2 x1; PO-555 O-B1/1 x1");
         auto v = inventory_->BySku("SKU-D");
         ASSERT_EQ(v->incoming.size(), 1u);
         EXPECT_EQ(v->incoming[0].received_qty, 3);
         EXPECT_EQ(WaitingNow(), (std::vector<std::string>{"O-B1/1:1", "O-B3/1:1:late"}));
       }},
      {"the allocated orders are in the pick queue and are picked from the received caps",
       [&] {
         auto q = orders_->WorkQueue();
         ASSERT_TRUE(q.ok());
         // O-N too (its `now` line); O-B2 first of all: the same promise, a
         // more urgent priority.
         std::map<std::string, int64_t> units;
         for (const auto& i : *q) units[i.order_id] = i.units;
         EXPECT_EQ(units, (std::map<std::string, int64_t>{{"O-B1", 1}, {"O-B2", 2}, {"O-N", 1}}));
         ASSERT_FALSE(q->empty());
         EXPECT_EQ((*q)[0].order_id, "O-B2");
         auto task = orders_->CreatePickTask({"O-B2"}, bo_);
         ASSERT_TRUE(task.ok()) << task.status().ToString();
         PickAll(*task, bo_, kScans);
         EXPECT_EQ(StateOf("O-B2"), core::OrderState::kPicked);
         NewEvents();
       }},
      {"past O-B1's expected_at it is late too",
       [&] {
         clock_.Advance(std::chrono::hours(24));
         EXPECT_EQ(WaitingNow(), (std::vector<std::string>{"O-B1/1:1:late", "O-B3/1:1:late"}));
       }},
  });
}

TEST_F(OrderReturns, AReceiptDeltaAllocatesOnceAndOtherDeltasDoNot) {
  const InboundRef receipt{"d-1", "inventory", 1, "inventory.delta"};
  Steps({
      {"O-B5 waits for two jackets",
       [&] {
         Route(Routed("O-B5", {Waiting("1", "SKU-C", 2, "backorder", "2026-11-30T09:00:00Z")}));
         EXPECT_EQ(WaitingNow(), (std::vector<std::string>{"O-B5/1:2"}));
       }},
      {"a sale and a negative receipt allocate nothing",
       [&] {
         ASSERT_TRUE(inventory_->ApplyDelta({{"sku", "SKU-C"}, {"delta", 1}, {"reason", "transfer"}}).ok());
         ASSERT_TRUE(inventory_->ApplyDelta({{"sku", "SKU-C"}, {"delta", -1}, {"reason", "receipt"}}).ok());
         EXPECT_EQ(NewEventsJson(), json::array());
         EXPECT_EQ(WaitingNow(), (std::vector<std::string>{"O-B5/1:2"}));
       }},
      {"a receipt delta of one jacket: allocated",
       [&] {
         auto r = inventory_->ApplyDelta(
             {{"sku", "SKU-C"}, {"delta", 1}, {"reason", "receipt"}, {"ref", "TR-7"}}, receipt);
         ASSERT_TRUE(r.ok()) << r.status().ToString();
         EXPECT_EQ(*r, Applied::kApplied);
         EXPECT_EQ(NewEventsJson(),
                   json::array({{"order.accepted",
                                 {{"order_id", "O-B5"}, {"lines", {{{"line_id", "1"}, {"qty", 1}}}}}}}));
         EXPECT_EQ(Figures("SKU-C"), (core::StockFigures{5, 1, 0}));
         EXPECT_EQ(WaitingNow(), (std::vector<std::string>{"O-B5/1:1"}));
       }},
      {"the same delta again: no second allocation",
       [&] {
         const std::string before = ReturnFingerprint();
         auto r = inventory_->ApplyDelta(
             {{"sku", "SKU-C"}, {"delta", 1}, {"reason", "receipt"}, {"ref", "TR-7"}}, receipt);
         ASSERT_TRUE(r.ok()) << r.status().ToString();
         EXPECT_EQ(*r, Applied::kDuplicate);
         EXPECT_EQ(ReturnFingerprint(), before);
         EXPECT_EQ(NewEventsJson(), json::array());
         EXPECT_EQ(LineOf("O-B5", "1").allocated, 1);
         EXPECT_EQ(Reservation("O-B5", "1")->open_qty, 1);
       }},
      {"the next receipt fills the line: one reservation of 2",
       [&] {
         auto r = inventory_->ApplyDelta({{"sku", "SKU-C"}, {"delta", 3}, {"reason", "receipt"}},
                                         InboundRef{"d-2", "inventory", 2, "inventory.delta"});
         ASSERT_TRUE(r.ok()) << r.status().ToString();
         EXPECT_EQ(NewEventsJson(),
                   json::array({{"order.accepted",
                                 {{"order_id", "O-B5"}, {"lines", {{{"line_id", "1"}, {"qty", 1}}}}}}}));
         auto res = Reservation("O-B5", "1");
         ASSERT_TRUE(res.has_value());
         EXPECT_EQ(res->qty, 2);
         EXPECT_EQ(res->open_qty, 2);
         EXPECT_EQ(Figures("SKU-C"), (core::StockFigures{8, 2, 0}));
         EXPECT_EQ(WaitingNow(), std::vector<std::string>{});
         auto alloc = store_->db().QueryText(
             "SELECT group_concat(ref || ':' || qty, ' ') FROM (SELECT * FROM allocations ORDER BY id)");
         EXPECT_EQ(*alloc, "TR-7:1 :1");
       }},
  });
}

TEST_F(OrderReturns, AReceiptThatOnlyMakesUpForStockSoldAllocatesNothing) {
  Route(Routed("O-B6", {Waiting("1", "SKU-B", 1, "backorder", "2026-11-30T09:00:00Z")}));
  // The till sold 6 socks of the 4 the store knew of: available is 0 until
  // 2 more come in.
  ASSERT_TRUE(inventory_->ApplyDelta({{"sku", "SKU-B"}, {"delta", -6}, {"reason", "pos_sale"}}).ok());
  Adjustment a;
  a.kind = core::AdjustmentKind::kReceipt;
  a.sku = "SKU-B";
  a.qty = 2;
  a.by = "bo";
  ASSERT_TRUE(inventory_->Adjust(a).ok());
  EXPECT_EQ(LineOf("O-B6", "1").accepted, 0);
  a.qty = 1;
  ASSERT_TRUE(inventory_->Adjust(a).ok());
  EXPECT_EQ(LineOf("O-B6", "1").accepted, 1);
  EXPECT_EQ(Figures("SKU-B"), (core::StockFigures{1, 1, 0}));
}

// ---- the REST routes ----

class ApiReturns : public OrderReturns {
 protected:
  void SetUp() override {
    OrderReturns::SetUp();
    if (HasFatalFailure()) return;
    const core::Actor admin{"storeedgectl", core::Role::kSupervisor};
    ASSERT_TRUE(auth_->AddUser("ana", "Ana Ruiz", core::Role::kAssociate, "1111", admin).ok());
    auto s = auth_->Login("ana", "1111");
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    token_ = s->token;
    AddReturnRoutes(router_, *auth_, *orders_, {[this] { ++changes_; }});
  }

  std::pair<int, json> Call(const std::string& method, const std::string& path,
                            const std::map<std::string, std::string>& query = {}, const json& body = nullptr,
                            bool signed_in = true) {
    kiosk::Request req;
    req.method = method;
    req.path = path;
    req.target = path;
    req.query = query;
    if (signed_in) req.headers["authorization"] = "Bearer " + token_;
    if (!body.is_null()) req.body = body.dump();
    req.remote = "127.0.0.1";
    kiosk::Response resp = router_.Dispatch(req);
    EXPECT_EQ(resp.content_type, "application/json");
    return {resp.status, json::parse(resp.body, nullptr, false)};
  }

  kiosk::Router router_;
  std::string token_;
  int changes_ = 0;
};

TEST_F(ApiReturns, LookUpReturnAndListWaitingLines) {
  ASSERT_FALSE(tracking_.empty());
  Ship("O-R1", json::array({Line("1", "SKU-A", 2, kGtinA)}), tracking_);
  if (HasFatalFailure()) return;

  auto [status, body] = Call("GET", "/api/v1/returns/lookup", {{"q", "SE1:ORD:W-O-R1:123456"}});
  EXPECT_EQ(status, 200) << body.dump();
  ASSERT_EQ(body["lines"].size(), 1u);
  EXPECT_EQ(body["lines"][0]["order_id"], "O-R1");
  EXPECT_EQ(body["lines"][0]["fulfilled"], 2);
  EXPECT_EQ(body["lines"][0]["returnable"], 2);
  std::tie(status, body) = Call("GET", "/api/v1/returns/lookup");
  EXPECT_EQ(status, 400);
  std::tie(status, body) = Call("GET", "/api/v1/returns/lookup", {{"q", "O-NONE"}});
  EXPECT_EQ(status, 404);
  std::tie(status, body) = Call("GET", "/api/v1/returns/lookup", {{"q", "O-R1"}}, nullptr, false);
  EXPECT_EQ(status, 401);

  const json too_many = {{"order_id", "O-R1"},
                         {"lines", {{{"line_id", "1"}, {"qty", 3}, {"condition", "damaged"}}}}};
  std::tie(status, body) = Call("POST", "/api/v1/returns", {}, too_many);
  EXPECT_EQ(status, 400);
  EXPECT_EQ(
      body["error"]["message"],
      "return to order 'O-R1': lines[0]: line '1' (SKU-A): 3 asked to be returned, but only 2 may be (2 "
      "fulfilled, 0 returned before)");
  std::tie(status, body) = Call("POST", "/api/v1/returns", {},
                                {{"order_id", "O-R1"}, {"lines", {{{"line_id", "1"}, {"qty", "1"}}}}});
  EXPECT_EQ(status, 400);
  EXPECT_EQ(changes_, 0);

  const json ok = {{"order_id", "O-R1"},
                   {"lines",
                    {{{"line_id", "1"}, {"qty", 1}, {"condition", "resellable"}, {"location", "A-01-01"}},
                     {{"line_id", "1"}, {"qty", 1}, {"condition", "damaged"}, {"reason", "scuffed"}}}}};
  std::tie(status, body) = Call("POST", "/api/v1/returns", {}, ok);
  EXPECT_EQ(status, 201) << body.dump();
  EXPECT_EQ(body["order_id"], "O-R1");
  ASSERT_EQ(body["returns"].size(), 2u);
  EXPECT_EQ(body["returns"][0]["location"], "A-01-01");
  EXPECT_EQ(body["returns"][1]["location"], nullptr);
  EXPECT_EQ(body["returns"][1]["reason"], "scuffed");
  EXPECT_EQ(body["returns"][1]["associate"], "ana");
  EXPECT_EQ(changes_, 1);
  NewEvents();

  Route(Routed("O-B1", {Waiting("1", "SKU-D", 2, "preorder", "2026-11-27T08:00:00Z")}, 3));
  std::tie(status, body) = Call("GET", "/api/v1/backorders");
  EXPECT_EQ(status, 200);
  EXPECT_EQ(body, json({{"lines",
                         {{{"order_id", "O-B1"},
                           {"line_id", "1"},
                           {"sku", "SKU-D"},
                           {"description", ""},
                           {"fulfil", "preorder"},
                           {"qty", 2},
                           {"accepted", 0},
                           {"allocated", 0},
                           {"waiting", 2},
                           {"priority", 3},
                           {"expected_at", "2026-11-27T08:00:00.000Z"},
                           {"late", true}}}}}));
}

}  // namespace
}  // namespace edge::app::testing_orders
