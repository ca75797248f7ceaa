"""Human units for the views' raw numbers: ``*_bytes`` columns as sizes, ``*_s`` as durations.

>>> size(1536), size(0), duration(192.4), duration(2460), duration(0.25)
('1.5 kB', '0 B', '3m12s', '41m', '0.25s')
"""

from __future__ import annotations

import math
from typing import Any

__all__ = ["size", "duration", "human", "human_rows", "short"]

_UNITS = ("B", "kB", "MB", "GB", "TB", "PB")


def size(n: Any) -> str:
    """``1536`` -> ``'1.5 kB'`` (powers of 1024, as pg_size_pretty)."""
    if n is None or (isinstance(n, float) and math.isnan(n)):
        return ""
    value = float(n)
    unit = 0
    while abs(value) >= 1024 and unit < len(_UNITS) - 1:
        value /= 1024
        unit += 1
    return f"{int(value)} {_UNITS[unit]}" if unit == 0 else f"{value:.1f} {_UNITS[unit]}"


def duration(seconds: Any) -> str:
    """Seconds as the largest two units: ``3m12s``, ``41m``, ``2h05m``, ``3d4h``."""
    if seconds is None or (isinstance(seconds, float) and math.isnan(seconds)):
        return ""
    s = float(seconds)
    if s < 10:
        return f"{s:.2f}s" if s < 1 else f"{s:.1f}s"
    whole = int(round(s))
    days, rest = divmod(whole, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d{hours}h" if hours else f"{days}d"
    if hours:
        return f"{hours}h{minutes:02d}m"
    if minutes:
        return f"{minutes}m{secs:02d}s" if secs else f"{minutes}m"
    return f"{secs}s"


def short(text: Any, limit: int = 60) -> str:
    """One line of SQL, cut to ``limit`` characters.

    >>> short("select *\\n  from   t where x = 1", 15)
    'select * from…'
    """
    one = " ".join(str(text or "").split())
    return one if len(one) <= limit else one[: limit - 1].rstrip() + "…"


def human(column: str, value: Any) -> Any:
    """A cell for people: sizes, durations, ratios as percentages, lists joined."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if column.endswith("_bytes"):
        return size(value)
    if column.endswith("_s"):
        return duration(value)
    if column.endswith("_ratio") or column == "ratio":
        return f"{100 * float(value):.2f}%"
    if column.endswith("_pct"):
        return f"{float(value):.1f}%"
    if column.endswith("_ms"):
        return f"{float(value):,.1f}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    if isinstance(value, float):
        return f"{value:,.2f}"
    return value


def human_rows(columns: list[str], rows: list[tuple[Any, ...]]) -> list[list[Any]]:
    """:func:`human` over every cell of ``rows``."""
    return [[human(c, v) for c, v in zip(columns, row, strict=True)] for row in rows]


def header(column: str) -> str:
    """A column's heading once its cells carry the unit.

    >>> header("size_bytes"), header("table_bytes"), header("wait_s"), header("pid")
    ('size', 'table_size', 'wait', 'pid')
    """
    if column.endswith("_bytes"):
        stem = column[: -len("_bytes")]
        return stem if stem in ("size", "retained", "bloat", "expected") else f"{stem}_size"
    if column.endswith("_s"):
        return column[:-2]
    return column
