"""A view or materialized view over ``auth.users`` that API roles can read."""

from __future__ import annotations

from collections.abc import Iterator

from .._context import Context
from .._finding import Finding
from ._base import Rule


class AuthUsersExposed(Rule):
    name, level, category = "auth_users_exposed", "ERROR", "security"
    title = "auth.users exposed through a view"
    splinter = "0002_auth_users_exposed"
    what = ("A view or materialized view in an exposed schema that reads `auth.users` "
            "directly and that `anon` or `authenticated` may select, when it does not run "
            "with the caller's rights (materialized views never do; a `security_invoker` "
            "view only protects rows if `auth.users` has RLS).")
    why = ("Every signed-up user's email, phone and metadata become readable through "
           "`/rest/v1/<view>` with the public anon key.")
    fix = ("Revoke SELECT on the view from anon and authenticated, move it to an unexposed "
           "schema, or make it `security_invoker` over a table with RLS.")
    example = ("create view public.profiles_v as select id, email from auth.users;\n"
               "grant select on public.profiles_v to anon;")

    def check(self, ctx: Context) -> Iterator[Finding]:
        users = ctx.relation("auth.users")
        users_rls = users.rls_enabled if users is not None else True
        for rel in ctx.relations("view", "materialized_view", managed=True):
            if "auth.users" not in rel.depends_on or not ctx.is_exposed(rel.schema):
                continue
            roles = ctx.api_selectable(rel)
            if not roles:
                continue
            invoker = ctx.security_invoker(rel)
            if rel.kind == "view" and invoker and users_rls:
                continue
            yield self.finding(rel.schema, rel.name,
                               f"View {rel.qualified_name} may expose auth.users to "
                               f"{' and '.join(roles)}.", exposed_to=roles,
                               security_invoker=invoker)
