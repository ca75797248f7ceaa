"""Reuse a database's snapshot only while its catalog is unchanged (no stale schema cache).

PostgREST's schema cache goes stale when DDL runs without ``NOTIFY pgrst``; pgprobe must not
reproduce that trap. Every call computes a cheap *catalog fingerprint*: for each catalog a
PostgREST answer depends on, its row count and the sum of its rows' ``xmin`` (any
``CREATE``/``ALTER``/``DROP``/``GRANT``/``COMMENT`` inserts, updates or deletes such rows;
``VACUUM``/``ANALYZE`` update ``pg_class`` in place and leave it alone). The snapshot is read
again when the fingerprint differs from the one taken with the cached snapshot.

>>> cache = SnapshotCache()
>>> len(cache)
0
"""

from __future__ import annotations

import threading
from typing import Any

import psycopg

from pgprobe.catalog._model import Snapshot

_CATALOGS = ("pg_namespace", "pg_class", "pg_attribute", "pg_attrdef", "pg_constraint",
             "pg_index", "pg_proc", "pg_type", "pg_enum", "pg_policy", "pg_trigger",
             "pg_rewrite", "pg_description", "pg_inherits", "pg_auth_members", "pg_extension",
             "pg_publication", "pg_publication_rel", "pg_range")

FINGERPRINT_SQL = "select " + " || '/' || ".join(
    f"(select count(*) || ':' || coalesce(sum(xmin::text::bigint), 0) "
    f"from pg_catalog.{c})" for c in _CATALOGS) + \
    " || '/' || (select count(*) || ':' || coalesce(sum(hashtext(rolname)), 0)" \
    " from pg_catalog.pg_roles)"
"""One text value that changes whenever the catalog rows behind a snapshot change."""


def query_one(conn: psycopg.Connection[Any], query: str, params: Any = None) -> Any:
    """The first column of the first row, leaving the session's transaction state as it was
    (a transaction this query had to open is closed again)."""
    opened = not conn.autocommit and \
        conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
    try:
        row = conn.execute(query, params).fetchone()
    finally:
        if opened:
            conn.rollback()
    return row[0] if row else None


def fingerprint(conn: psycopg.Connection[Any]) -> str:
    """The catalog fingerprint of the connected database (one query, a few milliseconds)."""
    return str(query_one(conn, FINGERPRINT_SQL) or "")


_SESSION = ("default_transaction_read_only", "statement_timeout", "lock_timeout",
            "idle_in_transaction_session_timeout")


def read_snapshot(conn: psycopg.Connection[Any]) -> Snapshot:
    """A snapshot through ``conn``, giving the session back as it was (the catalog reader
    makes a connection it is handed a safe probe session: read-only, time limits)."""
    from pgprobe.catalog import snapshot

    read_only, autocommit = conn.read_only, conn.autocommit
    idle = conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
    saved = [(k, query_one(conn, "select pg_catalog.current_setting(%s)", (k,)))
             for k in _SESSION] if idle else []
    try:
        return snapshot(conn)
    finally:
        if conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE:
            conn.autocommit = True  # so the session settings below are not rolled back
            for k, v in saved:
                conn.execute("select pg_catalog.set_config(%s, %s, false)", (k, v))
            conn.read_only, conn.autocommit = read_only, autocommit


class SnapshotCache:
    """Snapshots by key (a DSN, or a connection's identity), each with its fingerprint."""

    def __init__(self) -> None:
        self._items: dict[Any, tuple[str, Snapshot, Any]] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    def get(self, conn: psycopg.Connection[Any], key: Any) -> tuple[Snapshot, str]:
        """(snapshot, ``"cached"`` or ``"fresh"``) for the database behind ``conn``."""
        fp = fingerprint(conn)
        with self._lock:
            hit = self._items.get(key)
        if hit is not None and hit[0] == fp and (not isinstance(key, int) or hit[2] is conn):
            return hit[1], "cached"
        snap = read_snapshot(conn)
        with self._lock:
            # the fingerprint taken *before* reading: a change made meanwhile reloads next time
            self._items[key] = (fp, snap, conn if isinstance(key, int) else None)
        return snap, "fresh"

    def peek(self, key: Any) -> Snapshot | None:
        """The last snapshot stored under ``key`` (not checked against the database)."""
        with self._lock:
            hit = self._items.get(key)
        return hit[1] if hit else None


SNAPSHOTS = SnapshotCache()
"""The process-wide cache :func:`pgprobe.postgrest.request` and ``explain`` use."""
