-- Query 5: Hot Items. The auctions with the most bids in each 10-second window sliding by
-- 2 seconds (every auction tied at the maximum).
-- Flink's query joins the HOP counts with their maximum per window, an unbounded GROUP BY over
-- the window bounds (a changelog, which sluice's joins refuse). Here the maximum is a 2-second
-- TUMBLE over the counts' window_time (window_end - 1 ms: each HOP window's counts fall in one
-- TUMBLE window, whose window_time is the same instant), and the counts are joined with it on
-- equal window_time (an interval join of width 0): the same rows. The sink also keeps the
-- window bounds, which Flink's drops.
CREATE TABLE nexmark_q5 (
  auction BIGINT, num BIGINT, starttime TIMESTAMP(3), endtime TIMESTAMP(3)
) WITH ('connector' = 'blackhole');

CREATE VIEW auction_bids AS
SELECT auction, COUNT(*) AS num, window_start AS starttime, window_end AS endtime,
       window_time AS wtime
FROM TABLE(HOP(TABLE bid, DESCRIPTOR(dateTime), INTERVAL '2' SECOND, INTERVAL '10' SECOND))
GROUP BY auction, window_start, window_end, window_time;

CREATE VIEW max_bids AS
SELECT MAX(num) AS maxn, window_time AS mtime
FROM TABLE(TUMBLE(TABLE auction_bids, DESCRIPTOR(wtime), INTERVAL '2' SECOND))
GROUP BY window_start, window_end, window_time;

INSERT INTO nexmark_q5
SELECT A.auction, A.num, A.starttime, A.endtime
FROM auction_bids A
JOIN max_bids M ON A.wtime = M.mtime
WHERE A.num >= M.maxn;
