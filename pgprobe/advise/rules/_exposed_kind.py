"""Shared by the rules about relation kinds that should not be in the API."""

from __future__ import annotations

from collections.abc import Iterator

from ...catalog._model import Relation
from .._context import Context


def exposed_of_kind(ctx: Context, kind: str) -> Iterator[tuple[Relation, list[str]]]:
    for rel in ctx.relations(kind, extension_owned=False):
        if ctx.is_exposed(rel.schema):
            roles = ctx.api_selectable(rel)
            if roles:
                yield rel, roles
