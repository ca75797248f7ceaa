"""Ordering rules: use before create, re-runs, duplicates, dropping types in use."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pglast.parser import ParseError, parse_sql_json

from ._context import (
    _CREATES,
    Context,
    Rule,
    _display,
    created_object,
    iter_kinds,
    iter_nodes,
    quote_ident,
    tested_to_exist,
)
from ._source import Statement, _json_loads
from ._state import (
    EXTENSION_RELATIONS,
    Origin,
    SchemaState,
    column_type,
    qname,
    qualify,
    shown,
    split_qname,
    split_sub_key,
    table_definition,
    type_name,
)

# -- ordering: use before create ---------------------------------------------------------

_DROP_RELATION = {"OBJECT_TABLE": "table", "OBJECT_VIEW": "view",
                  "OBJECT_MATVIEW": "materialized view"}


class UseBeforeCreate(Rule):
    id = "use-before-create"
    visits = ("DropStmt", "CreatePolicyStmt", "AlterPolicyStmt", "IndexStmt", "AlterTableStmt",
              "GrantStmt", "CreateTrigStmt", "CommentStmt", "AlterEnumStmt", "CreateStmt",
              "AlterPublicationStmt", "CreatePublicationStmt", "RenameStmt",
              "CreateFunctionStmt", "InsertStmt", "UpdateStmt", "DeleteStmt", "SelectStmt")

    def __init__(self) -> None:
        self._by_kind = {kind: getattr(self, "_" + kind) for kind in self.visits}

    def visit(self, ctx: Context, st: Statement) -> None:
        self._by_kind[st.kind](ctx, st, st.node)

    def _missing(self, ctx: Context, st: Statement, what: str, name: str, location: int | None,
                 action: str, missing_ok: bool = False) -> None:
        key = f"{'table' if what in ('table', 'relation') else what}:{name}"
        if st.guards and what != "policy" and tested_to_exist(st, name):
            return  # runs only when the object exists
        shown_name = name if what == "policy" or what.startswith("member") else shown(name)
        lost = ctx.state.rolled_back.get(key)
        if lost is not None and not missing_ok:
            # the object's CREATE was lost with a failing file: one cause, reported there
            ctx.here(self.id, st, location,
                     f"{action}: {what} {shown_name} does not exist at this point: it is "
                     f"created at {ctx.where(lost[0])}, but that file fails (see its error) "
                     "and its transaction is rolled back; this follows from that failure",
                     severity="info")
            return
        dropped = ctx.state.dropped.get(key)
        why = f"; it was dropped at {ctx.where(dropped)}" if dropped else ctx.later(key)
        maker = self._unreadable_maker(ctx, what, name)
        if maker is not None and not missing_ok:
            ctx.here(self.id, st, location,
                     f"{action}: {what} {shown_name} is not known at this point{why}; the DO "
                     f"block at {ctx.where(maker)} runs SQL built at run time, which pgprobe "
                     "cannot read, and may create it", severity="warning")
            return
        if missing_ok:
            ctx.here(self.id, st, location,
                     f"{action}: {what} {shown_name} does not exist at this point{why}; IF "
                     "EXISTS turns this into a silent no-op (NOTICE only)", severity="warning")
        else:
            ctx.here(self.id, st, location,
                     f"{action}: {what} {shown_name} does not exist at this point (neither in "
                     f"the baseline nor created earlier in the sequence){why}")

    @staticmethod
    def _unreadable_maker(ctx: Context, what: str, name: str) -> Origin | None:
        """An earlier DO block running SQL built at run time whose text names ``name``."""
        if not ctx.state.unreadable or what == "policy" or what.startswith("member"):
            return None
        bare = split_qname(name)[1].partition("(")[0].lower()
        return next((o for o, text in reversed(ctx.state.unreadable) if bare in text), None)

    def _fn_exists(self, ctx: Context, name: str) -> bool:
        state = ctx.state
        if name in state.functions or state.assumed(name):
            return True
        return state.has_function(name, self._later(ctx, "function", name))

    @staticmethod
    def _later(ctx: Context, kind: str, name: str) -> bool:
        hit = ctx.future.get(f"{kind}:{name}")
        return hit is not None and ctx.files.index(hit[0]) >= ctx.file_index

    def _table(self, ctx: Context, st: Statement, rv: dict[str, Any], action: str,
               missing_ok: bool = False) -> bool:
        name = ctx.state.rel(rv)
        if ctx.state.has_table(name):
            return True
        self._missing(ctx, st, "table", name, rv.get("location"), action, missing_ok)
        return False

    def _DropStmt(self, ctx: Context, st: Statement, n: dict[str, Any]) -> None:
        kind = n.get("removeType", "")
        ok = bool(n.get("missing_ok"))
        state = ctx.state
        for obj in n.get("objects", ()):
            name = state.dropped_name(kind, obj)
            if name is None:
                continue
            if kind in ("OBJECT_POLICY", "OBJECT_TRIGGER"):
                table, sub = split_sub_key(name)
                what = "policy" if kind == "OBJECT_POLICY" else "trigger"
                if not state.has_table(table):
                    self._missing(ctx, st, "table", table, None,
                                  f"DROP {what.upper()} {quote_ident(sub)} ON {shown(table)}", ok)
                elif (kind == "OBJECT_POLICY" and not ok and not state.assumed(table)
                      and sub not in state.tables[table].policies):
                    self._missing(ctx, st, "policy", f"{quote_ident(sub)} on {shown(table)}", None,
                                  "DROP POLICY")
            elif ok:
                continue
            elif kind in _DROP_RELATION and not state.has_table(name):
                what = _DROP_RELATION[kind]
                self._missing(ctx, st, what, name, None, f"DROP {what.upper()}")
            elif kind in ("OBJECT_TYPE", "OBJECT_DOMAIN") and not state.has_type(name):
                self._missing(ctx, st, "type", name, None, "DROP TYPE")
            elif kind == "OBJECT_INDEX" and name not in state.indexes and state.has_baseline \
                    and not state.assumed(name):
                self._missing(ctx, st, "index", name, None, "DROP INDEX")
            elif kind == "OBJECT_FUNCTION" and not self._fn_exists(ctx, name):
                self._missing(ctx, st, "function", name, None, "DROP FUNCTION")

    def _CreatePolicyStmt(self, ctx: Context, st: Statement, n: dict[str, Any]) -> None:
        action = f"CREATE POLICY {quote_ident(n.get('policy_name', ''))}"
        self._table(ctx, st, n["table"], action)
        self._expressions(ctx, st, [n.get("qual"), n.get("with_check")], action)

    def _expressions(self, ctx: Context, st: Statement, exprs: list[Any], action: str) -> None:
        """Schema-qualified functions and tables used by expressions the server checks when
        the statement runs (policy USING / WITH CHECK)."""
        state = ctx.state
        for kind, node in iter_kinds([e for e in exprs if e], ("FuncCall", "RangeVar")):
            if kind == "FuncCall":
                names = node.get("funcname", [])
                if len(names) == 2:
                    fname = qualify(names, state.search_path)
                    if not self._fn_exists(ctx, fname):
                        self._missing(ctx, st, "function", fname, node.get("location"),
                                      f"{action} (in its expression)")
            elif node.get("schemaname"):
                self._table(ctx, st, node, f"{action} (in its expression)")

    def _AlterPolicyStmt(self, ctx: Context, st: Statement, n: dict[str, Any]) -> None:
        self._expressions(ctx, st, [n.get("qual"), n.get("with_check")],
                          f"ALTER POLICY {quote_ident(n.get('policy_name', ''))}")
        if self._table(ctx, st, n["table"], f"ALTER POLICY {quote_ident(n.get('policy_name', ''))}"):
            t = ctx.state.tables.get(ctx.state.rel(n["table"]))
            if t is not None and n.get("policy_name") not in t.policies:
                self._missing(ctx, st, "policy", f"{quote_ident(n.get('policy_name', ''))} on {shown(t.name)}",
                              None, "ALTER POLICY")

    def _IndexStmt(self, ctx: Context, st: Statement, n: dict[str, Any]) -> None:
        self._table(ctx, st, n["relation"], f"CREATE INDEX {n.get('idxname') or ''}".rstrip())

    def _AlterTableStmt(self, ctx: Context, st: Statement, n: dict[str, Any]) -> None:
        if n.get("objtype") != "OBJECT_TABLE":
            return
        if self._table(ctx, st, n["relation"], "ALTER TABLE", bool(n.get("missing_ok"))):
            for cmd in n.get("cmds", ()):
                d = cmd.get("AlterTableCmd", {}).get("def", {})
                cons = [d["Constraint"]] if "Constraint" in d else []
                if "ColumnDef" in d:
                    self._types(ctx, st, d["ColumnDef"], cmd["AlterTableCmd"].get("name"))
                    cons += [c["Constraint"] for c in d["ColumnDef"].get("constraints", ())
                             if "Constraint" in c]
                for con in cons:
                    if "pktable" in con:
                        self._table(ctx, st, con["pktable"], "FOREIGN KEY ... REFERENCES")

    def _types(self, ctx: Context, st: Statement, cd: dict[str, Any],
               column: str | None = None) -> None:
        name = column_type(cd, ctx.state.search_path)
        if name is not None and not ctx.state.has_type(name):
            self._missing(ctx, st, "type", name, cd["typeName"].get("location"),
                          f"column {quote_ident(cd.get('colname') or column or '?')}")

    def _CreateStmt(self, ctx: Context, st: Statement, n: dict[str, Any]) -> None:
        state = ctx.state
        me = state.rel(n["relation"])
        for is_column, x in create_uses(n, state.search_path):
            if is_column:  # self._types(ctx, st, x), inlined
                name = column_type(x, state.search_path)
                if name is not None and not state.has_type(name):
                    self._missing(ctx, st, "type", name, x["typeName"].get("location"),
                                  f"column {x.get('colname')}")
            elif state.rel(x["pktable"]) != me:
                self._table(ctx, st, x["pktable"], "REFERENCES")

    def _GrantStmt(self, ctx: Context, st: Statement, n: dict[str, Any]) -> None:
        if n.get("targtype") != "ACL_TARGET_OBJECT":
            return
        objtype = n.get("objtype")
        verb = "GRANT" if n.get("is_grant") else "REVOKE"
        for obj in n.get("objects", ()):
            if objtype == "OBJECT_TABLE" and "RangeVar" in obj:
                self._table(ctx, st, obj["RangeVar"], f"{verb} ON TABLE")
            elif objtype in ("OBJECT_FUNCTION", "OBJECT_PROCEDURE", "OBJECT_ROUTINE") \
                    and "ObjectWithArgs" in obj:
                name = qualify(obj["ObjectWithArgs"].get("objname", []), ctx.state.search_path)
                if not self._fn_exists(ctx, name):
                    self._missing(ctx, st, "function", name, None, f"{verb} ON FUNCTION")
            elif objtype == "OBJECT_TYPE" and "List" in obj:
                name = qualify(obj["List"].get("items", []), ctx.state.search_path)
                if not ctx.state.has_type(name):
                    self._missing(ctx, st, "type", name, None, f"{verb} ON TYPE")

    def _CreateTrigStmt(self, ctx: Context, st: Statement, n: dict[str, Any]) -> None:
        self._table(ctx, st, n["relation"], f"CREATE TRIGGER {quote_ident(n.get('trigname', ''))}")
        fn = qualify(n.get("funcname", []), ctx.state.search_path)
        if not self._fn_exists(ctx, fn):
            self._missing(ctx, st, "function", fn, None,
                          f"CREATE TRIGGER {quote_ident(n.get('trigname', ''))}")

    def _CommentStmt(self, ctx: Context, st: Statement, n: dict[str, Any]) -> None:
        objtype = n.get("objtype")
        obj = n.get("object", {})
        sp = ctx.state.search_path
        if objtype in ("OBJECT_TABLE", "OBJECT_COLUMN") and "List" in obj:
            items = obj["List"].get("items", [])
            if objtype == "OBJECT_COLUMN":
                items = items[:-1]
            name = qualify(items, sp)
            if not ctx.state.has_table(name):
                self._missing(ctx, st, "table", name, None, "COMMENT ON")
        elif objtype == "OBJECT_TYPE" and "TypeName" in obj:
            name = type_name(obj["TypeName"], sp)
            if not ctx.state.has_type(name):
                self._missing(ctx, st, "type", name, None, "COMMENT ON TYPE")

    def _AlterEnumStmt(self, ctx: Context, st: Statement, n: dict[str, Any]) -> None:
        name = qualify(n.get("typeName", []), ctx.state.search_path)
        if not ctx.state.has_type(name):
            self._missing(ctx, st, "type", name, None, "ALTER TYPE")

    def _AlterPublicationStmt(self, ctx: Context, st: Statement, n: dict[str, Any]) -> None:
        pub = n.get("pubname", "")
        members = ctx.state.publications.get(pub)
        for table, rv in ctx.state.publication_tables(n):
            self._table(ctx, st, rv, f"PUBLICATION {pub}")
            if n.get("action") == "AP_DropObjects" and members is not None \
                    and table not in members and ctx.state.has_baseline:
                self._missing(ctx, st, f"member of publication {pub}:", table,
                              rv.get("location"), f"ALTER PUBLICATION {pub} DROP TABLE")

    def _CreateFunctionStmt(self, ctx: Context, st: Statement, n: dict[str, Any]) -> None:
        state = ctx.state
        fname = qualify(n.get("funcname", []), state.search_path)
        types = [p["FunctionParameter"].get("argType") for p in n.get("parameters", ())
                 if "FunctionParameter" in p]
        for tn in [*types, n.get("returnType")]:
            if not tn:
                continue
            name = type_name(tn, state.search_path)
            if not state.has_type(name):
                self._missing(ctx, st, "type", name, tn.get("location"), f"FUNCTION {fname}")
        lang = next((o["DefElem"] for o in n.get("options", ())
                     if o.get("DefElem", {}).get("defname") == "language"), None)
        body = next((o["DefElem"] for o in n.get("options", ())
                     if o.get("DefElem", {}).get("defname") == "as"), None)
        if lang is None or body is None or not state.check_function_bodies or \
                lang.get("arg", {}).get("String", {}).get("sval", "").lower() != "sql":
            return
        items = body.get("arg", {}).get("List", {}).get("items", [])
        text = items[0].get("String", {}).get("sval", "") if items else ""
        try:
            tree = _json_loads(parse_sql_json(text))
        except ParseError:
            return  # the server's validator reports it; PL/pgSQL-style checks do not apply
        seen = set()
        for rv in iter_nodes(tree, "RangeVar"):
            if not rv.get("schemaname"):
                continue  # unqualified names depend on the function's search_path
            name = state.rel(rv)
            if name not in seen and not state.has_table(name):
                seen.add(name)
                self._missing(ctx, st, "table", name, None,
                              f"LANGUAGE sql FUNCTION {fname} (its body is validated when "
                              "the function is created)")

    _CreatePublicationStmt = _AlterPublicationStmt

    def _InsertStmt(self, ctx: Context, st: Statement, n: dict[str, Any]) -> None:
        """The tables a data statement reads and writes (a CTE's name is not a table)."""
        if st.guarded:
            return  # runs only when its guard holds: which tables exist then is unknown
        verb = {"InsertStmt": "INSERT INTO", "UpdateStmt": "UPDATE", "DeleteStmt": "DELETE FROM",
                "SelectStmt": "SELECT"}[st.kind]
        ctes = {c.get("ctename") for c in iter_nodes(n, "CommonTableExpr")}
        state, seen = ctx.state, set()
        target = [n["relation"]] if "relation" in n else []
        for rv in [*target, *iter_nodes(n, "RangeVar")]:
            if "relname" not in rv or (not rv.get("schemaname") and (
                    rv["relname"] in ctes or rv["relname"].startswith("pg_"))):
                continue
            name = state.rel(rv)
            if name in seen or state.has_table(name) or self._maybe_elsewhere(state, rv):
                continue
            seen.add(name)
            self._missing(ctx, st, "table", name, rv.get("location"), verb)

    @staticmethod
    def _maybe_elsewhere(state: SchemaState, rv: dict[str, Any]) -> bool:
        """Could an extension have made it (its schema holds an extension, or an
        unqualified name found through Supabase's ``extensions`` schema)?"""
        schema = rv.get("schemaname") or state.search_path
        if schema in state.unknown_extension_schemas or (
                rv["relname"] in EXTENSION_RELATIONS and schema in state.extension_schemas):
            return True
        return not rv.get("schemaname") and qname("extensions", rv["relname"]) in state.tables

    _UpdateStmt = _DeleteStmt = _SelectStmt = _InsertStmt

    def _RenameStmt(self, ctx: Context, st: Statement, n: dict[str, Any]) -> None:
        if n.get("renameType") in ("OBJECT_TABLE", "OBJECT_COLUMN") and "relation" in n:
            self._table(ctx, st, n["relation"], "ALTER TABLE ... RENAME",
                        bool(n.get("missing_ok")))


def create_uses(n: dict[str, Any], search_path: str) -> list[tuple[bool, dict[str, Any]]]:
    """What a ``CreateStmt`` needs to exist, in order: ``(True, ColumnDef)`` for a column
    whose type is not built in, ``(False, Constraint)`` for a foreign key (cached in the
    node: a table has many columns, most of built-in types)."""
    return table_definition(n, search_path).uses


# -- ordering: re-runs and duplicates ------------------------------------------------------

class NonIdempotent(Rule):
    id = "non-idempotent"
    visits = _CREATES

    def visit(self, ctx: Context, st: Statement) -> None:
        hit = created_object(ctx.state, st)
        if hit is None or st.guarded or hit[2]:
            return
        kind, name, _, loc = hit
        origin = ctx.existing(st, kind, name)
        if origin is not None and origin.is_baseline:
            name = _display(kind, name)
            where = "in the baseline" if ctx.state.has_baseline else "in every new database"
            ctx.here(self.id, st, loc,
                     f"{kind} {name} already exists {where}: this CREATE fails "
                     f"(\"already exists\") and aborts the whole migration file")


class DuplicateCreate(Rule):
    id = "duplicate-create"
    visits = (*_CREATES, "AlterPublicationStmt")

    def visit(self, ctx: Context, st: Statement) -> None:
        if st.kind == "AlterPublicationStmt":
            self._publication(ctx, st)
            return
        hit = created_object(ctx.state, st)
        if hit is None:
            return
        kind, name, syntax_guard, loc = hit
        if syntax_guard and kind in ("function", "view", "extension", "schema"):
            return  # CREATE OR REPLACE FUNCTION/VIEW, ... IF NOT EXISTS: meant to be repeated
        origin = ctx.existing(st, kind, name)
        if origin is not None and not origin.is_baseline:
            where = "earlier in this file" if origin.file_index == ctx.file_index else \
                f"by {ctx.where(origin)}"
            name = _display(kind, name)
            cascade = next((c for c in reversed(ctx.state.cascades)
                            if (c.file_index, c.pos) > (origin.file_index, origin.pos)), None)
            if cascade is not None and kind not in ("table", "schema", "extension"):
                ctx.here(self.id, st, loc,
                         f"{kind} {name} was created {where}; this CREATE fails (\"already "
                         f"exists\") unless the DROP ... CASCADE at {ctx.where(cascade)} "
                         "dropped it with what it depends on (pgprobe does not follow "
                         "dependencies)", severity="warning")
            elif syntax_guard or st.guarded:
                ctx.here(self.id, st, loc,
                         f"{kind} {name} was already created {where}; the guard makes this "
                         "CREATE a silent no-op, so this definition never reaches the database",
                         severity="warning")
            else:
                ctx.here(self.id, st, loc,
                         f"{kind} {name} was already created {where}: this CREATE fails "
                         "(\"already exists\")")
            return
        dropped = ctx.state.dropped.get(f"{kind}:{name}")
        if kind == "table" and dropped is not None and not dropped.is_baseline:
            first = ctx.future.get(f"table:{name}")
            if first is not None and ctx.files.index(first[0]) < ctx.file_index:
                ctx.here(self.id, st, loc,
                         f"table {name} is created again after DROP at {ctx.where(dropped)} "
                         f"(first created in {first[0].name}): its rows and dependent "
                         "objects are lost on every environment that already had it",
                         severity="warning")


    def _publication(self, ctx: Context, st: Statement) -> None:
        n = st.node
        if n.get("action") != "AP_AddObjects":
            return
        pub = n.get("pubname", "")
        members = ctx.state.publications.get(pub, {})
        for table, rv in ctx.state.publication_tables(n):
            origin = members.get(table)
            if origin is not None and st.guarded:  # inside IF, or a block that catches errors
                ctx.here(self.id, st, rv.get("location"),
                         f"table {shown(table)} is already a member of publication {pub} "
                         f"(added by {ctx.where(origin)}): this guarded ADD TABLE is a no-op",
                         severity="warning")
            elif origin is not None:
                ctx.here(self.id, st, rv.get("location"),
                         f"table {shown(table)} is already a member of publication {pub} "
                         f"(added by {ctx.where(origin)}): ALTER PUBLICATION ... ADD TABLE "
                         "fails")


class DropTypeWithoutCascade(Rule):
    id = "drop-type-without-cascade"
    visits = ("DropStmt",)

    def visit(self, ctx: Context, st: Statement) -> None:
        n = st.node
        if n.get("removeType") not in ("OBJECT_TYPE", "OBJECT_DOMAIN"):
            return
        for obj in n.get("objects", ()):
            name = ctx.state.dropped_name(n.get("removeType"), obj)
            cols = ctx.state.columns_of_type(name) if name else []
            if not cols or name is None:
                continue
            listed = ", ".join(cols[:5]) + (" ..." if len(cols) > 5 else "")
            if n.get("behavior") == "DROP_CASCADE":
                ctx.here("drop-cascade-drops-columns", st, None,
                         f"DROP TYPE {shown(name)} CASCADE also drops the column(s) {listed} "
                         "and their data, silently (NOTICE only)")
            else:
                ctx.here(self.id, st, None,
                         f"DROP TYPE {shown(name)} fails: column(s) {listed} still use it")




_USES = ("InsertStmt", "UpdateStmt", "DeleteStmt", "SelectStmt", "CreateStmt", "AlterTableStmt",
         "CreatePolicyStmt", "IndexStmt", "ViewStmt")


class EnumValueSameTransaction(Rule):
    """``ALTER TYPE ... ADD VALUE 'v'`` then using 'v' before a commit: PostgreSQL refuses a
    new enum value until the transaction that added it commits, and the Supabase CLI runs a
    file as one transaction unless the file itself says ``COMMIT`` (``_transaction``)."""

    id = "enum-value-same-transaction"
    visits = ("AlterEnumStmt", *_USES)

    def __init__(self) -> None:
        self._txn = -1
        self._added: dict[str, tuple[str, Statement]] = {}

    def visit(self, ctx: Context, st: Statement) -> None:
        if not self._added and st.kind != "AlterEnumStmt":
            return  # the common case, first: nothing added in this file (or any before)
        if self._txn != ctx.txn.number:
            self._txn, self._added = ctx.txn.number, {}
        n = st.node
        if st.kind == "AlterEnumStmt":
            if n.get("newVal") is not None and n.get("oldVal") is None:
                self._added[n["newVal"]] = (qualify(n.get("typeName", []), ctx.state.search_path),
                                            st)
            return
        if not self._added:
            return
        for value, qtype, location in _typed_literals(ctx.state, st):
            hit = self._added.get(value)
            if hit is not None and hit[0] == qtype:
                line, _ = st.file.line_col(hit[1].pos)
                ctx.here(self.id, st, location,
                         f"'{value}' was added to {hit[0]} at line {line} of this file: "
                         f"PostgreSQL rejects it until that transaction commits (\"unsafe use "
                         "of new value\"), and no COMMIT comes in between (the Supabase CLI "
                         "runs a file as one transaction)")
                return


def _sval(node: Any) -> str | None:
    const = node.get("A_Const") if isinstance(node, dict) else None
    return const.get("sval", {}).get("sval") if const else None


def _typed_literals(state: SchemaState, st: Statement) -> Iterator[tuple[str, str, int | None]]:
    """String literals of a statement whose type is known: cast to a type, compared with or
    assigned to a column of the statement's table, or a column default."""
    n = st.node
    rv = n.get("relation") or n.get("table") or {}
    table = state.tables.get(state.rel(rv)) if rv.get("relname") else None
    cols: dict[str, str] = dict(table.columns) if table is not None else {}
    for elt in n.get("tableElts", ()) if st.kind == "CreateStmt" else ():
        cd = elt.get("ColumnDef")
        qtype = column_type(cd, state.search_path) if cd else None
        if cd and qtype:
            cols[cd["colname"]] = qtype
            for con in cd.get("constraints", ()):
                v = _sval(con.get("Constraint", {}).get("raw_expr"))
                if v is not None:
                    yield v, qtype, con["Constraint"].get("location")
    for kind, node in iter_kinds(n, ("TypeCast", "A_Expr", "ResTarget", "AlterTableCmd")):
        if kind == "TypeCast":
            v = _sval(node.get("arg"))
            if v is not None and "typeName" in node:
                yield v, type_name(node["typeName"], state.search_path), node.get("location")
        elif kind == "A_Expr":
            sides = [node.get("lexpr"), node.get("rexpr")]
            col = next((s["ColumnRef"] for s in sides if isinstance(s, dict) and "ColumnRef" in s),
                       None)
            if col is None:
                continue
            name = next((f["String"]["sval"] for f in col.get("fields", ())[-1:]
                         if "String" in f), None)
            qtype = cols.get(name or "")
            if qtype is None:
                continue
            for side in sides:
                items = side.get("List", {}).get("items", []) if isinstance(side, dict) else []
                for item in [side, *items]:
                    v = _sval(item)
                    if v is not None:
                        yield v, qtype, node.get("location")
        elif kind == "ResTarget" and st.kind == "UpdateStmt":
            v, qtype = _sval(node.get("val")), cols.get(node.get("name", ""))
            if v is not None and qtype is not None:
                yield v, qtype, node.get("location")
        elif kind == "AlterTableCmd" and node.get("subtype") == "AT_ColumnDefault":
            v, qtype = _sval(node.get("def")), cols.get(node.get("name", ""))
            if v is not None and qtype is not None:
                yield v, qtype, None
    if st.kind == "InsertStmt":
        names = [c.get("ResTarget", {}).get("name", "") for c in n.get("cols", ())] or list(cols)
        select = n.get("selectStmt", {}).get("SelectStmt", {})
        for row in select.get("valuesLists", ()):
            for name, item in zip(names, row.get("List", {}).get("items", []), strict=False):
                v, qtype = _sval(item), cols.get(name)
                if v is not None and qtype is not None:
                    yield v, qtype, None
