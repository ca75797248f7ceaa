"""Identical indexes on one table."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from .._context import Context
from .._finding import Finding
from ._base import Rule


class DuplicateIndex(Rule):
    name, level, category = "duplicate_index", "WARN", "performance"
    title = "Duplicate indexes"
    splinter = "0009_duplicate_index"
    what = "Two or more indexes on a table (or materialized view) with the same definition."
    why = "Each copy slows every write and takes memory, for no read benefit."
    fix = "Drop all but one of them."
    example = ("create table public.items (id bigint primary key, sku text);\n"
               "create index items_sku_a on public.items (sku);\n"
               "create index items_sku_b on public.items (sku);")

    def check(self, ctx: Context) -> Iterator[Finding]:
        for rel in ctx.relations("table", "materialized_view", extension_owned=False):
            groups: dict[str, list[str]] = defaultdict(list)
            for idx in rel.indexes:
                groups[idx.definition.replace(idx.name, "")].append(idx.name)
            for names in groups.values():
                if len(names) > 1:
                    names = sorted(names)
                    yield self.finding(rel.schema, rel.name,
                                       f"Table {rel.qualified_name} has identical indexes "
                                       f"{', '.join(names)}; keep one.", indexes=names)
