"""The page model: a documentation page is a title and a list of blocks; writers render it.

Blocks hold inline Markdown (code spans, links, emphasis) already escaped by :mod:`._inline`,
so the Markdown writer concatenates and the HTML writer hands them to markdown-it.

>>> page = Page("tables/public.t.md", "table public.t", "table", "public.t",
...             (Heading(1, "table public.t"), Paragraph("No comment.")))
>>> page.html_path, [type(b).__name__ for b in page.blocks]
('tables/public.t.html', ['Heading', 'Paragraph'])
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

__all__ = ["Block", "Bullets", "Code", "Diagram", "Heading", "Page", "Paragraph", "Table"]


@dataclass(frozen=True)
class Heading:
    level: int
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Code:
    text: str
    language: str = ""


@dataclass(frozen=True)
class Diagram:
    """A Graphviz diagram: its DOT text, and where its SVG lives (relative to the docs root)."""

    path: str
    alt: str
    dot: str
    notes: tuple[str, ...] = ()


Block = Heading | Paragraph | Bullets | Table | Code | Diagram


@dataclass(frozen=True)
class Page:
    """One page of the documentation tree; ``path`` is relative to the root (``tables/x.md``).

    ``key`` names the object the page documents (``public.tickets``); ``kind`` is ``index``,
    ``table``, ``view``, ``function``, ``enum``, ``domain`` or ``changelog``.
    """

    path: str
    title: str
    kind: str
    key: str
    blocks: tuple[Block, ...]

    @property
    def html_path(self) -> str:
        return self.path[: -len(".md")] + ".html" if self.path.endswith(".md") else self.path

    @property
    def diagrams(self) -> tuple[Diagram, ...]:
        return tuple(b for b in self.blocks if isinstance(b, Diagram))

    @cached_property
    def _markdown(self) -> str:
        from ._markdown import page_markdown

        return page_markdown(self)

    def markdown(self) -> str:
        """The page as GitHub-flavoured Markdown (what ``pgprobe docs`` writes)."""
        return self._markdown

    def _repr_html_(self) -> str:
        from ._html import page_fragment

        return page_fragment(self)

    def __str__(self) -> str:
        return self.markdown()
