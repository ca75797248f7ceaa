"""TypeScript type expressions laid out the way prettier/oxfmt print them.

A type is a small tuple tree, so the generator can build it cheaply and print the
common case (a member that fits on its line) without building a document:

``("ref", 'Database["public"]["Enums"]["s"]')``, ``("lit", "open")`` (a string literal),
``("union", (t, ...))``, ``("array", t)``, ``("inter", (t, ...))``,
``("tuple", (t, ...))``, ``("obj", (member, ...), broken)`` with (all tuples: they are cached)
``member = (key, optional, t)``.

>>> t = ("union", (("lit", "open"), ("lit", "closed")))
>>> member_text("  ", "status", False, t)
'  status: "open" | "closed"'
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

from ._doc import LINE, SOFTLINE, Align, Doc, Group, IfBreak, Indent, print_doc, text_width

TsType = tuple[Any, ...]
WIDTH = 80

_ASCII_IDENT = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*\Z")
_PLAIN = re.compile(r"[ !#-&(-\[\]-~]*\Z")  # printable ASCII without quotes or backslash


def _is_es5_identifier(name: str) -> bool:
    if not name:
        return False
    if name.isascii():
        return _ASCII_IDENT.match(name) is not None
    for i, ch in enumerate(name):
        cat = unicodedata.category(ch)
        if ch in "$_" or cat.startswith("L") or cat == "Nl":
            continue
        if i > 0 and cat in ("Mn", "Mc", "Nd", "Pc"):
            continue
        if i > 0 and ch in "\u200c\u200d":
            continue
        return False
    return True


@lru_cache(maxsize=65536)
def string_literal(value: str) -> str:
    """A string literal as prettier prints it: double quotes unless more of them inside."""
    if _PLAIN.match(value):
        return f'"{value}"'
    doubles = value.count('"')
    singles = value.count("'")
    quote = "'" if doubles > singles else '"'
    out = []
    for ch in value:
        if ch == quote:
            out.append("\\" + ch)
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\b":
            out.append("\\b")
        elif ch == "\f":
            out.append("\\f")
        elif ord(ch) < 0x20 or ch in "\u2028\u2029":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return quote + "".join(out) + quote


@lru_cache(maxsize=65536)
def prop_key(name: str) -> str:
    """An object key: bare when it is an identifier name, else a string literal."""
    return name if _is_es5_identifier(name) else string_literal(name)


# ---------------------------------------------------------------- flat text
@lru_cache(maxsize=65536)
def flat(t: TsType) -> str:
    kind = t[0]
    if kind == "ref":
        return t[1]
    if kind == "lit":
        return string_literal(t[1])
    if kind == "union":
        return " | ".join(flat(x) for x in t[1])
    if kind == "array":
        inner = flat(t[1])
        return f"({inner})[]" if t[1][0] in ("union", "inter") else inner + "[]"
    if kind == "inter":
        return " & ".join(flat(x) for x in t[1])
    if kind == "tuple":
        return "[" + ", ".join(flat(x) for x in t[1]) + "]"
    if kind == "obj":
        if not t[1]:
            return "{}"
        return "{ " + "; ".join(_member_flat(m) for m in t[1]) + " }"
    raise ValueError(kind)


def _member_flat(m: tuple[str, bool, TsType]) -> str:
    return f"{prop_key(m[0])}{'?' if m[1] else ''}: {flat(m[2])}"


@lru_cache(maxsize=65536)
def _simple(t: TsType) -> bool:
    """No forced line breaks inside (so the flat text is what prints when it fits)."""
    kind = t[0]
    if kind in ("ref", "lit"):
        return True
    if kind == "obj":
        return not t[2] and all(_simple(m[2]) for m in t[1])
    if kind == "array":
        return _simple(t[1])
    return all(_simple(x) for x in t[1])


# ---------------------------------------------------------------- documents
def _is_object(t: TsType) -> bool:
    return t[0] == "obj"


def type_doc(t: TsType, parent: str = "prop") -> Doc:
    kind = t[0]
    if kind in ("ref", "lit"):
        return flat(t)
    if kind == "obj":
        return obj_doc(t[1], t[2])
    if kind == "array":
        inner = type_doc(t[1], parent="array")
        if t[1][0] in ("union", "inter"):
            return ["(", inner, ")[]"]
        return [inner, "[]"]
    if kind == "tuple":
        if not t[1]:
            return "[]"
        items: list[Doc] = []
        for i, x in enumerate(t[1]):
            if i:
                items += [",", LINE]
            items.append(type_doc(x, parent="tuple"))
        return Group(["[", Indent([SOFTLINE, items]), IfBreak(","), SOFTLINE, "]"])
    if kind == "inter":
        types = t[1]
        parts: list[Doc] = []
        was_indented = False
        for i, x in enumerate(types):
            d = type_doc(x, parent="inter")
            if i == 0:
                parts.append(d)
            elif not _is_object(types[i - 1]) and not _is_object(x):
                parts.append(Indent([" &", LINE, d]))
            elif _is_object(types[i - 1]) and _is_object(x):
                parts.append([" & ", Indent(d) if was_indented else d])
            else:
                if i > 1:
                    was_indented = True
                parts += [" & ", Indent(d) if i > 1 else d]
        return Group(parts)
    if kind == "union":
        types = t[1]
        nulls = sum(1 for x in types if x == ("ref", "null") or x == ("ref", "undefined"))
        if len(types) - 1 == nulls and any(_is_object(x) for x in types):
            out: list[Doc] = []
            for i, x in enumerate(types):
                if i:
                    out.append(" | ")
                out.append(type_doc(x, parent="union"))
            return out
        printed = [Align(2, type_doc(x, parent="union")) for x in types]
        joined: list[Doc] = []
        for i, d in enumerate(printed):
            if i:
                joined += [LINE, "| "]
            joined.append(d)
        should_indent = parent not in ("tuple",)
        code: list[Doc] = [IfBreak([LINE if should_indent else "", "| "]), joined]
        if parent == "array":
            return Group([Indent(code), SOFTLINE])
        return Group(Indent(code) if should_indent else code)
    raise ValueError(kind)


def member_doc(key: str, optional: bool, t: TsType) -> Doc:
    return Group([prop_key(key), "?" if optional else "", ": ", type_doc(t)])


def obj_doc(members: list[tuple[str, bool, TsType]], broken: bool) -> Doc:
    if not members:
        return "{}"
    parts: list[Doc] = []
    for i, (k, o, t) in enumerate(members):
        if i:
            parts += [IfBreak("", ";"), LINE]
        parts.append(member_doc(k, o, t))
    return Group(["{", Indent([LINE, parts]), LINE, "}"], broken=broken)


@lru_cache(maxsize=65536)
def member_text(indent: str, key: str, optional: bool, t: TsType) -> str:
    """One member of a broken object, starting with ``indent``, without the newline."""
    if _simple(t):
        text = f"{indent}{prop_key(key)}{'?' if optional else ''}: {flat(t)}"
        if text_width(text) <= WIDTH:
            return text
    return indent + print_doc(member_doc(key, optional, t), WIDTH, indent)
