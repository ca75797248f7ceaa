"""What the two Splinter lints on callable SECURITY DEFINER functions share: only the role."""

from __future__ import annotations

from collections.abc import Iterator

from .._context import Context
from .._finding import Finding
from ._base import Rule


class SecurityDefinerExecutableBy(Rule):
    """A ``security definer`` function in an exposed schema that ``role`` may execute."""

    role = ""

    def check(self, ctx: Context) -> Iterator[Finding]:
        for fn in ctx.functions():
            if (fn.security_definer and ctx.is_exposed(fn.schema)
                    and ctx.privileges.function(fn, self.role)):
                yield self.finding(fn.schema, fn.name,
                                   f"Function {fn.signature} runs as its owner and {self.role} "
                                   f"can call it via /rest/v1/rpc/{fn.name}.",
                                   arguments=fn.identity_args)
