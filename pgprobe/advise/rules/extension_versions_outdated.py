"""An extension older than the version the server would install."""

from __future__ import annotations

from collections.abc import Iterator

from .._context import Context
from .._finding import Finding
from ._base import Rule


class ExtensionVersionsOutdated(Rule):
    name, level, category = "extension_versions_outdated", "WARN", "security"
    title = "Extension version outdated"
    splinter = "0022_extension_versions_outdated"
    what = "An installed extension whose version differs from the server's default version."
    why = "Older extension versions miss security and correctness fixes the server already ships."
    fix = "`alter extension ... update;` (read the extension's upgrade notes first)."
    example = "create extension hstore version '1.7';"

    def check(self, ctx: Context) -> Iterator[Finding]:
        for ext in ctx.snapshot.extensions:
            if ext.default_version is not None and ext.version != ext.default_version:
                yield self.finding(None, ext.name,
                                   f"Extension {ext.name} is at version {ext.version}; the "
                                   f"server's default is {ext.default_version}.",
                                   installed_version=ext.version,
                                   default_version=ext.default_version)
