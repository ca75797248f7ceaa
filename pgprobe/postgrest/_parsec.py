"""A tiny Parsec work-alike, so parse errors read exactly like PostgREST's (Haskell Parsec 3).

PostgREST reports query-string errors as Parsec renders them: a position
``(line 1, column 7)`` and ``unexpected "(" expecting digit, ...``. The wording depends on
Parsec's error merging (consumed vs. empty failures, ``try``, labels), so the
combinators here follow Parsec's semantics rather than a hand-written descent.

A parser is a function ``(text, index) -> Reply``; a reply is
``(consumed, ok, value, index, error)`` and an error is ``(index, messages)`` with
messages ``(kind, text)``: kind 0 SysUnExpect, 1 UnExpect, 2 Expect, 3 Message.

>>> run(many1(digit), "", "12a")
(['1', '2'], None)
>>> run(seq(char("a"), char("b")), "src", "ax")[1]
('"src" (line 1, column 2)', 'unexpected "x" expecting "b"')
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

Err = tuple[int, tuple[tuple[int, str], ...]]
Reply = tuple[bool, bool, Any, int, Err]
P = Callable[[str, int], Reply]

SYS_UNEXPECT, UNEXPECT, EXPECT, MESSAGE = 0, 1, 2, 3
_NOMSG: tuple[tuple[int, str], ...] = ()


def merge(e1: Err, e2: Err) -> Err:
    if not e2[1] and e1[1]:
        return e1
    if not e1[1] and e2[1]:
        return e2
    if e1[0] == e2[0]:
        return (e1[0], e1[1] + e2[1])
    return e1 if e1[0] > e2[0] else e2


# -- Haskell ``show`` for Char and String (Parsec puts it in messages) ----------------
_CTRL = {
    "\n": "\\n", "\t": "\\t", "\r": "\\r", "\a": "\\a", "\b": "\\b", "\f": "\\f",
    "\v": "\\v", "\x7f": "\\DEL",
}
_ASCII_NAMES = ["NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "a", "b", "t", "n", "v", "f", "r", "SO", "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM", "SUB", "ESC", "FS", "GS", "RS", "US"]


def _esc(c: str) -> str:
    o = ord(c)
    if c in _CTRL:
        return _CTRL[c]
    if o < 32:
        return "\\" + _ASCII_NAMES[o]
    if o > 127:
        return "\\" + str(o)
    if c == "\\":
        return "\\\\"
    return c


def show_char(c: str) -> str:
    if c == "'":
        return "'\\''"
    return "'" + _esc(c) + "'"


@lru_cache(maxsize=4096)
def show_string(s: str) -> str:
    out = []
    prev_numeric = False
    for c in s:
        e = '\\"' if c == '"' else _esc(c)
        if prev_numeric and c.isdigit() and c.isascii():
            out.append("\\&")
        out.append(e)
        prev_numeric = e.startswith("\\") and e[1:].isdigit()
    return '"' + "".join(out) + '"'


# -- primitives ---------------------------------------------------------------------
def satisfy(pred: Callable[[str], bool]) -> P:
    def p(s: str, i: int) -> Reply:
        if i < len(s):
            c = s[i]
            if pred(c):
                return (True, True, c, i + 1, (i + 1, _NOMSG))
            return (False, False, None, i, (i, ((SYS_UNEXPECT, show_string(c)),)))
        return (False, False, None, i, (i, ((SYS_UNEXPECT, ""),)))
    return p


def label(p: P, *msgs: str) -> P:
    new = tuple((EXPECT, m) for m in msgs) if msgs else ((EXPECT, ""),)

    def set_expect(err: Err) -> Err:
        ms = err[1]
        if len(ms) == 1:
            return (err[0], new) if ms[0][0] == EXPECT else (err[0], new + ms)
        return (err[0], new + tuple(m for m in ms if m[0] != EXPECT))

    def q(s: str, i: int) -> Reply:
        r = p(s, i)
        if r[0]:
            return r
        if r[1]:
            return r if not r[4][1] else (r[0], r[1], r[2], r[3], set_expect(r[4]))
        return (False, False, None, r[3], set_expect(r[4]))
    return q


def char(c: str) -> P:
    shown = ((EXPECT, show_string(c)),)

    def p(s: str, i: int) -> Reply:
        if i < len(s):
            if s[i] == c:
                return (True, True, c, i + 1, (i + 1, _NOMSG))
            return (False, False, None, i, (i, ((SYS_UNEXPECT, show_string(s[i])),) + shown))
        return (False, False, None, i, (i, ((SYS_UNEXPECT, ""),) + shown))
    return p


def one_of(cs: str) -> P:
    return satisfy(lambda x: x in cs)


def none_of(cs: str) -> P:
    return satisfy(lambda x: x not in cs)


any_char = satisfy(lambda x: True)
letter = label(satisfy(str.isalpha), "letter")
digit = label(satisfy(lambda x: "0" <= x <= "9"), "digit")


def string(t: str) -> P:
    shown = show_string(t)

    def p(s: str, i: int) -> Reply:
        j = i
        for ch in t:
            if j >= len(s):
                return (j > i, False, None, i, (i, ((SYS_UNEXPECT, ""), (EXPECT, shown))))
            if s[j] != ch:
                return (j > i, False, None, i,
                        (i, ((SYS_UNEXPECT, show_string(s[j])), (EXPECT, shown))))
            j += 1
        return (True, True, t, j, (j, _NOMSG))
    return p


def ret(v: Any) -> P:
    return lambda s, i: (False, True, v, i, (i, _NOMSG))


def zero(s: str, i: int) -> Reply:
    return (False, False, None, i, (i, _NOMSG))


def unexpected(msg: str) -> P:
    return lambda s, i: (False, False, None, i, (i, ((UNEXPECT, msg),)))


def bind(p: P, k: Callable[[Any], P]) -> P:
    def q(s: str, i: int) -> Reply:
        c1, ok1, v1, j, e1 = p(s, i)
        if not ok1:
            return (c1, False, None, j, e1)
        c2, ok2, v2, m, e2 = k(v1)(s, j)
        if not c2:
            e2 = merge(e1, e2)
        return (c1 or c2, ok2, v2, m, e2)
    return q


def seq(*ps: P) -> P:
    """Run parsers one after another; the value is the list of their values."""
    def q(s: str, i: int) -> Reply:
        consumed = False
        err: Err = (i, _NOMSG)
        vals = []
        for p in ps:
            c, ok, v, i, e = p(s, i)
            if not c:
                e = merge(err, e)
            consumed = consumed or c
            err = e
            if not ok:
                return (consumed, False, None, i, err)
            vals.append(v)
        return (consumed, True, vals, i, err)
    return q


def fmap(f: Callable[[Any], Any], p: P) -> P:
    def q(s: str, i: int) -> Reply:
        c, ok, v, j, e = p(s, i)
        return (c, ok, f(v) if ok else None, j, e)
    return q


def alt(*ps: P) -> P:
    def q(s: str, i: int) -> Reply:
        err: Err | None = None
        for p in ps:
            r = p(s, i)
            if r[0]:
                return r
            e = r[4] if err is None else merge(err, r[4])
            if r[1]:
                return (False, True, r[2], r[3], e)
            err = e
        assert err is not None
        return (False, False, None, i, err)
    return q


def try_(p: P) -> P:
    def q(s: str, i: int) -> Reply:
        r = p(s, i)
        if r[1] or not r[0]:
            return r
        return (False, False, None, i, r[4])
    return q


def many(p: P) -> P:
    def q(s: str, i: int) -> Reply:
        vals: list[Any] = []
        consumed = False
        while True:
            c, ok, v, j, e = p(s, i)
            if ok:
                if not c:
                    raise RuntimeError("many: parser accepts empty input")
                vals.append(v)
                consumed = True
                i = j
                continue
            if c:
                return (True, False, None, j, e)
            return (consumed, True, vals, i, e)
    return q


def many1(p: P) -> P:
    return bind(p, lambda x: fmap(lambda xs: [x, *xs], many(p)))


def sep_by1(p: P, sep: P) -> P:
    return bind(p, lambda x: fmap(lambda xs: [x, *xs], many(right(sep, p))))


def sep_by(p: P, sep: P) -> P:
    return alt(sep_by1(p, sep), ret([]))


def right(a: P, b: P) -> P:
    """``a *> b``."""
    return fmap(lambda v: v[1], seq(a, b))


def left(a: P, b: P) -> P:
    """``a <* b``."""
    return fmap(lambda v: v[0], seq(a, b))


def between(o: P, c: P, p: P) -> P:
    return fmap(lambda v: v[1], seq(o, p, c))


def option(x: Any, p: P) -> P:
    return alt(p, ret(x))


def option_maybe(p: P) -> P:
    return option(None, p)


def look_ahead(p: P) -> P:
    def q(s: str, i: int) -> Reply:
        r = p(s, i)
        if r[1]:
            return (False, True, r[2], i, (i, _NOMSG))
        return r
    return q


def not_followed_by_char(p: P) -> P:
    """``notFollowedBy p`` for a parser returning one character (shown as a Char)."""
    def q(s: str, i: int) -> Reply:
        c, ok, v, j, e = p(s, i)
        if ok:
            return (False, False, None, i, (j, ((UNEXPECT, show_char(v)),)))
        return (False, True, None, i, (i, _NOMSG))
    return q


def eof(s: str, i: int) -> Reply:
    if i < len(s):
        return (False, False, None, i, (i, ((UNEXPECT, show_char(s[i])), (EXPECT, "end of input"))))
    return (False, True, None, i, (i, _NOMSG))


def lazy(f: Callable[[], P]) -> P:
    cell: list[P] = []

    def q(s: str, i: int) -> Reply:
        if not cell:
            cell.append(f())
        return cell[0](s, i)
    return q


# -- running and rendering -----------------------------------------------------------
def position(s: str, i: int) -> tuple[int, int]:
    line, col = 1, 1
    for ch in s[:i]:
        if ch == "\n":
            line, col = line + 1, 1
        elif ch == "\t":
            col = col + 8 - ((col - 1) % 8)
        else:
            col += 1
    return line, col


def render(msgs: tuple[tuple[int, str], ...]) -> str:
    ordered = sorted(msgs, key=lambda m: m[0])  # stable, like Haskell's sort on the kind

    def clean(xs: list[str]) -> list[str]:
        out: list[str] = []
        for x in xs:
            if x and x not in out:
                out.append(x)
        return out

    def commas_or(ms: list[str]) -> str:
        if not ms:
            return ""
        if len(ms) == 1:
            return ms[0]
        return ", ".join(ms[:-1]) + " or " + ms[-1]

    def show_many(pre: str, kind: int) -> str:
        ms = clean([m[1] for m in ordered if m[0] == kind])
        if not ms:
            return ""
        return commas_or(ms) if not pre else pre + " " + commas_or(ms)

    sys_un = [m[1] for m in ordered if m[0] == SYS_UNEXPECT]
    un = [m for m in ordered if m[0] == UNEXPECT]
    if un or not sys_un:
        show_sys = ""
    elif not sys_un[0]:
        show_sys = "unexpected end of input"
    else:
        show_sys = "unexpected " + sys_un[0]
    parts = clean([show_sys, show_many("unexpected", UNEXPECT), show_many("expecting", EXPECT),
                   show_many("", MESSAGE)])
    if not msgs:
        return "unknown parse error"
    return " ".join(parts).strip()


def run(p: P, source: str, text: str) -> tuple[Any, tuple[str, str] | None]:
    """Run ``p`` like ``Parsec.parse``: ``(value, None)`` or ``(None, (message, details))``.

    Like Parsec's ``parse`` it does not demand the end of input.
    """
    c, ok, v, j, e = p(text, 0)
    if ok:
        return v, None
    line, col = position(text, e[0])
    where = f"(line {line}, column {col})"
    message = f"{show_string(source)} {where}" if source else where
    return None, (message, render(e[1]))
