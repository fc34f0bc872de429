-- The demo pipeline: a live stream of stock orders (generated), aggregated per symbol in
-- 5-second event-time windows, plus an alert rule for large orders. Both jobs print to stdout.
-- Run it with `make demo` (or `sluice run examples/demo/pipeline.sql`); stop it with Ctrl-C.
SET 'pipeline.name' = 'demo';

CREATE TABLE orders (
  order_id     BIGINT,
  user_id      BIGINT,
  symbol       STRING,
  order_type   STRING,
  quantity     INT,
  price        DOUBLE,
  order_time   TIMESTAMP(3),
  total_amount AS quantity * price,
  WATERMARK FOR order_time AS order_time - INTERVAL '1' SECOND
) WITH (
  'connector' = 'datagen',
  'rows-per-second' = '${DEMO_RATE:-2000}',
  'fields.order_id.kind' = 'sequence',
  'fields.order_id.start' = '1',
  'fields.order_id.end' = '1000000000000',
  'fields.user_id.min' = '1',
  'fields.user_id.max' = '500',
  'fields.symbol.values' = '005930,035420,000660,035720',
  'fields.order_type.values' = 'BUY,SELL',
  'fields.quantity.min' = '1',
  'fields.quantity.max' = '1000',
  'fields.price.min' = '10000',
  'fields.price.max' = '90000',
  'fields.order_time.max-past' = '500 ms'
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
FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(order_time), INTERVAL '5' SECOND))
GROUP BY symbol, window_start, window_end;

INSERT INTO large_orders
SELECT 'LARGE_ORDER', symbol, order_id, quantity, total_amount
FROM orders
WHERE quantity > 998;
