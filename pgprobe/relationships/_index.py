"""RelationshipIndex: relationships derived once from a Snapshot, looked up like PostgREST.

>>> from pgprobe.catalog._model import Constraint, Relation, Snapshot
>>> users = Relation("public", "users", "table",
...                  constraints=(Constraint("users_pkey", "primary", ("id",)),))
>>> tickets = Relation("public", "tickets", "table", constraints=(
...     Constraint("tickets_pkey", "primary", ("id",)),
...     Constraint("tickets_created_by_fkey", "foreign", ("created_by",), ref_schema="public",
...                ref_table="users", ref_columns=("id",)),
...     Constraint("tickets_assignee_fkey", "foreign", ("assignee",), ref_schema="public",
...                ref_table="users", ref_columns=("id",))))
>>> idx = RelationshipIndex.from_snapshot(Snapshot(relations=(users, tickets)))
>>> idx.find("public", "tickets", "users", hint="tickets_assignee_fkey").columns
(('assignee', 'id'),)
>>> idx.find("public", "tickets", "users")
Traceback (most recent call last):
...
pgprobe.relationships._errors.EmbedError: PGRST201: Could not embed because more than one relationship was found for 'tickets' and 'users' (hint: Try changing 'users' to one of the following: 'users!tickets_assignee_fkey', 'users!tickets_created_by_fkey'. Find the desired relationship in the 'details' key.)
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cached_property
from typing import Any

from ..catalog._model import Relation, Snapshot, split_name
from ._build import RelMap, build_relationship_map, ordered_primary_keys
from ._errors import ambiguous, no_relationship
from ._fuzzy import FuzzySet
from ._model import AnyRelationship, ComputedRelationship, QualifiedName


def _single(columns: tuple[tuple[str, str], ...], side: int) -> str | None:
    return columns[0][side] if len(columns) == 1 else None


def matches(rel: AnyRelationship, target: str, hint: str | None) -> bool:
    """Whether ``target!hint`` selects ``rel`` from its table (PostgREST's ``findRel`` rules).

    Without a hint the target may be the foreign table's name, the FK constraint's name or
    a single FK column (the last two only when the target is not a view). With a hint the
    target must be the table name and the hint the constraint, a single FK column, the
    referenced column, or the junction's name. Self-relationships follow their own
    convention: table name = children (one-to-many), FK column = parent (many-to-one);
    with a hint only the children side, by the child's FK column.
    """
    if isinstance(rel, ComputedRelationship):
        return target == rel.function.name
    card = rel.cardinality
    fk_col = _single(rel.columns, 0) if card != "m2m" else None
    ref_col = _single(rel.columns, 1) if card != "m2m" else None
    is_ft = target == rel.foreign_table.name
    if rel.is_self:
        if hint is None:
            return (is_ft and card == "o2m") or (target == fk_col and card == "m2o")
        return is_ft and card == "o2m" and hint == ref_col
    if hint is None:
        return is_ft or (not rel.foreign_table_is_view and card != "m2m" and (
            target == rel.constraint or target == fk_col))
    if not is_ft:
        return False
    if card == "m2m":
        return rel.junction is not None and hint == rel.junction.table.name
    return hint in (rel.constraint, fk_col, ref_col)


class RelationshipIndex:
    """All relationships PostgREST would know for the exposed ``schemas`` (``db-schemas``)."""

    def __init__(self, relmap: RelMap, schemas: Sequence[str], snapshot: Snapshot | None = None):
        self._map = relmap
        self.schemas: tuple[str, ...] = tuple(schemas)
        self.snapshot = snapshot
        self._by_name: dict[str, tuple[Relation, ...]] | None = None

    def relations_named(self, name: str) -> tuple[Relation, ...]:
        """The snapshot's relations called ``name``, in any schema (an index built on first
        use: explanations ask by name, and a tenant database has 20,000 relations)."""
        if self.snapshot is None:
            return ()
        if self._by_name is None:
            by_name: dict[str, list[Relation]] = {}
            for rel in self.snapshot.relations:
                by_name.setdefault(rel.name, []).append(rel)
            self._by_name = {key: tuple(found) for key, found in by_name.items()}
        return self._by_name.get(name, ())

    @classmethod
    def from_snapshot(cls, snapshot: Snapshot, schemas: Sequence[str] | str = ("public",)
                      ) -> RelationshipIndex:
        """Build the index; ``schemas`` are PostgREST's ``db-schemas`` (exposed schemas)."""
        if isinstance(schemas, str):
            schemas = [s.strip() for s in schemas.split(",") if s.strip()]
        return cls(build_relationship_map(snapshot, schemas), schemas, snapshot)

    # -- browsing --------------------------------------------------------
    def __iter__(self) -> Iterator[AnyRelationship]:
        for key in sorted(self._map, key=lambda k: (tuple(k[0]), k[1])):
            yield from self._map[key]

    def __len__(self) -> int:
        return sum(len(v) for v in self._map.values())

    def all(self) -> list[AnyRelationship]:
        return list(self)

    def frame(self) -> Any:
        """Every relationship as a pandas DataFrame (one row each), for notebooks.

        >>> RelationshipIndex({}, ["public"]).frame().columns.tolist()[:4]
        ['table', 'foreign_table', 'cardinality', 'to_one']
        """
        import pandas as pd

        rows = [{
            "table": r.table.qualified, "foreign_table": r.foreign_table.qualified,
            "cardinality": r.cardinality, "to_one": r.to_one, "kind": r.kind,
            "constraint": r.constraint,
            "columns": ", ".join(c for c, _ in r.columns),
            "foreign_columns": ", ".join(c for _, c in r.columns),
            "junction": r.junction.table.qualified if r.junction else None,
            "function": r.function.qualified if isinstance(r, ComputedRelationship) else None,
            "through_views": r.through_views, "is_self": r.is_self,
            "embed": self.embed_target(r), "description": r.description,
        } for r in self]
        columns = ["table", "foreign_table", "cardinality", "to_one", "kind", "constraint",
                   "columns", "foreign_columns", "junction", "function", "through_views",
                   "is_self", "embed", "description"]
        return pd.DataFrame(rows, columns=columns)

    def of(self, schema: str, table: str | None = None, *,
           target_schema: str | None = None) -> list[AnyRelationship]:
        """Every relationship from ``schema.table`` (``of("public.tickets")`` works too)."""
        if table is None:
            schema, table = split_name(schema)
        origin = QualifiedName(schema, table)
        schemas = [target_schema] if target_schema else self.schemas
        out: list[AnyRelationship] = []
        for s in schemas:
            out.extend(self._map.get((origin, s), ()))
        return out

    def between(self, a: str | tuple[str, str], b: str | tuple[str, str]) -> list[AnyRelationship]:
        """Relationships from ``a`` to ``b`` (``"schema.name"`` or ``(schema, name)``);
        for computed relationships ``b`` is the returned table."""
        sa, ta = split_name(a) if isinstance(a, str) else a
        sb, tb = split_name(b) if isinstance(b, str) else b
        target = QualifiedName(sb, tb)
        return [r for r in self.of(sa, ta, target_schema=sb) if r.foreign_table == target]

    @cached_property
    def _primary_keys(self) -> dict[QualifiedName, tuple[str, ...]]:
        if self.snapshot is None:
            return {}
        return ordered_primary_keys(self.snapshot, self.schemas)

    def primary_key(self, schema: str, name: str) -> tuple[str, ...]:
        """Primary key columns as PostgREST knows them; views inherit their base table's
        through column lineage (``()`` when there is none).

        >>> from pgprobe.catalog._model import Constraint, Relation, Snapshot, ViewColumnSource
        >>> t = Relation("public", "t", "table", constraints=(Constraint("t_pkey", "primary", ("b", "a")),))
        >>> v = Relation("public", "v", "view", view_sources=(ViewColumnSource("x", "public", "t", "a"),
        ...                                                   ViewColumnSource("y", "public", "t", "b")))
        >>> idx = RelationshipIndex.from_snapshot(Snapshot(relations=(t, v)))
        >>> idx.primary_key("public", "t"), idx.primary_key("public", "v")
        (('a', 'b'), ('y', 'x'))
        """
        return self._primary_keys.get(QualifiedName(schema, name), ())

    def has_origin(self, schema: str, table: str) -> bool:
        return (QualifiedName(schema, table), schema) in self._map

    # -- PostgREST's findRel --------------------------------------------
    def candidates(self, schema: str, origin: str, target: str,
                   hint: str | None = None) -> list[AnyRelationship]:
        """Every relationship ``origin -> target!hint`` matches (0, 1 or several)."""
        rels = self._map.get((QualifiedName(schema, origin), schema), ())
        return [r for r in rels if matches(r, target, hint)]

    def find(self, origin_schema: str | tuple[str, str], origin_table: str | None = None,
             target: str | None = None, hint: str | None = None, *,
             schema: str | None = None) -> AnyRelationship:
        """The one relationship PostgREST picks for ``origin?select=target!hint(...)``.

        Call as ``find(schema, origin, target, hint)`` or ``find(QualifiedName, target, hint)``.
        ``schema`` is the request's schema (default: the origin's): PostgREST looks
        relationships up by origin *and* schema, so both sides live in it. Raises
        :class:`EmbedError` with PostgREST's PGRST200 (400) or PGRST201 (300) body.
        """
        if isinstance(origin_schema, tuple):
            if hint is None:
                hint = target
            target = origin_table
            origin_schema, origin_table = origin_schema
        if origin_table is None or target is None:
            raise TypeError("find() needs an origin and a target")
        schema = schema or origin_schema
        if origin_schema != schema:
            found: list[AnyRelationship] = []
        else:
            found = self.candidates(schema, origin_table, target, hint)
        if len(found) == 1:
            return found[0]
        if not found:
            raise no_relationship(origin_table, target, hint, schema,
                                  self.no_relationship_hint(schema, origin_table, target))
        raise ambiguous(origin_table, target, found, schema, hint)

    def embed_target(self, rel: AnyRelationship, schema: str | None = None) -> str | None:
        """The shortest ``target[!hint]`` that selects exactly ``rel`` from its table, or None.

        Usually ``foreign_table!constraint``; self-references need the FK column
        (``family_tree!parent`` for children, ``parent`` for the parent), and a view exposing
        a key twice needs the view column (``clients!c2``).

        >>> from pgprobe.catalog._model import Constraint, Relation, Snapshot
        >>> ft = Relation("public", "family_tree", "table", constraints=(
        ...     Constraint("family_tree_pkey", "primary", ("id",)),
        ...     Constraint("family_tree_parent_fkey", "foreign", ("parent",), ref_schema="public",
        ...                ref_table="family_tree", ref_columns=("id",))))
        >>> idx = RelationshipIndex.from_snapshot(Snapshot(relations=(ft,)))
        >>> sorted(idx.embed_target(r) for r in idx.of("public", "family_tree"))
        ['family_tree', 'parent']
        """
        schema = schema or rel.table.schema
        if isinstance(rel, ComputedRelationship):
            options: list[tuple[str, str | None]] = [(rel.function.name, None)]
        else:
            ft = rel.foreign_table.name
            single = rel.columns[0] if len(rel.columns) == 1 else None
            options = [(ft, None), (ft, rel.name)]
            if single:
                options += [(ft, single[0]), (ft, single[1]), (single[0], None)]
            if rel.constraint:
                options.append((rel.constraint, None))
        for target, hint in options:
            if self.candidates(schema, rel.table.name, target, hint) == [rel]:
                return target if hint is None else f"{target}!{hint}"
        return None

    # -- "Perhaps you meant" ---------------------------------------------
    @cached_property
    def _parents(self) -> dict[str, FuzzySet]:
        names: dict[str, list[str]] = {}
        for table, schema in self._map:
            names.setdefault(schema, []).append(table.name)
        return {s: FuzzySet(v) for s, v in names.items()}

    def no_relationship_hint(self, schema: str, parent: str, child: str) -> str | None:
        """PostgREST's PGRST200 hint: a close origin name if the origin has no relationships,
        else a close target name (never one that exists)."""
        rels = self._map.get((QualifiedName(schema, parent), schema))
        if rels is not None:
            children = FuzzySet([r.foreign_table.name for r in rels])
            close = [name for score, name in children.get(child) if score < 1.0]
            return f"Perhaps you meant '{close[0]}' instead of '{child}'." if close else None
        parents = self._parents.get(schema)
        suggestion = parents.get_one(parent) if parents is not None else None
        return f"Perhaps you meant '{suggestion}' instead of '{parent}'." if suggestion else None

    def __repr__(self) -> str:
        return f"<RelationshipIndex {len(self)} relationships in {', '.join(self.schemas)}>"
