"""A policy calling a function the role it applies to may not execute."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from .._context import API_ROLES, Context
from .._finding import Finding
from ._base import Rule


@lru_cache(maxsize=4096)
def called_functions(expr: str | None) -> tuple[tuple[str, str], ...]:
    """Schema-qualified function calls in a policy expression, parsed with pglast."""
    if not expr:
        return ()
    from pglast import parse_sql
    from pglast.ast import FuncCall
    from pglast.visitors import Visitor

    found: list[tuple[str, str]] = []

    class Calls(Visitor):  # type: ignore[misc]
        def visit_FuncCall(self, ancestors: object, node: FuncCall) -> None:  # noqa: N802
            parts = [n.sval for n in node.funcname or ()]
            if len(parts) == 2:
                found.append((parts[0], parts[1]))

    try:
        Calls()(parse_sql(f"select {expr}"))
    except Exception:  # an expression pglast cannot read: nothing to report
        return ()
    return tuple(dict.fromkeys(found))


class PolicyFunctionNotExecutable(Rule):
    name, level, category = "policy_function_not_executable", "ERROR", "api"
    title = "Policy calls a function its role cannot execute"
    what = ("A policy on an exposed table applies to `anon` or `authenticated` (directly or "
            "through PUBLIC) and calls a function that role has no EXECUTE privilege on.")
    why = ("Every request of that role touching the table fails with 42501 \"permission "
           "denied for function\", often right after a `revoke execute ... from public`.")
    fix = "`grant execute on function ... to <role>;` or rewrite the policy without it."
    example = ("create function public.is_member() returns bool language sql stable as 'select true';\n"
               "revoke execute on function public.is_member() from public, anon, authenticated;\n"
               "create table public.docs (id bigint primary key);\n"
               "alter table public.docs enable row level security;\n"
               "create policy members on public.docs for select using ((select public.is_member()));")

    def check(self, ctx: Context) -> Iterator[Finding]:
        functions: dict[tuple[str, str], list] = {}  # type: ignore[type-arg]
        for fn in ctx.snapshot.functions:
            functions.setdefault((fn.schema, fn.name), []).append(fn)
        for rel in ctx.relations("table", "partitioned_table"):
            if not ctx.is_exposed(rel.schema) or not rel.rls_enabled:
                continue
            for pol in rel.policies:
                for role in API_ROLES:
                    if not ctx.privileges.effective(role) & set(pol.roles):
                        continue
                    yield from self._denied(ctx, rel.schema, rel.name, pol.name, role,
                                            pol.using, pol.with_check, functions)

    def _denied(self, ctx: Context, schema: str, table: str, policy: str, role: str,
                using: str | None, with_check: str | None,
                functions: dict) -> Iterator[Finding]:  # type: ignore[type-arg]
        calls = dict.fromkeys(called_functions(using) + called_functions(with_check))
        for key in calls:
            overloads = functions.get(key, [])
            if overloads and not any(ctx.privileges.function(f, role) for f in overloads):
                yield self.finding(schema, table,
                                   f"Policy {policy} on {schema}.{table} calls "
                                   f"{key[0]}.{key[1]}(), which {role} may not execute.",
                                   policy=policy, role=role, function=f"{key[0]}.{key[1]}")
