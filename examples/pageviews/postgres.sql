-- prd.user_footprint in PostgreSQL (reference pipeline 004). footprint_time is UTC.
CREATE SCHEMA IF NOT EXISTS prd;

CREATE TABLE IF NOT EXISTS prd.user_footprint (
  request text NOT NULL,
  link text NOT NULL,
  footprint_time timestamp(3) NOT NULL
);

CREATE INDEX IF NOT EXISTS user_footprint_time ON prd.user_footprint (footprint_time);
