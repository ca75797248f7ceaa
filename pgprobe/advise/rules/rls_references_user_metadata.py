"""A policy that trusts ``user_metadata``, which users edit themselves."""

from __future__ import annotations

from collections.abc import Iterator

from .._context import Context
from .._finding import Finding
from .._like import like
from ._base import Rule

_PATTERNS = ("%auth.jwt()%user_metadata%", "%current_setting(%request.jwt.claims%)%user_metadata%")


def reads_user_metadata(expr: str | None) -> bool:
    return any(like(expr, p) for p in _PATTERNS)


class RlsReferencesUserMetadata(Rule):
    name, level, category = "rls_references_user_metadata", "ERROR", "security"
    title = "RLS policy references user_metadata"
    splinter = "0015_rls_references_user_metadata"
    what = "A policy that reads `user_metadata` from the JWT."
    why = ("Any signed-in user can set their own `user_metadata` "
           "(`supabase.auth.updateUser({data})`), so a policy that trusts it grants whatever "
           "the user writes there.")
    fix = "Use `app_metadata` (only the service role can write it) or a table of your own."
    example = ("create table public.admin_notes (id bigint primary key);\n"
               "alter table public.admin_notes enable row level security;\n"
               "create policy admins on public.admin_notes using "
               "(((select auth.jwt()) -> 'user_metadata' ->> 'role') = 'admin');")

    def check(self, ctx: Context) -> Iterator[Finding]:
        for rel in ctx.relations():
            for pol in rel.policies:
                if reads_user_metadata(pol.using) or reads_user_metadata(pol.with_check):
                    yield self.finding(rel.schema, rel.name,
                                       f"Policy {pol.name} on {rel.qualified_name} trusts "
                                       "user_metadata, which users can edit.", policy=pol.name)
