"""Derive PostgREST's relationships from a Snapshot, step by step as its schema cache does.

1. many-to-one / one-to-one from every foreign key (one-to-one when the FK columns are
   exactly a primary key or unique constraint of the referencing table);
2. the same relationships seen through views (view column lineage to base-table keys);
3. many-to-many through junctions whose FK columns all belong to their primary key;
4. the inverse of every many-to-one and one-to-one;
5. computed relationships (functions) override detected ones of the same name;
6. only relationships between exposed schemas are kept (and no hidden junctions).

Each relationship goes into its group of the map as it is made, step after step, which
gives the map PostgREST's order of keys and relationships (see ``_MapBuilder``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import cached_property
from operator import attrgetter

from .._gc import paused_collector
from ..catalog._model import Constraint, Function, Relation, Snapshot
from ._model import AnyRelationship, ComputedRelationship, Junction, QualifiedName, Relationship

QN = QualifiedName
RelMap = dict[tuple[QualifiedName, str], list[AnyRelationship]]

_VIEW_KINDS = ("view", "materialized_view")
_PK_TABLE_KINDS = ("table", "partitioned_table")
_new = object.__new__
_tuple_new = tuple.__new__  # QN(schema, name) without the NamedTuple's Python-level __new__
_by_name = attrgetter("name")
_target_name = attrgetter("foreign_table.name")
_same_cardinality_key = attrgetter("is_self", "constraint", "columns", "is_parent",
                                   "table_is_view", "foreign_table_is_view")


def _relationship(table: QN, foreign_table: QN, cardinality: str, constraint: str | None = None,
                  columns: tuple[tuple[str, str], ...] = (), is_self: bool = False,
                  is_parent: bool = False, junction: Junction | None = None,
                  table_is_view: bool = False, foreign_table_is_view: bool = False
                  ) -> Relationship:
    """``Relationship(...)`` without the frozen dataclass's per-field ``object.__setattr__``
    (an index of 20,000 tables builds about 90,000 of them); the same object.

    The fields are set one by one in their declared order: the instance dict then shares
    its keys with the class's other instances (half the memory of ``__dict__.update``).
    """
    rel = _new(Relationship)
    d = rel.__dict__
    d["table"] = table
    d["foreign_table"] = foreign_table
    d["cardinality"] = cardinality
    d["constraint"] = constraint
    d["columns"] = columns
    d["is_self"] = is_self
    d["is_parent"] = is_parent
    d["junction"] = junction
    d["table_is_view"] = table_is_view
    d["foreign_table_is_view"] = foreign_table_is_view
    return rel


def _is_inherited_partition_fk(rel: Relation, fk_name: str, parents: Mapping[str, Relation]
                               ) -> bool:
    """A partition's copy of its parent's FK (``conparentid <> 0``) is not a relationship."""
    parent = parents.get(rel.partition_of or "")
    if parent is None:
        return False
    return any(c.kind == "foreign" and c.name == fk_name for c in parent.constraints)


def _is_partition_clone(fk: Constraint, fks: list[Constraint], by_name: Mapping[str, Relation]
                        ) -> bool:
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


class _Lineage:
    """View column lineage: which view columns expose each base column (``keyDeps``)."""

    def __init__(self, snapshot: Snapshot, schemas: Sequence[str]) -> None:
        # base table -> view -> base column -> [view columns]
        self.exposed: dict[QN, dict[QN, dict[str, list[str]]]] = defaultdict(dict)
        wanted = set(schemas)  # a list of 200 tenant schemas made this step tables x schemas
        for rel in snapshot.relations:
            if rel.kind not in _VIEW_KINDS or rel.schema not in wanted or not rel.view_sources:
                continue
            view = QN(rel.schema, rel.name)
            position = {c.name: c.position for c in rel.columns}
            for src in sorted(rel.view_sources, key=lambda s: position.get(s.column, 0)):
                cols = self.exposed[QN(src.source_schema, src.source_table)].setdefault(view, {})
                cols.setdefault(src.source_column, []).append(src.column)

    def views_exposing(self, table: QN, columns: Sequence[str]) -> list[tuple[QN, list[list[str]]]]:
        """Views exposing every one of ``columns`` of ``table``: per column, its view columns."""
        found = []
        for view, cols in self.exposed.get(table, {}).items():
            if all(c in cols for c in columns):
                found.append((view, [cols[c] for c in columns]))
        return found


def _choices(per_column: list[list[str]]) -> list[tuple[str, ...]]:
    """Every way to pick one view column per key column (a key exposed twice -> two)."""
    combos: list[tuple[str, ...]] = [()]
    for options in per_column:
        combos = [c + (o,) for c in combos for o in options]
    return combos


def _view_relationships(rels: list[Relationship], lineage: _Lineage) -> list[Relationship]:
    """Step 2: view->table, table->view and view->view copies of each base relationship."""
    out: list[Relationship] = []
    for r in rels:
        if r.cardinality not in ("m2o", "o2o") or r.is_parent:
            continue
        fk_cols = [c for c, _ in r.columns]
        ref_cols = [c for _, c in r.columns]
        src_views = [(v, combo) for v, per in lineage.views_exposing(r.table, fk_cols)
                     for combo in _choices(per)]
        ref_views = [(v, combo) for v, per in lineage.views_exposing(r.foreign_table, ref_cols)
                     for combo in _choices(per)]
        for view, vcols in src_views:
            out.append(_relationship(view, r.foreign_table, r.cardinality, r.constraint,
                                    tuple(zip(vcols, ref_cols, strict=True)), False,
                                    table_is_view=True, foreign_table_is_view=False))
        for view, vcols in ref_views:
            out.append(_relationship(r.table, view, r.cardinality, r.constraint,
                                    tuple(zip(fk_cols, vcols, strict=True)), False,
                                    table_is_view=False, foreign_table_is_view=True))
        for view1, vcols1 in src_views:
            for view2, vcols2 in ref_views:
                out.append(_relationship(view1, view2, r.cardinality, r.constraint,
                                        tuple(zip(vcols1, vcols2, strict=True)), view1 == view2,
                                        table_is_view=True, foreign_table_is_view=True))
    return out


def ordered_primary_keys(snapshot: Snapshot, schemas: Sequence[str]) -> dict[QN, tuple[str, ...]]:
    """Primary key columns as PostgREST's schema cache lists them: a table's sorted by name,
    a view's inherited through lineage in key order (first exposure of each key column)."""
    lineage = _Lineage(snapshot, schemas)
    out: dict[QN, list[str]] = {}
    for rel in snapshot.relations:
        pk = rel.primary_key
        if pk is None or rel.kind not in _PK_TABLE_KINDS:
            continue
        out[QN(rel.schema, rel.name)] = sorted(pk.columns)
        for view, per in lineage.views_exposing(QN(rel.schema, rel.name), pk.columns):
            cols = out.setdefault(view, [])
            cols += [c[0] for c in per if c[0] not in cols]
    return {k: tuple(v) for k, v in out.items()}


def _row_type_relation(type_schema: str, type_name: str, display: str,
                       relations: Mapping[str, Relation]) -> Relation | None:
    if display.endswith("]"):
        return None
    name = type_name or display.rsplit(".", 1)[-1].strip('"')
    return relations.get(f"{type_schema}.{name}")


def _computed_relationships(functions: Iterable[Function],
                            relations: Mapping[str, Relation]) -> list[ComputedRelationship]:
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
        target = relations.get(fn.return_type_relation) if table is not None else None
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


def build_relationship_map(snapshot: Snapshot, schemas: Sequence[str]) -> RelMap:
    """Every relationship keyed like PostgREST's ``RelationshipsMap``: (origin, target schema).

    Keys whose relationships were all filtered out stay (with an empty list), as in
    PostgREST; its fuzzy "Perhaps you meant" hint draws on the keys.
    """
    with paused_collector():  # see pgprobe/_gc.py
        return _build_map(snapshot, schemas)


def _build_map(snapshot: Snapshot, schemas: Sequence[str]) -> RelMap:
    return _MapBuilder(snapshot, schemas).build()


def _sort_key(rel: AnyRelationship) -> tuple[object, ...]:
    return rel.sort_key()


def _sort_group(group: list[AnyRelationship]) -> None:
    """``group.sort(key=sort_key)`` for a group of foreign-key relationships of one origin
    to one schema, with keys compared in C.

    Their ``sort_key`` is ``(0, origin, foreign table, is_self, (cardinality's rank,
    constraint, columns, is_parent), table_is_view, foreign_table_is_view)`` (a junction
    key instead of the constraint for many-to-many); origin and foreign table's schema are
    the same for all. So: sort by the foreign table's name, then each run of one foreign
    table by the rest of the key, which for one cardinality (not many-to-many) is the
    attribute tuple ``_same_cardinality_key``; any other run by the whole key. Both sorts
    are stable, so ties keep the order they came in, as one sort by ``sort_key`` would.
    """
    group.sort(key=_target_name)
    names = list(map(_target_name, group))
    if len(set(names)) == len(names):
        return
    start = 0
    for end in range(1, len(group) + 1):
        if end == len(group) or names[end] != names[start]:
            if end - start > 1:
                run = group[start:end]
                cards = {r.cardinality for r in run}
                uniform = len(cards) == 1 and "m2m" not in cards
                run.sort(key=_same_cardinality_key if uniform else _sort_key)
                group[start:end] = run
            start = end


class _RelationsByName(Mapping[str, Relation]):
    """``{"schema.name": relation}``, built on the first lookup that could find something.

    Step 5 looks up the row type of every one-argument function; most take no row type
    (``bigint``, ``pg_catalog`` types): a name none of whose ``schema.`` prefixes is a
    schema with relations cannot be found, and is answered without the whole dict.
    """

    def __init__(self, relations: Sequence[Relation]) -> None:
        self.relations = relations

    @cached_property
    def _schemas(self) -> set[str]:
        return {r.schema for r in self.relations}

    @cached_property
    def _by_name(self) -> dict[str, Relation]:
        return {f"{r.schema}.{r.name}": r for r in self.relations}

    def __getitem__(self, name: str) -> Relation:
        schemas = self._schemas
        if not any(ch == "." and name[:i] in schemas for i, ch in enumerate(name)):
            raise KeyError(name)
        return self._by_name[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_name)

    def __len__(self) -> int:
        return len(self._by_name)


def _inverse(r: Relationship) -> Relationship:
    """Step 4 for one many-to-one (its one-to-many) or one-to-one (its other side)."""
    return _relationship(
        table=r.foreign_table, foreign_table=r.table,
        cardinality="o2m" if r.cardinality == "m2o" else "o2o",
        constraint=r.constraint, columns=tuple([(b, a) for a, b in r.columns]),
        is_self=r.is_self, is_parent=(not r.is_parent) if r.cardinality == "o2o" else False,
        table_is_view=r.foreign_table_is_view, foreign_table_is_view=r.table_is_view,
    )


class _MapBuilder:
    """The steps of the module docstring, each placing what it makes straight into its group.

    PostgREST's map (and so ours) holds the keys ``(origin, schema of the target)`` in the
    order in which the steps first produce a relationship for them (foreign keys, views,
    many-to-many, inverses, computed), each group sorted by PostgREST's ``Ord``
    (``sort_key``). A key whose relationships are all filtered out keeps an empty group; a
    computed relationship replaces every detected one of the same (origin, name) pair.
    Inverses whose origin's schema is not exposed (never kept, no key) are not made.
    """

    def __init__(self, snapshot: Snapshot, schemas: Sequence[str]) -> None:
        self.snapshot = snapshot
        self.exposed = frozenset(schemas)
        self.lineage = _Lineage(snapshot, schemas)
        self.map: RelMap = {}
        self.computed: dict[tuple[QN, QN], ComputedRelationship] = {}
        if any(fn.return_type_relation for fn in snapshot.functions):
            for c in _computed_relationships(snapshot.functions, self.by_name):
                self.computed[(c.table, c.function)] = c  # the last of one pair wins
        self.replaced = {function for _, function in self.computed}
        # Junction candidates: origin -> its many-to-one relationships, in PostgREST's
        # order. A table enters only if one of its own FKs lies in its primary key: a
        # table none of whose FKs does can pair none (its copies through views have the
        # same columns), and where it would have entered does not change the others' order.
        self.outgoing: dict[QN, list[Relationship]] = {}
        # primary keys of junction candidates and of the tables views expose
        self.table_keys: dict[QN, frozenset[str]] = {}
        self.fk_inverses: list[Relationship] = []  # made in step 1, placed in step 4
        self.seen_by_views: list[Relationship] = []  # step 1's whose tables a view exposes

    def build(self) -> RelMap:
        self.foreign_keys()
        through_views = self.views()
        self.many_to_many()
        self.place(self.fk_inverses)
        self.place([_inverse(r) for r in through_views if r.foreign_table.schema in self.exposed])
        self.place_computed()
        for key, group in self.map.items():
            if len(group) > 1:
                if key[0] in self.computed_origins:
                    group.sort(key=_sort_key)
                else:
                    _sort_group(group)
        return self.map

    # -- lookups, made only when a step needs them ----------------------
    @cached_property
    def by_name(self) -> _RelationsByName:
        return _RelationsByName(self.snapshot.relations)

    @cached_property
    def computed_origins(self) -> set[QN]:
        return {table for table, _ in self.computed}

    @cached_property
    def view_keys(self) -> dict[QN, frozenset[str]]:
        """Primary keys of views through lineage: for each base table whose whole key a view
        exposes, the first view column exposing each key column."""
        keys: dict[QN, set[str]] = {}
        for table in self.lineage.exposed:
            pk = self.table_keys.get(table)  # step 1 recorded every base table's
            if not pk:
                continue
            for view, per in self.lineage.views_exposing(table, tuple(pk)):
                keys.setdefault(view, set()).update(cols[0] for cols in per)
        return {k: frozenset(v) for k, v in keys.items()}

    def primary_key(self, name: QN) -> frozenset[str]:
        """A junction candidate's primary key columns: a table's own, a view's through
        lineage (empty for a table with no FK in its key: it can pair none)."""
        if name in self.table_keys:
            return self.table_keys[name]
        return self.view_keys.get(name, frozenset())

    # -- step 1 ----------------------------------------------------------
    def foreign_keys(self) -> None:
        """One many-to-one (or one-to-one) per foreign key, as ``allM2OandO2ORels``."""
        has_partitions = any(r.partition_of for r in self.snapshot.relations)
        exposing = self.lineage.exposed
        for rel in self.snapshot.relations:
            fks = [c for c in rel.constraints if c.kind == "foreign"]
            if fks:
                if len(fks) > 1:
                    fks.sort(key=_by_name)
                if has_partitions:
                    fks = self._without_partition_copies(rel, fks)
                self._relationships_of(rel, fks)
            elif exposing and (rel.schema, rel.name) in exposing:  # a view's base table
                pk = rel.primary_key if rel.kind in _PK_TABLE_KINDS else None
                self.table_keys[QN(rel.schema, rel.name)] = frozenset(pk.columns if pk else ())

    def _without_partition_copies(self, rel: Relation, fks: list[Constraint]
                                  ) -> list[Constraint]:
        """The FKs PostgREST reads: not PostgreSQL's copies on partitions."""
        by_name = self.by_name
        return [fk for fk in fks if not (
            rel.partition_of and _is_inherited_partition_fk(rel, fk.name, by_name)
        ) and not _is_partition_clone(fk, fks, by_name)]

    def _relationships_of(self, rel: Relation, fks: list[Constraint]) -> None:
        """Step 1 for one table, done while its constraints are at hand: its FKs (sorted
        by name) that PostgREST reads (complete, not ``inherited``) as relationships (placed),
        their inverses (for step 4), the table as a junction candidate and, when a view
        exposes it, its key."""
        keys = [c for c in rel.constraints if c.kind in ("primary", "unique")]
        # one-to-one: the FK columns are exactly a key's (as sets); PostgreSQL allows no
        # repeated column in a key, so a one-column FK needs a one-column key
        single_keys = {c.columns[0] for c in keys if len(c.columns) == 1}
        primary = next((c for c in keys if c.kind == "primary"), None)
        pk = primary.columns if primary is not None else None
        schema, is_table = rel.schema, rel.kind in _PK_TABLE_KINDS
        origin = _tuple_new(QN, (schema, rel.name))
        exposed, groups, computed, inverses = self.exposed, self.map, self.computed, self.fk_inverses
        placed = schema in exposed  # otherwise: no key, nothing kept
        exposing, seen = self.lineage.exposed, self.seen_by_views
        origin_seen = bool(exposing) and origin in exposing
        made = []
        junction_candidate = False
        group: list[AnyRelationship] = []
        group_schema = None
        for fk in fks:
            cols, refs, constraint = fk.columns, fk.ref_columns, fk.name
            if fk.inherited or not fk.ref_table or not cols or len(cols) != len(refs):
                continue  # conparentid <> 0 (PostgreSQL's copy), or incomplete
            target_schema = fk.ref_schema or schema
            target = _tuple_new(QN, (target_schema, fk.ref_table))
            one_to_one = (cols[0] in single_keys if len(cols) == 1
                          else frozenset(cols) in [frozenset(c.columns) for c in keys])
            single, is_self = len(cols) == 1, origin == target
            if not one_to_one and pk is not None and (
                    cols[0] in pk if single else all(c in pk for c in cols)):
                junction_candidate = True
            r = _relationship(origin, target, "o2o" if one_to_one else "m2o", constraint,
                              ((cols[0], refs[0]),) if single
                              else tuple(zip(cols, refs, strict=True)), is_self)
            made.append(r)
            if exposing and (origin_seen or target in exposing):
                seen.append(r)
            if placed:
                if target_schema != group_schema:
                    group_schema = target_schema
                    found = groups.get((origin, target_schema))
                    if found is None:
                        found = groups[(origin, target_schema)] = []
                    group = found
                if target_schema in exposed and not (computed and (origin, target) in computed):
                    group.append(r)
            if target_schema in exposed:  # the inverse has a key (origin: the target)
                inverses.append(_relationship(
                    target, origin, "o2o" if one_to_one else "o2m", constraint,
                    ((refs[0], cols[0]),) if single else tuple(zip(refs, cols, strict=True)),
                    is_self, one_to_one))  # is_parent: the referenced side of a one-to-one
        if origin_seen or (junction_candidate and is_table):
            self.table_keys[origin] = frozenset(pk) if pk is not None and is_table \
                else frozenset()
        if junction_candidate and is_table:
            self.outgoing.setdefault(origin, []).extend(
                r for r in made if r.cardinality == "m2o")

    # -- steps 2 and 3 ---------------------------------------------------
    def views(self) -> list[Relationship]:
        """Copies of the foreign keys whose table or foreign table a view exposes (step 1
        noted those)."""
        made = _view_relationships(self.seen_by_views, self.lineage)
        self.place(made)
        for r in made:
            if r.cardinality == "m2o":
                self.outgoing.setdefault(r.table, []).append(r)
        return made

    def many_to_many(self) -> None:
        """A junction J with FKs to T and FT whose columns all lie in J's primary key."""
        made: list[Relationship] = []
        for jt, outgoing in self.outgoing.items():
            if len(outgoing) < 2:
                continue
            pk = self.primary_key(jt)
            if not pk:
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
                    made.append(_relationship(t, ft, "m2m", None, (), t == ft, False, junction,
                                              table_is_view=r1.foreign_table_is_view,
                                              foreign_table_is_view=r2.foreign_table_is_view))
        self.place(made)

    # -- steps 4 to 6 ----------------------------------------------------
    def place(self, rels: list[Relationship]) -> None:
        """Put each relationship in its group, keeping only those between exposed schemas
        (junction included) that no computed relationship replaces."""
        exposed, groups = self.exposed, self.map
        computed, replaced = self.computed, self.replaced
        for r in rels:
            table, target = r.table, r.foreign_table
            if table.schema not in exposed:
                continue
            key = (table, target.schema)
            group = groups.get(key)
            if group is None:
                group = groups[key] = []
            if target.schema not in exposed or (
                    r.junction is not None and r.junction.table.schema not in exposed):
                continue
            if not (target in replaced and (table, target) in computed):
                group.append(r)

    def place_computed(self) -> None:
        for (table, function), c in self.computed.items():
            if table.schema not in self.exposed:
                continue
            group = self.map.setdefault((table, function.schema), [])
            if c.foreign_table.schema in self.exposed:
                group.append(c)
