-- Query 8: Monitor New Users. People who created an auction in the 10-second window in which
-- they registered.
-- Flink's query joins two TUMBLE aggregates (persons grouped by id and name, auctions grouped by
-- seller) on the seller and the window. sluice's window join takes window TVFs, not
-- aggregates, so here the window TVFs are joined first and the GROUP BY over the joined rows
-- (a TUMBLE of the same size over the join's window_time) removes the sellers' repeated
-- auctions: the same rows.
CREATE TABLE nexmark_q8 (id BIGINT, name STRING, stime TIMESTAMP(3))
WITH ('connector' = 'blackhole');

CREATE VIEW new_sellers AS
SELECT P.id, P.name, P.window_time
FROM TABLE(TUMBLE(TABLE person, DESCRIPTOR(dateTime), INTERVAL '10' SECOND)) P
JOIN TABLE(TUMBLE(TABLE auction, DESCRIPTOR(dateTime), INTERVAL '10' SECOND)) A
ON P.id = A.seller AND P.window_start = A.window_start AND P.window_end = A.window_end;

INSERT INTO nexmark_q8
SELECT id, name, window_start
FROM TABLE(TUMBLE(TABLE new_sellers, DESCRIPTOR(window_time), INTERVAL '10' SECOND))
GROUP BY id, name, window_start, window_end;
