"""Quoting for generated DDL: every identifier through ``psycopg.sql``, never concatenated.

>>> qname("public", "my table")
'"public"."my table"'
>>> literal("it's")
"'it''s'"
"""

from __future__ import annotations

from psycopg import sql

from ...catalog._model import split_name


def ident(name: str) -> str:
    """One quoted identifier: ``ident('a"b')`` -> ``"a""b"``."""
    return sql.Identifier(name).as_string(None)


def qname(schema: str, name: str) -> str:
    """A schema-qualified, quoted name."""
    return sql.Identifier(schema, name).as_string(None)


def qualified(dotted: str) -> str:
    """``schema.name`` (as the snapshot writes it) quoted."""
    return qname(*split_name(dotted))


def literal(value: str) -> str:
    """A string literal."""
    return sql.Literal(value).as_string(None)


def role(name: str) -> str:
    """A role in GRANT / policy lists: ``public`` is the keyword PUBLIC."""
    return "PUBLIC" if name == "public" else ident(name)


def dollar_quote(body: str) -> str:
    """``$tag$body$tag$`` with a tag the body does not contain."""
    tag, n = "$body$", 0
    while tag in body:
        n += 1
        tag = f"$body{n}$"
    return f"{tag}{body}{tag}"
