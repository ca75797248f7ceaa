"""View lineage: which base-table column each view column exposes.

PostgreSQL records a plain column reference of a view's top-level target list as the
``resorigtbl``/``resorigcol`` fields of its TARGETENTRY node in the stored query tree
(``pg_rewrite.ev_action``). ``sql/view_trees.sql`` reads those trees, this module picks the
fields of the top-level entries and follows views of views, and ``sql/view_sources.sql``
names the result. Scanning the trees here instead of with ``regexp_matches`` in SQL takes
the 68,000-relation database from 44 s to about a second (docs/benchmarks.md, Scale).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from ._querytree import TopQuery, read_top_query

_ESCAPED = re.compile(r"\\.", re.S)
# The fields of a TargetEntry after its expression, in the order PostgreSQL writes them
# (outfuncs, the same in 15 to 18). With escapes removed a name holds no space.
_ENTRY = re.compile(r":resno ([0-9]+) :resname [^ ]* :ressortgroupref [0-9]+ "
                    r":resorigtbl ([0-9]+) :resorigcol (-?[0-9]+)")

Direct = dict[tuple[int, int], tuple[int, int]]
"""(view oid, view column number) -> (source relation oid, source column number)."""


def top_level_entries(tree: str) -> list[tuple[int, int, int]]:
    """(resno, source oid, source column number) of each plain column reference in the
    top-level target list of one ``ev_action`` tree.

    The top-level query's entries are the TARGETENTRY nodes at brace depth 2 (the query node
    is depth 1), so their fields sit at depth 2 after the entry's expression; entries of
    sub-queries sit deeper. Escaped characters (braces inside names) do not count."""
    if "\\" in tree:
        tree = _ESCAPED.sub("", tree)
    found: list[tuple[int, int, int]] = []
    # Every entry comes after the first target list's label (sub-queries in the range table
    # have theirs before their entries), so the range table before it is only counted.
    last = tree.find(":targetList")
    if last < 0:
        return found
    if tree.find(":targetList", last + 1) < 0:
        # The only query of the tree (no sub-query, CTE or sub-link, each of which has a
        # target list of its own): every entry is a top-level one.
        return [(int(resno), int(oid), int(attnum))
                for resno, oid, attnum in _ENTRY.findall(tree, last)
                if oid != "0" and int(attnum) > 0]
    depth = tree.count("{", 0, last) - tree.count("}", 0, last)
    for m in _ENTRY.finditer(tree, last):
        start = m.start()
        depth += tree.count("{", last, start) - tree.count("}", last, start)
        last = start
        if depth == 2:
            src_oid, src_attnum = int(m.group(2)), int(m.group(3))
            if src_oid and src_attnum > 0:
                found.append((int(m.group(1)), src_oid, src_attnum))
    return found


def direct_sources(trees: Iterable[Sequence[Any]]
                   ) -> tuple[Direct, list[int], dict[int, TopQuery | None]]:
    """The one-step lineage of every view in ``trees`` (rows of view_trees.sql), the oids of
    the asked views, in order, and each view's top-level query (``_querytree``: None for a
    tree of several queries), which updatability and plain definitions read too."""
    direct: Direct = {}
    asked: list[int] = []
    queries: dict[int, TopQuery | None] = {}
    for view_oid, is_asked, tree, *_facts in trees:  # the facts: _updatable.py
        if is_asked:
            asked.append(view_oid)
        query = queries[view_oid] = read_top_query(tree)
        if query is None:
            entries = top_level_entries(tree)
        else:
            entries = [(resno, oid, column) for resno, oid, column, _junk in query.entries
                       if oid and column > 0]
        for resno, src_oid, src_attnum in entries:
            direct[(view_oid, resno)] = (src_oid, src_attnum)
    return direct, asked, queries


def followed(direct: Direct, asked: Iterable[int]) -> list[tuple[int, int, int, int]]:
    """(view oid, view column number, source oid, source column number) of each asked view
    column with a source, followed through views of views (never around a cycle). A source
    that is still a view (a column with no plain base) is kept here and dropped by
    ``named``."""
    out: list[tuple[int, int, int, int]] = []
    wanted = set(asked)
    for (view_oid, resno), source in direct.items():
        if view_oid not in wanted:
            continue
        path = {view_oid}
        while (nxt := direct.get(source)) is not None and source[0] not in path:
            path.add(source[0])
            source = nxt
        out.append((view_oid, resno, source[0], source[1]))
    return out


LINEAGE_FIELDS = ("view_schema", "view_name", "view_column", "source_schema", "source_table",
                  "source_column")


def named(lineage: Sequence[tuple[int, int, int, int]], relations: Iterable[Sequence[Any]]
          ) -> list[tuple[str, str, str, str, str, str]]:
    """The lineage as (view_schema, view_name, view_column, source_schema, source_table,
    source_column) tuples (``LINEAGE_FIELDS``), from the rows of view_sources.sql; sources
    that are views drop, and so does a pair whose relation or column is gone."""
    by_oid = {row[0]: row for row in relations}
    out: list[tuple[str, str, str, str, str, str]] = []
    for view_oid, resno, src_oid, src_attnum in lineage:
        view, source = by_oid.get(view_oid), by_oid.get(src_oid)
        if view is None or source is None or source[3]:
            continue
        view_column = _column(view[4], resno)
        source_column = _column(source[4], src_attnum)
        if view_column is None or source_column is None:
            continue
        out.append((view[1], view[2], view_column, source[1], source[2], source_column))
    return out


def _column(columns: Sequence[str | None], number: int) -> str | None:
    return columns[number - 1] if 0 < number <= len(columns) else None


def relation_oids(lineage: Iterable[tuple[int, int, int, int]]) -> str:
    """The relations view_sources.sql is asked to name, as an array literal (``oid_array``).

    >>> relation_oids([(10, 1, 20, 1), (10, 2, 20, 2)])
    '{10,20}'
    """
    return oid_array(sorted({oid for row in lineage for oid in (row[0], row[2])}))


def oid_array(oids: Iterable[int]) -> str:
    """Oids as one array literal for an ``%(...)s::oid[]`` parameter: psycopg adapts a list of
    68,000 ints element by element in Python (0.6 s), a string in one go.

    >>> oid_array([3, 1])
    '{3,1}'
    """
    return "{" + ",".join(map(str, oids)) + "}"


def view_lineage(conn: Any, params: dict[str, Any]) -> list[dict[str, Any]]:
    """Run view_trees.sql and view_sources.sql on ``conn``: the named lineage rows, as dicts
    keyed by ``LINEAGE_FIELDS``."""
    from ._reader import query_text

    trees = conn.execute(query_text("view_trees"), params).fetchall()
    direct, asked, _queries = direct_sources(trees)
    lineage = followed(direct, asked)
    rows = conn.execute(query_text("view_sources"), {"oids": relation_oids(lineage)}).fetchall()
    return [dict(zip(LINEAGE_FIELDS, row, strict=True)) for row in named(lineage, rows)]
