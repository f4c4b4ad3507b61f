// Rows for the reports' tests and benchmark (issue 10): the store's order,
// task, pick, arrival, return and ledger rows as plain values, written into a
// real store database with SQL (as the services would have left them), and a
// generator of a busy store's history — orders per day with lines, pick
// tasks and their records, packing, shipping, pickups with arrivals, returns,
// adjustments — from a seeded random engine, so a run is repeatable.
//
// The generated rows are kept in memory too, so that a test can recompute
// the reports' figures from them without SQL. Header-only; writes throw
// std::runtime_error with SQLite's message (tests and the bench stop there).
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "edge/store/database.h"

namespace edge::testing {

struct SeedOrder {
  std::string id;
  std::string kind;   // ship_from_store, bopis, curbside, same_day
  std::string state;  // accepted … rejected
  int64_t routed = 0;
  std::optional<int64_t> promised_by, ready_at, closed_at, hold_until;
};

struct SeedLine {
  std::string order_id, line_id, sku;
  int64_t qty = 1, accepted = 0, rejected = 0;
  std::optional<std::string> reject_reason;
  int64_t picked = 0, shorted = 0, shipped = 0, picked_up = 0;
};

struct SeedTask {
  int64_t id = 0;
  std::string kind;   // pick, pack
  std::string state;  // open, in_progress, done, cancelled
  std::optional<std::string> assignee;
  std::optional<int64_t> started, finished;
  std::optional<std::string> order_id;
  int64_t created = 0;
};

struct SeedPickRecord {
  int64_t task_id = 0;
  std::string order_id, line_id, sku, location;
  int64_t qty = 1;
  std::string method;  // scan, count, manual, short
  std::optional<std::string> reason;
  std::string associate;
  int64_t at = 0;
};

struct SeedArrival {
  std::string order_id, source;
  std::optional<std::string> bay;
  int64_t arrived_at = 0;
  std::string state;  // waiting, served, closed
  std::optional<int64_t> served_at;
};

struct SeedReturn {
  std::string order_id, line_id, sku;
  int64_t qty = 1;
  std::string condition;  // resellable, damaged
  std::string reason;
  int64_t at = 0;
};

struct SeedLedger {
  std::string sku;
  int64_t d_on_hand = 0, d_reserved = 0;
  std::string reason;
  std::string origin = "local";
  int64_t at = 0;
};

struct SeedData {
  std::vector<SeedOrder> orders;
  std::vector<SeedLine> lines;
  std::vector<SeedTask> tasks;
  std::vector<SeedPickRecord> records;
  std::vector<SeedArrival> arrivals;
  std::vector<SeedReturn> returns;
  std::vector<SeedLedger> ledger;
};

namespace seed_internal {

inline void Check(const core::Status& s, const char* what) {
  if (!s.ok()) throw std::runtime_error(std::string(what) + ": " + s.ToString());
}

template <typename T>
inline void BindOpt(store::Statement& st, int i, const std::optional<T>& v) {
  if (v) {
    st.Bind(i, *v);
  } else {
    st.BindNull(i);
  }
}

inline store::Statement Prepare(store::Database& db, const char* sql) {
  auto st = db.Prepare(sql);
  Check(st.status(), sql);
  return std::move(st).value();
}

}  // namespace seed_internal

// Writes every row of `data` into the store's tables in one transaction.
// Tasks keep their ids; pick lines are made, one per pick record. Items are
// created for every SKU named (the ledger's SKUs need none).
inline void WriteSeed(store::Database& db, const SeedData& data) {
  using seed_internal::BindOpt;
  using seed_internal::Check;
  using seed_internal::Prepare;
  Check(db.Exec("BEGIN IMMEDIATE"), "begin");
  auto order = Prepare(db,
                       "INSERT INTO orders (order_id, kind, state, routed, updated, promised_by, ready_at, "
                       "closed_at, hold_until) VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6, ?7, ?8)");
  for (const auto& o : data.orders) {
    order.Bind(1, o.id).Bind(2, o.kind).Bind(3, o.state).Bind(4, o.routed);
    BindOpt(order, 5, o.promised_by);
    BindOpt(order, 6, o.ready_at);
    BindOpt(order, 7, o.closed_at);
    BindOpt(order, 8, o.hold_until);
    Check(order.Run(), "insert order");
    order.Reset();
  }
  auto line =
      Prepare(db,
              "INSERT INTO order_lines (order_id, line_id, idx, sku, qty, fulfil, accepted, rejected, "
              "reject_reason, picked, short, packed, shipped, picked_up) "
              "VALUES (?1, ?2, 0, ?3, ?4, 'now', ?5, ?6, ?7, ?8, ?9, ?10, ?10, ?11)");
  for (const auto& l : data.lines) {
    line.Bind(1, l.order_id).Bind(2, l.line_id).Bind(3, l.sku).Bind(4, l.qty).Bind(5, l.accepted);
    line.Bind(6, l.rejected);
    BindOpt(line, 7, l.reject_reason);
    line.Bind(8, l.picked).Bind(9, l.shorted).Bind(10, l.shipped).Bind(11, l.picked_up);
    Check(line.Run(), "insert order line");
    line.Reset();
  }
  auto task = Prepare(db,
                      "INSERT INTO tasks (id, kind, state, assignee, order_id, created_by, created, updated, "
                      "started, finished) VALUES (?1, ?2, ?3, ?4, ?5, 'seed', ?6, ?6, ?7, ?8)");
  for (const auto& t : data.tasks) {
    task.Bind(1, t.id).Bind(2, t.kind).Bind(3, t.state);
    BindOpt(task, 4, t.assignee);
    BindOpt(task, 5, t.order_id);
    task.Bind(6, t.created);
    BindOpt(task, 7, t.started);
    BindOpt(task, 8, t.finished);
    Check(task.Run(), "insert task");
    task.Reset();
  }
  auto pick_line =
      Prepare(db,
              "INSERT INTO pick_lines (task_id, order_id, line_id, sku, location, seq, tote_slot, "
              "qty, picked, short, state) VALUES (?1, ?2, ?3, ?4, ?5, 0, 1, ?6, ?7, ?8, 'done')");
  auto record =
      Prepare(db,
              "INSERT INTO pick_records (task_id, pick_line_id, order_id, line_id, sku, location, qty, "
              "method, reason, associate, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
  for (const auto& r : data.records) {
    const bool is_short = r.method == "short";
    pick_line.Bind(1, r.task_id).Bind(2, r.order_id).Bind(3, r.line_id).Bind(4, r.sku).Bind(5, r.location);
    pick_line.Bind(6, r.qty).Bind(7, is_short ? 0 : r.qty).Bind(8, is_short ? r.qty : 0);
    Check(pick_line.Run(), "insert pick line");
    pick_line.Reset();
    record.Bind(1, r.task_id).Bind(2, db.LastInsertRowid()).Bind(3, r.order_id).Bind(4, r.line_id);
    record.Bind(5, r.sku).Bind(6, r.location).Bind(7, r.qty).Bind(8, r.method);
    BindOpt(record, 9, r.reason);
    record.Bind(10, r.associate).Bind(11, r.at);
    Check(record.Run(), "insert pick record");
    record.Reset();
  }
  auto arrival = Prepare(db,
                         "INSERT INTO arrivals (order_id, source, bay, arrived_at, state, served_at) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  for (const auto& a : data.arrivals) {
    arrival.Bind(1, a.order_id).Bind(2, a.source);
    BindOpt(arrival, 3, a.bay);
    arrival.Bind(4, a.arrived_at).Bind(5, a.state);
    BindOpt(arrival, 6, a.served_at);
    Check(arrival.Run(), "insert arrival");
    arrival.Reset();
  }
  auto ret = Prepare(db,
                     "INSERT INTO returns (order_id, line_id, sku, qty, condition, reason, associate, at) "
                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'seed', ?7)");
  for (const auto& r : data.returns) {
    ret.Bind(1, r.order_id).Bind(2, r.line_id).Bind(3, r.sku).Bind(4, r.qty).Bind(5, r.condition);
    ret.Bind(6, r.reason).Bind(7, r.at);
    Check(ret.Run(), "insert return");
    ret.Reset();
  }
  auto ledger = Prepare(db,
                        "INSERT INTO ledger (sku, location, d_on_hand, d_reserved, reason, origin, at) "
                        "VALUES (?1, '', ?2, ?3, ?4, ?5, ?6)");
  for (const auto& l : data.ledger) {
    ledger.Bind(1, l.sku).Bind(2, l.d_on_hand).Bind(3, l.d_reserved).Bind(4, l.reason).Bind(5, l.origin);
    ledger.Bind(6, l.at);
    Check(ledger.Run(), "insert ledger row");
    ledger.Reset();
  }
  Check(db.Exec("COMMIT"), "commit");
}

// A busy store's history: `orders_per_day` orders routed on each of `days`
// days from `first_day_ms` (a midnight), between 08:00 and 20:00, and what
// became of them by `now_ms` (work not done by then is left open). Kinds:
// 40% ship_from_store, 30% bopis, 20% curbside, 10% same_day; 1–4 lines of
// 1–3 units over 2,000 SKUs (popular ones more often) in 6 zones; 3% of
// orders refused whole, 4% of lines partly rejected, 3% of lines shorted;
// one pick task per order by one of 12 associates (5% handed to another
// midway), a pack task per shipped order; pickups collected (85%), expired
// or still waiting, most with an arrival; 3% of fulfilled lines returned;
// about 20 stock adjustments a day, and the reserve/consume rows every line
// leaves in the ledger.
inline SeedData GenerateBusyStore(int64_t first_day_ms, int days, int orders_per_day, int64_t now_ms,
                                  uint64_t seed) {
  constexpr int64_t kMin = 60'000, kHour = 60 * kMin, kDay = 24 * kHour;
  std::mt19937_64 rng(seed);
  auto uni = [&](int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng); };
  auto chance = [&](double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; };
  auto sku = [&] {
    // Squared uniform: low numbers (popular SKUs) come up more often.
    const double u = std::uniform_real_distribution<double>(0, 1)(rng);
    char buf[16];
    std::snprintf(buf, sizeof buf, "SKU-%04d", static_cast<int>(u * u * 2000));
    return std::string(buf);
  };
  auto location = [&] {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%c-%02d-%d", static_cast<char>('A' + uni(0, 5)),
                  static_cast<int>(uni(1, 30)), static_cast<int>(uni(1, 5)));
    return std::string(buf);
  };
  auto associate = [&] { return "assoc-" + std::to_string(uni(1, 12)); };
  const char* kReturnReasons[] = {"wrong_size", "changed_mind", "defective", "not_as_described", ""};

  SeedData d;
  int64_t next_task = 1;
  for (int day = 0; day < days; ++day) {
    const int64_t day_ms = first_day_ms + day * kDay;
    for (int i = 0; i < orders_per_day; ++i) {
      SeedOrder o;
      o.id = "O-" + std::to_string(day) + "-" + std::to_string(i);
      const int64_t k = uni(0, 9);
      o.kind = k < 4 ? "ship_from_store" : k < 7 ? "bopis" : k < 9 ? "curbside" : "same_day";
      o.routed = day_ms + 8 * kHour + uni(0, 12 * kHour);
      if (!chance(0.05)) o.promised_by = o.routed + uni(2 * kHour, 8 * kHour);
      const bool refused = chance(0.03);
      const bool pickup = o.kind == "bopis" || o.kind == "curbside";
      int64_t accepted_units = 0;
      std::vector<size_t> line_idx;
      const int64_t n_lines = uni(1, 4);
      for (int64_t l = 0; l < n_lines; ++l) {
        SeedLine ln;
        ln.order_id = o.id;
        ln.line_id = std::to_string(l + 1);
        ln.sku = sku();
        ln.qty = uni(1, 3);
        if (refused) {
          ln.rejected = ln.qty;
          ln.reject_reason = "store_capacity";
        } else if (chance(0.04)) {
          ln.rejected = uni(1, ln.qty);
          ln.reject_reason = chance(0.8) ? "insufficient_stock" : "unknown_sku";
        }
        ln.accepted = ln.qty - ln.rejected;
        accepted_units += ln.accepted;
        d.ledger.push_back({ln.sku, 0, ln.accepted, "reserve", "local", o.routed});
        line_idx.push_back(d.lines.size());
        d.lines.push_back(ln);
      }
      if (refused || accepted_units == 0) {
        o.state = "rejected";
        o.closed_at = o.routed;
        d.orders.push_back(o);
        continue;
      }
      if (chance(0.02)) {
        o.state = "cancelled";
        o.closed_at = o.routed + uni(kMin, 2 * kHour);
        d.orders.push_back(o);
        continue;
      }
      // Picking: one record per line (a count for several units), shorts
      // now and then, a step of 10 s to 2 min between records.
      SeedTask pick{next_task++, "pick", "done", associate(), {}, {}, std::nullopt, o.routed};
      pick.started = o.routed + uni(5 * kMin, 90 * kMin);
      std::string who = *pick.assignee;
      int64_t at = *pick.started;
      int64_t picked_units = 0;
      bool open = false;
      for (size_t li : line_idx) {
        SeedLine& ln = d.lines[li];
        if (ln.accepted == 0) continue;
        at += uni(10'000, 120'000);
        if (at > now_ms) {
          open = true;
          break;
        }
        if (chance(0.05)) {
          who = associate();  // reassigned midway
          pick.assignee = who;
        }
        SeedPickRecord r{pick.id, o.id, ln.line_id, ln.sku, location(), ln.accepted, "", {}, who, at};
        if (chance(0.03)) {
          r.method = "short";
          r.reason = chance(0.7) ? "not_found" : "damaged";
          ln.shorted = ln.accepted;
          d.ledger.push_back({ln.sku, -ln.accepted, -ln.accepted,
                              *r.reason == "not_found" ? "count" : "damaged", "local", at});
        } else {
          r.method = ln.accepted > 1 ? "count" : "scan";
          ln.picked = ln.accepted;
          picked_units += ln.picked;
        }
        d.records.push_back(r);
      }
      if (open) {
        pick.state = "in_progress";
        d.tasks.push_back(pick);
        o.state = "picking";
        d.orders.push_back(o);
        continue;
      }
      pick.finished = at + uni(0, 60'000);
      d.tasks.push_back(pick);
      if (picked_units == 0) {
        o.state = "rejected";
        o.closed_at = *pick.finished;
        d.orders.push_back(o);
        continue;
      }
      if (!pickup) {
        SeedTask pack{next_task++, "pack", "done", associate(), {}, {}, o.id, *pick.finished};
        pack.started = *pick.finished + uni(kMin, 30 * kMin);
        pack.finished = *pack.started + uni(2 * kMin, 15 * kMin);
        if (*pack.finished > now_ms) {
          pack.state = "in_progress";
          pack.finished.reset();
          d.tasks.push_back(pack);
          o.state = "picked";
          d.orders.push_back(o);
          continue;
        }
        d.tasks.push_back(pack);
        const int64_t shipped = *pack.finished + uni(10 * kMin, 4 * kHour);
        if (shipped > now_ms) {
          o.state = "packed";
          d.orders.push_back(o);
          continue;
        }
        o.state = "shipped";
        o.closed_at = shipped;
        for (size_t li : line_idx) {
          SeedLine& ln = d.lines[li];
          ln.shipped = ln.picked;
          if (ln.picked > 0)
            d.ledger.push_back({ln.sku, -ln.picked, -ln.picked, "consume", "local", shipped});
        }
      } else {
        const int64_t ready = *pick.finished + uni(2 * kMin, 20 * kMin);
        if (ready > now_ms) {
          o.state = "picked";
          d.orders.push_back(o);
          continue;
        }
        o.ready_at = ready;
        o.hold_until = ready + 3 * kDay;
        const std::string bay = o.kind == "curbside" ? std::to_string(uni(1, 8)) : "";
        const std::string source = chance(0.5) ? "kiosk" : chance(0.6) ? "app" : "associate";
        const int64_t collect = ready + uni(30 * kMin, 72 * kHour);
        if (chance(0.85) && collect <= now_ms) {
          o.state = "picked_up";
          o.closed_at = collect;
          for (size_t li : line_idx) {
            SeedLine& ln = d.lines[li];
            ln.picked_up = ln.picked;
            if (ln.picked > 0)
              d.ledger.push_back({ln.sku, -ln.picked, -ln.picked, "consume", "local", collect});
          }
          if (o.kind == "curbside" || chance(0.3)) {
            SeedArrival a{o.id, source, std::nullopt, collect - uni(kMin, 25 * kMin), "served", collect};
            if (!bay.empty()) a.bay = bay;
            d.arrivals.push_back(a);
          }
        } else if (*o.hold_until <= now_ms && !chance(0.1)) {
          o.state = "expired";
          o.closed_at = *o.hold_until;
          if (chance(0.2))
            d.arrivals.push_back({o.id, source, std::nullopt, *o.hold_until - kHour, "closed", {}});
        } else {
          o.state = "ready";  // waiting (past hold_until for a few: the expiry not yet run)
          if (chance(0.2) && ready + kHour <= now_ms) {
            SeedArrival a{o.id, source, std::nullopt, ready + kHour, "waiting", {}};
            if (!bay.empty()) a.bay = bay;
            d.arrivals.push_back(a);
          }
        }
      }
      // Returns of fulfilled units, days later.
      if (o.closed_at && (o.state == "shipped" || o.state == "picked_up")) {
        for (size_t li : line_idx) {
          const SeedLine& ln = d.lines[li];
          const int64_t fulfilled = ln.shipped + ln.picked_up;
          if (fulfilled == 0 || !chance(0.03)) continue;
          const int64_t when = *o.closed_at + uni(kDay, 30 * kDay);
          if (when > now_ms) continue;
          d.returns.push_back({o.id, ln.line_id, ln.sku, uni(1, fulfilled),
                               chance(0.8) ? "resellable" : "damaged", kReturnReasons[uni(0, 4)], when});
        }
      }
      d.orders.push_back(o);
    }
    // The day's stock adjustments, and the central side's deltas.
    for (int a = 0; a < 20; ++a) {
      const int64_t k = uni(0, 9);
      const int64_t when = day_ms + 7 * kHour + uni(0, 13 * kHour);
      if (when > now_ms) continue;
      if (k < 4)
        d.ledger.push_back({sku(), uni(-3, 3), 0, "count", "local", when});
      else if (k < 6)
        d.ledger.push_back({sku(), -uni(1, 3), 0, "damaged", "local", when});
      else if (k < 7)
        d.ledger.push_back({sku(), uni(1, 2), 0, "found", "local", when});
      else if (k < 9)
        d.ledger.push_back({sku(), uni(10, 50), 0, "receipt", "local", when});
      else
        d.ledger.push_back({sku(), uni(-5, 20), 0, "receipt", "delta", when});
    }
  }
  return d;
}

}  // namespace edge::testing
