"""Shared by the two pg_graphql visibility rules."""

from __future__ import annotations

from collections.abc import Iterator

from ...catalog._model import Relation
from .._context import Context

_KINDS = ("table", "view", "materialized_view", "foreign_table")


def graphql_visible(ctx: Context, role: str) -> Iterator[Relation]:
    """Relations pg_graphql's introspection shows ``role``: any selectable column."""
    if not any(e.name == "pg_graphql" for e in ctx.snapshot.extensions):
        return
    for rel in ctx.relations(*_KINDS):
        if rel.columns and ctx.privileges.any_column(rel, role, "select"):
            yield rel
