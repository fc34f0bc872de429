#!/usr/bin/env python3
"""Computes the order aggregates of independent_aggregation_test.cc without sluice.

Usage: independent_aggregation.py ORDERS.ndjson TUMBLE_OUT.csv HOP_OUT.csv

Reads one JSON order event per line, parses its ISO-8601 event time (a 'Z' or a +hh:mm / -hh:mm
offset) with datetime, and writes, per symbol and window, the row the pipeline's sink should hold:
symbol, window_start, window_end, COUNT(*), COUNT(*) FILTER (WHERE order_type = 'BUY'),
SUM(quantity), SUM(quantity * price), MIN(price), MAX(price), AVG(price); windows are
TUMBLE 1 minute and HOP slide 1 minute / size 5 minutes, as Flink assigns them
(start = t - t mod slide). Timestamps print as Flink prints TIMESTAMP(3) in UTC; doubles with repr.
Rows are sorted by (window_start, symbol).
"""

import datetime
import json
import sys

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
MINUTE_MS = 60_000


def event_millis(text):
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    dt = datetime.datetime.fromisoformat(text)
    if dt.tzinfo is None:
        raise ValueError("event time without a zone: " + text)
    return (dt - EPOCH) // datetime.timedelta(milliseconds=1)


def format_millis(ms):
    dt = EPOCH + datetime.timedelta(milliseconds=ms)
    return dt.strftime("%Y-%m-%d %H:%M:%S") + ".%03d" % (ms % 1000)


def window_starts(ms, slide, size):
    last = ms - ms % slide
    return [last - k * slide for k in range(size // slide)]


def aggregate(events, slide, size):
    groups = {}
    for e in events:
        for start in window_starts(e["ms"], slide, size):
            key = (start, e["symbol"])
            g = groups.get(key)
            if g is None:
                g = groups[key] = {"count": 0, "buy": 0, "qty": 0, "notional": 0.0,
                                   "min": None, "max": None, "price_sum": 0.0}
            price = e["price"]
            g["count"] += 1
            g["buy"] += 1 if e["order_type"] == "BUY" else 0
            g["qty"] += e["quantity"]
            g["notional"] += e["quantity"] * price
            g["min"] = price if g["min"] is None else min(g["min"], price)
            g["max"] = price if g["max"] is None else max(g["max"], price)
            g["price_sum"] += price
    lines = []
    for (start, symbol) in sorted(groups):
        g = groups[(start, symbol)]
        fields = [symbol, format_millis(start), format_millis(start + size), str(g["count"]),
                  str(g["buy"]), str(g["qty"]), repr(g["notional"]), repr(g["min"]),
                  repr(g["max"]), repr(g["price_sum"] / g["count"])]
        lines.append(",".join(fields) + "\n")
    return lines


def main(argv):
    if len(argv) != 4:
        sys.stderr.write(__doc__)
        return 2
    events = []
    with open(argv[1], encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            e = json.loads(line)
            e["ms"] = event_millis(e["event_time"])
            e["price"] = float(e["price"])
            events.append(e)
    with open(argv[2], "w", encoding="utf-8") as f:
        f.writelines(aggregate(events, MINUTE_MS, MINUTE_MS))
    with open(argv[3], "w", encoding="utf-8") as f:
        f.writelines(aggregate(events, MINUTE_MS, 5 * MINUTE_MS))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
