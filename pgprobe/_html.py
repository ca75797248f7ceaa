"""The HTML edge: one set of small, safe building blocks for every ``_repr_html_`` of pgprobe.

The HTML twin of :mod:`pgprobe._terminal`. Capabilities return data; their ``_repr_html_``
(and the notebook screens) render it with these helpers, so every output in JupyterLab
behaves the same:

* everything is escaped, every table is truncated and every long text is cut, so no output
  can freeze a browser tab;
* no ``NaN``/``None``/``NaT`` in a cell (an empty cell instead);
* ``$`` is never typeset as math: :func:`box` puts every output in an element carrying the
  classes MathJax ignores (``mathjax_ignore`` for MathJax 3, which JupyterLab 4 uses with its
  default options, ``tex2jax_ignore`` for MathJax 2 / classic Notebook / nbconvert), and
  :func:`protect_math` also wraps each ``$`` outside ``<pre>``/``<code>`` in such an element,
  so a ``$`` stays text even where the outer class is lost (a page that re-hosts the output);
* tables sit in a horizontal scroll container (a wide table scrolls inside the cell, the
  output itself never overflows), with ``table-layout:auto`` (JupyterLab's own
  ``table-layout:fixed`` squeezes columns until identifiers break); short values
  (identifiers, types, rule names such as ``many-to-one``) never wrap, so they never break
  mid-word ("i/d", "erro/r") or at a hyphen; only columns of long free text wrap, with a
  minimum width, and only they may break a token longer than a line.

>>> table([(1, "<b>")], ["id", "title"]).count("&lt;b&gt;")
1
>>> "2 more rows" in table([(i,) for i in range(5)], ["n"], max_rows=3)
True
>>> "mathjax_ignore" in box(note("wrap it in DO $$ BEGIN ... END $$"))
True
"""

from __future__ import annotations

import html
import json
import math
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

__all__ = [
    "MAX_ROWS", "MAX_CELL", "MAX_TEXT", "MATH_IGNORE", "LONG_TEXT", "esc", "cut", "style",
    "table", "frame", "code", "json_block", "panel", "side_by_side", "badge", "note", "details",
    "text_table", "kv", "box", "scroll", "protect_math", "markdown_safe", "is_missing", "plain",
    "short_path",
]

MAX_ROWS = 50
"""Rows shown by default in any HTML table (the rest is counted, not rendered)."""
MAX_CELL = 1000
"""Characters shown per table cell (long text wraps; only beyond this is it cut)."""
MAX_TEXT = 20_000
"""Characters shown in a code or JSON block."""
LONG_TEXT = 40
"""A column holding a value longer than this (with spaces) is free text: it wraps in a column
of its own minimum width, and may break a token that is longer than that width."""
MATH_IGNORE = "tex2jax_ignore mathjax_ignore"
"""The classes MathJax 2 and 3 skip, with their default options (JupyterLab 4 keeps them)."""

_CSS = """
.pgprobe{font-family:var(--jp-ui-font-family,sans-serif);font-size:13px;line-height:1.4;
 max-width:100%;box-sizing:border-box}
.pgprobe .pgp-scroll{overflow-x:auto;max-width:100%}
.pgprobe.pgprobe table{border-collapse:collapse;margin:4px 0;table-layout:auto;width:auto}
.pgprobe.pgprobe table tr,.pgprobe.pgprobe table th,.pgprobe.pgprobe table td{text-align:left;
 vertical-align:top}
.pgprobe.pgprobe table th,.pgprobe.pgprobe table td{border:1px solid #d0d7de;padding:2px 6px;
 line-height:1.35;white-space:nowrap;word-break:normal;overflow-wrap:normal;hyphens:none}
.pgprobe.pgprobe table th{background:#f6f8fa}
.pgprobe.pgprobe table td.pgp-long{min-width:24em;max-width:60em;overflow-wrap:anywhere;
 white-space:pre-line}
.pgprobe pre.pgp{background:#f6f8fa;border:1px solid #d0d7de;padding:6px;margin:4px 0;
 max-height:28em;overflow:auto;white-space:pre-wrap;overflow-wrap:anywhere;font-size:12px}
.pgprobe .pgp-row{display:flex;flex-wrap:wrap;gap:12px;align-items:flex-start}
.pgprobe .pgp-panel{flex:1 1 22em;min-width:18em;max-width:100%;overflow:auto}
.pgprobe .pgp-panel.pgp-wide{flex:2 1 36em}
.pgprobe .pgp-title{font-weight:600;margin:2px 0}
.pgprobe .pgp-badge{display:inline-block;border-radius:8px;padding:0 6px;font-size:11px;
 color:#fff;margin-right:4px}
.pgprobe .pgp-note{border-left:4px solid;padding:4px 8px;margin:4px 0;overflow-wrap:break-word}
.pgprobe .pgp-more{color:#57606a;font-style:italic}
.pgprobe details>summary{cursor:pointer;margin:2px 0}
"""

_COLOURS = {
    "ok": "#1a7f37", "info": "#0969da", "warning": "#9a6700", "warn": "#9a6700",
    "error": "#cf222e", "fail": "#cf222e", "pass": "#1a7f37", "muted": "#57606a",
    "live": "#1a7f37", "replay": "#8250df",
}


def is_missing(value: Any) -> bool:
    """``None``, NaN, ``NaT`` and ``pd.NA``: what a cell shows as empty.

    >>> [is_missing(v) for v in (None, float("nan"), 0, "", "NaN")]
    [True, True, False, False, False]
    """
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    return type(value).__name__ in ("NAType", "NaTType")


def plain(value: Any) -> Any:
    """``value`` with missing values (also inside lists and dicts) turned into ``None``, so
    JSON of it never says ``NaN``."""
    if is_missing(value):
        return None
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def short_path(path: Any) -> str:
    """A file location as people read it: relative to the working directory when it is
    inside it, else the file name (``file.sql:3:1`` suffixes are kept).

    >>> short_path("/nowhere/near/migrations/001_init.sql:3:1")
    '001_init.sql:3:1'
    """
    text = str(path)
    if not os.path.isabs(text):
        return text
    rel = os.path.relpath(text)
    return rel if not rel.startswith("..") else os.path.basename(text)


def esc(value: Any) -> str:
    """Escape anything for HTML (missing values show as an empty string)."""
    return "" if is_missing(value) else html.escape(str(value), quote=True)


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


# a tag, or the text between tags; pre/code/style/script contents are never typeset by MathJax
_TAG = re.compile(r"(<[^>]*>)")
_SKIP = re.compile(r"^<\s*(/?)\s*(pre|code|style|script|textarea|svg)\b", re.IGNORECASE)
_DOLLARS = re.compile(r"\$+")
_GUARD = f'<span class="{MATH_IGNORE}">'


def protect_math(fragment: str) -> str:
    """Wrap every run of ``$`` in text (outside tags, ``<pre>``, ``<code>``, ``<style>``) in an
    element MathJax ignores, so no pair of dollars ever becomes a formula.

    >>> protect_math("<p>DO $$ BEGIN</p><code>$1</code>")
    '<p>DO <span class="tex2jax_ignore mathjax_ignore">$$</span> BEGIN</p><code>$1</code>'
    """
    out: list[str] = []
    depth = 0
    for part in _TAG.split(fragment):
        if part.startswith("<"):
            skip = _SKIP.match(part)
            if skip:
                depth = max(0, depth + (-1 if skip.group(1) else 1))
            out.append(part)
        elif depth or "$" not in part or (out and out[-1] == _GUARD):  # already protected
            out.append(part)
        else:
            out.append(_DOLLARS.sub(lambda m: f"{_GUARD}{m.group(0)}</span>", part))
    return "".join(out)


def box(body: str, css_class: str = "") -> str:
    """Wrap a fragment into the scoped ``.pgprobe`` container with its style: the one way every
    pgprobe HTML output reaches the screen (math-safe, see :func:`protect_math`)."""
    extra = f" {esc(css_class)}" if css_class else ""
    return f'{style()}<div class="pgprobe {MATH_IGNORE}{extra}">{protect_math(body)}</div>'


def scroll(body: str) -> str:
    """A horizontal scroll container: what is wider than the cell scrolls inside it."""
    return f'<div class="pgp-scroll" style="overflow-x:auto;max-width:100%">{body}</div>'


def markdown_safe(text: str) -> str:
    """Markdown whose ``$`` are never typeset (for a ``_repr_markdown_``): outside code spans
    and fences each ``$`` becomes ``&#36;`` (JupyterLab looks for math in the source before
    the Markdown is parsed) and the whole sits in an element MathJax ignores (it also typesets
    the rendered HTML).

    >>> "$" in markdown_safe("costs $5 and `$1`").replace("`$1`", "")
    False
    """
    parts = re.split(r"(```.*?```|`[^`\n]*`)", text, flags=re.DOTALL)
    body = "".join(p if p.startswith("`") else p.replace("$", "&#36;") for p in parts)
    return f'<div class="{MATH_IGNORE}">\n\n{body}\n\n</div>'


def _cell_text(value: Any) -> str:
    if is_missing(value):
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(plain(value), default=str, ensure_ascii=False)
    return str(value)


_TAGS_ONLY = re.compile(r"<[^>]*>")


def _long_columns(rows: Sequence[Sequence[Any]], raw: set[int]) -> set[int]:
    """Columns holding free text: some value is longer than :data:`LONG_TEXT` and has spaces
    (a long value without spaces is a name or a path: it stays whole, the table scrolls)."""
    long: set[int] = set()
    for row in rows:
        for i, value in enumerate(row):
            if i in long:
                continue
            text = html.unescape(_TAGS_ONLY.sub("", str(value)) if i in raw else _cell_text(value))
            if len(text) > LONG_TEXT and any(c.isspace() for c in text.strip()):
                long.add(i)
    return long


def table(rows: Iterable[Sequence[Any]], headers: Sequence[str], *, max_rows: int = MAX_ROWS,
          caption: str | None = None, total: int | None = None, raw_columns: Iterable[int] = (),
          css_class: str = "pgp") -> str:
    """An escaped HTML table showing at most ``max_rows`` rows, in a scroll container
    (``raw_columns``: indexes of columns whose cells are already HTML)."""
    raw = set(raw_columns)
    shown: list[Sequence[Any]] = []
    count = 0
    for row in rows:
        count += 1
        if count <= max_rows:
            shown.append(row)
    long = _long_columns(shown, raw)
    body = []
    for row in shown:
        cells = "".join(
            f"<td{' class=pgp-long' if i in long else ''}>"
            f"{c if i in raw else esc(cut(_cell_text(c), MAX_CELL))}</td>"
            for i, c in enumerate(row))
        body.append(f"<tr>{cells}</tr>")
    total = count if total is None else total
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    cap = f"<caption style='text-align:left'>{esc(caption)}</caption>" if caption else ""
    more = ""
    if total > len(shown):
        more = f'<div class="pgp-more">… {total - len(shown)} more rows not shown</div>'
    if not shown:
        more = '<div class="pgp-more">(no rows)</div>'
    return scroll(f'<table class="{esc(css_class)}">{cap}<thead><tr>{head}</tr></thead>'
                  f'<tbody>{"".join(body)}</tbody></table>') + more


def frame(df: Any, *, max_rows: int = MAX_ROWS, max_cols: int = 30, caption: str | None = None) -> str:
    """A pandas DataFrame as a truncated, escaped HTML table (a meaningful index, one that is
    named or not ``0..n-1``, shows as leading columns)."""
    if _meaningful_index(df):
        df = df.reset_index()
    columns = [" / ".join(map(str, c)) if isinstance(c, tuple) else str(c) for c in df.columns[:max_cols]]
    rows = df.iloc[:max_rows, :max_cols].itertuples(index=False, name=None)
    out = table(rows, columns, max_rows=max_rows, caption=caption, total=len(df), css_class="pgp pgp-data")
    if len(df.columns) > max_cols:
        out += f'<div class="pgp-more">… {len(df.columns) - max_cols} more columns not shown</div>'
    return out


def _meaningful_index(df: Any) -> bool:
    index = df.index
    if any(name is not None for name in getattr(index, "names", [None])):
        return True
    return getattr(index.dtype, "kind", "O") not in "iu"  # row numbers (also filtered) say nothing


def code(text: str, *, limit: int = MAX_TEXT) -> str:
    """A preformatted, escaped block (SQL, DOT, URLs)."""
    return f'<pre class="pgp">{esc(cut(text, limit))}</pre>'


def json_block(value: Any, *, limit: int = MAX_TEXT) -> str:
    """Pretty JSON, cut to ``limit`` characters (missing values as ``null``, never ``NaN``)."""
    return code(json.dumps(plain(value), indent=2, default=str, ensure_ascii=False), limit=limit)


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
    """A collapsible section (``body`` is HTML) with a one-line summary."""
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
            body.append([cut(_cell_text(v), width).replace("\n", " ") for v in row])
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
