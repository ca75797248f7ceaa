"""Fixtures for the PostgREST engine: the PostgREST spec-test fixture database (system PG 15)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from ._fixturedb import FixtureServer


@pytest.fixture(scope="session")
def pgrst_server() -> Iterator[FixtureServer]:
    """A throwaway system PostgreSQL 15 with PostgREST's fixtures loaded (C collation)."""
    try:
        srv = FixtureServer.start()
    except Exception as e:  # noqa: BLE001 - no system PostgreSQL: skip, do not error
        pytest.skip(f"cannot start the system PostgreSQL 15 for the fixtures: {e}")
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture(scope="session")
def pgrst_conn(pgrst_server: FixtureServer) -> Iterator[psycopg.Connection[Any]]:
    conn = psycopg.connect(pgrst_server.dsn(), autocommit=True)
    try:
        yield conn
    finally:
        conn.close()


@pytest.fixture(scope="session")
def pgrst_snapshot(pgrst_server: FixtureServer) -> Any:
    """One snapshot of the fixture database, reused by every request (the schema cache)."""
    from pgprobe.catalog import snapshot

    with psycopg.connect(pgrst_server.dsn(), autocommit=True) as conn:
        return snapshot(conn)


@pytest.fixture(scope="session")
def reset_sequences(pgrst_server: FixtureServer) -> Any:
    """A function putting every sequence back to its freshly loaded value.

    Rolled-back inserts still advance sequences; cases that show generated ids expect a
    freshly loaded database (README of the corpus), so writes start from it.
    """
    conn = psycopg.connect(pgrst_server.dsn(), autocommit=True)
    rows = conn.execute(
        "select format('%I.%I', schemaname, sequencename), coalesce(last_value, start_value),"
        " last_value is not null from pg_sequences").fetchall()

    def reset() -> None:
        conn.execute("select pg_catalog.setval(s::regclass, v, c) from "
                     "unnest(%s::text[], %s::bigint[], %s::bool[]) as t(s, v, c)",
                     [[r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]])

    yield reset
    conn.close()


@pytest.fixture(scope="session")
def pgrst_postgis(pgrst_conn: psycopg.Connection[Any]) -> bool:
    """Whether the fixtures loaded the real PostGIS (load.sh falls back to a stand-in)."""
    row = pgrst_conn.execute("select count(*) from pg_extension where extname = 'postgis'")
    return bool(row.fetchone()[0])  # type: ignore[index]
