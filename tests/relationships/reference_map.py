"""The relationship map as pgprobe built it before the one-pass builder (issue 16): an oracle.

``pgprobe.relationships._build`` now places each relationship into its group as it is made,
skips work that cannot change the result and sorts groups with keys compared in C. This is
the former step-by-step pipeline (every relationship made, grouped by pair, filtered, each
group sorted by ``sort_key``), kept verbatim so the tests can compare the two map by map:
same keys in the same order, same relationships in the same order. The view lineage and the
view copies of step 2 did not change and are the builder's own (imported).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from pgprobe.catalog._model import Constraint, Function, Relation, Snapshot
from pgprobe.relationships._build import _Lineage, _view_relationships
from pgprobe.relationships._model import (
    AnyRelationship,
    ComputedRelationship,
    Junction,
    QualifiedName,
    Relationship,
)

QN = QualifiedName
RelMap = dict[tuple[QualifiedName, str], list[AnyRelationship]]

_VIEW_KINDS = ("view", "materialized_view")
_PK_TABLE_KINDS = ("table", "partitioned_table")
_new = object.__new__


def _relationship(table: QN, foreign_table: QN, cardinality: str, constraint: str | None = None,
                  columns: tuple[tuple[str, str], ...] = (), is_self: bool = False,
                  is_parent: bool = False, junction: Junction | None = None,
                  table_is_view: bool = False, foreign_table_is_view: bool = False
                  ) -> Relationship:
    """``Relationship(...)`` without the frozen dataclass's per-field ``object.__setattr__``
    (an index of 20,000 tables builds about 90,000 of them); the same object."""
    rel = _new(Relationship)
    rel.__dict__.update(table=table, foreign_table=foreign_table, cardinality=cardinality,
                        constraint=constraint, columns=columns, is_self=is_self,
                        is_parent=is_parent, junction=junction, table_is_view=table_is_view,
                        foreign_table_is_view=foreign_table_is_view)
    return rel


def _is_inherited_partition_fk(rel: Relation, fk_name: str, parents: dict[str, Relation]) -> bool:
    """A partition's copy of its parent's FK (``conparentid <> 0``) is not a relationship."""
    parent = parents.get(rel.partition_of or "")
    if parent is None:
        return False
    return any(c.kind == "foreign" and c.name == fk_name for c in parent.constraints)


def _is_partition_clone(fk: Constraint, fks: list[Constraint], by_name: dict[str, Relation]) -> bool:
    """The per-partition copies PostgreSQL adds for an FK to a partitioned table.

    They reference a partition and duplicate another FK of the same table (same columns)
    that references the partition's ancestor; PostgREST skips them (``conparentid <> 0``).
    """
    ref = by_name.get(fk.ref or "")
    if ref is None or not ref.partition_of:
        return False
    ancestors = set()
    while ref is not None and ref.partition_of and ref.partition_of not in ancestors:
        ancestors.add(ref.partition_of)
        ref = by_name.get(ref.partition_of)
    return any(o is not fk and o.columns == fk.columns and o.ref in ancestors for o in fks)


def _fk_relationships(snapshot: Snapshot, by_name: dict[str, Relation] | None = None
                      ) -> list[Relationship]:
    """Step 1: one many-to-one (or one-to-one) per foreign key, as ``allM2OandO2ORels``."""
    if by_name is None:
        by_name = {r.qualified_name: r for r in snapshot.relations}
    has_partitions = any(r.partition_of for r in snapshot.relations)
    out: list[Relationship] = []
    for rel in snapshot.relations:
        fks = [c for c in rel.constraints if c.kind == "foreign"]
        if not fks:
            continue
        keys = [frozenset(c.columns) for c in rel.constraints if c.kind in ("primary", "unique")]
        origin = QN(rel.schema, rel.name)
        for fk in sorted(fks, key=lambda c: c.name):
            if fk.inherited:  # conparentid <> 0: PostgreSQL's own copy, not a relationship
                continue
            # Snapshots saved before `inherited` existed: recognise the copies by shape.
            if rel.partition_of and _is_inherited_partition_fk(rel, fk.name, by_name):
                continue
            if has_partitions and _is_partition_clone(fk, fks, by_name):
                continue
            if not fk.ref_table or len(fk.columns) != len(fk.ref_columns) or not fk.columns:
                continue
            target = QN(fk.ref_schema or rel.schema, fk.ref_table)
            cols = tuple(zip(fk.columns, fk.ref_columns, strict=True))
            one_to_one = frozenset(fk.columns) in keys
            out.append(_relationship(
                table=origin, foreign_table=target,
                cardinality="o2o" if one_to_one else "m2o",
                constraint=fk.name, columns=cols, is_self=origin == target,
            ))
    return out


def _primary_keys(snapshot: Snapshot, lineage: _Lineage) -> dict[QN, frozenset[str]]:
    """Primary key columns of tables, and of views through their lineage (first exposure)."""
    pks: dict[QN, set[str]] = {}
    for rel in snapshot.relations:
        pk = rel.primary_key
        if pk is None or rel.kind not in _PK_TABLE_KINDS:
            continue
        pks[QN(rel.schema, rel.name)] = set(pk.columns)
        for view, per in lineage.views_exposing(QN(rel.schema, rel.name), pk.columns):
            pks.setdefault(view, set()).update(cols[0] for cols in per)
    return {k: frozenset(v) for k, v in pks.items()}


def _m2m_relationships(rels: list[Relationship], pks: dict[QN, frozenset[str]]) -> list[Relationship]:
    """Step 3: a junction J with FKs to T and FT whose columns all lie in J's primary key."""
    from_table: dict[QN, list[Relationship]] = defaultdict(list)
    for r in rels:
        if r.cardinality == "m2o":
            from_table[r.table].append(r)
    out: list[Relationship] = []
    for jt, outgoing in from_table.items():
        pk = pks.get(jt, frozenset())
        if not pk or len(outgoing) < 2:
            continue
        # both FKs' columns must lie in the PK: pair only those (same order as all pairs)
        inside = [r for r in outgoing if all(c in pk for c, _ in r.columns)]
        for r1 in inside:
            for r2 in inside:
                if r1.constraint == r2.constraint:
                    continue
                t, ft = r1.foreign_table, r2.foreign_table
                junction = Junction(
                    table=jt, constraint1=r1.constraint or "", constraint2=r2.constraint or "",
                    source_columns=tuple((b, a) for a, b in r1.columns),
                    target_columns=tuple((b, a) for a, b in r2.columns),
                )
                out.append(_relationship(t, ft, "m2m", None, (), t == ft, False, junction,
                                        table_is_view=r1.foreign_table_is_view,
                                        foreign_table_is_view=r2.foreign_table_is_view))
    return out


def _inverses(rels: list[Relationship]) -> list[Relationship]:
    """Step 4: each many-to-one gets its one-to-many, each one-to-one its other side."""
    out: list[Relationship] = []
    for r in rels:
        if r.cardinality not in ("m2o", "o2o"):
            continue
        out.append(_relationship(
            table=r.foreign_table, foreign_table=r.table,
            cardinality="o2m" if r.cardinality == "m2o" else "o2o",
            constraint=r.constraint, columns=tuple([(b, a) for a, b in r.columns]),
            is_self=r.is_self, is_parent=(not r.is_parent) if r.cardinality == "o2o" else False,
            table_is_view=r.foreign_table_is_view, foreign_table_is_view=r.table_is_view,
        ))
    return out


def _row_type_relation(type_schema: str, type_name: str, display: str,
                       relations: dict[str, Relation]) -> Relation | None:
    if display.endswith("]"):
        return None
    name = type_name or display.rsplit(".", 1)[-1].strip('"')
    return relations.get(f"{type_schema}.{name}")


def _computed_relationships(functions: Iterable[Function],
                            relations: dict[str, Relation]) -> list[ComputedRelationship]:
    """Step 5: ``f(table_row) returns [setof] table_row`` (``allComputedRels``)."""
    out: list[ComputedRelationship] = []
    for fn in functions:
        inputs = [a for a in fn.args if a.mode in ("in", "inout", "variadic")]
        if len(inputs) != 1 or not fn.return_type_relation:
            continue
        arg = inputs[0]
        if arg.mode == "variadic":
            continue
        table = _row_type_relation(arg.type_schema, arg.base_type, arg.type, relations)
        target = relations.get(fn.return_type_relation)
        if table is None or target is None:
            continue
        rows = getattr(fn, "rows", None)
        to_one = (not fn.returns_set) or rows == 1
        t, ft = QN(table.schema, table.name), QN(target.schema, target.name)
        out.append(ComputedRelationship(
            function=QN(fn.schema, fn.name), table=t, foreign_table=ft,
            to_one=to_one, is_self=t == ft,
        ))
    return out


def reference_map(snapshot: Snapshot, schemas: Sequence[str]) -> RelMap:
    exposed = set(schemas)
    relations = {r.qualified_name: r for r in snapshot.relations}
    lineage = _Lineage(snapshot, schemas)

    base = _fk_relationships(snapshot, relations)
    with_views = base + _view_relationships(base, lineage)
    with_m2m = with_views + _m2m_relationships(with_views, _primary_keys(snapshot, lineage))
    rels = with_m2m + _inverses(with_m2m)

    by_pair: dict[tuple[QN, QN], list[AnyRelationship]] = defaultdict(list)
    for r in rels:
        by_pair[(r.table, r.foreign_table)].append(r)
    for c in _computed_relationships(snapshot.functions, relations):
        by_pair[(c.table, c.function)] = [c]

    out: RelMap = {}
    for (table, other), group in by_pair.items():
        if table.schema not in exposed:
            continue
        kept = [r for r in group if r.foreign_table.schema in exposed and not (
            isinstance(r, Relationship) and r.junction is not None
            and r.junction.table.schema not in exposed)]
        out.setdefault((table, other.schema), []).extend(kept)
    for group in out.values():
        if len(group) > 1:
            group.sort(key=lambda r: r.sort_key())
    return out
