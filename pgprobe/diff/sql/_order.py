"""Put statements in an order that works: by phase, then by the dependencies they declare.

Within a phase, a statement runs after every statement that provides a token it requires
(Kahn's algorithm, ties broken by emission order). A dependency cycle (rare: the snapshot's
edges are coarse) is broken at the earliest emitted statement still waiting.

>>> from ._model import Statement
>>> a = Statement("b", "b", "rel", "create", requires=("rel:a",))
>>> b = Statement("a", "a", "rel", "create", provides=("rel:a",))
>>> [s.sql for s in order([a, b])]
['a', 'b']
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Sequence

from ._model import Statement


def order(statements: Sequence[Statement]) -> list[Statement]:
    out: list[Statement] = []
    for phase in sorted({s.phase for s in statements}):
        out += _order_phase([s for s in statements if s.phase == phase])
    return out


def _order_phase(group: list[Statement]) -> list[Statement]:
    providers: dict[str, list[int]] = defaultdict(list)
    for i, s in enumerate(group):
        for token in s.provides:
            providers[token].append(i)
    waits_on: list[set[int]] = []
    for i, s in enumerate(group):
        waits_on.append({j for t in s.requires for j in providers.get(t, ()) if j != i})
    followers: dict[int, list[int]] = defaultdict(list)
    for i, before in enumerate(waits_on):
        for j in before:
            followers[j].append(i)
    remaining = [len(w) for w in waits_on]
    ready = [i for i, n in enumerate(remaining) if n == 0]
    heapq.heapify(ready)
    done = [False] * len(group)
    out: list[Statement] = []
    while len(out) < len(group):
        if not ready:  # a cycle: release the earliest statement still waiting
            ready = [min(i for i in range(len(group)) if not done[i])]
        i = heapq.heappop(ready)
        if done[i]:
            continue
        done[i] = True
        out.append(group[i])
        for f in followers[i]:
            remaining[f] -= 1
            if remaining[f] == 0 and not done[f]:
                heapq.heappush(ready, f)
    return out
