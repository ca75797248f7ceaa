"""RLS enabled with no policy: nobody but the owner and bypassing roles sees a row."""

from __future__ import annotations

from collections.abc import Iterator

from .._context import Context
from .._finding import Finding
from ._base import Rule


class RlsEnabledNoPolicy(Rule):
    name, level, category = "rls_enabled_no_policy", "INFO", "security"
    title = "RLS enabled, no policy"
    splinter = "0008_rls_enabled_no_policy"
    what = "A table with row level security enabled and no policy at all."
    why = ("Every API request returns `[]` and every write fails with a policy violation; "
           "often intended (service-role-only tables), sometimes a forgotten policy.")
    fix = "Add the policies the API roles need, or document that only service_role uses it."
    example = ("create table public.secrets (id bigint primary key);\n"
               "alter table public.secrets enable row level security;")

    def check(self, ctx: Context) -> Iterator[Finding]:
        for rel in ctx.relations("table", extension_owned=False):
            if rel.rls_enabled and not rel.policies:
                yield self.finding(rel.schema, rel.name,
                                   f"Table {rel.qualified_name} has RLS enabled but no policy.")
