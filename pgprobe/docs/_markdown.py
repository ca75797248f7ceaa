"""The Markdown writer: GitHub-flavoured Markdown that GitHub renders as is (tables, code
fences, SVG images by relative path).

>>> from ._page import Heading, Page, Table
>>> print(page_markdown(Page("README.md", "t", "index", "", (Heading(1, "T"),
...       Table(("a", "b"), (("1", "2"),))))), end="")
# T
<BLANKLINE>
| a | b |
| --- | --- |
| 1 | 2 |
"""

from __future__ import annotations

from ._inline import relative
from ._page import Block, Bullets, Code, Diagram, Heading, Page, Paragraph, Table


def _fence(body: str) -> str:
    ticks = 3
    while "`" * ticks in body:
        ticks += 1
    return "`" * ticks


def block_markdown(block: Block, page_path: str) -> str:
    if isinstance(block, Heading):
        return f"{'#' * block.level} {block.text}"
    if isinstance(block, Paragraph):
        return block.text
    if isinstance(block, Bullets):
        return "\n".join(f"- {item}" for item in block.items)
    if isinstance(block, Table):
        head = "| " + " | ".join(h or " " for h in block.headers) + " |"
        rule = "| " + " | ".join("---" for _ in block.headers) + " |"
        rows = ["| " + " | ".join(c or " " for c in row) + " |" for row in block.rows]
        return "\n".join([head, rule, *rows])
    if isinstance(block, Code):
        fence = _fence(block.text)
        return f"{fence}{block.language}\n{block.text}\n{fence}"
    if isinstance(block, Diagram):
        src = relative(block.path, page_path)
        return f"![{block.alt}]({src})"
    raise TypeError(f"unknown block {block!r}")


def page_markdown(page: Page) -> str:
    return "\n\n".join(block_markdown(b, page.path) for b in page.blocks) + "\n"
