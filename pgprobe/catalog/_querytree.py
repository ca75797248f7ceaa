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
>>> q.single_from, q.rtable[0].relid, q.plain[0].varattno, q.plain[0].origin_oid
(1, 16385, 1, 16385)
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
_TAIL_FIELDS = ("groupClause", "groupingSets", "havingQual", "windowClause", "distinctClause",
                "sortClause", "limitOffset", "limitCount", "setOperations", "rowMarks")
# A TargetEntry whose whole expression is one Var (a Var node holds no braces), with the
# entry's fields after it. Field order is outfuncs' (15 to 18; varnullingrels from 16); names
# hold no space once escapes are removed.
_PLAIN_ENTRY = re.compile(
    r"\{TARGETENTRY :expr \{VAR :varno ([0-9]+) :varattno (-?[0-9]+) :vartype [0-9]+ "
    r":vartypmod -?[0-9]+ :varcollid [0-9]+ (?::varnullingrels \([^)]*\) )?"
    r":varlevelsup ([0-9]+) [^{}]*\} :resno ([0-9]+) :resname [^ ]* :ressortgroupref [0-9]+ "
    r":resorigtbl ([0-9]+) :resorigcol (-?[0-9]+) :resjunk (true|false)\}")
_SINGLE_FROM = re.compile(r":jointree \{FROMEXPR :fromlist \(\{RANGETBLREF :rtindex ([0-9]+)\}\) "
                          r":quals (<>|\{)")
_RTE_FIELD = re.compile(r":(rtekind|relid|relkind|inh|tablesample) (\S+)")


@dataclass(frozen=True, slots=True)
class RangeEntry:
    """One range-table entry: ``rtekind`` 0 is a relation (``relid``, ``relkind``)."""

    rtekind: int
    relid: int
    relkind: str
    inh: bool
    aliased: bool
    """The query gave the relation an alias (``FROM t AS x``)."""
    tablesample: bool


class Entry(NamedTuple):
    """A top-level target entry that is a plain column reference (a Var): (varno, varattno,
    varlevelsup) name the column, ``origin_*`` are the resorigtbl/resorigcol fields
    PostgreSQL recorded (0 when the column is not a base-table one)."""

    resno: int
    varno: int
    varattno: int
    varlevelsup: int
    origin_oid: int
    origin_column: int
    resjunk: bool


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
    entry_count: int
    """How many entries the target list has (junk ones included)."""
    plain: tuple[Entry, ...]
    """The entries that are plain column references, by resno."""


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
    filled = frozenset(name for name in _TAIL_FIELDS if f":{name} " in tail
                       and f":{name} <>" not in tail)
    if ":cteList <>" not in head:
        filled |= {"cteList"}
    single = _SINGLE_FROM.search(tree, jointree_at)
    plain = tuple(Entry(int(resno), int(varno), int(attno), int(up), int(oid), int(col),
                        junk == "true")
                  for varno, attno, up, resno, oid, col, junk
                  in _PLAIN_ENTRY.findall(tree, first))
    return TopQuery(flags, filled, int(single.group(1)) if single else None,
                    bool(single and single.group(2) == "{"),
                    _rtable(tree, rtable_at, jointree_at),
                    tree.count("{TARGETENTRY ", first), plain)


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
        fields: dict[str, str] = {}
        for name, value in _RTE_FIELD.findall(tree, first, last):
            fields.setdefault(name, value)  # the entry's own fields come first
        out.append(RangeEntry(
            rtekind=int(fields.get("rtekind", "-1")),
            relid=int(fields["relid"]) if fields.get("relid", "").isdigit() else 0,
            relkind=fields.get("relkind", ""),
            inh=fields.get("inh") == "true",
            aliased=not tree.startswith("{RANGETBLENTRY :alias <>", first),
            tablesample=fields.get("tablesample", "<>") != "<>"))
    return tuple(out)
