"""Map a server error (or notice) back to ``file:line:column`` in the migration file.

PostgreSQL reports a position inside the statement we sent (``statement_position``), or,
for errors inside a PL/pgSQL block or function body, a line of that body
(``PL/pgSQL function inline_code_block line 4``) and a position inside the inner query.
"""

from __future__ import annotations

import re
from typing import Any

import pglast

from ._files import MigrationFile, Statement

_PLPGSQL_LINE = re.compile(
    r"PL/pgSQL function (?:inline_code_block|.*?) (?:near )?line (\d+)|"
    r"compilation of PL/pgSQL function .*? near line (\d+)"
)


def body_start(stmt: Statement) -> int | None:
    """Character offset (in the statement) where its first string body starts (after
    ``$tag$`` or ``'``), e.g. a DO block or a function body."""
    try:
        tokens = pglast.parser.scan(stmt.text)
    except Exception:
        return None
    raw = stmt.text.encode("utf-8")
    for tok in tokens:
        if tok.name == "SCONST":
            token_text = raw[tok.start : tok.end + 1].decode("utf-8", "ignore")
            start_chars = len(raw[: tok.start].decode("utf-8", "ignore"))
            m = re.match(r"\$[A-Za-z_0-9]*\$", token_text)
            return start_chars + (len(m.group(0)) if m else 1)
    return None


def error_offset(mf: MigrationFile, stmt: Statement, diag: Any) -> int:
    """File character offset the server's diagnostics point at (statement start if none)."""
    pos = _int(getattr(diag, "statement_position", None))
    if pos:
        return stmt.start + pos - 1
    context = getattr(diag, "context", None) or ""
    m = _PLPGSQL_LINE.search(context)
    body = body_start(stmt)
    if m and body is not None:
        n = int(m.group(1) or m.group(2))
        offset = _nth_line_offset(stmt.text, body, n)
        inner = getattr(diag, "internal_query", None)
        ipos = _int(getattr(diag, "internal_position", None))
        if inner:
            found = stmt.text.find(inner.strip(), offset)
            if found == -1:
                found = stmt.text.find(inner.strip(), body)
            if found != -1:
                return stmt.start + found + (ipos - 1 if ipos else 0)
        return stmt.start + _first_non_space(stmt.text, offset)
    ipos = _int(getattr(diag, "internal_position", None))
    if ipos and body is not None:
        return stmt.start + body + ipos - 1
    return stmt.start


def _nth_line_offset(text: str, start: int, n: int) -> int:
    off = start
    for _ in range(max(n - 1, 0)):
        nl = text.find("\n", off)
        if nl == -1:
            break
        off = nl + 1
    return off


def _first_non_space(text: str, off: int) -> int:
    while off < len(text) and text[off] in " \t":
        off += 1
    return off


def _int(v: Any) -> int:
    try:
        return int(v)
    except (TypeError, ValueError):
        return 0
