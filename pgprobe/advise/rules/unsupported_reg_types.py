"""Columns of ``reg*`` types that ``pg_upgrade`` cannot carry over."""

from __future__ import annotations

from collections.abc import Iterator

from .._context import Context
from .._finding import Finding
from ._base import Rule

REG_TYPES = frozenset({"regcollation", "regconfig", "regdictionary", "regnamespace", "regoper",
                       "regoperator", "regproc", "regprocedure"})
_SKIPPED = frozenset({"pg_catalog", "information_schema", "pgsodium"})


class UnsupportedRegTypes(Rule):
    name, level, category = "unsupported_reg_types", "WARN", "security"
    title = "Column of a reg* type pg_upgrade refuses"
    splinter = "0018_unsupported_reg_types"
    what = ("A column (of a table, view or composite type) whose type is one of the `reg*` "
            "OID-alias types other than `regclass`, `regrole` and `regtype`.")
    why = ("They store OIDs that change between clusters, so `pg_upgrade` refuses the "
           "database: Supabase cannot upgrade the project's PostgreSQL until they are gone.")
    fix = "Store the name as `text` (or use `regclass`/`regtype`/`regrole`)."
    example = "create table public.handlers (id bigint primary key, fn regproc);"

    def check(self, ctx: Context) -> Iterator[Finding]:
        for rel in ctx.relations(managed=True):
            if rel.schema in _SKIPPED:
                continue
            reg = {c.name: c.udt_name for c in rel.columns
                   if c.type_schema == "pg_catalog" and c.udt_name in REG_TYPES}
            for name, typ in reg.items():
                yield self._column(rel.schema, rel.name, name, typ)
            # an index on such a column stores the same type (PostgreSQL lists its attributes too)
            for idx in rel.indexes:
                for name in dict.fromkeys(idx.columns + idx.include):
                    if name in reg:
                        yield self._column(rel.schema, idx.name, name, reg[name])
        for comp in ctx.snapshot.composite_types:
            if comp.schema in _SKIPPED:
                continue
            for attr in comp.attributes:
                if attr.type_schema == "pg_catalog" and attr.udt_name in REG_TYPES:
                    yield self._column(comp.schema, comp.name, attr.name, attr.udt_name)

    def _column(self, schema: str, rel: str, column: str, typ: str) -> Finding:
        return self.finding(schema, rel, f"Column {schema}.{rel}.{column} has type {typ}, "
                            "which pg_upgrade does not support.", column=column, type=typ)
