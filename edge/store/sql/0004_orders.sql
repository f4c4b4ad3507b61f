-- Schema version 4: store work on routed orders (issue 5): orders and their
-- lines, tasks (pick, pack, restock), totes of a pick task, pick lines and
-- the record of every unit picked or shorted, packages with their contents
-- and carrier labels, and units being put back after a cancellation.
-- Quantities are integers; times are Unix milliseconds (UTC). Rows are
-- written by OrderRepo on behalf of OrderService (edge/app), one command per
-- transaction together with the outbox event that reports it. Stock itself
-- (on_hand, reserved) stays in the inventory tables of 0002.

-- One row per order routed to this store, refused ones included, so that
-- re-routing the same order_id gives the same answer.
CREATE TABLE orders (
  order_id        TEXT    NOT NULL PRIMARY KEY,
  order_ref       TEXT    NOT NULL DEFAULT '',
  kind            TEXT    NOT NULL CHECK (kind IN ('ship_from_store', 'bopis', 'curbside', 'same_day')),
  state           TEXT    NOT NULL CHECK (state IN ('accepted', 'picking', 'picked', 'packed', 'shipped',
                                                    'cancelled', 'rejected')),
  priority        INTEGER NOT NULL DEFAULT 0,   -- lower = more urgent
  placed_at       INTEGER,
  promised_by     INTEGER,
  hold_until      INTEGER,
  pickup_code     TEXT,
  customer        TEXT    NOT NULL DEFAULT '{}',  -- JSON object as routed (or updated)
  ship_to         TEXT    NOT NULL DEFAULT '{}',  -- JSON object as routed
  carrier_service TEXT    NOT NULL DEFAULT '',
  routed          INTEGER NOT NULL,
  updated         INTEGER NOT NULL,
  cancel_reason   TEXT,                           -- set when cancelled
  cancel_restock  INTEGER NOT NULL DEFAULT 0      -- cancelled with a restock task
) WITHOUT ROWID;
CREATE INDEX orders_state ON orders (state);

-- The lines of an order and what became of their units. A `now` line's qty
-- is accepted or rejected at intake; accepted units are then picked or
-- shorted; picked units packed, then shipped (or restocked on cancellation).
CREATE TABLE order_lines (
  order_id      TEXT    NOT NULL REFERENCES orders (order_id),
  line_id       TEXT    NOT NULL,
  idx           INTEGER NOT NULL,                -- position in order.routed
  sku           TEXT    NOT NULL,
  gtin          TEXT,                            -- GTIN-14 as routed
  description   TEXT    NOT NULL DEFAULT '',
  qty           INTEGER NOT NULL CHECK (qty > 0),
  fulfil        TEXT    NOT NULL CHECK (fulfil IN ('now', 'backorder', 'preorder')),
  expected_at   INTEGER,
  accepted      INTEGER NOT NULL DEFAULT 0 CHECK (accepted >= 0),
  rejected      INTEGER NOT NULL DEFAULT 0 CHECK (rejected >= 0),
  reject_reason TEXT,                            -- intake refusal reason
  picked        INTEGER NOT NULL DEFAULT 0 CHECK (picked >= 0),
  short         INTEGER NOT NULL DEFAULT 0 CHECK (short >= 0),
  short_reason  TEXT,                            -- of the latest short
  packed        INTEGER NOT NULL DEFAULT 0 CHECK (packed >= 0),
  shipped       INTEGER NOT NULL DEFAULT 0 CHECK (shipped >= 0),
  restocked     INTEGER NOT NULL DEFAULT 0 CHECK (restocked >= 0),
  CHECK (accepted + rejected <= qty),
  CHECK (picked + short <= accepted),
  CHECK (packed <= picked),
  CHECK (shipped <= packed),
  PRIMARY KEY (order_id, line_id)
) WITHOUT ROWID;

-- Work for associates. A pick task covers one order, or a batch of orders
-- picked in one walk (batch = 1; their totes in task_orders). Pack and
-- restock tasks belong to one order (order_id).
CREATE TABLE tasks (
  id         INTEGER PRIMARY KEY,
  kind       TEXT    NOT NULL CHECK (kind IN ('pick', 'pack', 'restock')),
  state      TEXT    NOT NULL CHECK (state IN ('open', 'in_progress', 'done', 'cancelled')),
  assignee   TEXT,                              -- NULL: anyone may claim it
  batch      INTEGER NOT NULL DEFAULT 0,
  order_id   TEXT,
  created_by TEXT    NOT NULL,
  created    INTEGER NOT NULL,
  updated    INTEGER NOT NULL,
  CHECK (state <> 'in_progress' OR assignee IS NOT NULL)
);
CREATE INDEX tasks_active ON tasks (kind, id) WHERE state IN ('open', 'in_progress');
CREATE INDEX tasks_order ON tasks (order_id) WHERE order_id IS NOT NULL;

-- The orders of a pick task, each with its tote on the cart.
CREATE TABLE task_orders (
  task_id   INTEGER NOT NULL REFERENCES tasks (id),
  order_id  TEXT    NOT NULL REFERENCES orders (order_id),
  tote_slot INTEGER NOT NULL CHECK (tote_slot >= 1),
  tote      TEXT    NOT NULL,                   -- label shown to the picker ("T1")
  PRIMARY KEY (task_id, order_id),
  UNIQUE (task_id, tote_slot)
) WITHOUT ROWID;
CREATE INDEX task_orders_order ON task_orders (order_id);

-- A pick list: take qty of an order line's SKU at a location ('' = not at a
-- known bin) into the order's tote. seq is the place in the walk. Units
-- picked here are consumed from this location when they ship (shipped) or
-- handed to a restock task when the order is cancelled (returned).
CREATE TABLE pick_lines (
  id        INTEGER PRIMARY KEY,
  task_id   INTEGER NOT NULL REFERENCES tasks (id),
  order_id  TEXT    NOT NULL,
  line_id   TEXT    NOT NULL,
  sku       TEXT    NOT NULL,
  location  TEXT    NOT NULL,
  seq       INTEGER NOT NULL,
  tote_slot INTEGER NOT NULL,
  qty       INTEGER NOT NULL CHECK (qty > 0),
  picked    INTEGER NOT NULL DEFAULT 0 CHECK (picked >= 0),
  short     INTEGER NOT NULL DEFAULT 0 CHECK (short >= 0),
  shipped   INTEGER NOT NULL DEFAULT 0 CHECK (shipped >= 0),
  returned  INTEGER NOT NULL DEFAULT 0 CHECK (returned >= 0),
  state     TEXT    NOT NULL CHECK (state IN ('open', 'done', 'cancelled')),
  CHECK (picked + short <= qty),
  CHECK (shipped + returned <= picked),
  FOREIGN KEY (order_id, line_id) REFERENCES order_lines (order_id, line_id)
);
CREATE INDEX pick_lines_task ON pick_lines (task_id, seq);
CREATE INDEX pick_lines_order ON pick_lines (order_id, line_id);
CREATE INDEX pick_lines_stock ON pick_lines (sku, location);

-- Every unit picked or shorted: how it was confirmed (scan, count, manual
-- with a reason) or why it was short (not_found, damaged), by whom, when,
-- where.
CREATE TABLE pick_records (
  id           INTEGER PRIMARY KEY,
  task_id      INTEGER NOT NULL,
  pick_line_id INTEGER NOT NULL REFERENCES pick_lines (id),
  order_id     TEXT    NOT NULL,
  line_id      TEXT    NOT NULL,
  sku          TEXT    NOT NULL,
  location     TEXT    NOT NULL,
  qty          INTEGER NOT NULL CHECK (qty > 0),
  method       TEXT    NOT NULL CHECK (method IN ('scan', 'count', 'manual', 'short')),
  reason       TEXT,                             -- manual: why no scan; short: not_found/damaged
  scan         TEXT,                             -- the GTIN-14 scanned
  associate    TEXT    NOT NULL,
  at           INTEGER NOT NULL,
  CHECK (method NOT IN ('manual', 'short') OR reason IS NOT NULL)
);
CREATE INDEX pick_records_order ON pick_records (order_id, line_id);
CREATE INDEX pick_records_task ON pick_records (task_id);

-- Packages of an order: box (from the catalogue, inner dimensions), weight,
-- the station that packed it, and its carrier label from shipment.label.
-- label_state: none (no label yet) -> received (stored, not yet with the
-- printer) -> queued (the printer took it) -> verified (its tracking barcode
-- was scanned on this package); voided (a spoiled print: reprint it).
CREATE TABLE packages (
  package_id   TEXT    NOT NULL PRIMARY KEY,
  order_id     TEXT    NOT NULL REFERENCES orders (order_id),
  seq          INTEGER NOT NULL,                 -- 1.. within the order
  box          TEXT    NOT NULL,
  length_mm    INTEGER NOT NULL,
  width_mm     INTEGER NOT NULL,
  height_mm    INTEGER NOT NULL,
  weight_g     INTEGER,
  state        TEXT    NOT NULL CHECK (state IN ('open', 'closed', 'shipped', 'cancelled')),
  station      TEXT    NOT NULL,
  packed_by    TEXT    NOT NULL,
  carrier      TEXT,
  tracking     TEXT,
  label_format TEXT    CHECK (label_format IN ('zpl', 'pdf')),
  label        BLOB,
  label_state  TEXT    NOT NULL DEFAULT 'none'
                       CHECK (label_state IN ('none', 'received', 'queued', 'verified', 'voided')),
  created      INTEGER NOT NULL,
  closed       INTEGER,
  shipped      INTEGER,
  UNIQUE (order_id, seq)
);
CREATE INDEX packages_tracking ON packages (tracking) WHERE tracking IS NOT NULL;
CREATE INDEX packages_label ON packages (label_state);

CREATE TABLE package_lines (
  package_id TEXT    NOT NULL REFERENCES packages (package_id),
  order_id   TEXT    NOT NULL,
  line_id    TEXT    NOT NULL,
  qty        INTEGER NOT NULL CHECK (qty > 0),
  PRIMARY KEY (package_id, line_id),
  FOREIGN KEY (order_id, line_id) REFERENCES order_lines (order_id, line_id)
) WITHOUT ROWID;

-- Units of a cancelled order going back to a location, one row per unit,
-- each confirmed by a scan of the item and of the location put back to.
-- Until put back a unit stays reserved (it is in a tote, not on a shelf).
CREATE TABLE restock_units (
  id            INTEGER PRIMARY KEY,
  task_id       INTEGER NOT NULL REFERENCES tasks (id),
  order_id      TEXT    NOT NULL,
  line_id       TEXT    NOT NULL,
  sku           TEXT    NOT NULL,
  from_location TEXT    NOT NULL,                -- where it was picked
  to_location   TEXT,                            -- where it was put back
  state         TEXT    NOT NULL CHECK (state IN ('pending', 'done')),
  associate     TEXT,
  at            INTEGER
);
CREATE INDEX restock_units_task ON restock_units (task_id, state);
CREATE INDEX restock_units_stock ON restock_units (sku, from_location) WHERE state = 'pending';
