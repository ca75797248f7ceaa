"""Pull the embed tree (name, hint, alias, spread, children) out of a PostgREST ``select=``.

A test helper only: enough of PostgREST's grammar to find embeds, not a parser.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote_plus

_AGGREGATES = {"count", "sum", "avg", "min", "max"}


@dataclass
class Embed:
    name: str
    hint: str | None
    key: str
    spread: bool
    children: list[Embed]


def _split_top(text: str) -> list[str]:
    out, depth, buf, quoted = [], 0, [], False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        if not quoted and ch == "(":
            depth += 1
        elif not quoted and ch == ")":
            depth -= 1
        if ch == "," and depth == 0 and not quoted:
            out.append("".join(buf).strip())
            buf = []
        else:
            buf.append(ch)
    out.append("".join(buf).strip())
    return [x for x in out if x]


def embeds(select: str) -> list[Embed]:
    out = []
    for item in _split_top(select):
        if "(" not in item or not item.endswith(")"):
            continue
        head, inner = item.split("(", 1)
        spread = head.startswith("...")
        head = head[3:] if spread else head
        alias = None
        if ":" in head and "::" not in head:
            alias, head = head.split(":", 1)
        if not head or head in _AGGREGATES or any(s in head for s in (".", "::", "->")):
            continue
        name, *flags = head.split("!")
        hints = [f for f in flags if f not in ("inner", "left")]
        out.append(Embed(name.strip('"'), hints[0] if hints else None, alias or name, spread,
                         embeds(inner[:-1])))
    return out


def split_request(path: str) -> tuple[str, str | None]:
    """``/table?...&select=...`` -> (table, decoded select or None)."""
    resource, _, query = path.partition("?")
    select = None
    for pair in query.split("&"):
        if "=" in pair:
            key, value = pair.split("=", 1)
            if unquote_plus(key) == "select":
                select = unquote_plus(value)
    return resource.strip("/").split("/")[0], select
