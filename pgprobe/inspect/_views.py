"""The catalogue of live views: one SQL file each under ``sql/``, with a one-line description.

>>> VIEWS["blocking"].description.split(":")[0]
'the blocking tree'
>>> resolve("long-running-queries")
'long-running'
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

from .._errors import NotFoundError

__all__ = ["View", "VIEWS", "ALIASES", "resolve", "view_sql"]


@dataclass(frozen=True)
class View:
    """A named live view: its SQL file and what it answers."""

    name: str
    description: str
    needs_pg_stat_statements: bool = False
    brief: tuple[str, ...] = ()
    """The columns a terminal shows by default (all when empty; ``--all-columns`` for all)."""
    single_row: bool = False
    """One row by nature (db-stats): a terminal shows it one field per line."""
    min_server_version: int = 0
    """Older servers get an empty frame with a note (``server_version_num``)."""

    @property
    def method(self) -> str:
        """The :class:`~pgprobe.inspect.Inspector` method name (``long-running`` -> ``long_running``)."""
        return self.name.replace("-", "_")


_ALL = [
    View("locks", "locks held and awaited by other sessions: relation, mode, granted, age, query",
         brief=("pid", "relation", "mode", "granted", "age_s", "application", "query")),
    View("blocking", "the blocking tree: waiter -> holder -> holder's holder, root blockers first",
         brief=("tree", "state", "waiting_for", "wait_s", "state_s", "application", "query")),
    View("long-running", "sessions running a statement, longest first",
         brief=("pid", "duration_s", "application", "wait_event", "query")),
    View("idle-in-transaction", "sessions holding a transaction open while idle, with the locks "
         "they hold and the sessions waiting on them",
         brief=("pid", "idle_s", "xact_s", "application", "locks_held", "sessions_blocked",
                "last_query")),
    View("outliers", "statements with the most total execution time (pg_stat_statements)", True,
         brief=("total_ms", "share_pct", "calls", "mean_ms", "query")),
    View("calls", "statements run most often (pg_stat_statements)", True,
         brief=("calls", "share_pct", "total_ms", "mean_ms", "query")),
    View("bloat", "estimated dead space in tables and btree indexes (as of the last ANALYZE)"),
    View("table-sizes", "tables by total size: heap with TOAST, indexes, total"),
    View("index-sizes", "indexes by size"),
    View("index-usage", "per table, the share of scans that used an index"),
    View("unused-indexes", "indexes never scanned that enforce no constraint, biggest first",
         brief=("name", "table", "size_bytes", "table_writes")),
    View("cache-hit", "share of table and index reads served from shared buffers"),
    View("vacuum-stats", "last (auto)vacuum/analyze, dead rows, whether autovacuum is due",
         brief=("table", "last_autovacuum", "live_rows", "dead_rows", "dead_pct",
                "autovacuum_due")),
    View("seq-scans", "tables read by sequential scans, most rows read first"),
    View("replication-slots", "replication slots: active, WAL retained, replay lag",
         brief=("slot_name", "slot_type", "active", "wal_status", "retained_bytes",
                "replay_lag_bytes")),
    View("role-stats", "roles: open connections, connection limit, settings"),
    View("db-stats", "database size, cache hit ratios, deadlocks, temp files, xid age",
         single_row=True),
    View("connections", "client connections by database, role and application vs max_connections",
         brief=("database", "role", "application", "connections", "active", "idle",
                "idle_in_transaction")),
    View("index-stats", "indexes: size, scans, share of their table's scans, unused"),
    View("table-stats", "tables: size, index size, total, estimated rows, sequential scans"),
    View("traffic-profile", "tables: blocks read vs written, read-heavy or write-heavy"),
    View("xid-age", "tables by transaction-id age, against autovacuum_freeze_max_age"),
    View("toast-sizes", "TOAST tables: size, live and dead chunks"),
    View("collation-drift", "indexes whose collation version changed since they were built",
         min_server_version=150000),
]

VIEWS: dict[str, View] = {v.name: v for v in _ALL}
"""Every view by its command name, in the order ``inspect report`` runs them."""

ALIASES = {
    # the names `supabase inspect db` uses (current and deprecated) for the same questions
    "long-running-queries": "long-running",
    "table-record-counts": "table-stats",
    "total-table-sizes": "table-stats",
    "table-index-sizes": "table-stats",
    "total-index-size": "index-sizes",
    "role-connections": "connections",
    "role-configs": "role-stats",
}


def resolve(name: str) -> str:
    """The view a name or alias means (``table_sizes`` works too); NotFoundError otherwise."""
    key = name.strip().lower().replace("_", "-")
    key = ALIASES.get(key, key)
    if key in VIEWS:
        return key
    from ..catalog._model import suggest

    close = suggest(key, [*VIEWS, *ALIASES])
    raise NotFoundError(f"no inspect view {name!r}", suggestions=close,
                        hint=f"did you mean {close[0]}?" if close else ", ".join(VIEWS))


@cache
def view_sql(name: str) -> str:
    """The SQL text of a view (``{pgss}`` marks the pg_stat_statements schema)."""
    return (resources.files(__package__) / "sql" / f"{name}.sql").read_text()
