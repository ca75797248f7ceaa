#!/usr/bin/env python3
"""``pgprobe docs`` on the N-table benchmark schema, from a saved snapshot.

    .venv/bin/python bench/docs_bench.py [--tables 2000] [--snapshot snap.json] [--jobs N]
        [--naive-sample 60]

Measured, in one run (wall seconds, and CPU seconds of this process plus its children):

- ``cold``: an empty output directory: every page written, every diagram rendered
  (Graphviz ``dot`` batched, one process per job, table pages built in forked workers)
- ``incremental_none``: the same snapshot again: every page rebuilt in memory, nothing written
- ``incremental_one``: one table's comment changed: only its page is rewritten
- ``naive_per_table``: the peer in the same run: what a user scripts with pgprobe.graph,
  ``erd(snap, focus=t).render(t.svg)`` one table at a time, timed on ``--naive-sample``
  tables and extrapolated to all of them (tbls and SchemaSpy are not installable here)

The snapshot is read once from the benchmark database (or ``--snapshot``) and loaded from
its JSON file as the CLI does; its reading is snapshot_bench.py's business.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import resource
import shutil
import sys
import tempfile
import time
import warnings
from pathlib import Path

from _common import bench_dsn

from pgprobe.catalog import Snapshot, snapshot
from pgprobe.docs import Docs
from pgprobe.graph import erd


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def timed(fn):  # type: ignore[no-untyped-def]
    wall, cpu = time.perf_counter(), _cpu()
    result = fn()
    return {"wall_s": round(time.perf_counter() - wall, 2), "cpu_s": round(_cpu() - cpu, 2)}, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=2000)
    parser.add_argument("--snapshot", help="a saved snapshot of the benchmark schema")
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--naive-sample", type=int, default=60)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="pgprobe-docs-bench-"))
    try:
        snap_file = Path(args.snapshot) if args.snapshot else work / "snap.json"
        if not args.snapshot:
            snapshot(bench_dsn(args.tables), schemas=["app"]).save(snap_file)
        load, snap = timed(lambda: Snapshot.load(snap_file))
        out = work / "docs"

        def build(s: Snapshot):  # type: ignore[no-untyped-def]
            return Docs(s, exposed=["app"]).write(out, jobs=args.jobs)

        cold, first = timed(lambda: build(snap))
        none, second = timed(lambda: build(snap))
        rel = next(r for r in snap.relations if r.kind == "table" and not r.partition_of)
        changed = dataclasses.replace(snap, relations=tuple(
            dataclasses.replace(r, comment="changed for the benchmark") if r is rel else r
            for r in snap.relations))
        one, third = timed(lambda: build(changed))

        sample = [r for r in snap.relations if not r.partition_of][: args.naive_sample]
        naive_dir = work / "naive"
        naive_dir.mkdir()

        def naive() -> None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                for r in sample:
                    erd(snap, focus=r.qualified_name, exposed_schemas=["app"]).render(
                        naive_dir / f"{r.qualified_name}.svg")

        naive_t, _ = timed(naive)
        tables = len([r for r in snap.relations if not r.partition_of])
        per_table = naive_t["wall_s"] / len(sample)
        report = {
            "relations": tables, "jobs": args.jobs or os.cpu_count(),
            "load_average": [round(x, 2) for x in os.getloadavg()],
            "snapshot_load": load,
            "cold": {**cold, "written": len(first.written), "rendered": first.rendered},
            "incremental_none": {**none, "written": len(second.written),
                                 "rendered": second.rendered},
            "incremental_one": {**one, "written": third.written, "rendered": third.rendered},
            "naive_per_table": {**naive_t, "sample": len(sample),
                                "extrapolated_wall_s": round(per_table * tables, 1)},
            "cold_vs_naive": round(per_table * tables / max(cold["wall_s"], 1e-9), 1),
        }
        json.dump(report, sys.stdout, indent=2)
        print()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
