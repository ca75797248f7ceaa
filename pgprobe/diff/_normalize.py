"""Normalise SQL text so that formatting never counts as a difference.

Expressions (policy ``USING``/``WITH CHECK``, defaults, checks) are parsed with pglast as
``SELECT <expr>`` and re-printed; casts of string literals to text types are dropped, so a
hand-written ``status = 'open'`` equals the catalog's ``(status = 'open'::text)``. Text that
does not parse falls back to whitespace-collapsed, lower-cased-keyword-free comparison.

>>> normalize_expr("(auth.uid() = created_by)") == normalize_expr("auth.uid()=created_by")
True
>>> normalize_expr("status = 'open'::text") == normalize_expr("(status = 'open')")
True
>>> normalize_expr("s = ANY (ARRAY['a'::text, 'b'::text])") == normalize_expr("s in ('a', 'b')")
True
>>> normalize_sql("select  a from t") == normalize_sql("SELECT a\\nFROM t;")
True
>>> normalize_sql("SELECT users.id FROM public.users") == normalize_sql("SELECT id FROM public.users")
True
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

_TEXT_TYPES = {"text", "varchar", "bpchar", "name", "unknown"}
_WS = re.compile(r"\s+")


def _collapse(text: str) -> str:
    return _WS.sub(" ", text).strip().rstrip(";").strip()


def _strip_text_casts(node: Any, any_type: bool = False) -> Any:
    """Replace ``'x'::text`` (TypeCast of a string constant to a text type) by ``'x'``;
    with ``any_type`` also ``'open'::ticket_status`` (a literal's cast to any type)."""
    from pglast import ast
    from pglast.enums import A_Expr_Kind

    if isinstance(node, ast.TypeCast):
        arg = _strip_text_casts(node.arg, any_type)
        tn: Any = node.typeName
        names = [getattr(n, "sval", None) for n in (tn.names or ())] if tn is not None else []
        if (
            isinstance(arg, ast.A_Const)
            and isinstance(getattr(arg, "val", None), ast.String)
            and names
            and (any_type or names[-1] in _TEXT_TYPES)
            and not tn.arrayBounds
        ):
            return arg
        node.arg = arg
        return node
    if any_type and isinstance(node, ast.RangeVar) and node.schemaname == "public":
        node.schemaname = None  # hand-written SQL leaves the default schema out
    if any_type and isinstance(node, ast.FuncCall) and node.funcname and len(node.funcname) == 2 \
            and getattr(node.funcname[0], "sval", None) == "public":
        node.funcname = node.funcname[1:]
    if isinstance(node, ast.A_Expr) and node.kind == A_Expr_Kind.AEXPR_IN \
            and isinstance(node.rexpr, tuple):
        # x IN (a, b) is stored and printed as x = ANY (ARRAY[a, b]); NOT IN as <> ALL
        op = getattr(node.name[0], "sval", "=") if node.name else "="
        node = ast.A_Expr(kind=A_Expr_Kind.AEXPR_OP_ANY if op == "=" else A_Expr_Kind.AEXPR_OP_ALL,
                          name=node.name, lexpr=node.lexpr,
                          rexpr=ast.A_ArrayExpr(elements=node.rexpr))
    if isinstance(node, ast.Node):
        for slot in getattr(node, "__slots__", ()):
            value = getattr(node, slot, None)
            if isinstance(value, ast.Node):
                setattr(node, slot, _strip_text_casts(value, any_type))
            elif isinstance(value, tuple):
                setattr(node, slot, tuple(_strip_text_casts(v, any_type) for v in value))
        return node
    if isinstance(node, tuple):
        return tuple(_strip_text_casts(v, any_type) for v in node)
    return node


def _unqualify_single_table(node: Any) -> Any:
    """In a SELECT over exactly one table, ``users.id`` -> ``id``: PostgreSQL 16+ prints view
    definitions without the qualifier that 15 and older print, for the same view."""
    from pglast import ast

    def strip(n: Any, names: set[str]) -> Any:
        if isinstance(n, ast.SelectStmt):
            return visit_select(n)
        if isinstance(n, ast.ColumnRef):
            fields = n.fields or ()
            if len(fields) == 2 and getattr(fields[0], "sval", None) in names:
                n.fields = fields[1:]
            return n
        if isinstance(n, ast.Node):
            for slot in getattr(n, "__slots__", ()):
                value = getattr(n, slot, None)
                if isinstance(value, ast.Node):
                    setattr(n, slot, strip(value, names))
                elif isinstance(value, tuple):
                    setattr(n, slot, tuple(strip(v, names) for v in value))
        elif isinstance(n, tuple):
            return tuple(strip(v, names) for v in n)
        return n

    def visit_select(sel: Any) -> Any:
        names: set[str] = set()
        frm: Any = sel.fromClause or ()
        if len(frm) == 1 and isinstance(frm[0], ast.RangeVar):
            rv: Any = frm[0]
            names = {rv.alias.aliasname} if rv.alias is not None else {rv.relname}
        for slot in getattr(sel, "__slots__", ()):
            if slot == "fromClause":
                continue
            value = getattr(sel, slot, None)
            if isinstance(value, ast.Node):
                setattr(sel, slot, strip(value, names))
            elif isinstance(value, tuple):
                setattr(sel, slot, tuple(strip(v, names) for v in value))
        return sel

    return strip(node, set())


@lru_cache(maxsize=65536)
def normalize_expr(expr: str | None, loose: bool = False) -> str | None:
    """Canonical text of a SQL expression (``None`` stays ``None``).

    ``loose`` (used for hand-written expectations) also drops casts of literals to any type
    and the ``public.`` qualifier of tables and functions, so ``status = 'open'`` matches the
    catalog's ``(status = 'open'::public.ticket_status)``.
    """
    if expr is None:
        return None
    text = expr.strip()
    if not text:
        return ""
    try:
        from pglast import parse_sql
        from pglast.stream import RawStream

        stmt = parse_sql(f"SELECT {text}")
        if len(stmt) != 1:
            return _collapse(text)
        node = _strip_text_casts(stmt[0].stmt, loose)
        printed = RawStream()(node)
        return printed[len("SELECT ") :] if printed.startswith("SELECT ") else printed
    except Exception:  # noqa: BLE001 - unparsable text compares by whitespace-collapsed form
        return _collapse(text)


@lru_cache(maxsize=16384)
def normalize_sql(sql: str | None) -> str | None:
    """Canonical text of one SQL statement (a view definition, a function body)."""
    if sql is None:
        return None
    text = sql.strip()
    if not text:
        return ""
    try:
        from pglast import parse_sql
        from pglast.stream import RawStream

        stmts = parse_sql(text)
        return "; ".join(RawStream()(_unqualify_single_table(_strip_text_casts(s.stmt)))
                         for s in stmts)
    except Exception:  # noqa: BLE001
        return _collapse(text)


_INDEX_NAME = re.compile(r"^(CREATE (?:UNIQUE )?INDEX )(?:CONCURRENTLY )?\S+( ON )", re.I)
_TRIGGER_NAME = re.compile(r"^(CREATE (?:CONSTRAINT )?TRIGGER )\S+", re.I)


def strip_index_name(definition: str) -> str:
    """``CREATE INDEX foo ON public.t USING btree (a)`` without its name.

    >>> strip_index_name("CREATE UNIQUE INDEX foo ON public.t USING btree (a)")
    'CREATE UNIQUE INDEX ON public.t USING btree (a)'
    """
    return _INDEX_NAME.sub(r"\1ON ", _collapse(definition))


def strip_trigger_name(definition: str) -> str:
    """A trigger definition without the trigger's own name."""
    return _TRIGGER_NAME.sub(r"\1", _collapse(definition))
