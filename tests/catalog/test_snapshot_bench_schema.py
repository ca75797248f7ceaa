"""Counts on the generated 200-table benchmark schema, against information_schema and pg_dump."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from pgprobe import Snapshot, snapshot
from pgprobe.embedded import Server


@pytest.fixture(scope="module")
def bench_db(pg_server: Server, shared_dir: Path, tmp_path_factory: pytest.TempPathFactory
             ) -> Iterator[str]:
    schema_sql = tmp_path_factory.mktemp("bench") / "schema200.sql"
    schema_sql.write_text(subprocess.run(
        [sys.executable, str(shared_dir / "bench" / "make_schema.py"), "200"],
        check=True, capture_output=True, text=True).stdout)
    dsn = pg_server.create_database("bench200", replace=True)
    pg_server.psql(dsn, file=schema_sql)
    yield dsn
    pg_server.drop_database("bench200")


@pytest.fixture(scope="module")
def bench_snapshot(bench_db: str) -> Snapshot:
    return snapshot(bench_db, schemas=["app"])


def _one(dsn: str, query: str) -> int:
    with psycopg.connect(dsn) as conn:
        row = conn.execute(query).fetchone()
        assert row is not None
        return int(row[0])


def test_counts_match_information_schema(bench_db: str, bench_snapshot: Snapshot) -> None:
    snap = bench_snapshot
    tables = [r for r in snap.relations if r.kind in ("table", "partitioned_table")]
    views = [r for r in snap.relations if r.kind == "view"]
    assert len(tables) == _one(bench_db, "select count(*) from information_schema.tables "
                                         "where table_schema = 'app' and table_type = 'BASE TABLE'")
    assert len(views) == _one(bench_db, "select count(*) from information_schema.views "
                                        "where table_schema = 'app'")
    assert sum(len(r.columns) for r in snap.relations if r.kind != "materialized_view") == _one(
        bench_db, "select count(*) from information_schema.columns where table_schema = 'app'")
    assert sum(len(r.foreign_keys) for r in snap.relations) == _one(
        bench_db, "select count(*) from information_schema.table_constraints "
                  "where table_schema = 'app' and constraint_type = 'FOREIGN KEY'")
    assert sum(len(r.indexes) for r in snap.relations) == _one(
        bench_db, "select count(*) from pg_indexes where schemaname = 'app'")
    assert sum(len(r.policies) for r in snap.relations) == _one(
        bench_db, "select count(*) from pg_policies where schemaname = 'app'")
    assert len(snap.enums) == _one(
        bench_db, "select count(*) from pg_type t join pg_namespace n on n.oid = t.typnamespace "
                  "where n.nspname = 'app' and t.typtype = 'e'")
    assert len(snap.functions) == _one(
        bench_db, "select count(*) from information_schema.routines where routine_schema = 'app'")
    assert sum(1 for r in snap.relations if r.rls_enabled) == _one(
        bench_db, "select count(*) from pg_tables where schemaname = 'app' and rowsecurity")


def test_counts_match_pg_dump(pg_server: Server, bench_db: str, bench_snapshot: Snapshot) -> None:
    dump = subprocess.run([str(pg_server.bindir / "pg_dump"), "--schema-only", "-n", "app",
                           "-d", bench_db], check=True, capture_output=True, text=True).stdout
    snap = bench_snapshot
    assert len(re.findall(r"^CREATE TABLE ", dump, re.M)) == sum(
        1 for r in snap.relations if r.kind in ("table", "partitioned_table"))
    assert len(re.findall(r"^CREATE POLICY ", dump, re.M)) == sum(len(r.policies) for r in snap.relations)
    assert len(re.findall(r"FOREIGN KEY", dump)) == sum(len(r.foreign_keys) for r in snap.relations)
    non_constraint_indexes = sum(
        1 for r in snap.relations for i in r.indexes
        if i.name not in {c.name for c in r.constraints})
    assert len(re.findall(r"^CREATE (UNIQUE )?INDEX ", dump, re.M)) == non_constraint_indexes
    assert len(re.findall(r"^CREATE TYPE .* AS ENUM", dump, re.M)) == len(snap.enums)
    assert len(re.findall(r"^CREATE (OR REPLACE )?VIEW ", dump, re.M)) == sum(
        1 for r in snap.relations if r.kind == "view")


def _statements_sent(dsn: str, tmp_path: Path, schemas: list[str] | None) -> int:
    """Count the statements a snapshot sends, from libpq's own protocol trace."""
    trace = tmp_path / f"trace-{len(list(tmp_path.iterdir()))}.log"
    with psycopg.connect(dsn, autocommit=True) as conn, trace.open("w") as fh:
        conn.pgconn.trace(fh.fileno())
        snapshot(conn, schemas=schemas)
        conn.pgconn.untrace()
    text = trace.read_text()
    return len(re.findall(r"\bF\s+\d+\s+(?:Parse|Query)\b", text))


def test_same_round_trips_whatever_the_size(bench_db: str, demo_dsn: str, tmp_path: Path) -> None:
    """Set-based: the number of statements does not grow with the number of tables."""
    small = _statements_sent(demo_dsn, tmp_path, None)
    large = _statements_sent(bench_db, tmp_path, ["app"])
    # about 20 catalog queries, each followed by a trivial marker (_reader._as_they_arrive)
    assert 5 <= small <= 60
    # The demo also reads its migration history; 200 tables cost no more than 10.
    assert large <= small
