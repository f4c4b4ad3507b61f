-- Schema version 2: the inventory replica (issue 3). Quantities are integers;
-- times are Unix milliseconds (UTC). Every change of on_hand or reserved is
-- written through InventoryRepo::Apply, which updates `stock`, `items` and
-- `ledger` together, so a SKU's figures always equal the sum of its ledger.

-- One row per SKU the store knows. on_hand is the sum of the SKU's `stock`
-- rows; reserved the sum of its open reservations. on_hand may go negative
-- (a central sale the replica did not know of); available never does.
CREATE TABLE items (
  id           INTEGER PRIMARY KEY,               -- rowid, for the FTS index
  sku          TEXT    NOT NULL UNIQUE,
  description  TEXT    NOT NULL DEFAULT '',
  on_hand      INTEGER NOT NULL DEFAULT 0,
  reserved     INTEGER NOT NULL DEFAULT 0 CHECK (reserved >= 0),
  safety_stock INTEGER NOT NULL DEFAULT 0 CHECK (safety_stock >= 0),
  updated      INTEGER NOT NULL
);

-- Every barcode a SKU answers to, normalised to GTIN-14 (UPC-A, EAN-13 and
-- GTIN-8 are zero-padded), so any of them finds the item.
CREATE TABLE barcodes (
  gtin14 TEXT NOT NULL PRIMARY KEY CHECK (length(gtin14) = 14),
  sku    TEXT NOT NULL REFERENCES items (sku)
) WITHOUT ROWID;
CREATE INDEX barcodes_sku ON barcodes (sku);

-- Zone/aisle/bin locations. walk_order orders pick lists (NULL: after every
-- set one, then by code). Created on first use; DefineLocation sets the walk.
CREATE TABLE locations (
  code       TEXT    NOT NULL PRIMARY KEY,
  zone       TEXT    NOT NULL,
  aisle      TEXT    NOT NULL,
  bin        TEXT    NOT NULL,
  walk_order INTEGER
) WITHOUT ROWID;

-- Quantity per SKU and location; location '' is the unlocated bucket (stock
-- known to be in the store but not at a bin). Rows at zero are deleted.
CREATE TABLE stock (
  sku      TEXT    NOT NULL REFERENCES items (sku),
  location TEXT    NOT NULL,
  qty      INTEGER NOT NULL,
  PRIMARY KEY (sku, location)
) WITHOUT ROWID;
CREATE INDEX stock_location ON stock (location, sku);

-- One row per order line asked of the store. A refused line is kept too, so
-- that re-routing the same order gives the same decision and reserves
-- nothing twice. open_qty is what the line still holds of `reserved`.
CREATE TABLE reservations (
  order_id     TEXT    NOT NULL,
  line_id      TEXT    NOT NULL,
  sku          TEXT    NOT NULL,
  qty          INTEGER NOT NULL CHECK (qty > 0),          -- asked for
  open_qty     INTEGER NOT NULL CHECK (open_qty >= 0),
  consumed_qty INTEGER NOT NULL DEFAULT 0 CHECK (consumed_qty >= 0),
  state        TEXT    NOT NULL CHECK (state IN ('open', 'consumed', 'released', 'refused')),
  reason       TEXT,                                       -- refusal or release reason
  created      INTEGER NOT NULL,
  closed       INTEGER,
  CHECK ((state = 'open') = (open_qty > 0)),
  PRIMARY KEY (order_id, line_id)
) WITHOUT ROWID;
CREATE INDEX reservations_open ON reservations (sku) WHERE state = 'open';

-- The ledger: every change of on_hand or reserved, one row each.
--   origin 'local'    the node's own change (adjustment, reservation, goods
--                     leaving), event_seq = the outbox seq of the event that
--                     reported it (NULL only for reserved-only changes that no
--                     event of their own reports, e.g. a release);
--   origin 'delta'    an inventory.delta from the central side;
--   origin 'snapshot' the difference a complete snapshot made.
-- A snapshot re-applies the on-hand of 'local' rows with event_seq >
-- as_of_store_seq and of 'delta' rows written after its first chunk arrived.
CREATE TABLE ledger (
  id         INTEGER PRIMARY KEY,
  sku        TEXT    NOT NULL,
  location   TEXT    NOT NULL,
  d_on_hand  INTEGER NOT NULL,
  d_reserved INTEGER NOT NULL,
  reason     TEXT    NOT NULL,
  ref        TEXT,
  origin     TEXT    NOT NULL CHECK (origin IN ('local', 'delta', 'snapshot')),
  event_seq  INTEGER,
  at         INTEGER NOT NULL
);
CREATE INDEX ledger_sku ON ledger (sku);
CREATE INDEX ledger_local_seq ON ledger (event_seq) WHERE origin = 'local' AND d_on_hand <> 0;

-- Snapshots being received: one row per snapshot_id, its chunks, and their
-- items. ledger_mark is the highest ledger id when the first chunk arrived:
-- central deltas after it are not in the snapshot and are re-applied.
CREATE TABLE snapshots_pending (
  snapshot_id     TEXT    NOT NULL PRIMARY KEY,
  chunks          INTEGER NOT NULL CHECK (chunks >= 1),
  as_of_store_seq INTEGER NOT NULL CHECK (as_of_store_seq >= 0),
  ledger_mark     INTEGER NOT NULL,
  first_received  INTEGER NOT NULL,
  last_received   INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE snapshot_chunks (
  snapshot_id TEXT    NOT NULL REFERENCES snapshots_pending (snapshot_id) ON DELETE CASCADE,
  chunk       INTEGER NOT NULL,
  digest      TEXT    NOT NULL,   -- of the chunk's items, to tell a duplicate from a conflict
  items       INTEGER NOT NULL,
  PRIMARY KEY (snapshot_id, chunk)
) WITHOUT ROWID;

CREATE TABLE snapshot_items (
  snapshot_id  TEXT    NOT NULL,
  chunk        INTEGER NOT NULL,
  idx          INTEGER NOT NULL,
  sku          TEXT    NOT NULL,
  location     TEXT    NOT NULL,
  on_hand      INTEGER NOT NULL,
  safety_stock INTEGER,
  gtin14       TEXT,
  description  TEXT,
  PRIMARY KEY (snapshot_id, chunk, idx),
  FOREIGN KEY (snapshot_id, chunk) REFERENCES snapshot_chunks (snapshot_id, chunk) ON DELETE CASCADE
) WITHOUT ROWID;

-- Snapshots applied, so that a late duplicate chunk of one is ignored
-- instead of starting (or, for a one-chunk snapshot, re-applying) it.
CREATE TABLE snapshots_applied (
  snapshot_id     TEXT    NOT NULL PRIMARY KEY,
  as_of_store_seq INTEGER NOT NULL,
  applied         INTEGER NOT NULL,
  event_seq       INTEGER NOT NULL
) WITHOUT ROWID;

-- Stock on its way (inventory.incoming), per reference and SKU; received_qty
-- grows as receipts naming the reference are booked. Backorder and pre-order
-- lines are allocated from it (orders, later).
CREATE TABLE incoming (
  ref          TEXT    NOT NULL,
  sku          TEXT    NOT NULL REFERENCES items (sku),
  qty          INTEGER NOT NULL CHECK (qty > 0),
  received_qty INTEGER NOT NULL DEFAULT 0 CHECK (received_qty >= 0),
  eta          INTEGER NOT NULL,
  updated      INTEGER NOT NULL,
  PRIMARY KEY (ref, sku)
) WITHOUT ROWID;
CREATE INDEX incoming_sku ON incoming (sku);

-- inventory.available reporting: SKUs whose availability may have changed
-- since the last report (written in the same transaction as the change, so a
-- crash loses none), and what the OMS last heard per SKU.
CREATE TABLE available_pending (
  sku TEXT NOT NULL PRIMARY KEY
) WITHOUT ROWID;

CREATE TABLE available_reported (
  sku       TEXT    NOT NULL PRIMARY KEY,
  available INTEGER NOT NULL,
  reported  INTEGER NOT NULL
) WITHOUT ROWID;

-- Free-text search over SKUs and descriptions, kept in step with `items` by
-- triggers (external content: the text is stored once, in items).
CREATE VIRTUAL TABLE items_fts USING fts5 (
  sku, description, content = 'items', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER items_fts_insert AFTER INSERT ON items BEGIN
  INSERT INTO items_fts (rowid, sku, description) VALUES (new.id, new.sku, new.description);
END;
CREATE TRIGGER items_fts_update AFTER UPDATE OF sku, description ON items BEGIN
  INSERT INTO items_fts (items_fts, rowid, sku, description) VALUES ('delete', old.id, old.sku, old.description);
  INSERT INTO items_fts (rowid, sku, description) VALUES (new.id, new.sku, new.description);
END;
CREATE TRIGGER items_fts_delete AFTER DELETE ON items BEGIN
  INSERT INTO items_fts (items_fts, rowid, sku, description) VALUES ('delete', old.id, old.sku, old.description);
END;
