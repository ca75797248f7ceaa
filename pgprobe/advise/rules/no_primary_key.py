"""A table without a primary key."""

from __future__ import annotations

from collections.abc import Iterator

from .._context import Context
from .._finding import Finding
from ._base import Rule


class NoPrimaryKey(Rule):
    name, level, category = "no_primary_key", "INFO", "performance"
    title = "Table without a primary key"
    splinter = "0004_no_primary_key"
    what = "A table (or partition) with no primary key."
    why = ("Rows cannot be addressed reliably: PostgREST cannot build to-one embeds to it, "
           "upserts and logical replication (Realtime) need a key, and updates through the "
           "Table Editor are refused.")
    fix = "Add a primary key (an identity column if nothing natural exists)."
    example = "create table public.events (name text);\n-- fix: alter table public.events add column id bigint generated always as identity primary key;"

    def check(self, ctx: Context) -> Iterator[Finding]:
        for rel in ctx.relations("table", extension_owned=False):
            if not any(i.primary for i in rel.indexes) and rel.primary_key is None:
                yield self.finding(rel.schema, rel.name,
                                   f"Table {rel.qualified_name} has no primary key.")
