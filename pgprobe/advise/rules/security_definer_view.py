"""A view the API can read that runs with its owner's rights."""

from __future__ import annotations

from collections.abc import Iterator

from .._context import Context
from .._finding import Finding
from ._base import Rule


class SecurityDefinerView(Rule):
    name, level, category = "security_definer_view", "ERROR", "security"
    title = "Security definer view"
    splinter = "0010_security_definer_view"
    what = ("A view in an exposed schema, selectable by `anon` or `authenticated`, that is "
            "not `security_invoker` (PostgreSQL 15+).")
    why = ("The view reads its tables with the owner's privileges and RLS (usually "
           "`postgres`, which bypasses RLS), so the API roles see rows the policies hide.")
    fix = "`alter view ... set (security_invoker = on);` or revoke SELECT from the API roles."
    example = ("create table public.t (id bigint primary key);\n"
               "create view public.t_v as select * from public.t;\n"
               "grant select on public.t_v to anon;")

    def check(self, ctx: Context) -> Iterator[Finding]:
        if ctx.snapshot.server_version_num and ctx.snapshot.server_version_num < 150000:
            return
        for rel in ctx.relations("view", extension_owned=False):
            if not ctx.is_exposed(rel.schema) or ctx.security_invoker(rel):
                continue
            roles = ctx.api_selectable(rel)
            if roles:
                yield self.finding(rel.schema, rel.name,
                                   f"View {rel.qualified_name} runs with its owner's rights "
                                   f"and is readable by {' and '.join(roles)}.", roles=roles)
