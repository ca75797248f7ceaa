"""Advisors' speed on the N-table benchmark schema, against Splinter's own SQL.

    PGPROBE_SPLINTER_DIR=/path/to/splinter .venv/bin/python bench/advise_bench.py [--tables 2000] [--repeat 5]

Targets (issue 13): ``advise`` from a saved snapshot < 1 s on 2,000 tables; from a DSN at most
1.5x the time Splinter's 28 lint queries take on the same database (run alternately in the
same process, schema ``app`` exposed for both). Splinter is read from a local checkout given
by ``PGPROBE_SPLINTER_DIR`` (never part of this repository); without it only the snapshot
figures are measured. The run also checks that both find the same things.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from collections import Counter
from pathlib import Path

from _common import bench_dsn, median_times

import pgprobe
from pgprobe.advise import RULES, run_rules
from pgprobe.advise._api import _live_snapshot
from tests.advise._splinter import pgprobe_findings, splinter_findings

EXPOSED = ["app"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    dsn = bench_dsn(args.tables)
    snap, _live = _live_snapshot(dsn)
    path = Path(tempfile.mkdtemp(prefix="pgprobe-advise-bench-")) / "snap.json"
    snap.save(path)

    results: dict[str, object] = {"tables": args.tables, "relations": len(snap.relations),
                                  "policies": sum(len(r.policies) for r in snap.relations)}
    results["snapshot"] = median_times({
        "advise(snapshot file)": lambda: pgprobe.advise(str(path), exposed_schemas=EXPOSED),
        "run_rules(Snapshot)": lambda: run_rules(snap, exposed_schemas=EXPOSED),
    }, repeat=args.repeat)

    checkout = os.environ.get("PGPROBE_SPLINTER_DIR")
    if checkout:
        splinter_rules = {r.name for r in RULES if r.splinter}
        times = median_times({
            "advise(dsn)": lambda: pgprobe.advise(dsn, exposed_schemas=EXPOSED),
            "splinter SQL": lambda: splinter_findings(dsn, Path(checkout), ",".join(EXPOSED)),
        }, repeat=args.repeat)
        results["dsn"] = times
        results["dsn_ratio"] = round(times["advise(dsn)"]["median_s"]
                                     / times["splinter SQL"]["median_s"], 2)
        theirs, unrunnable = splinter_findings(dsn, Path(checkout), ",".join(EXPOSED))
        ours = pgprobe_findings(pgprobe.advise(dsn, exposed_schemas=EXPOSED),
                                splinter_rules - set(unrunnable))
        results["same_findings"] = ours == theirs
        results["findings_by_rule"] = dict(Counter(k[0] for k in theirs.elements()))
        if ours != theirs:
            results["missing"] = [str(k) for k in (theirs - ours)][:10]
            results["extra"] = [str(k) for k in (ours - theirs)][:10]
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
