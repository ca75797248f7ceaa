"""Compare two Snapshots object by object and produce a :class:`DiffReport`.

The comparison is driven by small tables of data (which attributes of which object kind
matter, how severe a change is, how to normalise the text); the code only walks keyed
collections. Probable renames (same body, different name) become one ``changed`` entry;
other removals carry a close-match hint.

>>> from pgprobe.catalog._model import Column, Relation, Snapshot
>>> a = Snapshot(relations=(Relation("public", "t", "table", columns=(
...     Column("name", 2, "text", "text"),)),))
>>> b = Snapshot(relations=(Relation("public", "t", "table", columns=(
...     Column("title", 2, "text", "text"),)),))
>>> print(diff_snapshots(a, b, "a", "b").to_text())
a -> b: 1 difference (1 error)
~ public.t.columns.name  column changed  'name' -> 'title'  [error]  renamed to title
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from ..catalog._model import (
    Column,
    CompositeType,
    Constraint,
    Domain,
    EnumType,
    Extension,
    Function,
    Grant,
    Index,
    Policy,
    Publication,
    Relation,
    Role,
    Schema,
    Snapshot,
    Trigger,
    suggest,
)
from ._normalize import normalize_expr, normalize_sql, strip_index_name, strip_trigger_name
from ._report import Change, DiffReport, Severity

SeverityRule = Severity | Callable[[Any, Any], Severity]

#: Object kinds left out unless asked for with ``include=``.
DEFAULT_EXCLUDE: frozenset[str] = frozenset({"role"})


@dataclass(frozen=True)
class Attr:
    """One compared attribute: ``path`` suffix, how to read it, how severe a change is."""

    name: str
    get: Callable[[Any], Any]
    severity: SeverityRule = "warning"
    object_kind: str | None = None
    """Overrides the kind's object_kind in the Change (``rls`` for ``rls_enabled``)."""
    norm: Callable[[Any], Any] | None = None
    """Compare ``norm(value)`` (formatting-free); the report still shows the raw values."""
    unless: tuple[str, ...] = ()
    """Attributes that, when they changed, already say this (no second entry)."""


def _sev(rule: SeverityRule, old: Any, new: Any) -> Severity:
    return rule(old, new) if callable(rule) else rule


def _sorted_tuple(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(values))


def _tightening(old: Any, new: Any) -> Severity:
    """nullable True -> False breaks inserts of NULL: warning; loosening: info."""
    return "warning" if old and not new else "info"


def _rls_severity(old: Any, new: Any) -> Severity:
    return "error" if old and not new else "warning"


def _labels_severity(old: Any, new: Any) -> Severity:
    it = iter(new or ())
    only_added = all(label in it for label in (old or ()))
    return "info" if only_added else "error"


# -- per-kind attribute tables ------------------------------------------------------

RELATION_ATTRS: tuple[Attr, ...] = (
    Attr("kind", lambda r: r.kind, "error"),
    Attr("rls.enabled", lambda r: r.rls_enabled, _rls_severity, "rls"),
    Attr("rls.forced", lambda r: r.rls_forced, "warning", "rls"),
    Attr("definition", lambda r: r.view_definition, "warning", "view", normalize_sql),
    Attr("partition_of", lambda r: r.partition_of, "warning"),
    Attr("partition_bound", lambda r: r.partition_bound, "warning"),
    Attr("owner", lambda r: r.owner, "info"),
    Attr("comment", lambda r: r.comment, "info"),
)

COLUMN_ATTRS: tuple[Attr, ...] = (
    Attr("type", lambda c: c.type, "error"),
    Attr("nullable", lambda c: c.nullable, _tightening),
    Attr("default", lambda c: c.default, "warning", norm=normalize_expr),
    Attr("identity", lambda c: c.identity, "warning"),
    Attr("generated", lambda c: c.generated, "warning", norm=normalize_expr),
    Attr("comment", lambda c: c.comment, "info"),
)

CONSTRAINT_ATTRS: tuple[Attr, ...] = (
    Attr("kind", lambda c: c.kind, "error"),
    Attr("columns", lambda c: c.columns, "error"),
    Attr("references", lambda c: c.ref, "error"),
    Attr("ref_columns", lambda c: c.ref_columns, "error"),
    Attr("on_update", lambda c: c.on_update, "warning"),
    Attr("on_delete", lambda c: c.on_delete, "warning"),
    Attr("match_type", lambda c: c.match_type, "warning"),
    Attr("deferrable", lambda c: c.deferrable, "warning"),
    Attr("initially_deferred", lambda c: c.initially_deferred, "warning"),
    Attr("validated", lambda c: c.validated, "warning"),
    Attr(
        "definition",
        lambda c: c.definition if c.kind in ("check", "exclusion") else None,
        "warning",
        norm=lambda d: normalize_sql_fragment(d),
    ),
)

INDEX_ATTRS: tuple[Attr, ...] = (
    Attr("columns", lambda i: i.columns, "warning"),
    Attr("unique", lambda i: i.unique, "warning"),
    Attr("primary", lambda i: i.primary, "warning"),
    Attr("method", lambda i: i.method, "warning"),
    Attr("predicate", lambda i: i.predicate, "warning", norm=normalize_expr),
    Attr("valid", lambda i: i.valid, "warning"),
)

TRIGGER_ATTRS: tuple[Attr, ...] = (
    Attr("timing", lambda t: t.timing, "warning"),
    Attr("events", lambda t: _sorted_tuple(t.events), "warning"),
    Attr("level", lambda t: t.level, "warning"),
    Attr("function", lambda t: t.function, "warning"),
    Attr("enabled", lambda t: t.enabled, "warning"),
)

POLICY_ATTRS: tuple[Attr, ...] = (
    Attr("command", lambda p: p.command, "warning"),
    Attr("permissive", lambda p: p.permissive, "warning"),
    Attr("roles", lambda p: _sorted_tuple(p.roles), "warning"),
    Attr("using", lambda p: p.using, "warning", norm=normalize_expr),
    Attr("with_check", lambda p: p.with_check, "warning", norm=normalize_expr),
)

ENUM_ATTRS: tuple[Attr, ...] = (
    Attr("labels", lambda e: e.labels, _labels_severity),
    Attr("comment", lambda e: e.comment, "info"),
)

DOMAIN_ATTRS: tuple[Attr, ...] = (
    Attr("base_type", lambda d: d.base_type, "error"),
    Attr("nullable", lambda d: d.nullable, _tightening),
    Attr("default", lambda d: d.default, "warning", norm=normalize_expr),
    Attr("checks", lambda d: _sorted_tuple(normalize_sql_fragment(c) or "" for c in d.checks), "warning"),
)

COMPOSITE_ATTRS: tuple[Attr, ...] = (
    Attr("attributes", lambda t: tuple((a.name, a.type) for a in t.attributes), "error"),
)

FUNCTION_ATTRS: tuple[Attr, ...] = (
    Attr("kind", lambda f: f.kind, "error"),
    Attr("return_type", lambda f: f.return_type, "error"),
    Attr("returns_set", lambda f: f.returns_set, "error"),
    Attr("args", lambda f: tuple((a.name, a.mode, a.has_default) for a in f.args), "error"),
    Attr("arguments", lambda f: f.arguments, "warning", norm=lambda t: _normalize_body(t),
         unless=("args",)),
    Attr("result", lambda f: f.result, "error", norm=lambda t: _normalize_body(t),
         unless=("return_type", "returns_set", "args")),
    Attr("language", lambda f: f.language, "warning"),
    Attr("volatility", lambda f: f.volatility, "warning"),
    Attr("security_definer", lambda f: f.security_definer, "warning"),
    Attr("config", lambda f: _sorted_tuple(f.config), "warning"),
    Attr("definition", lambda f: f.definition, "warning", norm=lambda d: _normalize_body(d)),
    Attr("owner", lambda f: f.owner, "info"),
    Attr("comment", lambda f: f.comment, "info"),
)

PUBLICATION_ATTRS: tuple[Attr, ...] = (
    Attr("all_tables", lambda p: p.all_tables, "warning"),
    Attr("actions", lambda p: _sorted_tuple(p.actions), "warning"),
)

EXTENSION_ATTRS: tuple[Attr, ...] = (
    Attr("version", lambda e: e.version, "info"),
    Attr("schema", lambda e: e.schema, "warning"),
)

ROLE_ATTRS: tuple[Attr, ...] = (
    Attr("superuser", lambda r: r.superuser, "warning"),
    Attr("can_login", lambda r: r.can_login, "warning"),
    Attr("bypass_rls", lambda r: r.bypass_rls, "warning"),
    Attr("inherit", lambda r: r.inherit, "info"),
    Attr("member_of", lambda r: _sorted_tuple(r.member_of), "warning"),
)


def normalize_sql_fragment(text: str | None) -> str | None:
    """A constraint definition such as ``CHECK ((x > 0))``: normalise the expression."""
    if text is None:
        return None
    stripped = text.strip()
    upper = stripped.upper()
    if upper.startswith("CHECK"):
        inner = stripped[5:].strip()
        tail = ""
        for suffix in (" NOT VALID", " NO INHERIT"):
            if inner.upper().endswith(suffix):
                tail += suffix
                inner = inner[: -len(suffix)].strip()
        return f"CHECK ({normalize_expr(inner)}){tail}"
    return " ".join(stripped.split())


def _normalize_body(definition: str | None) -> str | None:
    if definition is None:
        return None
    return " ".join(definition.split())


# -- renames ---------------------------------------------------------------------


def _column_body(c: Column) -> Hashable:
    return (c.position, c.type, c.nullable, normalize_expr(c.default), c.identity, c.generated)


def _constraint_body(c: Constraint) -> Hashable:
    return (c.kind, c.columns, c.ref, c.ref_columns, normalize_sql_fragment(c.definition))


def _index_body(i: Index) -> Hashable:
    return (i.columns, i.unique, i.primary, i.method, normalize_expr(i.predicate),
            strip_index_name(i.definition))


def _trigger_body(t: Trigger) -> Hashable:
    return (t.timing, _sorted_tuple(t.events), t.level, t.function, strip_trigger_name(t.definition))


def _policy_body(p: Policy) -> Hashable:
    return (p.command, p.permissive, _sorted_tuple(p.roles), normalize_expr(p.using),
            normalize_expr(p.with_check))


@dataclass(frozen=True)
class Kind:
    """How one keyed collection is compared."""

    object_kind: str
    segment: str
    """Path segment between the parent and the key: ``columns``, ``constraints``."""
    attrs: tuple[Attr, ...]
    added: SeverityRule = "info"
    removed: SeverityRule = "error"
    body: Callable[[Any], Hashable] | None = None
    rename_severity: Severity = "warning"
    similar: Callable[[Any, Any], bool] | None = None
    """Which added objects may be offered as "did you mean" for a removed one."""


def _fk_added(obj: Any, _: Any = None) -> Severity:
    # a new foreign key can make an existing PostgREST embed ambiguous
    return "warning" if getattr(obj, "kind", "") == "foreign" else "info"


def _constraint_removed(obj: Any, _: Any = None) -> Severity:
    return "error" if obj.kind in ("primary", "foreign", "unique") else "warning"


def _column_added(obj: Any, _: Any = None) -> Severity:
    required = not obj.nullable and obj.default is None and obj.identity is None and not obj.generated
    return "warning" if required else "info"


COLUMNS = Kind("column", "columns", COLUMN_ATTRS, _column_added, "error", _column_body, "error")
CONSTRAINTS = Kind("constraint", "constraints", CONSTRAINT_ATTRS, _fk_added, _constraint_removed,
                   _constraint_body, "error",
                   similar=lambda a, b: a.kind == b.kind and a.ref == b.ref)
INDEXES = Kind("index", "indexes", INDEX_ATTRS, "info", "warning", _index_body, "info")
TRIGGERS = Kind("trigger", "triggers", TRIGGER_ATTRS, "warning", "warning", _trigger_body, "info")
POLICIES = Kind("policy", "policies", POLICY_ATTRS, "warning", "warning", _policy_body, "info")


class _Differ:
    def __init__(self, include: Collection[str] | None, exclude: Collection[str]) -> None:
        self.include = include
        self.exclude = exclude
        self.out: list[Change] = []
        self.ignore_privileges: set[str] = set()

    def wanted(self, kind: str) -> bool:
        return kind not in self.exclude and (self.include is None or kind in self.include)

    def emit(self, change: Change) -> None:
        if self.wanted(change.object_kind):
            self.out.append(change)

    # -- generic keyed collection -----------------------------------------------
    def attrs(self, kind_name: str, path: str, attrs: Sequence[Attr], a: Any, b: Any) -> None:
        changed: set[str] = set()
        for attr in attrs:
            old, new = attr.get(a), attr.get(b)
            if old == new or (attr.norm is not None and attr.norm(old) == attr.norm(new)):
                continue
            changed.add(attr.name)
            if changed.intersection(attr.unless):
                continue
            self.emit(Change("changed", attr.object_kind or kind_name, f"{path}.{attr.name}",
                             old, new, _sev(attr.severity, old, new)))

    def keyed(
        self,
        kind: Kind,
        parent: str,
        left: Iterable[Any],
        right: Iterable[Any],
        key: Callable[[Any], str] = lambda o: o.name,
        skip: Callable[[Any], bool] | None = None,
    ) -> None:
        lmap = {key(o): o for o in left if not (skip and skip(o))}
        rmap = {key(o): o for o in right if not (skip and skip(o))}
        if lmap.keys() == rmap.keys() and all(lmap[k] == rmap[k] for k in lmap):
            return
        prefix = f"{parent}.{kind.segment}." if kind.segment else (f"{parent}." if parent else "")
        removed = [k for k in lmap if k not in rmap]
        added = [k for k in rmap if k not in lmap]
        renamed: dict[str, str] = {}
        if removed and added and kind.body is not None:
            by_body: dict[Hashable, list[str]] = {}
            for k in added:
                by_body.setdefault(kind.body(rmap[k]), []).append(k)
            for k in removed:
                hits = by_body.get(kind.body(lmap[k]), [])
                if len(hits) == 1 and hits[0] not in renamed.values():
                    renamed[k] = hits[0]
        for k in removed:
            if k in renamed:
                new = renamed[k]
                self.emit(Change("changed", kind.object_kind, prefix + k, k, new,
                                 kind.rename_severity, f"renamed to {new}"))
                continue
            pool = [a for a in added if a not in renamed.values()
                    and (kind.similar is None or kind.similar(lmap[k], rmap[a]))]
            close = suggest(k, pool)
            hint = f"did you mean {' or '.join(close)}?" if close else None
            obj = lmap[k]
            self.emit(Change("removed", kind.object_kind, prefix + k, _value(obj), None,
                             _sev(kind.removed, obj, None), hint))
        for k in added:
            if k in renamed.values():
                continue
            obj = rmap[k]
            self.emit(Change("added", kind.object_kind, prefix + k, None, _value(obj),
                             _sev(kind.added, obj, None)))
        for k, lo in lmap.items():
            ro = rmap.get(k)
            if ro is not None and lo != ro:
                self.attrs(kind.object_kind, prefix + k, kind.attrs, lo, ro)

    # -- grants ---------------------------------------------------------------------
    def grants(self, parent: str, left: Sequence[Grant], right: Sequence[Grant]) -> None:
        if left == right:
            return
        if self.ignore_privileges:
            left = [g for g in left if g.privilege.upper() not in self.ignore_privileges]
            right = [g for g in right if g.privilege.upper() not in self.ignore_privileges]

        def key(g: Grant) -> tuple[str, str, str | None]:
            return (g.grantee, g.privilege.upper(), g.column)

        lmap = {key(g): g for g in left}
        rmap = {key(g): g for g in right}
        for k in sorted(lmap.keys() | rmap.keys(), key=lambda k: (k[0], k[1], k[2] or "")):
            grantee, priv, column = k
            path = f"{parent}.grants.{grantee}.{priv}" + (f".{column}" if column else "")
            what = f"{priv} to {grantee}" + (f" on column {column}" if column else "")
            lg, rg = lmap.get(k), rmap.get(k)
            if lg is None:
                self.emit(Change("added", "grant", path, None, what, "warning"))
            elif rg is None:
                self.emit(Change("removed", "grant", path, what, None, "warning"))
            elif lg.grantable != rg.grantable:
                self.emit(Change("changed", "grant", path + ".grantable", lg.grantable,
                                 rg.grantable, "warning"))

    # -- relations --------------------------------------------------------------------
    def relations(self, left: Sequence[Relation], right: Sequence[Relation]) -> None:
        lmap = {r.qualified_name: r for r in left}
        rmap = {r.qualified_name: r for r in right}
        removed = [k for k in lmap if k not in rmap]
        added = [k for k in rmap if k not in lmap]
        for k in removed:
            close = suggest(k, added)
            hint = f"did you mean {' or '.join(close)}?" if close else None
            rel = lmap[k]
            self.emit(Change("removed", _rel_kind(rel), k, rel.kind, None, "error", hint))
        for k in added:
            rel = rmap[k]
            self.emit(Change("added", _rel_kind(rel), k, None, rel.kind, "info"))
        for k, a in lmap.items():
            b = rmap.get(k)
            if b is None or a == b:
                continue
            self.attrs(_rel_kind(a), k, RELATION_ATTRS, a, b)
            if a.columns != b.columns:
                self.keyed(COLUMNS, k, a.columns, b.columns)
            if a.constraints != b.constraints:
                start = len(self.out)
                self.keyed(CONSTRAINTS, k, a.constraints, b.constraints,
                           skip=lambda c: c.kind == "not_null")
                self.explain_foreign_keys(start, k, a, b)
            if a.indexes != b.indexes:
                self.keyed(INDEXES, k, a.indexes, b.indexes)
            if a.triggers != b.triggers:
                self.keyed(TRIGGERS, k, a.triggers, b.triggers)
            if a.policies != b.policies:
                self.keyed(POLICIES, k, a.policies, b.policies)
            self.grants(k, a.grants, b.grants)

    def explain_foreign_keys(self, start: int, rel: str, a: Relation, b: Relation) -> None:
        """Say what a foreign key change does to PostgREST embeds (hints, ambiguity)."""
        before = {c.name: c for c in a.foreign_keys}
        after = {c.name: c for c in b.foreign_keys}
        table = rel.split(".", 1)[1]
        for i in range(start, len(self.out)):
            ch = self.out[i]
            if ch.object_kind != "constraint" or ch.path.count(".constraints.") != 1:
                continue
            name, _, attr = ch.path.split(".constraints.", 1)[1].partition(".")
            note = None
            if ch.change == "added" and name in after:
                fk = after[name]
                target = fk.ref_table or ""
                n = sum(1 for c in b.foreign_keys if c.ref == fk.ref)
                if n >= 2:
                    note = (f"{rel} now has {n} foreign keys to {fk.ref}: embedding {target} from "
                            f"{table} (and {table} from {target}) is ambiguous (PGRST201) "
                            f"unless hinted, e.g. {target}!{name}")
            elif ch.change == "changed" and not attr and name in before:
                fk = before[name]
                note = (f"PostgREST hints {fk.ref_table}!{name} stop resolving (PGRST200); "
                        f"use {fk.ref_table}!{ch.new}")
            elif ch.change == "removed" and name in before:
                fk = before[name]
                left = sum(1 for c in b.foreign_keys if c.ref == fk.ref)
                note = (f"embeds between {table} and {fk.ref_table} through {name} stop "
                        "resolving (PGRST200)" if not left else
                        f"hints {fk.ref_table}!{name} stop resolving (PGRST200)")
            if note:
                self.out[i] = replace(ch, note=note)

    def publications(self, left: Sequence[Publication], right: Sequence[Publication]) -> None:
        kind = Kind("publication", "", PUBLICATION_ATTRS, "info", "warning")
        self.keyed(kind, "publications", left, right)
        rmap = {p.name: p for p in right}
        for p in left:
            q = rmap.get(p.name)
            if q is None or set(p.tables) == set(q.tables):
                continue
            for t in sorted(set(p.tables) - set(q.tables)):
                self.emit(Change("removed", "publication", f"publications.{p.name}.tables.{t}",
                                 t, None, "warning"))
            for t in sorted(set(q.tables) - set(p.tables)):
                self.emit(Change("added", "publication", f"publications.{p.name}.tables.{t}",
                                 None, t, "info"))

    def functions(self, left: Sequence[Function], right: Sequence[Function]) -> None:
        kind = Kind("function", "", FUNCTION_ATTRS, "info", "error")
        self.keyed(kind, "", left, right, key=lambda f: f.signature)
        rmap = {f.signature: f for f in right}
        for f in left:
            g = rmap.get(f.signature)
            if g is not None:
                self.grants(f.signature, f.grants, g.grants)


def _rel_kind(rel: Relation) -> str:
    return "table" if rel.kind == "table" else rel.kind


def _value(obj: Any) -> Any:
    """A short, JSON-able description of a whole object for added/removed entries."""
    if isinstance(obj, Column):
        return obj.type
    if isinstance(obj, Constraint):
        if obj.kind == "foreign":
            return f"{obj.kind} ({', '.join(obj.columns)}) -> {obj.ref}({', '.join(obj.ref_columns)})"
        return obj.definition or obj.kind
    if isinstance(obj, Index):
        return obj.definition
    if isinstance(obj, Trigger):
        return f"{obj.timing} {' or '.join(obj.events)} -> {obj.function}"
    if isinstance(obj, Policy):
        return f"{obj.command} to {', '.join(obj.roles)}"
    if isinstance(obj, EnumType):
        return obj.labels
    if isinstance(obj, Domain):
        return obj.base_type
    if isinstance(obj, CompositeType):
        return tuple(a.name for a in obj.attributes)
    if isinstance(obj, Function):
        return obj.return_type
    if isinstance(obj, Publication):
        return tuple(obj.tables)
    if isinstance(obj, Extension):
        return obj.version
    if isinstance(obj, Schema | Role):
        return obj.name
    return None


_PRIVILEGE_SINCE = {"MAINTAIN": 170000}
"""Table privileges that only exist from a server version on: not compared across it."""


def _in_schemas(schemas: Collection[str] | None) -> Callable[[str], bool]:
    if schemas is None:
        return lambda s: True
    wanted = set(schemas)
    return lambda s: s in wanted


def diff_snapshots(
    left: Snapshot,
    right: Snapshot,
    left_label: str = "left",
    right_label: str = "right",
    *,
    schemas: Collection[str] | None = None,
    include: Collection[str] | None = None,
    exclude: Collection[str] = DEFAULT_EXCLUDE,
) -> DiffReport:
    """Everything that differs between two Snapshots (left = old, right = new).

    ``schemas`` limits schema-scoped objects to those schemas. ``include`` keeps only these
    object kinds (``{"column", "policy"}``); ``exclude`` drops kinds (default: ``{"role"}``,
    as roles are cluster-wide; name ``"role"`` in ``include`` to compare them).
    """
    d = _Differ(include, set(exclude) - set(include or ()))
    ok = _in_schemas(schemas)
    versions = (left.server_version_num, right.server_version_num)
    if all(versions):
        for privilege, since in _PRIVILEGE_SINCE.items():
            if min(versions) < since <= max(versions):
                d.ignore_privileges.add(privilege)  # one side cannot have it at all

    def pick(items: Iterable[Any]) -> list[Any]:
        return [o for o in items if ok(o.schema)]

    if left.schemas != right.schemas:
        d.keyed(Kind("schema", "", (), "info", "error"), "schemas",
                [s for s in left.schemas if ok(s.name)], [s for s in right.schemas if ok(s.name)])
    if left.relations != right.relations:
        d.relations(pick(left.relations), pick(right.relations))
    if left.enums != right.enums:
        d.keyed(Kind("enum", "", ENUM_ATTRS, "info", "error"), "", pick(left.enums),
                pick(right.enums), key=lambda e: e.qualified_name)
    if left.domains != right.domains:
        d.keyed(Kind("domain", "", DOMAIN_ATTRS, "info", "error"), "", pick(left.domains),
                pick(right.domains), key=lambda e: e.qualified_name)
    if left.composite_types != right.composite_types:
        d.keyed(Kind("composite_type", "", COMPOSITE_ATTRS, "info", "error"), "",
                pick(left.composite_types), pick(right.composite_types),
                key=lambda e: e.qualified_name)
    if left.functions != right.functions:
        d.functions(pick(left.functions), pick(right.functions))
    if left.publications != right.publications:
        def pubs(snap: Snapshot) -> list[Publication]:
            if schemas is None:
                return list(snap.publications)
            return [Publication(p.name, p.all_tables,
                                tuple(t for t in p.tables if ok(t.split(".", 1)[0])), p.actions)
                    for p in snap.publications]

        d.publications(pubs(left), pubs(right))
    if left.extensions != right.extensions:
        d.keyed(Kind("extension", "", EXTENSION_ATTRS, "info", "warning"), "extensions",
                left.extensions, right.extensions)
    if d.wanted("role") and left.roles != right.roles:
        d.keyed(Kind("role", "", ROLE_ATTRS, "info", "warning"), "roles", left.roles, right.roles)
    return DiffReport(d.out, left_label, right_label, left=left, right=right)
