"""A PostgREST request next to its SQL: what PostgREST would run and answer.

>>> from pgprobe.postgrest import explain
>>> from pgprobe.catalog._model import Column, Relation, Snapshot
>>> snap = Snapshot(relations=(Relation("public", "tickets", "table",
...                            columns=(Column("id", 1, "integer", "int4"),)),))
>>> r = explain(snap, "GET", "/tickets?select=id&id=eq.1", config={"db-anon-role": "anon"})
>>> print(r.sql.text[:60])
WITH pgrst_source AS ( SELECT "public"."tickets"."id" FROM "
"""

from __future__ import annotations

from typing import Any

import psycopg

from pgprobe._errors import InputError
from pgprobe.catalog._model import Snapshot

from ._config import Config
from ._engine import Result, Statement, run, snapshot_for
from ._errors import PostgrestError
from ._parser import parse_query, parse_select
from ._plainsql import plain_sql
from ._schema import load_representations, schema_cache

__all__ = ["Config", "PostgrestError", "Result", "Statement", "Staleness", "Why", "explain",
           "from_builder", "parse_query", "parse_select", "request", "staleness", "why"]


_DSN_SNAPSHOTS: dict[str, Snapshot] = {}
"""Snapshots taken for a DSN, reused by later calls with the same DSN (the schema cache)."""


def _config(config: Config | dict[str, Any] | str | None) -> Config:
    if isinstance(config, Config):
        return config
    if isinstance(config, str):
        return Config.from_file(config)
    return Config.from_mapping(config)


def _connection(conn_or_dsn: Any) -> tuple[psycopg.Connection[Any], bool]:
    if isinstance(conn_or_dsn, psycopg.Connection):
        return conn_or_dsn, False
    inner = getattr(conn_or_dsn, "conn", None)
    if isinstance(inner, psycopg.Connection):
        return inner, False
    if isinstance(conn_or_dsn, str):
        try:
            return psycopg.connect(conn_or_dsn, autocommit=True), True
        except psycopg.Error as exc:
            from pgprobe.connect import _explain_connect_error

            raise _explain_connect_error(exc, conn_or_dsn) from None
    raise InputError(f"expected a DSN, a psycopg connection or a Probe, got "
                     f"{type(conn_or_dsn).__name__}")


def from_builder(builder: Any) -> tuple[str, str, dict[str, str], Any]:
    """``(method, path, headers, body)`` of a supabase-py / postgrest-py query builder.

    The builder is only read; nothing is sent. Credentials (``apikey``, ``Authorization``)
    are dropped: pass ``role``/``claims`` instead. See :func:`pgprobe.endpoint.from_query_builder`.
    """
    from pgprobe.endpoint import from_query_builder

    return from_query_builder(builder)


def _resolve(method: Any, path: str | None, headers: dict[str, str] | None, body: Any
             ) -> tuple[str, str, dict[str, str], Any]:
    if isinstance(method, str):
        if path is None:
            raise InputError("a path is needed with a method", hint="e.g. '/tickets?select=*'")
        return method, path, dict(headers or {}), body
    m, p, h, b = from_builder(method)
    h.update(headers or {})
    return m, p, h, b if body is None else body


def request(conn_or_dsn: Any, method: Any, path: str | None = None, *,
            headers: dict[str, str] | None = None,
            body: Any = None, role: str | None = None, claims: dict[str, Any] | None = None,
            config: Config | dict[str, Any] | str | None = None,
            snapshot: Snapshot | None = None, commit: bool = False) -> Result:
    """Run ``method path`` as PostgREST would and answer as PostgREST would.

    The transaction is rolled back unless ``commit=True`` *and* PostgREST would commit it
    (``db-tx-end`` = ``commit``, PostgREST's default, or ``Prefer: tx=commit`` with a
    ``*-allow-override`` setting). ``role`` defaults to ``db-anon-role``; ``claims`` is the
    decoded JWT payload. ``method`` may also be a postgrest-py (supabase-py) query builder,
    in place of method and path.
    """
    method, path, headers, body = _resolve(method, path, headers, body)
    cfg = _config(config)
    conn, owned = _connection(conn_or_dsn)
    if commit and conn.read_only:
        raise InputError("the connection is read-only, so nothing can be committed",
                         hint="use pgprobe.connect(write=True) or a DSN")
    try:
        # A snapshot taken here is reused for later requests on the same DSN (PostgREST's own
        # schema cache); one passed in by the caller is used for this request only.
        if snapshot is None and isinstance(conn_or_dsn, str):
            snapshot = _DSN_SNAPSHOTS.get(conn_or_dsn)
            snap = snapshot_for(conn, snapshot)
            _DSN_SNAPSHOTS[conn_or_dsn] = snap
        else:
            snap = snapshot_for(conn, snapshot)
        sc = schema_cache(snap, cfg.schemas)
        load_representations(sc, conn)
        res = run(conn, sc, cfg, method, path, headers, body, role, claims,
                  allow_commit=commit)
        _add_plain(res, sc)
        return res
    finally:
        if owned:
            conn.close()


def explain(snapshot_or_conn: Any, method: Any, path: str | None = None, *,
            headers: dict[str, str] | None = None, body: Any = None, role: str | None = None,
            claims: dict[str, Any] | None = None,
            config: Config | dict[str, Any] | str | None = None) -> Result:
    """Like :func:`request` but runs nothing: ``.sql`` and ``.plain_sql`` (or ``.error``).

    ``method`` may be a postgrest-py (supabase-py) query builder in place of method and path.
    """
    method, path, headers, body = _resolve(method, path, headers, body)
    cfg = _config(config)
    if isinstance(snapshot_or_conn, Snapshot):
        snap = snapshot_or_conn
    elif isinstance(snapshot_or_conn, str) and snapshot_or_conn in _DSN_SNAPSHOTS:
        snap = _DSN_SNAPSHOTS[snapshot_or_conn]
    else:
        conn, owned = _connection(snapshot_or_conn)
        try:
            snap = snapshot_for(conn, None)
        finally:
            if owned:
                conn.close()
        if isinstance(snapshot_or_conn, str):
            _DSN_SNAPSHOTS[snapshot_or_conn] = snap
    sc = schema_cache(snap, cfg.schemas)
    load_representations(sc, None)
    res = run(None, sc, cfg, method, path, headers, body, role,  # type: ignore[arg-type]
              claims, execute=False)
    _add_plain(res, sc)
    return res


def __getattr__(name: str) -> Any:
    if name in ("why", "Why"):
        from . import _why

        return getattr(_why, name)
    if name in ("staleness", "StalenessReport"):
        from pgprobe import endpoint

        return getattr(endpoint, name)
    raise AttributeError(name)


def _add_plain(res: Result, sc: Any) -> None:
    plan = res.plan
    if plan is not None and res.error is None and plan.from_[0]:  # reads of a table or view
        try:
            res.plain_sql = plain_sql(plan)
        except Exception:  # noqa: BLE001 - a display aid never breaks a request
            res.plain_sql = None
