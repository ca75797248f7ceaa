"""Definitions of plain views, written exactly as ``pg_get_viewdef(view, true)`` writes them.

``pg_get_viewdef`` locks and opens the view and every relation it reads (a relation-cache
entry each, with rules, triggers and policies) before it deparses: about 5.8 s of server CPU
for the 34,600 views of a 68,000-relation database. Most views of such a database are
*plain*: columns of one relation, renamed or not, and nothing else. Their text follows from
the view's stored tree (``_querytree``, read anyway for the lineage), the names of the
relation and its columns (``sql/view_sources.sql``) and the view's own column names, so
pgprobe writes it here and the server deparses every other view (``sql/view_definitions.sql``).

What ruleutils.c prints for such a view, with ``search_path`` empty (the snapshot sets it)::

     SELECT id,
        created_at AS created
       FROM app.events;

A leading space, one column a line (``wrapColumn`` 0 wraps before every column but the
first), ``AS`` when the view's column is not named as the relation's column, the relation
always schema-qualified (except in ``pg_catalog``, which is on every search path), ``ONLY``
when the view said so. PostgreSQL 15 and older keep two extra range-table entries (``old``
and ``new``, the view itself) in a view's tree, and then prefix every column with the
relation's name (``events.id``); a relation named ``old`` or ``new`` would be renamed there
(``old_1``), so those go to the server.

>>> from ._querytree import RangeEntry
>>> writer = ViewWriter({7: BaseRelation("app", "events", (None, "id", "user"))},
...                     DeparseFacts(frozenset({"user"}), False, {}))
>>> query = TopQuery(frozenset(), frozenset(), 1, False,
...                  (RangeEntry(0, 7, "r", True, False, False),),
...                  ((1, 7, 2, False), (2, 7, 3, False)))
>>> print(writer.definition(9, query, ("id", "who")))
 SELECT id,
    "user" AS who
   FROM app.events;
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import NamedTuple

from ._deparse import DeparseFacts
from ._querytree import TopQuery

__all__ = ["BaseRelation", "ViewWriter"]

# Relations a PostgreSQL 15 view's old/new entries would make ruleutils rename.
_OLD_NEW = frozenset({"old", "new"})


class BaseRelation(NamedTuple):
    """A relation a view reads: schema, name and column names by number (element n - 1 is
    column n, None for a dropped column), as ``sql/view_sources.sql`` returns them."""

    schema: str
    name: str
    columns: Sequence[str | None]


class ViewWriter:
    """Writes ``pg_get_viewdef(view, true)`` for plain views, from the relations views read
    (``relations``: by oid) and the server's quoting (``facts``). The column list of a view
    is kept by the names it prints: a schema-per-tenant database repeats each view's shape in
    every schema, so most views only add the ``FROM`` line."""

    def __init__(self, relations: Mapping[int, BaseRelation], facts: DeparseFacts) -> None:
        self.relations = relations
        self.facts = facts
        self._column_lists: dict[tuple[str, tuple[str | None, ...], tuple[str, ...]], str] = {}

    def definition(self, view_oid: int, query: TopQuery | None,
                   view_columns: tuple[str, ...]) -> str | None:
        """The text of a plain view, or None when the server must write it (``query`` is not
        plain, or a name is missing).

        Plain: one query, no ``has*`` flag, none of CTE / GROUP BY / HAVING / WINDOW /
        DISTINCT / ORDER BY / LIMIT / OFFSET / set operation / FOR UPDATE, no WHERE, a FROM
        list of one relation (no alias, no TABLESAMPLE; the other range-table entries, if
        any, the view's own old/new), and a target list of plain columns of that relation,
        none junk, as many as the view has columns (``view_columns``: names by number).
        """
        if query is None or query.flags or query.filled or query.where or not query.single_from:
            return None
        rtable = query.rtable
        index = query.single_from - 1
        if index >= len(rtable):
            return None
        source = rtable[index]
        if source.rtekind != 0 or source.aliased or source.tablesample:
            return None
        others = len(rtable) - 1
        if others and (others > 2 or any(entry.relid != view_oid
                                         for i, entry in enumerate(rtable) if i != index)):
            return None
        base = self.relations.get(source.relid)
        if (base is None or base.schema.startswith("pg_temp")
                or (others and base.name in _OLD_NEW)):
            return None
        entries = query.entries
        count = len(entries)
        if not count or count != len(view_columns):
            return None
        resnos, origins, numbers, junk = zip(*entries, strict=True)
        if (any(junk) or resnos[-1] != count or origins.count(source.relid) != count
                or min(numbers) <= 0 or max(numbers) > len(base.columns)):
            return None
        names = base.columns
        picked = tuple([names[n - 1] for n in numbers])
        if None in picked:  # a dropped column: the names are from another moment
            return None
        quote = self.facts.quote
        key = (quote(base.name) + "." if others else "", picked, view_columns)
        column_list = self._column_lists.get(key)
        if column_list is None:
            column_list = self._column_lists[key] = _column_list(*key, quote)
        # pg_catalog is searched even with an empty search_path: ruleutils leaves it out
        qualified = (quote(base.name) if base.schema == "pg_catalog"
                     else quote(base.schema) + "." + quote(base.name))
        return (" SELECT " + column_list + "\n   FROM " + ("" if source.inh else "ONLY ")
                + qualified + ";")


def _column_list(prefix: str, names: Sequence[str | None], view_columns: Sequence[str],
                 quote: Callable[[str], str]) -> str:
    """One line per column after the first: ``prefix`` (PostgreSQL 15's relation name) and
    the relation's column, then `` AS `` and the view's column when the names differ."""
    items = []
    for name, view_column in zip(names, view_columns, strict=True):
        item = prefix + quote(name or "")
        if name != view_column:
            item += " AS " + quote(view_column)
        items.append(item)
    return ",\n    ".join(items)
