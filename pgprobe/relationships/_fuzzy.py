"""The fuzzy string set PostgREST uses for its "Perhaps you meant ..." hints.

PostgREST relies on the Haskell ``fuzzyset`` package (0.2.x): names are compared by
cosine similarity of their 3-grams (then 2-grams) after normalisation (lower case,
letters/digits/space/comma only, padded with ``-``), and the best 50 candidates are
re-ranked by normalised Levenshtein similarity. Matching that exactly keeps our hints
byte-identical to PostgREST's.

>>> FuzzySet(["films", "directors", "roles"]).get_one("film")
'films'
>>> FuzzySet(["films"]).get_one("zzz") is None
True
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable


def _normalized(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum() or ch.isspace() or ch == ",")


def _gram_vector(text: str, size: int) -> Counter[str]:
    padded = "-" + _normalized(text) + "-"
    return Counter(padded[i:i + size] for i in range(len(padded) - size + 1))


def _levenshtein(a: str, b: str) -> int:
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1,
                               previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def _similarity(a: str, b: str) -> float:
    """``levenshteinNorm``: 1 - distance / longest length (1 for two empty strings)."""
    longest = max(len(a), len(b))
    return 1.0 if longest == 0 else 1.0 - _levenshtein(a, b) / longest


def _hamt_order(index: int) -> tuple[int, ...]:
    """Iteration order of an ``Int``-keyed Haskell HashMap: 5-bit digits, lowest first."""
    digits = []
    for _ in range(13):
        digits.append(index & 31)
        index >>= 5
    return tuple(digits)


class FuzzySet:
    """Approximate string lookup with the behaviour of Haskell's ``Data.FuzzySet``."""

    def __init__(self, values: Iterable[str] = (), gram_sizes: tuple[int, int] = (2, 3)) -> None:
        self.lower, self.upper = gram_sizes
        self.exact: dict[str, str] = {}
        self.items: dict[int, list[tuple[float, str]]] = {n: [] for n in range(self.lower, self.upper + 1)}
        self.match: dict[int, dict[str, list[tuple[int, int]]]] = {
            n: {} for n in range(self.lower, self.upper + 1)}
        # ``fromList`` folds from the right: the last value is added first.
        for value in reversed(list(values)):
            self.add(value)

    def add(self, value: str) -> None:
        key = value.lower()
        if key in self.exact.values():  # the library checks the stored values, not keys
            return
        for size in range(self.lower, self.upper + 1):
            grams = _gram_vector(key, size)
            index = len(self.items[size])
            self.items[size].append((math.sqrt(sum(c * c for c in grams.values())), key))
            for gram, count in grams.items():
                self.match[size].setdefault(gram, []).append((index, count))
        self.exact[key] = value

    def get(self, value: str, min_score: float = 0.33) -> list[tuple[float, str]]:
        """``[(score, value)]`` best first; an exact (case-insensitive) hit is ``[(1.0, v)]``."""
        key = value.lower()
        if key in self.exact:
            return [(1.0, self.exact[key])]
        for size in range(self.upper, self.lower - 1, -1):
            found = self._matches(key, size, min_score)
            if found:
                return found
        return []

    def get_one(self, value: str, min_score: float = 0.33) -> str | None:
        found = self.get(value, min_score)
        return found[0][1] if found else None

    def _matches(self, key: str, size: int, min_score: float) -> list[tuple[float, str]]:
        query = _gram_vector(key, size)
        dots: dict[int, int] = {}
        for gram, count in query.items():
            for index, other in self.match[size].get(gram, ()):
                dots[index] = dots.get(index, 0) + other * count
        magnitude = math.sqrt(sum(c * c for c in query.values()))
        items = self.items[size]
        scored = [(dots[i] / (magnitude * items[i][0]), items[i][1])
                  for i in sorted(dots, key=_hamt_order)]
        scored.sort(key=lambda pair: -pair[0])
        reranked = [(_similarity(key, entry), entry) for _, entry in scored[:50]]
        reranked.sort(key=lambda pair: -pair[0])
        return [(score, self.exact.get(entry, "")) for score, entry in reranked
                if score >= min_score]
