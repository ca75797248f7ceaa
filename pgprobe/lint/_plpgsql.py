"""PL/pgSQL bodies (DO blocks, functions): find them in the file, compile them with
PostgreSQL's own PL/pgSQL parser, and report their errors at positions inside the file.

libpg_query's PL/pgSQL parser reports no position with its errors, so the position is
found by parsing growing prefixes of the body (the shortest prefix that reproduces the
error ends at the offending token).  ``RAISE`` format/argument mismatches are checked
token by token first, so every one of them is reported, not only the first.

>>> from ._source import SourceFile
>>> f = SourceFile.from_text("a.sql", "do $$ begin raise notice 'a % %', 1; end $$;")
>>> body = PlpgsqlBody.of(f.statements()[0])
>>> [(p.rule, f.line_col(p.pos)) for p in body.problems]
[('raise-format-args', (1, 13))]
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from pglast.parser import ParseError, parse_plpgsql_json, parse_sql_json, scan

from ._source import Problem, Statement, _json_loads

_DO_PREFIX = "CREATE FUNCTION pgprobe_do() RETURNS void LANGUAGE plpgsql AS "
_QUOTE = "$pgprobe_body$"
_TAG_RE = re.compile(r"\$[A-Za-z_0-9]*\$")
_NEAR_RE = re.compile(r'at or near "(.*)"$')
_RAISE_LEVELS = frozenset({"DEBUG", "LOG", "INFO", "NOTICE", "WARNING", "EXCEPTION"})
ERROR_LEVEL = 21  # elog level of RAISE EXCEPTION (and of a bare RAISE)


def _option(options: list[dict[str, Any]], name: str) -> Any:
    for opt in options or ():
        de = opt.get("DefElem", {})
        if de.get("defname") == name:
            return de
    return None


def _sval(arg: Any) -> str | None:
    if not isinstance(arg, dict):
        return None
    if "String" in arg:
        return str(arg["String"].get("sval", ""))
    if "List" in arg:
        items = arg["List"].get("items", [])
        return _sval(items[-1]) if items else None
    return None


@dataclass
class PlpgsqlBody:
    """A PL/pgSQL body of a statement, compiled: ``tree`` is the ``PLpgSQL_function`` node
    (``None`` when it does not compile; then ``problems`` says why and where)."""

    stmt: Statement
    kind: str
    """``do`` (runs now, during the migration) or ``function`` (runs when called)."""
    body: str
    body_pos: int
    tree: dict[str, Any] | None = None
    problems: list[Problem] = field(default_factory=list)
    _prefix: str = ""
    _suffix: str = ""
    _synthetic_header: bool = False
    """The statement's own header could not be found (SQL run by PL/pgSQL): a stand-in
    header is used, so a compile error may be the stand-in's, not the user's."""
    _sql: list[Statement] | None = field(default=None, repr=False, compare=False)

    # -- construction -------------------------------------------------------------
    @classmethod
    def of(cls, stmt: Statement) -> PlpgsqlBody | None:
        """The compiled PL/pgSQL body of a DoStmt / CreateFunctionStmt, else ``None``."""
        node = stmt.node
        if stmt.kind == "DoStmt":
            opts = node.get("args", [])
            lang = _option(opts, "language")
            if lang is not None and (_sval(lang.get("arg")) or "").lower() != "plpgsql":
                return None
            kind = "do"
        elif stmt.kind == "CreateFunctionStmt":
            opts = node.get("options", [])
            lang = _option(opts, "language")
            if lang is None or (_sval(lang.get("arg")) or "").lower() != "plpgsql":
                return None
            kind = "function"
        else:
            return None
        as_ = _option(opts, "as")
        if as_ is None:
            return None
        body = _sval(as_.get("arg"))
        if body is None:
            return None
        text = stmt.file.text
        qpos = stmt.node_pos(as_.get("arg_location", as_.get("location")))
        m = _TAG_RE.match(text, qpos)
        if m:
            body_pos, end = m.end(), m.end() + len(body) + len(m.group())
        elif text.startswith(("E'", "e'"), qpos):
            body_pos, end = qpos + 2, _quoted_end(text, qpos + 1)
        elif text.startswith("'", qpos):
            body_pos, end = qpos + 1, _quoted_end(text, qpos)
        else:  # position unknown (SQL run by PL/pgSQL): best effort
            body_pos, end = stmt.pos, stmt.pos
        self = cls(stmt, kind, body, body_pos)
        if kind == "do":
            self._prefix, self._suffix = _DO_PREFIX, ""
        else:
            if end > qpos > stmt.pos and stmt.base_char is None:
                self._prefix = text[stmt.pos : qpos]
                stmt_end = len(text) if stmt.byte_len is None else \
                    stmt.file.char_of_byte(stmt.byte_start + stmt.byte_len)
                self._suffix = text[end:max(end, stmt_end)].rstrip().rstrip(";")
            else:
                self._prefix, self._suffix = _function_header(stmt), ""
                self._synthetic_header = True
        self._compile()
        return self

    def _source(self, body: str) -> str:
        return f"{self._prefix}{_QUOTE}{body}{_QUOTE}{self._suffix}"

    def _compile(self) -> None:
        body = self.body
        try:
            tokens = scan(body)
        except ParseError as exc:
            self.problems.append(Problem("plpgsql-syntax-error", self.body_pos,
                                         f"PL/pgSQL body: {exc.args[0]}"))
            return
        body = self._check_raise(body, tokens)
        try:
            parsed = _json_loads(parse_plpgsql_json(self._source(body)))
        except ParseError as exc:
            msg = str(exc.args[0])
            if is_limitation(msg) or self._synthetic_header:
                parsed = self._compile_around_limitation(body, tokens, msg)
                if parsed is None:
                    return
            else:
                pos = self.body_pos + self._locate(body, tokens, msg)
                rule = "raise-format-args" if "parameters specified for RAISE" in msg else \
                    "plpgsql-syntax-error"
                what = "RAISE" if rule == "raise-format-args" else \
                    "PL/pgSQL body does not compile"
                self.problems.append(Problem(rule, pos, f"{what}: {msg}"))
                return
        if parsed:
            self.tree = parsed[0].get("PLpgSQL_function")

    def _compile_around_limitation(self, body: str, tokens: list[Any],
                                   msg: str) -> list[Any] | None:
        """libpg_query's PL/pgSQL compiler resolves no type outside ``pg_catalog`` and
        ``public`` (``Not implemented (LookupExplicitNamespace ...)``): compile again with
        such type names (header, DECLARE sections) replaced by stand-ins of the same
        length; if it still does not compile, say what was not checked (an info line, never
        an error: the server may well accept it).  A function whose argument or result types
        still defeat it is compiled under a header of the same shape with ``text`` types."""
        self._prefix = neutralise_qualified(self._prefix)
        self._suffix = neutralise_qualified(self._suffix)
        stand_in = neutralise_declarations(body, tokens)
        parsed, again = self._try_compile(stand_in)
        if again is not None and is_limitation(again) and self.kind == "function" \
                and not self._synthetic_header:
            self._prefix, self._suffix = _generic_header(self.stmt.node), ""
            self._synthetic_header = True
            parsed, again = self._try_compile(stand_in)
        if again is not None:
            if not (is_limitation(again) or self._synthetic_header):
                pos = self.body_pos + self._locate(stand_in, tokens, again)
                self.problems.append(Problem("plpgsql-syntax-error", pos,
                                             f"PL/pgSQL body does not compile: {again}"))
                return None
            self.problems.append(Problem(
                "not-checked", self.body_pos,
                f"PL/pgSQL body not checked: pgprobe's PL/pgSQL compiler (libpg_query) "
                f"cannot compile it here ({again if is_limitation(again) else msg}); the "
                "server compiles it when the migration runs", fails=False))
            return None
        return parsed

    def _try_compile(self, body: str) -> tuple[list[Any], str | None]:
        """The compiled body, or the compiler's message."""
        try:
            return _json_loads(parse_plpgsql_json(self._source(body))), None
        except ParseError as exc:
            return [], str(exc.args[0])

    def _parses_with(self, body: str, msg: str) -> bool:
        try:
            parse_plpgsql_json(self._source(body))
        except ParseError as exc:
            return str(exc.args[0]) == msg
        return False

    def _locate(self, body: str, tokens: list[Any], msg: str) -> int:
        """Offset in the body of the token where the compiler stops with ``msg``."""
        if not tokens or "end of input" in msg:
            return len(body.rstrip())
        lo, hi = 0, len(tokens) - 1
        if not self._parses_with(body[: tokens[hi].end + 1], msg):
            return 0
        while lo < hi:
            mid = (lo + hi) // 2
            if self._parses_with(body[: tokens[mid].end + 1], msg):
                hi = mid
            else:
                lo = mid + 1
        # the compiler may only notice at the end of the statement: point at the token named
        m = _NEAR_RE.search(msg)
        if m:
            near = m.group(1).lower()
            for k in range(lo, -1, -1):
                word = body[tokens[k].start : tokens[k].end + 1].lower()
                if word == near:
                    return int(tokens[k].start)
                if k < lo and tokens[k].name == "ASCII_59":
                    break
        return int(tokens[lo].start)

    def _check_raise(self, body: str, tokens: list[Any]) -> str:
        """Report RAISE statements whose % count differs from their arguments; return the
        body with those statements neutralised so the rest can still compile."""
        blanked = body
        n = len(tokens)
        i = 0
        while i < n:
            t = tokens[i]
            if body[t.start : t.end + 1].upper() != "RAISE":
                i += 1
                continue
            j = i + 1
            while j < n and tokens[j].name != "ASCII_59":
                j += 1
            parts = tokens[i + 1 : j]
            k = 0
            if parts and body[parts[0].start : parts[0].end + 1].upper() in _RAISE_LEVELS:
                k = 1
            if k < len(parts) and parts[k].name == "SCONST":
                fmt = _sconst_value(body[parts[k].start : parts[k].end + 1])
                wanted = _count_placeholders(fmt)
                given, depth = 0, 0
                for tok in parts[k + 1 :]:
                    word = body[tok.start : tok.end + 1]
                    if word.upper() == "USING" and depth == 0:
                        break
                    if word == "(":
                        depth += 1
                    elif word == ")":
                        depth -= 1
                    elif word == "," and depth == 0:
                        given += 1
                if wanted != given:
                    end = tokens[j].start if j < n else len(body)
                    which = "few" if given < wanted else "many"
                    self.problems.append(Problem(
                        "raise-format-args", self.body_pos + t.start,
                        f"RAISE format {body[parts[k].start : parts[k].end + 1][:60]} has "
                        f"{wanted} % placeholder(s) but {given} argument(s) (too {which} "
                        "parameters specified for RAISE)",
                    ))
                    seg = body[t.start:end]
                    repl = "NULL" + "".join(c if c == "\n" else " " for c in seg[4:])
                    blanked = blanked[: t.start] + repl + blanked[end:]
            i = j + 1
        return blanked

    @property
    def catches_errors(self) -> bool:
        """True when some block of the body has an EXCEPTION section."""
        return any(kind == "PLpgSQL_exception" for kind, _, _ in self.walk())

    # -- positions ---------------------------------------------------------------
    def line_pos(self, lineno: int | None) -> int:
        """File char offset of the first non-blank char of body line ``lineno`` (1-based,
        line 1 being the line of the opening quote)."""
        if not lineno or lineno < 1:
            return self.body_pos
        text = self.stmt.file.text
        pos = self.body_pos
        for _ in range(lineno - 1):
            nl = text.find("\n", pos)
            if nl < 0:
                break
            pos = nl + 1
        while pos < len(text) and text[pos] in " \t":
            pos += 1
        return pos

    def find(self, pattern: re.Pattern[str], nth: int = 0) -> int:
        """File char offset of the nth match of ``pattern`` in the body."""
        for i, m in enumerate(pattern.finditer(self.body)):
            if i == nth:
                return self.body_pos + m.start()
        return self.body_pos

    # -- the statements it runs ------------------------------------------------------
    def walk(self) -> Iterator[tuple[str, dict[str, Any], bool]]:
        """Every PL/pgSQL statement, in text order: ``(kind, node, guarded)``; guarded is
        True inside IF/CASE/loops and inside blocks that catch errors."""
        if self.tree is None:
            return
        yield from _walk(self.tree.get("action"), False)

    @property
    def runs_unreadable_sql(self) -> bool:
        """True when the body EXECUTEs SQL built at run time (what it does is unknown)."""
        return any(kind == "PLpgSQL_stmt_dynexecute" and _constant_text(node) is None
                   for kind, node, _ in self.walk())

    def sql_statements(self) -> list[Statement]:
        """The SQL statements this body executes (EXECUTE of a constant string included),
        as Statements positioned in the file; ``guarded`` as in :meth:`walk` (parsed once)."""
        if self._sql is None:
            self._sql = self._parse_sql_statements()
        return self._sql

    def _parse_sql_statements(self) -> list[Statement]:
        out: list[Statement] = []
        file = self.stmt.file
        conds: dict[int, tuple[str, ...]] = {}
        if self.tree is not None:
            _branch_conditions(self.tree.get("action"), (), conds)
        for kind, node, guarded in self.walk():
            if kind == "PLpgSQL_stmt_execsql":
                query = node.get("sqlstmt", {}).get("PLpgSQL_expr", {}).get("query", "")
            elif kind == "PLpgSQL_stmt_dynexecute":
                text = _constant_text(node)
                if text is None:
                    continue
                query = text
            else:
                continue
            try:
                tree = _json_loads(parse_sql_json(query))
            except ParseError:
                continue
            line = self.line_pos(node.get("lineno"))
            head = query.lstrip()[:24]
            found = file.text.find(head, line) if head else -1
            base_char = found if 0 <= found < line + 400 else line
            for raw in tree.get("stmts", ()):
                ((k, body),) = raw["stmt"].items()
                st = Statement(k, body, file, 0, None, base_char=base_char, in_plpgsql=True,
                               guarded=guarded, guards=conds.get(id(node), ()))
                out.append(st)
        return out


def _constant_text(dynexecute: dict[str, Any]) -> str | None:
    """The SQL an ``EXECUTE`` runs when it is one string constant, else ``None``."""
    expr = dynexecute.get("query", {}).get("PLpgSQL_expr", {}).get("query", "")
    try:
        tree = _json_loads(parse_sql_json("SELECT " + expr))
    except ParseError:
        return None
    stmts = tree.get("stmts", [])
    if len(stmts) != 1:
        return None
    targets = stmts[0]["stmt"].get("SelectStmt", {}).get("targetList", [])
    if len(targets) != 1:
        return None
    const = targets[0].get("ResTarget", {}).get("val", {}).get("A_Const", {})
    return const["sval"]["sval"] if "sval" in const else None


_LIST_KEYS = ("body", "then_body", "else_body", "elsif_list", "stmts", "case_when_list",
              "else_stmts")


def _branch_conditions(node: Any, conds: tuple[str, ...],
                       out: dict[int, tuple[str, ...]]) -> None:
    """For every PL/pgSQL statement (by ``id``), the IF / ELSIF conditions whose branch it
    runs in (an ELSE branch adds none)."""
    if isinstance(node, list):
        for item in node:
            _branch_conditions(item, conds, out)
        return
    if not isinstance(node, dict) or len(node) != 1:
        return
    ((kind, inner),) = node.items()
    if not isinstance(inner, dict):
        return
    out[id(inner)] = conds
    if kind == "PLpgSQL_stmt_if":
        cond = inner.get("cond", {}).get("PLpgSQL_expr", {}).get("query", "")
        _branch_conditions(inner.get("then_body"), (*conds, cond), out)
        for e in inner.get("elsif_list", ()):
            elsif = e.get("PLpgSQL_if_elsif", {})
            econd = elsif.get("cond", {}).get("PLpgSQL_expr", {}).get("query", "")
            _branch_conditions(elsif.get("stmts"), (*conds, econd), out)
        _branch_conditions(inner.get("else_body"), conds, out)
        return
    for key in _LIST_KEYS:
        if key in inner:
            _branch_conditions(inner[key], conds, out)
    exc = inner.get("exceptions", {}).get("PLpgSQL_exception_block")
    for handler in (exc or {}).get("exc_list", []):
        _branch_conditions(handler.get("PLpgSQL_exception", {}).get("action", []), conds, out)


def _walk(node: Any, guarded: bool) -> Iterator[tuple[str, dict[str, Any], bool]]:
    if isinstance(node, list):
        for item in node:
            yield from _walk(item, guarded)
        return
    if not isinstance(node, dict) or len(node) != 1:
        return
    ((kind, inner),) = node.items()
    if not isinstance(inner, dict):
        return
    if kind.startswith("PLpgSQL_stmt_"):
        yield kind, inner, guarded
    child_guarded = guarded or kind not in ("PLpgSQL_stmt_block",) or "exceptions" in inner
    if kind in ("PLpgSQL_if_elsif", "PLpgSQL_case_when"):
        child_guarded = True
    for key in _LIST_KEYS:
        if key in inner:
            yield from _walk(inner[key], child_guarded)
    exc = inner.get("exceptions", {}).get("PLpgSQL_exception_block")
    if exc:
        for handler in exc.get("exc_list", []):
            h = handler.get("PLpgSQL_exception", {})
            yield "PLpgSQL_exception", h, True
            yield from _walk(h.get("action", []), True)


_LIMITATIONS = ("Not implemented", "LookupExplicitNamespace", "not supported")
# libpg_query resolves no user type: an unknown one becomes ``record`` (``_record`` for its
# array), which PL/pgSQL then refuses as an argument, result or variable type
_STAND_IN_TYPE = re.compile(r"(type|pseudo-type) _?record\b")


def is_limitation(message: str) -> bool:
    """Is this parser message a limitation of libpg_query (not a fault in the SQL)?

    >>> is_limitation("Not implemented (LookupExplicitNamespace only supports pg_catalog and public)")
    True
    >>> is_limitation("PL/pgSQL functions cannot accept type _record")
    True
    >>> is_limitation('syntax error at or near "iff"')
    False
    """
    return any(word in message for word in _LIMITATIONS) or \
        _STAND_IN_TYPE.search(message) is not None


_RESOLVED_SCHEMAS = frozenset({"public", "pg_catalog"})


def _name_part(text: str, tok: Any) -> str | None:
    """The identifier a token spells (quoted identifiers unquoted), else ``None``."""
    if tok.name != "IDENT" and not tok.kind.endswith("KEYWORD"):
        return None
    word = text[tok.start : tok.end + 1]
    if word.startswith('"'):
        return word[1:-1].replace('""', '"')
    return word.lower()


def _qualified_spans(text: str, tokens: list[Any]) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each dotted name whose first part is a schema libpg_query cannot
    resolve (not followed by ``%``: ``%TYPE``/``%ROWTYPE`` compile anyway)."""
    i, n = 0, len(tokens)
    while i < n:
        first = _name_part(text, tokens[i])
        j = i
        while first is not None and j + 2 < n and tokens[j + 1].name == "ASCII_46" \
                and _name_part(text, tokens[j + 2]) is not None:
            j += 2
        if j > i and first not in _RESOLVED_SCHEMAS and \
                not (j + 1 < n and tokens[j + 1].name == "ASCII_37"):
            start, end = tokens[i].start, tokens[j].end + 1
            if "\n" not in text[start:end]:
                yield start, end
        i = j + 1


def _stand_in_name(length: int) -> str:
    return "x" + "_" * (length - 1)


def neutralise_qualified(text: str) -> str:
    """``text`` with every dotted name outside ``public``/``pg_catalog`` replaced by a
    plain identifier of the same length (positions and lines are kept).

    >>> neutralise_qualified("create function f(a billing.tier) returns void as ")
    'create function f(a x___________) returns void as '
    """
    try:
        tokens = scan(text)
    except ParseError:
        return text
    out = text
    for start, end in _qualified_spans(text, tokens):
        out = out[:start] + _stand_in_name(end - start) + out[end:]
    return out


def neutralise_declarations(body: str, tokens: list[Any]) -> str:
    """``body`` with the dotted type names of its DECLARE sections neutralised (see
    :func:`neutralise_qualified`); statements are left as they are."""
    out = body
    inside: list[Any] = []
    for tok in tokens:
        if tok.name == "DECLARE":
            inside = [tok]
        elif inside and tok.name == "BEGIN_P":
            for start, end in _qualified_spans(body, inside[1:]):
                out = out[:start] + _stand_in_name(end - start) + out[end:]
            inside = []
        elif inside:
            inside.append(tok)
    return out


def _quoted_end(text: str, qpos: int) -> int:
    """Offset just past the closing quote of the string literal opening at ``qpos``."""
    i = qpos + 1
    while True:
        j = text.find("'", i)
        if j < 0:
            return len(text)
        if text.startswith("''", j):
            i = j + 2
            continue
        return j + 1


def _sconst_value(tok: str) -> str:
    m = _TAG_RE.match(tok)
    if m and tok.endswith(m.group()):
        return tok[len(m.group()) : -len(m.group())]
    if tok[:2] in ("E'", "e'"):
        tok = tok[1:]
    return tok[1:-1].replace("''", "'")


def _count_placeholders(fmt: str) -> int:
    count, i = 0, 0
    while i < len(fmt):
        if fmt[i] == "%":
            if fmt.startswith("%%", i):
                i += 2
                continue
            count += 1
        i += 1
    return count


_MODES = {"FUNC_PARAM_OUT": "OUT ", "FUNC_PARAM_INOUT": "INOUT ",
          "FUNC_PARAM_VARIADIC": "VARIADIC "}


def _generic_header(node: dict[str, Any]) -> str:
    """A CREATE FUNCTION header of the same shape as ``node``'s (argument modes and names,
    trigger / void / SETOF / TABLE result) with every other type ``text``: what the body
    compiles against when libpg_query cannot resolve the real types."""
    params, table = [], []
    for p in node.get("parameters", ()):
        fp = p.get("FunctionParameter", {})
        name = '"' + fp["name"].replace('"', '""') + '" ' if fp.get("name") else ""
        mode = fp.get("mode", "")
        if mode == "FUNC_PARAM_TABLE":
            table.append(f"{name}text")
        else:
            array = "[]" if mode == "FUNC_PARAM_VARIADIC" else ""
            params.append(f"{_MODES.get(mode, '')}{name}text{array}")
    rt = node.get("returnType") or {}
    last = ([_sval(n) or "" for n in rt.get("names", [])] or [""])[-1].lower()
    if table:
        returns = f"TABLE({', '.join(table)})"
    elif last in ("trigger", "event_trigger", "void", "record"):
        returns = ("SETOF " if rt.get("setof") else "") + last
    elif not rt:
        returns = "void"
    else:
        returns = "SETOF text" if rt.get("setof") else "text"
    return f"CREATE FUNCTION pgprobe_fn({', '.join(params)}) RETURNS {returns} " \
        "LANGUAGE plpgsql AS "


def _function_header(stmt: Statement) -> str:
    returns = "void"
    ret = stmt.node.get("returnType", {}).get("names", [])
    names = [_sval(n) or "" for n in ret]
    if names and names[-1] == "trigger":
        returns = "trigger"
    return f"CREATE FUNCTION pgprobe_fn() RETURNS {returns} LANGUAGE plpgsql AS "
