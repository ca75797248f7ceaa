"""Turn a notebook cell's SQL into statements with bound parameters.

``:name`` and ``{name}`` refer to notebook variables; they become psycopg placeholders
(``%(name)s``) and the values travel separately, so a value is never formatted into SQL.
``{name!i}`` is an identifier (``"public.tickets"`` -> ``"public"."tickets"``), quoted by
``psycopg.sql.Identifier``.
Quotes, ``"identifiers"``, ``$tag$ bodies $tag$``, comments and ``::casts`` are left alone.

>>> prepare("select * from t where id = :id and title = {title} and x::text = '{no}'",
...         {"id": 3, "title": "a'b"})
[Statement(text="select * from t where id = %(id)s and title = %(title)s and x::text = '{no}'", params={'id': 3, 'title': "a'b"})]
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .._errors import InputError
from ..catalog._model import suggest

__all__ = ["Statement", "prepare", "split_statements"]

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_DOLLAR = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)?\$")


@dataclass(frozen=True)
class Statement:
    text: str
    """SQL with ``%(name)s`` placeholders (``%`` escaped) when ``params`` is not None."""
    params: dict[str, Any] | None = field(default=None)


def _scan(sql: str) -> list[tuple[str, str]]:
    """Split into ("code"|"quoted"|";", text) pieces; quoted covers strings, identifiers,
    dollar bodies and comments."""
    pieces: list[tuple[str, str]] = []
    buf: list[str] = []
    i, n = 0, len(sql)

    def flush() -> None:
        if buf:
            pieces.append(("code", "".join(buf)))
            buf.clear()

    while i < n:
        ch = sql[i]
        if ch in "'\"":
            end = i + 1
            while end < n:
                if sql[end] == ch:
                    if end + 1 < n and sql[end + 1] == ch:
                        end += 2
                        continue
                    break
                if ch == "'" and sql[end] == "\\" and i > 0 and sql[i - 1] in "eE":
                    end += 2
                    continue
                end += 1
            flush()
            pieces.append(("quoted", sql[i:end + 1]))
            i = end + 1
        elif sql.startswith("--", i):
            end = sql.find("\n", i)
            end = n if end < 0 else end
            flush()
            pieces.append(("quoted", sql[i:end]))
            i = end
        elif sql.startswith("/*", i):
            depth, end = 1, i + 2
            while end < n and depth:
                if sql.startswith("/*", end):
                    depth, end = depth + 1, end + 2
                elif sql.startswith("*/", end):
                    depth, end = depth - 1, end + 2
                else:
                    end += 1
            flush()
            pieces.append(("quoted", sql[i:end]))
            i = end
        elif ch == "$" and (m := _DOLLAR.match(sql, i)) and not (i > 0 and (sql[i - 1].isalnum() or sql[i - 1] == "_")):
            tag = m.group(0)
            end = sql.find(tag, m.end())
            end = n if end < 0 else end + len(tag)
            flush()
            pieces.append(("quoted", sql[i:end]))
            i = end
        elif ch == ";":
            flush()
            pieces.append((";", ";"))
            i += 1
        else:
            buf.append(ch)
            i += 1
    flush()
    return pieces


def split_statements(sql: str) -> list[str]:
    """Split a cell into statements at top-level semicolons (not inside quotes or bodies).

    >>> split_statements("select ';'; select $$a;b$$ ;")
    ["select ';'", 'select $$a;b$$']
    """
    out: list[str] = []
    current: list[str] = []
    for kind, text in _scan(sql):
        if kind == ";":
            out.append("".join(current))
            current = []
        else:
            current.append(text)
    out.append("".join(current))
    return [s.strip() for s in out if _has_code(s)]


def _has_code(statement: str) -> bool:
    return any(kind == "quoted" and not text.startswith(("--", "/*")) or
               (kind == "code" and text.strip()) for kind, text in _scan(statement))


_PARAM = re.compile(
    r"(?<![:\w]):([A-Za-z_][A-Za-z0-9_]*)|\{([A-Za-z_][A-Za-z0-9_]*)\}|\{([A-Za-z_][A-Za-z0-9_]*)!i\}")


def _identifier(name: str, value: Any) -> str:
    from psycopg import sql

    from ..catalog._model import split_name

    if isinstance(value, (tuple, list)) and all(isinstance(v, str) for v in value) and value:
        parts = tuple(value)
    elif isinstance(value, str) and value:
        parts = split_name(value) if "." in value else (value,)
    else:
        raise InputError(f"{{{name}!i}} needs a name (str), got {type(value).__name__}")
    return sql.Identifier(*parts).as_string(None)


def _bind(statement: str, namespace: Mapping[str, Any]) -> Statement:
    names: dict[str, Any] = {}
    parts: list[str] = []

    def repl(m: re.Match[str]) -> str:
        name = m.group(1) or m.group(2) or m.group(3)
        if name not in namespace:
            hints = suggest(name, [k for k in namespace if not k.startswith("_")])
            hint = f"did you mean {' or '.join(hints)}?" if hints else \
                "define it in a cell above (values are bound as query parameters)"
            raise InputError(f"SQL parameter {name} is not defined in the notebook", hint=hint)
        if m.group(3):
            return _identifier(name, namespace[name]).replace("%", "%%")
        names[name] = namespace[name]
        return f"%({name})s"

    for kind, text in _scan(statement):
        if kind == "code":
            escaped = text.replace("%", "%%")
            parts.append(_PARAM.sub(repl, escaped))
        else:
            parts.append(text.replace("%", "%%"))
    if not names:
        text = "".join(parts)
        return Statement(text.replace("%%", "%") if text != statement else statement, None)
    return Statement("".join(parts), names)


def prepare(sql: str, namespace: Mapping[str, Any]) -> list[Statement]:
    """Split a cell into statements and bind ``:name`` / ``{name}`` from ``namespace``."""
    statements = split_statements(sql)
    if not statements:
        raise InputError("the cell holds no SQL statement")
    return [_bind(s, namespace) for s in statements]
