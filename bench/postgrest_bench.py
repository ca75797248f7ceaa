#!/usr/bin/env python3
"""Benchmark: translating a PostgREST request with three nested embeds on a 2,000-table schema.

Usage (from the repository root)::

    .venv/bin/python bench/postgrest_bench.py [--tables 2000] [--runs 300]

Starts a throwaway system PostgreSQL 15 (as user ``postgres``), loads
``/work/shared/bench/make_schema.py TABLES``, takes one snapshot, then times
``pgprobe.postgrest.explain`` (parse, relationship lookup, plan, SQL build; no database)
for a request whose select embeds three levels of many-to-one relationships. Prints the
median and p95 in milliseconds. Target: median < 2 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.postgrest._fixturedb import _as_postgres, _bindir  # noqa: E402


def start_server() -> tuple[Path, str, Path]:
    import pwd

    root = Path(tempfile.mkdtemp(prefix="pgrst-bench-"))
    (root / "sock").mkdir()
    if os.geteuid() == 0:
        pw = pwd.getpwnam("postgres")
        os.chown(root, pw.pw_uid, pw.pw_gid)
        os.chown(root / "sock", pw.pw_uid, pw.pw_gid)
    bindir = _bindir()
    _as_postgres([str(bindir / "initdb"), "-D", str(root / "data"), "--no-locale", "-E", "UTF8",
                  "-U", "postgres", "-A", "trust"])
    port = 30000 + os.getpid() % 20000
    _as_postgres([str(bindir / "pg_ctl"), "-D", str(root / "data"), "-o",
                  f"-k {root / 'sock'} -p {port} -c listen_addresses='' -c fsync=off",
                  "-l", str(root / "log"), "-w", "start"])
    return root, f"host={root / 'sock'} port={port} user=postgres dbname=postgres", bindir


def three_level_path(snap) -> str:  # type: ignore[no-untyped-def]
    """A request embedding parent -> grandparent -> great-grandparent through FKs."""
    fks = {}
    for r in snap.relations:
        if r.schema == "app" and r.kind == "table":
            fks[r.name] = [c for c in r.constraints if c.kind == "foreign"]
    for name, cons in sorted(fks.items(), reverse=True):
        for c1 in cons:
            for c2 in fks.get(c1.ref_table, []):
                for c3 in fks.get(c2.ref_table, []):
                    return (f"/{name}?select=id,c00,p:{c1.ref_table}!{c1.name}(id,c00,"
                            f"g:{c2.ref_table}!{c2.name}(id,c01,gg:{c3.ref_table}!{c3.name}(*)))"
                            f"&id=gt.10&order=id.desc&limit=20&p.c00=not.is.null")
    raise SystemExit("no three-level FK chain in the schema")


SQL_REQUEST = ("/ticket_activities?select=id,activity_type,created_at,"
               "ticket:tickets!ticket_activities_ticket_id_fkey(title,status)")
HAND_JSON = """
select coalesce(json_agg(t), '[]') from (
  select a.id, a.activity_type, a.created_at,
         json_build_object('title', tk.title, 'status', tk.status) as ticket
  from public.ticket_activities a left join public.tickets tk on tk.id = a.ticket_id) t
"""
HAND_ROWS = """
select a.id, a.activity_type, a.created_at, tk.title, tk.status
from public.ticket_activities a left join public.tickets tk on tk.id = a.ticket_id
"""


def sql_speed(dsn: str, activities: int, runs: int) -> None:
    """The generated statement vs the hand-written LEFT JOIN on the demo scaled up."""
    import psycopg

    from pgprobe import demo
    from pgprobe.postgrest import explain
    from pgprobe.postgrest._sql import to_composed

    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("create database demo_bench")
    ddsn = dsn.replace("dbname=postgres", "dbname=demo_bench")
    demo.load(ddsn)
    with psycopg.connect(ddsn, autocommit=True) as conn:
        conn.execute(
            "insert into public.ticket_activities (ticket_id, user_id, activity_type, content) "
            "select t.id, t.created_by, 'comment', 'generated ' || g "
            "from generate_series(1, %s) g "
            "join lateral (select id, created_by from public.tickets "
            "order by id offset (g %% (select count(*) from public.tickets)) limit 1) t on true",
            [activities])
        conn.execute("vacuum analyze")
        n = conn.execute("select count(*) from public.ticket_activities").fetchone()[0]
        r = explain(ddsn, "GET", SQL_REQUEST, config={"db-schemas": "public"})
        assert r.sql is not None and r.error is None, r.error
        q, params = to_composed(r.sql.parts)

        def timed(run: object) -> float:
            ts = []
            for _ in range(runs):
                t = time.perf_counter()
                run()  # type: ignore[operator]
                ts.append((time.perf_counter() - t) * 1000)
            return statistics.median(ts)

        cur = psycopg.RawCursor(conn)
        gen = timed(lambda: cur.execute(q, params).fetchall())
        hand = timed(lambda: conn.execute(HAND_JSON).fetchall())
        rows = timed(lambda: conn.execute(HAND_ROWS).fetchall())
    print(f"demo scaled to {n} activities, GET {SQL_REQUEST}")
    print(f"generated statement: median {gen:.1f} ms; hand-written LEFT JOIN with the same "
          f"JSON: {hand:.1f} ms (ratio {gen / hand:.2f}); plain LEFT JOIN rows: {rows:.1f} ms")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tables", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=300)
    ap.add_argument("--activities", type=int, default=100_000)
    args = ap.parse_args()

    from pgprobe.catalog import snapshot
    from pgprobe.postgrest import explain
    from pgprobe.postgrest._schema import schema_cache

    root, dsn, bindir = start_server()
    try:
        schema_sql = subprocess.run([sys.executable, "/work/shared/bench/make_schema.py",
                                     str(args.tables)], capture_output=True, text=True,
                                    check=True).stdout
        t = time.perf_counter()
        subprocess.run([str(bindir / "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", dsn],
                       input=schema_sql, text=True, check=True, capture_output=True)
        print(f"schema load: {time.perf_counter() - t:.1f} s")
        t = time.perf_counter()
        snap = snapshot(dsn)
        print(f"snapshot: {time.perf_counter() - t:.2f} s, {len(snap.relations)} relations")
        cfg = {"db-schemas": "app", "db-anon-role": "anon"}
        t = time.perf_counter()
        schema_cache(snap, ("app",))
        print(f"schema cache + relationship index: {time.perf_counter() - t:.3f} s")
        path = three_level_path(snap)
        print(f"request: GET {path}")
        first = explain(snap, "GET", path, config=cfg)
        assert first.error is None, first.error
        from pgprobe.postgrest._parser import clear_cache

        results = {}
        for label, cold in (("cold (parse cache cleared)", True), ("warm (parse cached)", False)):
            times = []
            for _ in range(args.runs):
                if cold:
                    clear_cache()
                t = time.perf_counter()
                explain(snap, "GET", path, config=cfg)
                times.append((time.perf_counter() - t) * 1000)
            times.sort()
            med = statistics.median(times)
            p95 = times[int(len(times) * 0.95) - 1]
            results[label] = med
            print(f"translation {label}, {args.runs} runs: median {med:.3f} ms, "
                  f"p95 {p95:.3f} ms")
        med = results["cold (parse cache cleared)"]
        print("target median < 2 ms (cold):", "PASS" if med < 2 else "FAIL")
        sql_speed(dsn, args.activities, 7)
        return 0 if med < 2 else 1
    finally:
        _as_postgres([str(bindir / "pg_ctl"), "-D", str(root / "data"), "-m", "immediate",
                      "stop"])
        import shutil
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
