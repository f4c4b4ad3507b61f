-- Schema 11: ledger retention.
--
-- Ledger rows older than [store] ledger_retention_days are folded into one
-- row per SKU and location that carries their sum forward (origin 'local',
-- reason 'carried_forward', no event_seq, `at` the instant before which rows
-- were folded), so that a SKU's figures still equal the sum of its ledger
-- while the ledger stops growing without bound. Later folds add to the same
-- row; this index finds it, and holds only those rows (no other write pays
-- for it). InventoryRepo::FoldLedger says which rows are kept as they are.
CREATE UNIQUE INDEX ledger_carried ON ledger (sku, location)
  WHERE origin = 'local' AND reason = 'carried_forward';
