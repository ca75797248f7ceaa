"""A snapshot in a busy process: right after a SQLAlchemy reflection of the same schema.

    .venv/bin/python bench/gc_bench.py [--tables 2000] [--repeat 5]

A notebook kernel holds many objects; a snapshot must not pay for full collections of them
(issue 16). Times the snapshot with the collector paused during the build (pgprobe's default)
and with it left running (the guard replaced by a no-op), in the same process, with the
reflected MetaData kept alive, and the same in a fresh process for reference. Besides the
wall times it records this process's CPU seconds per variant and the full (generation 2)
collections that ran during the snapshots: on a busy machine those are what still tell the
variants apart.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import statistics
import time
from collections.abc import Callable

from _common import bench_dsn, median_times

import pgprobe
from pgprobe.catalog import _reader


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    dsn = bench_dsn(args.tables)

    cpu: dict[str, list[float]] = {}
    collections = {"full": 0}
    gc.callbacks.append(lambda phase, info: collections.__setitem__(
        "full", collections["full"] + (phase == "start" and info["generation"] == 2)))

    def take(label: str) -> Callable[[], object]:
        # CPU seconds of this process as well as wall: on a busy machine the wall time
        # mostly measures the other sessions, while the collector's cost is our CPU
        def run() -> object:
            started = time.process_time()
            snap = pgprobe.snapshot(dsn, schemas=["app"])
            cpu.setdefault(label, []).append(time.process_time() - started)
            return snap
        return run

    alone = median_times({"snapshot_fresh_process": take("snapshot_fresh_process")}, repeat=args.repeat)

    import sqlalchemy

    engine = sqlalchemy.create_engine(dsn.replace("postgresql://", "postgresql+psycopg://", 1))
    metadata = sqlalchemy.MetaData()
    metadata.reflect(engine, schema="app")
    full_before = collections["full"]
    guarded = median_times({"snapshot_after_reflection": take("snapshot_after_reflection")}, repeat=args.repeat)
    full_guarded = collections["full"] - full_before
    original = _reader.paused_collector
    _reader.paused_collector = contextlib.nullcontext  # type: ignore[assignment]
    try:
        unguarded = median_times({"snapshot_after_reflection_gc_running":
                                  take("snapshot_after_reflection_gc_running")},
                                 repeat=args.repeat)
    finally:
        _reader.paused_collector = original
    full_collections_unguarded = collections["full"] - full_before - full_guarded
    ours = guarded["snapshot_after_reflection"]["median_s"]
    result = {
        "tables": args.tables, "reflected_tables": len(metadata.tables),
        "load_average": os.getloadavg()[0],
        "timings": {**alone, **guarded, **unguarded},
        "cpu_median_s": {k: round(statistics.median(v), 3) for k, v in cpu.items()},
        "full_collections_during_snapshots": {"paused": full_guarded,
                                              "running": full_collections_unguarded},
        "ratios": {
            "after reflection / fresh (collector paused)":
                round(ours / alone["snapshot_fresh_process"]["median_s"], 2),
            "collector running / paused (after reflection)":
                round(unguarded["snapshot_after_reflection_gc_running"]["median_s"] / ours, 2),
        },
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
