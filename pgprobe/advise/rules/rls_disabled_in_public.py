"""An exposed table the API roles can read with RLS off."""

from __future__ import annotations

from collections.abc import Iterator

from ...catalog._model import Relation
from .._context import Context
from .._finding import Finding
from ._base import Rule


def open_api_tables(ctx: Context) -> Iterator[tuple[Relation, list[str]]]:
    """Exposed tables without RLS that ``anon`` or ``authenticated`` may SELECT."""
    for rel in ctx.relations("table"):
        if rel.rls_enabled or not ctx.is_exposed(rel.schema):
            continue
        roles = ctx.api_selectable(rel)
        if roles:
            yield rel, roles


class RlsDisabledInPublic(Rule):
    name, level, category = "rls_disabled_in_public", "ERROR", "security"
    title = "RLS disabled on an exposed table"
    splinter = "0013_rls_disabled_in_public"
    what = ("A table in a schema PostgREST exposes, selectable by `anon` or "
            "`authenticated`, with row level security disabled.")
    why = "Anyone holding the public anon key can read (and with write grants, change) every row."
    fix = "`alter table ... enable row level security;` then add the policies the app needs."
    example = ("create table public.profiles (id uuid primary key, name text);\n"
               "grant select on public.profiles to anon;")

    def check(self, ctx: Context) -> Iterator[Finding]:
        for rel, roles in open_api_tables(ctx):
            yield self.finding(rel.schema, rel.name,
                               f"Table {rel.qualified_name} is exposed to {' and '.join(roles)} "
                               "but RLS is not enabled.", roles=roles)
