"""The relationships an ERD draws, derived once from a Snapshot.

Foreign keys (many-to-one or one-to-one), junction tables (many-to-many), views
linked to their base tables and the relationships PostgREST gives a view through
its key columns, and the pairs of relations joined more than once (whose embeds
need a ``!hint``).  Foreign keys are read from the snapshot in every
schema; what PostgREST makes of them in the exposed schemas (junctions, view
relationships, which embeds are ambiguous and the hint for each) comes from the
shared :class:`pgprobe.relationships.RelationshipIndex`, so the diagram and the
PostgREST engine never disagree.

>>> from pgprobe.catalog._model import Column, Constraint, Relation, Snapshot
>>> users = Relation("public", "users", "table", columns=(Column("id", 1, "bigint", "int8"),),
...     constraints=(Constraint("users_pkey", "primary", ("id",)),))
>>> tickets = Relation("public", "tickets", "table", constraints=(
...     Constraint("tickets_created_by_fkey", "foreign", ("created_by",), ref_schema="public",
...                ref_table="users", ref_columns=("id",)),
...     Constraint("tickets_assignee_fkey", "foreign", ("assignee",), ref_schema="public",
...                ref_table="users", ref_columns=("id",))))
>>> links = Links.from_snapshot(Snapshot(relations=(users, tickets)), ["public"])
>>> [e.hint for e in links.fks]
['users!tickets_assignee_fkey', 'users!tickets_created_by_fkey']
>>> links.is_ambiguous("public.tickets", "public.users")
True
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from ..catalog._model import Constraint, Relation, Snapshot
from ..relationships import Relationship, RelationshipIndex

Cardinality = Literal["m2o", "o2o"]


@dataclass(frozen=True, order=True)
class FkEdge:
    """One relationship from ``source`` (the referencing side) to ``target``.

    A plain foreign key has ``through`` empty; a relationship PostgREST derives
    for a view through the base table's key columns names that view in ``through``.
    """

    source: str
    target: str
    constraint: str
    columns: tuple[str, ...]
    ref_columns: tuple[str, ...]
    cardinality: Cardinality = "m2o"
    through: tuple[str, ...] = ()
    """The views (qualified names) this relationship was inherited by; empty for a real FK."""

    @property
    def key(self) -> str:
        """A stable id: ``public.tickets.tickets_assignee_fkey`` (plus the view for inherited ones)."""
        base = f"{self.source}.{self.constraint}"
        if not self.through:
            return base
        return f"{base}->{self.target}({','.join(self.columns)};{','.join(self.ref_columns)})"

    @property
    def self_reference(self) -> bool:
        return self.source == self.target

    @property
    def cross_schema(self) -> bool:
        return self.source.split(".", 1)[0] != self.target.split(".", 1)[0]

    @property
    def one_to_one(self) -> bool:
        return self.cardinality == "o2o"

    @property
    def hint(self) -> str:
        """The embed that picks this relationship from the source: ``users!tickets_assignee_fkey``."""
        return f"{_bare(self.target)}!{self.constraint}"

    @property
    def reverse_hint(self) -> str:
        """The embed that picks it from the target: ``tickets!tickets_assignee_fkey``."""
        return f"{_bare(self.source)}!{self.constraint}"

    @property
    def pair(self) -> tuple[str, str]:
        return _pair(self.source, self.target)


@dataclass(frozen=True, order=True)
class Junction:
    """A many-to-many between ``left`` and ``right`` through the junction relation."""

    junction: str
    left_fk: FkEdge
    right_fk: FkEdge

    @property
    def left(self) -> str:
        return self.left_fk.target

    @property
    def right(self) -> str:
        return self.right_fk.target

    @property
    def key(self) -> str:
        return f"{self.junction}:{self.left_fk.constraint}:{self.right_fk.constraint}"

    @property
    def hint(self) -> str:
        """The embed from ``left`` to ``right``: ``tags!ticket_tags``."""
        return f"{_bare(self.right)}!{_bare(self.junction)}"

    @property
    def pair(self) -> tuple[str, str]:
        return _pair(self.left, self.right)


@dataclass
class Links:
    """Every drawable relationship of a snapshot, sorted, with lookups by relation."""

    fks: list[FkEdge] = field(default_factory=list)
    view_fks: list[FkEdge] = field(default_factory=list)
    junctions: list[Junction] = field(default_factory=list)
    view_bases: list[tuple[str, str]] = field(default_factory=list)
    """(view, base relation) pairs: the relations a view reads its columns from."""
    index: RelationshipIndex | None = None
    exposed_schemas: tuple[str, ...] = ("public",)
    _ambiguous: dict[tuple[str, str], bool] = field(default_factory=dict, repr=False)

    @classmethod
    def from_snapshot(cls, snap: Snapshot, exposed_schemas: Iterable[str] = ("public",)) -> Links:
        exposed = tuple(exposed_schemas)
        rels = {r.qualified_name: r for r in snap.relations}
        fks = sorted(_fk_edges(rels))
        index = RelationshipIndex.from_snapshot(snap, list(exposed))
        by_key = {(e.source, e.constraint): e for e in fks}
        junctions: list[Junction] = []
        view_fks: list[FkEdge] = []
        for rel in index:
            if not isinstance(rel, Relationship):
                continue
            if rel.junction is not None:
                j = rel.junction
                left = by_key.get((j.table.qualified, j.constraint1))
                right = by_key.get((j.table.qualified, j.constraint2))
                if left is not None and right is not None:
                    junctions.append(Junction(j.table.qualified, left, right))
            elif rel.through_views and rel.constraint and (
                rel.cardinality == "m2o" or (rel.cardinality == "o2o" and not rel.is_parent)
            ):
                source, target = rel.table.qualified, rel.foreign_table.qualified
                views = tuple(
                    dict.fromkeys(n for n, v in ((source, rel.table_is_view),
                                                 (target, rel.foreign_table_is_view)) if v)
                )
                view_fks.append(FkEdge(
                    source, target, rel.constraint, tuple(c for c, _ in rel.columns),
                    tuple(c for _, c in rel.columns), rel.cardinality, views,  # type: ignore[arg-type]
                ))
        view_bases = sorted({
            (r.qualified_name, f"{src.source_schema}.{src.source_table}")
            for r in snap.relations for src in r.view_sources
            if f"{src.source_schema}.{src.source_table}" != r.qualified_name
        })
        return cls(sorted(fks), sorted(set(view_fks)), sorted(set(junctions)), view_bases, index, exposed)

    def is_ambiguous(self, a: str, b: str) -> bool:
        """An embed between ``a`` and ``b`` (either way) matches more than one relationship,
        so PostgREST answers PGRST201 and the request needs a ``!hint``.

        Outside the exposed schemas (no PostgREST there) it means: joined by more than one FK.
        """
        key = _pair(a, b)
        if key not in self._ambiguous:
            self._ambiguous[key] = self._compute_ambiguous(*key)
        return self._ambiguous[key]

    def _compute_ambiguous(self, a: str, b: str) -> bool:
        sa, na = a.split(".", 1)
        sb, nb = b.split(".", 1)
        if self.index is not None and sa == sb and sa in self.exposed_schemas:
            return (len(self.index.candidates(sa, na, nb)) > 1
                    or len(self.index.candidates(sb, nb, na)) > 1)
        return sum(1 for e in self.fks if e.pair == (a, b)) > 1

    @property
    def junction_names(self) -> frozenset[str]:
        return frozenset(j.junction for j in self.junctions)


def _bare(qualified: str) -> str:
    return qualified.split(".", 1)[1] if "." in qualified else qualified


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def _unique_sets(rel: Relation) -> list[frozenset[str]]:
    return [frozenset(c.columns) for c in rel.constraints if c.kind in ("primary", "unique")]


def _fk_edge(rel: Relation, c: Constraint) -> FkEdge:
    one = frozenset(c.columns) in _unique_sets(rel)
    return FkEdge(
        source=rel.qualified_name,
        target=c.ref or "",
        constraint=c.name,
        columns=tuple(c.columns),
        ref_columns=tuple(c.ref_columns),
        cardinality="o2o" if one else "m2o",
    )


def _fk_edges(rels: dict[str, Relation]) -> Iterable[FkEdge]:
    for rel in rels.values():
        parent = rels.get(rel.partition_of or "")
        inherited = {c.name for c in parent.foreign_keys} if parent else set()
        for c in rel.foreign_keys:
            # a partition's copy of its parent's FK is not a relationship of its own
            if c.ref_table and c.name not in inherited:
                yield _fk_edge(rel, c)
