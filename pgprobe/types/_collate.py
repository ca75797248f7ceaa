"""String order of the TypeScript generator: ``new Intl.Collator("en")``, through real ICU.

postgres-meta orders every name with an English ICU collator (``Intl.Collator("en")``: usage
sort, tertiary strength, non-ignorable punctuation, no numeric ordering, no case-first), not by
code point. PyICU gives pgprobe the same ICU collator, so names in any script (``ø``, ``ß``,
Greek, CJK, emoji) sort exactly as in the file postgres-meta prints. Equal keys keep their
input order, as JavaScript's stable ``Array.prototype.sort`` does.

>>> sorted(["users", "user_profiles", "Users", "t1", "_x", "ø", "z"], key=collation_key)
['_x', 'ø', 't1', 'user_profiles', 'users', 'Users', 'z']
"""

from __future__ import annotations

from functools import cache, lru_cache
from typing import Any

from .._errors import DependencyError

LOCALE = "en"
"""The locale postgres-meta's typegen passes to ``Intl.Collator``."""


@cache
def _collator() -> Any:
    try:
        import icu
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise DependencyError(
            "ordering names like postgres-meta needs ICU (PyICU)",
            hint="apt-get install libicu-dev pkg-config g++ && pip install PyICU") from exc
    collator = icu.Collator.createInstance(icu.Locale(LOCALE))
    # Intl.Collator's defaults for usage "sort", spelled out (they are also ICU's for "en").
    collator.setStrength(icu.Collator.TERTIARY)
    collator.setAttribute(icu.UCollAttribute.ALTERNATE_HANDLING, icu.UCollAttributeValue.NON_IGNORABLE)
    collator.setAttribute(icu.UCollAttribute.CASE_FIRST, icu.UCollAttributeValue.OFF)
    collator.setAttribute(icu.UCollAttribute.NUMERIC_COLLATION, icu.UCollAttributeValue.OFF)
    collator.setAttribute(icu.UCollAttribute.NORMALIZATION_MODE, icu.UCollAttributeValue.ON)
    return collator


@lru_cache(maxsize=65536)
def collation_key(text: str) -> bytes:
    """A sort key that orders strings like ``new Intl.Collator("en").compare``."""
    return bytes(_collator().getSortKey(text))


def compare(a: str, b: str) -> int:
    """-1, 0 or 1, like ``Intl.Collator("en").compare``."""
    ka, kb = collation_key(a), collation_key(b)
    return (ka > kb) - (ka < kb)
