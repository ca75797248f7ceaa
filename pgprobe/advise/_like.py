"""SQL ``LIKE`` semantics in Python, for rules that mirror a pattern test on catalog text.

``%`` is any run of characters, ``_`` any one character, ``\\`` escapes the next one.

>>> like("pgbouncer", "pg_%"), like("pg", "pg_%")
(True, False)
>>> like("current_setting('x')", r"%current\\_setting(%)%")
True
"""

from __future__ import annotations

import re
from functools import lru_cache


@lru_cache(maxsize=256)
def _compile(pattern: str) -> re.Pattern[str]:
    out, i = [], 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if ch == "%" else "." if ch == "_" else re.escape(ch))
        i += 1
    return re.compile("".join(out), re.DOTALL)


def like(text: str | None, pattern: str) -> bool:
    """``text LIKE pattern`` (case-sensitive; ``None`` never matches)."""
    return text is not None and _compile(pattern).fullmatch(text) is not None
