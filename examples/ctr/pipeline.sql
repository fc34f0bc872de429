-- ctr: click-through rate per product over 10-second tumbling event-time windows (reference
-- pipeline 001). Impressions and clicks arrive as JSON on the Kafka topics `impressions` and
-- `clicks` (or one topic: set CTR_TOPICS), as `sluice kafka produce --scenario
-- impressions-clicks` writes them:
--   {"event_type":"impression","event_id":7,"impression_id":7,"product_id":"P03","user_id":42,
--    "ts_ms":1704067200123}
-- Watermark 2 s; events up to 5 s later than that still update their window (allowed lateness),
-- so results are a changelog: ctr_results_raw is an upsert table keyed by (window_end,
-- product_id). Create the tables with clickhouse.sql first.
--   sluice run examples/ctr/pipeline.sql
SET 'pipeline.name' = 'ctr';
SET 'execution.epoch-interval' = '${EPOCH_INTERVAL:-1 s}';
SET 'table.exec.emit.allow-lateness' = '5 s';
SET 'table.exec.source.idle-timeout' = '5 s';
SET 'server.port' = '${SLUICE_HTTP_PORT:-8080}';
SET 'server.dashboard' = 'dashboard.json';
SET 'state.dir' = '${STATE_DIR:-./.sluice/state/ctr}';

CREATE TABLE events (
  event_type    STRING,
  event_id      BIGINT,
  impression_id BIGINT,
  product_id    STRING,
  user_id       BIGINT,
  ts_ms         BIGINT,
  ts            AS TO_TIMESTAMP_LTZ(ts_ms, 3),
  WATERMARK FOR ts AS ts - INTERVAL '2' SECOND
) WITH (
  'connector' = 'kafka',
  'topic' = '${CTR_TOPICS:-impressions;clicks}',
  'properties.bootstrap.servers' = '${KAFKA_BROKERS:-localhost:9092}',
  'properties.group.id' = 'sluice-ctr',
  'scan.startup.mode' = 'group-offsets',
  'format' = 'json'
);

CREATE TABLE ctr_results_raw (
  product_id   STRING,
  window_start TIMESTAMP(3),
  window_end   TIMESTAMP(3),
  impressions  BIGINT,
  clicks       BIGINT,
  ctr          DOUBLE,
  PRIMARY KEY (window_end, product_id) NOT ENFORCED
) WITH (
  'connector' = 'clickhouse', 'url' = '${CLICKHOUSE_URL:-http://localhost:8123}',
  'database-name' = 'ctr', 'table-name' = 'ctr_results_raw'
);

-- A click counts in the window of its own event time. A window with clicks but no impressions
-- (their impressions fell into the window before) has CTR 0.
INSERT INTO ctr_results_raw
SELECT product_id, window_start, window_end, impressions, clicks,
       CASE WHEN impressions > 0 THEN CAST(clicks AS DOUBLE) / impressions ELSE 0.0 END
FROM (
  SELECT product_id, window_start, window_end,
         COUNT(*) FILTER (WHERE event_type = 'impression') AS impressions,
         COUNT(*) FILTER (WHERE event_type = 'click') AS clicks
  FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '10' SECOND))
  GROUP BY product_id, window_start, window_end
);
