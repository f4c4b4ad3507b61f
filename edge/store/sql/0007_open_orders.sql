-- Schema 7: the number of open orders, kept by triggers.
--
-- Every routed order is checked against [policy] max_open_orders. Counting
-- the open orders through orders_state costs time in proportion to their
-- number, once per routed order; this row is read instead. The triggers run
-- inside the statement that changes `orders`, so the figure commits and rolls
-- back with it, whichever connection writes.
--
-- "Open" here is what the capacity check counts (OrderRepo::CountOpenOrders):
-- accepted, picking, picked, packed. A later migration that rebuilds `orders`
-- (DROP TABLE + RENAME) drops these triggers with it and must create them
-- again and recount.

CREATE TABLE order_counts (
  id   INTEGER PRIMARY KEY CHECK (id = 1),
  open INTEGER NOT NULL CHECK (open >= 0)
);

INSERT INTO order_counts (id, open)
SELECT 1, count(*) FROM orders WHERE state IN ('accepted', 'picking', 'picked', 'packed');

CREATE TRIGGER orders_open_insert AFTER INSERT ON orders
WHEN NEW.state IN ('accepted', 'picking', 'picked', 'packed') BEGIN
  UPDATE order_counts SET open = open + 1 WHERE id = 1;
END;

CREATE TRIGGER orders_open_delete AFTER DELETE ON orders
WHEN OLD.state IN ('accepted', 'picking', 'picked', 'packed') BEGIN
  UPDATE order_counts SET open = open - 1 WHERE id = 1;
END;

CREATE TRIGGER orders_open_update AFTER UPDATE OF state ON orders
WHEN (OLD.state IN ('accepted', 'picking', 'picked', 'packed')) <>
     (NEW.state IN ('accepted', 'picking', 'picked', 'packed')) BEGIN
  UPDATE order_counts
  SET open = open + (NEW.state IN ('accepted', 'picking', 'picked', 'packed'))
                  - (OLD.state IN ('accepted', 'picking', 'picked', 'packed'))
  WHERE id = 1;
END;
