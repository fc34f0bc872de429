-- mysql-sync: users, products, orders and order_items from MySQL/MariaDB into ClickHouse upsert
-- tables: a consistent snapshot first, then the binlog (inserts, updates, deletes), exactly as
-- the source tables are. Run: MYSQL_HOST=... CLICKHOUSE_URL=... sluice run pipeline.sql
SET 'pipeline.name' = 'mysql-sync';
SET 'execution.epoch-interval' = '200 ms';

CREATE TABLE users_cdc (
  id BIGINT, name STRING, email STRING, created_at TIMESTAMP(0)
) WITH ('connector' = 'mysql-cdc', 'hostname' = '${MYSQL_HOST:-127.0.0.1}',
        'port' = '${MYSQL_PORT:-3306}', 'username' = '${MYSQL_USER:-sluice}',
        'password' = '${MYSQL_PASSWORD:-}', 'database-name' = 'shop', 'table-name' = 'users',
        'server-id' = '5401');

CREATE TABLE products_cdc (
  id BIGINT, name STRING, category STRING, price DECIMAL(10, 2), stock INT
) WITH ('connector' = 'mysql-cdc', 'hostname' = '${MYSQL_HOST:-127.0.0.1}',
        'port' = '${MYSQL_PORT:-3306}', 'username' = '${MYSQL_USER:-sluice}',
        'password' = '${MYSQL_PASSWORD:-}', 'database-name' = 'shop', 'table-name' = 'products',
        'server-id' = '5402');

CREATE TABLE orders_cdc (
  id BIGINT, user_id BIGINT, status STRING, total_amount DECIMAL(12, 2),
  created_at TIMESTAMP(0), updated_at TIMESTAMP(0)
) WITH ('connector' = 'mysql-cdc', 'hostname' = '${MYSQL_HOST:-127.0.0.1}',
        'port' = '${MYSQL_PORT:-3306}', 'username' = '${MYSQL_USER:-sluice}',
        'password' = '${MYSQL_PASSWORD:-}', 'database-name' = 'shop', 'table-name' = 'orders',
        'server-id' = '5403');

CREATE TABLE order_items_cdc (
  id BIGINT, order_id BIGINT, product_id BIGINT, quantity INT, unit_price DECIMAL(10, 2)
) WITH ('connector' = 'mysql-cdc', 'hostname' = '${MYSQL_HOST:-127.0.0.1}',
        'port' = '${MYSQL_PORT:-3306}', 'username' = '${MYSQL_USER:-sluice}',
        'password' = '${MYSQL_PASSWORD:-}', 'database-name' = 'shop',
        'table-name' = 'order_items', 'server-id' = '5404');

CREATE TABLE users (
  id BIGINT NOT NULL, name STRING NOT NULL, email STRING NOT NULL, created_at TIMESTAMP(0),
  PRIMARY KEY (id) NOT ENFORCED
) WITH ('connector' = 'clickhouse', 'url' = '${CLICKHOUSE_URL:-http://localhost:8123}',
        'database-name' = 'shop_sync', 'table-name' = 'users', 'sink.create-table' = 'true');

CREATE TABLE products (
  id BIGINT NOT NULL, name STRING NOT NULL, category STRING, price DECIMAL(10, 2) NOT NULL,
  stock INT NOT NULL, PRIMARY KEY (id) NOT ENFORCED
) WITH ('connector' = 'clickhouse', 'url' = '${CLICKHOUSE_URL:-http://localhost:8123}',
        'database-name' = 'shop_sync', 'table-name' = 'products', 'sink.create-table' = 'true');

CREATE TABLE orders_realtime (
  id BIGINT NOT NULL, user_id BIGINT NOT NULL, status STRING NOT NULL,
  total_amount DECIMAL(12, 2) NOT NULL, created_at TIMESTAMP(0), updated_at TIMESTAMP(0),
  PRIMARY KEY (id) NOT ENFORCED
) WITH ('connector' = 'clickhouse', 'url' = '${CLICKHOUSE_URL:-http://localhost:8123}',
        'database-name' = 'shop_sync', 'table-name' = 'orders_realtime',
        'sink.create-table' = 'true');

CREATE TABLE order_items (
  id BIGINT NOT NULL, order_id BIGINT NOT NULL, product_id BIGINT NOT NULL,
  quantity INT NOT NULL, unit_price DECIMAL(10, 2) NOT NULL, PRIMARY KEY (id) NOT ENFORCED
) WITH ('connector' = 'clickhouse', 'url' = '${CLICKHOUSE_URL:-http://localhost:8123}',
        'database-name' = 'shop_sync', 'table-name' = 'order_items',
        'sink.create-table' = 'true');

INSERT INTO users SELECT * FROM users_cdc;
INSERT INTO products SELECT * FROM products_cdc;
INSERT INTO orders_realtime SELECT * FROM orders_cdc;
INSERT INTO order_items SELECT * FROM order_items_cdc;
