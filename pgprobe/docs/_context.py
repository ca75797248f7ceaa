"""What every page builder reads: the snapshot, the documented and exposed schemas, the
relationship index, the API roles, and where each object's page is (for links)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from ..catalog._model import Column, Function, Relation, Snapshot, _lookup
from ..relationships import RelationshipIndex
from ._diagrams import DiagramMaker
from ._paths import function_page, table_page, type_page

DEFAULT_ROLES = ("anon", "authenticated")


@dataclass
class Context:
    snapshot: Snapshot
    schemas: tuple[str, ...]
    exposed: tuple[str, ...] = ("public",)
    roles: tuple[str, ...] = DEFAULT_ROLES
    diagrams: bool = True

    @classmethod
    def build(cls, snapshot: Snapshot, schemas: Sequence[str] | None = None,
              exposed: Sequence[str] = ("public",), roles: Sequence[str] = DEFAULT_ROLES,
              diagrams: bool = True) -> Context:
        if schemas:
            known = {s.name for s in snapshot.schemas} | {r.schema for r in snapshot.relations}
            for name in schemas:
                if name not in known:
                    _lookup("schema", name, {k: k for k in known}, "the snapshot")
            chosen = tuple(sorted(set(schemas)))
        else:
            chosen = tuple(sorted(s.name for s in snapshot.schemas if s.expanded))
            if not chosen:  # a snapshot built by hand lists no schemas
                chosen = tuple(sorted({r.schema for r in snapshot.relations}))
        return cls(snapshot, chosen, tuple(exposed), tuple(roles), diagrams)

    # -- what is documented ---------------------------------------------------------------
    @cached_property
    def relations(self) -> list[Relation]:
        return sorted((r for r in self.snapshot.relations if r.schema in self.schemas
                       and not r.partition_of and not r.extension),
                      key=lambda r: (r.schema, r.name))

    @cached_property
    def functions(self) -> list[tuple[str, Function]]:
        """(page path, function), overloads numbered in identity-argument order."""
        fns = sorted((f for f in self.snapshot.functions if f.schema in self.schemas
                      and not f.extension), key=lambda f: (f.schema, f.name, f.identity_args))
        out: list[tuple[str, Function]] = []
        seen: dict[str, int] = {}
        for f in fns:
            n = seen[f.qualified_name] = seen.get(f.qualified_name, 0) + 1
            out.append((function_page(f.schema, f.name, n), f))
        return out

    @cached_property
    def types(self) -> list[tuple[str, str, object]]:
        """(page path, kind, enum or domain), by qualified name."""
        found: list[tuple[str, str, object]] = [
            (type_page(e.schema, e.name), "enum", e) for e in self.snapshot.enums
            if e.schema in self.schemas and not e.extension]
        found += [(type_page(d.schema, d.name), "domain", d) for d in self.snapshot.domains
                  if d.schema in self.schemas and not d.extension]
        return sorted(found, key=lambda t: t[0])

    @cached_property
    def type_users(self) -> dict[str, list[tuple[Relation, Column]]]:
        """Type (``schema.name``) -> the documented columns whose type it is."""
        out: dict[str, list[tuple[Relation, Column]]] = {}
        for rel in self.relations:
            for col in rel.columns:
                if col.type_kind in ("enum", "domain"):
                    out.setdefault(f"{col.type_schema}.{col.base_type}", []).append((rel, col))
        return out

    @cached_property
    def index(self) -> RelationshipIndex:
        return RelationshipIndex.from_snapshot(self.snapshot, self.exposed)

    @cached_property
    def diagram_maker(self) -> DiagramMaker:
        return DiagramMaker(self.snapshot, self.exposed)

    # -- where pages are ------------------------------------------------------------------
    @cached_property
    def page_of(self) -> dict[str, str]:
        """Qualified name -> page path for relations, functions (first overload) and types."""
        out = {r.qualified_name: table_page(r.schema, r.name) for r in self.relations}
        for path, f in self.functions:
            out.setdefault(f"fn:{f.qualified_name}", path)
        for path, _kind, t in self.types:
            out[f"type:{t.qualified_name}"] = path  # type: ignore[attr-defined]
        return out

    def relation_page(self, qualified: str) -> str | None:
        return self.page_of.get(qualified)

    def function_page(self, qualified: str) -> str | None:
        return self.page_of.get(f"fn:{qualified}")

    def type_page(self, qualified: str) -> str | None:
        return self.page_of.get(f"type:{qualified}")
