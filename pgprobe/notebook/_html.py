"""Small, safe HTML building blocks shared by every rich display of pgprobe.

Everything is escaped, every table is truncated and every long text is cut, so no output
can freeze a browser tab. Other capabilities may call these helpers for their own
``_repr_html_``.

>>> table([(1, "<b>")], ["id", "title"]).count("&lt;b&gt;")
1
>>> "2 more rows" in table([(i,) for i in range(5)], ["n"], max_rows=3)
True
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

__all__ = [
    "MAX_ROWS", "MAX_CELL", "MAX_TEXT", "esc", "cut", "style", "table", "frame", "code",
    "json_block", "panel", "side_by_side", "badge", "note", "details", "text_table", "kv",
    "box",
]

MAX_ROWS = 50
"""Rows shown by default in any HTML table (the rest is counted, not rendered)."""
MAX_CELL = 300
"""Characters shown per table cell."""
MAX_TEXT = 20_000
"""Characters shown in a code or JSON block."""

_CSS = """
.pgprobe{font-family:var(--jp-ui-font-family,sans-serif);font-size:13px;line-height:1.4}
.pgprobe table.pgp{border-collapse:collapse;margin:4px 0}
.pgprobe table.pgp th,.pgprobe table.pgp td{border:1px solid #d0d7de;padding:2px 6px;
 text-align:left;vertical-align:top;max-width:40em;overflow-wrap:anywhere}
.pgprobe table.pgp th{background:#f6f8fa}
.pgprobe pre.pgp{background:#f6f8fa;border:1px solid #d0d7de;padding:6px;margin:4px 0;
 max-height:28em;overflow:auto;white-space:pre-wrap;font-size:12px}
.pgprobe .pgp-row{display:flex;flex-wrap:wrap;gap:12px;align-items:flex-start}
.pgprobe .pgp-panel{flex:1 1 22em;min-width:18em;max-width:100%;overflow:auto}
.pgprobe .pgp-panel.pgp-wide{flex:2 1 36em}
.pgprobe .pgp-panel table.pgp-data td,.pgprobe .pgp-panel table.pgp-data th{white-space:nowrap;max-width:28em;
 overflow:hidden;text-overflow:ellipsis;overflow-wrap:normal}
.pgprobe .pgp-title{font-weight:600;margin:2px 0}
.pgprobe .pgp-badge{display:inline-block;border-radius:8px;padding:0 6px;font-size:11px;
 color:#fff;margin-right:4px}
.pgprobe .pgp-note{border-left:4px solid;padding:4px 8px;margin:4px 0}
.pgprobe .pgp-more{color:#57606a;font-style:italic}
"""

_COLOURS = {
    "ok": "#1a7f37", "info": "#0969da", "warning": "#9a6700", "warn": "#9a6700",
    "error": "#cf222e", "muted": "#57606a", "live": "#1a7f37", "replay": "#8250df",
}


def esc(value: Any) -> str:
    """Escape anything for HTML (``None`` shows as an empty string)."""
    return "" if value is None else html.escape(str(value), quote=True)


def cut(text: str, limit: int) -> str:
    """Shorten ``text`` to ``limit`` characters, saying how much was left out.

    >>> cut("abcdef", 3)
    'abc… (+3 chars)'
    """
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… (+{len(text) - limit} chars)"


def style() -> str:
    """The ``<style>`` block every pgprobe output starts with (scoped to ``.pgprobe``)."""
    return f"<style>{_CSS}</style>"


def box(body: str, css_class: str = "") -> str:
    """Wrap a fragment into the scoped ``.pgprobe`` container with its style."""
    extra = f" {esc(css_class)}" if css_class else ""
    return f'{style()}<div class="pgprobe{extra}">{body}</div>'


def _cell(value: Any) -> str:
    if isinstance(value, float) and value != value:  # NaN: a missing value in a DataFrame
        return ""
    if isinstance(value, (dict, list)):
        value = json.dumps(value, default=str, ensure_ascii=False)
    return esc(cut("" if value is None else str(value), MAX_CELL))


def table(rows: Iterable[Sequence[Any]], headers: Sequence[str], *, max_rows: int = MAX_ROWS,
          caption: str | None = None, total: int | None = None, raw_columns: Sequence[int] = (),
          css_class: str = "pgp") -> str:
    """An escaped HTML table showing at most ``max_rows`` rows (``raw_columns``: indexes of
    columns whose cells are already HTML)."""
    raw = set(raw_columns)
    shown: list[str] = []
    count = 0
    for row in rows:
        count += 1
        if count <= max_rows:
            cells = "".join(f"<td>{c if i in raw else _cell(c)}</td>" for i, c in enumerate(row))
            shown.append(f"<tr>{cells}</tr>")
    total = count if total is None else total
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    cap = f"<caption style='text-align:left'>{esc(caption)}</caption>" if caption else ""
    more = ""
    if total > len(shown):
        more = f'<div class="pgp-more">… {total - len(shown)} more rows not shown</div>'
    if not shown:
        more = '<div class="pgp-more">(no rows)</div>'
    return f'<table class="{esc(css_class)}">{cap}<thead><tr>{head}</tr></thead><tbody>{"".join(shown)}</tbody></table>{more}'


def frame(df: Any, *, max_rows: int = MAX_ROWS, max_cols: int = 30, caption: str | None = None) -> str:
    """A pandas DataFrame as a truncated, escaped HTML table."""
    columns = [str(c) for c in df.columns[:max_cols]]
    rows = df.iloc[:max_rows, :max_cols].itertuples(index=False, name=None)
    out = table(rows, columns, max_rows=max_rows, caption=caption, total=len(df), css_class="pgp pgp-data")
    if len(df.columns) > max_cols:
        out += f'<div class="pgp-more">… {len(df.columns) - max_cols} more columns not shown</div>'
    return out


def code(text: str, *, limit: int = MAX_TEXT) -> str:
    """A preformatted, escaped block (SQL, DOT, URLs)."""
    return f'<pre class="pgp">{esc(cut(text, limit))}</pre>'


def json_block(value: Any, *, limit: int = MAX_TEXT) -> str:
    """Pretty JSON, cut to ``limit`` characters."""
    return code(json.dumps(value, indent=2, default=str, ensure_ascii=False), limit=limit)


def panel(title: str, body: str, *, wide: bool = False) -> str:
    """A titled column for :func:`side_by_side` (``body`` is HTML; ``wide`` takes twice the room)."""
    cls = "pgp-panel pgp-wide" if wide else "pgp-panel"
    return f'<div class="{cls}"><div class="pgp-title">{esc(title)}</div>{body}</div>'


def side_by_side(*panels: str) -> str:
    """Panels in a wrapping row: request | SQL | result."""
    return f'<div class="pgp-row">{"".join(panels)}</div>'


def badge(text: str, kind: str = "info") -> str:
    colour = _COLOURS.get(kind, _COLOURS["info"])
    return f'<span class="pgp-badge" style="background:{colour}">{esc(text)}</span>'


def note(text: str, kind: str = "info", *, html_body: str = "") -> str:
    """A coloured call-out line (``kind``: ok, info, warning, error, replay)."""
    colour = _COLOURS.get(kind, _COLOURS["info"])
    return f'<div class="pgp-note" style="border-color:{colour}">{esc(text)}{html_body}</div>'


def details(summary: str, body: str, *, open: bool = False) -> str:
    """A collapsible section (``body`` is HTML)."""
    attr = " open" if open else ""
    return f"<details{attr}><summary>{esc(summary)}</summary>{body}</details>"


def kv(pairs: Mapping[str, Any] | Iterable[tuple[str, Any]]) -> str:
    """A two-column key/value table."""
    items = pairs.items() if isinstance(pairs, Mapping) else pairs
    return table(((k, v) for k, v in items), ["", ""], max_rows=200)


def text_table(rows: Iterable[Sequence[Any]], headers: Sequence[str], *,
               max_rows: int = 20, width: int = 40) -> str:
    """A plain-text table for ``__repr__`` (columns cut to ``width`` characters).

    >>> print(text_table([(1, "a")], ["id", "x"]))
    id | x
    -- | -
    1  | a
    """
    body: list[list[str]] = []
    total = 0
    for row in rows:
        total += 1
        if total <= max_rows:
            body.append([cut("" if v is None else str(v), width).replace("\n", " ") for v in row])
    widths = [len(h) for h in headers]
    for row in body:
        for i, v in enumerate(row):
            widths[i] = max(widths[i], len(v))
    fmt = " | ".join(f"{{:<{w}}}" for w in widths)
    lines = [fmt.format(*headers).rstrip(), fmt.format(*("-" * w for w in widths)).rstrip()]
    lines += [fmt.format(*row).rstrip() for row in body]
    if total > len(body):
        lines.append(f"… {total - len(body)} more rows")
    return "\n".join(lines)
