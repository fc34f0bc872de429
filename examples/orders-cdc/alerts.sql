-- The four anomaly rules of the orders-cdc pipeline as SQL, producing anomaly_alerts rows
-- (alert_type, symbol, order_id, message, value, threshold, detected_at). Standalone: reads
-- sample-orders.json (override with ORDERS=...) and prints the alerts:
--   sluice run examples/orders-cdc/alerts.sql
--
-- Thresholds (constants below; change them in the WHERE clauses):
--   LARGE_ORDER   quantity > 500
--   HIGH_AMOUNT   quantity * price > 100,000,000
--   PRICE_SPIKE   |price - previous price of the symbol| / previous price > 10 % (LAG over the
--                 symbol's orders in event-time order; the first order of a symbol never fires)
--   RAPID_ORDERS  more than 5 orders from one user within 1 minute (COUNT(*) over RANGE
--                 BETWEEN INTERVAL '1' MINUTE PRECEDING AND CURRENT ROW, bounds inclusive)
-- detected_at is the order's event time, so reruns give the same rows.
SET 'pipeline.name' = 'orders-cdc-alerts';

CREATE TABLE orders (
  order_id BIGINT, user_id BIGINT, symbol STRING, order_type STRING,
  quantity INT, price DOUBLE, status STRING, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'filesystem',
        'path' = '${ORDERS:-examples/orders-cdc/sample-orders.json}', 'format' = 'json');

CREATE TABLE anomaly_alerts (
  alert_type STRING, symbol STRING, order_id BIGINT, message STRING,
  `value` DOUBLE, threshold DOUBLE, detected_at TIMESTAMP(3)
) WITH ('connector' = 'print');

INSERT INTO anomaly_alerts
SELECT 'LARGE_ORDER', symbol, order_id, 'quantity above 500', CAST(quantity AS DOUBLE), 500.0, ts
FROM orders WHERE quantity > 500
UNION ALL
SELECT 'HIGH_AMOUNT', symbol, order_id, 'amount above 100000000', quantity * price,
       100000000.0, ts
FROM orders WHERE quantity * price > 100000000.0
UNION ALL
SELECT 'PRICE_SPIKE', symbol, order_id, 'price moved more than 10% from the previous order',
       ABS(price - prev_price) / prev_price * 100.0, 10.0, ts
FROM (SELECT order_id, symbol, price, ts,
             LAG(price) OVER (PARTITION BY symbol ORDER BY ts) AS prev_price
      FROM orders)
WHERE prev_price IS NOT NULL AND ABS(price - prev_price) / prev_price * 100.0 > 10.0
UNION ALL
SELECT 'RAPID_ORDERS', symbol, order_id, 'more than 5 orders from one user within 1 minute',
       CAST(recent AS DOUBLE), 5.0, ts
FROM (SELECT order_id, symbol, ts,
             COUNT(*) OVER (PARTITION BY user_id ORDER BY ts
                            RANGE BETWEEN INTERVAL '1' MINUTE PRECEDING AND CURRENT ROW) AS recent
      FROM orders)
WHERE recent > 5;
