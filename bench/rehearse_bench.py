#!/usr/bin/env python3
"""Rehearsal speed: ``pgprobe.migrations.rehearse`` on the 2,000-table benchmark schema.

Usage::

    .venv/bin/python bench/rehearse_bench.py [--tables 2000] [--per-file 17]
        [--flavor embedded|system] [--workdir /tmp/pgprobe-rehearse-bench] [--skip-psql]

The workload is ``../shared/bench/make_schema.py N`` split into Supabase-named files of
about 17 statements each (N=2000 gives ~1,038 files, 17,634 statements).  Each run gets a
fresh throwaway server.  Two timings, same server flavor, one after the other:

* ``psql``: the floor: ``psql -v ON_ERROR_STOP=1 -f`` of every file in order, one statement
  at a time, no checks (what a plain "apply the files" costs);
* ``rehearse``: pgprobe's rehearsal (Supabase stand-in, one transaction per file, event
  triggers recording every catalog change, declared-vs-real checks after every file,
  history rows).

Prints JSON with both wall times, the ratio, and the rehearsal's own counts.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
MAKE_SCHEMA = HERE.parent.parent / "shared" / "bench" / "make_schema.py"
if not MAKE_SCHEMA.exists():
    MAKE_SCHEMA = Path("/work/shared/bench/make_schema.py")

from pgprobe.embedded import Server  # noqa: E402
from pgprobe.migrations import rehearse, split_statements  # noqa: E402


def write_files(tables: int, per_file: int, workdir: Path) -> tuple[Path, int, int]:
    """The schema split into ``<14-digit version>_bench_<n>.sql`` files of ~per_file statements."""
    out = workdir / f"migrations_{tables}_{per_file}"
    marker = out / ".complete"
    if marker.exists():
        return out, len(list(out.glob("*.sql"))), int(marker.read_text())
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    sql = subprocess.run([sys.executable, str(MAKE_SCHEMA), str(tables)], check=True,
                         capture_output=True, text=True).stdout
    stmts = [s.text for s in split_statements(sql)]
    n = 0
    for i in range(0, len(stmts), per_file):
        version = 20240101000000 + n
        body = ";\n".join(stmts[i:i + per_file]) + ";\n"
        (out / f"{version}_bench_{n:04d}.sql").write_text(body)
        n += 1
    marker.write_text(str(len(stmts)))
    return out, n, len(stmts)


def time_psql(server: Server, folder: Path) -> float:
    dsn = server.create_database("psql_floor", replace=True)
    files = sorted(folder.glob("*.sql"))
    args = [str(server.bindir / "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", dsn]
    for f in files:
        args += ["-f", str(f)]
    started = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    server.drop_database("psql_floor")
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tables", type=int, default=2000)
    ap.add_argument("--per-file", type=int, default=17)
    ap.add_argument("--flavor", choices=("embedded", "system"), default="embedded")
    ap.add_argument("--workdir", default=str(Path(tempfile.gettempdir()) / "pgprobe-rehearse-bench"))
    ap.add_argument("--skip-psql", action="store_true")
    args = ap.parse_args()
    folder, n_files, n_stmts = write_files(args.tables, args.per_file, Path(args.workdir))
    server = Server.start(args.flavor)  # type: ignore[arg-type]
    try:
        floor = None if args.skip_psql else time_psql(server, folder)
        started = time.perf_counter()
        r = rehearse(folder, server=server)
        wall = time.perf_counter() - started
    finally:
        server.stop(remove=True)
    result = {
        "tables": args.tables, "files": n_files, "statements": n_stmts,
        "flavor": args.flavor,
        "psql_seconds": round(floor, 2) if floor is not None else None,
        "rehearse_seconds": round(wall, 2),
        "ratio_vs_psql": round(wall / floor, 2) if floor else None,
        "applied": len(r.applied), "ok": r.ok,
        "catalog_changes_recorded": sum(len(f.delta) for f in r.files),
        "declared_objects_checked": sum(len(f.checks) for f in r.files),
        "problems": sum(len(f.problems) for f in r.files),
        "slowest_file_seconds": round(max(f.elapsed for f in r.files), 3),
    }
    print(json.dumps(result, indent=2))
    if not r.ok:
        print(r.summary()[:2000], file=sys.stderr)


if __name__ == "__main__":
    main()
