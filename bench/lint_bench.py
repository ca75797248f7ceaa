#!/usr/bin/env python3
"""Lint speed: pgprobe's linter next to squawk on the same migration files.

Usage::

    .venv/bin/python bench/lint_bench.py [--tables 2000] [--per-file 17] [--repeat 3]
        [--squawk /tmp/squawk-venv/bin/squawk] [--workdir /tmp/pgprobe-lint-bench]

The workload is ``../shared/bench/make_schema.py N`` split into Supabase-named files of
about 17 statements each (N=2000 gives ~1,038 files).  Each tool runs in a fresh process
(cold start included, as a CI job would), alternating, ``--repeat`` times; the median wall
time of each is printed as JSON with the ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
MAKE_SCHEMA = HERE.parent.parent / "shared" / "bench" / "make_schema.py"


def split_statements(sql: str) -> list[str]:
    """Statements of ``sql`` (dollar quotes respected), via pglast's scanner."""
    from pglast.parser import split

    return list(split(sql, with_parser=False))


def write_files(tables: int, per_file: int, workdir: Path) -> tuple[Path, int, int]:
    """Generate the schema and split it into ``<timestamp>_bench_<n>.sql`` files."""
    out = workdir / f"migrations_{tables}_{per_file}"
    marker = out / ".complete"
    if marker.exists():
        files = sorted(out.glob("*.sql"))
        return out, len(files), int(marker.read_text())
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    sql = subprocess.run(
        [sys.executable, str(MAKE_SCHEMA), str(tables)], check=True, capture_output=True, text=True
    ).stdout
    stmts = split_statements(sql)
    n = 0
    for i in range(0, len(stmts), per_file):
        chunk = stmts[i : i + per_file]
        version = 20240101000000 + i // per_file
        (out / f"{version}_bench_{i // per_file:05d}.sql").write_text(
            ";\n\n".join(chunk) + ";\n"
        )
        n += 1
    marker.write_text(str(len(stmts)))
    return out, n, len(stmts)


def time_cmd(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system, all threads) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def time_in_process(folder: Path, repeat: int) -> float:
    """Median seconds of ``pgprobe.lint.lint(folder)`` alone (no interpreter start, no
    imports): the engine's own cost."""
    from pgprobe.lint import lint

    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        lint(folder)
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tables", type=int, default=2000)
    ap.add_argument("--per-file", type=int, default=17)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--squawk", default=shutil.which("squawk") or "/tmp/squawk-venv/bin/squawk")
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/pgprobe-lint-bench"))
    args = ap.parse_args(argv)

    folder, n_files, n_stmts = write_files(args.tables, args.per_file, args.workdir)
    files = sorted(str(p) for p in folder.glob("*.sql"))
    pgprobe_cmd = [sys.executable, "-m", "pgprobe.lint", str(folder), "--format", "json"]
    # squawk takes files (it does not walk directories); its default rules, JSON reporter.
    squawk_cmd = [args.squawk, "--reporter", "json", *files]
    runs: dict[str, list[tuple[float, float]]] = {"pgprobe": [], "squawk": []}
    have_squawk = os.path.exists(args.squawk)
    for _ in range(args.repeat):  # alternate, so both see the same machine load
        runs["pgprobe"].append(time_cmd(pgprobe_cmd))
        if have_squawk:
            runs["squawk"].append(time_cmd(squawk_cmd))
    result: dict[str, object] = {
        "tables": args.tables,
        "files": n_files,
        "statements": n_stmts,
        "load_average": os.getloadavg()[0],
    }
    for tool, rs in runs.items():
        if not rs:
            continue
        result[f"{tool}_wall_s"] = round(statistics.median(w for w, _ in rs), 3)
        result[f"{tool}_cpu_s"] = round(statistics.median(c for _, c in rs), 3)
        result[f"{tool}_wall_runs"] = [round(w, 3) for w, _ in rs]
    if have_squawk:
        for k in ("wall", "cpu"):
            result[f"pgprobe_vs_squawk_{k}"] = round(
                float(result[f"pgprobe_{k}_s"]) / float(result[f"squawk_{k}_s"]), 2)  # type: ignore[arg-type]
    result["pgprobe_in_process_s"] = round(time_in_process(folder, args.repeat), 3)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
