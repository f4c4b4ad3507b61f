-- Schema 8: lists of allowed values in CHECK constraints and triggers written
-- as comparisons joined by OR.
--
-- SQLite evaluates `x IN ('a', 'b', 'c')` (three or more constants) by
-- building a temporary b-tree of the list every time a statement runs: about
-- 1.5 µs for each row written, and a routed order writes a dozen such rows.
-- `x = 'a' OR x = 'b' OR x = 'c'` accepts and refuses exactly the same values
-- (a NULL gives NULL both ways, which a CHECK lets through) and costs a few
-- comparisons.
--
-- A CHECK constraint is not stored in the table's rows, so its text in
-- sqlite_schema is rewritten in place and the rows stay as they are: the
-- procedure SQLite documents for changing constraints
-- (sqlite.org/lang_altertable.html, "Making other kinds of table schema
-- changes"). Each replace() names text that migrations 2 to 6 wrote;
-- migration_test checks that no such list is left. `writable_schema = RESET`
-- makes this connection read the new text; the triggers made afterwards
-- change the schema cookie, so every other connection reads it too.
--
-- The partial index orders_hold keeps its IN list: the queries that use it
-- name the same list, which is how SQLite knows the index covers them.

PRAGMA writable_schema = ON;

UPDATE sqlite_schema SET sql = replace(sql, 'state IN (''open'', ''consumed'', ''released'', ''refused'')',
                                     'state = ''open'' OR state = ''consumed'' OR state = ''released'' OR state = ''refused''')
WHERE type = 'table' AND name = 'reservations';
UPDATE sqlite_schema SET sql = replace(sql, 'origin IN (''local'', ''delta'', ''snapshot'')',
                                     'origin = ''local'' OR origin = ''delta'' OR origin = ''snapshot''')
WHERE type = 'table' AND name = 'ledger';
UPDATE sqlite_schema SET sql = replace(sql, 'fulfil IN (''now'', ''backorder'', ''preorder'')',
                                     'fulfil = ''now'' OR fulfil = ''backorder'' OR fulfil = ''preorder''')
WHERE type = 'table' AND name = 'order_lines';
UPDATE sqlite_schema SET sql = replace(sql, 'state IN (''open'', ''done'', ''cancelled'')',
                                     'state = ''open'' OR state = ''done'' OR state = ''cancelled''')
WHERE type = 'table' AND name = 'pick_lines';
UPDATE sqlite_schema SET sql = replace(sql, 'method IN (''scan'', ''count'', ''manual'', ''short'')',
                                     'method = ''scan'' OR method = ''count'' OR method = ''manual'' OR method = ''short''')
WHERE type = 'table' AND name = 'pick_records';
UPDATE sqlite_schema SET sql = replace(sql, 'state IN (''open'', ''closed'', ''shipped'', ''cancelled'')',
                                     'state = ''open'' OR state = ''closed'' OR state = ''shipped'' OR state = ''cancelled''')
WHERE type = 'table' AND name = 'packages';
UPDATE sqlite_schema SET sql = replace(sql, 'label_state IN (''none'', ''received'', ''queued'', ''verified'', ''voided'')',
                                     'label_state = ''none'' OR label_state = ''received'' OR label_state = ''queued'' OR label_state = ''verified'' OR label_state = ''voided''')
WHERE type = 'table' AND name = 'packages';
UPDATE sqlite_schema SET sql = replace(sql, 'state IN (''queued'', ''submitted'', ''completed'', ''failed'', ''cancelled'')',
                                     'state = ''queued'' OR state = ''submitted'' OR state = ''completed'' OR state = ''failed'' OR state = ''cancelled''')
WHERE type = 'table' AND name = 'print_jobs';
UPDATE sqlite_schema SET sql = replace(sql, 'kind IN (''ship_from_store'', ''bopis'', ''curbside'', ''same_day'')',
                                     'kind = ''ship_from_store'' OR kind = ''bopis'' OR kind = ''curbside'' OR kind = ''same_day''')
WHERE type = 'table' AND name = 'orders';
UPDATE sqlite_schema SET sql = replace(sql, 'state IN (''accepted'', ''picking'', ''picked'', ''packed'', ''shipped'',
                                                     ''ready'', ''picked_up'', ''expired'', ''cancelled'', ''rejected'')',
                                     'state = ''accepted'' OR state = ''picking'' OR state = ''picked'' OR state = ''packed'' OR state = ''shipped'' OR state = ''ready'' OR state = ''picked_up'' OR state = ''expired'' OR state = ''cancelled'' OR state = ''rejected''')
WHERE type = 'table' AND name = 'orders';
UPDATE sqlite_schema SET sql = replace(sql, 'kind IN (''pick'', ''pack'', ''restock'', ''stage'', ''handover'')',
                                     'kind = ''pick'' OR kind = ''pack'' OR kind = ''restock'' OR kind = ''stage'' OR kind = ''handover''')
WHERE type = 'table' AND name = 'tasks';
UPDATE sqlite_schema SET sql = replace(sql, 'state IN (''open'', ''in_progress'', ''done'', ''cancelled'')',
                                     'state = ''open'' OR state = ''in_progress'' OR state = ''done'' OR state = ''cancelled''')
WHERE type = 'table' AND name = 'tasks';
UPDATE sqlite_schema SET sql = replace(sql, 'state IN (''open'', ''staged'', ''handed_over'', ''unstaged'')',
                                     'state = ''open'' OR state = ''staged'' OR state = ''handed_over'' OR state = ''unstaged''')
WHERE type = 'table' AND name = 'bags';
UPDATE sqlite_schema SET sql = replace(sql, 'state IN (''waiting'', ''served'', ''closed'')',
                                     'state = ''waiting'' OR state = ''served'' OR state = ''closed''')
WHERE type = 'table' AND name = 'arrivals';

PRAGMA writable_schema = RESET;

-- The open-order count of schema 7, with the same rule.
CREATE TRIGGER orders_open_on_insert AFTER INSERT ON orders
WHEN NEW.state = 'accepted' OR NEW.state = 'picking' OR NEW.state = 'picked' OR NEW.state = 'packed' BEGIN
  UPDATE order_counts SET open = open + 1 WHERE id = 1;
END;

CREATE TRIGGER orders_open_on_delete AFTER DELETE ON orders
WHEN OLD.state = 'accepted' OR OLD.state = 'picking' OR OLD.state = 'picked' OR OLD.state = 'packed' BEGIN
  UPDATE order_counts SET open = open - 1 WHERE id = 1;
END;

CREATE TRIGGER orders_open_on_update AFTER UPDATE OF state ON orders
WHEN (OLD.state = 'accepted' OR OLD.state = 'picking' OR OLD.state = 'picked' OR OLD.state = 'packed') <>
     (NEW.state = 'accepted' OR NEW.state = 'picking' OR NEW.state = 'picked' OR NEW.state = 'packed') BEGIN
  UPDATE order_counts
  SET open = open + (NEW.state = 'accepted' OR NEW.state = 'picking' OR NEW.state = 'picked' OR NEW.state = 'packed')
                  - (OLD.state = 'accepted' OR OLD.state = 'picking' OR OLD.state = 'picked' OR OLD.state = 'packed')
  WHERE id = 1;
END;

DROP TRIGGER orders_open_insert;
DROP TRIGGER orders_open_delete;
DROP TRIGGER orders_open_update;
