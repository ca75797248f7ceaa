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
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import IO, Any

from rich import box
from rich.console import Console, RenderableType
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

__all__ = ["console", "table", "print_table", "render", "progress", "cell", "escape",
           "style_for_level"]

_LEVEL_STYLES = {"error": "bold red", "warn": "yellow", "warning": "yellow", "info": "cyan",
                 "ok": "green", "clean": "green"}


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


def style_for_level(level: str) -> str:
    """The style of a finding level (``error``, ``warn``, ``info``, ``ok``), case-insensitive."""
    return _LEVEL_STYLES.get(level.lower(), "")


def table(rows: Iterable[Sequence[Any]], headers: Sequence[str], *, title: str | None = None,
          styles: Sequence[str] | None = None) -> Table:
    """A rich table whose cells fold (wrap) instead of widening the line.

    ``styles`` gives each column's style (``""`` for none). Cell text is escaped, so square
    brackets in SQL are shown as they are.
    """
    grid = Table(title=title, box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False,
                 title_justify="left", expand=False)
    for i, header in enumerate(headers):
        grid.add_column(header, overflow="fold", style=(styles[i] if styles else None) or None)
    for row in rows:
        grid.add_row(*(escape(cell(v)) for v in row))
    return grid


def print_table(rows: Iterable[Sequence[Any]], headers: Sequence[str], *,
                title: str | None = None, file: IO[str] | None = None,
                width: int | None = None, styles: Sequence[str] | None = None) -> None:
    """Print :func:`table` on ``file`` (default stdout), fitted to the width."""
    console(file, width=width).print(table(rows, headers, title=title, styles=styles))


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
               TextColumn("{task.completed}/{task.total}" if total else ""), TimeElapsedColumn()]
    with Progress(*columns, console=out, transient=True, disable=not out.is_terminal) as bar:
        task = bar.add_task(description, total=total)
        yield _Task(bar, task)


class _Task:
    def __init__(self, bar: Progress, task: Any) -> None:
        self._bar, self._task = bar, task

    def advance(self, n: int = 1) -> None:
        self._bar.advance(self._task, n)

    def update(self, description: str) -> None:
        self._bar.update(self._task, description=description)
