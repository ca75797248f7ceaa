"""An extension installed into ``public``."""

from __future__ import annotations

from collections.abc import Iterator

from .._context import Context
from .._finding import Finding
from ._base import Rule


class ExtensionInPublic(Rule):
    name, level, category = "extension_in_public", "WARN", "security"
    title = "Extension in the public schema"
    splinter = "0014_extension_in_public"
    what = "An extension (other than plpgsql) whose objects live in `public`."
    why = ("Its functions, types and tables appear in the API schema, where PostgREST and "
           "pg_graphql expose them and where they clutter generated types.")
    fix = "`alter extension ... set schema extensions;` (or drop and recreate it there)."
    example = "create extension citext schema public;"

    def check(self, ctx: Context) -> Iterator[Finding]:
        for ext in ctx.snapshot.extensions:
            if ext.schema == "public" and ext.name != "plpgsql":
                yield self.finding(None, ext.name,
                                   f"Extension {ext.name} is installed in the public schema.",
                                   extension_schema=ext.schema)
