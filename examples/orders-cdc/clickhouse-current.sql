-- orders-cdc tables for current ClickHouse (21.x and later): millisecond DateTime64(3), now64(3)
-- and a 90-day TTL on the raw rows, as the reference deployment. For 18.16 use clickhouse.sql.
-- Apply with: sluice clickhouse apply examples/orders-cdc/clickhouse-current.sql --url http://HOST:8123
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
    source_ts      DateTime64(3),
    cdc_ts         DateTime64(3),
    cdc_latency_ms Int64,
    flink_ts       DateTime64(3),
    inserted_at    DateTime64(3) DEFAULT now64(3)
)
ENGINE = MergeTree()
PARTITION BY toYYYYMM(source_ts)
ORDER BY (symbol, source_ts, order_id)
TTL toDateTime(source_ts) + INTERVAL 90 DAY;

CREATE TABLE IF NOT EXISTS cdc_pipeline.order_aggregations (
    symbol       String,
    window_start DateTime64(3),
    window_end   DateTime64(3),
    order_count  UInt64,
    buy_count    UInt64,
    sell_count   UInt64,
    total_amount Float64,
    avg_price    Float64,
    min_price    Float64,
    max_price    Float64,
    inserted_at  DateTime64(3) DEFAULT now64(3)
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
    detected_at DateTime64(3),
    inserted_at DateTime64(3) DEFAULT now64(3)
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
