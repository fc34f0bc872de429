-- ctr tables for current ClickHouse (21.x and later): millisecond DateTime64(3), now64(3) and a
-- 90-day TTL on the raw results. For 18.16 use clickhouse.sql. Apply with:
--   sluice clickhouse apply examples/ctr/clickhouse-current.sql --url http://HOST:8123
CREATE DATABASE IF NOT EXISTS ctr;

-- The pipeline's upsert table: every version of a window's result is inserted (a late event
-- inserts a new one); the highest _sluice_version per (window_end, product_id) is current:
-- SELECT ... FROM ctr.ctr_results_raw FINAL WHERE _sluice_deleted = 0
CREATE TABLE IF NOT EXISTS ctr.ctr_results_raw (
    product_id      String,
    window_start    DateTime64(3),
    window_end      DateTime64(3),
    impressions     UInt64,
    clicks          UInt64,
    ctr             Float64,
    _sluice_version UInt64,
    _sluice_deleted UInt8,
    inserted_at     DateTime64(3) DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(_sluice_version)
PARTITION BY toYYYYMMDD(window_end)
ORDER BY (window_end, product_id)
TTL toDateTime(window_end) + INTERVAL 90 DAY;

-- Per product per minute: average CTR of the 10-second windows and total impressions / clicks.
-- Fed by every insert into ctr_results_raw, so a window updated by late events counts once per
-- version (see README.md).
CREATE MATERIALIZED VIEW IF NOT EXISTS ctr.ctr_ml_view
ENGINE = AggregatingMergeTree()
PARTITION BY toYYYYMMDD(window_minute)
ORDER BY (product_id, window_minute)
AS SELECT
    product_id,
    toStartOfMinute(window_start)   AS window_minute,
    avgState(ctr)                   AS avg_ctr,
    sumState(impressions)           AS total_impressions,
    sumState(clicks)                AS total_clicks
FROM ctr.ctr_results_raw
GROUP BY product_id, window_minute;

-- The latest window per product (the newest window_end wins; a late update of that window,
-- inserted later with the same window_end, replaces it).
CREATE MATERIALIZED VIEW IF NOT EXISTS ctr.ctr_latest_view
ENGINE = ReplacingMergeTree(window_end)
ORDER BY (product_id)
AS SELECT product_id, window_start, window_end, impressions, clicks, ctr
FROM ctr.ctr_results_raw;
