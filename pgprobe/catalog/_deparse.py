"""Definitions of plain indexes and keys, written exactly as PostgreSQL writes them.

``pg_get_indexdef`` costs about 75 us per index on the server (a scan of the access method's
operator classes per column to decide whether to print one, and cold catalog caches in a
fresh session): 7 s of server CPU for the 94,000 indexes of a 68,000-relation database. For
a plain index (b-tree, plain columns, each with its type's default operator class and
collation, ascending, no INCLUDE, predicate, options or NULLS NOT DISTINCT) the text follows
from facts the snapshot already holds, so ``sql/indexes.sql`` sends no definition for those
and this module writes it. When a fact is missing (a domain or array column, an operator
class that is not the exact default) the server deparses the index after all.

The quoting is PostgreSQL's ``quote_identifier``, with the server's own keyword list
(``pg_get_keywords``) so that a word reserved in one version and not another is quoted as
that server quotes it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ._model import Column

_SAFE = re.compile(r"[a-z_][a-z0-9_]*")

FK_ACTIONS = {"a": "no action", "r": "restrict", "c": "cascade", "n": "set null", "d": "set default"}
"""``pg_constraint.confupdtype``/``confdeltype`` codes, as the snapshot names them."""


@dataclass(frozen=True)
class DeparseFacts:
    """What writing a plain index definition needs from the server (``sql/deparse_facts.sql``).

    >>> facts = DeparseFacts(frozenset({"user"}), False, {})
    >>> facts.quote("tickets"), facts.quote("user"), facts.quote("Title"), facts.quote('a"b')
    ('tickets', '"user"', '"Title"', '"a""b"')
    """

    quoted_keywords: frozenset[str]
    """Keywords ``quote_identifier`` quotes (every category but unreserved)."""
    quote_all: bool
    """The session's ``quote_all_identifiers``."""
    btree_defaults: Mapping[tuple[str, str], int]
    """(type schema, type name) -> its default b-tree operator class."""
    _quoted: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> DeparseFacts:
        keywords, quote_all, defaults = row
        table = {}
        for text in defaults or ():
            schema, name, opclass = json.loads(text)
            table[(schema, name)] = int(opclass)
        return cls(frozenset(keywords or ()), bool(quote_all), table)

    def quote(self, ident: str) -> str:
        """``quote_identifier``: as is when all lower-case ASCII letters, digits and
        underscores (not starting with a digit) and not a quoted keyword."""
        quoted = self._quoted.get(ident)
        if quoted is None:
            if not self.quote_all and _SAFE.fullmatch(ident) and ident not in self.quoted_keywords:
                quoted = ident
            else:
                quoted = '"' + ident.replace('"', '""') + '"'
            self._quoted[ident] = quoted
        return quoted

    def plain_index(self, name: str, schema: str, table: str, unique: bool,
                    key_columns: Sequence[Column | None], opclasses: Sequence[int]) -> str | None:
        """The definition of a plain b-tree index (``sql/indexes.sql`` checked everything but
        the operator classes), or None when the server must write it: pg_get_indexdef names
        an operator class unless it is the column type's default."""
        if len(key_columns) != len(opclasses):
            return None
        for column, opclass in zip(key_columns, opclasses, strict=True):
            if column is None or column.array_dims:
                return None
            if self.btree_defaults.get((column.type_schema, column.udt_name)) != opclass:
                return None
        quote = self.quote
        columns = ", ".join(quote(c.name) for c in key_columns if c is not None)
        return (f"CREATE {'UNIQUE ' if unique else ''}INDEX {quote(name)} ON {quote(schema)}."
                f"{quote(table)} USING btree ({columns})")

    def plain_key(self, kind: str, columns: Sequence[str], ref_schema: str | None = None,
                  ref_table: str | None = None, ref_columns: Sequence[str] = (),
                  on_update: str | None = None, on_delete: str | None = None) -> str:
        """A plain primary, unique or foreign key as ``pg_get_constraintdef`` writes it
        (``sql/constraints.sql`` decides which are plain; ``pg_constraint`` action codes).

        >>> DeparseFacts(frozenset(), False, {}).plain_key(
        ...     "f", ["org_id"], "public", "orgs", ["id"], "a", "c")
        'FOREIGN KEY (org_id) REFERENCES public.orgs(id) ON DELETE CASCADE'
        """
        quote = self.quote
        listed = ", ".join(quote(c) for c in columns)
        if kind == "p":
            return f"PRIMARY KEY ({listed})"
        if kind == "u":
            return f"UNIQUE ({listed})"
        text = (f"FOREIGN KEY ({listed}) REFERENCES {quote(ref_schema or '')}."
                f"{quote(ref_table or '')}({', '.join(quote(c) for c in ref_columns)})")
        for clause, action in (("ON UPDATE", on_update), ("ON DELETE", on_delete)):
            if action and action != "a":  # NO ACTION is not printed
                text += f" {clause} {FK_ACTIONS[action].upper()}"
        return text

