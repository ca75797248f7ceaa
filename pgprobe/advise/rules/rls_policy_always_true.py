"""A write policy for the API roles that lets every row through."""

from __future__ import annotations

from collections.abc import Iterator

from ...catalog._model import Policy
from .._context import Context
from .._finding import Finding
from ._always_true import always_true
from ._base import Rule


def _open_using(pol: Policy) -> bool:
    return pol.command in ("update", "delete", "all") and (
        always_true(pol.using) or pol.using is None)


def _open_check(pol: Policy) -> bool:
    if always_true(pol.with_check):
        return True
    if pol.with_check is not None:
        return False
    return pol.command == "insert" or (pol.command in ("update", "all") and always_true(pol.using))


class RlsPolicyAlwaysTrue(Rule):
    name, level, category = "rls_policy_always_true", "WARN", "security"
    title = "RLS policy always true"
    splinter = "0024_rls_policy_always_true"
    what = ("A permissive policy for `anon`, `authenticated` or PUBLIC whose USING (for "
            "update/delete/all) or WITH CHECK is `true` or missing, on a table with RLS. "
            "Read-only `using (true)` policies are deliberate public reads and not reported.")
    why = "RLS is on, but for that role and action every row may be changed: a false sense of security."
    fix = "Give the policy a real condition (e.g. `owner = (select auth.uid())`)."
    example = ("create table public.comments (id bigint primary key, body text);\n"
               "alter table public.comments enable row level security;\n"
               "create policy anyone_edits on public.comments for update to anon using (true);")

    def check(self, ctx: Context) -> Iterator[Finding]:
        for rel in ctx.relations("table"):
            if not rel.rls_enabled:
                continue
            for pol in rel.policies:
                if not pol.permissive or not (pol.roles == ("public",) or
                                              {"anon", "authenticated"} & set(pol.roles)):
                    continue
                using, check = _open_using(pol), _open_check(pol)
                if using or check:
                    clause = " and ".join(c for c, on in (("USING", using), ("WITH CHECK", check))
                                          if on)
                    yield self.finding(
                        rel.schema, rel.name,
                        f"Policy {pol.name} ({pol.command.upper()}) on {rel.qualified_name} lets "
                        f"{', '.join(pol.roles)} through unconditionally ({clause}).",
                        policy=pol.name, command=pol.command.upper(), roles=list(pol.roles))
