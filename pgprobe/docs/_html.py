"""The HTML writer: a self-contained static site (no server, works from ``file://``) with a
search box, links between pages and zoomable diagrams; and page fragments for notebooks.

Page bodies are the Markdown pages rendered by markdown-it-py (CommonMark + tables), so the
site and the Markdown tree never disagree; diagrams are inlined as SVG.
"""

from __future__ import annotations

import html
import json
import posixpath
import re
from collections.abc import Callable
from functools import lru_cache
from importlib import resources

from ._diagrams import svg_inline
from ._markdown import block_markdown
from ._page import Diagram, Page
from ._paths import README

INDEX_HTML = "index.html"
ASSETS = ("assets/docs.css", "assets/docs.js")
SEARCH_INDEX = "assets/search-index.js"
_HREF = re.compile(r'href="([^"#:]+?)\.md(#[^"]*)?"')


@lru_cache(maxsize=1)
def _markdown_it() -> object:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True}).enable("table")


def html_path(page_path: str) -> str:
    """Where a Markdown page lives in the site (``README.md`` is ``index.html``)."""
    return INDEX_HTML if page_path == README else page_path[:-3] + ".html"


def _links_to_html(body: str) -> str:
    def fix(m: re.Match[str]) -> str:
        target = m.group(1) + ".md"
        base = posixpath.basename(target)
        new = target[: -len(base)] + (INDEX_HTML if base == README else base[:-3] + ".html")
        return f'href="{new}{m.group(2) or ""}"'

    return _HREF.sub(fix, body)


def _diagram_html(d: Diagram, svg: str | None) -> str:
    inner = svg_inline(svg) if svg else (
        f"<pre>{html.escape(d.dot)}</pre>")
    return (f'<figure class="diagram"><div class="diagram-tools"><button data-zoom="1.25">+'
            f'</button><button data-zoom="0.8">&minus;</button><button data-zoom="0">fit'
            f'</button></div><div class="viewport">{inner}</div>'
            f"<figcaption>{html.escape(d.alt)}</figcaption></figure>")


def page_body(page: Page, svg_of: Callable[[Diagram], str | None]) -> str:
    """The page's HTML body: Markdown runs through markdown-it, diagrams inlined."""
    md = _markdown_it()
    parts: list[str] = []
    pending: list[str] = []
    for block in page.blocks:
        if isinstance(block, Diagram):
            if pending:
                parts.append(md.render("\n\n".join(pending)))  # type: ignore[attr-defined]
                pending = []
            parts.append(_diagram_html(block, svg_of(block)))
        else:
            pending.append(block_markdown(block, page.path))
    if pending:
        parts.append(md.render("\n\n".join(pending)))  # type: ignore[attr-defined]
    return _links_to_html("".join(parts))


def _asset(name: str) -> str:
    return resources.files("pgprobe.docs").joinpath(name).read_text(encoding="utf-8")


def site_page(page: Page, svg_of: Callable[[Diagram], str | None], database: str) -> str:
    """One complete HTML file of the site."""
    up = "../" * page.path.count("/")
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<title>{html.escape(page.title)} · {html.escape(database)}</title>\n"
        f"<link rel=\"stylesheet\" href=\"{up}assets/docs.css\">\n</head>\n"
        f"<body data-root=\"{up}\">\n<header><a class=\"home\" href=\"{up}{INDEX_HTML}\">"
        f"{html.escape(database)}</a>\n<div class=\"search\"><input id=\"search\" type=\"search\" "
        "placeholder=\"Search tables, columns, functions…\" autocomplete=\"off\">"
        "<ol id=\"results\"></ol></div>\n</header>\n"
        f"<main>\n{page_body(page, svg_of)}</main>\n"
        f"<script src=\"{up}{SEARCH_INDEX}\"></script>\n"
        f"<script src=\"{up}assets/docs.js\"></script>\n</body>\n</html>\n")


def search_index(pages: list[Page], words: Callable[[Page], list[str]]) -> str:
    """``assets/search-index.js``: every page's title, path and searchable words."""
    entries = [{"title": p.title, "key": p.key, "kind": p.kind, "path": html_path(p.path),
                "words": " ".join(words(p))} for p in pages]
    return ("window.PGPROBE_DOCS = " + json.dumps(entries, ensure_ascii=False, sort_keys=True,
                                                  separators=(",", ":")) + ";\n")


def assets() -> dict[str, str]:
    return {name: _asset(name) for name in ASSETS}


def page_fragment(page: Page) -> str:
    """The page as one HTML fragment for notebooks (diagrams rendered on the spot)."""
    def svg_of(d: Diagram) -> str | None:
        import graphviz

        try:
            return str(graphviz.Source(d.dot).pipe(format="svg", encoding="utf-8"))
        except (graphviz.ExecutableNotFound, graphviz.CalledProcessError):
            return None

    style = ("<style>.pgprobe-docs table{border-collapse:collapse}.pgprobe-docs td,"
             ".pgprobe-docs th{border:1px solid #ddd;padding:2px 6px;text-align:left}"
             ".pgprobe-docs .diagram-tools{display:none}</style>")
    from .._html import MATH_IGNORE, protect_math

    return (f'{style}<div class="pgprobe-docs {MATH_IGNORE}" style="max-width:100%;overflow-x:auto">'
            f'{protect_math(page_body(page, svg_of))}</div>')
