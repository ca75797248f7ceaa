#!/usr/bin/env python3
"""Migration SQL: how many round trips pgprobe, migra and ``results`` get right, and how fast.

Usage: .venv/bin/python bench/diff_sql_bench.py [--migra PATH] [--results PATH]
           [--big 2000] [--skip-big]

For each pair of schemas (``../shared/bench/make_schema.py`` with different sizes and seeds,
and a generated schema with a fixed set of edits on top), every tool writes the SQL that turns
the source into the target; the SQL is applied with ``psql -v ON_ERROR_STOP=1`` to a fresh
copy of the source, and the result is compared with the target by ``pgprobe.diff`` (schema
``app``). A round trip is right when the SQL applies and nothing differs. Tools:

* ``pgprobe``: ``pgprobe diff SRC DST --sql --allow-data-loss --schema app``
* ``migra``: ``migra --unsafe --schema app SRC DST`` (PyPI, its own venv: ``sqlalchemy<2``,
  ``psycopg2-binary``), and the same with ``--with-privileges``
* ``results``: ``results dbdiff --schema app --with-privileges SRC DST`` (PyPI, migra's
  successor; its own venv with ``psycopg2-binary``)
Tools that are not installed are reported as missing, never faked.

Then the 2,000-table pair (the benchmark schema and a copy with six edits): the median wall
time of ``pgprobe diff --sql`` and ``migra``, end to end, alternating, and of
``pgprobe diff --sql --prove``. Prints JSON.
"""

from __future__ import annotations

import argparse
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
sys.path.insert(0, str(REPO))
MAKE_SCHEMA = next(p for p in (REPO.parent / "shared/bench/make_schema.py",
                               Path("/work/shared/bench/make_schema.py")) if p.exists())

from pgprobe.diff import diff  # noqa: E402
from pgprobe.embedded import Server  # noqa: E402

EDITS = (
    "alter table app.t00003 add column note text not null default 'n/a'",
    "alter table app.t00004 rename column c00 to c00_renamed",
    "alter table app.t00005 disable row level security",
    "alter type app.kind_0 add value 'added_label' before 'v0_1'",
    "alter policy t00006_read on app.t00006 to anon",
    "revoke select on app.t00007 from anon",
    "grant update (created_at) on app.t00008 to authenticated",
    "create view app.v_new as select id, created_at from app.t00009",
    "create index t00002_created on app.t00002 (created_at) where id > 10",
    "alter table app.t00001 alter column created_at drop not null",
    "comment on table app.t00002 is 'edited'",
    "drop policy t00010_write on app.t00010",
)
PAIRS = (("s30_to_s40", (30, 1), (40, 2), ()), ("s40_to_s30", (40, 2), (30, 1), ()),
         ("s25_seed3_to_seed4", (25, 3), (25, 4), ()), ("edits", (12, 5), (12, 5), EDITS),
         ("edits_reverse", (12, 5), (12, 5), EDITS))


def schema_sql(tables: int, seed: int) -> str:
    return subprocess.run([sys.executable, str(MAKE_SCHEMA), str(tables), "--seed", str(seed)],
                          check=True, capture_output=True, text=True).stdout


def load(server: Server, name: str, tables: int, seed: int, edits: tuple[str, ...] = ()
         ) -> str:
    dsn = server.create_database(name, replace=True)
    path = Path(server.directory) / f"{name}.sql"
    path.write_text(schema_sql(tables, seed) + "".join(f"{e};\n" for e in edits))
    server.psql(dsn, file=path)
    return dsn


def pgprobe_sql(src: str, dst: str) -> str:
    out = subprocess.run([sys.executable, "-m", "pgprobe.cli", "diff", src, dst, "--sql",
                          "--allow-data-loss", "--schema", "app"], capture_output=True,
                         text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    if out.returncode not in (0, 1):
        raise RuntimeError(out.stderr.strip()[-300:])
    return out.stdout


def migra_sql(migra: str, src: str, dst: str, privileges: bool) -> str:
    args = [migra, "--unsafe", "--schema", "app"] + (["--with-privileges"] if privileges else [])
    out = subprocess.run(args + [src, dst], capture_output=True, text=True)
    if out.returncode not in (0, 2, 3):  # migra: 2 = differences, 3 = unsafe
        raise RuntimeError(out.stderr.strip()[-300:])
    return out.stdout


def results_sql(results: str, src: str, dst: str) -> str:
    out = subprocess.run([results, "dbdiff", "--schema", "app", "--with-privileges", src, dst],
                         capture_output=True, text=True)
    if out.returncode not in (0, 1, 2, 3):
        raise RuntimeError(out.stderr.strip()[-300:])
    return out.stdout


def round_trip(server: Server, spec: tuple[int, int], edits: tuple[str, ...], script: str,
               target: str) -> dict[str, Any]:
    dsn = load(server, "rt_scratch", *spec, edits)
    path = Path(server.directory) / "rt_migration.sql"
    path.write_text(script)
    try:
        server.psql(dsn, file=path)
    except Exception as exc:  # the tool's SQL did not apply
        return {"ok": False, "error": str(exc)[:200]}
    remaining = diff(dsn, target, schemas=["app"])
    return {"ok": remaining.same, "remaining": len(remaining),
            "sample": [c.path for c in remaining][:3]}


def run_pairs(server: Server, tools: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, a, b, edits in PAIRS:
        src_edits, dst_edits = (edits, ()) if name.endswith("reverse") else ((), edits)
        src = load(server, "rt_src", *a, src_edits)
        dst = load(server, "rt_dst", *b, dst_edits)
        out[name] = {}
        for tool, make in tools.items():
            t0 = time.perf_counter()
            try:
                script = make(src, dst)
            except Exception as exc:
                out[name][tool] = {"ok": False, "error": str(exc)[:200]}
                continue
            took = time.perf_counter() - t0
            out[name][tool] = {**round_trip(server, a, src_edits, script, dst),
                               "seconds": round(took, 2)}
    return out


def big_pair(server: Server, n: int, tools: dict[str, Any], repeat: int) -> dict[str, Any]:
    src = load(server, "big_src", n, 7)
    dst = server.create_database("big_dst", template="big_src", replace=True)
    for e in EDITS:
        server.psql(dst, command=e)
    times: dict[str, list[float]] = {t: [] for t in tools}
    for _ in range(repeat):
        for tool, make in tools.items():
            t0 = time.perf_counter()
            make(src, dst)
            times[tool].append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    prove = subprocess.run([sys.executable, "-m", "pgprobe.cli", "diff", src, dst, "--sql",
                            "--prove", "--allow-data-loss", "--schema", "app", "--rows", "0"],
                           capture_output=True, text=True,
                           env={**os.environ, "PYTHONPATH": str(REPO)})
    prove_s = time.perf_counter() - t0
    med = {t: round(statistics.median(v), 2) for t, v in times.items()}
    ratios = {f"{t}/pgprobe": round(med[t] / med["pgprobe"], 2) for t in med if t != "pgprobe"}
    return {"tables": n, "median_seconds": med, "ratios": ratios,
            "prove_seconds": round(prove_s, 1),
            "proven": "proven: source + migration == target" in prove.stdout}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--migra", default=shutil.which("migra"))
    p.add_argument("--results", default=shutil.which("results"))
    p.add_argument("--big", type=int, default=2000)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--skip-big", action="store_true")
    args = p.parse_args()
    tools: dict[str, Any] = {"pgprobe": pgprobe_sql}
    missing = []
    if args.migra:
        tools["migra"] = lambda s, d: migra_sql(args.migra, s, d, False)
        tools["migra_privileges"] = lambda s, d: migra_sql(args.migra, s, d, True)
    else:
        missing.append("migra")
    if args.results:
        tools["results"] = lambda s, d: results_sql(args.results, s, d)
    else:
        missing.append("results")
    server = Server.start("embedded", tempfile.mkdtemp(prefix="pgprobe-diffsql-bench-"),
                          tcp=True)
    try:
        report: dict[str, Any] = {"missing": missing, "pairs": run_pairs(server, tools)}
        report["right"] = {t: sum(1 for r in report["pairs"].values() if r[t].get("ok"))
                           for t in tools}
        report["of"] = len(PAIRS)
        if not args.skip_big:
            timed = {k: v for k, v in tools.items() if k in ("pgprobe", "migra")}
            report["big"] = big_pair(server, args.big, timed, args.repeat)
        report["load_average"] = os.getloadavg()
        print(json.dumps(report, indent=2))
    finally:
        server.stop(remove=True)


if __name__ == "__main__":
    main()
