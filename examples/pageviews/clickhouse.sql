-- prd.user_footprint in ClickHouse (reference pipeline 004). footprint_time is UTC.
-- DateTime keeps seconds (ClickHouse 18.16, the Debian package); on ClickHouse 20.1 or later use
-- DateTime64(3) to keep the milliseconds PostgreSQL keeps.
CREATE DATABASE IF NOT EXISTS prd;

CREATE TABLE IF NOT EXISTS prd.user_footprint (
  link String,
  request String,
  footprint_time DateTime
) ENGINE = MergeTree()
PARTITION BY toYYYYMM(footprint_time)
ORDER BY (footprint_time, link);
