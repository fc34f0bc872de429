-- Upsert tables for ClickHouse 18.16 and later: one row per key after FINAL (or merges), the
-- newest _sluice_version wins, deleted keys keep a row with _sluice_deleted = 1. Query with
--   SELECT ... FROM shop_sync.orders_realtime FINAL WHERE _sluice_deleted = 0
-- ('sink.create-table' = 'true' in pipeline.sql creates the same tables when they are missing.)
CREATE DATABASE IF NOT EXISTS shop_sync;

CREATE TABLE IF NOT EXISTS shop_sync.users (
  id Int64, name String, email String, created_at DateTime,
  _sluice_version UInt64, _sluice_deleted UInt8
) ENGINE = ReplacingMergeTree(_sluice_version) ORDER BY (id);

CREATE TABLE IF NOT EXISTS shop_sync.products (
  id Int64, name String, category Nullable(String), price Decimal(10, 2), stock Int32,
  _sluice_version UInt64, _sluice_deleted UInt8
) ENGINE = ReplacingMergeTree(_sluice_version) ORDER BY (id);

CREATE TABLE IF NOT EXISTS shop_sync.orders_realtime (
  id Int64, user_id Int64, status String, total_amount Decimal(12, 2), created_at DateTime,
  updated_at DateTime, _sluice_version UInt64, _sluice_deleted UInt8
) ENGINE = ReplacingMergeTree(_sluice_version) ORDER BY (id);

CREATE TABLE IF NOT EXISTS shop_sync.order_items (
  id Int64, order_id Int64, product_id Int64, quantity Int32, unit_price Decimal(10, 2),
  _sluice_version UInt64, _sluice_deleted UInt8
) ENGINE = ReplacingMergeTree(_sluice_version) ORDER BY (id);
