"""``Docs``: the documentation of one snapshot as pages in memory, built on demand.

>>> from pgprobe.catalog._model import Column, Relation, Snapshot
>>> snap = Snapshot(database="app", relations=(Relation("public", "notes", "table",
...     columns=(Column("id", 1, "bigint", "int8", nullable=False),)),))
>>> docs = Docs(snap, diagrams=False)
>>> [p.path for p in docs.pages()]
['README.md', 'tables/public.notes.md']
>>> "| 1 | `id` | `bigint` | no |" in docs.table("public.notes").markdown()
True
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from functools import cached_property
from typing import Any

from .._errors import NotFoundError
from ..catalog._model import Snapshot, _lookup, split_name
from ._changelog import changelog_page_for
from ._context import DEFAULT_ROLES, Context
from ._index_page import index_page_for
from ._object_pages import domain_page_for, enum_page_for, function_page_for
from ._page import Page
from ._table_page import table_page_for


class Docs:
    """Schema documentation for ``snapshot``: ``README.md``, one page per table, view,
    function, enum and domain, and ``CHANGELOG.md`` when ``since`` (an older snapshot) is given.

    ``schemas`` are the schemas to document (default: every schema the snapshot read);
    ``exposed`` the schemas PostgREST serves (its ``db-schemas``); ``roles`` the API roles
    whose reads each table page spells out. Pages display as HTML in notebooks.
    """

    def __init__(self, snapshot: Snapshot, *, schemas: Sequence[str] | None = None,
                 exposed: Sequence[str] = ("public",), roles: Sequence[str] = DEFAULT_ROLES,
                 since: Snapshot | None = None, since_label: str = "before",
                 diagrams: bool = True, generated_at: str | None = None):
        self.snapshot = snapshot
        self.context = Context.build(snapshot, schemas, exposed, roles, diagrams)
        self.since = since
        self.since_label = since_label
        self.generated_at = generated_at
        self.requested_schemas = tuple(schemas) if schemas else None
        self.links_changelog = since is not None
        """The README links CHANGELOG.md (``docs check`` keeps the link without the old snapshot)."""

    @property
    def options(self) -> dict[str, Any]:
        """What decides the output besides the snapshot (kept in the manifest for ``check``)."""
        return {"schemas": list(self.requested_schemas) if self.requested_schemas else None,
                "exposed": list(self.context.exposed), "roles": list(self.context.roles),
                "diagrams": self.context.diagrams, "changelog": self.since is not None,
                "since_label": self.since_label if self.since is not None else None,
                "generated_at": self.generated_at}

    # -- single pages (notebooks) ------------------------------------------------------
    @cached_property
    def readme(self) -> Page:
        return index_page_for(self.context, changelog=self.links_changelog,
                              generated_at=self.generated_at)

    def table(self, name: str) -> Page:
        """The page of a table or view: ``docs.table("public.tickets")``."""
        rel = self.snapshot.table(name)
        if self.context.relation_page(rel.qualified_name) is None:
            raise NotFoundError(f"{rel.qualified_name} is not documented (schemas: "
                                f"{', '.join(self.context.schemas)})")
        return table_page_for(self.context, rel)

    def function(self, name: str) -> Page:
        """The page of a function (its first overload): ``docs.function("public.search_tickets")``."""
        schema, bare = split_name(name)
        found = {f.qualified_name: (p, f) for p, f in reversed(self.context.functions)}
        path, fn = _lookup("function", f"{schema}.{bare}", found)
        return function_page_for(self.context, path, fn)

    def type(self, name: str) -> Page:
        """The page of an enum or domain: ``docs.type("public.ticket_status")``."""
        schema, bare = split_name(name)
        found = {t.qualified_name: (p, k, t) for p, k, t in self.context.types}  # type: ignore[attr-defined]
        path, kind, obj = _lookup("type", f"{schema}.{bare}", found)
        return (enum_page_for if kind == "enum" else domain_page_for)(self.context, path, obj)  # type: ignore[arg-type]

    # -- the whole tree -----------------------------------------------------------------
    def pages(self) -> list[Page]:
        """Every page, sorted by path (the order files are written in)."""
        tables = self.table_pages(r.qualified_name for r in self.context.relations)
        return sorted([*self.other_pages(), *tables], key=lambda p: p.path)

    def table_pages(self, names: Iterable[str]) -> list[Page]:
        """The pages of these documented relations (``schema.name``)."""
        return [table_page_for(self.context, self.snapshot.table(n)) for n in names]

    def other_pages(self) -> list[Page]:
        """README, CHANGELOG, function and type pages."""
        ctx = self.context
        pages = [self.readme]
        if self.since is not None:
            pages.append(changelog_page_for(ctx, self.since, self.since_label))
        pages += [function_page_for(ctx, p, f) for p, f in ctx.functions]
        for path, kind, obj in ctx.types:
            pages.append((enum_page_for if kind == "enum" else domain_page_for)(ctx, path, obj))  # type: ignore[arg-type]
        return pages

    def write(self, out: str | os.PathLike[str], *, format: str = "md",
              jobs: int | None = None) -> Any:
        """Write the tree to ``out`` (``md`` or ``html``); rewrites only what changed."""
        from ._output import write_tree

        return write_tree(self, out, format=format, jobs=jobs)

    def _repr_html_(self) -> str:
        return self.readme._repr_html_()

    def __repr__(self) -> str:
        ctx = self.context
        return (f"<Docs {self.snapshot.database or '?'}: {len(ctx.relations)} relations, "
                f"{len(ctx.functions)} functions, {len(ctx.types)} types in "
                f"{', '.join(ctx.schemas)}>")
