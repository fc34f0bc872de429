-- adtech tables (database rtb) for ClickHouse 18.16 (Debian 12's clickhouse-server, used by the
-- tests) and later: DateTime with whole seconds, as in the write-up, so one file serves both.
-- Apply with: sluice clickhouse apply examples/adtech/clickhouse.sql --url http://HOST:8123
CREATE DATABASE IF NOT EXISTS rtb;

CREATE TABLE IF NOT EXISTS rtb.ad_events_aggregated (
    window_start  DateTime,
    window_end    DateTime,
    event_type    String,
    country       String,
    ad_format     String,
    event_count   UInt64,
    avg_revenue   Float64,
    total_revenue Float64,
    inserted_at   DateTime DEFAULT now()
)
ENGINE = MergeTree()
PARTITION BY toYYYYMM(window_start)
ORDER BY (window_start, event_type, country, ad_format);

CREATE TABLE IF NOT EXISTS rtb.ad_events_raw (
    timestamp   DateTime,
    event_id    String,
    event_type  String,
    user_id     String,
    country     String,
    ad_format   String,
    device      String,
    campaign_id String,
    bid_price   Float64 DEFAULT 0,
    revenue     Float64,
    created_at  DateTime DEFAULT now()
)
ENGINE = MergeTree()
PARTITION BY toYYYYMM(timestamp)
ORDER BY (timestamp, event_type);
