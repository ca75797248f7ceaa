"""An API-readable view that reads an RLS-protected table with its owner's rights."""

from __future__ import annotations

from collections.abc import Iterator

from ...catalog._model import Relation
from .._context import Context
from .._finding import Finding
from ._base import Rule


def _owner_escapes(ctx: Context, view: Relation, table: Relation) -> bool:
    owner = view.owner or ""
    if ctx.privileges.bypasses_rls(owner):
        return True
    return table.owner == owner and not table.rls_forced


class ViewBypassesRls(Rule):
    name, level, category = "view_bypasses_rls", "ERROR", "security"
    title = "View bypasses its base table's RLS"
    what = ("A view in an exposed schema, readable by `anon` or `authenticated`, not "
            "`security_invoker`, over a table with RLS enabled, owned by a role to which "
            "that RLS does not apply (superuser, BYPASSRLS, or the table's owner).")
    why = ("The policies on the base table are skipped for every API request through the "
           "view: rows the table hides are served by the view.")
    fix = "`alter view ... set (security_invoker = on);` so the caller's RLS applies."
    example = ("create table public.salaries (id bigint primary key, amount int);\n"
               "alter table public.salaries enable row level security;\n"
               "create view public.salaries_v as select * from public.salaries;\n"
               "grant select on public.salaries_v to anon;")

    def check(self, ctx: Context) -> Iterator[Finding]:
        for view in ctx.relations("view", "materialized_view"):
            if not ctx.is_exposed(view.schema) or ctx.security_invoker(view):
                continue
            roles = ctx.api_selectable(view)
            if not roles:
                continue
            bases = [t for t in (ctx.relation(n) for n in view.depends_on)
                     if t is not None and t.rls_enabled and _owner_escapes(ctx, view, t)]
            if bases:
                names = [t.qualified_name for t in bases]
                yield self.finding(view.schema, view.name,
                                   f"View {view.qualified_name} serves {', '.join(names)} to "
                                   f"{' and '.join(roles)} without their RLS (owner "
                                   f"{view.owner}).", base_tables=names, roles=roles)
