-- Rows of a schema-6 node (0006_pickup.sql): O-3 picked, bagged, staged and
-- waiting for its customer who has arrived; a returned unit of O-1 (shipped
-- meanwhile); incoming stock allocated to O-3's backorder line.
UPDATE orders SET state = 'shipped', closed_at = 1795775000000, updated = 1795775000000 WHERE order_id = 'O-1';
UPDATE order_lines SET shipped = 2, returned = 1 WHERE order_id = 'O-1' AND line_id = '1';
UPDATE orders SET state = 'ready', picked_at = 1795774800000, ready_at = 1795774900000, staging_location = 'S-01',
                  pickup_code_hash = 'pbkdf2$fixture$0f1e2d3c', updated = 1795774900000
  WHERE order_id = 'O-3';
UPDATE order_lines SET picked = 1 WHERE order_id = 'O-3' AND line_id = '1';
UPDATE order_lines SET accepted = 1, allocated = 1 WHERE order_id = 'O-3' AND line_id = '2';

INSERT INTO tasks (id, kind, state, assignee, batch, order_id, created_by, created, updated, started, finished,
                   urgent, escalated_at) VALUES
  (5, 'stage', 'done', 'ana', 0, 'O-3', 'system', 1795774800000, 1795774900000, 1795774810000, 1795774900000, 0,
   NULL),
  (6, 'handover', 'open', NULL, 0, 'O-3', 'system', 1795774950000, 1795774950000, NULL, NULL, 1, NULL);

INSERT INTO bags (bag_id, order_id, seq, state, location, created, staged_at, staged_by, handed_at) VALUES
  ('FIX1-B1', 'O-3', 1, 'staged', 'S-01', 1795774850000, 1795774900000, 'ana', NULL);

INSERT INTO arrivals (id, order_id, source, bay, vehicle, arrived_at, task_id, state, served_at, escalated_at)
  VALUES (1, 'O-3', 'kiosk', '4', 'blue van', 1795774950000, 6, 'waiting', NULL, NULL);

INSERT INTO pickup_attempts (id, order_id, at, ok, channel, by) VALUES
  (1, 'O-3', 1795774960000, 0, 'kiosk', 'kiosk-1');

INSERT INTO handovers (order_id, verified_by, id_type, collector, associate, arrival_id, at) VALUES
  ('O-1', 'id_check', 'passport', NULL, 'sam', NULL, 1795775000000);

INSERT INTO returns (id, order_id, line_id, sku, qty, condition, reason, location, associate, at) VALUES
  (1, 'O-1', '1', 'SKU-1', 1, 'resellable', 'too small', 'A-01-01', 'sam', 1795775100000);

INSERT INTO allocations (id, ref, order_id, line_id, sku, qty, at) VALUES
  (1, 'PO-88', 'O-3', '2', 'SKU-3', 1, 1795774700000);

INSERT INTO outbox (seq, id, type, payload, created, published) VALUES
  (9, '00000000-0000-4000-8000-000000000009', 'order.ready_for_pickup', '{"order_id":"O-3","bags":1}',
   1795774900000, NULL);
