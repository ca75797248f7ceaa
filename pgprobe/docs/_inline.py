"""Inline Markdown that renders the same on GitHub and in markdown-it: code spans, escaped
prose, table cells and relative links between pages.

>>> code("users!tickets_assignee_fkey(*)")
'`users!tickets_assignee_fkey(*)`'
>>> code("a `tick`")
'`` a `tick` ``'
>>> cell("a | b\\nc")
'a \\\\| b<br>c'
>>> link("users", "tables/public.users.md", "tables/public.tickets.md")
'[users](public.users.md)'
"""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def text(value: object) -> str:
    """Prose from the database (comments): Markdown specials escaped, one line."""
    return _SPECIAL.sub(r"\\\1", str(value)).replace("\r\n", "\n").replace("\n", "<br>")


def cell(value: object) -> str:
    """A table cell holding plain text (newlines as ``<br>``, pipes escaped)."""
    if value is None:
        return ""
    return str(value).replace("\\", "\\\\").replace("|", "\\|").replace("\r\n", "\n").replace(
        "\n", "<br>")


def code(value: object) -> str:
    """A code span, with enough backticks to hold the value's own; pipes escaped for tables."""
    s = str(value)
    if "\n" in s:
        s = s.replace("\r\n", " ").replace("\n", " ")
    if not s:
        return ""
    if "`" not in s and s[0] != " " and s[-1] != " ":
        return f"`{s}`".replace("|", "\\|") if "|" in s else f"`{s}`"
    run = max((len(m) for m in re.findall(r"`+", s)), default=0)
    fence = "`" * (run + 1)
    if run or s.startswith(" ") or s.endswith(" "):
        s = f" {s} "
    return f"{fence}{s}{fence}".replace("|", "\\|")


_PLAIN_IDENT = re.compile(r"^[a-z_][a-z0-9_$]*$")


def sql_name(*parts: str) -> str:
    """A qualified name as SQL needs it (quoted only where it must be).

    >>> sql_name("public", "Tickets"), sql_name("public", "tickets")
    ('public."Tickets"', 'public.tickets')
    """
    return ".".join(p if _PLAIN_IDENT.match(p) else '"' + p.replace('"', '""') + '"'
                    for p in parts)


def relative(target: str, from_path: str) -> str:
    """``target`` as seen from the page at ``from_path`` (both relative to the docs root).

    >>> relative("tables/a.md", "tables/b.md"), relative("README.md", "tables/b.md")
    ('a.md', '../README.md')
    """
    here = from_path.split("/")[:-1]
    there = target.split("/")
    common = 0
    while common < min(len(here), len(there) - 1) and here[common] == there[common]:
        common += 1
    return "/".join([".."] * (len(here) - common) + there[common:])


def link(label: str, target: str, from_path: str) -> str:
    """A relative link from the page at ``from_path`` to ``target`` (both root-relative)."""
    return f"[{label}]({relative(target, from_path)})"
