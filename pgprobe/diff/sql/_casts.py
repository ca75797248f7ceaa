"""Whether a column type change keeps the data, and at what cost.

PostgreSQL can convert between types of one family (integers and numerics, the text types,
dates and timestamps) and from text to anything (parsing each value); between unrelated
families (a boolean to a date, a uuid to an integer) there is no cast, so the only way is to
drop the column: data loss.

>>> conversion("integer", "bigint")
('cast', True)
>>> conversion("character varying(20)", "text")
('cast', False)
>>> conversion("boolean", "date")
('none', True)
"""

from __future__ import annotations

import re

_FAMILIES = {
    "numeric": ("smallint", "integer", "bigint", "numeric", "real", "double precision"),
    "text": ("text", "character varying", "character", "name", "citext", "bpchar", "varchar"),
    "datetime": ("date", "timestamp without time zone", "timestamp with time zone"),
    "time": ("time without time zone", "time with time zone", "interval"),
    "json": ("json", "jsonb"),
    "bool": ("boolean",),
    "uuid": ("uuid",),
    "bytea": ("bytea",),
    "net": ("inet", "cidr"),
}
_BINARY = {("character varying", "text"), ("text", "character varying"),
           ("cidr", "inet")}
_CROSS = {("boolean", "integer"), ("integer", "boolean"), ("jsonb", "boolean"),
          *(("jsonb", n) for n in _FAMILIES["numeric"])}


def _base(t: str) -> str:
    return re.sub(r"\(.*\)", "", t).strip()


def family(t: str) -> str:
    base = _base(t).removesuffix("[]")
    for name, members in _FAMILIES.items():
        if base in members:
            return name
    return base


def conversion(old: str, new: str, *, enum: bool = False) -> tuple[str, bool]:
    """``(how, rewrite)``: how is ``cast`` (USING col::new keeps values), ``parse`` (values
    are parsed from text and may fail) or ``none`` (no cast: only drop and re-add); rewrite
    tells whether the table is rewritten."""
    if old.endswith("[]") != new.endswith("[]"):
        return "none", True
    fo, fn = family(old), family(new)
    if _base(old) == _base(new):
        return "cast", _narrower(old, new)
    if (_base(old), _base(new)) in _BINARY:
        return "cast", _narrower(old, new)
    if fo == fn:
        return "cast", True
    if fo == "text" or fn == "text" or enum:
        return "parse", True
    if (_base(old).removesuffix("[]"), _base(new).removesuffix("[]")) in _CROSS:
        return "parse", True
    return "none", True


def _narrower(old: str, new: str) -> bool:
    """A length limit that shrinks (or appears) needs every value checked: a rewrite."""
    lo, ln = re.findall(r"\d+", old), re.findall(r"\d+", new)
    if not ln:
        return False
    if not lo:
        return True
    return [int(x) for x in ln] < [int(x) for x in lo] or _base(old) == "numeric"
