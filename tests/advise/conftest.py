"""The advisors' scenario database: pgprobe's Supabase stand-in plus ``scenario.sql``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from pgprobe.embedded import Server
from pgprobe.migrations import stand_in_sql

SCENARIO = Path(__file__).with_name("scenario.sql")
EXPOSED = "public, pgmq_public"


def load_scenario(dsn: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("set check_function_bodies = off")
        conn.execute(stand_in_sql())  # type: ignore[arg-type]
        conn.execute(SCENARIO.read_text())  # type: ignore[arg-type]
        conn.execute("vacuum analyze public.t_bloat")
        conn.execute(sql.SQL("alter database {} set pgrst.db_schemas = {}").format(
            sql.Identifier(conn.info.dbname), sql.Literal(EXPOSED)))


@pytest.fixture(scope="session")
def scenario_dsn(pg_server: Server) -> Iterator[str]:
    name = "advise_scenario"
    dsn = pg_server.create_database(name, replace=True)
    load_scenario(dsn)
    try:
        yield dsn
    finally:
        pg_server.drop_database(name)
