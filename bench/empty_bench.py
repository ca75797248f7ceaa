#!/usr/bin/env python3
"""Benchmark: what explaining an empty answer and fixing a request cost.

Usage (from the repository root)::

    .venv/bin/python bench/empty_bench.py [--runs 30]

On the demo database (``pgprobe.demo.up()``), in one process and one probe session:

- an empty read (``GET /monitoring_events`` as anon, RLS without policy) with
  ``explain_empty=True`` (the request again as the owner, counted) against ``False``;
- a read with rows (``GET /tickets`` as service_role), where nothing is explained: the
  ratio should be 1;
- ``fix_request`` of the postmortem's request (two fixes, three translations) against one
  ``explain`` of it.

Prints medians in milliseconds and the ratios.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psycopg  # noqa: E402

from pgprobe import demo  # noqa: E402
from pgprobe.catalog import snapshot  # noqa: E402
from pgprobe.postgrest import explain, fix_request, request  # noqa: E402

CFG = {"db-schemas": "public", "db-anon-role": "anon"}
POSTMORTEM = "/ticket_activities?select=id,ticket:tickets!ta_ticket_id_fkey(name)"


def median_ms(fn: Callable[[], object], runs: int) -> float:
    fn()  # warm: the schema cache, prepared plans
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    dsn = demo.up()
    snap = snapshot(dsn)
    with psycopg.connect(dsn, autocommit=True) as conn:
        def ask(path: str, role: str | None, explain_empty: bool) -> Callable[[], object]:
            return lambda: request(conn, "GET", path, role=role, config=CFG, snapshot=snap,
                                   explain_empty=explain_empty)

        rows = [
            ("empty read, explained", ask("/monitoring_events", None, True),
             ask("/monitoring_events", None, False)),
            ("read with rows", ask("/tickets", "service_role", True),
             ask("/tickets", "service_role", False)),
            ("fix_request vs explain", lambda: fix_request(snap, "GET", POSTMORTEM, config=CFG),
             lambda: explain(snap, "GET", POSTMORTEM, config=CFG)),
        ]
        print(f"{'case':<26} {'with (ms)':>10} {'without (ms)':>13} {'ratio':>6}")
        for name, with_, without in rows:
            a, b = median_ms(with_, args.runs), median_ms(without, args.runs)
            print(f"{name:<26} {a:>10.2f} {b:>13.2f} {a / b:>6.2f}")


if __name__ == "__main__":
    main()
