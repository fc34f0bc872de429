-- bench/e2e tables on ClickHouse 18.16 (Debian 12's clickhouse-server, which `sluice bench e2e`
-- starts). Three databases, one per run of the benchmark, dropped and created afresh each time.

-- Run 1, sluice: the tables of examples/orders-cdc/clickhouse.sql (without its latency view, so
-- that the raw table costs the server the same in every run).
CREATE DATABASE IF NOT EXISTS e2e_sluice;

CREATE TABLE IF NOT EXISTS e2e_sluice.raw_orders (
    op String, order_id UInt64, user_id UInt64, symbol String, order_type String,
    quantity UInt32, price Float64, status String, total_amount Float64, source_ts DateTime,
    cdc_ts DateTime, cdc_latency_ms Int64, flink_ts DateTime, inserted_at DateTime DEFAULT now()
)
ENGINE = MergeTree() PARTITION BY toYYYYMM(source_ts) ORDER BY (symbol, source_ts, order_id);

CREATE TABLE IF NOT EXISTS e2e_sluice.order_aggregations (
    symbol String, window_start DateTime, window_end DateTime, order_count UInt64,
    buy_count UInt64, sell_count UInt64, total_amount Float64, avg_price Float64,
    min_price Float64, max_price Float64, inserted_at DateTime DEFAULT now()
)
ENGINE = MergeTree() PARTITION BY toYYYYMM(window_start) ORDER BY (symbol, window_start);

CREATE TABLE IF NOT EXISTS e2e_sluice.anomaly_alerts (
    alert_type String, symbol String, order_id UInt64, message String, value Float64,
    threshold Float64, detected_at DateTime, inserted_at DateTime DEFAULT now()
)
ENGINE = MergeTree() PARTITION BY toYYYYMM(detected_at) ORDER BY (symbol, detected_at, alert_type);

-- Run 2, ClickHouse alone: the NDJSON file is inserted into orders_input (engine Null: the rows
-- are only handed to its materialized views), whose views fill the same raw table, the 5-minute
-- aggregates as aggregate-function states (read with -Merge) and the two alert rules that look at
-- one order at a time. PRICE_SPIKE (LAG per symbol) and RAPID_ORDERS (a 1-minute RANGE frame per
-- user) need state across inserts: 18.16 has no window functions, and a view sees one block.
-- 18.16 wants every column of a view's TO table in the view, DEFAULT ones too (inserted_at).
CREATE DATABASE IF NOT EXISTS e2e_clickhouse_only;

CREATE TABLE IF NOT EXISTS e2e_clickhouse_only.orders_input (
    op String, order_id UInt64, user_id UInt64, symbol String, order_type String,
    quantity UInt32, price Float64, status String, source_ts_ms Int64, cdc_ts_ms Int64
)
ENGINE = Null;

CREATE TABLE IF NOT EXISTS e2e_clickhouse_only.raw_orders (
    op String, order_id UInt64, user_id UInt64, symbol String, order_type String,
    quantity UInt32, price Float64, status String, total_amount Float64, source_ts DateTime,
    cdc_ts DateTime, cdc_latency_ms Int64, flink_ts DateTime, inserted_at DateTime DEFAULT now()
)
ENGINE = MergeTree() PARTITION BY toYYYYMM(source_ts) ORDER BY (symbol, source_ts, order_id);

CREATE TABLE IF NOT EXISTS e2e_clickhouse_only.order_aggregations (
    symbol String, window_start DateTime, window_end DateTime,
    order_count AggregateFunction(count), buy_count AggregateFunction(sum, UInt8),
    sell_count AggregateFunction(sum, UInt8), total_amount AggregateFunction(sum, Float64),
    avg_price AggregateFunction(avg, Float64), min_price AggregateFunction(min, Float64),
    max_price AggregateFunction(max, Float64)
)
ENGINE = AggregatingMergeTree() PARTITION BY toYYYYMM(window_start)
ORDER BY (symbol, window_start, window_end);

CREATE TABLE IF NOT EXISTS e2e_clickhouse_only.anomaly_alerts (
    alert_type String, symbol String, order_id UInt64, message String, value Float64,
    threshold Float64, detected_at DateTime, inserted_at DateTime DEFAULT now()
)
ENGINE = MergeTree() PARTITION BY toYYYYMM(detected_at) ORDER BY (symbol, detected_at, alert_type);

CREATE MATERIALIZED VIEW IF NOT EXISTS e2e_clickhouse_only.raw_orders_view
TO e2e_clickhouse_only.raw_orders AS
SELECT op, order_id, user_id, symbol, order_type, quantity, price, status,
       quantity * price AS total_amount, toDateTime(intDiv(source_ts_ms, 1000)) AS source_ts,
       toDateTime(intDiv(cdc_ts_ms, 1000)) AS cdc_ts, cdc_ts_ms - source_ts_ms AS cdc_latency_ms,
       now() AS flink_ts, now() AS inserted_at
FROM e2e_clickhouse_only.orders_input;

CREATE MATERIALIZED VIEW IF NOT EXISTS e2e_clickhouse_only.order_aggregations_view
TO e2e_clickhouse_only.order_aggregations AS
SELECT symbol, toStartOfFiveMinute(toDateTime(intDiv(source_ts_ms, 1000))) AS window_start,
       window_start + 300 AS window_end, countState() AS order_count,
       sumState(toUInt8(order_type = 'BUY')) AS buy_count,
       sumState(toUInt8(order_type = 'SELL')) AS sell_count,
       sumState(quantity * price) AS total_amount, avgState(price) AS avg_price,
       minState(price) AS min_price, maxState(price) AS max_price
FROM e2e_clickhouse_only.orders_input
GROUP BY symbol, window_start, window_end;

CREATE MATERIALIZED VIEW IF NOT EXISTS e2e_clickhouse_only.large_order_alerts_view
TO e2e_clickhouse_only.anomaly_alerts AS
SELECT 'LARGE_ORDER' AS alert_type, symbol, order_id,
       concat('quantity ', toString(quantity), ' above 500') AS message,
       toFloat64(quantity) AS value, 500.0 AS threshold,
       toDateTime(intDiv(source_ts_ms, 1000)) AS detected_at, now() AS inserted_at
FROM e2e_clickhouse_only.orders_input
WHERE op = 'c' AND quantity > 500;

CREATE MATERIALIZED VIEW IF NOT EXISTS e2e_clickhouse_only.high_amount_alerts_view
TO e2e_clickhouse_only.anomaly_alerts AS
SELECT 'HIGH_AMOUNT' AS alert_type, symbol, order_id,
       concat('amount ', toString(toInt64(quantity * price)), ' KRW above 100000000') AS message,
       quantity * price AS value, 100000000.0 AS threshold,
       toDateTime(intDiv(source_ts_ms, 1000)) AS detected_at, now() AS inserted_at
FROM e2e_clickhouse_only.orders_input
WHERE op = 'c' AND quantity * price > 100000000;

-- Run 3, the ceiling: the raw rows, already encoded as RowBinary, posted by curl.
CREATE DATABASE IF NOT EXISTS e2e_ceiling;

CREATE TABLE IF NOT EXISTS e2e_ceiling.raw_orders (
    op String, order_id UInt64, user_id UInt64, symbol String, order_type String,
    quantity UInt32, price Float64, status String, total_amount Float64, source_ts DateTime,
    cdc_ts DateTime, cdc_latency_ms Int64, flink_ts DateTime, inserted_at DateTime DEFAULT now()
)
ENGINE = MergeTree() PARTITION BY toYYYYMM(source_ts) ORDER BY (symbol, source_ts, order_id);
