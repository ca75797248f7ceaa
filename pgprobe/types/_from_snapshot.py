"""Turn a pgprobe Snapshot into the facts the TypeScript generator reads (``TgMeta``).

This is where postgres-meta's catalog queries are re-derived from the snapshot: the type
name it maps (``format``: a domain's base type, else the column's own ``typname``), the
``Insert``/``Update`` flags of views (INSTEAD OF triggers count, as with
``pg_relation_is_updatable(oid, true)``), foreign-key relationships with their one-to-one
flag, and the relationships views inherit from their base tables' keys (PostgREST's view
key dependencies, from ``Relation.view_sources``).
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence

from ..catalog._model import Column, Domain, Function, Relation, Snapshot, split_name
from ._meta import (
    JSON_OID,
    JSONB_OID,
    TEXT_OID,
    TgArg,
    TgColumn,
    TgFunction,
    TgMeta,
    TgRelation,
    TgRelationship,
    TgType,
)

# Well-known pg_type oids: postgres-meta orders unresolvable overloads by type oid.
_BUILTIN_OIDS = {
    "bool": 16, "bytea": 17, "char": 18, "name": 19, "int8": 20, "int2": 21, "int4": 23,
    "text": TEXT_OID, "oid": 26, "json": JSON_OID, "xml": 142, "float4": 700, "float8": 701,
    "bpchar": 1042, "varchar": 1043, "date": 1082, "time": 1083, "timestamp": 1114,
    "timestamptz": 1184, "interval": 1186, "timetz": 1266, "numeric": 1700, "uuid": 2950,
    "record": 2249, "void": 2278, "trigger": 2279, "jsonb": JSONB_OID, "_bool": 1000,
    "_int2": 1005, "_int4": 1007, "_text": 1009, "_varchar": 1015, "_int8": 1016,
    "_float4": 1021, "_float8": 1022, "_json": 199, "_jsonb": 3807, "_uuid": 2951,
    "_numeric": 1231, "_date": 1182, "_timestamptz": 1185, "_timestamp": 1115,
}
_SQL_NAMES = {
    "smallint": "int2", "integer": "int4", "bigint": "int8", "real": "float4",
    "double precision": "float8", "boolean": "bool", "character varying": "varchar",
    "character": "bpchar", "time without time zone": "time", "time with time zone": "timetz",
    "timestamp without time zone": "timestamp", "timestamp with time zone": "timestamptz",
    "bit varying": "varbit", '"char"': "char", "decimal": "numeric",
}
_TYPMOD = re.compile(r"\([^)]*\)")
_SIMPLE_IDENT = re.compile(r"[a-z_][a-z0-9_$]*\Z")
_VISIBLE = ("public", "pg_catalog")


def _needs_quotes(name: str) -> bool:
    return _SIMPLE_IDENT.match(name) is None


def _quote(name: str) -> str:
    return name if not _needs_quotes(name) else '"' + name.replace('"', '""') + '"'


def _split_qualified(text: str) -> tuple[str | None, str]:
    """``public."My Type"`` -> ("public", "My Type"); a bare name -> (None, name)."""
    schema, name = split_name(text, default_schema="")
    return schema or None, name


def display_to_typname(display: str) -> tuple[str, str]:
    """``format_type`` text -> (typname, schema): ``text[]`` -> ("_text", "pg_catalog")."""
    text = display.strip()
    array = False
    if text.endswith("[]"):
        array = True
        text = text[:-2].rstrip("[]").strip() if text.endswith("[]") else text[:-2]
    if not text.startswith('"') or text == '"char"':
        bare = _TYPMOD.sub("", text).strip()
        bare = re.sub(r"\s+", " ", bare)
        if bare.startswith("interval"):
            bare = "interval"
        if bare in _SQL_NAMES:
            name = _SQL_NAMES[bare]
            return ("_" + name if array else name), "pg_catalog"
    schema, name = _split_qualified(_TYPMOD.sub("", text) if "(" in text and '"' not in text else text)
    return ("_" + name if array else name), schema or "pg_catalog"


class _Types:
    """Synthetic pg_type rows with stable ids (builtins keep their real oids)."""

    def __init__(self) -> None:
        self.by_key: dict[tuple[str, str], TgType] = {}
        self.next_id = 1_000_000

    def get(self, name: str, schema: str) -> int:
        t = self.by_key.get((schema, name))
        if t is None:
            oid = _BUILTIN_OIDS.get(name) if schema == "pg_catalog" else None
            if oid is None:
                oid = self.next_id
                self.next_id += 1
            fmt = name if schema in _VISIBLE else f"{_quote(schema)}.{_quote(name)}"
            t = TgType(id=oid, name=name, schema=schema, format=fmt)
            self.by_key[(schema, name)] = t
        return t.id

    def of_display(self, display: str) -> int:
        name, schema = display_to_typname(display)
        return self.get(name, schema)

    def entry(self, name: str, schema: str) -> TgType:
        self.get(name, schema)
        return self.by_key[(schema, name)]


def _has_instead_trigger(rel: Relation, event: str) -> bool:
    return any(t.timing == "instead_of" and event in t.events for t in rel.triggers)


def _schema_filter_ok(schema: str) -> bool:
    # postgres-meta compares `connamespace::regnamespace::text` (a quoted identifier when
    # the name needs quotes) to the plain schema names, so such schemas get no relationships.
    return not _needs_quotes(schema)


def _column(rel: Relation, rel_id: int, c: Column, snap_domains: dict[tuple[str, str], Domain]) -> TgColumn:
    fmt, type_schema = c.udt_name or c.base_type, c.type_schema
    nullable = c.nullable and not c.domain_not_null
    base = c.domain_base_type
    if base:
        fmt, type_schema = base, c.domain_base_schema or type_schema
    elif c.type_kind == "domain" and c.array_dims == 0:
        # older snapshots: resolve the domain through Snapshot.domains
        dom = snap_domains.get((c.type_schema, c.udt_name or c.base_type))
        if dom is not None:
            fmt, type_schema = display_to_typname(dom.base_type)
            if not dom.nullable:
                nullable = False
    kind = rel.kind
    if kind == "table" or kind == "partitioned_table":
        updatable = True
    elif kind == "materialized_view":
        updatable = False
    else:  # views and foreign tables: Column.updatable already counts INSTEAD OF triggers/rules
        updatable = c.updatable or _has_instead_trigger(rel, "insert") or _has_instead_trigger(rel, "update")
    identity = c.identity
    generated = c.generated is not None
    # positional: TgColumn(table_id, schema, table, name, format, type_schema, is_nullable,
    # is_identity, identity_generation, is_generated, has_default, is_updatable)
    return TgColumn(
        rel_id, rel.schema, rel.name, c.name, fmt, type_schema, nullable, identity is not None,
        _IDENTITY_GENERATION.get(identity) if identity else None, generated,
        c.default is not None or generated, updatable,
    )


_IDENTITY_GENERATION = {"always": "ALWAYS", "by_default": "BY DEFAULT"}


_PUBLIC_PREFIX = re.compile(r'(?<![\w".])public\.')


def _argument_types(fn: Function) -> str:
    """``pg_get_function_arguments`` as postgres-meta's session (search_path public) prints it."""
    text = getattr(fn, "arguments", None)
    if text is not None:
        return _PUBLIC_PREFIX.sub("", text)
    parts = []
    for a in fn.args:
        if a.mode == "table":
            continue
        prefix = {"out": "OUT ", "inout": "INOUT ", "variadic": "VARIADIC "}.get(a.mode, "")
        typ = a.type[len("public."):] if a.type.startswith("public.") else a.type
        parts.append(f"{prefix}{a.name + ' ' if a.name else ''}{typ}")
    return ", ".join(parts)


def _return_display(fn: Function) -> str:
    result = getattr(fn, "result", None)
    if result is not None:
        return _PUBLIC_PREFIX.sub("", result)
    typ = fn.return_type[len("public."):] if fn.return_type.startswith("public.") else fn.return_type
    table_args = [a for a in fn.args if a.mode == "table"]
    if table_args:
        return "TABLE(" + ", ".join(f"{a.name} {a.type}" for a in table_args) + ")"
    return ("SETOF " if fn.returns_set else "") + typ


def _table_relationships(snap: Snapshot, schemas: set[str]) -> list[TgRelationship]:
    rels_by_name = {r.qualified_name: r for r in snap.relations}
    out: list[TgRelationship] = []
    for rel in snap.relations:
        if rel.schema not in schemas:
            continue
        fks = rel.foreign_keys
        if not fks:
            continue
        positions = {c.name: c.position for c in rel.columns}
        key_sets = [
            sorted(con.columns, key=lambda n: positions.get(n, 0))
            for con in rel.constraints if con.kind in ("primary", "unique")
        ]
        parent = rels_by_name.get(rel.partition_of) if rel.partition_of else None
        parent_fk_names = {c.name for c in parent.foreign_keys} if parent else set()
        own_targets = {(c.ref, c.columns) for c in fks}
        for fk in fks:
            inherited = getattr(fk, "inherited", None)
            if inherited:
                continue  # cloned from a partitioned table (conparentid <> 0)
            if inherited is None and fk.name in parent_fk_names:
                continue  # older snapshots: same name as the parent's FK
            target = rels_by_name.get(fk.ref or "")
            if (inherited is None and target is not None and target.partition_of
                    and (target.partition_of, fk.columns) in own_targets):
                continue  # clone pointing at a partition of the referenced table
            out.append(TgRelationship(
                foreign_key_name=fk.name, schema=rel.schema, relation=rel.name,
                columns=list(fk.columns), is_one_to_one=list(fk.columns) in key_sets,
                referenced_schema=fk.ref_schema or "", referenced_relation=fk.ref_table or "",
                referenced_columns=list(fk.ref_columns),
            ))
    return out


VKD = tuple[str, str, str, str, str, str, list[tuple[str, list[str]]]]
"""(table_schema, table, view_schema, view, constraint, 'f'|'f_ref', [(column, view columns)])."""


def _view_key_dependencies(snap: Snapshot, schemas: set[str], table_rels: Iterable[TgRelationship]) -> list[VKD]:
    """Which view columns carry the columns of each foreign key (either side of it)."""
    by_table: dict[tuple[str, str], list[tuple[str, TgRelationship]]] = defaultdict(list)
    for r in table_rels:
        by_table[(r.schema, r.relation)].append(("f", r))
        by_table[(r.referenced_schema, r.referenced_relation)].append(("f_ref", r))
    out: list[VKD] = []
    for view in snap.relations:
        if view.kind not in ("view", "materialized_view") or view.schema not in schemas:
            continue
        if not view.view_sources:
            continue
        positions = {c.name: c.position for c in view.columns}
        by_source: dict[tuple[str, str, str], list[str]] = defaultdict(list)
        # postgres-meta's array_agg order here depends on the query plan; column order is the
        # usual one (a view exposing one key column twice may list them the other way round)
        for src in sorted(view.view_sources, key=lambda s: positions.get(s.column, 0)):
            key = (src.source_schema, src.source_table, src.source_column)
            if src.column not in by_source[key]:
                by_source[key].append(src.column)
        tables = {(k[0], k[1]) for k in by_source}
        for table in sorted(tables):
            for ctype, r in by_table.get(table, ()):
                if ctype == "f_ref" and not _schema_filter_ok(r.schema):
                    continue  # postgres-meta's regnamespace::text filter drops these
                cols = (r.columns if ctype == "f" else r.referenced_columns) or []
                deps = [(c, by_source.get((table[0], table[1], c), [])) for c in cols]
                if all(v for _, v in deps):
                    out.append((table[0], table[1], view.schema, view.name, r.foreign_key_name, ctype, deps))
    return out


def _expand_view_relationships(table_rels: list[TgRelationship], vkds: list[VKD]) -> list[TgRelationship]:
    def perms(deps: list[tuple[str, list[str]]]) -> list[list[str]]:
        return [list(p) for p in itertools.product(*(v for _, v in deps))]

    index: dict[tuple[str, str, str, str], list[VKD]] = defaultdict(list)
    for k in vkds:
        index[(k[0], k[1], k[4], k[5])].append(k)
    out: list[TgRelationship] = []
    for r in table_rels:
        v2t = index.get((r.schema, r.relation, r.foreign_key_name, "f"), [])
        t2v = index.get((r.referenced_schema, r.referenced_relation, r.foreign_key_name, "f_ref"), [])
        for k in v2t:
            for cols in perms(k[6]):
                out.append(TgRelationship(r.foreign_key_name, k[2], k[3], cols, r.is_one_to_one,
                                          r.referenced_schema, r.referenced_relation, r.referenced_columns))
        for k in t2v:
            for cols in perms(k[6]):
                out.append(TgRelationship(r.foreign_key_name, r.schema, r.relation, r.columns,
                                          r.is_one_to_one, k[2], k[3], cols))
        for k in v2t:
            for cols in perms(k[6]):
                for k2 in t2v:
                    for ref_cols in perms(k2[6]):
                        out.append(TgRelationship(r.foreign_key_name, k[2], k[3], cols, r.is_one_to_one,
                                                  k2[2], k2[3], ref_cols))
    return out


def from_snapshot(snap: Snapshot, schemas: Sequence[str] = ("public",)) -> TgMeta:
    """Generator facts for ``schemas`` (those the snapshot knows; others are ignored)."""
    known = {s.name for s in snap.schemas} | {r.schema for r in snap.relations}
    wanted = [s for s in dict.fromkeys(schemas) if s in known and not s.startswith("pg_")]
    wanted_set = set(wanted)
    types = _Types()
    domains = {(d.schema, d.name): d for d in snap.domains}

    rel_ids: dict[str, int] = {}
    tables: list[TgRelation] = []
    foreign: list[TgRelation] = []
    views: list[TgRelation] = []
    matviews: list[TgRelation] = []
    columns: list[TgColumn] = []
    for i, rel in enumerate(snap.relations, start=1):
        rel_ids[rel.qualified_name] = i
        # every relation has a row type, whatever schema it is in
        row_type = types.entry(rel.name, rel.schema)
        row_type.type_relation_id = i
        if rel.schema not in wanted_set:
            continue
        if rel.kind in ("table", "partitioned_table"):
            tables.append(TgRelation(i, rel.schema, rel.name, "table"))
        elif rel.kind == "foreign_table":
            foreign.append(TgRelation(i, rel.schema, rel.name, "foreign_table"))
        elif rel.kind == "view":
            ins = rel.insertable or _has_instead_trigger(rel, "insert")
            upd = rel.updatable or _has_instead_trigger(rel, "update")
            views.append(TgRelation(i, rel.schema, rel.name, "view",
                                    rel.insertable and rel.updatable, ins, upd))
        else:
            matviews.append(TgRelation(i, rel.schema, rel.name, "materialized_view"))
        for c in rel.columns:
            columns.append(_column(rel, i, c, domains))

    for e in snap.enums:
        types.entry(e.name, e.schema).enums = list(e.labels)
    comp_id = 10_000_000
    for ct in snap.composite_types:
        t = types.entry(ct.name, ct.schema)
        t.attributes = [
            (a.name, types.get(a.udt_name, a.type_schema) if getattr(a, "udt_name", "")
             else types.of_display(a.type))
            for a in ct.attributes
        ]
        t.type_relation_id = comp_id
        comp_id += 1

    functions: list[TgFunction] = []
    for n, fn in enumerate(snap.functions, start=1):
        if fn.schema not in wanted_set or fn.kind != "function":
            continue
        if fn.return_type in ("trigger", "event_trigger"):
            continue
        n_in = sum(1 for a in fn.args if a.mode in ("in", "inout", "variadic"))
        n_defaults = sum(1 for a in fn.args if a.has_default)
        args = [
            TgArg(a.mode, a.name, types.get(a.base_type, a.type_schema) if a.base_type else types.of_display(a.type),
                  n_in - n_defaults <= i < n_in)
            for i, a in enumerate(fn.args)
        ]
        if getattr(fn, "return_udt_name", None):
            ret_name, ret_schema = fn.return_udt_name, fn.return_type_schema or "pg_catalog"
        else:
            ret_name, ret_schema = display_to_typname(fn.return_type)
        ret_id = types.get(ret_name, ret_schema)
        ret_rel_id: int | None = None
        if fn.return_type_relation:
            ret_rel_id = rel_ids.get(fn.return_type_relation)
            rtype = types.entry(ret_name, ret_schema)
            if ret_rel_id is None:
                ret_rel_id = rtype.type_relation_id or comp_id
                comp_id += 1
            rtype.type_relation_id = rtype.type_relation_id or ret_rel_id
        elif fn.return_type_kind == "composite":
            ret_rel_id = types.entry(ret_name, ret_schema).type_relation_id
        functions.append(TgFunction(
            id=n, schema=fn.schema, name=fn.name, args=args,
            argument_types=_argument_types(fn), identity_argument_types=fn.identity_args,
            return_type_id=ret_id, return_type=_return_display(fn),
            return_type_relation_id=ret_rel_id, is_set_returning_function=fn.returns_set,
            prorows=(fn.rows or None) if fn.returns_set else None,
        ))

    table_rels = _table_relationships(snap, wanted_set)
    vkds = _view_key_dependencies(snap, wanted_set, table_rels)
    # postgres-meta compares `connamespace::regnamespace::text` (quoted when the schema name
    # needs quotes) with plain names: the key columns of such schemas' FKs come out null.
    for r in table_rels:
        if not _schema_filter_ok(r.schema):
            r.columns, r.referenced_columns, r.is_one_to_one = None, None, False
    relationships = table_rels + _expand_view_relationships(table_rels, vkds)

    return TgMeta(
        schemas=wanted, tables=tables, foreign_tables=foreign, views=views,
        materialized_views=matviews, columns=columns, relationships=relationships,
        functions=functions, types=list(types.by_key.values()),
    )
