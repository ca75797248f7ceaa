"""Plain view definitions written by pgprobe vs. ``pg_get_viewdef`` on the server (issue 16).

One catalog read of the given database (every non-system schema, as a snapshot reads it),
then, in the same run:

- pgprobe: the Python CPU time to write every plain view's definition from the read results
  (``catalog/_viewdef.py``; median of 5), and how many views went to the server instead;
- peer: ``pg_get_viewdef(oid, true)`` for the same views on a fresh connection (what
  relations.sql used to call per view), wall time;
- proof: every definition in the read equals the server's text (search_path '').

    python bench/viewdef_bench.py "postgresql://postgres@/db?host=/sock&port=5432"
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from operator import attrgetter
from typing import Any

import _common  # noqa: F401  (puts the repository on sys.path)
import psycopg

from pgprobe._gc import paused_collector
from pgprobe.catalog import _reader
from pgprobe.catalog._viewdef import BaseRelation, ViewWriter
from pgprobe.connect import connect


def _write_all(results: dict[str, Any]) -> int:
    """The Python part of _set_view_definitions, without the server fallback."""
    queries = results["view_queries"]
    writer = ViewWriter({row[0]: BaseRelation(row[1], row[2], row[4])
                         for row in results["view_relations"]}, results["deparse_facts"])
    columns = results["columns"]
    written = 0
    for row in results["relations"]:
        if row["kind"] in ("v", "m"):
            listed = columns.get(row["oid"], [])
            if listed and listed[-1].position != len(listed):
                listed = sorted(listed, key=attrgetter("position"))
            if writer.definition(row["oid"], queries.get(row["oid"]),
                                 tuple([c.name for c in listed])) is not None:
                written += 1
    return written


def main(dsn: str) -> None:
    with psycopg.connect(dsn) as conn:
        schemas = [r[0] for r in conn.execute(
            "select nspname from pg_namespace where nspname not in "
            "('pg_catalog', 'information_schema', 'pg_toast') and nspname !~ '^pg_(toast_)?temp_'"
            " order by 1")]
    params = {"schemas": schemas, "relations": None, "skip": (), "relation_oids": None}
    with connect(dsn) as probe:
        start = time.perf_counter()
        results = _reader._run_all(probe.conn, params, None, dsn)
        read = time.perf_counter() - start
    views = {row["oid"]: row for row in results["relations"] if row["kind"] in ("v", "m")}
    times = []
    with paused_collector():  # as snapshot() runs it
        for _ in range(5):
            start = time.process_time()  # CPU time: the machine is shared
            written = _write_all(results)
            times.append(time.process_time() - start)
    python = statistics.median(times)
    with psycopg.connect(dsn) as conn:
        conn.execute("set search_path = ''")
        start = time.perf_counter()
        truth = dict(conn.execute("select oid, pg_get_viewdef(oid, true) from unnest(%s::oid[]) oid",
                                  [list(views)]).fetchall())
        peer = time.perf_counter() - start
    differ = [oid for oid, row in views.items() if row["view_definition"] != truth.get(oid)]
    print(f"views and materialized views: {len(views)}; written by pgprobe: {written}; "
          f"deparsed by the server: {len(views) - written}")
    print(f"catalog read (whole snapshot's queries): {read:.2f} s")
    print(f"pgprobe writing {written} definitions (Python CPU, median of 5): {python * 1000:.0f} ms")
    print(f"peer pg_get_viewdef for all {len(views)} (fresh connection): {peer:.2f} s; "
          f"ratio {peer / python:.0f}x")
    print(f"definitions identical to the server's: {len(views) - len(differ)} of {len(views)}"
          + (f"; differ: {sorted(differ)[:10]}" if differ else ""))
    print(f"load average: {os.getloadavg()[0]:.2f}")
    if differ:
        raise SystemExit(1)


if __name__ == "__main__":
    main(sys.argv[1])
