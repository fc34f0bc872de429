-- orders-cdc tables for ClickHouse 18.16 (Debian 12's clickhouse-server, used by the tests and
-- `sluice demo`): DateTime has whole seconds, no DateTime64, now64 or TTL on this version.
-- For current ClickHouse use clickhouse-current.sql (DateTime64(3), TTL 90 days).
-- Apply with: sluice clickhouse apply examples/orders-cdc/clickhouse.sql --url http://HOST:8123
CREATE DATABASE IF NOT EXISTS cdc_pipeline;

CREATE TABLE IF NOT EXISTS cdc_pipeline.raw_orders (
    op             String,
    order_id       UInt64,
    user_id        UInt64,
    symbol         String,
    order_type     String,
    quantity       UInt32,
    price          Float64,
    status         String,
    total_amount   Float64,
    source_ts      DateTime,
    cdc_ts         DateTime,
    cdc_latency_ms Int64,
    flink_ts       DateTime,
    inserted_at    DateTime DEFAULT now()
)
ENGINE = MergeTree()
PARTITION BY toYYYYMM(source_ts)
ORDER BY (symbol, source_ts, order_id);

CREATE TABLE IF NOT EXISTS cdc_pipeline.order_aggregations (
    symbol       String,
    window_start DateTime,
    window_end   DateTime,
    order_count  UInt64,
    buy_count    UInt64,
    sell_count   UInt64,
    total_amount Float64,
    avg_price    Float64,
    min_price    Float64,
    max_price    Float64,
    inserted_at  DateTime DEFAULT now()
)
ENGINE = MergeTree()
PARTITION BY toYYYYMM(window_start)
ORDER BY (symbol, window_start);

CREATE TABLE IF NOT EXISTS cdc_pipeline.anomaly_alerts (
    alert_type  String,
    symbol      String,
    order_id    UInt64,
    message     String,
    value       Float64,
    threshold   Float64,
    detected_at DateTime,
    inserted_at DateTime DEFAULT now()
)
ENGINE = MergeTree()
PARTITION BY toYYYYMM(detected_at)
ORDER BY (symbol, detected_at, alert_type);

CREATE MATERIALIZED VIEW IF NOT EXISTS cdc_pipeline.mv_latency_stats
ENGINE = AggregatingMergeTree()
PARTITION BY toYYYYMMDD(minute)
ORDER BY (minute)
AS SELECT
    toStartOfMinute(source_ts) AS minute,
    avgState(cdc_latency_ms)   AS avg_latency,
    maxState(cdc_latency_ms)   AS max_latency,
    minState(cdc_latency_ms)   AS min_latency,
    countState()               AS event_count
FROM cdc_pipeline.raw_orders
WHERE op IN ('c', 'u', 'd')
GROUP BY minute;
