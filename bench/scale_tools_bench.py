"""Scale, the tools: typegen of every tenant, lint and rehearsal of a 20,000-table folder.

    .venv/bin/python bench/scale_tools_bench.py [--tenants 200] [--tables 100] [--repeat 3]
        [--only typegen,lint,rehearse] [--flavor embedded|system]
        [--squawk /tmp/squawk-venv/bin/squawk] [--workdir /tmp/pgprobe-scale-tools]

Issue 16's tool targets on ``bench/scale_bench.py``'s schema-per-tenant workload (the same
``make_schema.py TABLES`` rewritten per tenant, the database cached in
``$PGPROBE_HOME/bench-scale-embedded``):

* ``typegen``: ``pgprobe types gen`` for ``public`` and every tenant schema, against
  postgres-meta 0.99.0 run as ``../shared/bench`` runs it (its server.js with
  ``PG_META_GENERATE_TYPES*``; its connection and query timeouts, 15 s and 55 s by default,
  raised to 600 s because its queries queue longer than 15 s at this size), alternating, each
  a fresh process; the outputs are compared byte for byte.
* ``lint``: the same schema as a migrations folder, one file per tenant
  (``<version>_tenant_NNN.sql``, after ``<version>_shared.sql``), ``pgprobe lint DIR --format
  json`` against ``squawk --reporter json`` on the same files, alternating, fresh processes.
* ``rehearse``: ``pgprobe.migrations.rehearse`` of that folder on a fresh throwaway server,
  with a progress callback counting the files it reports.

Prints one JSON document with medians, runs, ratios and the load average before and after.
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

from _common import ROOT, shared_dir
from scale_bench import load, tenant_sql

from pgprobe.embedded import Server, default_home

ORGANIZATIONS = ("create table public.organizations (id bigint primary key, name text);\n"
                 "alter table public.organizations enable row level security;\n")


def pgprobe_command() -> list[str]:
    """The ``pgprobe`` console script of this interpreter's environment (as users run it)."""
    script = Path(sys.executable).parent / "pgprobe"
    return [str(script)] if script.exists() else [sys.executable, "-m", "pgprobe.cli"]


def timed(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """(wall seconds, peak RSS MB, stdout) of one fresh process, via /usr/bin/time."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        proc = subprocess.run(["/usr/bin/time", "-f", "%e %M", "-o", tf.name, *cmd], env=env,
                              capture_output=True, text=True, check=False)
        wall, rss = Path(tf.name).read_text().split()[-2:]
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{cmd[0]} failed ({proc.returncode}): {proc.stderr.strip()[-500:]}")
    return float(wall), int(rss) / 1024, proc.stdout


def timed_cpu(cmd: list[str]) -> tuple[float, float, float]:
    """(wall seconds, peak RSS MB, CPU seconds: user + system, of the process and the
    children it waited for) of one fresh process, via /usr/bin/time."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        proc = subprocess.run(["/usr/bin/time", "-f", "%e %M %U %S", "-o", tf.name, *cmd],
                              capture_output=True, text=True, check=False)
        wall, rss, user, system = Path(tf.name).read_text().split()[-4:]
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{cmd[0]} failed ({proc.returncode}): {proc.stderr.strip()[-500:]}")
    return float(wall), int(rss) / 1024, float(user) + float(system)


def summary(runs: list[tuple[float, float]]) -> dict[str, object]:
    return {"median_s": round(statistics.median(w for w, _ in runs), 2),
            "runs_s": [round(w, 2) for w, _ in runs],
            "peak_rss_mb": round(max(r for _, r in runs))}


def bench_typegen(dsn: str, tenants: int, repeat: int, workdir: Path) -> dict[str, object]:
    from pgprobe.types._oracle import (
        POSTGRES_META_VERSION,
        install_npm_package,
        postgres_meta_command,
        postgres_meta_env,
    )

    schemas = ["public"] + [f"tenant_{t:03d}" for t in range(tenants)]
    package = install_npm_package(f"@supabase/postgres-meta@{POSTGRES_META_VERSION}",
                                  f"postgres-meta-{POSTGRES_META_VERSION}")
    meta_env = {**postgres_meta_env(dsn, schemas),
                "PG_CONN_TIMEOUT_SECS": "600", "PG_QUERY_TIMEOUT_SECS": "600"}
    ours_file = workdir / "pgprobe.ts"
    ours_cmd = [*pgprobe_command(), "types", "gen", "--dsn", dsn, "-o", str(ours_file)]
    for schema in schemas:
        ours_cmd += ["--schema", schema]
    runs: dict[str, list[tuple[float, float]]] = {"pgprobe": [], "postgres-meta": []}
    theirs = ""
    for _ in range(repeat):
        wall, rss, _out = timed(ours_cmd)
        runs["pgprobe"].append((wall, rss))
        wall, rss, theirs = timed(postgres_meta_command(package), env=meta_env)
        runs["postgres-meta"].append((wall, rss))
    ours = ours_file.read_text()
    result: dict[str, object] = {name: summary(r) for name, r in runs.items()}
    result["schemas"] = len(schemas)
    result["output_bytes"] = len(ours)
    result["identical_to_postgres_meta"] = ours == theirs
    result["postgres-meta / pgprobe"] = round(
        statistics.median(w for w, _ in runs["postgres-meta"])
        / statistics.median(w for w, _ in runs["pgprobe"]), 2)
    return result


def write_migrations(tenants: int, tables: int, workdir: Path) -> tuple[Path, int]:
    """The tenants' schema as a Supabase migrations folder, one file per tenant schema."""
    folder = workdir / f"migrations_{tenants}x{tables}" / "supabase" / "migrations"
    marker = folder / ".complete"
    if marker.exists():
        return folder, int(marker.read_text())
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    schema_sql = subprocess.run(
        [sys.executable, str(shared_dir() / "bench" / "make_schema.py"), str(tables)],
        check=True, capture_output=True, text=True).stdout
    (folder / "20250101000000_shared.sql").write_text(ORGANIZATIONS)
    for tenant in range(tenants):
        path = folder / f"{20250101000001 + tenant}_tenant_{tenant:03d}.sql"
        path.write_text(tenant_sql(schema_sql, tenant))
    from pgprobe.migrations import split_statements

    statements = sum(len(split_statements(p.read_text())) for p in folder.glob("*.sql"))
    marker.write_text(str(statements))
    return folder, statements


def bench_lint(folder: Path, statements: int, repeat: int, squawk: str) -> dict[str, object]:
    files = sorted(str(p) for p in folder.glob("*.sql"))
    cmds = {"pgprobe": [*pgprobe_command(), "lint", str(folder), "--format", "json"]}
    if os.path.exists(squawk):
        cmds["squawk"] = [squawk, "--reporter", "json", *files]
    subprocess.run(cmds["pgprobe"], capture_output=True, check=False)  # .pyc files written
    runs: dict[str, list[tuple[float, float]]] = {tool: [] for tool in cmds}
    cpu: dict[str, list[float]] = {tool: [] for tool in cmds}
    for _ in range(repeat):  # alternating: both see the same machine load
        for tool, cmd in cmds.items():
            wall, rss, seconds = timed_cpu(cmd)
            runs[tool].append((wall, rss))
            cpu[tool].append(seconds)
    result: dict[str, object] = {"files": len(files), "statements": statements}
    result.update({tool: {**summary(r), "cpu_median_s": round(statistics.median(cpu[tool]), 2),
                          "cpu_runs_s": [round(c, 2) for c in cpu[tool]]}
                   for tool, r in runs.items()})
    result["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    if "squawk" in runs:
        result["pgprobe / squawk"] = round(statistics.median(w for w, _ in runs["pgprobe"])
                                           / statistics.median(w for w, _ in runs["squawk"]), 2)
    return result


def bench_rehearse(folder: Path, flavor: str) -> dict[str, object]:
    from pgprobe.migrations import rehearse

    reported: list[tuple[int, int, float]] = []
    started = time.perf_counter()

    def progress(done: int, total: int, fr: object) -> None:
        reported.append((done, total, time.perf_counter() - started))

    server = Server.start(flavor)  # type: ignore[arg-type]
    try:
        started = time.perf_counter()
        r = rehearse(folder, server=server, progress=progress)
        wall = time.perf_counter() - started
    finally:
        server.stop(remove=True)
    return {
        "flavor": flavor, "files": len(r.files), "rehearse_s": round(wall, 1), "ok": r.ok,
        "applied": len(r.applied), "progress_calls": len(reported),
        "first_progress_s": round(reported[0][2], 1) if reported else None,
        "catalog_changes_recorded": sum(len(f.delta) for f in r.files),
        "problems": sum(len(f.problems) for f in r.files),
        "slowest_file_s": round(max(f.elapsed for f in r.files), 2),
        "first_file_s": round(r.files[0].elapsed, 2), "last_file_s": round(r.files[-1].elapsed, 2),
        # flat when the cost per file does not grow with what the files before it made
        "median_file_s_first_and_last_40": [
            round(statistics.median(f.elapsed for f in r.files[1:41]), 2),
            round(statistics.median(f.elapsed for f in r.files[-40:]), 2)],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenants", type=int, default=200)
    parser.add_argument("--tables", type=int, default=100, help="tables per tenant schema")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", default="typegen,lint,rehearse")
    parser.add_argument("--flavor", choices=("embedded", "system"), default="embedded",
                        help="server for the rehearsal")
    parser.add_argument("--squawk", default=shutil.which("squawk") or "/tmp/squawk-venv/bin/squawk")
    parser.add_argument("--workdir", type=Path,
                        default=Path(tempfile.gettempdir()) / "pgprobe-scale-tools")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    parts = args.only.split(",")
    out: dict[str, object] = {"tenants": args.tenants, "tables_per_tenant": args.tables,
                              "load_average_before": [round(x, 2) for x in os.getloadavg()]}
    if "typegen" in parts:
        server = Server.start("embedded", default_home() / "bench-scale-embedded")
        dsn = load(server, args.tenants, args.tables)
        out["typegen"] = bench_typegen(dsn, args.tenants, args.repeat, args.workdir)
        print(json.dumps(out["typegen"]), file=sys.stderr, flush=True)
    if "lint" in parts or "rehearse" in parts:
        folder, statements = write_migrations(args.tenants, args.tables, args.workdir)
        if "lint" in parts:
            out["lint"] = bench_lint(folder, statements, args.repeat, args.squawk)
            print(json.dumps(out["lint"]), file=sys.stderr, flush=True)
        if "rehearse" in parts:
            out["rehearse"] = bench_rehearse(folder, args.flavor)
    out["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    out["root"] = str(ROOT)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
