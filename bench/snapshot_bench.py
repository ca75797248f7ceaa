"""Snapshot speed and memory on the N-table benchmark schema, against the peers, in one process.

    .venv/bin/python bench/snapshot_bench.py [--tables 2000] [--repeat 5]

Targets (issue 2): snapshot <= 1.5x raw_catalog, <= 1.0x pg_dump, >= 8x faster than
SQLAlchemy reflection; peak memory under 300 MB.
"""

from __future__ import annotations

import argparse
import json

from _common import bench_dsn, bench_server, median_times, peak_rss_mb, peers, with_pg_bin_on_path

import pgprobe


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    dsn = bench_dsn(args.tables)
    with_pg_bin_on_path(bench_server())
    p = peers()
    snap = pgprobe.snapshot(dsn, schemas=["app"])
    covered = {
        "relations": len(snap.relations), "columns": sum(len(r.columns) for r in snap.relations),
        "constraints": sum(len(r.constraints) for r in snap.relations),
        "indexes": sum(len(r.indexes) for r in snap.relations),
        "policies": sum(len(r.policies) for r in snap.relations),
        "grants": sum(len(r.grants) for r in snap.relations),
        "triggers": sum(len(r.triggers) for r in snap.relations),
        "functions": len(snap.functions), "enums": len(snap.enums),
    }
    fast = median_times({
        "pgprobe_snapshot": lambda: pgprobe.snapshot(dsn, schemas=["app"]),
        "raw_catalog": lambda: p.raw_catalog(dsn, "app"),
        "pg_dump": lambda: p.pg_dump(dsn, "app"),
    }, repeat=args.repeat)
    slow = median_times({
        "pgprobe_snapshot": lambda: pgprobe.snapshot(dsn, schemas=["app"]),
        "sqlalchemy": lambda: p.sqlalchemy_reflect(dsn, "app"),
    }, repeat=max(1, args.repeat // 2))
    ours = fast["pgprobe_snapshot"]["median_s"]
    result = {
        "tables": args.tables,
        "server": snap.server_version,
        "covered": covered,
        "timings": {**fast, "sqlalchemy": slow["sqlalchemy"]},
        "ratios": {
            "snapshot / raw_catalog": round(ours / fast["raw_catalog"]["median_s"], 2),
            "snapshot / pg_dump": round(ours / fast["pg_dump"]["median_s"], 2),
            "sqlalchemy / snapshot": round(slow["sqlalchemy"]["median_s"]
                                           / slow["pgprobe_snapshot"]["median_s"], 1),
        },
        "peak_rss_mb": round(peak_rss_mb(
            f"import pgprobe; s = pgprobe.snapshot({dsn!r}, schemas=['app'])"), 1),
        "baseline_rss_mb": round(peak_rss_mb("import pgprobe"), 1),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
