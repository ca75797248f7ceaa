"""A PostgREST request next to its SQL: what PostgREST would run and answer.

:func:`request` runs a request in a safe probe session (read-only, ``statement_timeout``,
``lock_timeout``, ``application_name=pgprobe``) as the role PostgREST would use; a write is
explained, not executed, unless ``execute_writes=True`` or the database is scratch.
:func:`explain` translates only.

>>> from pgprobe.postgrest import explain
>>> from pgprobe.catalog._model import Column, Relation, Snapshot
>>> snap = Snapshot(relations=(Relation("public", "tickets", "table",
...                            columns=(Column("id", 1, "integer", "int4"),)),))
>>> r = explain(snap, "GET", "/tickets?select=id&id=eq.1", config={"db-anon-role": "anon"})
>>> print(r.sql.text[:60])
WITH pgrst_source AS ( SELECT "public"."tickets"."id" FROM "
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg

from pgprobe._errors import InputError
from pgprobe.catalog._model import Snapshot

from ._cache import SNAPSHOTS
from ._client import from_query_builder
from ._config import Config
from ._empty import EmptyReason
from ._errors import PostgrestError
from ._fix import Fix, fix_request
from ._parser import parse_query, parse_select
from ._pipeline import Call, Options, WriteWarning, run
from ._plainsql import plain_sql
from ._result import Result, Statement, WriteExplanation
from ._schema import load_representations, schema_cache
from ._statements import Limits

__all__ = ["Config", "EmptyReason", "Fix", "PostgrestError", "Result", "Statement", "Why",
           "WriteExplanation", "fix_request",
           "WriteWarning", "explain", "from_builder", "from_query_builder", "parse_query",
           "parse_select", "request", "why"]


def _config(config: Config | dict[str, Any] | str | None) -> Config:
    if isinstance(config, Config):
        return config
    if isinstance(config, str):
        return Config.from_file(config)
    return Config.from_mapping(config)


@contextmanager
def _session(source: Any, limits: Limits) -> Iterator[tuple[psycopg.Connection[Any], Any]]:
    """(connection, cache key): a DSN opens a safe probe session (closed afterwards); a
    Probe or a psycopg connection is used as it is (limits are set per transaction)."""
    if isinstance(source, psycopg.Connection):
        yield source, id(source)
        return
    inner = getattr(source, "conn", None)
    if isinstance(inner, psycopg.Connection):
        yield inner, id(inner)
        return
    if not isinstance(source, str):
        raise InputError(f"expected a DSN, a psycopg connection or a Probe, got "
                         f"{type(source).__name__}")
    from pgprobe.connect import connect

    probe = connect(source, statement_timeout=limits.statement_timeout,
                    lock_timeout=limits.lock_timeout)
    try:
        yield probe.conn, source
    finally:
        probe.close()


def from_builder(builder: Any) -> tuple[str, str, dict[str, str], Any]:
    """``(method, path, headers, body)`` of a supabase-py / postgrest-py query builder.

    The builder is only read; nothing is sent. Credentials (``apikey``, ``Authorization``)
    are dropped: pass ``role``/``claims`` instead. See :func:`from_query_builder`.
    """
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
            snapshot: Snapshot | None = None, execute_writes: bool | None = None,
            commit: bool = False, statement_timeout: str = "30s",
            lock_timeout: str = "2s", explain_empty: bool = True) -> Result:
    """Run ``method path`` as PostgREST would and answer as PostgREST would.

    Reads run read-only with ``statement_timeout`` and ``lock_timeout`` (a DSN opens a
    :func:`pgprobe.connect` session), as ``role`` (default ``db-anon-role``) with ``claims``
    (the decoded JWT payload) or the role of a verified ``Authorization`` token when the
    config has a ``jwt-secret``. A write (POST/PATCH/PUT/DELETE, or a volatile function by
    POST) is *explained* (``.write``, ``.executed`` False, ``.status`` 0) unless
    ``execute_writes=True``, or the database is marked scratch
    (:func:`pgprobe._scratch.mark_scratch`) and ``execute_writes`` is not False. A write that
    runs is rolled back, unless also ``commit=True`` and PostgREST would commit it.

    The snapshot of a DSN or connection is reused while the catalog fingerprint is unchanged
    (``.schema_cache`` is ``"cached"``, else ``"fresh"``; ``"given"`` for ``snapshot=``).
    ``method`` may also be a postgrest-py (supabase-py) query builder, in place of method
    and path.

    A read that comes back with no rows, with embeds that are ``null``/``[]`` because grants
    or row security hide the embedded rows, or with 42501, is explained in ``.empty``
    (:class:`EmptyReason`: the cause, the policies, the rows a role that sees everything
    gets: the request is run again as the table owner or a BYPASSRLS role, read-only and
    time-limited). ``explain_empty=False`` skips that.
    """
    method, path, headers, body = _resolve(method, path, headers, body)
    cfg = _config(config)
    limits = Limits(str(statement_timeout), str(lock_timeout))
    if commit and execute_writes is False:
        raise InputError("commit=True with execute_writes=False: nothing would run")
    with _session(conn_or_dsn, limits) as (conn, key):
        if commit and conn.read_only:
            raise InputError("the connection is read-only, so nothing can be committed",
                             hint="use pgprobe.connect(write=True) or a DSN")
        if snapshot is not None:
            snap, source = snapshot, "given"
        else:
            snap, source = SNAPSHOTS.get(conn, key)
        sc = schema_cache(snap, cfg.schemas)
        load_representations(sc, conn)
        call = Call(method, path, headers, body, role, claims)
        res = run(conn, sc, cfg, call, Options(True, execute_writes, commit, limits))
        if explain_empty and res.role and method.upper() == "GET":
            res.empty = _why_empty(conn, sc, cfg, call, res, limits)
    res.schema_cache = source
    _add_plain(res)
    return res


def explain(snapshot_or_conn: Any, method: Any, path: str | None = None, *,
            headers: dict[str, str] | None = None, body: Any = None, role: str | None = None,
            claims: dict[str, Any] | None = None,
            config: Config | dict[str, Any] | str | None = None) -> Result:
    """Like :func:`request` but runs nothing: ``.sql`` and ``.plain_sql`` (or ``.error``),
    and for a write ``.write`` (what it would touch).

    ``snapshot_or_conn`` is a Snapshot, or a DSN/connection to take one from (reused while
    the catalog is unchanged). ``method`` may be a postgrest-py (supabase-py) query builder.
    """
    method, path, headers, body = _resolve(method, path, headers, body)
    cfg = _config(config)
    if isinstance(snapshot_or_conn, Snapshot):
        snap, source = snapshot_or_conn, "given"
    else:
        with _session(snapshot_or_conn, Limits()) as (conn, key):
            snap, source = SNAPSHOTS.get(conn, key)
    sc = schema_cache(snap, cfg.schemas)
    load_representations(sc, None)
    res = run(None, sc, cfg, Call(method, path, headers, body, role, claims),
              Options(execute=False))
    res.schema_cache = source
    _add_plain(res)
    return res


def _why_empty(conn: psycopg.Connection[Any], sc: Any, cfg: Config, call: Call, res: Result,
               limits: Limits) -> list[Any]:
    """:func:`pgprobe.postgrest._empty.explain_result` with re-runs on this session."""
    from ._empty import explain_result

    # the rows as a plain array, counted, at most 1000 of them
    hdrs = {k: v for k, v in call.headers.items()
            if k.lower() not in ("prefer", "range", "accept")}
    prefer = next((v for k, v in call.headers.items() if k.lower() == "prefer"), "")
    hdrs["Prefer"] = ", ".join(p for p in (prefer, "count=exact") if p)
    hdrs["Range"] = "0-999"
    quick = Limits(min(limits.statement_timeout, "5s", key=_seconds), limits.lock_timeout)

    def rerun(role: str) -> Result | None:
        again = Call("GET", call.path, hdrs, None, role, res.claims)
        try:
            return run(conn, sc, cfg, again, Options(True, False, False, quick))
        except (psycopg.Error, PostgrestError):
            return None

    try:
        return explain_result(sc.snapshot, res, res.role or "", res.claims, rerun)
    except psycopg.Error:  # an explanation never breaks the answer it explains
        return []


def _seconds(value: str) -> float:
    """``'30s'``, ``'500ms'``, ``'2min'`` or plain milliseconds -> seconds (for min())."""
    import re

    m = re.fullmatch(r"\s*([\d.]+)\s*(ms|s|min|h)?\s*", str(value))
    if m is None:
        return float("inf")
    scale = {"ms": 0.001, "s": 1, "min": 60, "h": 3600, None: 0.001}[m.group(2)]
    return float(m.group(1)) * scale


def snapshot_of(snapshot_or_conn: Any) -> Snapshot:
    """The snapshot :func:`explain`/:func:`request` would plan with (fingerprint-checked)."""
    if isinstance(snapshot_or_conn, Snapshot):
        return snapshot_or_conn
    with _session(snapshot_or_conn, Limits()) as (conn, key):
        return SNAPSHOTS.get(conn, key)[0]


def __getattr__(name: str) -> Any:
    if name in ("why", "Why"):
        from . import _why

        return getattr(_why, name)
    raise AttributeError(f"module 'pgprobe.postgrest' has no attribute {name!r}")


def _add_plain(res: Result) -> None:
    plan = res.plan
    if plan is not None and res.error is None and plan.from_[0]:  # reads of a table or view
        try:
            res.plain_sql = plain_sql(plan)
        except Exception:  # noqa: BLE001 - a display aid never breaks a request
            res.plain_sql = None
