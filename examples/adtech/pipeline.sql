-- adtech: ad events from Kafka -> 1-minute aggregates by event type, country and ad format, and
-- the raw events, in ClickHouse database rtb (reference pipeline 002). Create the tables with
-- clickhouse.sql first. The topic holds one JSON object per event, as `sluice kafka produce
-- --scenario ad-events` writes them:
--   {"event_id":"evt-1","ts_ms":1704067200000,"user_id":"user_42","campaign_id":"camp_7",
--    "ad_format":"banner","country":"US","device":"ios","event_type":"click","revenue":0.051234}
--   sluice run examples/adtech/pipeline.sql
SET 'pipeline.name' = 'adtech';
SET 'execution.epoch-interval' = '${EPOCH_INTERVAL:-1 s}';
SET 'table.exec.source.idle-timeout' = '5 s';
SET 'server.port' = '${SLUICE_HTTP_PORT:-8080}';
SET 'server.dashboard' = 'dashboard.json';
SET 'state.dir' = '${STATE_DIR:-./.sluice/state/adtech}';

-- Both jobs read this one table (one consumer in group sluice-adtech).
CREATE TABLE ad_events (
  event_id    STRING,
  ts_ms       BIGINT,
  user_id     STRING,
  campaign_id STRING,
  ad_format   STRING,
  country     STRING,
  device      STRING,
  event_type  STRING,
  revenue     DOUBLE,
  ts          AS TO_TIMESTAMP_LTZ(ts_ms, 3),
  WATERMARK FOR ts AS ts - INTERVAL '10' SECOND
) WITH (
  'connector' = 'kafka',
  'topic' = '${AD_EVENTS_TOPIC:-ad-events}',
  'properties.bootstrap.servers' = '${KAFKA_BROKERS:-localhost:9092}',
  'properties.group.id' = 'sluice-adtech',
  'scan.startup.mode' = 'group-offsets',
  'format' = 'json'
);

CREATE TABLE ad_events_aggregated (
  window_start TIMESTAMP(3), window_end TIMESTAMP(3), event_type STRING, country STRING,
  ad_format STRING, event_count BIGINT, avg_revenue DOUBLE, total_revenue DOUBLE
) WITH (
  'connector' = 'clickhouse', 'url' = '${CLICKHOUSE_URL:-http://localhost:8123}',
  'database-name' = 'rtb', 'table-name' = 'ad_events_aggregated'
);

CREATE TABLE ad_events_raw (
  `timestamp` TIMESTAMP_LTZ(3), event_id STRING, event_type STRING, user_id STRING,
  country STRING, ad_format STRING, device STRING, campaign_id STRING, revenue DOUBLE
) WITH (
  'connector' = 'clickhouse', 'url' = '${CLICKHOUSE_URL:-http://localhost:8123}',
  'database-name' = 'rtb', 'table-name' = 'ad_events_raw'
);

-- One row per window and group, written once when the watermark passes the window's end.
INSERT INTO ad_events_aggregated
SELECT window_start, window_end, event_type, country, ad_format,
       COUNT(*), AVG(revenue), SUM(revenue)
FROM TABLE(TUMBLE(TABLE ad_events, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
GROUP BY window_start, window_end, event_type, country, ad_format;

INSERT INTO ad_events_raw
SELECT ts, event_id, event_type, user_id, country, ad_format, device, campaign_id, revenue
FROM ad_events;
