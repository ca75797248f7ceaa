"""Policies written on a table whose RLS is off: they do nothing."""

from __future__ import annotations

from collections.abc import Iterator

from .._context import Context
from .._finding import Finding
from ._base import Rule


class PolicyExistsRlsDisabled(Rule):
    name, level, category = "policy_exists_rls_disabled", "ERROR", "security"
    title = "Policies exist but RLS is disabled"
    splinter = "0007_policy_exists_rls_disabled"
    what = "A table has row level security policies but RLS is not enabled on it."
    why = ("The policies are ignored: every role with a grant sees and changes every row, "
           "while the dashboard shows policies that look protective.")
    fix = "`alter table ... enable row level security;` (or drop the unused policies)."
    example = ("create table public.orders (id bigint primary key, owner uuid);\n"
               "create policy own on public.orders using (owner = (select auth.uid()));")

    def check(self, ctx: Context) -> Iterator[Finding]:
        for rel in ctx.relations("table", extension_owned=False):
            if rel.policies and not rel.rls_enabled:
                names = sorted(p.name for p in rel.policies)
                yield self.finding(rel.schema, rel.name,
                                   f"Table {rel.qualified_name} has policies "
                                   f"({', '.join(names)}) but RLS is disabled.",
                                   policies=names)
