"""Compare declared objects with what a Snapshot really holds.

Used by ``verify`` (declared vs the target) and by ``rehearse`` (a file's declared objects
vs the scratch database right after the file ran: the "don't trust the output" check).
One small check per kind of object (``CHECKS``); where the server normalises what was
written (function argument types lose their modifiers: ``varchar(10)`` is stored as
``character varying``), the comparison is the server's own when a connection is given
(:class:`ServerNames`: ``to_regprocedure``), and otherwise the same rule applied to the text.

>>> from pgprobe.catalog._model import Snapshot, Schema
>>> from pgprobe.migrations._declared import Declared
>>> check_all([Declared("schema", None, "billing")], Snapshot(schemas=(Schema("public"),)))[0].status
'missing'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import sql

from ..catalog._model import Relation, Snapshot
from ._declared import Declared, normalize_type

Outcome = tuple[str, str]
"""(status, what was found)."""


@dataclass(frozen=True)
class Check:
    """The outcome for one declared object: ``ok``, ``missing``, ``different`` or ``unknown``."""

    declared: Declared
    status: str
    expected: str
    actual: str

    @property
    def ok(self) -> bool:
        return self.status == "ok"


# -- what was declared, in words -------------------------------------------------------------
def _describe_policy(exp: dict[str, Any]) -> str:
    bits = ([f"for {exp['command']}"] if "command" in exp else []) + (
        [f"to {', '.join(exp['roles'])}"] if "roles" in exp else [])
    return "policy " + " ".join(bits)


def _describe_type(exp: dict[str, Any]) -> str:
    labels = tuple(exp.get("labels", ())) + tuple(exp.get("added", ()))
    return f"enum ({', '.join(labels)})" if labels else "type"


_DESCRIBE: dict[str, Callable[[Declared, dict[str, Any]], str]] = {
    "column": lambda d, e: f"column of type {e.get('type')}",
    "policy": lambda d, e: _describe_policy(e),
    "rls": lambda d, e: "row level security " + ("enabled" if e.get("enabled") else "disabled"),
    "grant": lambda d, e: d.name,
    "type": lambda d, e: _describe_type(e),
    "index": lambda d, e: f"index on ({', '.join(e.get('columns', ()))})",
    "function": lambda d, e: f"{e.get('routine', 'function')}({', '.join(e.get('args', ()))})",
    "constraint": lambda d, e: f"{e.get('constraint_kind', '')} constraint".strip(),
}


def describe(d: Declared) -> str:
    """What ``d`` declares, in words (``column of type text``, ``enum (a, b)``...)."""
    fmt = _DESCRIBE.get(d.kind)
    return fmt(d, dict(d.expect)) if fmt else d.kind


# -- the server's own normalisation -------------------------------------------------------------
class ServerNames:
    """Asks a server how it reads what a migration wrote (never writes anything).

    ``procedure("public.f", ("varchar(10)",))`` is the function the server finds for that
    call signature (``to_regprocedure``: argument types resolved and their modifiers dropped
    exactly as ``CREATE FUNCTION`` did), or ``None``.
    """

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.conn = conn

    def procedure(self, name: str, args: Iterable[str]) -> str | None | bool:
        """The found signature, ``None`` (no such function) or ``False`` (the server could
        not read the text: the caller falls back to comparing text)."""
        parts = name.split(".", 1)
        qualified = ".".join(sql.Identifier(p).as_string(self.conn) for p in parts)
        signature = f"{qualified}({', '.join(args)})"
        try:
            with self.conn.transaction():
                row = self.conn.execute("select to_regprocedure(%s)::text", (signature,)).fetchone()
        except psycopg.Error:
            return False
        return row[0] if row else None


# -- the checks, one per kind --------------------------------------------------------------------
class Checker:
    """Checks declared objects against one snapshot (indexes built once)."""

    def __init__(self, snap: Snapshot, server: ServerNames | None = None) -> None:
        self.snap = snap
        self.server = server
        self.rels = {r.qualified_name: r for r in snap.relations}
        self.schemas = {s.name for s in snap.schemas}
        self.unexpanded = {s.name for s in snap.schemas if not s.expanded}
        self.exts = {e.name for e in snap.extensions}
        self.pubs = {p.name: p for p in snap.publications}
        self.types: dict[str, Any] = {}
        for group in (snap.enums, snap.domains, snap.composite_types):
            for t in group:
                self.types[t.qualified_name] = t
        self.funcs: dict[str, list[Any]] = {}
        for f in snap.functions:
            self.funcs.setdefault(f.qualified_name, []).append(f)

    def check(self, d: Declared) -> Check:
        status, actual = self._schema_unread(d) or CHECKS.get(d.kind, _cannot_check)(self, d)
        if status != "ok" and d.get("conditional"):
            status, actual = "unknown", f"{actual} (declared under a condition of a DO block)"
        return Check(d, status, describe(d), actual)

    def _schema_unread(self, d: Declared) -> Outcome | None:
        if d.kind in _GLOBAL_KINDS or not self.schemas:
            return None
        scope = d.relation if d.relation and d.relation != "*" else d.name
        schema = scope.split(".", 1)[0]
        if schema not in self.schemas:
            return "missing", f"schema {schema} does not exist"
        if schema in self.unexpanded:
            return "unknown", f"schema {schema} was not read"
        return None


_GLOBAL_KINDS = frozenset({"schema", "extension", "publication", "publication_member"})


def _exists(found: bool, yes: str = "exists", no: str = "does not exist") -> Outcome:
    return ("ok", yes) if found else ("missing", no)


def _check_schema(c: Checker, d: Declared) -> Outcome:
    return _exists(d.name in c.schemas)


def _check_extension(c: Checker, d: Declared) -> Outcome:
    return _exists(d.name in c.exts, "installed", "not installed")


def _check_publication(c: Checker, d: Declared) -> Outcome:
    return _exists(d.name in c.pubs)


def _check_publication_member(c: Checker, d: Declared) -> Outcome:
    pub = c.pubs.get(d.name)
    if pub is None:
        return "missing", f"publication {d.name} does not exist"
    return _exists(pub.all_tables or d.relation in pub.tables, "member",
                   f"not in publication {d.name}")


_RELATION_KINDS = {"table": ("table", "partitioned_table", "foreign_table"),
                   "view": ("view", "materialized_view")}


def _check_relation(c: Checker, d: Declared) -> Outcome:
    rel = c.rels.get(d.name)
    if rel is None:
        return "missing", "does not exist"
    want = d.get("relkind", d.kind)
    if rel.kind not in _RELATION_KINDS[d.kind] or (
            want == "materialized_view" and rel.kind != want):
        return "different", f"is a {rel.kind}"
    return "ok", rel.kind


def _check_type(c: Checker, d: Declared) -> Outcome:
    t = c.types.get(d.name)
    if t is None:
        return "missing", "does not exist"
    have = tuple(getattr(t, "labels", ()))
    declared = tuple(d.get("labels") or ())
    added = tuple(d.get("added") or ())
    # labels added later may sit anywhere (ADD VALUE ... BEFORE/AFTER): the created ones
    # keep their order among themselves, and every added one is there
    in_order = [label for label in have if label in declared] == list(declared)
    if (declared and not in_order) or any(label not in have for label in added):
        return "different", f"enum ({', '.join(have)})"
    return "ok", f"enum ({', '.join(have)})" if have else "exists"


def _check_function(c: Checker, d: Declared) -> Outcome:
    found = c.funcs.get(d.name, [])
    args = tuple(d.get("args", ()))
    if c.server is not None and not any(a.endswith("%type") for a in args):
        signature = c.server.procedure(d.name, args)
        if signature:
            return "ok", str(signature)
        if signature is None:
            return ("different", "; ".join(f.signature for f in found)) if found else (
                "missing", "does not exist")
    if not found:
        return "missing", "does not exist"
    want = [_argument_type(a) for a in args]
    for f in found:
        have = [_argument_type(a) for a in _identity_types(f.identity_args)]
        if len(have) == len(want) and all(
                w == h or w.endswith("%type") for w, h in zip(want, have, strict=True)):
            return "ok", f.signature
    return "different", "; ".join(f.signature for f in found)


def _on_relation(check: Callable[[Relation, Declared], Outcome]) -> Callable[[Checker, Declared], Outcome]:
    """A check of something that belongs to a relation (column, policy, index...)."""
    def run(c: Checker, d: Declared) -> Outcome:
        name = d.relation or d.name
        rel = c.rels.get(name)
        if rel is None:
            return "missing", f"relation {name} does not exist"
        return check(rel, d)
    return run


def _check_column(rel: Relation, d: Declared) -> Outcome:
    if not rel.has_column(d.name):
        return "missing", f"{rel.qualified_name} has no column {d.name}"
    col = rel.column(d.name)
    want = d.get("type")
    if want and not _type_matches(normalize_type(want), normalize_type(col.type)):
        return "different", f"column of type {col.type}"
    return "ok", f"column of type {col.type}"


def _check_rls(rel: Relation, d: Declared) -> Outcome:
    state = "row level security " + ("enabled" if rel.rls_enabled else "disabled")
    return ("ok" if rel.rls_enabled == bool(d.get("enabled")) else "different"), state


def _check_policy(rel: Relation, d: Declared) -> Outcome:
    pol = next((p for p in rel.policies if p.name == d.name), None)
    if pol is None:
        return "missing", f"{rel.qualified_name} has no policy {d.name!r}"
    actual = f"policy for {pol.command} to {', '.join(sorted(pol.roles)) or 'public'}"
    roles = d.get("roles")
    if (d.get("command") and d.get("command") != pol.command) or (
            roles and {r.lower() for r in roles} != {r.lower() for r in pol.roles or ("public",)}):
        return "different", actual
    return "ok", actual


def _check_trigger(rel: Relation, d: Declared) -> Outcome:
    return _exists(any(t.name == d.name for t in rel.triggers), "exists",
                   f"{rel.qualified_name} has no trigger {d.name}")


def _check_index(rel: Relation, d: Declared) -> Outcome:
    cols = tuple(d.get("columns", ()))
    short = d.name.split(".", 1)[-1]
    if " " in short or d.name.startswith("index on"):  # an unnamed index: by its columns
        found = any(tuple(i.columns) == cols for i in rel.indexes) or "(expression)" in cols
        return _exists(found, f"index on ({', '.join(cols)})",
                       f"{rel.qualified_name} has no index on ({', '.join(cols)})")
    idx = next((i for i in rel.indexes if i.name == short), None)
    if idx is None:
        return "missing", f"{rel.qualified_name} has no index {short}"
    actual = f"index on ({', '.join(idx.columns)})"
    if cols and "(expression)" not in cols and tuple(idx.columns) != cols:
        return "different", actual
    return "ok", actual


def _check_constraint(rel: Relation, d: Declared) -> Outcome:
    ck = d.get("constraint_kind")
    if d.name.startswith(("primary key (", "foreign key (")):  # unnamed: by its columns
        cols = tuple(d.get("columns", ()))
        for key in rel.constraints:
            if key.kind == ck and (not cols or tuple(key.columns) == cols) and not (
                    ck == "foreign" and d.get("ref") and key.ref != d.get("ref")):
                return "ok", key.name
        return "missing", f"{rel.qualified_name} has no such {ck} key"
    con = next((x for x in rel.constraints if x.name == d.name), None)
    if con is None:
        return "missing", f"{rel.qualified_name} has no constraint {d.name}"
    return ("different" if ck and con.kind != ck else "ok"), f"{con.kind} constraint"


def _check_grant(rel: Relation, d: Declared) -> Outcome:
    grantee = str(d.get("grantee", "")).lower()
    priv = str(d.get("privilege", "")).upper()
    cols = tuple(d.get("columns", ()))
    granted = {(g.grantee.lower(), g.privilege.upper(), g.column) for g in rel.grants}
    targets = [(grantee, priv, col) for col in cols] if cols else [(grantee, priv, None)]
    if all(t in granted or (t[2] is not None and (t[0], t[1], None) in granted) for t in targets):
        return "ok", "granted"
    others = sorted({p for (g, p, col) in granted if g == grantee and col is None})
    return "missing", f"{grantee} has " + (", ".join(others) if others else "no privileges")


def _cannot_check(c: Checker, d: Declared) -> Outcome:
    return "unknown", f"cannot check {d.kind}"


CHECKS: dict[str, Callable[[Checker, Declared], Outcome]] = {
    "schema": _check_schema,
    "extension": _check_extension,
    "publication": _check_publication,
    "publication_member": _check_publication_member,
    "table": _check_relation,
    "view": _check_relation,
    "type": _check_type,
    "function": _check_function,
    "column": _on_relation(_check_column),
    "rls": _on_relation(_check_rls),
    "policy": _on_relation(_check_policy),
    "trigger": _on_relation(_check_trigger),
    "index": _on_relation(_check_index),
    "constraint": _on_relation(_check_constraint),
    "grant": _on_relation(_check_grant),
}
"""One check per declared kind: ``(checker, declared) -> (status, actual)``."""


# -- text rules, for when no server is at hand -------------------------------------------------
_TYPMOD = re.compile(r"\([^()]*\)")


def _argument_type(text: str) -> str:
    """An argument type as the server stores it: without modifiers (PostgreSQL drops them:
    ``varchar(10)``, ``numeric(10,2)`` and ``vector(384)`` arguments are stored bare)."""
    t = normalize_type(text)
    return t if t.endswith("%type") else _TYPMOD.sub("", t).replace("character varying",
                                                                     "varchar")


def _identity_types(identity_args: str) -> list[str]:
    """Types of ``pg_get_function_identity_arguments`` text (``a integer, b text``)."""
    types = []
    for part in _split_top_level(identity_args):
        p = part.strip()
        for mode in ("IN ", "INOUT ", "VARIADIC "):
            if p.upper().startswith(mode):
                p = p[len(mode):]
        if p.upper().startswith("OUT "):
            continue
        words = p.split(" ", 1)
        # "name type" vs a bare type: a bare type's first word is a known type word
        if len(words) == 2 and not _looks_like_type_start(p):
            p = words[1]
        types.append(p)
    return types


def _split_top_level(text: str) -> list[str]:
    out, depth, buf = [], 0, ""
    for ch in text:
        depth += (ch == "(") - (ch == ")")
        if ch == "," and depth == 0:
            out.append(buf)
            buf = ""
        else:
            buf += ch
    return out + ([buf] if buf.strip() else [])


_TYPE_WORDS = ("double precision", "character varying", "timestamp ", "time ", "bit varying",
               "character(", "character ")


def _looks_like_type_start(p: str) -> bool:
    low = p.lower()
    return any(low.startswith(w) for w in _TYPE_WORDS)


def _type_matches(want: str, have: str) -> bool:
    if want == have or want.endswith("%type"):
        return True
    return want.replace("character varying", "varchar") == have.replace("character varying",
                                                                        "varchar")


def check_all(declared: Iterable[Declared], snap: Snapshot,
              conn: psycopg.Connection[Any] | None = None) -> list[Check]:
    """Check every declared object; with ``conn`` (the database ``snap`` was read from),
    function signatures are resolved by that server."""
    checker = Checker(snap, ServerNames(conn) if conn is not None else None)
    return [checker.check(d) for d in declared]
