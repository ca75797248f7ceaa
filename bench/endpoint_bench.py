"""Schema-cache staleness speed on the N-table benchmark schema.

    .venv/bin/python bench/endpoint_bench.py [--tables 2000] [--repeat 5]

Measures: building PostgREST's OpenAPI document from a snapshot, comparing an endpoint's
OpenAPI with a snapshot (no HTTP), and the full staleness() round trip over real HTTP against
the local stand-in (GET /, JSON decode, compare), the snapshot given.
"""

from __future__ import annotations

import argparse
import json

from _common import bench_dsn, median_times

import pgprobe
from pgprobe.endpoint import compare_openapi, openapi_from_snapshot, serve, staleness


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    snap = pgprobe.snapshot(bench_dsn(args.tables), schemas=["app"])
    doc = openapi_from_snapshot(snap, ["app"])
    size = len(json.dumps(doc))
    with serve(snap, listen=False, config={"db-schemas": "app"}) as srv:
        times = median_times({
            "openapi_from_snapshot": lambda: openapi_from_snapshot(snap, ["app"]),
            "compare_openapi": lambda: compare_openapi(doc, snap, schema="app"),
            "staleness_http": lambda: staleness(srv.url, snap, schema="app"),
        }, repeat=args.repeat)
        assert staleness(srv.url, snap, schema="app").up_to_date
    print(json.dumps({"relations": len(doc["definitions"]), "paths": len(doc["paths"]),
                      "openapi_bytes": size, "median_s": times}, indent=2))


if __name__ == "__main__":
    main()
