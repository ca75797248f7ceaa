"""A materialized view the API roles can read."""

from __future__ import annotations

from collections.abc import Iterator

from .._context import Context
from .._finding import Finding
from ._base import Rule
from ._exposed_kind import exposed_of_kind


class MaterializedViewInApi(Rule):
    name, level, category = "materialized_view_in_api", "WARN", "security"
    title = "Materialized view in the API"
    splinter = "0016_materialized_view_in_api"
    what = "A materialized view in an exposed schema selectable by `anon` or `authenticated`."
    why = "Materialized views have no row level security: every stored row is readable."
    fix = "Revoke SELECT from the API roles or move it to an unexposed schema."
    example = ("create materialized view public.stats as select 1 as n;\n"
               "grant select on public.stats to anon;")

    def check(self, ctx: Context) -> Iterator[Finding]:
        for rel, roles in exposed_of_kind(ctx, "materialized_view"):
            yield self.finding(rel.schema, rel.name,
                               f"Materialized view {rel.qualified_name} is selectable by "
                               f"{' and '.join(roles)}.", roles=roles)
