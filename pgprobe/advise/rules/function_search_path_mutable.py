"""A function without a fixed ``search_path``."""

from __future__ import annotations

from collections.abc import Iterator

from .._context import Context
from .._finding import Finding
from ._base import Rule


class FunctionSearchPathMutable(Rule):
    name, level, category = "function_search_path_mutable", "WARN", "security"
    title = "Function search_path is mutable"
    splinter = "0011_function_search_path_mutable"
    what = "A function or procedure without `set search_path = ...` in its definition."
    why = ("Names in its body resolve through the caller's search_path: a caller who can "
           "create objects earlier in that path can substitute their own table or function, "
           "dangerous above all in `security definer` functions.")
    fix = "`alter function ... set search_path = '';` and schema-qualify the names inside."
    example = ("create function public.add(a int, b int) returns int language sql "
               "as 'select a + b';")

    def check(self, ctx: Context) -> Iterator[Finding]:
        for fn in ctx.functions(extension_owned=False):
            if not any(c.startswith("search_path=") for c in fn.config):
                yield self.finding(fn.schema, fn.name,
                                   f"Function {fn.signature} has a role-mutable search_path.",
                                   arguments=fn.identity_args)
