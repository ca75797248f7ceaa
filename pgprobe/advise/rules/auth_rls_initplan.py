"""RLS policies that call ``auth.uid()`` (and friends) once per row instead of once."""

from __future__ import annotations

from collections.abc import Iterator

from .._context import MANAGED_SCHEMAS, Context
from .._finding import Finding
from .._like import like
from ._base import Rule

_CALLS = ("auth.uid()", "auth.jwt()", "auth.role()", "auth.email()")


def per_row_call(expr: str | None) -> str | None:
    """The first per-row call in a policy expression (not wrapped in ``(select ...)``)."""
    if expr is None:
        return None
    lowered = expr.lower()
    for call in _CALLS:
        if call in expr and f"select {call}" not in lowered:
            return call
    if like(expr, r"%current\_setting(%)%") and not like(lowered, r"%select current\_setting(%)%"):
        return "current_setting()"
    return None


class AuthRlsInitplan(Rule):
    name, level, category = "auth_rls_initplan", "WARN", "performance"
    title = "RLS policy re-evaluates auth functions for each row"
    splinter = "0003_auth_rls_initplan"
    what = ("A policy on a table with RLS enabled that calls `auth.uid()`, `auth.jwt()`, "
            "`auth.role()`, `auth.email()` or `current_setting()` directly instead of as "
            "`(select auth.uid())`.")
    why = ("PostgreSQL calls the function for every row it filters; wrapped in a sub-select "
           "it becomes an init plan evaluated once per query, which is orders of magnitude "
           "faster on large tables.")
    fix = "Write `(select auth.uid())` instead of `auth.uid()` in the policy."
    example = ("create table public.notes (id bigint primary key, owner uuid);\n"
               "alter table public.notes enable row level security;\n"
               "create policy own on public.notes using (owner = auth.uid());\n"
               "-- fix: using (owner = (select auth.uid()))")

    def check(self, ctx: Context) -> Iterator[Finding]:
        skip = MANAGED_SCHEMAS - {"realtime"}
        for rel in ctx.relations(managed=True):
            if rel.schema in skip or not rel.rls_enabled:
                continue
            for pol in rel.policies:
                call = per_row_call(pol.using) or per_row_call(pol.with_check)
                if call:
                    yield self.finding(
                        rel.schema, rel.name,
                        f"Policy {pol.name} on {rel.qualified_name} calls {call} for each row.",
                        policy=pol.name, call=call)
