"""What every rule reads: the snapshot, the exposed schemas, privileges, and (from a live
database) the statistics views.

>>> from pgprobe.catalog._model import Snapshot
>>> Context(Snapshot(pgrst_db_schemas="public, api")).exposed
('public', 'api')
>>> Context(Snapshot()).exposed
('public',)
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from ..catalog._model import Function, Relation, Snapshot
from ._privileges import Privileges

API_ROLES = ("anon", "authenticated")

# Schemas Supabase manages (plus extensions' own): Splinter leaves them out of most lints.
MANAGED_SCHEMAS = frozenset({
    "_timescaledb_cache", "_timescaledb_catalog", "_timescaledb_config",
    "_timescaledb_internal", "auth", "cron", "extensions", "graphql", "graphql_public",
    "information_schema", "net", "pgmq", "pgroonga", "pgsodium", "pgsodium_masks", "pgtle",
    "pgbouncer", "pg_catalog", "realtime", "repack", "storage", "supabase_functions",
    "supabase_migrations", "tiger", "topology", "vault",
})
"""Left out by most rules (policies on ``realtime`` are still checked by the RLS-per-row
performance rule, which monitors ``realtime.messages``)."""

_INVOKER = frozenset({"security_invoker=1", "security_invoker=true", "security_invoker=yes",
                      "security_invoker=on"})


def exposed_schemas(snapshot: Snapshot, override: Sequence[str] | None = None) -> tuple[str, ...]:
    """The schemas PostgREST serves: ``override``, else ``pgrst.db_schemas`` as the database
    session reports it (comma-separated, trimmed), else PostgREST's default ``public``."""
    if override:
        return tuple(override)
    if snapshot.pgrst_db_schemas is not None:
        return tuple(s.strip() for s in snapshot.pgrst_db_schemas.split(","))
    return ("public",)


@dataclass
class LiveStatistics:
    """Facts only a live database has: usage statistics and Storage's bucket rows."""

    index_usage: list[dict[str, Any]] = field(default_factory=list)
    table_widths: list[dict[str, Any]] = field(default_factory=list)
    block_size: int = 8192
    public_buckets: list[dict[str, Any]] = field(default_factory=list)
    stats_since: Any = None
    stats_age_hours: float | None = None


class Context:
    def __init__(self, snapshot: Snapshot, exposed: Sequence[str] | None = None,
                 live: LiveStatistics | None = None):
        self.snapshot = snapshot
        self.exposed = exposed_schemas(snapshot, exposed)
        self.live = live
        self.privileges = Privileges(snapshot)
        self.notes: list[str] = []

    # -- relations -------------------------------------------------------
    def relations(self, *kinds: str, managed: bool = False,
                  extension_owned: bool = True) -> Iterator[Relation]:
        """Relations of ``kinds`` (all when empty); ``managed=False`` leaves out
        :data:`MANAGED_SCHEMAS`, ``extension_owned=False`` objects ``CREATE EXTENSION`` made."""
        for rel in self.snapshot.relations:
            if kinds and rel.kind not in kinds:
                continue
            if not managed and rel.schema in MANAGED_SCHEMAS:
                continue
            if not extension_owned and rel.extension is not None:
                continue
            yield rel

    def functions(self, *, managed: bool = False,
                  extension_owned: bool = True) -> Iterator[Function]:
        for fn in self.snapshot.functions:
            if not managed and fn.schema in MANAGED_SCHEMAS:
                continue
            if not extension_owned and fn.extension is not None:
                continue
            yield fn

    @cached_property
    def _by_name(self) -> dict[str, Relation]:
        return {r.qualified_name: r for r in self.snapshot.relations}

    def relation(self, qualified: str) -> Relation | None:
        return self._by_name.get(qualified)

    def is_exposed(self, schema: str) -> bool:
        return schema in self.exposed

    def api_selectable(self, rel: Relation) -> list[str]:
        """The API roles (``anon``, ``authenticated``) that may SELECT the whole table."""
        return [r for r in API_ROLES if self.privileges.table(rel, r, "select")]

    @staticmethod
    def security_invoker(rel: Relation) -> bool:
        return any(o.lower() in _INVOKER for o in rel.options)

    def missing_api_roles(self) -> list[str]:
        return [r for r in API_ROLES if not self.privileges.exists(r)]

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)
