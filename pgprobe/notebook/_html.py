"""The notebook's HTML building blocks: :mod:`pgprobe._html`, the one HTML output layer that
every ``_repr_html_`` of pgprobe uses (kept here under its old name for the notebook modules).

>>> from pgprobe.notebook import _html as H
>>> "mathjax_ignore" in H.box(H.note("DO $$ BEGIN ... END $$"))
True
"""

from __future__ import annotations

from .._html import (
    LONG_TEXT,
    MATH_IGNORE,
    MAX_CELL,
    MAX_ROWS,
    MAX_TEXT,
    badge,
    box,
    code,
    cut,
    details,
    esc,
    frame,
    is_missing,
    json_block,
    kv,
    markdown_safe,
    note,
    panel,
    plain,
    protect_math,
    scroll,
    short_path,
    side_by_side,
    style,
    table,
    text_table,
)

__all__ = [
    "MAX_ROWS", "MAX_CELL", "MAX_TEXT", "MATH_IGNORE", "LONG_TEXT", "esc", "cut", "style",
    "table", "frame", "code", "json_block", "panel", "side_by_side", "badge", "note", "details",
    "text_table", "kv", "box", "scroll", "protect_math", "markdown_safe", "is_missing", "plain",
    "short_path",
]
