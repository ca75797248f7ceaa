"""Several permissive policies for the same role and action on one table."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from .._context import Context
from .._finding import Finding
from .._like import like
from ._base import Rule

ACTIONS = {"select": ("SELECT",), "insert": ("INSERT",), "update": ("UPDATE",),
           "delete": ("DELETE",), "all": ("SELECT", "INSERT", "UPDATE", "DELETE")}


class MultiplePermissivePolicies(Rule):
    name, level, category = "multiple_permissive_policies", "WARN", "performance"
    title = "Multiple permissive policies for one role and action"
    splinter = "0006_multiple_permissive_policies"
    what = ("Two or more permissive policies on a table apply to the same role for the same "
            "action (`FOR ALL` counts for every action; `TO public` for every role).")
    why = ("PostgreSQL evaluates every one of them for every row and ORs the results; one "
           "policy with the conditions combined is cheaper and easier to audit.")
    fix = "Merge the policies into one per role and action (combine the conditions with OR)."
    example = ("create table public.posts (id bigint primary key, published bool, author uuid);\n"
               "alter table public.posts enable row level security;\n"
               "create policy read_published on public.posts for select using (published);\n"
               "create policy read_own on public.posts for select "
               "using (author = (select auth.uid()));")

    def check(self, ctx: Context) -> Iterator[Finding]:
        roles = [r.name for r in ctx.snapshot.roles
                 if not like(r.name, "pg_%") and not like(r.name, "supabase%admin")
                 and not r.bypass_rls]
        for rel in ctx.relations("table", extension_owned=False):
            groups: dict[tuple[str, str], list[str]] = defaultdict(list)
            for pol in rel.policies:
                if not pol.permissive:
                    continue
                applies = roles if pol.roles == ("public",) else [r for r in roles
                                                                 if r in pol.roles]
                for role in applies:
                    for action in ACTIONS[pol.command]:
                        groups[(role, action)].append(pol.name)
            for (role, action), names in sorted(groups.items()):
                if len(names) > 1:
                    yield self.finding(
                        rel.schema, rel.name,
                        f"Table {rel.qualified_name} has {len(names)} permissive policies for "
                        f"role {role} and {action}: {', '.join(sorted(names))}.",
                        role=role, action=action, policies=sorted(names))
