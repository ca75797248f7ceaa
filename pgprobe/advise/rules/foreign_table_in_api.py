"""A foreign table the API roles can read."""

from __future__ import annotations

from collections.abc import Iterator

from .._context import Context
from .._finding import Finding
from ._base import Rule
from ._exposed_kind import exposed_of_kind


class ForeignTableInApi(Rule):
    name, level, category = "foreign_table_in_api", "WARN", "security"
    title = "Foreign table in the API"
    splinter = "0017_foreign_table_in_api"
    what = "A foreign table in an exposed schema selectable by `anon` or `authenticated`."
    why = "Foreign tables do not support row level security: the remote rows are all readable."
    fix = "Revoke SELECT from the API roles or move it to an unexposed schema."
    example = ("create extension postgres_fdw;\n"
               "create server other foreign data wrapper postgres_fdw;\n"
               "create foreign table public.remote (id int) server other;\n"
               "grant select on public.remote to anon;")

    def check(self, ctx: Context) -> Iterator[Finding]:
        for rel, roles in exposed_of_kind(ctx, "foreign_table"):
            yield self.finding(rel.schema, rel.name,
                               f"Foreign table {rel.qualified_name} is selectable by "
                               f"{' and '.join(roles)}.", roles=roles)
