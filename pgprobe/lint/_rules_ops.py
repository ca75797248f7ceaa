"""Operational risks on existing tables, and migration history hygiene."""

from __future__ import annotations

from collections import Counter
from typing import Any

from ._context import (
    Context,
    Rule,
    _col_constraints,
    iter_nodes,
)
from ._source import SourceFile, Statement
from ._state import split_qname, table_definition, type_name

# -- operational ----------------------------------------------------------------------------

_VOLATILE = {"gen_random_uuid", "uuid_generate_v4", "uuid_generate_v1", "random",
             "clock_timestamp", "timeofday", "nextval", "uuid_generate_v1mc", "gen_random_bytes"}


class NotNullWithoutDefault(Rule):
    id = "not-null-without-default"
    visits = ("AlterTableStmt",)

    def visit(self, ctx: Context, st: Statement) -> None:
        n = st.node
        added = [c for c in _commands(n) if c.get("subtype") == "AT_AddColumn"]
        if not added:  # the common case, first
            return
        name = ctx.state.rel(n["relation"])
        if not ctx.existed_before_file(ctx.state.table_origin(name)):
            return
        for c in added:
            cd = c.get("def", {}).get("ColumnDef", {})
            cons = _col_constraints(cd)
            serial = type_name(cd.get("typeName", {}), "").endswith("serial")
            if ("CONSTR_NOTNULL" in cons or "CONSTR_PRIMARY" in cons) and not serial and not \
                    cons & {"CONSTR_DEFAULT", "CONSTR_IDENTITY", "CONSTR_GENERATED"}:
                ctx.here(self.id, st, cd.get("location"),
                         f"ADD COLUMN {cd.get('colname')} NOT NULL without DEFAULT on existing "
                         f"table {name}: fails with \"contains null values\" as soon as the "
                         "table has rows (an empty rehearsal database will not show it)")


class IndexNotConcurrent(Rule):
    id = "index-not-concurrent"
    visits = ("IndexStmt",)

    def visit(self, ctx: Context, st: Statement) -> None:
        n = st.node
        if n.get("concurrent"):
            return
        name = ctx.state.rel(n["relation"])
        origin = ctx.state.table_origin(name)
        if ctx.existed_before_file(origin):
            ctx.here(self.id, st, n["relation"].get("location"),
                     f"CREATE INDEX {n.get('idxname') or ''} on existing table {name} without "
                     "CONCURRENTLY takes a SHARE lock: writes block until the index is built")


def _commands(alter: dict[str, Any]) -> list[dict[str, Any]]:
    """The ``AlterTableCmd`` nodes of an ``AlterTableStmt``."""
    return [c["AlterTableCmd"] for c in alter.get("cmds", ()) if "AlterTableCmd" in c]


def _binary_compatible(old: str, new_tn: dict[str, Any]) -> bool:
    new = split_qname(type_name(new_tn, "public"))[1]
    old = split_qname(old)[1]
    if old in ("varchar", "bpchar", "text") and new == "text":
        return True
    if old == "varchar" and new == "varchar":
        return True  # a length change re-checks or relaxes the limit; it does not rewrite
    return old == "text" and new == "varchar" and not new_tn.get("typmods")


_REWRITES = frozenset({"AT_AlterColumnType", "AT_AddColumn"})
"""The ALTER TABLE subcommands that may rewrite the table."""


class TableRewrite(Rule):
    id = "table-rewrite"
    visits = ("AlterTableStmt",)

    def visit(self, ctx: Context, st: Statement) -> None:
        n = st.node
        cmds = [c for c in _commands(n) if c.get("subtype") in _REWRITES]
        if not cmds:  # the common case, first
            return
        name = ctx.state.rel(n["relation"])
        t = ctx.state.tables.get(name)
        if t is None or not ctx.existed_before_file(t.origin):
            return
        for c in cmds:
            sub = c.get("subtype")
            cd = c.get("def", {}).get("ColumnDef", {})
            if sub == "AT_AlterColumnType" and "typeName" in cd:
                old = t.columns.get(c.get("name", ""), "")
                if old and _binary_compatible(old, cd["typeName"]):
                    continue
                ctx.here(self.id, st, cd["typeName"].get("location"),
                         f"ALTER COLUMN {c.get('name')} TYPE on existing table {name} rewrites "
                         "the table and its indexes under an ACCESS EXCLUSIVE lock")
            elif sub == "AT_AddColumn":
                for con in cd.get("constraints", ()):
                    raw = con.get("Constraint", {})
                    if raw.get("contype") != "CONSTR_DEFAULT":
                        continue
                    funcs = {f["String"]["sval"] for fc in iter_nodes(raw, "FuncCall")
                             for f in fc.get("funcname", [])[-1:] if "String" in f}
                    if funcs & _VOLATILE:
                        ctx.here(self.id, st, cd.get("location"),
                                 f"ADD COLUMN {cd.get('colname')} with the volatile default "
                                 f"{sorted(funcs & _VOLATILE)[0]}() rewrites existing table "
                                 f"{name} under an ACCESS EXCLUSIVE lock")


# -- history hygiene --------------------------------------------------------------------------

class NotInTransaction(Rule):
    id = "not-in-transaction"
    visits = ("IndexStmt", "DropStmt", "ReindexStmt", "VacuumStmt", "CreatedbStmt",
              "DropdbStmt", "AlterSystemStmt", "CreateTableSpaceStmt", "DropTableSpaceStmt",
              "AlterTableStmt")

    def visit(self, ctx: Context, st: Statement) -> None:
        n, k = st.node, st.kind
        what = None
        if k in ("IndexStmt", "DropStmt") and n.get("concurrent"):
            what = "CREATE INDEX CONCURRENTLY" if k == "IndexStmt" else "DROP INDEX CONCURRENTLY"
        elif k == "ReindexStmt" and any(
                d.get("DefElem", {}).get("defname") == "concurrently" for d in n.get("params", ())):
            what = "REINDEX CONCURRENTLY"
        elif k == "VacuumStmt":
            what = "VACUUM" if n.get("is_vacuumcmd") else None
        elif k in ("CreatedbStmt", "DropdbStmt", "AlterSystemStmt", "CreateTableSpaceStmt",
                   "DropTableSpaceStmt"):
            what = {"CreatedbStmt": "CREATE DATABASE", "DropdbStmt": "DROP DATABASE",
                    "AlterSystemStmt": "ALTER SYSTEM", "CreateTableSpaceStmt": "CREATE TABLESPACE",
                    "DropTableSpaceStmt": "DROP TABLESPACE"}[k]
        elif k == "AlterTableStmt":
            for cmd in n.get("cmds", ()):
                c = cmd.get("AlterTableCmd", {})
                if c.get("subtype") == "AT_DetachPartition" and any(
                        p.get("concurrent") for p in iter_nodes(c, "PartitionCmd")):
                    what = "DETACH PARTITION CONCURRENTLY"
        if not what:
            return
        txn = ctx.txn
        if st.in_plpgsql:
            why = "inside a DO block, which is always a transaction"
        elif txn.explicit:
            why = "inside the file's own BEGIN ... COMMIT"
        elif not txn.fresh:
            why = ("after other statements of the same transaction: the Supabase CLI sends a "
                   "file as one pipeline, so it may only come first, or right after a COMMIT")
        else:
            return  # first of its transaction: the server runs it (and commits at once)
        ctx.here(self.id, st, None,
                 f"{what} cannot run inside a transaction block ({why}): the file fails")


class DuplicateVersion(Rule):
    id = "duplicate-version"

    def files(self, ctx: Context, files: list[SourceFile]) -> None:
        seen: dict[str, SourceFile] = {}
        for f in files:
            if f.version is None:
                continue
            first = seen.setdefault(f.version, f)
            if first is not f:
                ctx.report(self.id, f, 0,
                           f"version {f.version} is used by {first.name} and {f.name}: "
                           "schema_migrations keys on the version, so only one of them can be "
                           "recorded (the other fails or is never applied)")


class VersionOrder(Rule):
    id = "version-order"

    def files(self, ctx: Context, files: list[SourceFile]) -> None:
        versioned = [f for f in files if f.version is not None]
        widths = Counter(len(f.version or "") for f in versioned)
        if len(widths) < 2:
            return
        usual = widths.most_common(1)[0][0]
        by_text = sorted(versioned, key=lambda f: f.name)
        for f in versioned:
            v = f.version or ""
            if len(v) == usual:
                continue
            i = by_text.index(f)
            before = by_text[i - 1].name if i > 0 else None
            after = by_text[i + 1].name if i + 1 < len(by_text) else None
            place = ("first" if before is None else f"after {before}") + \
                (f", before {after}" if after else "")
            numeric = sorted(versioned, key=lambda g: (int(g.version or 0), g.name))
            differs = " (numerically it would be elsewhere)" if numeric.index(f) != i else ""
            ctx.report(self.id, f, 0,
                       f"version {v} has {len(v)} digits while most have {usual}: versions are "
                       f"ordered as text, so {f.name} runs {place}{differs}; `supabase db push` "
                       "then asks for --include-all or skips it")


class BadFilename(Rule):
    id = "bad-filename"

    def files(self, ctx: Context, files: list[SourceFile]) -> None:
        for f in files:
            if f.from_directory and f.version is None:
                ctx.report(self.id, f, 0,
                           f"{f.name} does not match <version>_<name>.sql: the Supabase CLI "
                           "skips this file, so it is never applied")




# -- what the server rejects in a definition -------------------------------------------------

class CheckSubquery(Rule):
    """``CHECK (x in (select ...))``: PostgreSQL refuses it ("cannot use subquery in check
    constraint"), in CREATE TABLE, ALTER TABLE ... ADD CONSTRAINT and domains."""

    id = "check-subquery"
    visits = ("CreateStmt", "AlterTableStmt", "CreateDomainStmt", "AlterDomainStmt")

    def visit(self, ctx: Context, st: Statement) -> None:
        for con in _constraints(st, ctx.state.search_path):
            if con.get("contype") != "CONSTR_CHECK":
                continue
            sub = next(iter_nodes(con.get("raw_expr", {}), "SubLink"), None)
            if sub is not None:
                name = f" {con['conname']}" if con.get("conname") else ""
                ctx.here(self.id, st, sub.get("location"),
                         f"CHECK constraint{name} uses a subquery: PostgreSQL rejects it "
                         "(\"cannot use subquery in check constraint\") and the file fails")


def _constraints(st: Statement, search_path: str) -> list[dict[str, Any]]:
    """The constraints a CREATE TABLE / ALTER TABLE / CREATE or ALTER DOMAIN defines (a
    direct look at where they can be: the whole tree is not walked)."""
    n = st.node
    if st.kind == "CreateStmt":  # found by the walk the state and other rules share
        return table_definition(n, search_path).constraints
    if st.kind == "AlterTableStmt":
        elts = [c.get("AlterTableCmd", {}).get("def", {}) for c in n.get("cmds", ())]
    else:
        elts = [*n.get("constraints", ()), n.get("def", {})]
    out = []
    for elt in elts:
        if "Constraint" in elt:
            out.append(elt["Constraint"])
        elif "ColumnDef" in elt:
            out.extend(c["Constraint"] for c in elt["ColumnDef"].get("constraints", ())
                       if "Constraint" in c)
    return out
