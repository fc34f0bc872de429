-- Query 7: Highest Bid. The bids at the highest price of each 10-second window (a TUMBLE
-- maximum, joined back to the bids of its window by price and time).
-- Flink's query joins on the price and bounds B.dateTime BETWEEN window_end - 10 s AND window_end
-- in WHERE. Here the bound is in ON (an interval join needs it there) and over window_time, the
-- window aggregate's rowtime attribute (window_end - 1 ms): the same rows.
CREATE TABLE nexmark_q7 (
  auction BIGINT, price BIGINT, bidder BIGINT, dateTime TIMESTAMP(3), extra STRING
) WITH ('connector' = 'blackhole');

INSERT INTO nexmark_q7
SELECT B.auction, B.price, B.bidder, B.dateTime, B.extra
FROM bid B
JOIN (
  SELECT MAX(price) AS maxprice, window_time AS wtime
  FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(dateTime), INTERVAL '10' SECOND))
  GROUP BY window_start, window_end, window_time
) B1
ON B.price = B1.maxprice
   AND B.dateTime > B1.wtime - INTERVAL '10' SECOND
   AND B.dateTime <= B1.wtime + INTERVAL '1' MILLISECOND;
