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
    depth = 0
    last = 0
    for m in _ENTRY.finditer(tree):
        start = m.start()
        depth += tree.count("{", last, start) - tree.count("}", last, start)
        last = start
        if depth == 2:
            src_oid, src_attnum = int(m.group(2)), int(m.group(3))
            if src_oid and src_attnum > 0:
                found.append((int(m.group(1)), src_oid, src_attnum))
    return found


def direct_sources(trees: Iterable[Sequence[Any]]) -> tuple[Direct, list[int]]:
    """The one-step lineage of every view in ``trees`` (rows of view_trees.sql) and the oids
    of the asked views, in order."""
    direct: Direct = {}
    asked: list[int] = []
    for view_oid, is_asked, tree in trees:
        if is_asked:
            asked.append(view_oid)
        for resno, src_oid, src_attnum in top_level_entries(tree):
            direct[(view_oid, resno)] = (src_oid, src_attnum)
    return direct, asked


def followed(direct: Direct, asked: Iterable[int]) -> dict[str, list[int]]:
    """The source of each asked view column, followed through views of views (never around
    a cycle), as the parallel arrays view_sources.sql takes. Sources that are still views
    drop out there."""
    out: dict[str, list[int]] = {"view_oids": [], "resnos": [], "src_oids": [],
                                 "src_attnums": []}
    wanted = set(asked)
    for (view_oid, resno), source in direct.items():
        if view_oid not in wanted:
            continue
        path = {view_oid}
        # a source that is itself a view column with a source steps on; the steps between
        # are views, which view_sources.sql would drop, so only the last one is sent
        while (nxt := direct.get(source)) is not None and source[0] not in path:
            path.add(source[0])
            source = nxt
        out["view_oids"].append(view_oid)
        out["resnos"].append(resno)
        out["src_oids"].append(source[0])
        out["src_attnums"].append(source[1])
    return out


def view_lineage(conn: Any, params: dict[str, Any]) -> Any:
    """Run view_trees.sql and view_sources.sql on ``conn``; the cursor of the named rows."""
    from ._reader import query_text

    trees = conn.execute(query_text("view_trees"), params).fetchall()
    return conn.execute(query_text("view_sources"), followed(*direct_sources(trees)))
