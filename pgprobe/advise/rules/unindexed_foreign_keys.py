"""A foreign key whose columns do not lead any index."""

from __future__ import annotations

from collections.abc import Iterator

from ...catalog._model import Index, Relation
from .._context import Context
from .._finding import Finding
from ._base import Rule


def _unquote(name: str) -> str:
    return name[1:-1].replace('""', '"') if len(name) > 1 and name[0] == name[-1] == '"' else name


def _keys(index: Index) -> tuple[str, ...]:
    """The index's columns in order, key columns then INCLUDE columns (as ``indkey``)."""
    return tuple(_unquote(c) for c in index.columns) + index.include


def covering_index(rel: Relation, columns: tuple[str, ...]) -> Index | None:
    """A valid index whose leading columns are ``columns``, in that order."""
    n = len(columns)
    return next((i for i in rel.indexes if i.valid and _keys(i)[:n] == columns), None)


class UnindexedForeignKeys(Rule):
    name, level, category = "unindexed_foreign_keys", "INFO", "performance"
    title = "Foreign key without a covering index"
    splinter = "0001_unindexed_foreign_keys"
    what = ("A foreign key whose columns are not the leading columns (in the same order) of "
            "any valid index on the referencing table.")
    why = ("Deleting or updating a referenced row, and every PostgREST embed from the parent "
           "(`users?select=*,tickets(*)`), scans the child table for matching rows.")
    fix = "Create an index whose leading columns are the foreign key's columns."
    example = ("create table public.users (id bigint primary key);\n"
               "create table public.tickets (id bigint primary key, "
               "owner_id bigint references public.users);\n"
               "-- fix: create index on public.tickets (owner_id);")

    def check(self, ctx: Context) -> Iterator[Finding]:
        for rel in ctx.relations(extension_owned=False):
            for fk in rel.foreign_keys:
                if covering_index(rel, fk.columns) is None:
                    yield self.finding(
                        rel.schema, rel.name,
                        f"Table {rel.qualified_name} has foreign key {fk.name} "
                        f"({', '.join(fk.columns)}) without a covering index.",
                        foreign_key=fk.name, columns=list(fk.columns))
