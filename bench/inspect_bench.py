"""Live views on the 2,000-table benchmark database, with real contention in place.

    .venv/bin/python bench/inspect_bench.py [--tables 2000] [--repeat 7]
        [--supabase /tmp/inspectpeers/node_modules/.bin/supabase] [--cli-repeat 3]

Target (issue 14): every view answers in under 200 ms. While it runs, session A holds
``lock table app.t00000`` idle in a transaction, B waits to lock it too and C's SELECT
queues behind B (all rolled back at the end: nothing is written), so ``blocking``, ``locks``
and ``why-waiting`` have a tree to draw and the size views meet a locked relation.

Measured in one process, alternating: each view through ``pgprobe.inspect`` (connection
already open) against the same SQL run bare through psycopg on its own connection (the
``raw`` peer: what pgprobe adds over the query), the whole ``report``, and ``why_waiting``.
With ``--supabase``, end to end as a user runs them: ``pgprobe inspect VIEW`` against
``supabase inspect db VIEW`` (npm supabase 3.1.0) for the views both have, each a fresh
process.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import psycopg
from _common import ROOT, bench_dsn, median_times
from psycopg import sql

from pgprobe.inspect import VIEWS, Inspector
from pgprobe.inspect._views import view_sql

SUPABASE_VIEWS = {  # pgprobe view -> supabase inspect db subcommand (same question)
    "locks": "locks", "blocking": "blocking", "long-running": "long-running-queries",
    "bloat": "bloat", "vacuum-stats": "vacuum-stats", "db-stats": "db-stats",
    "table-stats": "table-stats", "index-stats": "index-stats", "role-stats": "role-stats",
    "replication-slots": "replication-slots", "xid-age": "xid-age",
}


class Contention:
    """A (idle in transaction, holding the lock) -> B (waiting) -> C (waiting), rolled back."""

    def __init__(self, dsn: str, table: str = "app.t00000") -> None:
        self.dsn, self.table = dsn, table
        self.a = psycopg.connect(dsn, application_name="bench_a")
        schema, name = table.split(".")
        self.lock = sql.SQL("lock table {}.{}").format(sql.Identifier(schema), sql.Identifier(name))
        self.a.execute(self.lock)
        self.threads = [self._waiter("bench_b", self.lock),
                        self._waiter("bench_c", sql.SQL("select count(*) from {}.{}").format(
                            sql.Identifier(schema), sql.Identifier(name)))]
        self._wait_for(2)

    def _waiter(self, app: str, statement: Any) -> threading.Thread:
        def go() -> None:
            with psycopg.connect(self.dsn, application_name=app) as conn:
                conn.execute(statement)
                conn.rollback()

        thread = threading.Thread(target=go, daemon=True)
        thread.start()
        self._wait_for(len(getattr(self, "threads", [])) + 1)
        return thread

    def _wait_for(self, n: int) -> None:
        with psycopg.connect(self.dsn, autocommit=True) as conn:
            for _ in range(400):
                waiting = conn.execute("select count(*) from pg_stat_activity where "
                                       "application_name like 'bench_%' and "
                                       "wait_event_type = 'Lock'").fetchone()
                if waiting and waiting[0] >= n:
                    return
                time.sleep(0.025)
        raise SystemExit("the contention never formed")

    def close(self) -> None:
        self.a.rollback()
        self.a.close()
        for thread in self.threads:
            thread.join(30)


def raw_runner(dsn: str, name: str, conn: psycopg.Connection[Any]) -> Any:
    text = view_sql(name)
    query: Any = sql.SQL(text).format(pgss=sql.Identifier("public")) if "{pgss}" in text else text

    def run() -> None:
        with conn.transaction(force_rollback=True):
            conn.execute(query).fetchall()

    return run


def cli_times(dsn: str, supabase: str | None, repeat: int, timeout: float = 30
              ) -> dict[str, Any]:
    url = dsn.replace("postgresql://postgres@/", "postgresql://postgres@localhost/")
    url += "&sslmode=disable"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"}
    out: dict[str, Any] = {}
    for view, theirs in SUPABASE_VIEWS.items():
        commands = {"pgprobe": [sys.executable, "-m", "pgprobe.cli", "inspect", "--dsn", dsn,
                                view]}
        if supabase:
            commands["supabase"] = [supabase, "inspect", "db", theirs, "--db-url", url]
        runs: dict[str, list[float]] = {k: [] for k in commands}
        hung: set[str] = set()
        for _ in range(repeat):
            for name, cmd in commands.items():
                if name in hung:
                    continue
                started = time.perf_counter()
                try:
                    subprocess.run(cmd, capture_output=True, env=env, timeout=timeout,
                                   check=False)
                except subprocess.TimeoutExpired:  # queued behind the benchmark's lock
                    hung.add(name)
                    continue
                runs[name].append(time.perf_counter() - started)
        out[view] = {k: round(statistics.median(v), 3) if k not in hung
                     else f"no answer in {timeout:g} s" for k, v in runs.items()}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--supabase", default="/tmp/inspectpeers/node_modules/.bin/supabase")
    parser.add_argument("--cli-repeat", type=int, default=3)
    args = parser.parse_args()
    dsn = bench_dsn(args.tables)
    load = os.getloadavg()[0]
    contention = Contention(dsn)
    try:
        with Inspector(dsn) as db, psycopg.connect(dsn, autocommit=True) as raw:
            candidates: dict[str, Any] = {}
            for name in VIEWS:
                if VIEWS[name].needs_pg_stat_statements:
                    continue  # not installed on the benchmark server: a catalog lookup only
                candidates[name] = lambda name=name: db.view(name)
                candidates[f"raw:{name}"] = raw_runner(dsn, name, raw)
            candidates["outliers (no pg_stat_statements)"] = db.outliers
            candidates["why_waiting"] = db.why_waiting
            candidates["report"] = db.report
            times = median_times(candidates, repeat=args.repeat)
            tree = db.blocking()
            sizes = db.table_sizes()
        supabase = args.supabase if Path(args.supabase).exists() else None
        cli = cli_times(dsn, supabase, args.cli_repeat) if args.cli_repeat else {}
    finally:
        contention.close()
    views = {n: times[n]["median_s"] for n in VIEWS if n in times}
    result = {
        "tables": args.tables, "repeat": args.repeat,
        "load_average_start": round(load, 2), "load_average_end": round(os.getloadavg()[0], 2),
        "view_median_s": views,
        "raw_median_s": {n: times[f"raw:{n}"]["median_s"] for n in views},
        "slowest_view": max(views, key=views.__getitem__),
        "all_under_200ms": all(v < 0.2 for v in views.values()),
        "why_waiting_s": times["why_waiting"]["median_s"],
        "report_s": times["report"]["median_s"],
        "blocking_tree": list(zip(tree["pid"], tree["depth"], strict=True)),
        "table_sizes_rows": len(sizes), "locked_rows": int(sizes["locked"].sum()),
        "cli_end_to_end_median_s": cli,
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
