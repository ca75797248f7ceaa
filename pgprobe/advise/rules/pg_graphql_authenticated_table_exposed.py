"""Relations pg_graphql shows every signed-in user in its schema."""

from __future__ import annotations

from collections.abc import Iterator

from .._context import Context
from .._finding import Finding
from ._base import Rule
from ._graphql import graphql_visible


class PgGraphqlAuthenticatedTableExposed(Rule):
    name, level, category = "pg_graphql_authenticated_table_exposed", "WARN", "security"
    title = "Relation visible to authenticated in the GraphQL schema"
    splinter = "0027_pg_graphql_authenticated_table_exposed"
    what = ("With pg_graphql installed, a table, view, materialized view or foreign table "
            "of which `authenticated` may select at least one column.")
    why = ("pg_graphql's introspection shows every signed-in user the relation's name, columns and "
           "relationships, even when RLS hides every row.")
    fix = "Revoke SELECT from authenticated on relations that should not be discoverable."
    example = ("create extension pg_graphql;\n"
               "create table public.internal_notes (id bigint primary key);\n"
               "grant select on public.internal_notes to authenticated;")

    def check(self, ctx: Context) -> Iterator[Finding]:
        for rel in graphql_visible(ctx, "authenticated"):
            yield self.finding(rel.schema, rel.name,
                               f"{rel.kind.replace('_', ' ').capitalize()} {rel.qualified_name} "
                               "is visible in the GraphQL schema to authenticated.")
