-- The demo pipeline without servers: a live stream of stock orders (datagen's orders scenario),
-- aggregated per symbol in
-- 5-second event-time windows, plus an alert rule for large orders. Both jobs print to stdout.
-- Run it with `sluice run examples/demo/pipeline.sql`; stop it with Ctrl-C. (`make demo` runs
-- `sluice demo`: Kafka, ClickHouse and the dashboard with examples/orders-cdc.)
SET 'pipeline.name' = 'demo';

CREATE TABLE orders (
  order_id     BIGINT,
  user_id      BIGINT,
  symbol       STRING,
  order_type   STRING,
  quantity     INT,
  price        DOUBLE,
  source_ts    TIMESTAMP(3),
  total_amount AS quantity * price,
  WATERMARK FOR source_ts AS source_ts - INTERVAL '1' SECOND
) WITH (
  'connector' = 'datagen',
  'scenario' = 'orders',
  'rows-per-second' = '${DEMO_RATE:-2000}'
);

CREATE TABLE order_aggregations (
  symbol       STRING,
  window_start TIMESTAMP(3),
  window_end   TIMESTAMP(3),
  order_count  BIGINT,
  buy_count    BIGINT,
  sell_count   BIGINT,
  total_amount DOUBLE,
  avg_price    DOUBLE,
  min_price    DOUBLE,
  max_price    DOUBLE
) WITH ('connector' = 'print', 'print-identifier' = 'window');

CREATE TABLE large_orders (
  alert_type STRING,
  symbol     STRING,
  order_id   BIGINT,
  quantity   INT,
  amount     DOUBLE
) WITH ('connector' = 'print', 'print-identifier' = 'alert');

INSERT INTO order_aggregations
SELECT symbol, window_start, window_end,
       COUNT(*),
       COUNT(*) FILTER (WHERE order_type = 'BUY'),
       COUNT(*) FILTER (WHERE order_type = 'SELL'),
       SUM(total_amount), AVG(price), MIN(price), MAX(price)
FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(source_ts), INTERVAL '5' SECOND))
GROUP BY symbol, window_start, window_end;

INSERT INTO large_orders
SELECT 'LARGE_ORDER', symbol, order_id, quantity, total_amount
FROM orders
WHERE quantity > 500;
