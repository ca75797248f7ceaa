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

>>> facts = DeparseFacts(frozenset({"user"}), False, {})
>>> base = BaseRelation("app", "events", (None, "id", "user"))
>>> print(write_plain_view(base, [(2, "id"), (3, "who")], False, False, facts))
 SELECT id,
    "user" AS who
   FROM app.events;
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

from ._deparse import DeparseFacts
from ._querytree import TopQuery

__all__ = ["BaseRelation", "plain_view_definition", "write_plain_view"]

# Relations a PostgreSQL 15 view's old/new entries would make ruleutils rename.
_OLD_NEW = frozenset({"old", "new"})


class BaseRelation(NamedTuple):
    """A relation a view reads: schema, name and column names by number (element n - 1 is
    column n, None for a dropped column), as ``sql/view_sources.sql`` returns them."""

    schema: str
    name: str
    columns: Sequence[str | None]


def plain_view_definition(view_oid: int, query: TopQuery | None,
                          relations: Mapping[int, BaseRelation],
                          view_columns: Sequence[str], facts: DeparseFacts) -> str | None:
    """``pg_get_viewdef(view_oid, true)`` for a plain view, or None when the server must
    write it (``query`` is not plain, or a name is missing).

    Plain: one query, no ``has*`` flag, none of CTE / GROUP BY / HAVING / WINDOW / DISTINCT
    / ORDER BY / LIMIT / OFFSET / set operation / FOR UPDATE, no WHERE, a FROM list of one
    relation (no alias, no TABLESAMPLE; the other range-table entries, if any, the view's
    own old/new), and a target list of plain columns of that relation, none junk, as many
    as the view has columns. ``view_columns`` are the view's column names by number.
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
    others = [entry for i, entry in enumerate(rtable) if i != index]
    if len(others) > 2 or any(entry.relid != view_oid for entry in others):
        return None
    base = relations.get(source.relid)
    if base is None or base.schema.startswith("pg_temp") or (others and base.name in _OLD_NEW):
        return None
    entries = query.entries
    if not entries or len(entries) != len(view_columns):
        return None
    picked: list[tuple[int, str]] = []
    for number, (resno, origin, column, junk) in enumerate(entries, 1):
        if junk or resno != number or origin != source.relid or column <= 0:
            return None
        picked.append((column, view_columns[number - 1]))
    return write_plain_view(base, picked, bool(others), not source.inh, facts)


def write_plain_view(base: BaseRelation, picked: Sequence[tuple[int, str]], prefixed: bool,
                     only: bool, facts: DeparseFacts) -> str | None:
    """The text of a plain view: ``picked`` holds (relation column number, view column name)
    per view column; ``prefixed`` when the tree has more range-table entries than the one
    relation (PostgreSQL 15's old/new); ``only`` for ``FROM ONLY``. None when a column of
    the relation has no name (dropped, or the names are from another moment)."""
    quote = facts.quote
    prefix = quote(base.name) + "." if prefixed else ""
    names = base.columns
    items = []
    for column, view_column in picked:
        name = names[column - 1] if column <= len(names) else None
        if name is None:
            return None
        item = prefix + quote(name)
        if name != view_column:
            item += " AS " + quote(view_column)
        items.append(item)
    # pg_catalog is searched even with an empty search_path: ruleutils leaves it out
    qualified = (quote(base.name) if base.schema == "pg_catalog"
                 else quote(base.schema) + "." + quote(base.name))
    return (" SELECT " + ",\n    ".join(items) + "\n   FROM " + ("ONLY " if only else "")
            + qualified + ";")
