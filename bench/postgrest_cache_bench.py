#!/usr/bin/env python3
"""Benchmark: the catalog fingerprint checked on every call vs. reading the snapshot again.

Usage (from the repository root)::

    .venv/bin/python bench/postgrest_cache_bench.py [--tables 500] [--repeat 7]

On the ``make_schema.py TABLES`` database (``bench/_common.py``), alternately times: the
fingerprint query alone, a full snapshot, and ``request(dsn, GET ...)`` answered from the
cache (fingerprint unchanged) vs. with a snapshot read for the call. Prints medians and the
ratios (what a cached call saves, what the fingerprint costs relative to a snapshot).
"""

from __future__ import annotations

import argparse
import json

import psycopg
from _common import bench_dsn, median_times

from pgprobe.postgrest import request
from pgprobe.postgrest._cache import fingerprint, read_snapshot


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tables", type=int, default=500)
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    dsn = bench_dsn(args.tables)
    cfg = {"db-schemas": "app", "db-anon-role": "anon"}
    with psycopg.connect(dsn, autocommit=True) as conn:
        table = conn.execute("select relname from pg_class c join pg_namespace n on "
                             "n.oid = c.relnamespace where nspname = 'app' and relkind = 'r' "
                             "order by relname limit 1").fetchone()[0]  # type: ignore[index]
        path = f"/{table}?select=id&limit=1"
        request(dsn, "GET", path, config=cfg)  # fill the cache
        times = median_times({
            "fingerprint": lambda: fingerprint(conn),
            "snapshot": lambda: read_snapshot(conn),
            "request_cached": lambda: request(dsn, "GET", path, config=cfg),
            "request_fresh_snapshot": lambda: request(dsn, "GET", path, config=cfg,
                                                      snapshot=read_snapshot(conn)),
        }, repeat=args.repeat)
    m = {k: v["median_s"] for k, v in times.items()}
    print(json.dumps({"tables": args.tables, "medians_s": m,
                      "fingerprint_vs_snapshot": round(m["fingerprint"] / m["snapshot"], 4),
                      "cached_request_speedup": round(m["request_fresh_snapshot"]
                                                      / m["request_cached"], 1)}, indent=2))


if __name__ == "__main__":
    main()
