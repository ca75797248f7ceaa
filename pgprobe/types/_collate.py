"""String order of the TypeScript generator: ``Intl.Collator("en")`` (ICU root collation).

postgrest-typegen orders every name with an English ICU collator, not by code point:
``_`` and other punctuation sort before digits, digits before letters, case only breaks
ties (lower case first), and accents break ties before case.

>>> sorted(["users", "user_profiles", "Users", "t1", "_x"], key=collation_key)
['_x', 't1', 'user_profiles', 'users', 'Users']
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

# DUCET order of the ASCII punctuation and symbols (non-ignorable, as ICU's default).
_SYMBOLS = " \t\n\r_-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$"
_PRIMARY: dict[str, int] = {ch: i + 1 for i, ch in enumerate(_SYMBOLS)}
_DIGIT_BASE = 100
_LETTER_BASE = 200
_OTHER_BASE = 1000


def _char_weights(ch: str) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    if ch in _PRIMARY:
        return (_PRIMARY[ch],), (0,), (0,)
    if "0" <= ch <= "9":
        return (_DIGIT_BASE + ord(ch) - 48,), (0,), (0,)
    low = ch.lower()
    if "a" <= low <= "z" and len(low) == 1:
        return (_LETTER_BASE + ord(low) - 97,), (0,), (1 if ch != low else 0,)
    decomposed = unicodedata.normalize("NFD", ch)
    base, marks = decomposed[0], decomposed[1:]
    if base != ch and base.isascii():
        p, _, t = _char_weights(base)
        return p, (1 + sum(ord(m) for m in marks),), t
    # Anything else: after ASCII letters, by code point of its lower case form.
    lowered = ch.lower()
    return (_OTHER_BASE + ord(lowered[0]),), (0,), (1 if ch != lowered else 0,)


def _ascii_tables() -> tuple[dict[int, str], dict[int, str]]:
    primary: dict[int, str] = {}
    tertiary: dict[int, str] = {}
    for code in range(128):
        ch = chr(code)
        p, _, t = _char_weights(ch)
        primary[code] = chr(p[0])
        tertiary[code] = chr(t[0] + 48)
    return primary, tertiary


_ASCII_PRIMARY, _ASCII_TERTIARY = _ascii_tables()


@lru_cache(maxsize=65536)
def collation_key(text: str) -> tuple[str, str, str]:
    """A sort key that orders strings like ``new Intl.Collator("en").compare``."""
    if text.isascii():
        # every ASCII character has exactly one weight per level and no accents
        return text.translate(_ASCII_PRIMARY), "", text.translate(_ASCII_TERTIARY)
    primary: list[int] = []
    secondary: list[int] = []
    tertiary: list[int] = []
    for ch in text:
        p, s, t = _char_weights(ch)
        primary.extend(p)
        secondary.extend(s)
        tertiary.extend(t)
    return ("".join(map(chr, primary)), "".join(chr(x + 48) for x in secondary),
            "".join(chr(x + 48) for x in tertiary))


def compare(a: str, b: str) -> int:
    """-1, 0 or 1, like ``Intl.Collator("en").compare``."""
    ka, kb = collation_key(a), collation_key(b)
    return (ka > kb) - (ka < kb)
