-- Rows of a schema-2 node (0002_inventory.sql): the inventory replica.
INSERT INTO items (id, sku, description, on_hand, reserved, safety_stock, updated) VALUES
  (1, 'SKU-1', 'Trail shoe, size 42', 10, 2, 1, 1795774510000),
  (2, 'SKU-2', 'Rain jacket M', 3, 0, 0, 1795774510000),
  (3, 'SKU-3', 'Café crème mug', -1, 0, 0, 1795774510000);

INSERT INTO barcodes (gtin14, sku) VALUES
  ('00012345678905', 'SKU-1'), ('04006381333931', 'SKU-1'), ('00000000000017', 'SKU-2');

INSERT INTO locations (code, zone, aisle, bin, walk_order) VALUES
  ('A-01-01', 'A', '01', '01', 10), ('A-01-02', 'A', '01', '02', 20), ('B-03-12', 'B', '03', '12', NULL);

INSERT INTO stock (sku, location, qty) VALUES
  ('SKU-1', 'A-01-01', 6), ('SKU-1', 'A-01-02', 4), ('SKU-2', '', 3), ('SKU-3', 'B-03-12', -1);

INSERT INTO outbox (seq, id, type, payload, created, published) VALUES
  (4, '00000000-0000-4000-8000-000000000004', 'inventory.adjusted',
   '{"sku":"SKU-1","delta":10,"on_hand":10,"reason":"count"}', 1795774510000, 1795774510100),
  (5, '00000000-0000-4000-8000-000000000005', 'inventory.adjusted',
   '{"sku":"SKU-2","delta":3,"on_hand":3,"reason":"receipt"}', 1795774510000, NULL);

INSERT INTO reservations (order_id, line_id, sku, qty, open_qty, consumed_qty, state, reason, created, closed) VALUES
  ('O-1', '1', 'SKU-1', 2, 2, 0, 'open', NULL, 1795774520000, NULL),
  ('O-2', '1', 'SKU-2', 5, 0, 0, 'refused', 'insufficient_stock', 1795774521000, 1795774521000);

INSERT INTO ledger (id, sku, location, d_on_hand, d_reserved, reason, ref, origin, event_seq, at) VALUES
  (1, 'SKU-1', 'A-01-01', 6, 0, 'count', NULL, 'local', 4, 1795774510000),
  (2, 'SKU-1', 'A-01-02', 4, 0, 'count', NULL, 'local', 4, 1795774510000),
  (3, 'SKU-2', '', 3, 0, 'receipt', 'PO-77', 'local', 5, 1795774510000),
  (4, 'SKU-3', 'B-03-12', -1, 0, 'sale', NULL, 'delta', NULL, 1795774511000),
  (5, 'SKU-1', '', 0, 2, 'reserve', 'O-1', 'local', NULL, 1795774520000);

INSERT INTO snapshots_pending (snapshot_id, chunks, as_of_store_seq, ledger_mark, first_received, last_received)
  VALUES ('snap-2', 2, 5, 5, 1795774530000, 1795774530000);
INSERT INTO snapshot_chunks (snapshot_id, chunk, digest, items) VALUES ('snap-2', 1, 'sha256:5e1f', 1);
INSERT INTO snapshot_items (snapshot_id, chunk, idx, sku, location, on_hand, safety_stock, gtin14, description)
  VALUES ('snap-2', 1, 0, 'SKU-1', 'A-01-01', 6, 1, '00012345678905', 'Trail shoe, size 42');
INSERT INTO snapshots_applied (snapshot_id, as_of_store_seq, applied, event_seq)
  VALUES ('snap-1', 0, 1795774509000, 3);

INSERT INTO incoming (ref, sku, qty, received_qty, eta, updated) VALUES
  ('PO-77', 'SKU-2', 5, 3, 1795860000000, 1795774510000);

INSERT INTO available_pending (sku) VALUES ('SKU-3');
INSERT INTO available_reported (sku, available, reported) VALUES ('SKU-1', 7, 1795774512000), ('SKU-2', 3, 1795774512000);
