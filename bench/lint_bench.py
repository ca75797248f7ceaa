#!/usr/bin/env python3
"""Lint speed: pgprobe's linter next to squawk on the same migration files.

Usage::

    .venv/bin/python bench/lint_bench.py [--tables 2000] [--per-file 17] [--repeat 3]
        [--squawk /tmp/squawk-venv/bin/squawk] [--workdir /tmp/pgprobe-lint-bench]
        [--modes]

The workload is ``../shared/bench/make_schema.py N`` split into Supabase-named files of
about 17 statements each (N=2000 gives ~1,038 files).  Each tool runs in a fresh process
(cold start included, as a CI job would), alternating, ``--repeat`` times: ``pgprobe lint
DIR --format json`` (the console script: two processes when a second CPU is idle, else
one), optionally the same with ``--parallel`` and ``--no-parallel``, and ``squawk
--reporter json DIR/*.sql``; the median wall and CPU time of each is printed as
JSON with the ratios, and whether the split run printed exactly what the one-process walk
prints.
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
    """Wall seconds and CPU seconds (user + system, all threads and child processes) of
    one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def time_in_process(folder: Path, repeat: int) -> float:
    """Median seconds of ``pgprobe.lint.lint(folder, parallel=False)`` alone (no
    interpreter start, no imports, one process): the engine's own cost."""
    from pgprobe.lint import lint

    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        lint(folder, parallel=False)
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs)


def compile_bytecode() -> None:
    """Write the ``.pyc`` files ``pgprobe lint`` loads, as a first run normally does (with
    ``PYTHONDONTWRITEBYTECODE=1``, as on the team machine, every run would compile the
    modules changed since the last ``.pyc`` again: ~15 ms that no user pays)."""
    import compileall

    import pgprobe

    root = Path(pgprobe.__file__).parent
    compileall.compile_dir(str(root / "lint"), quiet=1)
    for name in ("__init__.py", "cli.py", "_errors.py"):
        compileall.compile_file(str(root / name), quiet=1)


def pgprobe_command() -> list[str]:
    """The ``pgprobe`` console script of this interpreter's environment (as users run it)."""
    script = Path(sys.executable).parent / "pgprobe"
    return [str(script)] if script.exists() else [sys.executable, "-m", "pgprobe.cli"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tables", type=int, default=2000)
    ap.add_argument("--per-file", type=int, default=17)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--squawk", default=shutil.which("squawk") or "/tmp/squawk-venv/bin/squawk")
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/pgprobe-lint-bench"))
    ap.add_argument("--modes", action="store_true",
                    help="also time `pgprobe lint --parallel` (always split) and "
                         "`--no-parallel` (the one-process walk)")
    args = ap.parse_args(argv)

    folder, n_files, n_stmts = write_files(args.tables, args.per_file, args.workdir)
    compile_bytecode()
    files = sorted(str(p) for p in folder.glob("*.sql"))
    lint_cmd = [*pgprobe_command(), "lint", str(folder), "--format", "json"]
    cmds = {"pgprobe": lint_cmd}
    if args.modes:
        cmds["pgprobe_split"] = [*lint_cmd, "--parallel"]
        cmds["pgprobe_1proc"] = [*lint_cmd, "--no-parallel"]
    # squawk takes files (it does not walk directories); its default rules, JSON reporter.
    if os.path.exists(args.squawk):
        cmds["squawk"] = [args.squawk, "--reporter", "json", *files]
    split = subprocess.run([*lint_cmd, "--parallel"], capture_output=True, check=False).stdout
    one = subprocess.run([*lint_cmd, "--no-parallel"], capture_output=True, check=False).stdout
    runs: dict[str, list[tuple[float, float]]] = {tool: [] for tool in cmds}
    load_before = os.getloadavg()[0]
    for _ in range(args.repeat):  # alternate, so all see the same machine load
        for tool, cmd in cmds.items():
            runs[tool].append(time_cmd(cmd))
    result: dict[str, object] = {
        "tables": args.tables,
        "files": n_files,
        "statements": n_stmts,
        "command": " ".join(lint_cmd),
        "identical_findings_split_vs_one_process": split == one and len(split) > 2,
        "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }
    for tool, rs in runs.items():
        result[f"{tool}_wall_s"] = round(statistics.median(w for w, _ in rs), 3)
        result[f"{tool}_cpu_s"] = round(statistics.median(c for _, c in rs), 3)
        result[f"{tool}_wall_runs"] = [round(w, 3) for w, _ in rs]
    if "squawk" in cmds:
        for k in ("wall", "cpu"):
            result[f"pgprobe_vs_squawk_{k}"] = round(
                float(result[f"pgprobe_{k}_s"]) / float(result[f"squawk_{k}_s"]), 2)  # type: ignore[arg-type]
    result["pgprobe_in_process_s"] = round(time_in_process(folder, args.repeat), 3)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
