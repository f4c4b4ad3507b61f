-- Rows of a schema-4 node (0004_orders.sql): a ship-from-store order being
-- packed (O-1, the open reservation of seed-v2), a refused order (O-2), a
-- bopis order with a pickup code in clear (O-3: schema 6 moves it to
-- pickup_codes_unhashed) and a cancelled one with a restock task (O-4).
INSERT INTO orders (order_id, order_ref, kind, state, priority, placed_at, promised_by, hold_until, pickup_code,
                    customer, ship_to, carrier_service, routed, updated, cancel_reason, cancel_restock) VALUES
  ('O-1', 'W-1001', 'ship_from_store', 'packed', 0, 1795774400000, 1795860000000, NULL, NULL,
   '{"name":"Kim"}', '{"city":"Lyon","postcode":"69001"}', 'ground', 1795774520000, 1795774600000, NULL, 0),
  ('O-2', 'W-1002', 'ship_from_store', 'rejected', 0, 1795774401000, NULL, NULL, NULL, '{}', '{}', '',
   1795774521000, 1795774521000, NULL, 0),
  ('O-3', 'W-1003', 'bopis', 'accepted', 1, 1795774402000, NULL, 1796379300000, '482913', '{"name":"Lou"}',
   '{}', '', 1795774522000, 1795774522000, NULL, 0),
  ('O-4', 'W-1004', 'curbside', 'cancelled', 0, 1795774403000, NULL, NULL, NULL, '{}', '{}', '', 1795774523000,
   1795774700000, 'customer_request', 1);

INSERT INTO order_lines (order_id, line_id, idx, sku, gtin, description, qty, fulfil, expected_at, accepted,
                         rejected, reject_reason, picked, short, short_reason, packed, shipped, restocked) VALUES
  ('O-1', '1', 0, 'SKU-1', '00012345678905', 'Trail shoe, size 42', 2, 'now', NULL, 2, 0, NULL, 2, 0, NULL, 2, 0, 0),
  ('O-2', '1', 0, 'SKU-2', NULL, 'Rain jacket M', 5, 'now', NULL, 0, 5, 'insufficient_stock', 0, 0, NULL, 0, 0, 0),
  ('O-3', '1', 0, 'SKU-2', NULL, 'Rain jacket M', 1, 'now', NULL, 1, 0, NULL, 0, 0, NULL, 0, 0, 0),
  ('O-3', '2', 1, 'SKU-3', NULL, 'Café crème mug', 2, 'backorder', 1795860000000, 0, 0, NULL, 0, 0, NULL, 0, 0, 0),
  ('O-4', '1', 0, 'SKU-1', NULL, 'Trail shoe, size 42', 1, 'now', NULL, 1, 0, NULL, 1, 0, NULL, 0, 0, 0);

INSERT INTO tasks (id, kind, state, assignee, batch, order_id, created_by, created, updated) VALUES
  (1, 'pick', 'done', 'ana', 1, NULL, 'system', 1795774530000, 1795774580000),
  (2, 'pack', 'in_progress', 'ana', 0, 'O-1', 'system', 1795774580000, 1795774590000),
  (3, 'restock', 'open', NULL, 0, 'O-4', 'system', 1795774700000, 1795774700000),
  (4, 'pick', 'open', NULL, 0, 'O-3', 'system', 1795774522000, 1795774522000);

INSERT INTO task_orders (task_id, order_id, tote_slot, tote) VALUES
  (1, 'O-1', 1, 'T1'), (1, 'O-4', 2, 'T2'), (4, 'O-3', 1, 'T1');

INSERT INTO pick_lines (id, task_id, order_id, line_id, sku, location, seq, tote_slot, qty, picked, short, shipped,
                        returned, state) VALUES
  (1, 1, 'O-1', '1', 'SKU-1', 'A-01-01', 1, 1, 2, 2, 0, 0, 0, 'done'),
  (2, 1, 'O-4', '1', 'SKU-1', 'A-01-02', 2, 2, 1, 1, 0, 0, 0, 'done'),
  (3, 4, 'O-3', '1', 'SKU-2', '', 1, 1, 1, 0, 0, 0, 0, 'open');

INSERT INTO pick_records (id, task_id, pick_line_id, order_id, line_id, sku, location, qty, method, reason, scan,
                          associate, at) VALUES
  (1, 1, 1, 'O-1', '1', 'SKU-1', 'A-01-01', 2, 'scan', NULL, '00012345678905', 'ana', 1795774560000),
  (2, 1, 2, 'O-4', '1', 'SKU-1', 'A-01-02', 1, 'manual', 'label_damaged', NULL, 'ana', 1795774570000);

INSERT INTO packages (package_id, order_id, seq, box, length_mm, width_mm, height_mm, weight_g, state, station,
                      packed_by, carrier, tracking, label_format, label, label_state, created, closed, shipped)
  VALUES
  ('FIX1-P1', 'O-1', 1, 'M', 400, 300, 200, 1350, 'closed', 'pack-1', 'ana', 'ups', '1Z999AA10123456784', 'zpl',
   CAST('^XA^FO50,50^FD1Z999AA10123456784^FS^XZ' AS BLOB), 'queued', 1795774590000, 1795774600000, NULL);

INSERT INTO package_lines (package_id, order_id, line_id, qty) VALUES ('FIX1-P1', 'O-1', '1', 2);

INSERT INTO restock_units (id, task_id, order_id, line_id, sku, from_location, to_location, state, associate, at)
  VALUES (1, 3, 'O-4', '1', 'SKU-1', 'A-01-02', NULL, 'pending', NULL, NULL);

INSERT INTO reservations (order_id, line_id, sku, qty, open_qty, consumed_qty, state, reason, created, closed) VALUES
  ('O-3', '1', 'SKU-2', 1, 1, 0, 'open', NULL, 1795774522000, NULL),
  ('O-4', '1', 'SKU-1', 1, 1, 0, 'open', NULL, 1795774523000, NULL);

INSERT INTO outbox (seq, id, type, payload, created, published) VALUES
  (6, '00000000-0000-4000-8000-000000000006', 'order.accepted',
   '{"order_id":"O-1","lines":[{"line_id":"1","qty":2}]}', 1795774520000, 1795774520100),
  (7, '00000000-0000-4000-8000-000000000007', 'order.rejected',
   '{"order_id":"O-2","reason":"insufficient_stock"}', 1795774521000, 1795774521100),
  (8, '00000000-0000-4000-8000-000000000008', 'order.packed', '{"order_id":"O-1","packages":1}',
   1795774600000, NULL);

INSERT INTO inbox (id, stream, seq, type, applied) VALUES
  ('11111111-0000-4000-8000-000000000101', 'orders', 1, 'order.routed', 1795774520000);
