"""The blocking tree, from each session's ``pg_blocking_pids()``.

A waiter can be blocked by several sessions at once: the holder of a conflicting lock (a
hard block) and every conflicting waiter queued ahead of it (a soft block). The tree hangs
each waiter under the blocker that is deepest in its own chain, so a ``SELECT`` queued behind
an ``ALTER TABLE`` that waits for an idle transaction reads ``A -> B -> C``; the other direct
blockers stay listed in ``blocked_by``. A root blocker waits for nobody.

>>> rows = [{"pid": 1, "blocked_by": []}, {"pid": 2, "blocked_by": [1]},
...         {"pid": 3, "blocked_by": [1, 2]}]
>>> [(n.pid, n.depth, n.parent, n.root) for n in flatten(build(rows))]
[(1, 0, None, 1), (2, 1, 1, 1), (3, 2, 2, 1)]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Node", "build", "flatten"]


@dataclass
class Node:
    """One session in the tree: its row (from the ``blocking`` SQL), parent and children."""

    pid: int
    row: Mapping[str, Any]
    parent: int | None = None
    root: int = 0
    depth: int = 0
    children: list[Node] = field(default_factory=list)

    @property
    def blocked_by(self) -> list[int]:
        return list(self.row.get("blocked_by") or [])


def _chain_depths(blockers: Mapping[int, list[int]]) -> dict[int, int]:
    """Longest chain of blockers above each pid (0 for a root). A cycle (a deadlock the
    server has not broken yet) is cut where it closes."""
    depths: dict[int, int] = {}
    visiting: set[int] = set()

    def depth(pid: int) -> int:
        if pid in depths:
            return depths[pid]
        if pid in visiting:
            return 0
        visiting.add(pid)
        above = [depth(b) + 1 for b in blockers.get(pid, []) if b != pid]
        visiting.discard(pid)
        depths[pid] = max(above, default=0)
        return depths[pid]

    for pid in blockers:
        depth(pid)
    return depths


def build(rows: Iterable[Mapping[str, Any]]) -> list[Node]:
    """The root blockers, each with its tree of waiters (children ordered by pid)."""
    nodes = {int(r["pid"]): Node(int(r["pid"]), r) for r in rows}
    blockers = {pid: [b for b in n.blocked_by if b in nodes] for pid, n in nodes.items()}
    depths = _chain_depths(blockers)
    roots: list[Node] = []
    for pid in sorted(nodes):
        node = nodes[pid]
        candidates = [b for b in blockers[pid] if depths.get(b, 0) < depths[pid]]
        if not candidates:
            roots.append(node)
            continue
        node.parent = max(candidates, key=lambda b: (depths[b], -b))
        nodes[node.parent].children.append(node)
    for root in roots:
        _assign(root, root.pid, 0)
    return roots


def _assign(node: Node, root: int, depth: int) -> None:
    node.root, node.depth = root, depth
    for child in node.children:
        _assign(child, root, depth + 1)


def flatten(roots: Iterable[Node]) -> list[Node]:
    """Depth-first order: each root, then its waiters under it."""
    out: list[Node] = []
    stack = list(reversed(list(roots)))
    while stack:
        node = stack.pop()
        out.append(node)
        stack.extend(reversed(node.children))
    return out
