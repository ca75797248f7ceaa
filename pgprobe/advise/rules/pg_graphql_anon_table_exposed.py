"""Relations pg_graphql shows anyone with the anon key in its schema."""

from __future__ import annotations

from collections.abc import Iterator

from .._context import Context
from .._finding import Finding
from ._base import Rule
from ._graphql import graphql_visible


class PgGraphqlAnonTableExposed(Rule):
    name, level, category = "pg_graphql_anon_table_exposed", "WARN", "security"
    title = "Relation visible to anon in the GraphQL schema"
    splinter = "0026_pg_graphql_anon_table_exposed"
    what = ("With pg_graphql installed, a table, view, materialized view or foreign table "
            "of which `anon` may select at least one column.")
    why = ("pg_graphql's introspection shows anyone with the anon key the relation's name, columns and "
           "relationships, even when RLS hides every row.")
    fix = "Revoke SELECT from anon on relations that should not be discoverable."
    example = ("create extension pg_graphql;\n"
               "create table public.internal_notes (id bigint primary key);\n"
               "grant select on public.internal_notes to anon;")

    def check(self, ctx: Context) -> Iterator[Finding]:
        for rel in graphql_visible(ctx, "anon"):
            yield self.finding(rel.schema, rel.name,
                               f"{rel.kind.replace('_', ' ').capitalize()} {rel.qualified_name} "
                               "is visible in the GraphQL schema to anon.")
