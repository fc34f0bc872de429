-- The Nexmark event stream as three tables of one 'nexmark' source (src/connectors/README.md),
-- declared as the Nexmark benchmark for Flink declares them. `sluice bench nexmark` prepends this
-- file to each query and sets NEXMARK_EVENTS (events of the whole stream) and NEXMARK_RATE
-- (events per second of event time; 10 M/s as the Flink benchmark's 100 M events at 10 M/s).

CREATE TABLE person (
  id BIGINT, name STRING, emailAddress STRING, creditCard STRING, city STRING, state STRING,
  dateTime TIMESTAMP(3), extra STRING,
  WATERMARK FOR dateTime AS dateTime - INTERVAL '4' SECOND
) WITH ('connector' = 'nexmark', 'table' = 'person',
        'events.num' = '${NEXMARK_EVENTS:-10000000}',
        'first-event.rate' = '${NEXMARK_RATE:-10000000}');

CREATE TABLE auction (
  id BIGINT, itemName STRING, description STRING, initialBid BIGINT, reserve BIGINT,
  dateTime TIMESTAMP(3), expires TIMESTAMP(3), seller BIGINT, category BIGINT, extra STRING,
  WATERMARK FOR dateTime AS dateTime - INTERVAL '4' SECOND
) WITH ('connector' = 'nexmark', 'table' = 'auction',
        'events.num' = '${NEXMARK_EVENTS:-10000000}',
        'first-event.rate' = '${NEXMARK_RATE:-10000000}');

CREATE TABLE bid (
  auction BIGINT, bidder BIGINT, price BIGINT, channel STRING, url STRING,
  dateTime TIMESTAMP(3), extra STRING,
  WATERMARK FOR dateTime AS dateTime - INTERVAL '4' SECOND
) WITH ('connector' = 'nexmark', 'table' = 'bid',
        'events.num' = '${NEXMARK_EVENTS:-10000000}',
        'first-event.rate' = '${NEXMARK_RATE:-10000000}');
