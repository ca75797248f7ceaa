"""The relationship index over the cached 200-tenant database (issue 16): CPU and wall time.

    .venv/bin/python bench/relindex_bench.py --save /tmp/whole.json   # read the catalog once
    .venv/bin/python bench/relindex_bench.py --snapshot /tmp/whole.json [--repeat 5]

Reads the database ``bench/scale_bench.py`` keeps loaded (its server must be running:
``bench/scale_bench.py --load-only`` starts it and prints the DSN; this script never starts or
stops it), or a snapshot saved with ``--save`` so that repeated runs skip the catalog. Then it
builds ``RelationshipIndex.from_snapshot`` over ``public`` and every tenant schema REPEAT
times, one after the other in this process, and prints the medians of process CPU time and
of wall time, the load average before and after, and the median of one PGRST200 explanation
in one tenant once the index exists. To compare two trees, run it under each (``PYTHONPATH``)
alternately in the same minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

from _common import ROOT  # noqa: F401  (puts this tree's pgprobe first on sys.path)

from pgprobe.embedded import default_home

SOCKET = default_home() / "bench-scale-embedded" / "sock"


def _snapshot(args: argparse.Namespace, schemas: list[str]):  # type: ignore[no-untyped-def]
    from pgprobe.catalog import Snapshot, snapshot

    if args.snapshot:
        return Snapshot.load(args.snapshot)
    dsn = args.dsn or f"postgresql://postgres@/tenants{args.tenants}x100?host={SOCKET}&port=5432"
    snap = snapshot(dsn, schemas=schemas)
    if args.save:
        snap.save(args.save)
    return snap


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenants", type=int, default=200)
    parser.add_argument("--dsn", help="the cached tenant database (default: the bench server's)")
    parser.add_argument("--snapshot", type=Path, help="a snapshot saved with --save")
    parser.add_argument("--save", type=Path, help="save the snapshot read from the database")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    from pgprobe.relationships import RelationshipIndex, explain_embed

    schemas = ["public"] + [f"tenant_{t:03d}" for t in range(args.tenants)]
    snap = _snapshot(args, schemas)
    load_before = os.getloadavg()
    cpu, wall = [], []
    index = None
    for _ in range(args.repeat):
        del index
        w, c = time.perf_counter(), time.process_time()
        index = RelationshipIndex.from_snapshot(snap, schemas)
        cpu.append(time.process_time() - c)
        wall.append(time.perf_counter() - w)
    one = "tenant_042" if args.tenants > 42 else "tenant_000"
    explain = []  # the first call also builds the schema's fuzzy name set (cached)
    for _ in range(args.repeat):
        w = time.perf_counter()
        explain_embed(index, f"{one}.t00001", "t00002x")
        explain.append(time.perf_counter() - w)
    print(json.dumps({
        "tables": sum(1 for r in snap.relations if r.kind == "table"),
        "relationships": len(index) if index is not None else 0,
        "index_cpu_s": {"median": round(statistics.median(cpu), 3),
                        "runs": [round(x, 3) for x in cpu]},
        "index_wall_s": {"median": round(statistics.median(wall), 3),
                         "runs": [round(x, 3) for x in wall]},
        "explain_pgrst200_ms": {"first": round(explain[0] * 1000, 1),
                                "median": round(statistics.median(explain) * 1000, 1)},
        "load_average_1m": [round(load_before[0], 2), round(os.getloadavg()[0], 2)],
    }, indent=2))


if __name__ == "__main__":
    main()
