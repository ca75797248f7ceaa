#!/usr/bin/env python3
"""Time pgprobe's ERD on the N-table benchmark schema against eralchemy, in one run.

Usage (from the repository root):

    .venv/bin/python bench/erd_bench.py [--tables 2000] [--repeat 5]
        [--dsn DSN] [--eralchemy /tmp/erd-eralchemy-venv/bin/eralchemy]

Without ``--dsn`` it starts a throwaway embedded server in a ``mktemp -d`` directory,
loads ``../shared/bench/make_schema.py N`` with ``psql -v ON_ERROR_STOP=1`` and stops
the server at the end.  eralchemy (the peer) lives in its own venv:

    python3 -m venv /tmp/erd-eralchemy-venv
    /tmp/erd-eralchemy-venv/bin/pip install eralchemy psycopg2-binary graphviz

Measured (median wall seconds of ``--repeat`` runs):

- ``focus_cold``: ``erd(snap, focus=T, depth=2)`` + SVG, relationship index built from scratch
- ``focus_warm``: the same with the snapshot's index already built (a notebook's 2nd diagram)
- ``focus_dot_only``: of that, Graphviz ``dot`` rendering the SVG
- ``whole_schema``: ``erd(snap)`` of all N tables (degrades: keeps the most connected
  ``max_nodes``, columns collapsed) + SVG
- ``eralchemy_focus``: ``eralchemy -i URL -s app --include-tables <the same tables> -o x.svg``
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
import tempfile
import time
import warnings
from pathlib import Path
from urllib.parse import parse_qs, urlparse

ROOT = Path(__file__).resolve().parent.parent
SHARED = next((p for p in (ROOT.parent / "shared", Path("/work/shared")) if p.exists()), None)


def median_time(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def load_schema(server, tables: int) -> str:
    dsn = server.create_database(f"erd_bench_{tables}", replace=True)
    sql = subprocess.run(
        [sys.executable, str(SHARED / "bench" / "make_schema.py"), str(tables)],
        check=True, capture_output=True, text=True,
    ).stdout
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as fh:
        fh.write(sql)
    try:
        subprocess.run(
            [str(Path(server.bindir) / "psql"), "-q", "-v", "ON_ERROR_STOP=1", dsn, "-f", fh.name],
            check=True, capture_output=True, text=True,
        )
    finally:
        os.unlink(fh.name)
    return dsn


def sqlalchemy_url(dsn: str) -> str:
    """The same database as a psycopg2 SQLAlchemy URL (socket dir kept as ``host=``)."""
    u = urlparse(dsn)
    q = parse_qs(u.query)
    host = q.get("host", [""])[0]
    port = q.get("port", [str(u.port or 5432)])[0]
    user = u.username or "postgres"
    db = u.path.lstrip("/")
    if host.startswith("/"):
        return f"postgresql+psycopg2://{user}@/{db}?host={host}&port={port}"
    return f"postgresql+psycopg2://{user}@{u.hostname}:{port}/{db}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tables", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--peer-repeat", type=int, default=3)
    ap.add_argument("--dsn")
    ap.add_argument("--focus", default="app.t01000")
    ap.add_argument("--eralchemy", default="/tmp/erd-eralchemy-venv/bin/eralchemy")
    args = ap.parse_args()

    sys.path.insert(0, str(ROOT))
    from pgprobe.catalog import snapshot
    from pgprobe.graph import Links, erd
    from pgprobe.graph import _erd as erd_mod

    server = None
    try:
        dsn = args.dsn
        if dsn is None:
            from pgprobe.embedded import Server

            server = Server.start("embedded", tempfile.mkdtemp(prefix="erd-bench-"))
            t0 = time.perf_counter()
            dsn = load_schema(server, args.tables)
            print(f"loaded {args.tables} tables in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        t0 = time.perf_counter()
        snap = snapshot(dsn)
        snap_s = time.perf_counter() - t0
        out: dict[str, object] = {
            "tables": args.tables, "relations": len(snap.relations),
            "foreign_keys": sum(len(r.foreign_keys) for r in snap.relations),
            "server": snap.server_version, "snapshot_s": round(snap_s, 3),
        }
        exposed = ("app",)

        def links_cold():
            return Links.from_snapshot(snap, exposed)

        out["links_build_s"], _ = median_time(links_cold, args.repeat)

        def focus_cold():
            erd_mod._LINKS_CACHE.clear()
            g = erd(snap, focus=args.focus, depth=2, exposed_schemas=exposed)
            return g, g.pipe(format="svg")

        def focus_warm():
            g = erd(snap, focus=args.focus, depth=2, exposed_schemas=exposed)
            return g, g.pipe(format="svg")

        out["focus_cold_s"], (graph, svg) = median_time(focus_cold, args.repeat)  # type: ignore[misc]
        out["focus_warm_s"], _ = median_time(focus_warm, args.repeat)
        out["focus_dot_only_s"], _ = median_time(lambda: graph.pipe(format="svg"), args.repeat)
        out["focus_relations"] = len(graph.relations)
        out["focus_svg_bytes"] = len(svg)

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")

            def whole():
                g = erd(snap, exposed_schemas=exposed)
                return g, g.pipe(format="svg")

            out["whole_schema_s"], (whole_graph, _) = median_time(whole, max(1, args.repeat // 2))  # type: ignore[misc]
        out["whole_schema_notes"] = whole_graph.notes
        out["pgprobe_peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)

        if Path(args.eralchemy).exists():
            tables = [n.split(".", 1)[1] for n in graph.relations]
            target = Path(tempfile.mkdtemp(prefix="erd-eral-")) / "focus.svg"
            cmd = [args.eralchemy, "-i", sqlalchemy_url(dsn), "-s", "app", "-o", str(target),
                   "--include-tables", *tables]

            def peer():
                subprocess.run(cmd, check=True, capture_output=True, timeout=600)

            out["eralchemy_focus_s"], _ = median_time(peer, args.peer_repeat)
            out["eralchemy_peak_rss_mb"] = round(
                resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)
            out["eralchemy_tables"] = len(tables)
            out["ratio_eralchemy_over_pgprobe_cold"] = round(
                out["eralchemy_focus_s"] / out["focus_cold_s"], 1)  # type: ignore[operator]
            shutil.rmtree(target.parent, ignore_errors=True)
        else:
            out["eralchemy_focus_s"] = None
        for k, v in list(out.items()):
            if isinstance(v, float):
                out[k] = round(v, 3)
        print(json.dumps(out, indent=2))
    finally:
        if server is not None:
            server.stop(remove=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
