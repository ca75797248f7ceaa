"""What exists at each step of a migration sequence: the one state object all rules read.

It starts from a baseline (a :class:`~pgprobe.catalog.Snapshot`, or an empty Supabase
project: the platform schemas ``auth``, ``storage``, ``extensions``, ... are assumed to hold
whatever migrations use from them) and is advanced by :meth:`SchemaState.apply` after the
rules have looked at each statement.  Every object remembers where it came from
(``BASELINE`` or the file and position that created it).

>>> st = SchemaState()
>>> st.has_table("public.tickets")
False
>>> st.has_table("auth.users")
True
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..catalog._model import Snapshot
    from ._source import Placed, Statement

#: Schemas a Supabase project provides; objects there are not created by the migrations.
PLATFORM_SCHEMAS = frozenset({
    "auth", "storage", "realtime", "extensions", "graphql", "graphql_public", "vault", "net",
    "cron", "pgsodium", "pgsodium_masks", "supabase_functions", "supabase_migrations",
    "pg_catalog", "information_schema", "pgbouncer", "pgmq", "_realtime", "_analytics",
})

BASELINE = "<baseline>"


class Origin:
    """Where an object came from: ``BASELINE`` or a file (index in the sequence) and the
    statement (its position is computed only when a finding needs it)."""

    __slots__ = ("file", "file_index", "stmt")

    def __init__(self, file: str, file_index: int = -1,
                 stmt: Statement | Placed | None = None) -> None:
        self.file = file
        self.file_index = file_index
        self.stmt = stmt

    @property
    def pos(self) -> int:
        return self.stmt.pos if self.stmt is not None else 0

    @property
    def guarded(self) -> bool:
        return self.stmt.guarded if self.stmt is not None else False

    @property
    def is_baseline(self) -> bool:
        return self.file == BASELINE

    def __repr__(self) -> str:
        return f"Origin({self.file!r}, {self.file_index})"

    def __deepcopy__(self, memo: dict[int, Any]) -> Origin:
        return self  # never changed once made; copying it would copy its file


BASE = Origin(BASELINE)


@dataclass
class Table:
    name: str
    origin: Origin
    kind: str = "table"
    columns: dict[str, str] = field(default_factory=dict)
    """column name -> qualified type name (``public.mood``, ``pg_catalog.int4``)."""
    constraints: set[str] = field(default_factory=set)
    policies: dict[str, Origin] = field(default_factory=dict)
    rls: bool = False
    rls_origin: Origin | None = None

    def __deepcopy__(self, memo: dict[int, Any]) -> Table:
        # the generic deepcopy of a dataclass is the cost of rolling back a DO block's
        # changes; names and types are strings and an Origin is never changed once made
        return Table(self.name, self.origin, self.kind, dict(self.columns),
                     set(self.constraints), dict(self.policies), self.rls, self.rls_origin)


def qname(schema: str, name: str) -> str:
    """The state's key of ``name`` in ``schema``: ``schema.name``, the names exactly as the
    parse tree spells them (a schema containing ``.`` or starting with ``"`` is written
    double-quoted, so :func:`split_qname` always finds the schema again).

    >>> qname("public", "Owners can edit.") , split_qname(qname("a.b", "t.u"))
    ('public.Owners can edit.', ('a.b', 't.u'))
    """
    if "." in schema or schema.startswith('"'):
        schema = '"' + schema.replace('"', '""') + '"'
    return f"{schema}.{name}"


def split_qname(q: str) -> tuple[str, str]:
    """``(schema, name)`` of a key made by :func:`qname`."""
    if q.startswith('"'):
        i = 1
        while True:
            j = q.index('"', i)
            if q.startswith('""', j):
                i = j + 2
                continue
            return q[1:j].replace('""', '"'), q[j + 2:]
    schema, _, name = q.partition(".")
    return schema, name


def schema_of(q: str) -> str:
    """The schema of a key made by :func:`qname`."""
    return split_qname(q)[0] if q.startswith('"') else q.partition(".")[0]


_SUB = "\x00"  # cannot occur in a PostgreSQL identifier


_PLAIN_IDENT = re.compile(r"[a-z_][a-z0-9_$]*")


def quote_ident(name: str) -> str:
    """``name`` as it would be written in SQL (double-quoted unless plain).

    >>> quote_ident("own_rows"), quote_ident("Users can view")
    ('own_rows', '"Users can view"')
    """
    if _PLAIN_IDENT.fullmatch(name):
        return name
    return '"' + name.replace('"', '""') + '"'


def shown(q: str) -> str:
    """A key of :func:`qname` as SQL writes it (each part quoted when it must be).

    >>> shown(qname("public", "My.Table"))
    'public."My.Table"'
    """
    if "(" in q:  # a function's signature: shown as it is
        return q
    schema, name = split_qname(q)
    if not name:
        return quote_ident(schema)
    return f"{quote_ident(schema)}.{quote_ident(name)}"


def sub_key(table: str, sub: str) -> str:
    """Key of an object that lives on a table (policy, trigger, rule): never split on
    dots, as both names may contain them."""
    return f"{table}{_SUB}{sub}"


def split_sub_key(key: str) -> tuple[str, str]:
    """``(table, sub-object)`` of a :func:`sub_key`."""
    table, _, sub = key.partition(_SUB)
    return table, sub


def qualify(names: list[Any], default: str) -> str:
    """``[{"String": {"sval": "a"}}, ...]`` -> ``"schema.name"``."""
    parts = [n["String"]["sval"] for n in names if "String" in n]
    if len(parts) == 1:
        return qname(default, parts[0])
    return qname(parts[-2], parts[-1])


def type_name(tn: dict[str, Any], default: str) -> str:
    """Qualified name of a ``TypeName`` node (builtins as ``pg_catalog.x``)."""
    names = tn.get("names", ())
    if len(names) == 1:  # the common cases first: ``text``, ``pg_catalog.int8``
        one = names[0].get("String")
        if one is not None:
            return _BUILTIN_QUALIFIED.get(one["sval"]) or _type_qname(default, one["sval"])
    elif len(names) == 2:
        first, second = names[0].get("String"), names[1].get("String")
        if first is not None and second is not None:
            return _type_qname(first["sval"], second["sval"])
    parts = [n["String"]["sval"] for n in names if "String" in n]
    if len(parts) == 1:
        return qname(default, parts[0]) if parts[0] not in BUILTIN_TYPES else \
            f"pg_catalog.{parts[0]}"
    if not parts:
        return f"{default}.?"
    return qname(parts[-2], parts[-1])


_TYPE_QNAMES: dict[tuple[str, str], str] = {}


def _type_qname(schema: str, name: str) -> str:
    """:func:`qname` of a type, interned and remembered: thousands of columns share a
    few type names (a smaller state, and each is built once)."""
    key = (schema, name)
    hit = _TYPE_QNAMES.get(key)
    if hit is None:
        if len(_TYPE_QNAMES) > 100_000:  # bounded, whatever a long-lived process lints
            _TYPE_QNAMES.clear()
        hit = _TYPE_QNAMES[key] = sys.intern(qname(schema, name))
    return hit


def column_type(cd: dict[str, Any], default: str) -> str | None:
    """Qualified type of a ``ColumnDef``."""
    tn = cd.get("typeName")
    return None if tn is None else type_name(tn, default)


@dataclass(slots=True)
class TableDefinition:
    """What a ``CreateStmt`` defines and needs, from one walk of its elements (cached in
    the node: the state and several rules ask; do not change it)."""

    columns: dict[str, str]
    """Column name -> qualified type, in order."""
    constraint_names: list[str]
    constraints: list[dict[str, Any]]
    """Every ``Constraint`` node, of the columns and of the table, in order."""
    uses: list[tuple[bool, dict[str, Any]]]
    """What must exist first, in order: ``(True, ColumnDef)`` for a column whose type is
    not built in, ``(False, Constraint)`` for a foreign key."""


_DEFINITION = "\x00pgprobe_definition"


def table_definition(node: dict[str, Any], default: str) -> TableDefinition:
    """The :class:`TableDefinition` of a ``CreateStmt`` node."""
    hit = node.get(_DEFINITION)
    if hit is None:
        hit = node[_DEFINITION] = _define_table(node.get("tableElts", ()), default)
    return hit  # type: ignore[no-any-return]


def _define_table(elements: list[dict[str, Any]], default: str) -> TableDefinition:
    d = TableDefinition({}, [], [], [])
    for elt in elements:
        cd = elt.get("ColumnDef")
        if cd is not None:
            tn = cd.get("typeName")
            qtype = None if tn is None else type_name(tn, default)
            if qtype is not None:
                d.columns[cd["colname"]] = qtype
                if not qtype.startswith("pg_catalog."):
                    d.uses.append((True, cd))
            cons = [c["Constraint"] for c in cd.get("constraints", ()) if "Constraint" in c]
        elif "Constraint" in elt:
            cons = [elt["Constraint"]]
        else:
            continue
        for con in cons:
            d.constraints.append(con)
            if con.get("conname"):
                d.constraint_names.append(con["conname"])
            if "pktable" in con:
                d.uses.append((False, con))
    return d


def table_elements(node: dict[str, Any], default: str) -> tuple[dict[str, str], list[str]]:
    """Columns (name -> qualified type) and named constraints of a ``CreateStmt``, in
    order (cached in the node; do not change them)."""
    d = table_definition(node, default)
    return d.columns, d.constraint_names


BUILTIN_TYPES = frozenset(
    [
        "text", "varchar", "char", "bpchar", "name", "uuid", "json", "jsonb", "xml", "bytea",
        "bool", "boolean", "int2", "int4", "int8", "smallint", "integer", "int", "bigint", "float4",
        "float8", "real", "numeric", "decimal", "money", "date", "time", "timetz", "timestamp",
        "timestamptz", "interval", "bit", "varbit", "inet", "cidr", "macaddr", "macaddr8", "point",
        "line", "lseg", "box", "path", "polygon", "circle", "tsvector", "tsquery", "oid",
        "regclass", "regproc", "regprocedure", "regtype", "regrole", "regnamespace", "regconfig",
        "serial", "bigserial", "smallserial", "serial4", "serial8", "serial2", "record", "void",
        "trigger", "event_trigger", "anyelement", "anyarray", "anynonarray", "anyenum", "anyrange",
        "int4range", "int8range", "numrange", "tsrange", "tstzrange", "daterange", "int4multirange",
        "int8multirange", "nummultirange", "tsmultirange", "tstzmultirange", "datemultirange",
        "jsonpath", "pg_lsn", "txid_snapshot", "pg_snapshot", "character", "double", "precision",
        "cstring", "internal", "language_handler", "unknown", "xid", "xid8", "cid", "tid",
        "aclitem", "refcursor"
    ]
)
_BUILTIN_QUALIFIED = {t: sys.intern(f"pg_catalog.{t}") for t in BUILTIN_TYPES}

#: Tables and views that well-known extensions add to the schema they are installed in.
EXTENSION_RELATIONS = frozenset(
    [
        "spatial_ref_sys", "geometry_columns", "geography_columns", "raster_columns",
        "raster_overviews", "pg_stat_statements", "pg_stat_statements_info", "topology",
        "layer", "us_gaz", "us_lex", "us_rules", "hypopg_list_indexes", "hypopg_hidden_indexes",
    ]
)

#: Types that well-known extensions add (so a column of type ``vector`` is not "unknown").
EXTENSION_TYPES = frozenset(
    [
        "vector", "halfvec", "sparsevec", "geometry", "geography", "box2d", "box3d", "raster",
        "citext", "ltree", "lquery", "ltxtquery", "hstore", "cube", "earth", "isbn", "isbn13",
        "issn", "ismn", "ean13", "upc", "seg", "semver", "http_request", "http_response",
        "http_header", "http_method"
    ]
)


class SchemaState:
    """Tables (with columns, constraints, policies, RLS), types, functions, indexes,
    schemas and extensions known at the current step."""

    def __init__(self, baseline: Snapshot | None = None) -> None:
        self.search_path = "public"
        self.tables: dict[str, Table] = {}
        self.types: dict[str, Origin] = {}
        self.functions: dict[str, Origin] = {}
        self.signatures: dict[str, Origin] = {}
        """``schema.name(argtypes)`` -> origin: overloads are distinct functions."""
        self.check_function_bodies = True
        self.indexes: dict[str, tuple[str, Origin]] = {}
        """qualified index name -> (table, origin)"""
        self.schemas: dict[str, Origin] = {"public": BASE}
        self.extensions: dict[str, Origin] = {}
        self.extension_schemas: set[str] = set()
        self.unknown_extension_schemas: set[str] = set()
        """Schemas holding an extension whose objects pgprobe does not know."""
        self.publications: dict[str, dict[str, Origin]] = {"supabase_realtime": {}}
        """publication -> member table -> where it was added."""
        self.assumed_schemas: set[str] = set(PLATFORM_SCHEMAS)
        self.dropped: dict[str, Origin] = {}
        """objects dropped during the sequence (``kind:name``), to tell re-creation apart."""
        self.cascades: list[Origin] = []
        """``DROP ... CASCADE`` statements: what they drop besides their object (policies,
        views, functions depending on it) is not followed."""
        self.unreadable: list[tuple[Origin, str]] = []
        """DO blocks that EXECUTE SQL built at run time (their origin and lower-cased
        text): what they create is unknown."""
        self.rolled_back: dict[str, tuple[Origin, int]] = {}
        """objects (``kind:name``) whose creation was lost with a failing file: the origin
        of the CREATE and the character position of the file's failure."""
        self.has_baseline = baseline is not None
        if baseline is not None:
            self._load(baseline)
        else:
            self.tables["auth.users"] = Table("auth.users", BASE, columns={"id": "pg_catalog.uuid"})

    # -- baseline ---------------------------------------------------------------------
    def _load(self, snap: Snapshot) -> None:
        for sc in snap.schemas:
            self.schemas[sc.name] = BASE
            if not sc.expanded:
                self.assumed_schemas.add(sc.name)
        for rel in snap.relations:
            cols = {
                c.name: qname(c.type_schema, (c.udt_name or c.base_type).lstrip('_'))
                for c in rel.columns
            }
            t = Table(qname(rel.schema, rel.name), BASE, kind=rel.kind, columns=cols,
                      constraints={c.name for c in rel.constraints},
                      policies={p.name: BASE for p in rel.policies},
                      rls=rel.rls_enabled, rls_origin=BASE)
            self.tables[t.name] = t
            for ix in rel.indexes:
                self.indexes[qname(rel.schema, ix.name)] = (t.name, BASE)
        for group in (snap.enums, snap.domains, snap.composite_types):
            for ty in group:
                self.types[qname(ty.schema, ty.name)] = BASE
        for fn in snap.functions:
            self.functions[qname(fn.schema, fn.name)] = BASE
            n_in = sum(1 for a in fn.args if a.mode in ("in", "inout", "variadic"))
            self.signatures[f"{qname(fn.schema, fn.name)}/{n_in}"] = BASE
        for ext in snap.extensions:
            self.extensions[ext.name] = BASE
            if ext.name != "plpgsql":
                self.extension_schemas.add(ext.schema)
        for pub in snap.publications:
            self.publications[pub.name] = {t: BASE for t in pub.tables}

    # -- questions the rules ask --------------------------------------------------------
    def assumed(self, qualified: str) -> bool:
        """True when the object lives in a schema the migrations do not manage."""
        return schema_of(qualified) in self.assumed_schemas

    def has_table(self, name: str) -> bool:
        return name in self.tables or self.assumed(name)

    def has_type(self, name: str) -> bool:
        if name.startswith("pg_catalog."):
            return True
        schema, bare = split_qname(name)
        if schema == "pg_catalog" or name in self.types or self.assumed(name):
            return True
        if name in self.tables:  # a table's row type
            return True
        if bare in EXTENSION_TYPES or bare in BUILTIN_TYPES:
            return True
        # an unknown type after an extension we know nothing about: give it the benefit
        return bool(self.extensions) and any(e not in _KNOWN_EXTENSIONS for e in self.extensions)

    def has_function(self, name: str, created_later: bool = False) -> bool:
        """Known, or possibly added by an extension installed in its schema (unless the
        migrations themselves create it later: then it certainly is not there yet)."""
        if name in self.functions or self.assumed(name):
            return True
        return schema_of(name) in self.extension_schemas and not created_later

    def table_origin(self, name: str) -> Origin | None:
        t = self.tables.get(name)
        return t.origin if t else None

    def columns_of_type(self, type_qname: str) -> list[str]:
        return [f"{t.name}.{c}" for t in self.tables.values() for c, ty in t.columns.items()
                if ty == type_qname]

    def tables_with_constraint(self, name: str) -> list[str]:
        return [t.name for t in self.tables.values() if name in t.constraints]

    def rel(self, rv: dict[str, Any]) -> str:
        """Qualified name of a ``RangeVar``."""
        return qname(rv.get("schemaname") or self.search_path, rv["relname"])

    # -- advancing ------------------------------------------------------------------------
    def apply(self, st: Statement, origin: Origin) -> None:
        """Advance the state past one statement (which came from ``origin``)."""
        handler = _APPLY.get(st.kind)
        if handler is not None:
            handler(self, st.node, origin)

    def apply_handlers(self) -> dict[str, Callable[[dict[str, Any], Origin], None]]:
        """``apply``'s handlers bound to this state, by statement kind (the engine's fast path)."""
        return {kind: fn.__get__(self) for kind, fn in _APPLY.items()}

    def _create_table(self, node: dict[str, Any], origin: Origin) -> None:
        name = self.rel(node["relation"])
        if name in self.tables:  # skipped (IF NOT EXISTS) or fails: the old table stays
            return
        columns, constraints = table_elements(node, self.search_path)
        self.tables[name] = Table(name, origin, columns=dict(columns),
                                  constraints=set(constraints))

    def _create_view(self, node: dict[str, Any], origin: Origin) -> None:
        rv = node.get("view") or node.get("into", {}).get("rel")
        if rv:
            name = self.rel(rv)
            kind = "table" if node.get("objtype") == "OBJECT_TABLE" else "view"
            if name not in self.tables:
                self.tables[name] = Table(name, origin, kind=kind)

    def _alter_table(self, node: dict[str, Any], origin: Origin) -> None:
        name = self.rel(node["relation"])
        t = self.tables.get(name)
        if t is None:
            return
        for cmd in node.get("cmds", ()):
            c = cmd.get("AlterTableCmd", {})
            sub = c.get("subtype")
            if sub == "AT_EnableRowSecurity":
                t.rls, t.rls_origin = True, origin
            elif sub == "AT_DisableRowSecurity":
                t.rls, t.rls_origin = False, origin
            elif sub == "AT_AddColumn":
                cd = c.get("def", {}).get("ColumnDef", {})
                if "typeName" in cd:
                    t.columns[cd["colname"]] = type_name(cd["typeName"], self.search_path)
            elif sub == "AT_DropColumn":
                t.columns.pop(c.get("name", ""), None)
            elif sub == "AT_AlterColumnType":
                cd = c.get("def", {}).get("ColumnDef", {})
                if "typeName" in cd:
                    t.columns[c.get("name", "")] = type_name(cd["typeName"], self.search_path)
            elif sub == "AT_AddConstraint":
                cname = c.get("def", {}).get("Constraint", {}).get("conname")
                if cname:
                    t.constraints.add(cname)
            elif sub == "AT_DropConstraint":
                t.constraints.discard(c.get("name", ""))

    def _create_index(self, node: dict[str, Any], origin: Origin) -> None:
        table = self.rel(node["relation"])
        idx = node.get("idxname")
        if idx:
            schema = node["relation"].get("schemaname") or self.search_path
            key = qname(schema, idx)
            if key not in self.indexes:
                self.indexes[key] = (table, origin)
            t = self.tables.get(table)
            if t is not None and (node.get("unique") or node.get("primary")):
                t.constraints.add(idx)

    def _create_policy(self, node: dict[str, Any], origin: Origin) -> None:
        t = self.tables.get(self.rel(node["table"]))
        if t is not None:
            t.policies.setdefault(node["policy_name"], origin)

    def _create_type(self, node: dict[str, Any], origin: Origin) -> None:
        names = node.get("domainname") or node.get("typeName")
        if isinstance(names, list):
            self.types.setdefault(qualify(names, self.search_path), origin)
        elif "typevar" in node:
            self.types.setdefault(self.rel(node["typevar"]), origin)

    def _create_function(self, node: dict[str, Any], origin: Origin) -> None:
        self.functions.setdefault(qualify(node["funcname"], self.search_path), origin)
        self.signatures.setdefault(self.signature(node), origin)

    def signature(self, node: dict[str, Any]) -> str:
        """``schema.name(type, ...)`` of a CREATE FUNCTION's input arguments (overloads)."""
        args = []
        for p in node.get("parameters", ()):
            fp = p.get("FunctionParameter", {})
            if fp.get("mode") in ("FUNC_PARAM_OUT", "FUNC_PARAM_TABLE"):
                continue
            args.append(type_name(fp["argType"], self.search_path) if "argType" in fp else "?")
        return f"{qualify(node['funcname'], self.search_path)}({', '.join(args)})"

    def _create_schema(self, node: dict[str, Any], origin: Origin) -> None:
        self.schemas.setdefault(node.get("schemaname", ""), origin)

    def _create_extension(self, node: dict[str, Any], origin: Origin) -> None:
        self.extensions.setdefault(node.get("extname", ""), origin)
        schema = self.search_path
        for opt in node.get("options", ()):
            de = opt.get("DefElem", {})
            if de.get("defname") == "schema":
                schema = de.get("arg", {}).get("String", {}).get("sval", schema)
        self.extension_schemas.add(schema)
        if node.get("extname", "") not in _KNOWN_EXTENSIONS:
            self.unknown_extension_schemas.add(schema)

    def publication_tables(self, node: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
        """``(qualified table, RangeVar)`` of a CREATE/ALTER PUBLICATION's table list."""
        out = []
        for obj in node.get("pubobjects", ()):
            rv = obj.get("PublicationObjSpec", {}).get("pubtable", {}).get("relation")
            if rv:
                out.append((self.rel(rv), rv))
        return out

    def _publication(self, node: dict[str, Any], origin: Origin) -> None:
        name = node.get("pubname", "")
        action = node.get("action", "AP_AddObjects")
        members = self.publications.setdefault(name, {})
        if action == "AP_SetObjects":
            members.clear()
        for table, _ in self.publication_tables(node):
            if action == "AP_DropObjects":
                members.pop(table, None)
            else:
                members.setdefault(table, origin)

    def _drop(self, node: dict[str, Any], origin: Origin) -> None:
        kind = node.get("removeType")
        if node.get("behavior") == "DROP_CASCADE":
            self.cascades.append(origin)
        for obj in node.get("objects", ()):
            name = self.dropped_name(kind, obj)
            if name is None:
                continue
            if kind in ("OBJECT_TABLE", "OBJECT_VIEW", "OBJECT_MATVIEW", "OBJECT_FOREIGN_TABLE"):
                if self.tables.pop(name, None) is not None:
                    self.dropped[f"table:{name}"] = origin
                    for key, (tab, _) in list(self.indexes.items()):
                        if tab == name:
                            del self.indexes[key]
            elif kind in ("OBJECT_TYPE", "OBJECT_DOMAIN"):
                if self.types.pop(name, None) is not None:
                    self.dropped[f"type:{name}"] = origin
                if node.get("behavior") == "DROP_CASCADE":
                    for t in self.tables.values():
                        for col, ty in list(t.columns.items()):
                            if ty == name:
                                del t.columns[col]
            elif kind in _FUNCTION_KINDS:
                self._drop_function(name, obj.get("ObjectWithArgs", {}), origin)
            elif kind == "OBJECT_INDEX":
                if self.indexes.pop(name, None) is not None:
                    self.dropped[f"index:{name}"] = origin
            elif kind == "OBJECT_POLICY":
                table, pol = split_sub_key(name)
                owner = self.tables.get(table)
                if owner is not None and owner.policies.pop(pol, None) is not None:
                    self.dropped[f"policy:{name}"] = origin
            elif kind == "OBJECT_SCHEMA":
                if self.schemas.pop(name, None) is not None:
                    self.dropped[f"schema:{name}"] = origin
                    self._drop_schema_contents(name, origin)
            elif kind == "OBJECT_EXTENSION" and self.extensions.pop(name, None) is not None:
                self.dropped[f"extension:{name}"] = origin

    def _drop_schema_contents(self, schema: str, origin: Origin) -> None:
        """What a dropped schema held goes with it (``CASCADE``; without it the DROP
        fails unless the schema is empty)."""
        for key in [k for k in self.tables if schema_of(k) == schema]:
            del self.tables[key]
            self.dropped[f"table:{key}"] = origin
        for table in (self.types, self.functions, self.signatures, self.indexes):
            for key in [k for k in table if schema_of(k) == schema]:
                del table[key]

    def _drop_function(self, name: str, owa: dict[str, Any], origin: Origin) -> None:
        """One overload goes (the one whose argument types are given, else all of them);
        the name stays known while other overloads remain."""
        sigs = [k for k in self.signatures if k.startswith(name + "(")]
        args = self._args_of(owa)
        if args is not None and len(sigs) > 1:
            sigs = [k for k in sigs if k == f"{name}({', '.join(args)})"] or sigs[:0]
        for sig in sigs:
            del self.signatures[sig]
        if any(k.startswith(name + "(") for k in self.signatures):
            return
        if self.functions.pop(name, None) is not None:
            self.dropped[f"function:{name}"] = origin

    def dropped_name(self, kind: str | None, obj: Any) -> str | None:
        """Qualified name of one object of a DropStmt (policies: ``schema.table.policy``)."""
        sp = self.search_path
        if "List" in obj:
            items = obj["List"].get("items", [])
            if kind in ("OBJECT_POLICY", "OBJECT_TRIGGER", "OBJECT_RULE"):
                return sub_key(qualify(items[:-1], sp), items[-1]["String"]["sval"])
            return qualify(items, sp)
        if "TypeName" in obj:
            return type_name(obj["TypeName"], sp)
        if "ObjectWithArgs" in obj:
            return qualify(obj["ObjectWithArgs"].get("objname", []), sp)
        if "String" in obj:
            return str(obj["String"]["sval"])
        return None

    # -- renames and moves: the object keeps its origin under its new name ----------------
    def _rename(self, node: dict[str, Any], origin: Origin) -> None:
        kind, new = node.get("renameType"), node.get("newname")
        if not new:
            return
        rv = node.get("relation")
        if kind in _RELATION_KINDS and rv:
            old = self.rel(rv)
            self._move_table(old, qname(schema_of(old), new))
        elif kind in ("OBJECT_COLUMN", "OBJECT_TABCONSTRAINT", "OBJECT_POLICY") and rv:
            t = self.tables.get(self.rel(rv))
            sub = node.get("subname")
            if t is None or not sub:
                return
            if kind == "OBJECT_COLUMN" and sub in t.columns:
                t.columns[new] = t.columns.pop(sub)
            elif kind == "OBJECT_TABCONSTRAINT" and sub in t.constraints:
                t.constraints.discard(sub)
                t.constraints.add(new)
            elif kind == "OBJECT_POLICY" and sub in t.policies:
                t.policies[new] = t.policies.pop(sub)
        elif kind == "OBJECT_INDEX" and rv:
            self._move_index(self.rel(rv), qname(rv.get("schemaname") or self.search_path, new))
        elif kind in ("OBJECT_TYPE", "OBJECT_DOMAIN"):
            obj = self.object_name(kind, node.get("object"))
            if obj is not None:
                self._move_type(obj, qname(schema_of(obj), new))
        elif kind in _FUNCTION_KINDS:
            owa = node.get("object", {}).get("ObjectWithArgs")
            if owa is not None:
                old = qualify(owa.get("objname", []), self.search_path)
                self._move_function(old, qname(schema_of(old), new), self._args_of(owa))
        elif kind == "OBJECT_SCHEMA" and node.get("subname"):
            self._move_schema(node["subname"], new)

    def _set_schema(self, node: dict[str, Any], origin: Origin) -> None:
        kind, schema = node.get("objectType"), node.get("newschema")
        if not schema:
            return
        rv = node.get("relation")
        if kind in _RELATION_KINDS and rv:
            old = self.rel(rv)
            self._move_table(old, qname(schema, split_qname(old)[1]))
        elif kind in ("OBJECT_TYPE", "OBJECT_DOMAIN"):
            obj = self.object_name(kind, node.get("object"))
            if obj is not None:
                self._move_type(obj, qname(schema, split_qname(obj)[1]))
        elif kind in _FUNCTION_KINDS:
            owa = node.get("object", {}).get("ObjectWithArgs")
            if owa is not None:
                old = qualify(owa.get("objname", []), self.search_path)
                self._move_function(old, qname(schema, split_qname(old)[1]), self._args_of(owa))

    def object_name(self, kind: str | None, obj: Any) -> str | None:
        """Qualified name of the object node of a RENAME / SET SCHEMA / COMMENT."""
        if not isinstance(obj, dict):
            return None
        if "TypeName" in obj:
            return type_name(obj["TypeName"], self.search_path)
        if "List" in obj:
            return qualify(obj["List"].get("items", []), self.search_path)
        if "String" in obj:
            return qname(self.search_path, obj["String"]["sval"])
        return None

    def _args_of(self, owa: dict[str, Any]) -> list[str] | None:
        """Input argument types of an ``ObjectWithArgs`` (``None``: not given)."""
        if owa.get("args_unspecified"):
            return None
        args = []
        for fp in owa.get("objfuncargs", ()):
            p = fp.get("FunctionParameter", {})
            if p.get("mode") not in ("FUNC_PARAM_OUT", "FUNC_PARAM_TABLE") and "argType" in p:
                args.append(type_name(p["argType"], self.search_path))
        if not args and not owa.get("objfuncargs"):
            args = [type_name(a["TypeName"], self.search_path)
                    for a in owa.get("objargs", ()) if "TypeName" in a]
        return args

    def _move_table(self, old: str, new: str) -> None:
        t = self.tables.pop(old, None)
        if t is None:
            return
        t.name = new
        self.tables[new] = t
        for key, (tab, o) in list(self.indexes.items()):
            if tab == old:
                self.indexes[key] = (new, o)
        for members in self.publications.values():
            if old in members:
                members[new] = members.pop(old)
        self._retype(old, new)  # a table's row type moves with it

    def _move_index(self, old: str, new: str) -> None:
        hit = self.indexes.pop(old, None)
        if hit is None:
            return
        self.indexes[new] = hit
        t = self.tables.get(hit[0])
        bare_old, bare_new = split_qname(old)[1], split_qname(new)[1]
        if t is not None and bare_old in t.constraints:
            t.constraints.discard(bare_old)
            t.constraints.add(bare_new)

    def _move_type(self, old: str, new: str) -> None:
        o = self.types.pop(old, None)
        if o is not None:
            self.types[new] = o
        self._retype(old, new)

    def _retype(self, old: str, new: str) -> None:
        for t in self.tables.values():
            for col, ty in t.columns.items():
                if ty == old:
                    t.columns[col] = new

    def _move_function(self, old: str, new: str, args: list[str] | None) -> None:
        moved = False
        for sig in [k for k in self.signatures if k.startswith(old + "(")]:
            if args is None or sig == f"{old}({', '.join(args)})":
                self.signatures[new + sig[len(old):]] = self.signatures.pop(sig)
                moved = True
        o = self.functions.get(old)
        if o is None:
            return
        self.functions.setdefault(new, o)
        if moved and not any(k.startswith(old + "(") for k in self.signatures):
            del self.functions[old]

    def _move_schema(self, old: str, new: str) -> None:
        o = self.schemas.pop(old, None)
        if o is None:
            return
        self.schemas[new] = o
        for key in [k for k in self.tables if schema_of(k) == old]:
            self._move_table(key, qname(new, split_qname(key)[1]))
        for key in [k for k in self.types if schema_of(k) == old]:
            self._move_type(key, qname(new, split_qname(key)[1]))
        for key in [k for k in self.indexes if schema_of(k) == old]:
            self.indexes[qname(new, split_qname(key)[1])] = self.indexes.pop(key)
        for table in (self.functions, self.signatures):
            for key in [k for k in table if schema_of(k) == old]:
                table[qname(new, split_qname(key)[1])] = table.pop(key)
        for schemas in (self.extension_schemas, self.unknown_extension_schemas):
            if old in schemas:
                schemas.discard(old)
                schemas.add(new)

    def _set(self, node: dict[str, Any], origin: Origin) -> None:
        if node.get("name") == "check_function_bodies":
            vals = [a.get("A_Const", {}) for a in node.get("args", ())]
            text = str(next(iter(vals[0].values()), "")).lower() if vals else "on"
            self.check_function_bodies = "false" not in text and "off" not in text \
                and "'0'" not in text
            return
        if node.get("name") == "search_path" and node.get("kind") == "VAR_SET_VALUE":
            for arg in node.get("args", ()):
                val = arg.get("A_Const", {}).get("sval", {}).get("sval")
                if val and not val.startswith("$") and val != "pg_catalog":
                    self.search_path = val.strip().strip('"')
                    return


_RELATION_KINDS = frozenset({"OBJECT_TABLE", "OBJECT_VIEW", "OBJECT_MATVIEW",
                             "OBJECT_FOREIGN_TABLE"})
_FUNCTION_KINDS = frozenset({"OBJECT_FUNCTION", "OBJECT_PROCEDURE", "OBJECT_ROUTINE"})

_KNOWN_EXTENSIONS = frozenset({
    "vector", "postgis", "citext", "ltree", "hstore", "cube", "earthdistance", "isn", "seg",
    "pgcrypto", "uuid-ossp", "pg_trgm", "pg_stat_statements", "pg_net", "pg_cron", "http",
    "pgjwt", "pg_graphql", "supabase_vault", "pgsodium", "moddatetime", "unaccent",
    "btree_gin", "btree_gist", "fuzzystrmatch", "plpgsql", "pgmq", "pg_jsonschema",
    "pg_hashids", "index_advisor", "hypopg", "wrappers", "postgres_fdw", "dblink", "tablefunc",
})

_APPLY = {
    "CreateStmt": SchemaState._create_table,
    "ViewStmt": SchemaState._create_view,
    "CreateTableAsStmt": SchemaState._create_view,
    "AlterTableStmt": SchemaState._alter_table,
    "IndexStmt": SchemaState._create_index,
    "CreatePolicyStmt": SchemaState._create_policy,
    "CreateEnumStmt": SchemaState._create_type,
    "CreateDomainStmt": SchemaState._create_type,
    "CompositeTypeStmt": SchemaState._create_type,
    "CreateRangeStmt": SchemaState._create_type,
    "CreateFunctionStmt": SchemaState._create_function,
    "CreateSchemaStmt": SchemaState._create_schema,
    "CreateExtensionStmt": SchemaState._create_extension,
    "DropStmt": SchemaState._drop,
    "AlterPublicationStmt": SchemaState._publication,
    "CreatePublicationStmt": SchemaState._publication,
    "RenameStmt": SchemaState._rename,
    "AlterObjectSchemaStmt": SchemaState._set_schema,
    "VariableSetStmt": SchemaState._set,
}
