"""Scale: a schema-per-tenant database (TENANTS schemas x TABLES tables) against the peers.

    .venv/bin/python bench/scale_bench.py [--tenants 200] [--tables 100] [--repeat 3]
    .venv/bin/python bench/scale_bench.py --sizes 2000,5000,10000,20000   # cost vs size + plot
    .venv/bin/python bench/scale_bench.py --tables 152 --views --snapshot-only   # 68,000 relations

The workload is ``../shared/bench/make_schema.py TABLES`` once per tenant schema (the same
shape everywhere, as tenants are), rewritten from ``app`` to ``tenant_NNN``, plus a shared
``public.organizations`` that every tenant's first table references (cross-schema FKs), and a
few deliberate drifts (every 17th tenant gains a column, every 29th loses a policy) so the
fleet diff has something to find. ``--views`` adds one view per table over all its columns
(an API layer of views, as PostgREST users build): 200 x 152 tables then give 200 x (167 tables
+ 173 views) = 68,000 relations, the size PostgREST's schema cache chokes on. Each schema is loaded by its own ``psql`` stream, two at a
time (the machine has two cores); the loaded database is kept in the benchmark server
(``$PGPROBE_HOME/bench-scale-embedded``) and reused by later runs.

Measured, medians in one run: whole snapshot vs the raw catalog queries (``peers.py
raw_catalog``) on the same database, and its peak memory; one tenant's partial snapshot; the
relationship index; one PGRST200 explanation; ERD focus depth 2; diff of two whole snapshots;
the fleet diff of every tenant against the template; typegen for one tenant.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import importlib
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from _common import median_times, peak_rss_mb, peers, shared_dir

from pgprobe.embedded import Server, default_home


def view_layer(schema_sql: str) -> str:
    """One view over all columns of every table of a ``make_schema.py`` script."""
    import re

    tables = re.findall(r"^create table app\.(\w+) \(", schema_sql, flags=re.M)
    return "".join(f"create view app.api_{t} as select * from app.{t};\n" for t in tables)


def tenant_sql(schema_sql: str, tenant: int) -> str:
    name = f"tenant_{tenant:03d}"
    text = schema_sql.replace("create schema if not exists app;", f"create schema {name};")
    text = text.replace("app.", f"{name}.").replace("schema app ", f"schema {name} ")
    text += (f"\nalter table {name}.t00000 add column org_id bigint "
             f"references public.organizations(id);\n")
    if tenant % 17 == 5:
        text += f"alter table {name}.t00003 add column legacy_flag boolean;\n"
    if tenant % 29 == 7:
        text += f"drop policy t00002_read on {name}.t00002;\n"
    return text


def load(server: Server, tenants: int, tables: int, views: bool = False) -> str:
    """The DSN of the tenants x tables database (with a view per table when ``views``),
    loading it on first use."""
    name = f"tenants{tenants}x{tables}" + ("v" if views else "")
    if server.database_exists(name):
        return server.dsn(name)
    schema_sql = subprocess.run(
        [sys.executable, str(shared_dir() / "bench" / "make_schema.py"), str(tables)],
        check=True, capture_output=True, text=True).stdout
    if views:
        schema_sql = schema_sql.replace("\ngrant usage on schema app",
                                        "\n" + view_layer(schema_sql) + "grant usage on schema app")
    loading = f"{name}_loading"
    dsn = server.create_database(loading, replace=True)
    server.psql(dsn, command="create table public.organizations (id bigint primary key, "
                             "name text); alter table public.organizations enable row level "
                             "security;")
    scripts = server.directory / f"{name}_scripts"
    scripts.mkdir(exist_ok=True)
    started = time.perf_counter()

    def one(tenant: int) -> None:
        path = scripts / f"tenant_{tenant:03d}.sql"
        path.write_text(tenant_sql(schema_sql, tenant))
        server.psql(dsn, file=path)

    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        for done, _ in enumerate(pool.map(one, range(tenants)), 1):
            if done % 20 == 0:
                print(f"  loaded {done}/{tenants} schemas", file=sys.stderr)
    server.psql(dsn, command="vacuum analyze")
    server.admin_execute(f'alter database "{loading}" rename to "{name}"')
    print(f"loaded {tenants}x{tables} in {time.perf_counter() - started:.0f}s", file=sys.stderr)
    return server.dsn(name)


def relation_count(dsn: str) -> int:
    import psycopg

    with psycopg.connect(dsn) as conn:
        row = conn.execute("select count(*) from pg_class c join pg_namespace n on "
                           "n.oid = c.relnamespace where n.nspname like 'tenant\\_%' "
                           "or n.nspname = 'public'").fetchone()
    return int(row[0]) if row else 0


def raw_catalog_all_schemas(dsn: str, schemas: list[str]) -> None:
    """peers.py's four raw queries, each run once over every schema (as one snapshot reads
    them), rather than one connection per schema."""
    import psycopg

    with psycopg.connect(dsn) as conn:
        for query in peers().RAW.values():
            query = query.replace("= %(schema)s::regnamespace",
                                  "= any(%(schemas)s::regnamespace[])")
            conn.execute(query.replace("= %(schema)s", "= any(%(schemas)s)"),
                         {"schemas": schemas}).fetchall()


def connect_kwdefault(name: str) -> object:
    connect_module = importlib.import_module("pgprobe.connect")
    return (connect_module.connect.__kwdefaults__ or {}).get(name)


def server_cpu_s(server: Server) -> float:
    """CPU seconds of the server's finished backends (the postmaster's reaped children:
    a snapshot's two sessions count once they have closed)."""
    pid = int((server.directory / "data" / "postmaster.pid").read_text().split()[0])
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK")


def snapshot_cpu(server: Server, dsn: str, schemas: list[str], repeat: int) -> dict[str, object]:
    """Client and server CPU of whole snapshots: unlike wall time, they barely move with
    other sessions' load on the machine."""
    import pgprobe

    client, backend = [], []
    for _ in range(repeat):
        before_server, before_client = server_cpu_s(server), time.process_time()
        pgprobe.snapshot(dsn, schemas=schemas)
        client.append(time.process_time() - before_client)
        time.sleep(0.5)  # the backends exit and are reaped
        backend.append(server_cpu_s(server) - before_server)
    return {"client_cpu_s": round(statistics.median(client), 2),
            "server_cpu_s": round(statistics.median(backend), 2),
            "runs": [[round(c, 2), round(b, 2)] for c, b in zip(client, backend, strict=True)]}


def measure_snapshot(dsn: str, tenants: int, repeat: int, server: Server | None = None
                     ) -> dict[str, object]:
    """The whole and one-tenant snapshots against the raw catalog, and the relationship index
    (the size sweep and the 68k variant)."""
    import pgprobe
    from pgprobe.relationships import RelationshipIndex

    schemas = ["public"] + [f"tenant_{t:03d}" for t in range(tenants)]
    whole = pgprobe.snapshot(dsn, schemas=schemas)
    timings = median_times({
        "snapshot_whole": lambda: pgprobe.snapshot(dsn, schemas=schemas),
        "snapshot_whole_without_view_lineage": lambda: pgprobe.snapshot(
            dsn, schemas=schemas, skip=("view_sources",)),
        "raw_catalog": lambda: raw_catalog_all_schemas(dsn, schemas),
        "snapshot_one_tenant": lambda: pgprobe.snapshot(dsn, schemas=["tenant_000"]),
        "relationship_index": lambda: RelationshipIndex.from_snapshot(whole, schemas),
    }, repeat=repeat)
    code = (f"import importlib; c = importlib.import_module('pgprobe.connect'); "
            f"c.connect.__kwdefaults__.update("
            f"statement_timeout={connect_kwdefault('statement_timeout')!r}); "
            f"import pgprobe; pgprobe.snapshot({dsn!r}, schemas={schemas!r})")
    return {
        "tenants": tenants,
        "tables": sum(1 for r in whole.relations if r.kind == "table"),
        "views": sum(1 for r in whole.relations if r.kind == "view"),
        "pg_class_rows": relation_count(dsn),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "timings": timings,
        "ratios": {"snapshot / raw_catalog": round(
            timings["snapshot_whole"]["median_s"] / timings["raw_catalog"]["median_s"], 2)},
        "peak_rss_mb": round(peak_rss_mb(code), 1),
        **({"cpu_whole_snapshot": snapshot_cpu(server, dsn, schemas, repeat)}
           if server is not None else {}),
    }


def measure(dsn: str, tenants: int, repeat: int) -> dict[str, object]:
    import pgprobe
    from pgprobe.diff import diff_snapshots
    from pgprobe.diff import tenants as fleet_diff
    from pgprobe.graph import erd
    from pgprobe.relationships import RelationshipIndex, explain_embed
    from pgprobe.types import generate

    schemas = ["public"] + [f"tenant_{t:03d}" for t in range(tenants)]
    whole = pgprobe.snapshot(dsn, schemas=schemas)
    other = pgprobe.snapshot(dsn, schemas=schemas)
    one = "tenant_042" if tenants > 42 else "tenant_000"
    index = RelationshipIndex.from_snapshot(whole, schemas)

    timings = median_times({
        "snapshot_whole": lambda: pgprobe.snapshot(dsn, schemas=schemas),
        "raw_catalog": lambda: raw_catalog_all_schemas(dsn, schemas),
    }, repeat=repeat)
    timings.update(median_times({
        "snapshot_one_tenant": lambda: pgprobe.snapshot(dsn, schemas=[one]),
        "relationship_index": lambda: RelationshipIndex.from_snapshot(whole, schemas),
        "explain_embed_pgrst200": lambda: explain_embed(index, f"{one}.t00001", "t00002x"),
        "erd_focus_depth2": lambda: erd(whole, focus=f"{one}.t00010", depth=2),
        "diff_two_whole_snapshots": lambda: diff_snapshots(whole, other),
        "fleet_diff_all_tenants": lambda: fleet_diff(whole, "tenant_000"),
        "typegen_one_tenant": lambda: generate(
            pgprobe.snapshot(dsn, schemas=[one], skip=("grants", "policies", "triggers")),
            schemas=[one]),
    }, repeat=repeat))
    fleet = fleet_diff(whole, "tenant_000")
    code = f"import pgprobe; pgprobe.snapshot({dsn!r}, schemas={schemas!r})"
    ours = timings["snapshot_whole"]["median_s"]
    return {
        "tenants": tenants, "tables": sum(1 for r in whole.relations if r.kind == "table"),
        "pg_class_rows": relation_count(dsn),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "fleet": {"same": len(fleet.same), "differ": len(fleet.differing),
                  "groups": len(fleet.groups())},
        "timings": timings,
        "ratios": {"snapshot / raw_catalog": round(
            ours / timings["raw_catalog"]["median_s"], 2)},
        "peak_rss_mb": round(peak_rss_mb(code), 1),
    }


def plot(points: list[dict[str, object]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = [int(p["tables"]) for p in points]  # type: ignore[call-overload]
    memory = [p["peak_rss_mb"] for p in points]
    fig, left = plt.subplots(figsize=(6, 3.5))
    for name, label in (("snapshot_whole", "snapshot (s)"), ("raw_catalog", "raw catalog (s)"),
                        ("relationship_index", "relationship index (s)")):
        seconds = [p["timings"][name]["median_s"] for p in points]  # type: ignore[index]
        left.plot(sizes, seconds, "o-", label=label)
    left.set_xlabel("tables")
    left.set_ylabel("seconds")
    right = left.twinx()
    right.plot(sizes, memory, "s--", color="tab:purple", label="peak memory (MB)")
    right.set_ylabel("MB")
    fig.legend(loc="upper left", bbox_to_anchor=(0.12, 0.95), fontsize="small")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenants", type=int, default=200)
    parser.add_argument("--tables", type=int, default=100, help="tables per tenant schema")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sizes", help="total table counts to sweep (e.g. 2000,5000,10000)")
    parser.add_argument("--plot", default="docs/benchmarks/scale.png")
    parser.add_argument("--views", action="store_true", help="add a view over every table")
    parser.add_argument("--load-only", action="store_true", help="load (or find) and stop")
    parser.add_argument("--snapshot-only", action="store_true",
                        help="measure only the snapshots, the raw catalog and memory")
    parser.add_argument("--statement-timeout", default=None,
                        help="pgprobe's statement_timeout for this run (default 30s)")
    args = parser.parse_args()
    if args.statement_timeout is not None:
        connect_module = importlib.import_module("pgprobe.connect")
        kwdefaults = connect_module.connect.__kwdefaults__ or {}
        kwdefaults["statement_timeout"] = args.statement_timeout
        connect_module.connect.__kwdefaults__ = kwdefaults
    server = Server.start("embedded", default_home() / "bench-scale-embedded")
    if not args.sizes:
        dsn = load(server, args.tenants, args.tables, args.views)
        if args.load_only:
            print(dsn)
            return
        result = (measure_snapshot(dsn, args.tenants, args.repeat, server) if args.snapshot_only
                  else measure(dsn, args.tenants, args.repeat))
        print(json.dumps(result, indent=2))
        return
    points = []
    for total in (int(s) for s in args.sizes.split(",")):
        count = max(1, total // args.tables)
        points.append(measure_snapshot(load(server, count, args.tables, args.views), count,
                                       args.repeat, server))
        print(json.dumps(points[-1]), flush=True)
    plot(points, Path(args.plot))
    print(json.dumps(slopes(points)))


def slopes(points: list[dict[str, Any]]) -> dict[str, float]:
    """Least-squares slope per 1,000 tables of each timing (ms) and of peak memory (MB), and
    the ratio of the largest size's cost per table to the smallest's (1.0 = linear)."""
    xs = [p["tables"] / 1000 for p in points]
    series = {name: [p["timings"][name]["median_s"] * 1000 for p in points]
              for name in points[0]["timings"]}
    series["peak_rss_mb"] = [p["peak_rss_mb"] for p in points]
    out: dict[str, float] = {}
    for name, ys in series.items():
        if len(xs) < 2:
            break
        mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
        slope = (sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
                 / sum((x - mx) ** 2 for x in xs))
        out[f"{name} per 1000 tables"] = round(slope, 1)
        out[f"{name} cost per table, largest / smallest"] = round(
            (ys[-1] / xs[-1]) / (ys[0] / xs[0]), 2) if ys[0] else 0.0
    return out


if __name__ == "__main__":
    main()
