"""What a lint rule sees (``Context``), the rule base class (pglast ``visitors`` style), and
the helpers rules share: walking parser JSON, which object a CREATE makes, does it exist.

A rule names the statement kinds it visits (``visits``: pglast node names such as
``"IndexStmt"``, or ``"PLpgSQL"`` for compiled PL/pgSQL bodies), checks the statement
against the shared :class:`~pgprobe.lint._state.SchemaState` (what exists *before* the
statement runs) and reports findings through the :class:`Context`.  Rules that judge the
whole sequence implement ``end``; rules about file names implement ``files``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, ClassVar

from pglast.parser import ParseError, parse_sql_json

from ._finding import Finding
from ._rules_meta import RULES, Severity
from ._source import UNSET, SourceFile, Statement, _json_loads
from ._state import (
    Origin,
    SchemaState,
    qname,
    qualify,
    quote_ident,
    shown,
    split_qname,
    split_sub_key,
    sub_key,
)
from ._transaction import Transactions

if TYPE_CHECKING:
    from ._plpgsql import PlpgsqlBody


class Context:
    """What a rule sees: the state, the current file, and ``report``."""

    def __init__(self, state: SchemaState, files: list[SourceFile],
                 exposed_schemas: tuple[str, ...]) -> None:
        self.state = state
        self.files = files
        self.exposed_schemas = exposed_schemas
        self.findings: list[tuple[int, int, Finding]] = []
        self.errors = 0
        """How many of the findings are errors."""
        self.file_index = 0
        self.file: SourceFile | None = None
        self._index_of = {f.path: i for i, f in enumerate(files)}
        self._future: dict[str, tuple[SourceFile, int]] | None = None
        self._creations: dict[str, list[tuple[int, int]]] = {}
        self._existing: tuple[Statement | None, Origin | None] = (None, None)
        self.txn = Transactions()
        """Transaction boundaries of the file being linted (how the Supabase CLI runs it)."""

    @property
    def future(self) -> dict[str, tuple[SourceFile, int]]:
        """First creation of each ``kind:name`` in the sequence, in files that parse (built
        on first use: only findings ask "is it created later?"; the same whenever it is
        built, as every file is parsed before its problems are looked at)."""
        if self._future is None:
            self._future = {}
            for i, f in enumerate(self.files):
                stmts = f.statements()  # parsed first: its problems are known only then
                if any(p.fails for p in f.problems):
                    continue
                for st in stmts:
                    if st.kind in _CREATES:
                        hit = created_object(self.state, st)
                        if hit is not None:
                            self._future.setdefault(f"{hit[0]}:{hit[1]}", (f, st.pos))
                            self._creations.setdefault(f"{hit[0]}:{hit[1]}", []).append(
                                (i, st.pos))
                            if hit[0] == "function":  # also by name, for "is f created later?"
                                self._future.setdefault(
                                    f"function:{hit[1].partition('(')[0]}", (f, st.pos))
        return self._future

    def existing(self, st: Statement, kind: str, name: str) -> Origin | None:
        """``exists_now`` of ``kind:name``, the object ``st`` creates: several rules ask for
        the same statement, and the state does not change while the rules look at it."""
        seen, origin = self._existing
        if seen is not st:
            origin = exists_now(self.state, kind, name)
            self._existing = (st, origin)
        return origin

    def origin(self, st: Statement) -> Origin:
        assert self.file is not None
        return Origin(self.file.path, self.file_index, st)

    def report(self, rule: str, file: SourceFile, pos: int, message: str,
               hint: str | None = None, severity: Severity | None = None) -> None:
        meta = RULES[rule]
        line, col = file.line_col(pos)
        f = Finding(rule, severity or meta.severity, file.path, line, col, message,
                    hint or meta.hint)
        self.findings.append((self._index_of.get(file.path, -1), pos, f))
        if f.severity == "error":
            self.errors += 1

    def here(self, rule: str, st: Statement, location: int | None, message: str,
             hint: str | None = None, severity: Severity | None = None) -> None:
        self.report(rule, st.file, st.node_pos(location), message, hint, severity)

    def existed_before_file(self, origin: Origin | None) -> bool:
        return origin is not None and (origin.is_baseline or origin.file_index < self.file_index)

    def where(self, origin: Origin) -> str:
        if origin.is_baseline:
            return "the baseline"
        f = self.files[origin.file_index]
        line, col = f.line_col(origin.pos)
        return f"{f.name}:{line}"

    def later(self, key: str) -> str:
        """``; it is created later, at FILE:LINE`` when a file from this one on creates
        ``key`` (``kind:name``), else ``""``."""
        _ = self.future
        for i, pos in self._creations.get(key, ()):
            if i >= self.file_index:
                f = self.files[i]
                line, _ = f.line_col(pos)
                return f"; it is created later, at {f.name}:{line}"
        return ""


class Rule:
    id: ClassVar[str] = ""
    visits: ClassVar[tuple[str, ...]] = ()

    def visit(self, ctx: Context, st: Statement) -> None:  # pragma: no cover - interface
        pass

    def visit_plpgsql(self, ctx: Context, body: PlpgsqlBody) -> None:  # pragma: no cover
        pass

    def files(self, ctx: Context, files: list[SourceFile]) -> None:  # pragma: no cover
        pass

    def end(self, ctx: Context) -> None:  # pragma: no cover - interface
        pass


def iter_nodes(node: Any, kind: str) -> Iterator[dict[str, Any]]:
    """Every ``{kind: {...}}`` inside a parser JSON tree (depth first)."""
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, dict):
            for k, v in n.items():
                if k == kind and isinstance(v, dict):
                    yield v
                stack.append(v)
        elif isinstance(n, list):
            stack.extend(reversed(n))


def iter_kinds(node: Any, kinds: tuple[str, ...]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every ``{kind: {...}}`` of any of ``kinds`` inside a parser JSON tree, one pass."""
    stack = [node]
    pop, push = stack.pop, stack.append
    while stack:
        n = pop()
        if type(n) is dict:
            for k, v in n.items():
                if k in kinds:
                    yield k, v
                if type(v) is dict or type(v) is list:
                    push(v)
        elif type(n) is list:
            stack.extend(n)


@functools.lru_cache(maxsize=512)
def names_tested_to_exist(cond: str) -> frozenset[str]:
    """String constants an IF condition tests to exist: inside ``EXISTS (...)`` or
    ``... IS NOT NULL`` (``to_regclass('x') IS NOT NULL``), alone or AND-ed.

    >>> sorted(names_tested_to_exist("EXISTS (SELECT 1 FROM pg_tables WHERE tablename = 't')"))
    ['t']
    >>> sorted(names_tested_to_exist("NOT EXISTS (SELECT 1 FROM pg_tables WHERE tablename = 't')"))
    []
    """
    try:
        tree = _json_loads(parse_sql_json("SELECT " + cond))
    except ParseError:
        return frozenset()
    stmts = tree.get("stmts", [])
    targets = stmts[0]["stmt"].get("SelectStmt", {}).get("targetList", []) if stmts else []
    found: set[str] = set()
    todo = [t.get("ResTarget", {}).get("val", {}) for t in targets]
    while todo:
        node = todo.pop()
        if "BoolExpr" in node and node["BoolExpr"].get("boolop") == "AND_EXPR":
            todo.extend(node["BoolExpr"].get("args", ()))
        elif ("SubLink" in node and node["SubLink"].get("subLinkType") == "EXISTS_SUBLINK") \
                or ("NullTest" in node and node["NullTest"].get("nulltesttype") == "IS_NOT_NULL"):
            found.update(c["sval"]["sval"] for c in iter_nodes(node, "A_Const") if "sval" in c)
    return frozenset(found)


def tested_to_exist(st: Statement, qualified: str) -> bool:
    """Does ``st`` run only in a branch whose condition tests that ``qualified`` exists?"""
    if not st.guards:
        return False
    schema, bare = split_qname(qualified)
    wanted = {bare, qualified, f"{schema}.{bare}"}
    return any(names_tested_to_exist(c) & wanted for c in st.guards)


def _col_constraints(cd: dict[str, Any]) -> set[str]:
    return {c["Constraint"]["contype"] for c in cd.get("constraints", ()) if "Constraint" in c}


def created_object(state: SchemaState, st: Statement) -> tuple[str, str, bool, int | None] | None:
    """``(kind, name, guarded_by_syntax, location)`` of the object a CREATE makes."""
    if st.created is not UNSET:
        return st.created  # type: ignore[no-any-return]
    st.created = hit = _created_object(state, st)
    return hit


Created = tuple[str, str, bool, int | None]


def _created_object(state: SchemaState, st: Statement) -> Created | None:
    make = _CREATED_BY.get(st.kind)
    return None if make is None else make(state, st.node)


def _created_table(state: SchemaState, n: dict[str, Any]) -> Created:
    return "table", state.rel(n["relation"]), bool(n.get("if_not_exists")), \
        n["relation"].get("location")


def _created_type(state: SchemaState, n: dict[str, Any]) -> Created:
    return "type", qualify(n.get("typeName", []), state.search_path), False, None


def _created_domain(state: SchemaState, n: dict[str, Any]) -> Created:
    return "type", qualify(n.get("domainname", []), state.search_path), False, None


def _created_composite(state: SchemaState, n: dict[str, Any]) -> Created:
    return "type", state.rel(n["typevar"]), False, n["typevar"].get("location")


def _created_index(state: SchemaState, n: dict[str, Any]) -> Created | None:
    if not n.get("idxname"):
        return None
    schema = n["relation"].get("schemaname") or state.search_path
    return "index", qname(schema, n["idxname"]), bool(n.get("if_not_exists")), None


def _created_policy(state: SchemaState, n: dict[str, Any]) -> Created:
    return "policy", sub_key(state.rel(n["table"]), n["policy_name"]), False, None


def _created_function(state: SchemaState, n: dict[str, Any]) -> Created:
    return "function", state.signature(n), bool(n.get("replace")), None


def _created_view(state: SchemaState, n: dict[str, Any]) -> Created:
    return "view", state.rel(n["view"]), bool(n.get("replace")), n["view"].get("location")


def _created_schema(state: SchemaState, n: dict[str, Any]) -> Created | None:
    if not n.get("schemaname"):
        return None
    return "schema", n["schemaname"], bool(n.get("if_not_exists")), None


def _created_extension(state: SchemaState, n: dict[str, Any]) -> Created:
    return "extension", n.get("extname", ""), bool(n.get("if_not_exists")), None


_CREATED_BY: dict[str, Callable[[SchemaState, dict[str, Any]], Created | None]] = {
    "CreateStmt": _created_table, "CreateEnumStmt": _created_type,
    "CreateRangeStmt": _created_type, "CreateDomainStmt": _created_domain,
    "CompositeTypeStmt": _created_composite, "IndexStmt": _created_index,
    "CreatePolicyStmt": _created_policy, "CreateFunctionStmt": _created_function,
    "ViewStmt": _created_view, "CreateSchemaStmt": _created_schema,
    "CreateExtensionStmt": _created_extension,
}
"""What the CREATE of each statement kind makes: ``(kind, name, guarded_by_syntax,
location)``."""


def exists_now(state: SchemaState, kind: str, name: str) -> Origin | None:
    if kind == "function":
        hit = state.signatures.get(name)
        if hit is None and state.has_baseline:  # baseline overloads are known by arity
            fname, _, args = name.partition("(")
            n_in = len([a for a in args.rstrip(")").split(", ") if a])
            hit = state.signatures.get(f"{fname}/{n_in}")
        return hit
    if kind in ("table", "view"):
        t = state.tables.get(name)
        return t.origin if t else None
    if kind == "type":
        return state.types.get(name)
    if kind == "index":
        idx = state.indexes.get(name)
        return idx[1] if idx else None
    if kind == "schema":
        return state.schemas.get(name)
    if kind == "extension":
        return state.extensions.get(name)
    if kind == "policy":
        table, pol = split_sub_key(name)
        t = state.tables.get(table)
        return t.policies.get(pol) if t else None
    return None


_CREATES = ("CreateStmt", "CreateEnumStmt", "CreateRangeStmt", "CreateDomainStmt",
            "CompositeTypeStmt", "IndexStmt", "CreatePolicyStmt", "CreateFunctionStmt",
            "ViewStmt", "CreateSchemaStmt", "CreateExtensionStmt")


def _display(kind: str, name: str) -> str:
    if kind == "policy":
        table, pol = split_sub_key(name)
        return f"{quote_ident(pol)} on {shown(table)}"
    return shown(name)
