-- Schema version 6: store work II (issue 6): pickup orders (bags put to a
-- staging location, customer arrivals, the handover with its pickup-code
-- checks), expiry of uncollected orders, in-store returns, and incoming stock
-- allocated to backorder and pre-order lines. Also the times each order
-- reached its milestones, kept for reports (events leave the outbox after
-- event_retention_days; these stay).
--
-- `orders` and `tasks` are rebuilt (SQLite cannot widen a CHECK in place):
-- the migration runs with foreign keys off, copies every row with its id and
-- renames the copy, so the rows referring to them stay valid.

-- ---- orders: new states and columns ----
-- ready: bags staged, waiting for the customer; picked_up and expired are
-- final. The pickup code is kept only as a salted slow hash.
CREATE TABLE orders_v6 (
  order_id         TEXT    NOT NULL PRIMARY KEY,
  order_ref        TEXT    NOT NULL DEFAULT '',
  kind             TEXT    NOT NULL CHECK (kind IN ('ship_from_store', 'bopis', 'curbside', 'same_day')),
  state            TEXT    NOT NULL CHECK (state IN ('accepted', 'picking', 'picked', 'packed', 'shipped',
                                                     'ready', 'picked_up', 'expired', 'cancelled', 'rejected')),
  priority         INTEGER NOT NULL DEFAULT 0,
  placed_at        INTEGER,
  promised_by      INTEGER,
  hold_until       INTEGER,
  pickup_code_hash TEXT,                            -- core::HashPickupCode; NULL: no code
  customer         TEXT    NOT NULL DEFAULT '{}',
  ship_to          TEXT    NOT NULL DEFAULT '{}',
  carrier_service  TEXT    NOT NULL DEFAULT '',
  routed           INTEGER NOT NULL,
  updated          INTEGER NOT NULL,
  cancel_reason    TEXT,
  cancel_restock   INTEGER NOT NULL DEFAULT 0,
  picked_at        INTEGER,                         -- every accepted unit picked or shorted
  packed_at        INTEGER,                         -- order.packed
  ready_at         INTEGER,                         -- order.ready_for_pickup
  closed_at        INTEGER,                         -- shipped, picked up, expired, cancelled or rejected
  staging_location TEXT,                            -- where its bags wait
  pickup_locked_at INTEGER,                         -- too many wrong codes: locked until a supervisor overrides
  reminded_at      INTEGER,                         -- order.expiry_reminder sent
  escalated        INTEGER NOT NULL DEFAULT 0       -- arrived before ready: jumps the pick queue
) WITHOUT ROWID;

INSERT INTO orders_v6 (order_id, order_ref, kind, state, priority, placed_at, promised_by, hold_until, customer,
                       ship_to, carrier_service, routed, updated, cancel_reason, cancel_restock, closed_at)
SELECT order_id, order_ref, kind, state, priority, placed_at, promised_by, hold_until, customer, ship_to,
       carrier_service, routed, updated, cancel_reason, cancel_restock,
       CASE WHEN state IN ('shipped', 'cancelled', 'rejected') THEN updated END
FROM orders;

-- Codes stored in clear by schema 5 wait here until the daemon, on start,
-- replaces each with its hash (OrderService::Create) and deletes the row.
CREATE TABLE pickup_codes_unhashed (
  order_id TEXT NOT NULL PRIMARY KEY,
  code     TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO pickup_codes_unhashed (order_id, code)
SELECT order_id, pickup_code FROM orders WHERE pickup_code IS NOT NULL;

DROP TABLE orders;
ALTER TABLE orders_v6 RENAME TO orders;
CREATE INDEX orders_state ON orders (state);
CREATE INDEX orders_ref ON orders (order_ref);
CREATE INDEX orders_routed ON orders (routed);
CREATE INDEX orders_hold ON orders (hold_until) WHERE state IN ('accepted', 'picking', 'picked', 'ready');

-- ---- order lines: what became of their units after picking ----
ALTER TABLE order_lines ADD COLUMN picked_up INTEGER NOT NULL DEFAULT 0 CHECK (picked_up >= 0);
ALTER TABLE order_lines ADD COLUMN refused INTEGER NOT NULL DEFAULT 0 CHECK (refused >= 0);  -- at handover
ALTER TABLE order_lines ADD COLUMN returned INTEGER NOT NULL DEFAULT 0 CHECK (returned >= 0);
-- backorder/preorder: units given from received incoming stock (then also in
-- `accepted`, reserved and picked like a `now` line's).
ALTER TABLE order_lines ADD COLUMN allocated INTEGER NOT NULL DEFAULT 0 CHECK (allocated >= 0);
CREATE INDEX order_lines_waiting ON order_lines (sku) WHERE fulfil <> 'now';

-- ---- tasks: stage and handover kinds, timing, escalation ----
CREATE TABLE tasks_v6 (
  id           INTEGER PRIMARY KEY,
  kind         TEXT    NOT NULL CHECK (kind IN ('pick', 'pack', 'restock', 'stage', 'handover')),
  state        TEXT    NOT NULL CHECK (state IN ('open', 'in_progress', 'done', 'cancelled')),
  assignee     TEXT,
  batch        INTEGER NOT NULL DEFAULT 0,
  order_id     TEXT,
  created_by   TEXT    NOT NULL,
  created      INTEGER NOT NULL,
  updated      INTEGER NOT NULL,
  started      INTEGER,                           -- first claimed
  finished     INTEGER,                           -- done or cancelled
  urgent       INTEGER NOT NULL DEFAULT 0,        -- shown first (a customer is waiting)
  escalated_at INTEGER,                           -- unclaimed too long: a supervisor was called
  CHECK (state <> 'in_progress' OR assignee IS NOT NULL)
);
INSERT INTO tasks_v6 (id, kind, state, assignee, batch, order_id, created_by, created, updated, finished)
SELECT id, kind, state, assignee, batch, order_id, created_by, created, updated,
       CASE WHEN state IN ('done', 'cancelled') THEN updated END
FROM tasks;
DROP TABLE tasks;
ALTER TABLE tasks_v6 RENAME TO tasks;
CREATE INDEX tasks_active ON tasks (kind, id) WHERE state IN ('open', 'in_progress');
CREATE INDEX tasks_order ON tasks (order_id) WHERE order_id IS NOT NULL;
CREATE INDEX tasks_finished ON tasks (finished) WHERE finished IS NOT NULL;

-- ---- bags of a pickup order ----
-- Each bag gets a label (bag n of m, order ref, short customer name, and a
-- barcode "SE1:BAG:<bag_id>") and is put to a staging location by scan; at
-- handover each is scanned out.
CREATE TABLE bags (
  bag_id    TEXT    NOT NULL PRIMARY KEY,        -- "<store>-B<n>"
  order_id  TEXT    NOT NULL REFERENCES orders (order_id),
  seq       INTEGER NOT NULL CHECK (seq >= 1),   -- n of the order's m bags
  state     TEXT    NOT NULL CHECK (state IN ('open', 'staged', 'handed_over', 'unstaged')),
  location  TEXT,                                -- staging location
  created   INTEGER NOT NULL,
  staged_at INTEGER,
  staged_by TEXT,
  handed_at INTEGER,
  UNIQUE (order_id, seq)
);

-- ---- arrivals: the customer says "I'm here" ----
-- A waiting arrival has an urgent handover task; it is served by the
-- handover, or closed when the order expires or is cancelled.
CREATE TABLE arrivals (
  id           INTEGER PRIMARY KEY,
  order_id     TEXT    NOT NULL REFERENCES orders (order_id),
  source       TEXT    NOT NULL,                 -- kiosk, oms (its `source`: app, sms…), associate
  bay          TEXT,                             -- curbside parking bay; NULL: at the counter
  vehicle      TEXT,
  arrived_at   INTEGER NOT NULL,
  task_id      INTEGER REFERENCES tasks (id),
  state        TEXT    NOT NULL CHECK (state IN ('waiting', 'served', 'closed')),
  served_at    INTEGER,
  escalated_at INTEGER
);
CREATE INDEX arrivals_order ON arrivals (order_id);
CREATE INDEX arrivals_waiting ON arrivals (arrived_at) WHERE state = 'waiting';
CREATE INDEX arrivals_time ON arrivals (arrived_at);

-- ---- pickup-code attempts (lockout after 5 wrong within 15 minutes) ----
CREATE TABLE pickup_attempts (
  id       INTEGER PRIMARY KEY,
  order_id TEXT    NOT NULL,
  at       INTEGER NOT NULL,
  ok       INTEGER NOT NULL,
  channel  TEXT    NOT NULL,                     -- kiosk, associate
  by       TEXT    NOT NULL                      -- associate id or kiosk id
);
CREATE INDEX pickup_attempts_order ON pickup_attempts (order_id, at);

-- ---- handovers: how a pickup order was verified and who collected it ----
CREATE TABLE handovers (
  order_id    TEXT    NOT NULL PRIMARY KEY REFERENCES orders (order_id),
  verified_by TEXT    NOT NULL CHECK (verified_by IN ('pickup_code', 'id_check')),
  id_type     TEXT,                              -- id_check: the document seen
  collector   TEXT,                              -- proxy pickup: the person named
  associate   TEXT    NOT NULL,
  arrival_id  INTEGER,
  at          INTEGER NOT NULL
) WITHOUT ROWID;

-- ---- in-store returns ----
CREATE TABLE returns (
  id        INTEGER PRIMARY KEY,
  order_id  TEXT    NOT NULL REFERENCES orders (order_id),
  line_id   TEXT    NOT NULL,
  sku       TEXT    NOT NULL,
  qty       INTEGER NOT NULL CHECK (qty > 0),
  condition TEXT    NOT NULL CHECK (condition IN ('resellable', 'damaged')),
  reason    TEXT    NOT NULL DEFAULT '',         -- the customer's reason (free text or a code)
  location  TEXT,                                -- resellable: where it was put back
  associate TEXT    NOT NULL,
  at        INTEGER NOT NULL,
  FOREIGN KEY (order_id, line_id) REFERENCES order_lines (order_id, line_id)
);
CREATE INDEX returns_order ON returns (order_id, line_id);
CREATE INDEX returns_time ON returns (at);
CREATE INDEX returns_sku ON returns (sku, at);

-- ---- incoming stock given to waiting backorder/preorder lines ----
CREATE TABLE allocations (
  id       INTEGER PRIMARY KEY,
  ref      TEXT    NOT NULL,                     -- the incoming ref (or '' for a receipt without one)
  order_id TEXT    NOT NULL,
  line_id  TEXT    NOT NULL,
  sku      TEXT    NOT NULL,
  qty      INTEGER NOT NULL CHECK (qty > 0),
  at       INTEGER NOT NULL,
  FOREIGN KEY (order_id, line_id) REFERENCES order_lines (order_id, line_id)
);
CREATE INDEX allocations_line ON allocations (order_id, line_id);

-- Reports read these by time.
CREATE INDEX pick_records_at ON pick_records (at);
CREATE INDEX ledger_reason_at ON ledger (reason, at);
