"""Safe probe sessions: DSN resolution, password redaction, read-only and time-limited by default.

A probe never writes and never queues behind a migration's lock: sessions are
``default_transaction_read_only``, with ``statement_timeout`` and ``lock_timeout`` set, and
``application_name=pgprobe``. ``role=`` and ``claims=`` run queries the way PostgREST does
(``set local role`` and ``request.jwt.claims``), so row level security applies as through the API.

>>> redact("postgresql://app:s3cret@db.example.com:5432/prod")
'postgresql://app:***@db.example.com:5432/prod'
"""

from __future__ import annotations

import json
import os
import re
import sys
import types
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from ._errors import ConnectError, ProbeQueryError

__all__ = ["Probe", "connect", "redact", "resolve_dsn", "safe_dsn", "DSN_ENV_VARS"]

DSN_ENV_VARS = ("PGPROBE_DSN", "DATABASE_URL", "SUPABASE_DB_URL")
"""Environment variables read, in this order, when no DSN is given."""

_URL_PASSWORD = re.compile(r"(?P<head>[a-z][a-z0-9+.-]*://[^:/@\s]*:)(?P<pw>[^@\s]*)(?=@)", re.I)
_KV_PASSWORD = re.compile(r"(?P<head>\bpassword\s*=\s*)(?P<pw>'(?:[^'\\]|\\.)*'|\S+)", re.I)
_QUERY_PASSWORD = re.compile(r"(?P<head>[?&]password=)(?P<pw>[^&\s]*)", re.I)


def redact(text: str, secrets: tuple[str, ...] = ()) -> str:
    """Remove passwords from a DSN, a URL or any message that may quote one.

    >>> redact("host=db password='a b' user=x")
    'host=db password=*** user=x'
    >>> redact("failed for postgresql://u:pw@h/db?password=pw")
    'failed for postgresql://u:***@h/db?password=***'
    """
    text = _URL_PASSWORD.sub(lambda m: m.group("head") + "***", text)
    text = _KV_PASSWORD.sub(lambda m: m.group("head") + "***", text)
    text = _QUERY_PASSWORD.sub(lambda m: m.group("head") + "***", text)
    for secret in secrets:
        if secret and len(secret) >= 3:
            text = text.replace(secret, "***")
    return text


def _password_of(dsn: str) -> str | None:
    try:
        return conninfo_to_dict(dsn).get("password")  # type: ignore[return-value]
    except psycopg.ProgrammingError:
        return None


def safe_dsn(dsn: str) -> str:
    """A DSN to show a person: a URL without its password.

    >>> safe_dsn("postgresql://u:pw@localhost:5433/demo")
    'postgresql://u@localhost:5433/demo'
    >>> safe_dsn("dbname=demo host=/tmp/sock user=postgres")
    'postgresql://postgres@/demo?host=/tmp/sock'
    """
    try:
        params = conninfo_to_dict(dsn)
    except psycopg.ProgrammingError:
        return redact(dsn)
    params.pop("password", None)
    user = params.pop("user", "") or ""
    host = str(params.pop("host", "") or "")
    port = params.pop("port", "")
    db = params.pop("dbname", "") or ""
    query: dict[str, Any] = {}
    if host.startswith("/"):
        query["host"] = host
        host = ""
        if port:
            query["port"] = port
            port = ""
    query.update({k: v for k, v in params.items() if v is not None})
    netloc = f"{user}@" if user else ""
    netloc += host + (f":{port}" if port else "")
    tail = "&".join(f"{k}={v}" for k, v in sorted(query.items()))
    return f"postgresql://{netloc}/{db}" + (f"?{tail}" if tail else "")


def resolve_dsn(dsn: str | None = None) -> str:
    """The DSN to use: the argument, else ``PGPROBE_DSN``, ``DATABASE_URL``,
    ``SUPABASE_DB_URL``, else ``""`` (libpq then reads ``PGHOST``/``PGSERVICE``...).

    >>> resolve_dsn("dbname=x")
    'dbname=x'
    """
    if dsn:
        return dsn
    for var in DSN_ENV_VARS:
        value = os.environ.get(var)
        if value:
            return value
    return ""


def _dsn_from_object(source: Any) -> str | None:
    """Accept SQLAlchemy Engines/URLs (people arrive from pandas/JupySQL with one)."""
    url = getattr(source, "url", None) if hasattr(source, "dispose") else source
    if url is not None and hasattr(url, "render_as_string") and hasattr(url, "drivername"):
        text = url.render_as_string(hide_password=False)
        return re.sub(r"^postgres(?:ql)?\+[a-z0-9_]+://", "postgresql://", text)
    return None


def _explain_connect_error(exc: Exception, dsn: str) -> ConnectError:
    password = _password_of(dsn)
    shown = safe_dsn(dsn) if dsn else "(libpq defaults: PGHOST/PGSERVICE)"
    raw = redact(str(exc).strip(), (password,) if password else ())
    first = raw.splitlines()[0] if raw else type(exc).__name__
    lowered = raw.lower()
    if "password authentication failed" in lowered or "no password supplied" in lowered:
        reason, hint = "password authentication failed", "check the user and password"
    elif "does not exist" in lowered and "database" in lowered:
        reason, hint = first.split("FATAL:")[-1].strip(), "create it or fix the database name"
    elif "permission denied" in lowered or "not permitted" in lowered:
        reason, hint = first.split("FATAL:")[-1].strip(), "ask for CONNECT privilege or use another role"
    elif "role" in lowered and "does not exist" in lowered:
        reason, hint = first.split("FATAL:")[-1].strip(), "fix the user name"
    elif any(s in lowered for s in ("connection refused", "could not connect", "no such file",
                                    "could not translate host", "timeout expired", "name or service")):
        reason, hint = "server unreachable", "is the server running and the host/port right?"
    else:
        reason, hint = first, None
    return ConnectError(f"cannot connect to {shown}: {reason}", hint=hint)


def _explain_query_error(exc: psycopg.Error) -> ProbeQueryError:
    sqlstate = getattr(exc, "sqlstate", None)
    diag = getattr(exc, "diag", None)
    primary = (diag.message_primary if diag is not None else None) or str(exc).splitlines()[0]
    hint = None
    if sqlstate == "55P03" or "lock timeout" in primary:
        hint = "another session holds a lock (a migration?); see pg_locks / pg_stat_activity"
    elif sqlstate == "57014":
        hint = "the statement hit pgprobe's statement_timeout; pass statement_timeout= to wait longer"
    elif sqlstate == "25006":
        hint = "probe sessions are read-only; writes are only for scratch databases (write=True)"
    elif sqlstate == "42501":
        hint = "the role lacks a privilege; check grants (snap.table(...).grants)"
    elif diag is not None and diag.message_hint:
        hint = diag.message_hint
    return ProbeQueryError(primary, sqlstate=sqlstate, hint=hint)


class Probe:
    """A safe session on one database.

    >>> probe = connect("postgresql://u:pw@/nodb?host=/nonexistent")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    pgprobe._errors.ConnectError: cannot connect to postgresql://u@/nodb?host=/nonexistent: ...
    """

    def __init__(self, conn: psycopg.Connection[Any], dsn: str, *, read_only: bool,
                 role: str | None = None, claims: Mapping[str, Any] | None = None,
                 owned: bool = True) -> None:
        self.conn = conn
        self._dsn = dsn
        self.read_only = read_only
        self.role = role
        self.claims = dict(claims) if claims else None
        self._owned = owned

    @property
    def dsn(self) -> str:
        """The full DSN (with password): pass it on, never print it."""
        return self._dsn

    @property
    def safe_dsn(self) -> str:
        return safe_dsn(self._dsn) if self._dsn else "(existing connection)"

    def __repr__(self) -> str:
        mode = "read-only" if self.read_only else "read-write"
        as_role = f" as {self.role}" if self.role else ""
        return f"<pgprobe.Probe {self.safe_dsn} {mode}{as_role}>"

    def banner(self) -> str:
        """One line for a notebook: where we are connected, as whom, and in which mode."""
        info = self.conn.info
        version = info.server_version
        major, minor = version // 10000, version % 100
        return (f"connected to {self.safe_dsn} (PostgreSQL {major}.{minor}, user {info.user}, "
                f"{'read-only' if self.read_only else 'READ-WRITE'}"
                f"{', as ' + self.role if self.role else ''})")

    @contextmanager
    def transaction(self, role: str | None = None, claims: Mapping[str, Any] | None = None,
                    *, settings: Mapping[str, str] | None = None) -> Iterator[psycopg.Cursor[Any]]:
        """A transaction as PostgREST runs one: ``set local role`` and ``request.jwt.claims``.

        It is always rolled back on a read-only probe; on a writable one it commits.
        """
        role = role or self.role
        claims = claims if claims is not None else self.claims
        try:
            with self.conn.transaction(force_rollback=self.read_only), self.conn.cursor() as cur:
                if role:
                    payload = dict(claims or {})
                    payload.setdefault("role", role)
                    cur.execute("select set_config('request.jwt.claims', %s, true)",
                                (json.dumps(payload),))
                    cur.execute(sql.SQL("set local role {}").format(sql.Identifier(role)))
                elif claims:
                    cur.execute("select set_config('request.jwt.claims', %s, true)",
                                (json.dumps(dict(claims)),))
                for key, value in (settings or {}).items():
                    cur.execute("select set_config(%s, %s, true)", (key, value))
                yield cur
        except psycopg.Error as exc:
            raise _explain_query_error(exc) from None

    def execute(self, query: Any, params: Any = None, *, role: str | None = None,
                claims: Mapping[str, Any] | None = None) -> list[tuple[Any, ...]]:
        """Run one statement and return its rows (``[]`` for statements without rows)."""
        with self.transaction(role, claims) as cur:
            cur.execute(query, params)
            return cur.fetchall() if cur.description else []

    def dataframe(self, query: Any, params: Any = None, *, role: str | None = None,
                  claims: Mapping[str, Any] | None = None) -> Any:
        """Run a query and return a pandas DataFrame."""
        import pandas as pd

        with self.transaction(role, claims) as cur:
            cur.execute(query, params)
            cols = [d.name for d in cur.description] if cur.description else []
            return pd.DataFrame(cur.fetchall() if cols else [], columns=cols)

    def close(self) -> None:
        if self._owned:
            self.conn.close()

    def __enter__(self) -> Probe:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def connect(source: Any = None, *, role: str | None = None,
            claims: Mapping[str, Any] | None = None, read_only: bool = True,
            write: bool = False, statement_timeout: str | int = "30s",
            lock_timeout: str | int = "2s", application_name: str = "pgprobe",
            connect_timeout: int = 10) -> Probe:
    """Open a probe session.

    ``source`` is a DSN or URL, a psycopg connection, a SQLAlchemy Engine or URL, an existing
    :class:`Probe`, or ``None`` (then ``PGPROBE_DSN``, ``DATABASE_URL``, ``SUPABASE_DB_URL``,
    then libpq's own environment and service file). Sessions are read-only unless
    ``write=True`` (meant for scratch databases only).
    """
    if isinstance(source, Probe):
        return source
    read_only = read_only and not write
    options = {
        "default_transaction_read_only": "on" if read_only else "off",
        "statement_timeout": str(statement_timeout),
        "lock_timeout": str(lock_timeout),
        "idle_in_transaction_session_timeout": "5min",
    }
    if isinstance(source, psycopg.Connection):
        conn = source
        with conn.cursor() as cur:
            for key, value in options.items():
                cur.execute("select set_config(%s, %s, false)", (key, value))
        if not conn.autocommit and conn.info.transaction_status == psycopg.pq.TransactionStatus.INTRANS:
            conn.commit()
        conn.autocommit = True
        dsn = ""
        try:
            dsn = make_conninfo(**{k: v for k, v in conn.info.get_parameters().items()})
        except Exception:  # informative only
            dsn = ""
        return Probe(conn, dsn, read_only=read_only, role=role, claims=claims, owned=False)
    from_object = _dsn_from_object(source) if source is not None and not isinstance(source, str) else None
    if from_object is not None:
        dsn = from_object
    else:
        if source is not None and not isinstance(source, str):
            raise ConnectError(f"cannot connect to a {type(source).__name__}",
                               hint="pass a DSN, a psycopg connection or a SQLAlchemy Engine/URL")
        dsn = resolve_dsn(source)
    pg_options = " ".join(f"-c {k}={v}" for k, v in options.items())
    try:
        conn = psycopg.connect(dsn, autocommit=True, application_name=application_name,
                               options=pg_options, connect_timeout=connect_timeout)
    except psycopg.Error as exc:
        raise _explain_connect_error(exc, dsn) from None
    except psycopg.ProgrammingError as exc:  # malformed DSN
        raise ConnectError(f"malformed DSN {redact(dsn)}: {exc}") from None
    return Probe(conn, dsn, read_only=read_only, role=role, claims=claims)


class _CallableModule(types.ModuleType):
    """``pgprobe.connect`` is this module and also callable as :func:`connect`, so
    ``pgprobe.connect(dsn)`` works however the module was first imported."""

    def __call__(self, *args: Any, **kwargs: Any) -> Probe:
        return connect(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
