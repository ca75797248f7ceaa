"""Tables an API role may read by grant that RLS filters to nothing: "the API returns []"."""

from __future__ import annotations

from collections.abc import Iterator

from ...catalog._model import Policy, Relation
from .._context import API_ROLES, Context
from .._finding import Finding
from ._base import Rule


def reading_policies(ctx: Context, rel: Relation, role: str) -> list[Policy]:
    """Permissive SELECT/ALL policies that apply to ``role`` (directly, through PUBLIC or
    through a role it inherits)."""
    eff = ctx.privileges.effective(role)
    return [p for p in rel.policies if p.permissive and p.command in ("select", "all")
            and eff & set(p.roles)]


class RlsHidesAllRows(Rule):
    name, level, category = "rls_hides_all_rows", "INFO", "api"
    title = "Readable by grant, filtered to nothing by RLS"
    what = ("An exposed table with RLS enabled that `anon` or `authenticated` may SELECT, but "
            "no permissive SELECT (or ALL) policy applies to that role.")
    why = ("PostgREST answers 200 with `[]`: no error tells the developer that the rows are "
           "there and the policy is missing (the most common \"API returns nothing\" report).")
    fix = "Add a SELECT policy for the role, or revoke the grant if the role should not read it."
    example = ("create table public.tickets (id bigint primary key);\n"
               "alter table public.tickets enable row level security;\n"
               "grant select on public.tickets to anon, authenticated;\n"
               "create policy staff on public.tickets for select to authenticated using (true);")

    def check(self, ctx: Context) -> Iterator[Finding]:
        for rel in ctx.relations("table", "partitioned_table"):
            if not rel.rls_enabled or not ctx.is_exposed(rel.schema):
                continue
            for role in API_ROLES:
                if ctx.privileges.bypasses_rls(role) or rel.owner in ctx.privileges.effective(role):
                    continue
                if ctx.privileges.table(rel, role) and not reading_policies(ctx, rel, role):
                    yield self.finding(rel.schema, rel.name,
                                       f"{role} may select {rel.qualified_name}, but no policy "
                                       f"lets it see a row: GET /{rel.name} returns [] for "
                                       f"{role}.", role=role)
