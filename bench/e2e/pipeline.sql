-- bench/e2e: pipeline 000 (examples/orders-cdc/pipeline.sql) reading an NDJSON file of orders
-- instead of the Kafka topic: the raw, aggregate and alert jobs into ClickHouse. `sluice bench e2e`
-- writes the file, creates the tables (clickhouse.sql, database e2e_sluice) and runs this file
-- with `sluice run` as a user would; see README.md. E2E_SINK=blackhole discards the output instead
-- (no ClickHouse needed), for profiling sluice alone.
SET 'pipeline.name' = 'e2e-orders';
-- As the example: 1 s epochs. The sinks hold an epoch's rows until it is sealed; an epoch also
-- ends once they hold 'execution.epoch-max-output' (default 16 MB), which bounds the memory at
-- this rate (README.md, "Epoch length and memory").
SET 'execution.epoch-interval' = '1 s';

-- orders: every change. All six jobs below read this one table; sluice reads the file once and
-- hands every row to each job.
CREATE TABLE orders (
  op             STRING,
  order_id       BIGINT,
  user_id        BIGINT,
  symbol         STRING,
  order_type     STRING,
  quantity       INT,
  price          DOUBLE,
  status         STRING,
  source_ts_ms   BIGINT,
  cdc_ts_ms      BIGINT,
  source_ts      AS TO_TIMESTAMP_LTZ(source_ts_ms, 3),
  cdc_ts         AS TO_TIMESTAMP_LTZ(cdc_ts_ms, 3),
  cdc_latency_ms AS cdc_ts_ms - source_ts_ms,
  total_amount   AS quantity * price,
  WATERMARK FOR source_ts AS source_ts - INTERVAL '2' SECOND
) WITH (
  'connector' = 'filesystem',
  'path' = '${E2E_INPUT:-orders.ndjson}',
  'format' = 'json'
);

CREATE TABLE raw_orders (
  op STRING, order_id BIGINT, user_id BIGINT, symbol STRING, order_type STRING, quantity INT,
  price DOUBLE, status STRING, total_amount DOUBLE, source_ts TIMESTAMP_LTZ(3),
  cdc_ts TIMESTAMP_LTZ(3), cdc_latency_ms BIGINT, flink_ts TIMESTAMP_LTZ(3)
) WITH (
  'connector' = '${E2E_SINK:-clickhouse}', 'url' = '${CLICKHOUSE_URL:-http://localhost:8123}',
  'database-name' = '${E2E_DATABASE:-e2e_sluice}', 'table-name' = 'raw_orders'
);

CREATE TABLE order_aggregations (
  symbol STRING, window_start TIMESTAMP(3), window_end TIMESTAMP(3), order_count BIGINT,
  buy_count BIGINT, sell_count BIGINT, total_amount DOUBLE, avg_price DOUBLE, min_price DOUBLE,
  max_price DOUBLE
) WITH (
  'connector' = '${E2E_SINK:-clickhouse}', 'url' = '${CLICKHOUSE_URL:-http://localhost:8123}',
  'database-name' = '${E2E_DATABASE:-e2e_sluice}', 'table-name' = 'order_aggregations'
);

CREATE TABLE anomaly_alerts (
  alert_type STRING, symbol STRING, order_id BIGINT, message STRING, `value` DOUBLE,
  threshold DOUBLE, detected_at TIMESTAMP_LTZ(3)
) WITH (
  'connector' = '${E2E_SINK:-clickhouse}', 'url' = '${CLICKHOUSE_URL:-http://localhost:8123}',
  'database-name' = '${E2E_DATABASE:-e2e_sluice}', 'table-name' = 'anomaly_alerts'
);

-- Every change, with the amount and the capture latency computed in the stream.
INSERT INTO raw_orders
SELECT op, order_id, user_id, symbol, order_type, quantity, price, status, total_amount,
       source_ts, cdc_ts, cdc_latency_ms, PROCTIME()
FROM orders;

-- Per symbol, 5-minute tumbling event-time windows.
INSERT INTO order_aggregations
SELECT symbol, window_start, window_end,
       COUNT(*),
       COUNT(*) FILTER (WHERE order_type = 'BUY'),
       COUNT(*) FILTER (WHERE order_type = 'SELL'),
       SUM(total_amount), AVG(price), MIN(price), MAX(price)
FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(source_ts), INTERVAL '5' MINUTES))
GROUP BY symbol, window_start, window_end;

-- Anomaly rules that look at one order at a time, with the thresholds of alerts.sql. (Inserts only: an update of an order's status
-- would raise the same alert twice.)
INSERT INTO anomaly_alerts
SELECT 'LARGE_ORDER', symbol, order_id,
       CONCAT('quantity ', CAST(quantity AS STRING), ' above 500'),
       CAST(quantity AS DOUBLE), 500.0, source_ts
FROM orders
WHERE op = 'c' AND quantity > 500;

INSERT INTO anomaly_alerts
SELECT 'HIGH_AMOUNT', symbol, order_id,
       CONCAT('amount ', CAST(CAST(total_amount AS BIGINT) AS STRING), ' KRW above 100000000'),
       total_amount, 100000000.0, source_ts
FROM orders
WHERE op = 'c' AND total_amount > 100000000;

-- Rules that need per-key state: the previous price of the symbol (LAG, one value per symbol)
-- and a user's orders of the last minute (COUNT over a RANGE frame, expired as the watermark
-- passes). Rows come out in event-time order once the watermark passes them.
INSERT INTO anomaly_alerts
SELECT 'PRICE_SPIKE', symbol, order_id,
       CONCAT('price ', CAST(CAST(price AS BIGINT) AS STRING), ' moved more than 10% from ',
              CAST(CAST(prev_price AS BIGINT) AS STRING)),
       ABS(price - prev_price) / prev_price * 100.0, 10.0, source_ts
FROM (SELECT order_id, symbol, price, source_ts,
             LAG(price) OVER (PARTITION BY symbol ORDER BY source_ts) AS prev_price
      FROM orders
      WHERE op = 'c')
WHERE prev_price IS NOT NULL AND ABS(price - prev_price) / prev_price * 100.0 > 10.0;

INSERT INTO anomaly_alerts
SELECT 'RAPID_ORDERS', symbol, order_id,
       CONCAT(CAST(recent AS STRING), ' orders from user ', CAST(user_id AS STRING),
              ' within 1 minute'),
       CAST(recent AS DOUBLE), 5.0, source_ts
FROM (SELECT order_id, user_id, symbol, source_ts,
             COUNT(*) OVER (PARTITION BY user_id ORDER BY source_ts
                            RANGE BETWEEN INTERVAL '1' MINUTE PRECEDING AND CURRENT ROW) AS recent
      FROM orders
      WHERE op = 'c')
WHERE recent > 5;
