"""Silent failures and security rules: swallowed errors, name-only guards, RLS, views."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from pglast.parser import ParseError, parse_sql_json

from ._context import (
    Context,
    Rule,
    iter_nodes,
)
from ._source import Statement, _json_loads
from ._state import qname, schema_of, split_qname

if TYPE_CHECKING:
    from ._plpgsql import PlpgsqlBody


# -- safety ---------------------------------------------------------------------------------

_OTHERS_RE = re.compile(r"\bwhen\s+others\b", re.I)
_SWALLOW = {"PLpgSQL_stmt_raise", "PLpgSQL_stmt_return", "PLpgSQL_stmt_assign",
            "PLpgSQL_stmt_perform"}


_LEVELS = {10: "DEBUG", 14: "DEBUG", 15: "LOG", 17: "INFO", 18: "NOTICE", 19: "WARNING"}


def _describe(stmt: dict[str, Any]) -> str:
    ((k, inner),) = stmt.items()
    word = k.replace("PLpgSQL_stmt_", "").upper()
    if k == "PLpgSQL_stmt_raise":
        return f"RAISE {_LEVELS.get(inner.get('elog_level', 0), '')}".rstrip()
    return word


class ErrorSwallowed(Rule):
    id = "error-swallowed"
    visits = ("PLpgSQL",)

    def visit_plpgsql(self, ctx: Context, body: PlpgsqlBody) -> None:
        nth = -1
        for kind, node, _ in body.walk():
            if kind != "PLpgSQL_exception":
                continue
            conds = [c.get("PLpgSQL_condition", {}).get("condname")
                     for c in node.get("conditions", ())]
            if "others" not in conds:
                continue
            nth += 1
            action = node.get("action", [])
            swallowed = True
            for stmt in action:
                ((k, inner),) = stmt.items()
                if k not in _SWALLOW or (k == "PLpgSQL_stmt_raise"
                                         and inner.get("elog_level", 21) >= 21):
                    swallowed = False
                    break
            if not swallowed:
                continue
            what = "NULL" if not action else "only " + ", ".join(
                sorted({_describe(s) for s in action}))
            where = "the migration reports success" if body.kind == "do" else \
                "callers see success"
            ctx.report(self.id, body.stmt.file, body.find(_OTHERS_RE, nth),
                       f"EXCEPTION WHEN OTHERS THEN {what}: any error (missing table, syntax, "
                       f"permission) is swallowed and {where} while nothing was done",
                       severity="error" if body.kind == "do" else "warning")


_GUARD_CATALOGS = {"pg_constraint": "conname", "table_constraints": "constraint_name",
                   "key_column_usage": "constraint_name", "pg_indexes": "indexname",
                   "pg_class": "relname", "constraint_column_usage": "constraint_name"}
_TABLE_FILTERS = {"conrelid", "tablename", "table_name", "indrelid", "relnamespace", "oid"}


class GuardByNameOnly(Rule):
    id = "guard-by-name-only"
    visits = ("PLpgSQL", "IndexStmt")

    def visit(self, ctx: Context, st: Statement) -> None:
        """``CREATE INDEX IF NOT EXISTS name ON t`` is a guard by name too: an index of
        that name on another table of the schema makes it skip, with a NOTICE."""
        n = st.node
        if not n.get("if_not_exists") or not n.get("idxname"):
            return
        schema = n["relation"].get("schemaname") or ctx.state.search_path
        hit = ctx.state.indexes.get(qname(schema, n["idxname"]))
        target = ctx.state.rel(n["relation"])
        if hit is not None and hit[0] != target:
            ctx.here(self.id, st, None,
                     f"CREATE INDEX IF NOT EXISTS {n['idxname']} ON {target} is skipped: "
                     f"{schema}.{n['idxname']} already exists, on {hit[0]} (index names are "
                     "unique per schema)")

    def visit_plpgsql(self, ctx: Context, body: PlpgsqlBody) -> None:
        for kind, node, _ in body.walk():
            if kind != "PLpgSQL_stmt_if":
                continue
            cond = node.get("cond", {}).get("PLpgSQL_expr", {}).get("query", "")
            names = self._names_tested(cond)
            if not names:
                continue
            for target, cname in self._guarded_targets(ctx, node):
                if cname not in names:
                    continue
                others = [t for t in ctx.state.tables_with_constraint(cname) if t != target]
                others += [tab for key, (tab, _) in ctx.state.indexes.items()
                           if split_qname(key)[1] == cname and tab != target
                           and tab not in others]
                if others:
                    ctx.report(self.id, body.stmt.file, body.line_pos(node.get("lineno")),
                               f"the guard tests '{cname}' by name only, but {', '.join(others)} "
                               f"already has a constraint/index named '{cname}': the guard is "
                               f"true and the change to {target} is skipped silently")

    @staticmethod
    def _names_tested(cond: str) -> set[str]:
        low = cond.lower()
        if not any(cat in low for cat in _GUARD_CATALOGS):
            return set()
        try:
            tree = _json_loads(parse_sql_json("SELECT " + cond))
        except ParseError:
            return set()
        name_cols = set(_GUARD_CATALOGS.values())
        names: set[str] = set()
        cols_used: set[str] = set()
        for ref in iter_nodes(tree, "ColumnRef"):
            fields = [f["String"]["sval"] for f in ref.get("fields", ()) if "String" in f]
            if fields:
                cols_used.add(fields[-1])
        if cols_used & _TABLE_FILTERS:
            return set()
        for expr in iter_nodes(tree, "A_Expr"):
            sides = [expr.get("lexpr", {}), expr.get("rexpr", {})]
            col = next((s["ColumnRef"] for s in sides if "ColumnRef" in s), None)
            const = next((s["A_Const"] for s in sides if "A_Const" in s), None)
            if col is None or const is None or "sval" not in const:
                continue
            fields = [f["String"]["sval"] for f in col.get("fields", ()) if "String" in f]
            if fields and fields[-1] in name_cols:
                names.add(const["sval"]["sval"])
        return names

    @staticmethod
    def _guarded_targets(ctx: Context, node: dict[str, Any]) -> Iterator[tuple[str, str]]:
        for inner in node.get("then_body", []):
            q = inner.get("PLpgSQL_stmt_execsql", {}).get("sqlstmt", {}) \
                .get("PLpgSQL_expr", {}).get("query")
            if not q:
                continue
            try:
                tree = _json_loads(parse_sql_json(q))
            except ParseError:
                continue
            for raw in tree.get("stmts", ()):
                ((k, n),) = raw["stmt"].items()
                if k == "AlterTableStmt":
                    target = ctx.state.rel(n["relation"])
                    for con in iter_nodes(n.get("cmds", []), "Constraint"):
                        if con.get("conname"):
                            yield target, con["conname"]
                elif k == "IndexStmt" and n.get("idxname"):
                    yield ctx.state.rel(n["relation"]), n["idxname"]


# -- security -------------------------------------------------------------------------------

class RlsMissing(Rule):
    id = "rls-missing"
    visits = ()

    def end(self, ctx: Context) -> None:
        for t in ctx.state.tables.values():
            if t.kind != "table" or t.rls or schema_of(t.name) not in ctx.exposed_schemas:
                continue
            o = t.rls_origin
            if (o is not None and not o.is_baseline) or t.origin.is_baseline:
                if o is not None and not o.is_baseline:  # disabled by a migration
                    ctx.report(self.id, ctx.files[o.file_index], o.pos,
                               f"ROW LEVEL SECURITY is disabled on {t.name} in the exposed "
                               f"schema {schema_of(t.name)}: its policies stop applying "
                               "and the API roles see every row")
                continue
            ctx.report(self.id, ctx.files[t.origin.file_index], t.origin.pos,
                       f"table {t.name} is created in the exposed schema "
                       f"{schema_of(t.name)} without ENABLE ROW LEVEL SECURITY: "
                       "anyone with the anon key can read and write it through the API",
                       hint=f"ALTER TABLE {t.name} ENABLE ROW LEVEL SECURITY; then CREATE "
                            "POLICY ... for the roles that need access")


class RlsWithoutPolicy(Rule):
    id = "rls-without-policy"
    visits = ()

    def end(self, ctx: Context) -> None:
        for t in ctx.state.tables.values():
            o = t.rls_origin
            if not t.rls or o is None or o.is_baseline or t.policies:
                continue
            ctx.report(self.id, ctx.files[o.file_index], o.pos,
                       f"row level security is enabled on {t.name} but no policy exists at "
                       "the end of the migrations: every API request returns no rows "
                       "(and writes fail) for anon and authenticated")


class ViewBypassesRls(Rule):
    id = "view-bypasses-rls"
    visits = ("ViewStmt",)

    def visit(self, ctx: Context, st: Statement) -> None:
        n = st.node
        name = ctx.state.rel(n["view"])
        if schema_of(name) not in ctx.exposed_schemas:
            return
        for opt in n.get("options", ()):
            de = opt.get("DefElem", {})
            if de.get("defname") == "security_invoker":
                arg = de.get("arg", {})
                val = str(arg.get("String", {}).get("sval", arg.get("Boolean", {}).get(
                    "boolval", arg.get("Integer", {}).get("ival", "")))).lower()
                if val in ("true", "on", "1", "yes", ""):
                    return
        protected = []
        for rv in iter_nodes(n.get("query", {}), "RangeVar"):
            t = ctx.state.tables.get(ctx.state.rel(rv))
            if t is not None and t.rls and t.name not in protected:
                protected.append(t.name)
        if protected:
            ctx.here(self.id, st, n["view"].get("location"),
                     f"view {name} reads {', '.join(protected)} (row level security enabled) "
                     "with its owner's rights: the API roles see every row through the view")




_NAME_COLUMNS = {"conname": "constraint", "constraint_name": "constraint",
                 "indexname": "index", "typname": "type", "policyname": "policy",
                 "polname": "policy"}


class GuardNameMismatch(Rule):
    """``IF NOT EXISTS (... conname = 'users_pkey') THEN ALTER TABLE ... ADD CONSTRAINT
    users_pk ...``: the guard looks for a name the guarded statement does not create, so it
    guards nothing (a re-run adds the object again, or a second primary key)."""

    id = "guard-name-mismatch"
    visits = ("PLpgSQL",)

    def visit_plpgsql(self, ctx: Context, body: PlpgsqlBody) -> None:
        for kind, node, _ in body.walk():
            if kind != "PLpgSQL_stmt_if":
                continue
            cond = node.get("cond", {}).get("PLpgSQL_expr", {}).get("query", "")
            tested = _tested_names(cond)
            if not tested:
                continue
            for what, names in _created_names(node.get("then_body", [])).items():
                wanted = tested.get(what)
                if wanted and names and not set(names) & wanted:
                    ctx.report(self.id, body.stmt.file, body.line_pos(node.get("lineno")),
                               f"the guard tests for {what} "
                               f"{', '.join(repr(x) for x in sorted(wanted))} but the "
                               f"statement it guards creates {what} "
                               f"{', '.join(repr(x) for x in names)}: the guard never sees "
                               "what it creates, so running this again creates it twice "
                               "(\"already exists\", or a second primary key)")


def _tested_names(cond: str) -> dict[str, set[str]]:
    """Names an IF condition compares with a catalog's name column, by object kind."""
    low = cond.lower()
    if not any(col in low for col in _NAME_COLUMNS):
        return {}
    try:
        tree = _json_loads(parse_sql_json("SELECT " + cond))
    except ParseError:
        return {}
    out: dict[str, set[str]] = {}
    for expr in iter_nodes(tree, "A_Expr"):
        sides = [expr.get("lexpr", {}), expr.get("rexpr", {})]
        col = next((s["ColumnRef"] for s in sides if isinstance(s, dict) and "ColumnRef" in s),
                   None)
        if col is None:
            continue
        fields = [f["String"]["sval"] for f in col.get("fields", ()) if "String" in f]
        what = _NAME_COLUMNS.get(fields[-1]) if fields else None
        if what is None:
            continue
        for side in sides:
            if not isinstance(side, dict):
                continue
            for const in iter_nodes(side, "A_Const"):
                if "sval" in const:
                    out.setdefault(what, set()).add(const["sval"]["sval"])
    return out


def _created_names(then_body: list[Any]) -> dict[str, list[str]]:
    """Names of the constraints, indexes, types and policies the guarded SQL creates."""
    out: dict[str, list[str]] = {}
    for inner in then_body:
        q = inner.get("PLpgSQL_stmt_execsql", {}).get("sqlstmt", {}) \
            .get("PLpgSQL_expr", {}).get("query")
        if not q:
            continue
        try:
            tree = _json_loads(parse_sql_json(q))
        except ParseError:
            continue
        for raw in tree.get("stmts", ()):
            ((k, n),) = raw["stmt"].items()
            if k == "AlterTableStmt":
                relname = n.get("relation", {}).get("relname", "")
                for cmd in n.get("cmds", ()):
                    c = cmd.get("AlterTableCmd", {})
                    con = c.get("def", {}).get("Constraint")
                    if c.get("subtype") == "AT_AddConstraint" and con is not None:
                        name = con.get("conname") or _default_constraint_name(relname, con)
                        if name:
                            out.setdefault("constraint", []).append(name)
            elif k == "IndexStmt" and n.get("idxname"):
                out.setdefault("index", []).append(n["idxname"])
            elif k in ("CreateEnumStmt", "CreateRangeStmt", "CreateDomainStmt"):
                names = n.get("typeName") or n.get("domainname") or []
                if names and "String" in names[-1]:
                    out.setdefault("type", []).append(names[-1]["String"]["sval"])
            elif k == "CompositeTypeStmt":
                out.setdefault("type", []).append(n.get("typevar", {}).get("relname", ""))
            elif k == "CreatePolicyStmt":
                out.setdefault("policy", []).append(n.get("policy_name", ""))
    return out


def _default_constraint_name(relname: str, con: dict[str, Any]) -> str | None:
    """The name PostgreSQL gives an unnamed primary key, unique or foreign key constraint."""
    def cols(key: str) -> str:
        return "_".join(k["String"]["sval"] for k in con.get(key, ()) if "String" in k)

    contype = con.get("contype")
    if contype == "CONSTR_PRIMARY":
        return f"{relname}_pkey"
    if contype == "CONSTR_UNIQUE" and con.get("keys"):
        return f"{relname}_{cols('keys')}_key"
    if contype == "CONSTR_FOREIGN" and con.get("fk_attrs"):
        return f"{relname}_{cols('fk_attrs')}_fkey"
    return None
