-- Page-view footprints of a web site (reference pipeline 004), dual-written to ClickHouse and
-- PostgreSQL to compare them. Two-step form, as in the write-up:
--
--   web middleware --POST /ingest/pageviews--> sluice --> Kafka topic web-logs-topic
--   Kafka web-logs-topic --> sluice --> ClickHouse prd.user_footprint
--                                   \-> PostgreSQL prd.user_footprint
--
-- All three jobs run in this one process; each Kafka reader has its own consumer group, so both
-- databases receive every event. A POST is answered 200 once its epoch committed, i.e. once the
-- events are in the Kafka topic (the first job's sink).
--
--   sluice kafka serve --partitions 1 --topics web-logs-topic     # or a real broker
--   sluice clickhouse apply examples/pageviews/clickhouse.sql
--   psql "$POSTGRES_URL" -f examples/pageviews/postgres.sql
--   sluice run examples/pageviews/pipeline.sql

SET 'pipeline.name' = 'pageviews';
SET 'execution.epoch-interval' = '${EPOCH_INTERVAL:-1 s}';
SET 'server.port' = '${SLUICE_PORT:-8080}';
SET 'server.auth-token' = '${SLUICE_TOKEN:-}';
SET 'state.dir' = '${STATE_DIR:-./.sluice/state/pageviews}';

-- {"link": "/products/42", "method": "GET", "footprint_time": "2025-05-19T13:45:30.123+09:00"}
-- footprint_time carries an offset; TIMESTAMP(3) holds it normalised to UTC.
CREATE TABLE pageviews (
  link STRING,
  `method` STRING,
  footprint_time TIMESTAMP(3)
) WITH (
  'connector' = 'http',
  'format' = 'json',
  'json.fail-on-missing-field' = 'true',
  'http.max-body-size' = '4 mb'
);

CREATE TABLE web_logs (
  link STRING,
  request STRING,
  footprint_time TIMESTAMP(3)
) WITH (
  'connector' = 'kafka',
  'topic' = 'web-logs-topic',
  'properties.bootstrap.servers' = '${KAFKA_BROKERS:-localhost:9092}',
  'format' = 'json'
);

CREATE TABLE web_logs_for_clickhouse (
  link STRING,
  request STRING,
  footprint_time TIMESTAMP(3)
) WITH (
  'connector' = 'kafka',
  'topic' = 'web-logs-topic',
  'properties.bootstrap.servers' = '${KAFKA_BROKERS:-localhost:9092}',
  'properties.group.id' = 'pageviews-clickhouse',
  'scan.startup.mode' = 'group-offsets',
  'properties.auto.offset.reset' = 'earliest',
  'format' = 'json'
);

CREATE TABLE web_logs_for_postgres (
  link STRING,
  request STRING,
  footprint_time TIMESTAMP(3)
) WITH (
  'connector' = 'kafka',
  'topic' = 'web-logs-topic',
  'properties.bootstrap.servers' = '${KAFKA_BROKERS:-localhost:9092}',
  'properties.group.id' = 'pageviews-postgres',
  'scan.startup.mode' = 'group-offsets',
  'properties.auto.offset.reset' = 'earliest',
  'format' = 'json'
);

CREATE TABLE clickhouse_footprint (
  link STRING,
  request STRING,
  footprint_time TIMESTAMP(3)
) WITH (
  'connector' = 'clickhouse',
  'url' = '${CLICKHOUSE_URL:-http://localhost:8123}',
  'database-name' = 'prd',
  'table-name' = 'user_footprint'
);

CREATE TABLE postgres_footprint (
  link STRING,
  request STRING,
  footprint_time TIMESTAMP(3)
) WITH (
  'connector' = 'postgres',
  'url' = '${POSTGRES_URL:-postgresql://localhost:5432/postgres}',
  'table-name' = 'prd.user_footprint'
);

INSERT INTO web_logs SELECT link, `method`, footprint_time FROM pageviews;

INSERT INTO clickhouse_footprint SELECT link, request, footprint_time FROM web_logs_for_clickhouse;

INSERT INTO postgres_footprint SELECT link, request, footprint_time FROM web_logs_for_postgres;
