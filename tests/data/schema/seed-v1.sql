-- Rows of a schema-1 node (edge/store/sql/0001_foundation.sql), for
-- make-fixtures.sh. Store FIX1; times around 2026-11-27 (Unix ms).
INSERT INTO meta (key, value) VALUES ('store_id', 'FIX1'), ('created', '1795774503120');

INSERT INTO outbox (seq, id, type, payload, created, published) VALUES
  (1, '00000000-0000-4000-8000-000000000001', 'sync.replay_requested', '{"stream":"orders","from_seq":1}',
   1795774503120, 1795774503200),
  (2, '00000000-0000-4000-8000-000000000002', 'message.rejected',
   '{"id":"11111111-0000-4000-8000-000000000009","stream":"orders","seq":9,"reason":"unknown type ''order.exploded''"}',
   1795774504000, 1795774504100),
  (3, '00000000-0000-4000-8000-000000000003', 'message.rejected', '{"reason":"not JSON"}', 1795774505000, NULL);

INSERT INTO inbox (id, stream, seq, type, applied) VALUES
  ('11111111-0000-4000-8000-000000000001', 'control', 1, 'sync.snapshot_follows', 1795774503150),
  ('11111111-0000-4000-8000-000000000002', 'control', 2, 'sync.replay', 1795774503160);

INSERT INTO stream_state (stream, next_seq) VALUES ('control', 3), ('orders', 10);

INSERT INTO held (stream, seq, id, payload, received) VALUES
  ('orders', 12, '11111111-0000-4000-8000-000000000012',
   CAST('{"id":"11111111-0000-4000-8000-000000000012","type":"order.cancel_requested"}' AS BLOB), 1795774506000);

INSERT INTO dead_letters (id, received, topic, message_id, stream, seq, reason, payload) VALUES
  (1, 1795774504000, 'oms/v1/stores/FIX1/orders', '11111111-0000-4000-8000-000000000009', 'orders', 9,
   'unknown type ''order.exploded''', CAST('{"type":"order.exploded"}' AS BLOB)),
  (2, 1795774505000, 'oms/v1/stores/FIX1/orders', NULL, NULL, NULL, 'not JSON', x'00ff7b');
