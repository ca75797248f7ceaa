"""A small port of prettier's document printer (the layout algorithm oxfmt shares).

Docs are ``str``, ``list`` (concatenation), :class:`Group`, :class:`Indent`,
:class:`Align`, :class:`IfBreak` and the line constants. ``print_doc`` lays them out
within a width exactly like prettier's ``printDocToString``: a group is printed flat when
it fits in the rest of the line (up to the next possible break), otherwise broken; a
group that contains a hard line always breaks, and so do its ancestors.

>>> doc = Group(["{", Indent([LINE, "a: string", IfBreak("", ";"), LINE, "b: number"]), LINE, "}"])
>>> print_doc(doc, width=80)
'{ a: string; b: number }'
>>> print(print_doc(doc, width=10))
{
  a: string
  b: number
}
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Union

Doc = Union[str, list["Doc"], "Group", "Indent", "Align", "IfBreak", "Line"]


@dataclass(eq=False)
class Line:
    soft: bool = False
    hard: bool = False


LINE = Line()
SOFTLINE = Line(soft=True)
HARDLINE = Line(hard=True)


@dataclass(eq=False)
class Group:
    contents: Doc
    broken: bool = False
    _propagated: bool = field(default=False, repr=False)


@dataclass(eq=False)
class Indent:
    contents: Doc


@dataclass(eq=False)
class Align:
    n: int
    contents: Doc


@dataclass(eq=False)
class IfBreak:
    break_contents: Doc
    flat_contents: Doc = ""


_BREAK, _FLAT = 1, 2


def _has_hard(doc: Doc) -> bool:
    """Mark every group that must break (contains a hard line or a broken group)."""
    if isinstance(doc, str):
        return False
    if isinstance(doc, list):
        found = False
        for d in doc:
            if _has_hard(d):
                found = True
        return found
    if isinstance(doc, Line):
        return doc.hard
    if isinstance(doc, Group):
        if doc._propagated:
            return doc.broken
        inner = _has_hard(doc.contents)
        doc.broken = doc.broken or inner
        doc._propagated = True
        return doc.broken
    if isinstance(doc, (Indent, Align)):
        return _has_hard(doc.contents)
    if isinstance(doc, IfBreak):
        a = _has_hard(doc.break_contents)
        b = _has_hard(doc.flat_contents)
        return a or b
    raise TypeError(f"not a doc: {doc!r}")


def text_width(text: str) -> int:
    if text.isascii():
        return len(text)
    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def _fits(next_cmd: tuple[str, int, Doc], rest: list[tuple[str, int, Doc]], width: int) -> bool:
    rest_idx = len(rest)
    cmds: list[tuple[int, Doc]] = [(next_cmd[1], next_cmd[2])]
    while width >= 0:
        if not cmds:
            if rest_idx == 0:
                return True
            rest_idx -= 1
            _, m, d = rest[rest_idx]
            cmds.append((m, d))
            continue
        mode, doc = cmds.pop()
        if isinstance(doc, str):
            width -= text_width(doc)
        elif isinstance(doc, list):
            for d in reversed(doc):
                cmds.append((mode, d))
        elif isinstance(doc, (Indent, Align)):
            cmds.append((mode, doc.contents))
        elif isinstance(doc, Group):
            cmds.append((_BREAK if doc.broken else mode, doc.contents))
        elif isinstance(doc, IfBreak):
            cmds.append((mode, doc.break_contents if mode == _BREAK else doc.flat_contents))
        elif isinstance(doc, Line):
            if mode == _BREAK or doc.hard:
                return True
            if not doc.soft:
                width -= 1
    return False


def print_doc(doc: Doc, width: int = 80, indent: str = "") -> str:
    """Lay ``doc`` out within ``width`` columns; ``indent`` is the current indentation."""
    _has_hard(doc)
    out: list[str] = []
    pos = len(indent)
    cmds: list[tuple[str, int, Doc]] = [(indent, _BREAK, doc)]
    while cmds:
        ind, mode, d = cmds.pop()
        if isinstance(d, str):
            out.append(d)
            pos += text_width(d)
        elif isinstance(d, list):
            for part in reversed(d):
                cmds.append((ind, mode, part))
        elif isinstance(d, Indent):
            cmds.append((ind + "  ", mode, d.contents))
        elif isinstance(d, Align):
            cmds.append((ind + " " * d.n, mode, d.contents))
        elif isinstance(d, Group):
            if mode == _FLAT:
                cmds.append((ind, _BREAK if d.broken else _FLAT, d.contents))
            else:
                nxt = (ind, _FLAT, d.contents)
                if not d.broken and _fits(nxt, cmds, width - pos):
                    cmds.append(nxt)
                else:
                    cmds.append((ind, _BREAK, d.contents))
        elif isinstance(d, IfBreak):
            cmds.append((ind, mode, d.break_contents if mode == _BREAK else d.flat_contents))
        elif isinstance(d, Line):
            if mode == _FLAT and not d.hard:
                if not d.soft:
                    out.append(" ")
                    pos += 1
            else:
                # trim trailing spaces before the newline, as prettier does
                while out and out[-1].endswith((" ", "\t")):
                    stripped = out[-1].rstrip(" \t")
                    if stripped:
                        out[-1] = stripped
                        break
                    out.pop()
                out.append("\n" + ind)
                pos = len(ind)
        else:
            raise TypeError(f"not a doc: {d!r}")
    return "".join(out)
