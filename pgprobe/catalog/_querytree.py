"""The top-level query of a view's stored tree (``pg_rewrite.ev_action``), read in Python.

PostgreSQL answers "is this view updatable" and "what is its definition" by opening the view
and every relation it reads (a relation-cache entry each, with their rules, triggers and
policies): at 68,000 relations that is most of a snapshot's server time. For the common shape
(one query, no sub-query, CTE or sub-link) the answers only need a few fields of the stored
tree, which the snapshot reads anyway for the view lineage (``sql/view_trees.sql``). This
module reads those fields; ``TopQuery`` is ``None`` for any other tree, and the caller asks
the server instead.

The text format is PostgreSQL's ``outfuncs.c`` (``nodeToString``), the same for the fields
read here in 15 to 18; no library reads it (pglast parses SQL, not stored trees).

>>> tree = ('({QUERY :commandType 1 :hasAggs false :hasWindowFuncs false :hasTargetSRFs false '
...         ':cteList <> :rtable ({RANGETBLENTRY :alias <> :eref {ALIAS :aliasname t :colnames '
...         '("id")} :rtekind 0 :relid 16385 :inh true :relkind r :rellockmode 1 :perminfoindex 1 '
...         ':tablesample <> :lateral false :inFromCl true :securityQuals <>}) :rteperminfos <> '
...         ':jointree {FROMEXPR :fromlist ({RANGETBLREF :rtindex 1}) :quals <>} :targetList '
...         '({TARGETENTRY :expr {VAR :varno 1 :varattno 1 :vartype 23 :vartypmod -1 :varcollid 0 '
...         ':varnullingrels (b) :varlevelsup 0 :varnosyn 1 :varattnosyn 1 :location 7} :resno 1 '
...         ':resname id :ressortgroupref 0 :resorigtbl 16385 :resorigcol 1 :resjunk false}) '
...         ':groupClause <> :groupingSets <> :havingQual <> :windowClause <> :distinctClause <> '
...         ':sortClause <> :limitOffset <> :limitCount <> :setOperations <>})')
>>> q = read_top_query(tree)
>>> q.single_from, q.rtable[0].relid, q.entries[0]
(1, 16385, (1, 16385, 1, False))
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise
from typing import NamedTuple

__all__ = ["TopQuery", "RangeEntry", "Entry", "read_top_query"]

_ESCAPED = re.compile(r"\\.", re.S)
_FLAGS = ("hasAggs", "hasWindowFuncs", "hasTargetSRFs", "hasSubLinks", "hasDistinctOn",
          "hasRecursive", "hasModifyingCTE", "hasForUpdate")
# Query fields after the target list that hold a list or a node ("<>": empty or null).
_FILLED = re.compile(r":(groupClause|groupingSets|havingQual|windowClause|distinctClause"
                     r"|sortClause|limitOffset|limitCount|setOperations|rowMarks) (?!<>)")
# The fields of each TargetEntry after its expression (outfuncs order, 15 to 18); names hold
# no space once escapes are removed.
_ENTRY = re.compile(r":resno ([0-9]+) :resname [^ ]* :ressortgroupref [0-9]+ "
                    r":resorigtbl ([0-9]+) :resorigcol (-?[0-9]+) :resjunk (true|false)")
_SINGLE_FROM = re.compile(r":jointree \{FROMEXPR :fromlist \(\{RANGETBLREF :rtindex ([0-9]+)\}\) "
                          r":quals (<>|\{)")
# A range-table entry's kind, and for a relation its fields (inh sits among them from 16 on,
# after them in 15).
_RTE_KIND = re.compile(r":rtekind ([0-9]+) (?::relid ([0-9]+) (?::inh (true|false) )?"
                       r":relkind (\w) :rellockmode [0-9]+ (?::perminfoindex [0-9]+ )?"
                       r":tablesample (<>|\{))?")
_INH = re.compile(r":inh (true|false)")


class RangeEntry(NamedTuple):
    """One range-table entry: ``rtekind`` 0 is a relation (``relid``, ``relkind``)."""

    rtekind: int
    relid: int
    relkind: str
    inh: bool
    aliased: bool
    """The query gave the relation an alias (``FROM t AS x``)."""
    tablesample: bool


Entry = tuple[int, int, int, bool]
"""A top-level target entry: (resno, origin oid, origin column, resjunk). The origin is the
resorigtbl/resorigcol pair PostgreSQL recorded: the parser sets it only for an expression
that is one plain column reference (a Var) of a relation, so in a single-query tree a
non-zero origin oid means "this entry is that column of that range-table relation" (column
0 for a whole-row reference, negative for a system column). Plain tuples: a view layer of
34,600 views has 364,000 entries."""


@dataclass(frozen=True, slots=True)
class TopQuery:
    """The fields of a single-query tree that updatability and plain definitions need."""

    flags: frozenset[str]
    """The ``has*`` flags that are true (``hasAggs``, ``hasWindowFuncs``, ...)."""
    filled: frozenset[str]
    """Which of ``cteList``, ``groupClause``, ... ``setOperations`` are not empty."""
    single_from: int | None
    """The rtindex when the FROM list is exactly one range-table reference, else None."""
    where: bool
    """The query has a WHERE clause (only meaningful with ``single_from``)."""
    rtable: tuple[RangeEntry, ...]
    entries: tuple[Entry, ...]
    """The target list, junk entries included, by resno."""


def read_top_query(tree: str) -> TopQuery | None:
    """The top-level query of one ``ev_action`` tree, or None unless the tree holds exactly
    one query (no sub-query, CTE, sub-link or set operation)."""
    if "\\" in tree:
        tree = _ESCAPED.sub("", tree)
    first = tree.find(":targetList ")
    # every sub-query, CTE or sub-link has a target list of its own
    if not tree.startswith("({QUERY ") or first < 0 or tree.find(":targetList", first + 1) >= 0:
        return None
    rtable_at = tree.find(":rtable ")
    jointree_at = tree.find(":jointree ", rtable_at)
    head = tree[:rtable_at]
    tail = tree[tree.rfind(":groupClause "):]
    flags = frozenset(name for name in _FLAGS if f":{name} true" in head)
    filled = frozenset(_FILLED.findall(tail))
    if ":cteList <>" not in head:
        filled |= {"cteList"}
    single = _SINGLE_FROM.search(tree, jointree_at)
    entries = tuple([(int(resno), int(oid), int(col), junk == "true")
                     for resno, oid, col, junk in _ENTRY.findall(tree, first)])
    return TopQuery(flags, filled, int(single.group(1)) if single else None,
                    bool(single and single.group(2) == "{"),
                    _rtable(tree, rtable_at, jointree_at), entries)


def _rtable(tree: str, begin: int, end: int) -> tuple[RangeEntry, ...]:
    """The range-table entries: in a single-query tree every RANGETBLENTRY is a top-level one,
    and each one's fields come before the next one starts (permission infos, 16 and later,
    sit between the range table and the join tree)."""
    perms = tree.find(":rteperminfos ", begin, end)
    if perms >= 0:
        end = perms
    starts = []
    at = tree.find("{RANGETBLENTRY ", begin, end)
    while at >= 0:
        starts.append(at)
        at = tree.find("{RANGETBLENTRY ", at + 1, end)
    starts.append(end)
    out: list[RangeEntry] = []
    for first, last in pairwise(starts):
        kind = _RTE_KIND.search(tree, first, last)
        if kind is None:
            out.append(RangeEntry(-1, 0, "", False, False, False))
            continue
        rtekind, relid, inh, relkind, sample = kind.groups()
        if relid is not None and inh is None:
            found = _INH.search(tree, kind.end(), last)
            inh = found.group(1) if found else None
        out.append(RangeEntry(int(rtekind), int(relid or 0), relkind or "", inh == "true",
                              not tree.startswith("{RANGETBLENTRY :alias <>", first),
                              sample == "{"))
    return tuple(out)
