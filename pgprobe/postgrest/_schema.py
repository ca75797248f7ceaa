"""PostgREST's schema cache, read from a :class:`~pgprobe.catalog.Snapshot` (never from the DB).

Holds what the planner needs: the relations of the exposed schemas with their columns
(nominal and base types), primary keys, the functions (for ``/rpc`` and computed
columns) and the relationship index built by :mod:`pgprobe.relationships`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pgprobe.catalog._model import Function, Relation, Snapshot

_TYPMOD = re.compile(r"\(.*\)$")


@dataclass(frozen=True)
class ColumnInfo:
    name: str
    nominal_type: str
    """``format_type`` with modifiers (PostgREST's ``colNominalType``): json check, casts."""
    base_type: str
    """Base type (of a domain), without modifiers: ``tsvector`` check."""
    default: str | None = None
    nullable: bool = True
    max_length_type: str = ""
    rep_type: str | None = None
    """Qualified domain name (data representations are casts on domains)."""


@dataclass
class TableInfo:
    schema: str
    name: str
    is_view: bool
    columns: dict[str, ColumnInfo]
    pk_cols: tuple[str, ...]
    insertable: bool = True
    updatable: bool = True
    deletable: bool = True


@dataclass
class SchemaCache:
    snapshot: Snapshot
    schemas: tuple[str, ...]
    tables: dict[tuple[str, str], TableInfo] = field(default_factory=dict)
    routines: dict[tuple[str, str], list[Function]] = field(default_factory=dict)
    relations: Any = None
    media_handlers: dict[tuple[Any, str], tuple[Any, ...]] = field(default_factory=dict)
    _fuzzy: dict[str, Any] = field(default_factory=dict)
    _rpc_domains: Any = None
    representations: dict[tuple[str, str], str] = field(default_factory=dict)
    """(source, target) -> cast function, e.g. (domain, "json"), ("text", domain)."""
    representations_loaded: bool = False

    def table(self, schema: str, name: str) -> TableInfo | None:
        return self.tables.get((schema, name))

    def table_names(self, schema: str) -> list[str]:
        return [n for (s, n) in self.tables if s == schema]


def _default(r: Relation, c: Any, domain_defaults: dict[str, str]) -> str | None:
    if c.identity == "by_default":
        rel = '"' + r.schema.replace('"', '""') + '"."' + r.name.replace('"', '""') + '"'
        return ("nextval(pg_get_serial_sequence(" + _lit(rel) + ", " + _lit(c.name) + "))")
    if c.generated:
        return None
    if c.default is None and c.type_kind == "domain":
        return domain_defaults.get(f"{c.type_schema}.{c.udt_name or c.base_type}")
    return c.default


def _lit(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _column_info(c: Any, domains: dict[str, str]) -> ColumnInfo:
    nominal = c.type
    if c.type_kind == "domain":
        base = f"{c.type_schema}.{c.udt_name or c.base_type}"
        seen = set()
        while base in domains and base not in seen:
            seen.add(base)
            base = domains[base]
        if base.startswith("pg_catalog."):
            base = base[len("pg_catalog."):]
        if "." in base and not base.startswith('"'):
            base = nominal
    else:
        base = _TYPMOD.sub("", nominal) if c.type_schema == "pg_catalog" else nominal
    return ColumnInfo(c.name, nominal, base, c.default, c.nullable)


def _table_info(r: Relation, domains: dict[str, str], domain_defaults: dict[str, str],
                view_pks: dict[Any, Any]) -> TableInfo:
    pk = r.primary_key
    pk_cols: tuple[str, ...] = ()
    if pk is not None and r.kind in ("table", "partitioned_table"):
        pk_cols = tuple(sorted(pk.columns))
    elif r.kind in ("view", "materialized_view"):
        pk_cols = tuple(view_pks.get((r.schema, r.name), ()))
    cols = {}
    for c in sorted(r.columns, key=lambda c: c.position):
        ci = _column_info(c, domains)
        rep = f"{c.type_schema}.{c.udt_name or c.base_type}" if c.type_kind == "domain" \
            else None
        cols[c.name] = ColumnInfo(ci.name, ci.nominal_type, ci.base_type,
                                  _default(r, c, domain_defaults), ci.nullable, "", rep)
    return TableInfo(r.schema, r.name, r.kind in ("view", "materialized_view"), cols, pk_cols,
                     r.insertable, r.updatable, r.deletable)


_CACHE: dict[tuple[int, tuple[str, ...]], SchemaCache] = {}


def schema_cache(snapshot: Snapshot, schemas: tuple[str, ...]) -> SchemaCache:
    """Build (once per snapshot and exposed schemas) the planner's view of the catalog."""
    key = (id(snapshot), schemas)
    hit = _CACHE.get(key)
    if hit is not None and hit.snapshot is snapshot:
        return hit
    from pgprobe.relationships import RelationshipIndex

    sc = SchemaCache(snapshot, schemas)
    domains = {}
    for d in snapshot.domains:
        b = d.base_type if "." in d.base_type else f"pg_catalog.{d.base_type}"
        domains[f"{d.schema}.{d.name}"] = b
    domain_defaults = {f"{d.schema}.{d.name}": d.default for d in snapshot.domains
                       if d.default is not None}
    sc.relations = RelationshipIndex.from_snapshot(snapshot, list(schemas))
    view_pks = {(r.schema, r.name): sc.relations.primary_key(r.schema, r.name)
                for r in snapshot.relations if r.kind in ("view", "materialized_view")}
    for r in snapshot.relations:
        if r.partition_of:
            continue
        sc.tables[(r.schema, r.name)] = _table_info(r, domains, domain_defaults, view_pks)
    for f in snapshot.functions:
        sc.routines.setdefault((f.schema, f.name), []).append(f)
    sc.media_handlers = _media_handlers(snapshot, schemas)
    if len(_CACHE) > 16:
        _CACHE.clear()
    _CACHE[key] = sc
    return sc


def table_fuzzy_hint(sc: SchemaCache, schema: str, name: str) -> str | None:
    """PGRST205's "Perhaps you meant the table ..." (fuzzy match, score >= 0.75)."""
    from pgprobe.relationships import FuzzySet

    names = sc.table_names(schema)
    if not names or len(names) >= 500:
        return None
    fs = sc._fuzzy.get(schema)
    if fs is None:
        fs = sc._fuzzy[schema] = FuzzySet(names)
    best = fs.get_one(name, 0.75)
    return f"Perhaps you meant the table '{schema}.{best}'" if best else None


_MEDIA_NAME = re.compile(r"^[A-Za-z0-9.-]+/[A-Za-z0-9.+-]+$")


def media_key(mt: str) -> str:
    """The key a media type string is known by (PostgREST's ``decodeMediaType``)."""
    main = mt.split(";", 1)[0].strip().lower()
    fixed = {"application/json": "json", "application/geo+json": "geojson", "text/csv": "csv",
             "text/plain": "plain", "text/xml": "xml", "application/openapi+json": "openapi",
             "application/x-www-form-urlencoded": "urlencoded",
             "application/octet-stream": "octet", "*/*": "any"}
    return fixed.get(main, "other:" + mt)


def _media_handlers(snapshot: Snapshot, schemas: tuple[str, ...]) -> dict[tuple[Any, str],
                                                                          tuple[Any, ...]]:
    """Built-in handlers plus aggregates returning a media-type domain (custom handlers)."""
    out: dict[tuple[Any, str], tuple[Any, ...]] = {
        ("any", "any"): ("json", None, None, "application/json"),
        ("any", "json"): ("json", None, None, "application/json"),
        ("any", "csv"): ("csv", None, None, "text/csv"),
        ("any", "geojson"): ("geojson", None, None, "application/geo+json"),
    }
    media_domains = {f"{d.schema}.{d.name}": d.name for d in snapshot.domains
                     if _MEDIA_NAME.match(d.name) or d.name == "*/*"}
    rels = {(r.schema, r.name) for r in snapshot.relations}
    for f in snapshot.functions:
        if f.kind != "aggregate" or f.schema not in schemas or len(f.args) != 1:
            continue
        ret = f.return_type.replace('"', "")
        name = media_domains.get(ret)
        if name is None:
            continue
        a = f.args[0]
        if a.type == "anyelement":
            target: Any = "any"
        elif (a.type_schema, a.base_type) in rels:
            target = ("rel", a.type_schema, a.base_type)
        else:
            continue
        resolved = "application/octet-stream" if name == "*/*" else name
        out[(target, media_key(name.lower()))] = ("custom", (f.schema, f.name), target, resolved)
    for f in snapshot.functions:
        if f.kind != "function" or f.schema not in schemas or f.returns_set:
            continue
        ret = f.return_type.replace('"', "")
        name = media_domains.get(ret)
        if name is None:
            continue
        dschema = ret[: -len(name) - 1]
        target = ("rel", f.schema, f.name)
        resolved = "application/octet-stream" if name == "*/*" else name
        out[(target, media_key(name.lower()))] = ("custom", (dschema, name), target, resolved)
    return out


_REPRESENTATIONS_SQL = """
SELECT CASE WHEN src_t.typtype = 'd' THEN format('%I.%I', sn.nspname, src_t.typname)
            ELSE src_t.typname::text END,
       CASE WHEN dst_t.typtype = 'd' THEN format('%I.%I', dn.nspname, dst_t.typname)
            ELSE dst_t.typname::text END,
       format('%I.%I', pn.nspname, p.proname)
FROM pg_catalog.pg_cast c
JOIN pg_catalog.pg_type src_t ON c.castsource = src_t.oid
JOIN pg_catalog.pg_namespace sn ON sn.oid = src_t.typnamespace
JOIN pg_catalog.pg_type dst_t ON c.casttarget = dst_t.oid
JOIN pg_catalog.pg_namespace dn ON dn.oid = dst_t.typnamespace
JOIN pg_catalog.pg_proc p ON p.oid = c.castfunc
JOIN pg_catalog.pg_namespace pn ON pn.oid = p.pronamespace
WHERE c.castcontext = 'i' AND c.castmethod = 'f'
  AND has_function_privilege(c.castfunc, 'execute')
  AND ((src_t.typtype = 'd' AND c.casttarget IN ('json'::regtype, 'text'::regtype))
    OR (dst_t.typtype = 'd' AND c.castsource IN ('json'::regtype, 'text'::regtype)))
"""


def load_representations(sc: SchemaCache, conn: Any) -> None:
    """Data representations (implicit casts on domains, PostgREST's ``dataRepresentations``).

    Read from the snapshot's casts; a snapshot saved before casts were recorded has none, and
    then they are read once per schema cache from the connection, when there is one.
    """
    if sc.representations_loaded:
        return
    casts = sc.snapshot.casts
    if casts or conn is None:
        sc.representations = {
            (c.source, c.target): c.function for c in casts
            if c.context == "implicit" and c.method == "function"
            and ((c.source_is_domain and c.target in ("json", "text"))
                 or (c.target_is_domain and c.source in ("json", "text")))}
        sc.representations_loaded = True
        return
    with conn.cursor() as cur:
        cur.execute(_REPRESENTATIONS_SQL)
        sc.representations = {(a, b): f for a, b, f in cur.fetchall()}
    sc.representations_loaded = True
