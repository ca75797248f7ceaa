"""The terminal edge: one console, one table style and one progress display for every command.

Capabilities return data; a command's ``_cli.py`` renders it with these helpers, so every
command behaves the same in a terminal: colour only on a terminal (never with ``NO_COLOR`` or
when piped), lines no wider than ``COLUMNS`` (80 when unknown), empty cells instead of
``None``/``NaN``, and progress shown on a terminal's stderr only.

>>> import io
>>> out = io.StringIO()
>>> print_table([("public.tickets", None), ("public.users", float("nan"))],
...             ["table", "rows"], file=out, width=40)
>>> "NaN" in out.getvalue() or "None" in out.getvalue()
False
>>> max(len(line) for line in out.getvalue().splitlines()) <= 40
True
"""

from __future__ import annotations

import math
import os
import re
import sys
import textwrap
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import IO, Any

from rich import box
from rich.console import Console, RenderableType
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

__all__ = ["console", "table", "print_table", "render", "progress", "cell", "escape",
           "style_for_level", "echo", "print_records", "print_lines", "lines_of", "path"]

_LEVEL_STYLES = {"error": "bold red", "warn": "yellow", "warning": "yellow", "info": "cyan",
                 "ok": "green", "clean": "green"}


_MAX_WORD = 30


def console(file: IO[str] | None = None, *, width: int | None = None,
            stderr: bool = False) -> Console:
    """A console writing to ``file`` (default stdout, or stderr with ``stderr=True``).

    Colour and other escape codes only when that stream is a terminal and ``NO_COLOR`` is not
    set; width from ``width``, else ``COLUMNS``, else the terminal's, else 80.
    """
    stream = file if file is not None else (sys.stderr if stderr else sys.stdout)
    if width is None and os.environ.get("COLUMNS", "").isdigit():
        width = int(os.environ["COLUMNS"])
    is_tty = bool(getattr(stream, "isatty", lambda: False)())
    return Console(file=stream, width=width if width is not None else (None if is_tty else 80),
                   no_color=bool(os.environ.get("NO_COLOR")) or not is_tty,
                   force_terminal=False if not is_tty else None,
                   highlight=False, soft_wrap=False, emoji=False)


def cell(value: Any) -> str:
    """A table cell's text: ``None``, ``NaN`` and ``NaT`` are empty; everything else ``str``.

    >>> cell(None), cell(float("nan")), cell(3)
    ('', '', '3')
    """
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    text = str(value)
    return "" if text in ("NaT", "<NA>") else text


def path(value: str | os.PathLike[str]) -> str:
    """A path as the user would type it: relative to the working directory when under it.

    >>> path(os.path.join(os.getcwd(), "supabase", "migrations"))
    'supabase/migrations'
    >>> path("/elsewhere/x.sql")
    '/elsewhere/x.sql'
    """
    text = os.fspath(value)
    if not os.path.isabs(text):
        return text
    try:
        rel = os.path.relpath(text)
    except ValueError:  # another drive (Windows)
        return text
    return text if rel.startswith("..") else rel


# words of plain report text that carry a level, coloured on a terminal
_LEVEL_WORDS = re.compile(r"(?<![\w-])(errors?|ERROR|failed|FAIL|✗|warnings?|WARN|stale|"
                          r"missing|✓|ok|OK|passed|up to date|info|INFO)(?![\w-])")
_WORD_LEVEL = {"error": "error", "errors": "error", "ERROR": "error", "failed": "error",
               "FAIL": "error", "✗": "error", "warning": "warn", "warnings": "warn",
               "WARN": "warn", "stale": "warn", "missing": "warn", "✓": "ok", "ok": "ok",
               "OK": "ok", "passed": "ok", "up to date": "ok", "info": "info", "INFO": "info"}


def _styled_line(line: str, style: str | None) -> Text:
    text = Text(line, style=style or "")
    if style is None:
        for m in _LEVEL_WORDS.finditer(line):
            text.stylize(style_for_level(_WORD_LEVEL[m.group(1)]), m.start(), m.end())
    return text


def lines_of(text: str, width: int, *, style: str | None = None,
             out: Console | None = None) -> list[Text]:
    """``text`` folded to ``width``: a long line wraps (a long word folds) with its
    continuation indented two past the line's own indent, so lists and hints stay readable.

    Wrapping is :mod:`textwrap`'s (fast on reports of thousands of findings); ``style`` or the
    level words colour the lines afterwards. ``out`` is accepted for symmetry and unused.

    >>> [t.plain for t in lines_of("  hint: " + "word " * 6, 20)]
    ['  hint: word word', '    word word word', '    word']
    """
    result: list[Text] = []
    for raw in text.splitlines() or [""]:
        raw = raw.rstrip()
        if len(raw) <= width:
            result.append(_styled_line(raw, style))
            continue
        indent = " " * (len(raw) - len(raw.lstrip(" ")))
        pieces = textwrap.wrap(raw.lstrip(" "), max(width - len(indent), 8),
                               subsequent_indent="  ", break_on_hyphens=False,
                               drop_whitespace=True) or [""]
        result.extend(_styled_line(indent + piece, style) for piece in pieces)
    return result


def echo(text: str, *, file: IO[str] | None = None, stderr: bool = False,
         style: str | None = None, width: int | None = None) -> None:
    """Print plain report text (a capability's ``to_text()``) fitted to the terminal.

    Lines wider than the console wrap with a hanging indent; words such as ``error``,
    ``warning`` and ``✓`` are coloured on a terminal (``style`` colours whole lines instead).
    Markup is never interpreted: square brackets in SQL stay as they are.

    >>> import io
    >>> out = io.StringIO()
    >>> echo("a.sql:1:1: error [rls-missing] " + "x " * 30, file=out, width=40)
    >>> max(len(line) for line in out.getvalue().splitlines()) <= 40
    True
    """
    cons = console(file, width=width, stderr=stderr)
    print_lines(lines_of(text, cons.width, style=style, out=cons), cons)


def print_lines(lines: Sequence[Text], out: Console) -> None:
    """Print lines already fitted to ``out``'s width, in one write (fast for long reports)."""
    if out.no_color or not out.is_terminal:
        out.file.write("".join(line.plain + "\n" for line in lines))
        out.file.flush()
        return
    out.print(Text("\n").join(lines), soft_wrap=True)


def print_records(rows: Iterable[Sequence[Any]], headers: Sequence[str], *, key: int = 2,
                  file: IO[str] | None = None, width: int | None = None,
                  styles: Sequence[Any] | None = None, title: str | None = None) -> None:
    """Wide records, one block each: the first ``key`` columns on a heading line, the other
    non-empty columns below as ``name: value`` (wrapped), so no record widens the screen.
    ``styles`` gives each column's style, or a function from the cell's text to its style.

    >>> import io
    >>> out = io.StringIO()
    >>> print_records([("028", "028_x.sql", None, "pending " * 12)],
    ...               ["version", "file", "fix", "status"], file=out, width=40)
    >>> print(out.getvalue().rstrip())
    028  028_x.sql
      status: pending pending pending
        pending pending pending pending
        pending pending pending pending
        pending
    """
    cons = console(file, width=width)
    fit = cons.width
    lines: list[Text] = [Text(title, style="bold")] if title else []
    for row in rows:
        values = [cell(v) for v in row]
        head = Text("  ").join(Text(v, style=_style_of(styles, i, v) or "bold")
                               for i, v in enumerate(values[:key]) if v)
        lines += [head] if len(head.plain) <= fit else lines_of(head.plain, fit, style="bold")
        for i, value in enumerate(values[key:], start=key):
            if value:
                lines += lines_of(f"  {headers[i]}: {value}", fit,
                                  style=_style_of(styles, i, value) or None)
    print_lines(lines, cons)


def _style_of(styles: Sequence[Any] | None, i: int, value: str) -> str:
    """Column ``i``'s style: a string, or a function of the cell's text."""
    style = styles[i] if styles else ""
    return style(value) if callable(style) else style


def style_for_level(level: str) -> str:
    """The style of a finding level (``error``, ``warn``, ``info``, ``ok``), case-insensitive."""
    return _LEVEL_STYLES.get(level.lower(), "")


def table(rows: Iterable[Sequence[Any]], headers: Sequence[str], *, title: str | None = None,
          styles: Sequence[str] | None = None, width: int | None = None) -> Table:
    """A rich table whose cells fold (wrap) instead of widening the line.

    ``styles`` gives each column's style (``""`` for none). Cell text is escaped, so square
    brackets in SQL are shown as they are.
    """
    grid = Table(title=title, box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False,
                 title_justify="left", expand=False)
    texts = [[cell(v) for v in row] for row in rows]
    widths = _layout(texts, headers, (width or console().width) - 3 * (len(headers) - 1))
    for i, header in enumerate(headers):
        grid.add_column(header, overflow="fold", style=(styles[i] if styles else None) or None,
                        width=widths[i])
    for row_texts in texts:
        grid.add_row(*(escape(t) for t in row_texts))
    return grid


def _layout(texts: list[list[str]], headers: Sequence[str], available: int) -> list[int]:
    """Column widths that fit ``available``: each column as wide as its widest line when
    that fits; else prose columns (cells with spaces) give up width first, down to their
    longest word, then to a fair share of the width; then every column shrinks, the widest
    first (to 8, then 4). Identifiers such as public.ticket_activities thus wrap between
    words rather than inside one where the width allows."""
    natural = [max([len(headers[i])] + [len(line) for r in texts for line in r[i].splitlines()])
               for i in range(len(headers))]
    floor = [min(max([len(w) for w in headers[i].split()]
                     + [len(w) for r in texts for w in r[i].split()]), _MAX_WORD)
             for i in range(len(headers))]
    widths = list(natural)
    prose = [i for i in range(len(headers)) if any(" " in r[i] for r in texts)]
    fair = max(8, available // max(len(headers), 1))
    everything = range(len(headers))
    for shrinkable, lowest in ((prose, floor), (prose, [fair] * len(headers)),
                               (everything, [8] * len(headers)), (everything, [4] * len(headers))):
        while sum(widths) > available:
            candidates = [i for i in shrinkable if widths[i] > lowest[i]]
            if not candidates:
                break
            widest = max(candidates, key=lambda i: widths[i])
            widths[widest] -= 1
    return widths


def print_table(rows: Iterable[Sequence[Any]], headers: Sequence[str], *,
                title: str | None = None, file: IO[str] | None = None,
                width: int | None = None, styles: Sequence[str] | None = None) -> None:
    """Print :func:`table` on ``file`` (default stdout), fitted to the width."""
    out = console(file, width=width)
    out.print(table(rows, headers, title=title, styles=styles, width=out.width))


def render(renderable: RenderableType, *, file: IO[str] | None = None,
           width: int | None = None) -> None:
    """Print any rich renderable (or markup text) with the shared console rules."""
    console(file, width=width).print(renderable)


@contextmanager
def progress(description: str, total: int | None = None, *,
             file: IO[str] | None = None) -> Iterator[Any]:
    """Progress of long work on stderr, shown only on a terminal.

    Yields an object with ``advance(n=1)`` and ``update(description)``; silent when piped.

    >>> with progress("rehearsing", total=3) as bar:
    ...     for _ in range(3):
    ...         bar.advance()
    """
    out = console(file, stderr=file is None)
    columns = [SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
               MofNCompleteColumn(), TimeElapsedColumn()]
    with Progress(*columns, console=out, transient=True, disable=not out.is_terminal) as bar:
        task = bar.add_task(escape(description), total=total)
        yield _Task(bar, task)


class _Task:
    def __init__(self, bar: Progress, task: Any) -> None:
        self._bar, self._task = bar, task

    def advance(self, n: int = 1) -> None:
        self._bar.advance(self._task, n)

    def update(self, description: str | None = None, *, total: int | None = None) -> None:
        """A new description, and the total once it is known."""
        fields: dict[str, Any] = {}
        if description is not None:
            fields["description"] = escape(description)
        if total is not None:
            fields["total"] = total
        self._bar.update(self._task, **fields)
