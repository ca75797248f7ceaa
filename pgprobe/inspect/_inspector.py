"""The probe session that answers the live views: read-only, time-limited, never waiting.

Its session has ``default_transaction_read_only``, a short ``statement_timeout`` and a
``lock_timeout`` of a few hundred milliseconds: the views read only statistics views and
catalogs, which take no lock that a migration could hold, and the lock timeout guards the
rest. Its own backend is left out of every activity view.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from psycopg import sql

from .._errors import ProbeQueryError
from ..connect import Probe, connect
from . import _tree, _why
from ._frame import InspectFrame, make_frame
from ._views import VIEWS, resolve, view_sql

__all__ = ["Inspector", "BLOCKING_COLUMNS"]

PGSS_MISSING = ("pg_stat_statements is not installed in this database, so there is nothing to "
                "show: run `create extension pg_stat_statements` (the server needs "
                "shared_preload_libraries = 'pg_stat_statements')")
PGSS_NOT_LOADED = ("pg_stat_statements is installed but not loaded by the server: add it to "
                   "shared_preload_libraries and restart")

_LOCK_RETRIES = 2

BLOCKING_COLUMNS = ["tree", "pid", "parent", "root", "depth", "blocked_by", "state",
                    "waiting_for", "wait_s", "state_s", "xact_s", "application", "role",
                    "client", "backend_type", "query"]


class Inspector:
    """Live views of one database. Every view is a method returning an :class:`InspectFrame`.

    >>> with Inspector(dsn) as db:                       # doctest: +SKIP
    ...     db.blocking()[["tree", "state", "waiting_for", "query"]]
    """

    def __init__(self, source: Any = None, *, statement_timeout: str = "5s",
                 lock_timeout: str = "200ms") -> None:
        self._owned = not isinstance(source, Probe)
        self.probe = connect(source, statement_timeout=statement_timeout,
                             lock_timeout=lock_timeout, application_name="pgprobe inspect")
        self._pgss: tuple[str | None, bool] | None = None

    def __repr__(self) -> str:
        return f"<pgprobe.inspect {self.probe.safe_dsn}>"

    def close(self) -> None:
        if self._owned:
            self.probe.close()

    def __enter__(self) -> Inspector:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- running views -----------------------------------------------------------------------
    def _rows(self, query: Any, params: Any = None) -> tuple[list[str], list[tuple[Any, ...]]]:
        for attempt in range(_LOCK_RETRIES + 1):
            try:
                with self.probe.transaction() as cur:
                    cur.execute(query, params)
                    columns = [d.name for d in cur.description] if cur.description else []
                    return columns, cur.fetchall() if columns else []
            except ProbeQueryError as exc:
                # a lock taken between the views' lock check and their size reads: try again
                if exc.sqlstate != "55P03" or attempt == _LOCK_RETRIES:
                    raise
                time.sleep(0.05)
        raise AssertionError("unreachable")

    def _pg_stat_statements_schema(self) -> str | None:
        if self._pgss is None:
            _, rows = self._rows("select n.nspname from pg_catalog.pg_extension e "
                                 "join pg_catalog.pg_namespace n on n.oid = e.extnamespace "
                                 "where e.extname = 'pg_stat_statements'")
            self._pgss = (rows[0][0] if rows else None, True)
        return self._pgss[0]

    def view(self, name: str) -> InspectFrame:
        """Run one view by name (``"long-running"``, an alias such as ``"table-sizes"``...)."""
        name = resolve(name)
        if name == "blocking":
            return self.blocking()
        text = view_sql(name)
        query: Any = text
        needed = VIEWS[name].min_server_version
        if self.probe.conn.info.server_version < needed:
            return make_frame(name, [], [], taken_at=_now(),
                              note=f"{name} needs PostgreSQL {needed // 10000} or later")
        if VIEWS[name].needs_pg_stat_statements:
            schema = self._pg_stat_statements_schema()
            if schema is None:
                return make_frame(name, _pgss_columns(text), [], note=PGSS_MISSING,
                                  taken_at=_now())
            query = sql.SQL(text).format(pgss=sql.Identifier(schema))  # type: ignore[arg-type]
        try:
            columns, rows = self._rows(query)
        except ProbeQueryError as exc:
            if exc.sqlstate == "55000" and "pg_stat_statements" in str(exc):
                return make_frame(name, _pgss_columns(text), [], note=PGSS_NOT_LOADED,
                                  taken_at=_now())
            raise
        return make_frame(name, columns, rows, note=_locked_note(columns, rows), taken_at=_now())

    def views(self) -> Iterator[tuple[str, InspectFrame]]:
        """Every view, in :data:`VIEWS` order (what ``inspect report`` reads)."""
        for name in VIEWS:
            yield name, self.view(name)

    # -- the blocking tree -----------------------------------------------------------------
    def _blocking_rows(self) -> list[dict[str, Any]]:
        columns, rows = self._rows(view_sql("blocking"))
        return [dict(zip(columns, row, strict=True)) for row in rows]

    def blocking(self) -> InspectFrame:
        """The blocking tree, one row per session, depth first from each root blocker.

        ``tree`` draws it (``4100`` then ``└─ 4242`` ...), ``parent``/``root``/``depth``
        give its shape, ``blocked_by`` every direct blocker (``pg_blocking_pids``)."""
        nodes = _tree.flatten(_tree.build(self._blocking_rows()))
        rows = [_blocking_row(n) for n in nodes]
        return make_frame("blocking", BLOCKING_COLUMNS, rows, taken_at=_now())

    def why_waiting(self, *, pid: int | None = None, application: str | None = None,
                    query_like: str | None = None) -> list[_why.Waiting]:
        """One explanation per waiting session (all of them, or those matching the filters:
        ``pid``, exact ``application`` name, ``query_like`` case-insensitive substring)."""
        rows = self._blocking_rows()
        by_pid = {int(r["pid"]): r for r in rows}
        roots = _tree.build(rows)
        nodes = {n.pid: n for n in _tree.flatten(roots)}
        out = []
        for node in nodes.values():
            row = node.row
            if row.get("wait_s") is None or not _matches(row, pid, application, query_like):
                continue
            blockers = sorted((by_pid[b] for b in node.blocked_by if b in by_pid),
                              key=lambda b: (int(b["pid"]) != node.parent,
                                             -nodes[int(b["pid"])].depth, int(b["pid"])))
            out.append(_why.explain(row, blockers, by_pid.get(node.root)))
        return out

    def session(self, pid: int) -> dict[str, Any] | None:
        """One session of this database from pg_stat_activity (for ``why-waiting --pid``)."""
        columns, rows = self._rows(
            "select pid, state, application_name as application, query, "
            "extract(epoch from now() - state_change)::float8 as state_s "
            "from pg_catalog.pg_stat_activity where pid = %s and datname = current_database()",
            (pid,))
        return dict(zip(columns, rows[0], strict=True)) if rows else None

    def blocked_by(self, pid: int) -> list[int]:
        """The pids ``pid`` currently blocks."""
        return [int(r["pid"]) for r in self._blocking_rows() if pid in (r["blocked_by"] or [])]

    def report(self, rules: Any = None) -> Any:
        """Every view read once and every rule checked: a :class:`~pgprobe.inspect.Report`.

        ``rules``: None (defaults), a rules.toml path, a mapping like a parsed rules.toml,
        or a list of :class:`~pgprobe.inspect.rules.Rule`."""
        from ._report import run_report
        from .rules import load_rules, rules_from_mapping

        if isinstance(rules, Mapping):
            rules = rules_from_mapping(rules)
        elif rules is not None and not isinstance(rules, (list, tuple)):
            rules = load_rules(rules)
        return run_report(self, rules, taken_at=_now())

    # -- one method per view ----------------------------------------------------------------
    def locks(self) -> InspectFrame:
        return self.view("locks")

    def long_running(self) -> InspectFrame:
        return self.view("long-running")

    def idle_in_transaction(self) -> InspectFrame:
        return self.view("idle-in-transaction")

    def outliers(self) -> InspectFrame:
        return self.view("outliers")

    def calls(self) -> InspectFrame:
        return self.view("calls")

    def bloat(self) -> InspectFrame:
        return self.view("bloat")

    def table_sizes(self) -> InspectFrame:
        return self.view("table-sizes")

    def index_sizes(self) -> InspectFrame:
        return self.view("index-sizes")

    def index_usage(self) -> InspectFrame:
        return self.view("index-usage")

    def unused_indexes(self) -> InspectFrame:
        return self.view("unused-indexes")

    def cache_hit(self) -> InspectFrame:
        return self.view("cache-hit")

    def vacuum_stats(self) -> InspectFrame:
        return self.view("vacuum-stats")

    def seq_scans(self) -> InspectFrame:
        return self.view("seq-scans")

    def replication_slots(self) -> InspectFrame:
        return self.view("replication-slots")

    def role_stats(self) -> InspectFrame:
        return self.view("role-stats")

    def db_stats(self) -> InspectFrame:
        return self.view("db-stats")

    def connections(self) -> InspectFrame:
        return self.view("connections")

    def index_stats(self) -> InspectFrame:
        return self.view("index-stats")

    def table_stats(self) -> InspectFrame:
        return self.view("table-stats")

    def traffic_profile(self) -> InspectFrame:
        return self.view("traffic-profile")


def _locked_note(columns: list[str], rows: list[tuple[Any, ...]]) -> str | None:
    if "locked" in columns:
        i = columns.index("locked")
        count = sum(1 for r in rows if r[i])
    elif "locked_relations" in columns:
        i = columns.index("locked_relations")
        count = sum(int(r[i] or 0) for r in rows)
    else:
        return None
    if not count:
        return None
    return (f"{count} relation{'s are' if count > 1 else ' is'} ACCESS EXCLUSIVE locked by another "
            "session: sizes not read there (the probe never waits on a lock)")


def _now() -> datetime:
    return datetime.now(UTC)


def _pgss_columns(text: str) -> list[str]:
    """The output columns of a pg_stat_statements view, for its empty frame."""
    body = text.split("select", 1)[1].split("from {pgss}", 1)[0]
    names = []
    for line in body.splitlines():
        line = line.strip().rstrip(",")
        if line.startswith("s.") and " as " not in line:
            names.append(line[2:])
        elif " as " in line:
            names.append(line.rsplit(" as ", 1)[1].strip())
    return names


def _matches(row: Mapping[str, Any], pid: int | None, application: str | None,
             query_like: str | None) -> bool:
    if pid is not None and int(row["pid"]) != pid:
        return False
    if application is not None and (row.get("application") or "") != application:
        return False
    return query_like is None or query_like.lower() in str(row.get("query") or "").lower()


def _blocking_row(node: _tree.Node) -> tuple[Any, ...]:
    r = node.row
    waiting = _why.lock_target(r) if r.get("wait_s") is not None and r.get("waiting_locktype") \
        else None
    tree = ("   " * (node.depth - 1) + "└─ " if node.depth else "") + str(node.pid)
    return (tree, node.pid, node.parent, node.root, node.depth, node.blocked_by, r.get("state"),
            waiting, r.get("wait_s") if waiting else None, r.get("state_s"), r.get("xact_s"),
            r.get("application"), r.get("role"), r.get("client"), r.get("backend_type"),
            r.get("query"))
