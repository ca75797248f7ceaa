"""A Snapshot as a flat map of keyed objects with their dependencies.

Keys are ``kind:name`` strings (``rel:public.tickets``, ``con:public.tickets.tickets_pkey``,
``func:public.f(x bigint)``). Dependencies come from what the snapshot knows: column and
argument types, foreign keys, partition parents, trigger functions, and the relations and
functions named in view definitions, policy, check, index and default expressions (parsed
with PostgreSQL's own grammar through pglast).

>>> from pgprobe.catalog._model import Relation, Snapshot
>>> objs = catalog_objects(Snapshot(relations=(Relation("public", "t", "table"),)))
>>> sorted(objs)
['rel:public.t']
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import pglast
from pglast import ast

from ...catalog._model import (
    Column,
    Constraint,
    Function,
    Index,
    Policy,
    Relation,
    Snapshot,
    Trigger,
)

_SYSTEM = ("pg_catalog", "information_schema")


@dataclass(slots=True)
class Obj:
    key: str
    kind: str
    """schema, extension, enum, domain, composite, rel, column, con, idx, func, trg, pol, pub."""
    name: str
    """Display name: ``public.tickets.title``."""
    item: Any
    parent: str | None = None
    """The owning relation's key for columns, constraints, indexes, triggers, policies."""
    deps: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Refs:
    relations: frozenset[str]
    functions: frozenset[str]


@lru_cache(maxsize=8192)
def sql_refs(text: str | None, expression: bool = True) -> Refs:
    """Relations and functions a SQL expression (or query) names, qualified as written."""
    if not text:
        return Refs(frozenset(), frozenset())
    source = f"SELECT {text}" if expression else text
    try:
        tree = pglast.parse_sql(source)
    except pglast.parser.ParseError:
        return Refs(frozenset(), frozenset())
    rels: set[str] = set()
    funcs: set[str] = set()
    for node in _walk(tree):
        if isinstance(node, ast.RangeVar):
            rels.add(f"{node.schemaname or 'public'}.{node.relname}")
        elif isinstance(node, ast.FuncCall):
            parts = [p.sval for p in node.funcname or ()]
            funcs.add(".".join(parts) if len(parts) > 1 else f"pg_catalog.{parts[0]}")
    return Refs(frozenset(rels), frozenset(funcs))


def _walk(node: Any) -> Iterator[Any]:
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, tuple | list):
            stack.extend(n)
        elif isinstance(n, ast.Node):
            yield n
            for name in n:  # pglast nodes iterate over their attribute names
                value = getattr(n, name)
                if isinstance(value, ast.Node | tuple | list):
                    stack.append(value)


def nextval_sequences(default: str | None) -> list[str]:
    """Sequences a column default takes values from: ``nextval('public.t_id_seq'::regclass)``."""
    if not default or "nextval(" not in default:
        return []
    out: list[str] = []
    try:
        tree = pglast.parse_sql(f"SELECT {default}")
    except pglast.parser.ParseError:
        return []
    for node in _walk(tree):
        if isinstance(node, ast.FuncCall) and node.funcname and \
                node.funcname[-1].sval == "nextval" and node.args:
            arg = node.args[0]
            while isinstance(arg, ast.TypeCast):
                arg = arg.arg
            if isinstance(arg, ast.A_Const) and isinstance(arg.val, ast.String) and arg.val.sval:
                out.append(arg.val.sval)
    return out


class _Builder:
    def __init__(self, snap: Snapshot) -> None:
        self.snap = snap
        self.objs: dict[str, Obj] = {}
        self.funcs_by_name: dict[str, list[str]] = defaultdict(list)
        self.types: dict[str, str] = {}
        self.relations = {r.qualified_name: r for r in snap.relations}
        self._unique: dict[str, dict[tuple[str, ...], list[str]]] = {}
        # a snapshot that lists no schemas (built by hand) keeps every object
        self.schemas: set[str] | None = {s.name for s in snap.schemas if s.expanded} \
            if snap.schemas else None

    def wanted(self, schema: str) -> bool:
        return self.schemas is None or schema in self.schemas

    def add(self, obj: Obj) -> Obj:
        self.objs[obj.key] = obj
        return obj

    def type_dep(self, schema: str, udt: str) -> str | None:
        """The object a type name stands for: a user type, or a relation's row type."""
        name = udt[1:] if udt.startswith("_") and f"{schema}.{udt}" not in self.types else udt
        qualified = f"{schema}.{name}"
        if qualified in self.types:
            return self.types[qualified]
        return f"rel:{qualified}" if qualified in self.relations else None

    def refs_deps(self, refs: Refs) -> set[str]:
        if not refs.relations and not refs.functions:
            return set()
        deps = {f"rel:{r}" for r in refs.relations}
        for f in refs.functions:
            deps.update(self.funcs_by_name.get(f, ()))
        return deps

    def build(self) -> dict[str, Obj]:
        snap = self.snap
        for s in snap.schemas:
            if self.wanted(s.name) and s.name != "public":
                self.add(Obj(f"schema:{s.name}", "schema", s.name, s))
        for e in snap.extensions:
            if e.name != "plpgsql":
                self.add(Obj(f"extension:{e.name}", "extension", e.name, e,
                             deps={f"schema:{e.schema}"}))
        for kind, group in (("enum", snap.enums), ("domain", snap.domains),
                            ("composite", snap.composite_types)):
            for t in group:
                if self.wanted(t.schema) and t.extension is None:
                    self.types[t.qualified_name] = f"{kind}:{t.qualified_name}"
                    self.add(Obj(f"{kind}:{t.qualified_name}", kind, t.qualified_name, t,
                                 deps={f"schema:{t.schema}"}))
        for f in snap.functions:
            if self.wanted(f.schema) and f.extension is None and f.kind in ("function",
                                                                                  "procedure"):
                self.funcs_by_name[f.qualified_name].append(f"func:{f.signature}")
        self.type_deps()
        for f in snap.functions:
            if f"func:{f.signature}" in self.funcs_by_name.get(f.qualified_name, ()):
                self.function(f)
        for rel in snap.relations:
            if self.wanted(rel.schema) and rel.extension is None:
                self.relation(rel)
        for p in snap.publications:
            self.add(Obj(f"pub:{p.name}", "pub", p.name, p,
                         deps={f"rel:{t}" for t in p.tables}))
        return self.objs

    def type_deps(self) -> None:
        for key, obj in self.objs.items():
            if obj.kind == "domain":
                base = obj.item.base_type.split("(")[0].rstrip("[]")
                if base in self.types:
                    obj.deps.add(self.types[base])
                for check in obj.item.checks:
                    obj.deps |= self.refs_deps(sql_refs(_check_expr(check)))
            elif obj.kind == "composite":
                for a in obj.item.attributes:
                    dep = self.type_dep(a.type_schema, a.udt_name)
                    if dep and dep != key:
                        obj.deps.add(dep)

    def function(self, f: Function) -> None:
        deps = {f"schema:{f.schema}"}
        for a in f.args:
            dep = self.type_dep(a.type_schema, a.base_type or a.type)
            if dep:
                deps.add(dep)
        dep = self.type_dep(f.return_type_schema, f.return_udt_name)
        if dep:
            deps.add(dep)
        if f.return_type_relation:
            deps.add(f"rel:{f.return_type_relation}")
        self.add(Obj(f"func:{f.signature}", "func", f.signature, f, deps=deps))

    def relation(self, rel: Relation) -> None:
        rkey = f"rel:{rel.qualified_name}"
        deps = {f"schema:{rel.schema}"}
        if rel.partition_of:
            deps.add(f"rel:{rel.partition_of}")
        if rel.view_definition:
            deps |= self.refs_deps(sql_refs(rel.view_definition, expression=False))
            deps.discard(rkey)
        column_deps = [self.column_deps(c) for c in rel.columns]
        for cd in column_deps:
            deps |= cd
        self.add(Obj(rkey, "rel", rel.qualified_name, rel, deps=deps))
        # columns become objects when asked for (ObjectMap): 20,000 of them cost time
        for con in rel.constraints:
            if con.kind != "not_null" and not con.inherited:
                self.constraint(rel, con)
        backing = {c.name for c in rel.constraints if c.kind in ("primary", "unique", "exclusion")}
        for i in rel.indexes:
            if i.name not in backing:  # the constraint makes (and drops) its own index
                self.index(rel, i)
        for t in rel.triggers:
            self.trigger(rel, t)
        for p in rel.policies:
            self.policy(rel, p)

    def column_deps(self, c: Column) -> set[str]:
        deps: set[str] = set()
        if c.type_schema == "pg_catalog" and c.default is None and c.generated is None:
            return deps
        dep = self.type_dep(c.type_schema, c.udt_name or c.base_type)
        if dep:
            deps.add(dep)
        for expr in (c.default, c.generated):
            if expr:
                deps |= self.refs_deps(sql_refs(expr))
        return deps

    def unique_keys(self, rel_name: str) -> dict[tuple[str, ...], list[str]]:
        """Keys of the constraints and indexes that make these columns unique."""
        found = self._unique.get(rel_name)
        if found is None:
            found = {}
            target = self.relations.get(rel_name)
            for other in target.constraints if target else ():
                if other.kind in ("primary", "unique"):
                    found.setdefault(other.columns, []).append(f"con:{rel_name}.{other.name}")
            for i in target.indexes if target else ():
                if i.unique:
                    found.setdefault(i.columns, []).append(f"idx:{rel_name}.{i.name}")
            self._unique[rel_name] = found
        return found

    def constraint(self, rel: Relation, con: Constraint) -> None:
        rkey = f"rel:{rel.qualified_name}"
        deps = {rkey}
        if con.kind == "check":
            deps |= self.refs_deps(sql_refs(_check_expr(con.definition)))
        if con.kind == "foreign" and con.ref:
            deps.add(f"rel:{con.ref}")
            deps.update(self.unique_keys(con.ref).get(con.ref_columns, ()))
        self.add(Obj(f"con:{rel.qualified_name}.{con.name}", "con",
                     f"{rel.qualified_name}.{con.name}", con, rkey, deps))

    def index(self, rel: Relation, i: Index) -> None:
        rkey = f"rel:{rel.qualified_name}"
        deps = {rkey} | self.refs_deps(sql_refs(i.predicate)) if i.predicate else {rkey}
        self.add(Obj(f"idx:{rel.qualified_name}.{i.name}", "idx", f"{rel.qualified_name}.{i.name}",
                     i, rkey, deps))

    def trigger(self, rel: Relation, t: Trigger) -> None:
        rkey = f"rel:{rel.qualified_name}"
        deps = {rkey, *self.funcs_by_name.get(t.function, ())}
        self.add(Obj(f"trg:{rel.qualified_name}.{t.name}", "trg", f"{rel.qualified_name}.{t.name}",
                     t, rkey, deps))

    def policy(self, rel: Relation, p: Policy) -> None:
        rkey = f"rel:{rel.qualified_name}"
        deps = {rkey}
        for expr in (p.using, p.with_check):
            deps |= self.refs_deps(sql_refs(expr))
        self.add(Obj(f"pol:{rel.qualified_name}.{p.name}", "pol", f"{rel.qualified_name}.{p.name}",
                     p, rkey, deps))


def _check_expr(definition: str | None) -> str | None:
    """The expression of ``CHECK ((x > 0))`` (None for other constraint definitions)."""
    if not definition or not definition.upper().startswith("CHECK"):
        return None
    text = definition[5:].strip()
    for suffix in ("NOT VALID", "NO INHERIT"):
        if text.upper().endswith(suffix):
            text = text[: -len(suffix)].strip()
    return text


class ObjectMap(dict[str, Obj]):
    """The objects by key; a column (``column:schema.table.name``) is made on first use."""

    def __init__(self, objs: dict[str, Obj], builder: _Builder) -> None:
        super().__init__(objs)
        self._builder = builder

    def _column(self, key: str) -> Obj | None:
        if not key.startswith("column:"):
            return None
        rel_name, _, column = key[7:].rpartition(".")
        rel_obj = dict.get(self, f"rel:{rel_name}")
        if rel_obj is None or not rel_obj.item.has_column(column):
            return None
        c = rel_obj.item.column(column)
        obj = Obj(key, "column", key[7:], c, rel_obj.key,
                  {rel_obj.key, *self._builder.column_deps(c)})
        self[key] = obj
        return obj

    def __missing__(self, key: str) -> Obj:
        obj = self._column(key)
        if obj is None:
            raise KeyError(key)
        return obj

    def __contains__(self, key: object) -> bool:
        return dict.__contains__(self, key) or (isinstance(key, str) and
                                                self._column(key) is not None)

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        if key in self:  # noqa: SIM401 (this IS get: the check makes a column on demand)
            return self[key]
        return default

    def columns_of(self, rel_key: str) -> list[str]:
        rel_obj = dict.get(self, rel_key)
        return [f"column:{rel_key[4:]}.{c.name}" for c in rel_obj.item.columns] if rel_obj else []


def catalog_objects(snap: Snapshot) -> ObjectMap:
    """Every object of the snapshot's expanded schemas, keyed, with dependencies."""
    builder = _Builder(snap)
    return ObjectMap(builder.build(), builder)


def dependents(objs: dict[str, Obj]) -> dict[str, set[str]]:
    """Reverse edges: key -> keys of objects that depend on it (children included)."""
    out: dict[str, set[str]] = defaultdict(set)
    for key, obj in objs.items():
        for d in obj.deps:
            if d != key:
                out[d].add(key)
    return out
