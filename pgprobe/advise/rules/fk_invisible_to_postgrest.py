"""Foreign keys PostgREST cannot use for embedding: the other side is not exposed."""

from __future__ import annotations

from collections.abc import Iterator

from .._context import Context
from .._finding import Finding
from ._base import Rule


class FkInvisibleToPostgrest(Rule):
    name, level, category = "fk_invisible_to_postgrest", "INFO", "api"
    title = "Foreign key PostgREST cannot see"
    what = ("A foreign key from a relation in an exposed schema to a table in a schema "
            "PostgREST does not expose (e.g. `auth.users`).")
    why = ("PostgREST only builds relationships inside its exposed schemas: embedding the "
           "referenced table fails with PGRST200 \"Could not find a relationship\".")
    fix = ("Expose a view of the referenced table in an exposed schema (PostgREST follows "
           "view columns to the base table's key), or read it with a second request.")
    example = ("create schema private; create table private.orgs (id bigint primary key);\n"
               "create table public.members (id bigint primary key, "
               "org_id bigint references private.orgs);")

    def check(self, ctx: Context) -> Iterator[Finding]:
        for rel in ctx.relations("table", "partitioned_table"):
            if not ctx.is_exposed(rel.schema):
                continue
            for fk in rel.foreign_keys:
                if fk.inherited or fk.ref_schema is None or ctx.is_exposed(fk.ref_schema):
                    continue
                yield self.finding(rel.schema, rel.name,
                                   f"Foreign key {fk.name} of {rel.qualified_name} points to "
                                   f"{fk.ref}, outside the exposed schemas "
                                   f"({', '.join(ctx.exposed)}): no embed possible.",
                                   foreign_key=fk.name, references=fk.ref)
