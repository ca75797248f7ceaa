"""Shared benchmark plumbing: the benchmark database (loaded once, reused) and the peers.

The benchmark schema is ``../shared/bench/make_schema.py N``; it is loaded into an embedded
server kept under ``$PGPROBE_HOME/bench-<flavor>`` so every benchmark reuses it.

    from _common import bench_dsn, peers, median_times
    dsn = bench_dsn(2000)
"""

from __future__ import annotations

import importlib.util
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pgprobe.embedded import Server, default_home  # noqa: E402


def shared_dir() -> Path:
    for cand in (ROOT.parent / "shared", Path("/work/shared")):
        if cand.exists():
            return cand
    raise SystemExit("../shared is missing: the benchmark schema generator lives there")


def bench_server(flavor: str = "embedded") -> Server:
    return Server.start(flavor, default_home() / f"bench-{flavor}")  # type: ignore[arg-type]


def bench_dsn(n: int = 2000, *, copy: str | None = None, flavor: str = "embedded") -> str:
    """DSN of a database holding the N-table benchmark schema (loaded on first use).

    ``copy="b"`` gives a second, identical database (for diff benchmarks)."""
    server = bench_server(flavor)
    name = f"bench{n}"
    if not server.database_exists(name):
        script = subprocess.run([sys.executable, str(shared_dir() / "bench" / "make_schema.py"),
                                 str(n)], check=True, capture_output=True, text=True).stdout
        path = server.directory / f"schema{n}.sql"
        path.write_text(script)
        tmp = f"{name}_loading"
        dsn = server.create_database(tmp, replace=True)
        started = time.perf_counter()
        server.psql(dsn, file=path)
        server.admin_execute(f'alter database "{tmp}" rename to "{name}"')
        print(f"loaded make_schema.py {n} in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    if copy:
        copy_name = f"{name}_{copy}"
        if not server.database_exists(copy_name):
            server.create_database(copy_name, template=name)
        return server.dsn(copy_name)
    return server.dsn(name)


def peers() -> ModuleType:
    """``../shared/bench/peers.py`` imported as a module (raw_catalog, sqlalchemy, pg_dump)."""
    path = shared_dir() / "bench" / "peers.py"
    spec = importlib.util.spec_from_file_location("peers", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def with_pg_bin_on_path(server: Server) -> None:
    """Make the server's own pg_dump the one peers.py finds (versions must match)."""
    os.environ["PATH"] = f"{server.bindir}{os.pathsep}{os.environ['PATH']}"


def median_times(candidates: dict[str, Callable[[], Any]], repeat: int = 5
                 ) -> dict[str, dict[str, Any]]:
    """Run the candidates alternately ``repeat`` times; median and runs in seconds."""
    runs: dict[str, list[float]] = {name: [] for name in candidates}
    for _ in range(repeat):
        for name, fn in candidates.items():
            started = time.perf_counter()
            fn()
            runs[name].append(time.perf_counter() - started)
    return {name: {"median_s": round(statistics.median(ts), 4), "runs_s": [round(t, 4) for t in ts]}
            for name, ts in runs.items()}


def peak_rss_mb(code: str) -> float:
    """Peak resident memory (MB) of a fresh Python process running ``code``."""
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent across fork+exec.
    probe = (code + "\nimport sys\n"
             "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0]\n"
             "print(int(hwm.split()[1]) / 1024, file=sys.stderr)")
    out = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True,
                         text=True, cwd=str(ROOT))
    return float(out.stderr.strip().splitlines()[-1])
