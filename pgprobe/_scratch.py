"""Scratch databases: the ones pgprobe may write to (the demo, a rehearsal, test fixtures).

A database is *scratch* when its owner marked it so with a database-level setting,
``ALTER DATABASE ... SET pgprobe.scratch = 'on'`` (:func:`mark_scratch`). The mark is read
from ``pg_db_role_setting`` (:func:`is_scratch`), not from the session, so a connection
option cannot fake it, and a database name never decides anything. ``CREATE DATABASE ...
TEMPLATE`` does not copy it: a copy of a scratch database is not scratch until marked.

>>> MARK
'pgprobe.scratch=on'
"""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg import sql

__all__ = ["MARK", "is_scratch", "mark_scratch"]

MARK = "pgprobe.scratch=on"

_IS_SCRATCH = """
select exists (select from pg_catalog.pg_db_role_setting s
               join pg_catalog.pg_database d on d.oid = s.setdatabase
               where d.datname = pg_catalog.current_database() and s.setrole = 0
                 and %s = any (s.setconfig))
"""


def _conn(conn_or_probe: Any) -> psycopg.Connection[Any]:
    inner = getattr(conn_or_probe, "conn", conn_or_probe)
    if not isinstance(inner, psycopg.Connection):
        raise TypeError(f"expected a psycopg connection or a Probe, got {type(inner).__name__}")
    return inner


def is_scratch(conn_or_probe: Any) -> bool:
    """Is the connected database marked as scratch? Outside any open transaction's effects:
    the mark is a catalog row, read with a plain query."""
    conn = _conn(conn_or_probe)
    opened = not conn.autocommit and \
        conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
    try:
        row = conn.execute(_IS_SCRATCH, (MARK,)).fetchone()
    finally:
        if opened:
            conn.rollback()
    return bool(row and row[0])


def mark_scratch(conn_or_dsn: Any) -> None:
    """Mark the connected database (or the DSN's) as scratch; needs its owner or a superuser.

    New sessions see the mark at once (it is read from the catalog, not inherited).
    """
    if isinstance(conn_or_dsn, str):
        with psycopg.connect(conn_or_dsn, autocommit=True) as conn:
            mark_scratch(conn)
        return
    conn = _conn(conn_or_dsn)
    db = conn.execute("select pg_catalog.current_database()").fetchone()[0]  # type: ignore[index]
    conn.execute(sql.SQL("ALTER DATABASE {} SET pgprobe.scratch = 'on'").format(
        sql.Identifier(db)))
    if not conn.autocommit:
        conn.commit()
