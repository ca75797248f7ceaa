"""Progress for long work in a notebook (snapshots of big schemas, rehearsals).

A widget bar when ipywidgets is available, one updating text line otherwise.

>>> with Progress("demo", total=2, show=False) as p:
...     p.step("first")
...     p.step("second")
>>> p.done_steps, p.label
(2, 'demo: done (2/2)')
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

__all__ = ["Progress", "track"]

T = TypeVar("T")


class Progress:
    """``with Progress("rehearsing", total=len(files)) as p: p.step(name)``."""

    def __init__(self, description: str, total: int | None = None, *, show: bool = True) -> None:
        self.description = description
        self.total = total
        self.done_steps = 0
        self.label = description
        self._show = show
        self._started = time.perf_counter()
        self._bar: Any = None
        self._text: Any = None
        self._handle: Any = None

    def __enter__(self) -> Progress:
        if self._show:
            self._open()
        return self

    def _open(self) -> None:
        from IPython import get_ipython
        from IPython.display import display

        if getattr(get_ipython(), "kernel", None) is None:  # no frontend: stay quiet
            self._show = False
            return

        try:
            import ipywidgets as w

            self._bar = w.IntProgress(value=0, min=0, max=max(self.total or 1, 1),
                                      bar_style="info", layout=w.Layout(width="16em"))
            # HTML, not Label: a Label never wraps, so a long DSN ran past the cell's edge
            self._text = w.HTML(value=self._label_html(),
                                layout=w.Layout(flex="1 1 0%", min_width="0"))
            box = w.HBox([self._bar, self._text])
            box.add_class("pgprobe-progress")
            display(box)
        except ImportError:  # pragma: no cover - ipywidgets is a notebook extra
            self._handle = display(self.description, display_id=True)

    def _label_html(self) -> str:
        from html import escape

        return (f'<span class="tex2jax_ignore mathjax_ignore" '
                f'style="white-space:normal;overflow-wrap:anywhere">'
                f"{escape(self.label)}</span>")

    def _render(self) -> None:
        if not self._show:
            return
        if self._bar is not None:
            self._bar.value = min(self.done_steps, self._bar.max)
            self._text.value = self._label_html()
        elif self._handle is not None:
            self._handle.update(self.label)

    def step(self, what: str = "") -> None:
        """One unit of work finished (``what`` names the next or finished item)."""
        self.done_steps += 1
        total = f"/{self.total}" if self.total else ""
        self.label = f"{self.description}: {what} ({self.done_steps}{total})"
        self._render()

    def callback(self) -> Callable[[int, int, Any], None]:
        """A ``(done, total, item)`` callback for APIs that report progress themselves
        (``pgprobe.migrations.rehearse(..., progress=p.callback())``)."""

        def report(done: int, total: int, item: Any) -> None:
            self.total = total
            if self._bar is not None:
                self._bar.max = max(total, 1)
            self.done_steps = done - 1
            self.step(str(getattr(item, "filename", None) or getattr(item, "name", None) or item)[:60])

        return report

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        elapsed = time.perf_counter() - self._started
        total = f"/{self.total}" if self.total else ""
        if exc_type is None:
            self.label = f"{self.description}: done ({self.done_steps}{total})"
            if self._show:
                self.label += f" in {elapsed:.1f} s"
            if self._bar is not None:
                self._bar.max = max(self.done_steps, 1)
                self._bar.bar_style = "success"
        else:
            self.label = f"{self.description}: failed after {elapsed:.1f} s"
            if self._bar is not None:
                self._bar.bar_style = "danger"
        self._render()


def track(items: Iterable[T], description: str, *, total: int | None = None,
          show: bool = True) -> Iterator[T]:
    """Iterate while showing progress: ``for f in track(files, "linting"): ...``."""
    if total is None and hasattr(items, "__len__"):
        total = len(items)  # type: ignore[arg-type]
    with Progress(description, total=total, show=show) as p:
        for item in items:
            yield item
            p.step(str(item)[:60])
