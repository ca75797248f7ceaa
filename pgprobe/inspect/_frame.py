"""The DataFrame every view returns: raw numbers for analysis, human units in its HTML.

Byte counts are ``*_bytes`` columns, durations ``*_s`` (seconds), ratios ``*_ratio`` (0-1),
shares ``*_pct``; ``frame.view`` names the view and ``frame.note`` says why a view is empty
when it could not be answered (``pg_stat_statements`` not installed, ...).
"""

from __future__ import annotations

import html
from datetime import datetime
from typing import Any

import pandas as pd

from ._format import header, human

__all__ = ["InspectFrame", "make_frame"]

_MAX_HTML_ROWS = 50


class InspectFrame(pd.DataFrame):
    """A pandas DataFrame with the view's name, the time it was read and an optional note."""

    @property
    def _constructor(self) -> Any:  # slices and copies stay InspectFrames
        return InspectFrame

    @property
    def view(self) -> str:
        return str(self.attrs.get("view", ""))

    @property
    def note(self) -> str | None:
        """Why the view could not be answered (then it has no rows), else None."""
        return self.attrs.get("note")

    @property
    def taken_at(self) -> datetime | None:
        return self.attrs.get("taken_at")

    def humanized(self) -> pd.DataFrame:
        """A copy for people: sizes, durations and percentages as text, units in the cells."""
        plain = pd.DataFrame(self)
        out = pd.DataFrame({header(c): [human(c, v) for v in plain[c]] for c in plain.columns})
        return out

    def _repr_html_(self) -> str:  # type: ignore[override]
        taken = f" at {self.taken_at:%H:%M:%S}" if self.taken_at else ""
        title = f"<b>inspect {html.escape(self.view)}</b>{taken} · {len(self)} rows"
        from .._html import box, frame, note

        warn = note(self.note, "warning") if self.note else ""
        body = frame(self.humanized(), max_rows=_MAX_HTML_ROWS) if len(self) or not self.note else ""
        return box(f"<div>{title}</div>{warn}{body}", "pgprobe-inspect")


def make_frame(view: str, columns: list[str], rows: list[tuple[Any, ...]], *,
               note: str | None = None, taken_at: datetime | None = None) -> InspectFrame:
    """An :class:`InspectFrame` of ``rows`` (tuples in ``columns`` order)."""
    frame = InspectFrame(pd.DataFrame.from_records(rows, columns=columns) if rows
                         else pd.DataFrame({c: [] for c in columns}))
    frame.attrs.update({"view": view, "note": note, "taken_at": taken_at})
    return frame
