-- Schema 9: two indexes that every reservation wrote and no query of the
-- node reads.
--
-- ledger_sku (ledger by SKU) and reservations_open (open reservations by SKU)
-- each took a leaf page at a random place per order line: a 3-line order
-- dirtied six pages of them, about a third of what its decision writes to
-- the WAL, and a snapshot wrote one ledger_sku entry per SKU it changed. The
-- node reads the ledger by id, by event seq (snapshot replay) and by reason
-- and time (reports), and reservations by order; a SKU's whole history or
-- open reservations are read only by InventoryRepo::LedgerOf and
-- CheckConsistency, diagnostics that scan (one pass over the ledger).
DROP INDEX ledger_sku;
DROP INDEX reservations_open;
