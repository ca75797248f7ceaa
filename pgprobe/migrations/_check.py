"""Compare declared objects with what a Snapshot really holds.

Used by ``verify`` (declared vs the target) and by ``rehearse`` (a file's declared objects
vs the scratch database right after the file ran: the "don't trust the output" check).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..catalog._model import Relation, Snapshot
from ._declared import Declared, normalize_type


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


def _fmt(d: Declared) -> str:
    exp = dict(d.expect)
    k = d.kind
    if k == "column":
        return f"column of type {exp.get('type')}"
    if k == "policy":
        bits = []
        if "command" in exp:
            bits.append(f"for {exp['command']}")
        if "roles" in exp:
            bits.append(f"to {', '.join(exp['roles'])}")
        return "policy " + " ".join(bits)
    if k == "rls":
        return "row level security " + ("enabled" if exp.get("enabled") else "disabled")
    if k == "grant":
        return f"{d.name}"
    if k == "type" and exp.get("labels"):
        return f"enum ({', '.join(exp['labels'])})"
    if k == "index":
        return f"index on ({', '.join(exp.get('columns', ()))})"
    if k == "function":
        return f"{exp.get('routine', 'function')}({', '.join(exp.get('args', ()))})"
    if k == "constraint":
        return f"{exp.get('constraint_kind', '')} constraint".strip()
    return k


class Checker:
    """Checks declared objects against one snapshot (indexes built once)."""

    def __init__(self, snap: Snapshot) -> None:
        self.snap = snap
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

    def _schema_known(self, qualified: str) -> bool:
        schema = qualified.split(".", 1)[0]
        if not self.schemas:
            return True
        return schema in self.schemas and schema not in self.unexpanded

    def check(self, d: Declared) -> Check:
        status, actual = self._check(d)
        return Check(d, status, _fmt(d), actual)

    def _rel(self, d: Declared) -> tuple[Relation | None, str]:
        name = d.relation or d.name
        rel = self.rels.get(name)
        if rel is None:
            return None, f"relation {name} does not exist"
        return rel, ""

    def _check(self, d: Declared) -> tuple[str, str]:
        k = d.kind
        scope = d.relation if d.relation and d.relation != "*" else d.name
        if k not in ("schema", "extension", "publication", "publication_member") and not self._schema_known(
            scope
        ):
            schema = scope.split(".", 1)[0]
            if self.schemas and schema not in self.schemas:
                return "missing", f"schema {schema} does not exist"
            return "unknown", f"schema {schema} was not read"
        if k == "schema":
            return ("ok", "exists") if d.name in self.schemas else ("missing", "does not exist")
        if k == "extension":
            return ("ok", "installed") if d.name in self.exts else ("missing", "not installed")
        if k == "publication":
            return ("ok", "exists") if d.name in self.pubs else ("missing", "does not exist")
        if k == "publication_member":
            pub = self.pubs.get(d.name)
            if pub is None:
                return "missing", f"publication {d.name} does not exist"
            if pub.all_tables or d.relation in pub.tables:
                return "ok", "member"
            return "missing", f"not in publication {d.name}"
        if k in ("table", "view"):
            rel = self.rels.get(d.name)
            if rel is None:
                return "missing", "does not exist"
            want = d.get("relkind", k)
            if k == "table" and rel.kind not in ("table", "partitioned_table", "foreign_table"):
                return "different", f"is a {rel.kind}"
            if k == "view" and rel.kind not in ("view", "materialized_view"):
                return "different", f"is a {rel.kind}"
            if want == "materialized_view" and rel.kind != want:
                return "different", f"is a {rel.kind}"
            return "ok", rel.kind
        if k == "type":
            t = self.types.get(d.name)
            if t is None:
                return "missing", "does not exist"
            labels = d.get("labels")
            if labels is not None and tuple(getattr(t, "labels", ())) != tuple(labels):
                return "different", f"enum ({', '.join(getattr(t, 'labels', ()))})"
            return "ok", "exists"
        if k == "function":
            found = self.funcs.get(d.name, [])
            if not found:
                return "missing", "does not exist"
            want = [normalize_type(a) for a in d.get("args", ())]
            for f in found:
                have = [normalize_type(a.rsplit(" ", 1)[-1] if False else a)
                        for a in _identity_types(f.identity_args)]
                if len(have) == len(want) and all(
                    _type_matches(w, h) for w, h in zip(want, have, strict=True)
                ):
                    return "ok", f.signature
            return "different", "; ".join(f.signature for f in found)
        rel, why = self._rel(d)
        if rel is None:
            return "missing", why
        if k == "column":
            if not rel.has_column(d.name):
                return "missing", f"{rel.qualified_name} has no column {d.name}"
            col = rel.column(d.name)
            want = d.get("type")
            if want and not _type_matches(normalize_type(want), normalize_type(col.type)):
                return "different", f"column of type {col.type}"
            return "ok", f"column of type {col.type}"
        if k == "rls":
            want = bool(d.get("enabled"))
            if rel.rls_enabled == want:
                return "ok", _fmt(d)
            return "different", "row level security " + ("enabled" if rel.rls_enabled else "disabled")
        if k == "policy":
            pol = next((p for p in rel.policies if p.name == d.name), None)
            if pol is None:
                return "missing", f"{rel.qualified_name} has no policy {d.name!r}"
            actual = f"policy for {pol.command} to {', '.join(sorted(pol.roles)) or 'public'}"
            if d.get("command") and d.get("command") != pol.command:
                return "different", actual
            roles = d.get("roles")
            if roles and {r.lower() for r in roles} != {r.lower() for r in pol.roles or ("public",)}:
                return "different", actual
            return "ok", actual
        if k == "trigger":
            if any(t.name == d.name for t in rel.triggers):
                return "ok", "exists"
            return "missing", f"{rel.qualified_name} has no trigger {d.name}"
        if k == "index":
            cols = tuple(d.get("columns", ()))
            if " " not in d.name.split(".", 1)[-1] and not d.name.startswith("index on"):
                short = d.name.split(".", 1)[-1]
                idx = next((i for i in rel.indexes if i.name == short), None)
                if idx is None:
                    return "missing", f"{rel.qualified_name} has no index {short}"
                if cols and "(expression)" not in cols and tuple(idx.columns) != cols:
                    return "different", f"index on ({', '.join(idx.columns)})"
                return "ok", f"index on ({', '.join(idx.columns)})"
            if any(tuple(i.columns) == cols for i in rel.indexes) or "(expression)" in cols:
                return "ok", f"index on ({', '.join(cols)})"
            return "missing", f"{rel.qualified_name} has no index on ({', '.join(cols)})"
        if k == "constraint":
            ck = d.get("constraint_kind")
            cols = tuple(d.get("columns", ()))
            if d.name.startswith(("primary key (", "foreign key (")):
                for c in rel.constraints:
                    if c.kind != ck or (cols and tuple(c.columns) != cols):
                        continue
                    if ck == "foreign" and d.get("ref") and c.ref != d.get("ref"):
                        continue
                    return "ok", f"{c.name}"
                return "missing", f"{rel.qualified_name} has no such {ck} key"
            con = next((c for c in rel.constraints if c.name == d.name), None)
            if con is None:
                return "missing", f"{rel.qualified_name} has no constraint {d.name}"
            if ck and con.kind != ck:
                return "different", f"{con.kind} constraint"
            return "ok", f"{con.kind} constraint"
        if k == "grant":
            grantee = str(d.get("grantee", "")).lower()
            priv = str(d.get("privilege", "")).upper()
            cols = tuple(d.get("columns", ()))
            granted: set[tuple[str, str, str | None]] = {
                (g.grantee.lower(), g.privilege.upper(), g.column) for g in rel.grants
            }
            targets: list[tuple[str, str, str | None]] = (
                [(grantee, priv, c) for c in cols] if cols else [(grantee, priv, None)]
            )
            if all(t in granted or (t[2] is not None and (t[0], t[1], None) in granted)
                   for t in targets):
                return "ok", "granted"
            others = sorted({p for (g, p, c) in granted if g == grantee and c is None})
            return "missing", f"{grantee} has " + (", ".join(others) if others else "no privileges")
        return "unknown", f"cannot check {k}"


def _identity_types(identity_args: str) -> list[str]:
    """Types of ``pg_get_function_identity_arguments`` text (``a integer, b text``)."""
    out = []
    depth = 0
    buf = ""
    for ch in identity_args:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            out.append(buf)
            buf = ""
        else:
            buf += ch
    if buf.strip():
        out.append(buf)
    types = []
    for part in out:
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


_TYPE_WORDS = ("double precision", "character varying", "timestamp ", "time ", "bit varying",
               "character(", "character ")


def _looks_like_type_start(p: str) -> bool:
    low = p.lower()
    return any(low.startswith(w) for w in _TYPE_WORDS)


def _type_matches(want: str, have: str) -> bool:
    if want == have:
        return True
    # varchar(20) declared vs character varying(20); numeric vs numeric(10,2) is a difference,
    # but a declared bare name matching the base of the actual type is fine for user types
    if want.replace("character varying", "varchar") == have.replace("character varying", "varchar"):
        return True
    return want.endswith("%type")


def check_all(declared: Iterable[Declared], snap: Snapshot) -> list[Check]:
    checker = Checker(snap)
    return [checker.check(d) for d in declared]
