"""What migration files declare: the objects their statements create, alter and drop.

Statements are parsed with PostgreSQL's grammar (pglast); statements run by ``DO`` blocks
count too (the postmortem's swallowed ``CREATE TABLE`` sat inside one).  Replaying the
effects of every file in order gives the *expected state*: what the target should hold.

>>> from pgprobe.migrations._files import split_statements
>>> st = split_statements("create table t (id int primary key); alter table t enable row level security;")
>>> sorted(d.object for d in statement_effects(st[0]).declared)
['public.t', 'public.t.id', 'public.t: primary key (id)']
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import pglast
from pglast import ast
from pglast.enums import (
    AlterPublicationAction,
    AlterTableType,
    ConstrType,
    GrantTargetType,
    ObjectType,
    PublicationObjSpecType,
    RoleSpecType,
)

from ._files import MigrationFile, Statement, line_starts, offset_to_line_col

TABLE_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")

_TYPE_NAMES = {
    "int2": "smallint", "int4": "integer", "int8": "bigint", "int": "integer",
    "float4": "real", "float8": "double precision", "bool": "boolean",
    "varchar": "character varying", "bpchar": "character", "varbit": "bit varying",
    "timestamp": "timestamp without time zone", "timestamptz": "timestamp with time zone",
    "time": "time without time zone", "timetz": "time with time zone",
    "serial": "integer", "serial4": "integer", "bigserial": "bigint", "serial8": "bigint",
    "smallserial": "smallint", "serial2": "smallint", "decimal": "numeric",
}


@dataclass(frozen=True)
class Declared:
    """One object (or property of an object) that a migration statement declares.

    ``kind`` is one of: schema, extension, table, view, column, constraint, index, rls,
    policy, grant, publication, publication_member, type, function, trigger.
    ``expect`` holds the declared properties (column type, policy command and roles, ...).
    """

    kind: str
    relation: str | None
    name: str
    expect: tuple[tuple[str, Any], ...] = ()
    file: str = ""
    line: int = 0
    version: str = ""

    @property
    def key(self) -> tuple[str, str | None, str]:
        return (self.kind, self.relation, self.name)

    @property
    def object(self) -> str:
        if self.kind in ("table", "view"):
            return self.name
        if self.kind == "rls":
            return f"{self.relation}"
        if self.kind == "column":
            return f"{self.relation}.{self.name}"
        if self.kind == "grant":
            return f"{self.relation}: {self.name}"
        if self.kind == "publication_member":
            return f"{self.relation} in publication {self.name}"
        if self.relation:
            return f"{self.relation}: {self.name}"
        return self.name

    def get(self, key: str, default: Any = None) -> Any:
        return dict(self.expect).get(key, default)

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.file else ""


@dataclass
class Effects:
    """What one statement does: objects declared, objects dropped, renames."""

    declared: list[Declared] = field(default_factory=list)
    drops: list[tuple[Any, ...]] = field(default_factory=list)
    """(kind, relation, name, cascade)."""
    renames: list[tuple[Any, ...]] = field(default_factory=list)
    """(kind, relation, old name, new name)."""
    all_in_schema_grants: list[tuple[str, str, str]] = field(default_factory=list)
    """(schema, grantee, privilege) of ``GRANT ... ON ALL TABLES IN SCHEMA``."""
    revokes: list[tuple[str, str, str]] = field(default_factory=list)
    extensions: list[tuple[Any, ...]] = field(default_factory=list)
    """(extension name, schema given) of ``CREATE EXTENSION``."""
    parse_error: str | None = None

    def extend(self, other: Effects) -> None:
        self.declared += other.declared
        self.drops += other.drops
        self.renames += other.renames
        self.all_in_schema_grants += other.all_in_schema_grants
        self.revokes += other.revokes
        self.extensions += other.extensions


# -- helpers -------------------------------------------------------------------
def _qual(schema: str | None, name: str, default_schema: str = "public") -> str:
    return f"{schema or default_schema}.{name}"


def _rv(rv: Any, default_schema: str = "public") -> str:
    return _qual(getattr(rv, "schemaname", None), rv.relname, default_schema)


def _names(nodes: Any) -> list[str]:
    return [str(n.sval) for n in nodes or () if isinstance(n, ast.String)]


def _qual_list(nodes: Any, default_schema: str = "public") -> str:
    parts = _names(nodes)
    if len(parts) == 1:
        return _qual(None, parts[0], default_schema)
    return ".".join(parts[-2:])


def type_text(tn: Any) -> str:
    """A TypeName as ``format_type`` prints it (``varchar(20)`` -> ``character varying(20)``)."""
    if tn is None:
        return ""
    names = _names(tn.names or ())
    if names and names[0] == "pg_catalog" and len(names) == 2:
        base = _TYPE_NAMES.get(names[1], names[1])
    elif len(names) == 1:
        base = _TYPE_NAMES.get(names[0], names[0])
    else:
        base = ".".join(names)
    mods = []
    for m in tn.typmods or ():
        val = getattr(m, "val", None)
        if isinstance(val, ast.Integer):
            mods.append(str(val.ival))
        elif isinstance(val, (ast.String, ast.Float)):
            mods.append(str(getattr(val, "sval", None) or getattr(val, "fval", "")))
    if mods and base not in ("interval",):
        if base.startswith("timestamp ") or base.startswith("time "):
            word, rest = base.split(" ", 1)
            base = f"{word}({','.join(mods)}) {rest}"
        else:
            base = f"{base}({','.join(mods)})"
    if tn.arrayBounds:
        base += "[]"
    if tn.pct_type:
        base += "%TYPE"
    return base


def normalize_type(text: str) -> str:
    """Compare types loosely: lower case, no schema qualification, no quotes."""
    t = text.strip().lower().replace('"', "")
    t = re.sub(r"\s+", " ", t)
    t = re.sub(r"^[a-z_][a-z0-9_$]*\.", "", t)
    t = re.sub(r"\s*\(\s*", "(", t).replace(", ", ",")
    for k, v in (("int4", "integer"), ("int8", "bigint"), ("int2", "smallint")):
        if t == k:
            t = v
    return t


def _roles(specs: Iterable[Any] | None) -> tuple[str, ...]:
    out = []
    for r in specs or ():
        if r.roletype == RoleSpecType.ROLESPEC_PUBLIC:
            out.append("public")
        elif r.roletype == RoleSpecType.ROLESPEC_CSTRING:
            out.append(r.rolename)
        elif r.roletype == RoleSpecType.ROLESPEC_CURRENT_USER:
            out.append("current_user")
        else:
            out.append(str(r.rolename or r.roletype))
    return tuple(out) or ("public",)


# -- per statement ----------------------------------------------------------------
def statement_effects(stmt: Statement, *, file: str = "", version: str = "") -> Effects:
    """Parse one statement (and the statements of a ``DO`` block) into its effects."""
    eff = Effects()
    try:
        parsed = pglast.parse_sql(stmt.text)
    except pglast.parser.ParseError as exc:
        eff.parse_error = str(exc.args[0])
        return eff
    for raw in parsed:
        _node_effects(raw.stmt, eff, stmt.line, file, version)
        if isinstance(raw.stmt, ast.DoStmt):
            for line, sub, conditional in _do_statements(stmt):
                sub_eff = Effects()
                try:
                    for r in pglast.parse_sql(sub):
                        _node_effects(r.stmt, sub_eff, line, file, version)
                except pglast.parser.ParseError:
                    continue
                if conditional:
                    sub_eff.declared = [replace(d, expect=tuple(sorted((*d.expect,
                                                                        ("conditional", True)))))
                                        for d in sub_eff.declared]
                eff.extend(sub_eff)
    return eff


def _do_statements(stmt: Statement) -> Iterator[tuple[int, str, bool]]:
    """(file line, SQL, conditional) of each statement a DO block runs, including literal
    EXECUTEs; ``conditional`` when it sits in an IF/CASE branch, a loop or an exception
    handler (it may rightly not run)."""
    body_line = stmt.line + _body_line_offset(stmt.text)
    try:
        tree = pglast.parse_plpgsql(stmt.text)
    except Exception:
        # the block does not compile (e.g. a RAISE with too few arguments): still read the
        # SQL statements it holds, so what it meant to create is known
        yield from ((line, text, False) for line, text in _do_statements_loose(stmt, body_line))
        return
    for node, conditional in _walk_branches(tree):
        if "PLpgSQL_stmt_execsql" in node:
            inner = node["PLpgSQL_stmt_execsql"]
            q = inner.get("sqlstmt", {}).get("PLpgSQL_expr", {}).get("query")
            if q:
                yield body_line + inner.get("lineno", 1) - 1, q, conditional
        elif "PLpgSQL_stmt_dynexecute" in node:
            inner = node["PLpgSQL_stmt_dynexecute"]
            q = inner.get("query", {}).get("PLpgSQL_expr", {}).get("query", "")
            m = re.fullmatch(r"\s*'((?:[^']|'')*)'\s*", q or "", re.S)
            if m:
                yield (body_line + inner.get("lineno", 1) - 1, m.group(1).replace("''", "'"),
                       conditional)


_BRANCHING = ("PLpgSQL_stmt_if", "PLpgSQL_stmt_case", "PLpgSQL_stmt_loop",
              "PLpgSQL_stmt_while", "PLpgSQL_stmt_fori", "PLpgSQL_stmt_fors",
              "PLpgSQL_stmt_forc", "PLpgSQL_stmt_foreach_a", "PLpgSQL_stmt_dynfors",
              "PLpgSQL_exception")


def _walk_branches(tree: Any) -> Iterator[tuple[dict[str, Any], bool]]:
    """Every dict of a PL/pgSQL tree, in order, with whether it sits under a branch."""
    stack: list[tuple[Any, bool]] = [(tree, False)]
    while stack:
        cur, conditional = stack.pop()
        if isinstance(cur, dict):
            yield cur, conditional
            inner = conditional or any(k in _BRANCHING for k in cur)
            stack.extend((v, inner) for v in reversed(list(cur.values())))
        elif isinstance(cur, list):
            stack.extend((v, conditional) for v in reversed(cur))


_PLPGSQL_WORDS = re.compile(
    r"^\s*((begin|declare|exception\s+when\s+[\w\s]+?\s+then|end(\s+if|\s+loop)?|else|"
    r"elsif\b[^;]*?\bthen|if\b[^;]*?\bthen|loop|null)\b\s*)+", re.I | re.S)


def _do_statements_loose(stmt: Statement, body_line: int) -> Iterator[tuple[int, str]]:
    m = re.search(r"(\$[A-Za-z_0-9]*\$)(.*)\1", stmt.text, re.S)
    if not m:
        return
    body = m.group(2)
    try:
        slices = pglast.parser.split(body, with_parser=False, only_slices=True)
    except Exception:
        return
    for sl in slices:
        piece = body[sl]
        cut = _PLPGSQL_WORDS.match(piece)
        start = sl.start + (cut.end() if cut else 0)
        text = body[start : sl.stop].strip()
        if not text:
            continue
        try:
            pglast.parse_sql(text)
        except Exception:
            continue
        yield body_line + body[:start].count("\n"), text


def _body_line_offset(text: str) -> int:
    """Lines between the statement start and the start of its dollar-quoted body."""
    try:
        for tok in pglast.parser.scan(text):
            if tok.name == "SCONST":
                prefix = text.encode("utf-8")[: tok.start].decode("utf-8", "ignore")
                return prefix.count("\n")
    except Exception:
        pass
    return 0


def _walk(node: Any) -> Iterator[Any]:
    stack = [node]
    while stack:
        cur = stack.pop()
        yield cur
        if isinstance(cur, dict):
            stack.extend(cur.values())
        elif isinstance(cur, list):
            stack.extend(cur)


def _is_temporary(node: Any) -> bool:
    """``CREATE TEMP TABLE/VIEW`` (and ``CREATE TEMP TABLE ... AS``)."""
    target = (node.relation if isinstance(node, ast.CreateStmt) else
              node.view if isinstance(node, ast.ViewStmt) else
              node.into.rel if isinstance(node, ast.CreateTableAsStmt) and node.into else None)
    return target is not None and target.relpersistence == "t"


def _node_effects(node: Any, eff: Effects, line: int, file: str, version: str) -> None:
    def dec(kind: str, relation: Any, name: Any, **expect: Any) -> None:
        eff.declared.append(
            Declared(kind, relation, name, tuple(sorted(expect.items())), file, line, version)
        )

    if isinstance(node, ast.CreateSchemaStmt):
        if node.schemaname:
            dec("schema", None, node.schemaname)
        for el in node.schemaElts or ():
            _node_effects(el, eff, line, file, version)
    elif isinstance(node, ast.CreateExtensionStmt):
        schema = None
        for opt in node.options or ():
            if opt.defname == "schema":
                schema = getattr(opt.arg, "sval", None)
        dec("extension", None, node.extname)
        eff.extensions.append((node.extname, schema))
    elif _is_temporary(node):
        return  # gone when the session ends: nothing a migration leaves behind
    elif isinstance(node, ast.CreateStmt):
        rel = _rv(node.relation)
        dec("table", None, rel, relkind="table")
        for el in node.tableElts or ():
            if isinstance(el, ast.ColumnDef):
                _column(el, rel, dec)
            elif isinstance(el, ast.Constraint):
                _constraint(el, rel, dec, None)
    elif isinstance(node, ast.ViewStmt):
        dec("view", None, _rv(node.view), relkind="view")
    elif isinstance(node, ast.CreateTableAsStmt):
        kind = "materialized_view" if node.objtype == ObjectType.OBJECT_MATVIEW else "table"
        dec("view" if kind != "table" else "table", None, _rv(node.into.rel),  # type: ignore[union-attr]
            relkind=kind)
    elif isinstance(node, ast.AlterTableStmt) and node.objtype in (
        ObjectType.OBJECT_TABLE, ObjectType.OBJECT_FOREIGN_TABLE
    ):
        rel = _rv(node.relation)
        for cmd in node.cmds or ():
            st = cmd.subtype
            if st == AlterTableType.AT_AddColumn and isinstance(cmd.def_, ast.ColumnDef):
                _column(cmd.def_, rel, dec)
            elif st == AlterTableType.AT_DropColumn and cmd.name:
                eff.drops.append(("column", rel, cmd.name, True))
            elif st == AlterTableType.AT_AlterColumnType and cmd.name:
                dec("column", rel, cmd.name, type=type_text(cmd.def_.typeName))
            elif st == AlterTableType.AT_EnableRowSecurity:
                dec("rls", rel, "rls", enabled=True)
            elif st == AlterTableType.AT_DisableRowSecurity:
                dec("rls", rel, "rls", enabled=False)
            elif st == AlterTableType.AT_AddConstraint and isinstance(cmd.def_, ast.Constraint):
                _constraint(cmd.def_, rel, dec, None)
                if cmd.def_.indexname and cmd.def_.conname:
                    # ADD CONSTRAINT c ... USING INDEX i renames index i to c
                    schema = rel.split(".", 1)[0]
                    eff.renames.append(("index", "*", f"{schema}.{cmd.def_.indexname}",
                                        f"{schema}.{cmd.def_.conname}"))
            elif st == AlterTableType.AT_DropConstraint and cmd.name:
                eff.drops.append(("constraint", rel, cmd.name, False))
    elif isinstance(node, ast.IndexStmt):
        rel = _rv(node.relation)
        cols = tuple(p.name or "(expression)" for p in node.indexParams or ())
        if node.idxname:
            schema = rel.split(".", 1)[0]
            dec("index", rel, f"{schema}.{node.idxname}", columns=cols, unique=bool(node.unique))
        else:
            dec("index", rel, f"index on ({', '.join(cols)})", columns=cols)
    elif isinstance(node, ast.CreatePolicyStmt):
        rel = _rv(node.table)
        dec("policy", rel, node.policy_name, command=node.cmd_name or "all",
            roles=tuple(sorted(_roles(node.roles))), permissive=bool(node.permissive))
    elif isinstance(node, ast.AlterPolicyStmt) and node.roles:
        rel = _rv(node.table)
        dec("policy", rel, node.policy_name, roles=tuple(sorted(_roles(node.roles))))
    elif isinstance(node, ast.GrantStmt) and node.objtype == ObjectType.OBJECT_TABLE:
        _grant(node, eff, dec)
    elif isinstance(node, ast.CreatePublicationStmt):
        dec("publication", None, node.pubname, all_tables=bool(node.for_all_tables))
        for rel in _pub_tables(node.pubobjects):
            dec("publication_member", rel, node.pubname)
    elif isinstance(node, ast.AlterPublicationStmt):
        rels = _pub_tables(node.pubobjects)
        if node.action == AlterPublicationAction.AP_DropObjects:
            for rel in rels:
                eff.drops.append(("publication_member", rel, node.pubname, False))
        else:
            if node.action == AlterPublicationAction.AP_SetObjects:
                eff.drops.append(("publication_member", "*", node.pubname, False))
            for rel in rels:
                dec("publication_member", rel, node.pubname)
    elif isinstance(node, ast.CreateEnumStmt):
        dec("type", None, _qual_list(node.typeName), type_kind="enum",
            labels=tuple(v.sval for v in node.vals or ()))
    elif isinstance(node, ast.AlterEnumStmt) and node.newVal and node.oldVal:
        dec("type", None, _qual_list(node.typeName), type_kind="enum",
            rename_label=(node.oldVal, node.newVal))
    elif isinstance(node, ast.AlterEnumStmt) and node.newVal:
        dec("type", None, _qual_list(node.typeName), type_kind="enum", add_label=node.newVal)
    elif isinstance(node, ast.CompositeTypeStmt):
        dec("type", None, _rv(node.typevar), type_kind="composite")
    elif isinstance(node, ast.CreateDomainStmt):
        dec("type", None, _qual_list(node.domainname), type_kind="domain")
    elif isinstance(node, ast.CreateFunctionStmt):
        args = tuple(
            type_text(p.argType) for p in node.parameters or ()
            if str(getattr(p.mode, "value", p.mode)) in ("i", "b", "v", "d")
        )
        kind = "procedure" if node.is_procedure else "function"
        dec("function", None, _qual_list(node.funcname), args=args, routine=kind)
    elif isinstance(node, ast.CreateTrigStmt):
        dec("trigger", _rv(node.relation), node.trigname)
    elif isinstance(node, ast.DropStmt):
        _drop(node, eff)
    elif isinstance(node, ast.RenameStmt):
        _rename(node, eff)


def _column(col: Any, rel: str, dec: Any) -> None:
    dec("column", rel, col.colname, type=type_text(col.typeName))
    for c in col.constraints or ():
        _constraint(c, rel, dec, col.colname)


def _constraint(c: Any, rel: str, dec: Any, column: str | None) -> None:
    cols = tuple(_names(c.keys or ())) or ((column,) if column else ())
    if c.contype == ConstrType.CONSTR_PRIMARY:
        dec("constraint", rel, c.conname or f"primary key ({', '.join(cols)})",
            constraint_kind="primary", columns=cols)
    elif c.contype == ConstrType.CONSTR_FOREIGN:
        fk_cols = tuple(_names(c.fk_attrs or ())) or ((column,) if column else ())
        ref = _rv(c.pktable)
        dec("constraint", rel, c.conname or f"foreign key ({', '.join(fk_cols)}) -> {ref}",
            constraint_kind="foreign", columns=fk_cols, ref=ref)
    elif c.contype == ConstrType.CONSTR_UNIQUE and c.conname:
        dec("constraint", rel, c.conname, constraint_kind="unique", columns=cols)
    elif c.contype == ConstrType.CONSTR_CHECK and c.conname:
        dec("constraint", rel, c.conname, constraint_kind="check")
    elif c.contype == ConstrType.CONSTR_EXCLUSION and c.conname:
        dec("constraint", rel, c.conname, constraint_kind="exclusion")


def _grant(node: Any, eff: Effects, dec: Any) -> None:
    grantees = _roles(node.grantees)
    privs: list[tuple[str, tuple[str, ...]]] = []
    if not node.privileges:
        privs = [(p, ()) for p in TABLE_PRIVILEGES]
    else:
        for p in node.privileges:
            name = (p.priv_name or "all").upper()
            cols = tuple(_names(p.cols or ()))
            if name in ("ALL", "ALL PRIVILEGES"):
                privs += [(x, cols) for x in TABLE_PRIVILEGES]
            else:
                privs.append((name, cols))
    if node.targtype == GrantTargetType.ACL_TARGET_ALL_IN_SCHEMA:
        for sch in node.objects or ():
            schema = getattr(sch, "sval", None)
            if schema:
                for g in grantees:
                    for p, _ in privs:
                        (eff.all_in_schema_grants if node.is_grant else eff.revokes).append(
                            (schema, g, p)
                        )
        return
    if node.targtype != GrantTargetType.ACL_TARGET_OBJECT:
        return
    for obj in node.objects or ():
        rel = _rv(obj)
        for g in grantees:
            for p, cols in privs:
                targets = [f"{p} ({c}) to {g}" for c in cols] if cols else [f"{p} to {g}"]
                for t in targets:
                    if node.is_grant:
                        dec("grant", rel, t, grantee=g, privilege=p, columns=cols)
                    else:
                        eff.drops.append(("grant", rel, t, False))


def _pub_tables(objs: Iterable[Any] | None) -> list[str]:
    out = []
    for o in objs or ():
        if o.pubobjtype == PublicationObjSpecType.PUBLICATIONOBJ_TABLE and o.pubtable:
            out.append(_rv(o.pubtable.relation))
    return out


_DROP_KINDS = {
    ObjectType.OBJECT_TABLE: "table", ObjectType.OBJECT_FOREIGN_TABLE: "table",
    ObjectType.OBJECT_VIEW: "view", ObjectType.OBJECT_MATVIEW: "view",
    ObjectType.OBJECT_INDEX: "index", ObjectType.OBJECT_TYPE: "type",
    ObjectType.OBJECT_DOMAIN: "type", ObjectType.OBJECT_SCHEMA: "schema",
    ObjectType.OBJECT_EXTENSION: "extension", ObjectType.OBJECT_PUBLICATION: "publication",
    ObjectType.OBJECT_FUNCTION: "function", ObjectType.OBJECT_PROCEDURE: "function",
    ObjectType.OBJECT_ROUTINE: "function",
    ObjectType.OBJECT_POLICY: "policy", ObjectType.OBJECT_TRIGGER: "trigger",
}


def _drop(node: Any, eff: Effects) -> None:  # noqa: C901
    kind = _DROP_KINDS.get(node.removeType)
    if kind is None:
        return
    cascade = int(getattr(node.behavior, "value", node.behavior)) == 1
    for obj in node.objects or ():
        if kind in ("schema", "extension", "publication"):
            name = obj.sval if isinstance(obj, ast.String) else ".".join(_names(obj))
            eff.drops.append((kind, None, name, cascade))
        elif kind == "function":
            eff.drops.append((kind, None, _qual_list(obj.objname), cascade))
        elif kind in ("policy", "trigger"):
            parts = _names(obj)
            eff.drops.append((kind, _qual_list([ast.String(p) for p in parts[:-1]]), parts[-1], cascade))
        elif kind == "index":
            eff.drops.append((kind, "*", _qual_list(obj), cascade))
        elif kind == "type" and isinstance(obj, ast.TypeName):
            eff.drops.append((kind, None, _qual_list(obj.names), cascade))
        else:
            eff.drops.append((kind, None, _qual_list(obj), cascade))


def _rename(node: Any, eff: Effects) -> None:
    rt = node.renameType
    if rt in (ObjectType.OBJECT_TABLE, ObjectType.OBJECT_VIEW, ObjectType.OBJECT_MATVIEW) and node.relation:
        old = _rv(node.relation)
        eff.renames.append(("table", None, old, f"{old.split('.', 1)[0]}.{node.newname}"))
    elif rt == ObjectType.OBJECT_COLUMN and node.relation and node.subname:
        eff.renames.append(("column", _rv(node.relation), node.subname, node.newname))
    elif rt == ObjectType.OBJECT_POLICY and node.relation and node.subname:
        eff.renames.append(("policy", _rv(node.relation), node.subname, node.newname))
    elif rt == ObjectType.OBJECT_TRIGGER and node.relation and node.subname:
        eff.renames.append(("trigger", _rv(node.relation), node.subname, node.newname))
    elif rt == ObjectType.OBJECT_TABCONSTRAINT and node.relation and node.subname:
        eff.renames.append(("constraint", _rv(node.relation), node.subname, node.newname))
    elif rt == ObjectType.OBJECT_INDEX and node.relation:
        old = _rv(node.relation)
        eff.renames.append(("index", "*", old, f"{old.split('.', 1)[0]}.{node.newname}"))


def _enum_change(prev: Declared | None, d: Declared) -> Declared:
    """An enum after ``ADD VALUE`` / ``RENAME VALUE``: the labels it was created with
    (``labels``, in order) and the ones added since (``added``: present, anywhere, since
    ``BEFORE``/``AFTER`` place them)."""
    base = prev if prev is not None else d
    exp = {k: v for k, v in base.expect if k not in ("add_label", "rename_label")}
    labels, added = tuple(exp.get("labels", ())), tuple(exp.get("added", ()))
    new = d.get("add_label")
    if new is not None and new not in labels + added:
        added += (new,)
    if d.get("rename_label"):
        old, renamed = d.get("rename_label")
        labels = tuple(renamed if x == old else x for x in labels)
        added = tuple(renamed if x == old else x for x in added)
        if old not in base.get("labels", ()) + base.get("added", ()):
            added += (renamed,)
    if labels:
        exp["labels"] = labels
    exp["added"] = added
    return replace(base, expect=tuple(sorted(exp.items())))


# -- replaying files -----------------------------------------------------------------
class ExpectedState:
    """The objects the migrations leave behind, replayed statement by statement.

    >>> from pgprobe.migrations._files import split_statements
    >>> es = ExpectedState()
    >>> for s in split_statements("create table t (a int); drop table t; create table u (b text);"):
    ...     es.apply(statement_effects(s))
    >>> sorted(es.objects)
    [('column', 'public.u', 'b'), ('table', None, 'public.u')]
    """

    def __init__(self) -> None:
        self.objects: dict[tuple[str, str | None, str], Declared] = {}
        self.tables_by_schema: dict[str, set[str]] = {}

    def apply(self, eff: Effects, *, version: str = "", file: str = "", line: int = 0) -> None:
        for d in eff.declared:
            self._declare(d)
        for schema, grantee, priv in eff.all_in_schema_grants:
            for rel in sorted(self.tables_by_schema.get(schema, ())):
                t = f"{priv} to {grantee}"
                self._declare(Declared("grant", rel, t, (("columns", ()), ("grantee", grantee),
                                                           ("privilege", priv)),
                                       file or _first(eff, "file"), line or _first(eff, "line"),
                                       version or _first(eff, "version")))
        for schema, grantee, priv in eff.revokes:
            for rel in list(self.tables_by_schema.get(schema, ())):
                self.objects.pop(("grant", rel, f"{priv} to {grantee}"), None)
        for kind, rel, name, cascade in eff.drops:
            self._drop(kind, rel, name, cascade)
        for kind, rel, old, new in eff.renames:
            self._rename(kind, rel, old, new)

    def _declare(self, d: Declared) -> None:  # type: ignore[no-untyped-def]
        key = d.key
        if d.kind in ("table", "view"):
            schema = d.name.split(".", 1)[0]
            self.tables_by_schema.setdefault(schema, set()).add(d.name)
        prev = self.objects.get(key)
        if d.kind == "type" and (d.get("add_label") is not None or d.get("rename_label")):
            self.objects[key] = _enum_change(prev, d)
            return
        if prev is not None and d.kind in ("column", "policy"):
            merged = dict(prev.expect)
            merged.update(dict(d.expect))
            d = replace(d, expect=tuple(sorted(merged.items())))
        self.objects[key] = d

    def _drop(self, kind: str, rel: str | None, name: str, cascade: bool) -> None:
        if kind in ("table", "view"):
            self.objects.pop(("table", None, name), None)
            self.objects.pop(("view", None, name), None)
            self.tables_by_schema.get(name.split(".", 1)[0], set()).discard(name)
            for key in [k for k in self.objects if k[1] == name]:
                del self.objects[key]
        elif kind == "index":
            for key in [k for k in self.objects if k[0] == "index" and k[2] == name]:
                del self.objects[key]
        elif kind == "type":
            self.objects.pop(("type", None, name), None)
            if cascade:
                short = name.split(".", 1)[1]
                for key, d in list(self.objects.items()):
                    if d.kind == "column" and normalize_type(str(d.get("type", ""))).rstrip("[]") in (
                        short, name
                    ):
                        del self.objects[key]
        elif kind == "schema":
            for key in [k for k in self.objects if _in_schema(k, name)]:
                del self.objects[key]
        elif kind == "publication_member" and rel == "*":
            for key in [k for k in self.objects if k[0] == kind and k[2] == name]:
                del self.objects[key]
        elif kind == "function":
            for key in [k for k in self.objects if k[0] == "function" and k[2] == name]:
                del self.objects[key]
        else:
            self.objects.pop((kind, rel, name), None)

    def _rename(self, kind: str, rel: str | None, old: str, new: str) -> None:
        if kind == "table":
            for key, d in list(self.objects.items()):
                if key == ("table", None, old) or key == ("view", None, old):
                    del self.objects[key]
                    self.objects[(key[0], None, new)] = replace(d, name=new)
                elif key[1] == old:
                    del self.objects[key]
                    self.objects[(key[0], new, key[2])] = replace(d, relation=new)
            s = old.split(".", 1)[0]
            self.tables_by_schema.get(s, set()).discard(old)
            self.tables_by_schema.setdefault(s, set()).add(new)
        elif kind == "index":
            for key, d in list(self.objects.items()):
                if key[0] == "index" and key[2] == old:
                    del self.objects[key]
                    self.objects[(key[0], key[1], new)] = replace(d, name=new)
        else:
            moved = self.objects.pop((kind, rel, old), None)
            if moved is not None:
                self.objects[(kind, rel, new)] = replace(moved, name=new)

    def present(self) -> list[Declared]:
        return list(self.objects.values())


def _first(eff: Effects, attr: str) -> Any:
    return getattr(eff.declared[0], attr) if eff.declared else ("" if attr != "line" else 0)


def _in_schema(key: tuple[str, str | None, str], schema: str) -> bool:
    kind, rel, name = key
    target = rel if rel else name
    return kind not in ("schema", "extension", "publication") and target.startswith(schema + ".")


def file_effects(mf: MigrationFile) -> list[tuple[Statement, Effects]]:
    """Effects of every statement of a file, tagged with the file and its version."""
    return [
        (st, statement_effects(st, file=str(mf.path), version=mf.version))
        for st in mf.statements
    ]


def expected_state(files: Iterable[MigrationFile]) -> ExpectedState:
    """Replay every file's effects in order."""
    es = ExpectedState()
    for mf in files:
        for st, eff in file_effects(mf):
            es.apply(eff, version=mf.version, file=str(mf.path), line=st.line)
    return es


def where_line(text: str, offset: int) -> int:
    return offset_to_line_col(line_starts(text), offset)[0]
