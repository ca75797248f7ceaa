"""Conventions a schema follows, found rather than declared: how foreign keys are named, which
tables in the API's schemas have no row-level security, which enums exist.

>>> from pgprobe.catalog._model import Constraint, Relation, Snapshot
>>> t = Relation("public", "tickets", "table", constraints=(
...     Constraint("tickets_assignee_fkey", "foreign", ("assignee",), ref_schema="public",
...                ref_table="users", ref_columns=("id",)),
...     Constraint("fk_owner", "foreign", ("owner",), ref_schema="public", ref_table="users",
...                ref_columns=("id",))))
>>> naming = fk_naming(Snapshot(relations=(t,)).relations)
>>> naming.dominant, naming.exceptions
('{table}_{columns}_fkey (PostgreSQL default)', ('public.tickets.fk_owner',))
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..catalog._model import Constraint, Relation

# Each pattern: its description and a test of (table name, FK) -> matches.
_FK_PATTERNS: tuple[tuple[str, Callable[[str, Constraint], bool]], ...] = (
    ("{table}_{columns}_fkey (PostgreSQL default)",
     lambda t, c: c.name == f"{t}_{'_'.join(c.columns)}_fkey"[:63]),
    ("fk_{table}_{referenced table}",
     lambda t, c: c.name in (f"fk_{t}_{c.ref_table}", f"{t}_{c.ref_table}_fk")),
    ("fk_{columns}", lambda t, c: c.name == f"fk_{'_'.join(c.columns)}"),
    ("…_fkey suffix", lambda t, c: c.name.endswith("_fkey")),
    ("fk_ prefix", lambda t, c: c.name.startswith("fk_")),
    ("…_fk suffix", lambda t, c: c.name.endswith("_fk")),
)


@dataclass(frozen=True)
class FkNaming:
    total: int
    dominant: str | None
    """The pattern most foreign keys follow (None when there are none)."""
    matching: int
    exceptions: tuple[str, ...]
    """``schema.table.constraint`` of the foreign keys that follow no shared pattern."""


def _pattern_of(table: str, fk: Constraint) -> str:
    return next((name for name, test in _FK_PATTERNS if test(table, fk)), "other")


def fk_naming(relations: Sequence[Relation]) -> FkNaming:
    """The dominant FK naming pattern and the foreign keys that do not follow it."""
    found = [(r, fk, _pattern_of(r.name, fk)) for r in relations for fk in r.foreign_keys
             if not fk.inherited]
    if not found:
        return FkNaming(0, None, 0, ())
    counts = Counter(p for _, _, p in found if p != "other")
    if not counts:
        return FkNaming(len(found), None, 0, ())
    order = {name: i for i, (name, _) in enumerate(_FK_PATTERNS)}
    dominant = min(counts, key=lambda p: (-counts[p], order[p]))  # ties: the specific pattern
    exceptions = sorted(f"{r.qualified_name}.{fk.name}" for r, fk, p in found if p != dominant)
    return FkNaming(len(found), dominant, counts[dominant], tuple(exceptions))


def without_rls(relations: Sequence[Relation], exposed: Sequence[str]) -> list[Relation]:
    """Tables in the API's schemas whose RLS is off: every granted row is readable."""
    return [r for r in relations if r.kind in ("table", "partitioned_table") and not r.partition_of
            and r.schema in exposed and not r.rls_enabled]


def without_primary_key(relations: Sequence[Relation]) -> list[Relation]:
    return [r for r in relations if r.kind in ("table", "partitioned_table")
            and not r.partition_of and r.primary_key is None]
