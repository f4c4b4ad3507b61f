-- Schema 10: snapshot_items, the staging table of snapshots being received,
-- without its foreign key to snapshot_chunks.
--
-- With foreign keys on, SQLite deletes from a table that has one in two
-- passes: it first collects the key of every row to delete, then deletes
-- them one by one. Applying a snapshot deletes all its staged rows in the
-- same transaction; for 1,000,000 of them that took 0.8 s of the apply,
-- against 0.2 s without the key (inventory_bench --profile), and staging
-- looked up the chunk for every row it wrote. InventoryRepo deletes a
-- snapshot's staged rows itself, before its chunks, wherever it deletes the
-- chunks (apply, discard); the key's cascade was never what removed them.
-- Rebuilt the usual way (new table, copy, drop, rename), with foreign keys
-- off as every migration runs.
CREATE TABLE snapshot_items_v10 (
  snapshot_id  TEXT    NOT NULL,
  chunk        INTEGER NOT NULL,
  idx          INTEGER NOT NULL,
  sku          TEXT    NOT NULL,
  location     TEXT    NOT NULL,
  on_hand      INTEGER NOT NULL,
  safety_stock INTEGER,
  gtin14       TEXT,
  description  TEXT,
  PRIMARY KEY (snapshot_id, chunk, idx)
) WITHOUT ROWID;
INSERT INTO snapshot_items_v10 (snapshot_id, chunk, idx, sku, location, on_hand, safety_stock, gtin14, description)
SELECT snapshot_id, chunk, idx, sku, location, on_hand, safety_stock, gtin14, description FROM snapshot_items;
DROP TABLE snapshot_items;
ALTER TABLE snapshot_items_v10 RENAME TO snapshot_items;
