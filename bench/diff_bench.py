#!/usr/bin/env python3
"""Benchmark pgprobe's schema diff against migra and ``supabase db diff``, side by side.

Usage: .venv/bin/python bench/diff_bench.py [--tables 2000] [--repeat 3] [--dir DIR]
           [--migra /tmp/diffpeers/migra-venv/bin/migra]
           [--supabase /tmp/diffpeers/supa/node_modules/.bin/supabase]

It starts a throwaway server (embedded PG, TCP on 127.0.0.1) in ``--dir`` (default: a new
``mktemp -d``, removed at the end; with ``--dir`` the server is kept running so a rerun with
the same dir reuses the loaded databases, until ``--stop``), loads
``../shared/bench/make_schema.py N`` into ``bench_a``, copies it to ``bench_b`` and changes
``bench_b`` in six places (a renamed column, a dropped FK, RLS disabled, an enum label added,
a policy's roles changed, a grant revoked). Then it times, ``--repeat`` times each (the
three end-to-end tools alternating round by round):

* ``files``: ``pgprobe.diff(a.json, b.json)`` in-process on two saved snapshots (load + diff)
* ``diff_only``: the comparison of two in-memory Snapshots
* ``pgprobe_cli``: ``pgprobe diff DSN_A DSN_B --schema app`` end to end (new process)
* ``migra``: ``migra --unsafe --with-privileges --schema app URL_A URL_B`` (own venv)
* ``supabase``: ``supabase db diff --from URL_A --to URL_B --schema app`` (npm 3.1.0)

Prints JSON: median wall seconds, max RSS (MB) of the subprocess tools, and ratios.
Peers that are not installed are reported as missing, never faked.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
MAKE_SCHEMA = next(p for p in (REPO.parent / "shared/bench/make_schema.py",
                               Path("/work/shared/bench/make_schema.py")) if p.exists())

CHANGES = (
    "alter table app.t00010 rename column c00 to c00_renamed",
    "alter table app.t00030 disable row level security",
    "alter type app.kind_1 add value 'added_label'",
    "alter policy t00040_read on app.t00040 to anon",
    "revoke select on app.t00050 from anon",
)


def timed(cmd: list[str], env: dict[str, str] | None = None,
          cwd: str | None = None) -> tuple[float, float, subprocess.CompletedProcess[str]]:
    """Wall seconds and max RSS (MB, via /usr/bin/time) of one command."""
    wrapped = ["/usr/bin/time", "-f", "%M", *cmd] if Path("/usr/bin/time").exists() else cmd
    t0 = time.perf_counter()
    out = subprocess.run(wrapped, capture_output=True, text=True, env=env, cwd=cwd, timeout=900)
    wall = time.perf_counter() - t0
    rss = 0.0
    if wrapped is not cmd:
        last = (out.stderr.strip().splitlines() or ["0"])[-1]
        rss = int(last) / 1024 if last.isdigit() else 0.0
    return wall, rss, out


def setup(directory: Path, tables: int) -> tuple[Any, str, str]:
    from pgprobe.embedded import Server

    server = Server.attach(directory) or Server.start("embedded", directory, tcp=True)
    if not server.database_exists("bench_a") or not (directory / "loaded").exists():
        print(f"loading make_schema.py {tables} into bench_a ...", file=sys.stderr)
        dsn_a = server.create_database("bench_a", replace=True)
        sql_file = directory / "schema.sql"
        sql_file.write_text(subprocess.run([sys.executable, str(MAKE_SCHEMA), str(tables)],
                                           capture_output=True, text=True, check=True).stdout)
        server.psql(dsn_a, file=sql_file)
        (directory / "loaded").write_text(str(tables))
    dsn_b = server.create_database("bench_b", template="bench_a", replace=True)
    import psycopg
    from psycopg import sql

    with psycopg.connect(dsn_b, autocommit=True) as conn:
        for statement in CHANGES:
            conn.execute(statement)  # type: ignore[arg-type]  # fixed benchmark DDL
        row = conn.execute("select conname from pg_constraint where contype = 'f' and "
                           "conrelid = 'app.t00020'::regclass order by conname limit 1").fetchone()
        if row:  # drop one foreign key
            conn.execute(sql.SQL("alter table app.t00020 drop constraint {}").format(
                sql.Identifier(row[0])))
    return server, server.dsn("bench_a"), dsn_b


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tables", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--dir", default=None, help="server directory (reused if it exists)")
    ap.add_argument("--migra", default="/tmp/diffpeers/migra-venv/bin/migra")
    ap.add_argument("--supabase", default="/tmp/diffpeers/supa/node_modules/.bin/supabase")
    ap.add_argument("--stop", action="store_true", help="stop the server afterwards")
    args = ap.parse_args()

    directory = Path(args.dir or tempfile.mkdtemp(prefix="pgprobe-diffbench-"))
    server, dsn_a, dsn_b = setup(directory, args.tables)

    from pgprobe.catalog import Snapshot, snapshot
    from pgprobe.diff import diff, diff_snapshots

    snap_a, snap_b = snapshot(dsn_a, schemas=["app"]), snapshot(dsn_b, schemas=["app"])
    file_a, file_b = directory / "a.json", directory / "b.json"
    snap_a.save(str(file_a))
    snap_b.save(str(file_b))
    counts = {"relations": len(snap_a.relations),
              "columns": sum(len(r.columns) for r in snap_a.relations),
              "constraints": sum(len(r.constraints) for r in snap_a.relations),
              "indexes": sum(len(r.indexes) for r in snap_a.relations),
              "policies": sum(len(r.policies) for r in snap_a.relations)}
    server_version = snap_a.server_version
    del snap_a, snap_b
    gc.collect()

    times: dict[str, list[float]] = {"files": [], "diff_only": []}
    found: dict[str, Any] = {}
    # 1. two saved snapshot files -> report, in this (small) process
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        report = diff(str(file_a), str(file_b))
        times["files"].append(time.perf_counter() - t0)
    found["files"] = len(report)
    # 2. the comparison alone, on two Snapshots already in memory
    loaded_a, loaded_b = Snapshot.load(str(file_a)), Snapshot.load(str(file_b))
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        full = diff_snapshots(loaded_a, loaded_b)
        times["diff_only"].append(time.perf_counter() - t0)
    assert full.changes == report.changes, "fast file path and full diff disagree"
    del loaded_a, loaded_b
    gc.collect()

    # 3. end to end on two live databases, each tool in a new process, alternating
    cli = [sys.executable, "-m", "pgprobe.cli"] if (REPO / "pgprobe/cli.py").exists() \
        else [sys.executable, "-m", "pgprobe.diff._cli"]
    tools: dict[str, list[str] | None] = {
        "pgprobe_cli": [*cli, "diff", dsn_a, dsn_b, "--schema", "app"],
        "migra": [args.migra, "--unsafe", "--with-privileges", "--schema", "app", dsn_a, dsn_b]
        if Path(args.migra).exists() else None,
        "supabase": [args.supabase, "db", "diff", "--from", dsn_a + "?sslmode=disable",
                     "--to", dsn_b + "?sslmode=disable", "--schema", "app"]
        if Path(args.supabase).exists() else None,
    }
    supa_dir = tempfile.mkdtemp(prefix="supa-wd-")
    times.update({k: [] for k in tools})
    rss: dict[str, float] = {}
    outputs: dict[str, str] = {}
    load: list[float] = []
    for _ in range(args.repeat):
        load.append(os.getloadavg()[0])
        for name, cmd in tools.items():
            if cmd is None:
                continue
            wall, mb, out = timed(cmd, cwd=supa_dir if name == "supabase" else None)
            times[name].append(wall)
            rss[name] = max(rss.get(name, 0.0), mb)
            outputs[name] = out.stdout
            found[name] = {"exit": out.returncode, "stdout_lines": len(out.stdout.splitlines())}
    result: dict[str, Any] = {
        "tables": args.tables, "objects": counts, "repeat": args.repeat,
        "server": server_version,
        "load_average_1min": [round(x, 2) for x in load],
        "median_s": {k: round(statistics.median(v), 4) for k, v in times.items() if v},
        "runs_s": {k: [round(x, 3) for x in v] for k, v in times.items() if v},
        "max_rss_mb": {k: round(v, 1) for k, v in rss.items()},
        "missing": [k for k, v in tools.items() if v is None],
        "results": found,
    }
    med = result["median_s"]
    if "pgprobe_cli" in med:
        result["ratios_vs_pgprobe_cli"] = {k: round(med[k] / med["pgprobe_cli"], 2)
                                           for k in ("migra", "supabase") if k in med}
    result["pgprobe_changes"] = [c.path for c in report]
    print(json.dumps(result, indent=2))
    (directory / "outputs.json").write_text(json.dumps(outputs))
    shutil.rmtree(supa_dir, ignore_errors=True)
    if args.dir is None:  # a throwaway directory: leave nothing behind
        server.stop(remove=True)
    elif args.stop:
        server.stop()
    else:
        print(f"server left running in {directory} (rerun with --dir {directory}; "
              f"--stop to stop it)", file=sys.stderr)


if __name__ == "__main__":
    main()
