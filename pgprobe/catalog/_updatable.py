"""Which of INSERT, UPDATE and DELETE a view supports, decided in Python.

An exact port of PostgreSQL's ``relation_is_updatable`` and the functions it calls
(``src/backend/rewrite/rewriteHandler.c``, the same in 15 to 18), working on facts the
snapshot reads anyway instead of opening every view on the server: each view's top-level
query (``_querytree.TopQuery``, from the stored tree), the events of its unconditional
INSTEAD rules and of its INSTEAD OF row triggers (``sql/view_trees.sql``), and the events of
foreign tables (FDW-specific: the server's own ``pg_relation_is_updatable``).

Whatever the facts do not decide (a tree of several queries, a view or foreign table in the
chain whose facts are missing) is ``None``, "unknown": the reader asks the server for exactly
those relations.

>>> from pgprobe.catalog._querytree import TopQuery, RangeEntry
>>> query = TopQuery(frozenset(), frozenset(), 1, False,
...                  (RangeEntry(0, 100, "r", True, False, False),),
...                  ((1, 100, 1, False), (2, 0, 0, False)))   # select id, id + 1 from t
>>> facts = ViewFacts(queries={200: query}, kinds={200: "v"})
>>> updatability = Updatability(facts)
>>> updatability.relation_events(200)        # INSERT, UPDATE and DELETE
28
>>> updatability.column_updatable(200, 1), updatability.column_updatable(200, 2)
(True, False)
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from ._querytree import Entry, RangeEntry, TopQuery

__all__ = ["ViewFacts", "Updatability", "CMD_UPDATE", "CMD_INSERT", "CMD_DELETE", "ALL_EVENTS",
           "view_query_is_auto_updatable", "view_col_is_auto_updatable"]

# Bits of the event mask, 1 << CmdType as in PostgreSQL (and pg_rewrite.ev_type '2'..'4').
CMD_UPDATE = 1 << 2
CMD_INSERT = 1 << 3
CMD_DELETE = 1 << 4
ALL_EVENTS = CMD_UPDATE | CMD_INSERT | CMD_DELETE
_REQUIRED_FOR_COLUMN = CMD_UPDATE | CMD_DELETE  # pg_column_is_updatable: both

# Query parts that make a view not automatically updatable (view_query_is_auto_updatable).
_DISQUALIFYING_PARTS = frozenset({"distinctClause", "groupClause", "groupingSets", "havingQual",
                                  "setOperations", "cteList", "limitOffset", "limitCount"})
_DISQUALIFYING_FLAGS = frozenset({"hasAggs", "hasWindowFuncs", "hasTargetSRFs"})
_BASE_KINDS = frozenset("rfvp")  # table, foreign table, view, partitioned table
_TABLE_KINDS = frozenset("rp")

Unknown = None
"""The answer when the facts do not decide (the caller asks the server)."""


@dataclass(frozen=True)
class ViewFacts:
    """What the port needs to know about the views (and materialized views) of the chain.

    ``queries``: each view's top-level query (None: not readable here); ``kinds``: the
    relation kind of each view known here ('v' or 'm'); ``rule_events``: the events of its
    unconditional INSTEAD rules; ``trigger_events``: the events of its INSTEAD OF row
    triggers; ``foreign_events``: what the server says of foreign tables."""

    queries: Mapping[int, TopQuery | None] = field(default_factory=dict)
    kinds: Mapping[int, str] = field(default_factory=dict)
    rule_events: Mapping[int, int] = field(default_factory=dict)
    trigger_events: Mapping[int, int] = field(default_factory=dict)
    foreign_events: Mapping[int, int] = field(default_factory=dict)


def view_col_is_auto_updatable(base_relid: int, entry: Entry) -> bool:
    """One target entry of an auto-updatable view's query is an updatable column: not junk,
    a plain Var of the base relation (the single FROM item) and a user column of it.

    In a single-query tree a non-zero origin is a plain Var of a range-table relation
    (``_querytree.Entry``); with one relation in FROM it is that one.

    >>> view_col_is_auto_updatable(100, (1, 100, 2, False))
    True
    >>> view_col_is_auto_updatable(100, (1, 100, -1, False))   # ctid
    False
    """
    _resno, origin, column, junk = entry
    return not junk and origin == base_relid and origin != 0 and column > 0


def view_query_is_auto_updatable(query: TopQuery, check_cols: bool) -> bool | None:
    """PostgreSQL's ``view_query_is_auto_updatable``: True when the view's query is simple
    enough to be updated through (one base table or view in FROM, no DISTINCT, GROUP BY,
    HAVING, set operation, WITH, LIMIT/OFFSET, aggregate, window function or SRF, no
    TABLESAMPLE); with ``check_cols`` it must also have an updatable column. None: unknown.

    >>> from pgprobe.catalog._querytree import RangeEntry
    >>> q = TopQuery(frozenset({"hasAggs"}), frozenset(), 1, False,
    ...              (RangeEntry(0, 100, "r", True, False, False),), ((1, 0, 0, False),))
    >>> view_query_is_auto_updatable(q, False)
    False
    """
    if not (_DISQUALIFYING_PARTS.isdisjoint(query.filled)
            and _DISQUALIFYING_FLAGS.isdisjoint(query.flags)):
        return False
    base = _base_entry(query)
    if base is None:
        return False
    if base.rtekind < 0:
        return Unknown  # an entry _querytree could not read
    if base.rtekind != 0 or base.relkind not in _BASE_KINDS:
        return False
    if base.tablesample:
        return False
    if check_cols:
        return any(view_col_is_auto_updatable(base.relid, e) for e in query.entries)
    return True


def _base_entry(query: TopQuery) -> RangeEntry | None:
    """The range-table entry of the single FROM item, or None when FROM is not one
    range-table reference."""
    if query.single_from is None or not 0 < query.single_from <= len(query.rtable):
        return None
    return query.rtable[query.single_from - 1]


class _AutoView(NamedTuple):
    """An automatically updatable view's query, digested once: its base relation and which
    of its columns are updatable, mapped to the base relation's columns (a tuple: built for
    each of 34,600 views at 68,000 relations)."""

    base_relid: int
    base_relkind: str
    updatable: dict[int, int]
    """View column number (resno) -> base relation column number, for updatable columns."""


class Updatability:
    """``relation_is_updatable`` / ``pg_relation_is_updatable`` / ``pg_column_is_updatable``
    over :class:`ViewFacts` (see the module docstring for an example)."""

    def __init__(self, facts: ViewFacts) -> None:
        self.facts = facts
        self._auto: dict[int, _AutoView | bool | None] = {}

    def relation_events(self, oid: int) -> int | None:
        """``pg_relation_is_updatable(oid, true)``: the events mask, or None (unknown)."""
        return self.relation_is_updatable(oid, (), True, None)

    def column_updatable(self, oid: int, attnum: int) -> bool | None:
        """``pg_column_is_updatable(oid, attnum, false)``: system columns never; otherwise the
        relation must support UPDATE and DELETE for that column. None: unknown."""
        if attnum <= 0:
            return False
        default, by_column = self.column_events(oid)
        events = by_column.get(attnum, default)
        return None if events is None else events & _REQUIRED_FOR_COLUMN == _REQUIRED_FOR_COLUMN

    def columns_updatable(self, oid: int) -> tuple[bool, dict[int, bool]] | None:
        """``pg_column_is_updatable(oid, n, false)`` for every user column n of a view at
        once, as (the answer for the columns not listed, {column number: answer}); None when
        any of them is unknown."""
        default, by_column = self.column_events(oid)
        if default is None:
            return None
        need = _REQUIRED_FOR_COLUMN
        distinct = set(by_column.values())
        if None in distinct:
            return None
        if len(distinct) == 1:  # the common case: every updatable column alike
            events = distinct.pop()
            return default & need == need, dict.fromkeys(by_column, events & need == need)  # type: ignore[operator]
        return default & need == need, {c: e & need == need  # type: ignore[operator]
                                        for c, e in by_column.items()}

    def column_events(self, oid: int, outer: tuple[int, ...] = ()
                      ) -> tuple[int | None, dict[int, int | None]]:
        """``relation_is_updatable(oid, outer, false, {c})`` for every column c at once: (the
        events for a column not listed, {column number: events}).

        Only the view's updatable columns can differ: for any other column the intersection
        with the view's updatable columns is empty, so the view may only support DELETE and
        its base relation is asked about all of its columns (an empty set is NULL, "all", in
        PostgreSQL), whichever the column."""
        if oid in outer:
            return 0, {}
        facts = self.facts
        if oid in facts.foreign_events:
            return facts.foreign_events[oid], {}
        kind = facts.kinds.get(oid)
        if kind is None:
            return Unknown, {}
        events = facts.rule_events.get(oid, 0) & ALL_EVENTS
        if events == ALL_EVENTS or kind != "v":
            return events, {}
        auto = self._auto_view(oid)
        if auto is None or auto is False:
            return (Unknown if auto is None else events), {}
        assert isinstance(auto, _AutoView)
        if auto.base_relkind in _TABLE_KINDS:
            every = events | ALL_EVENTS
            return events | CMD_DELETE, dict.fromkeys(auto.updatable, every)
        inner = (*outer, oid)
        whole = self.relation_is_updatable(auto.base_relid, inner, False, None)
        default = Unknown if whole is None else events | (CMD_DELETE & whole)
        base_default, base_columns = self.column_events(auto.base_relid, inner)
        by_column: dict[int, int | None] = {}
        for column, base_column in auto.updatable.items():
            base = base_columns.get(base_column, base_default)
            by_column[column] = Unknown if base is None else events | (ALL_EVENTS & base)
        return default, by_column

    def relation_is_updatable(self, oid: int, outer: tuple[int, ...], include_triggers: bool,
                              include_cols: frozenset[int] | None) -> int | None:
        """The port of ``relation_is_updatable``. ``outer`` lists the views being looked
        through (a recursive view is not updatable); ``include_cols`` None means all columns
        (PostgreSQL's NULL bitmapset: an empty set is None too)."""
        if oid in outer:
            return 0
        facts = self.facts
        if oid in facts.foreign_events:
            # rules and triggers of a foreign table are in the server's answer already (and
            # INSTEAD OF triggers exist on views only, so include_triggers changes nothing)
            return facts.foreign_events[oid]
        kind = facts.kinds.get(oid)
        if kind is None:
            return Unknown  # not a view known here (the caller never asks about tables)
        events = facts.rule_events.get(oid, 0) & ALL_EVENTS
        if events == ALL_EVENTS:
            return events
        if include_triggers:
            events |= facts.trigger_events.get(oid, 0) & ALL_EVENTS
            if events == ALL_EVENTS:
                return events
        if kind != "v":
            return events  # a materialized view: only its rules and triggers count
        auto = self._auto_view(oid)
        if auto is None:
            return Unknown
        if auto is False:
            return events
        assert isinstance(auto, _AutoView)
        updatable_cols: Collection[int] = auto.updatable.keys()
        if include_cols is not None:
            updatable_cols = auto.updatable.keys() & include_cols
        auto_events = ALL_EVENTS if updatable_cols else CMD_DELETE
        if auto.base_relkind not in _TABLE_KINDS:
            # the base must support them too, for the base columns this view's columns map to
            base_cols = frozenset(auto.updatable[c] for c in updatable_cols) or None
            base_events = self.relation_is_updatable(auto.base_relid, (*outer, oid),
                                                     include_triggers, base_cols)
            if base_events is None:
                return Unknown
            auto_events &= base_events
        return events | auto_events

    def _auto_view(self, oid: int) -> _AutoView | bool | None:
        """The view's query digested (False: not automatically updatable, None: unknown)."""
        if oid in self._auto:
            return self._auto[oid]
        query = self.facts.queries.get(oid)
        answer: _AutoView | bool | None
        if query is None:
            answer = Unknown
        else:
            auto = view_query_is_auto_updatable(query, False)
            if not auto:
                answer = auto
            else:
                base = query.rtable[query.single_from - 1]  # type: ignore[operator]
                answer = _AutoView(base.relid, base.relkind,
                                   adjust_view_column_set(base.relid, query.entries))
        self._auto[oid] = answer
        return answer


def adjust_view_column_set(base_relid: int, entries: Iterable[Entry]) -> dict[int, int]:
    """The updatable columns of an auto-updatable view (``view_cols_are_auto_updatable``),
    each mapped to its base-relation column as ``adjust_view_column_set`` does.

    >>> adjust_view_column_set(100, [(1, 100, 3, False), (2, 0, 0, False)])
    {1: 3}
    """
    # view_col_is_auto_updatable inlined: 364,000 entries at 68,000 relations
    return {resno: column for resno, origin, column, junk in entries
            if not junk and origin == base_relid and column > 0}
