-- Rows of a schema-5 node (0005_print_jobs.sql): print jobs in several states.
INSERT INTO print_jobs (id, station, queue, format, kind, ref, data, state, cups_job_id, attempts, reason,
                        reprint_of, created, updated) VALUES
  ('22222222-0000-4000-8000-000000000001', 'pack-1', 'zebra-1', 'zpl', 'carrier_label', 'FIX1-P1',
   CAST('^XA^FD1Z999AA10123456784^FS^XZ' AS BLOB), 'completed', 17, 1, '', '', 1795774600000, 1795774605000),
  ('22222222-0000-4000-8000-000000000002', 'pack-1', 'laser-1', 'pdf', 'packing_slip', 'O-1',
   CAST('%PDF-1.4 fixture' AS BLOB), 'submitted', 18, 1, '', '', 1795774600000, 1795774601000),
  ('22222222-0000-4000-8000-000000000003', 'pack-1', '', 'zpl', 'carrier_label', 'FIX1-P1',
   CAST('^XA^XZ' AS BLOB), 'queued', 0, 0, '', '22222222-0000-4000-8000-000000000001', 1795774610000,
   1795774610000);
