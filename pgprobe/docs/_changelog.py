"""CHANGELOG.md: what changed since an earlier snapshot, as :mod:`pgprobe.diff` reports it,
grouped by the object each change belongs to (with a link to its page)."""

from __future__ import annotations

from collections import defaultdict

from ..catalog._model import Snapshot
from ..diff import diff_snapshots
from ._context import Context
from ._inline import code, link, text
from ._page import Block, Bullets, Heading, Page, Paragraph
from ._paths import CHANGELOG, README


def _owner(ctx: Context, path: str) -> str:
    parts = path.split(".")
    for n in range(len(parts), 0, -1):
        name = ".".join(parts[:n])
        if ctx.relation_page(name) or ctx.function_page(name) or ctx.type_page(name):
            return name
    return ".".join(parts[:2])


def changelog_page_for(ctx: Context, before: Snapshot, before_label: str = "before") -> Page:
    report = diff_snapshots(before, ctx.snapshot, before_label, "now",
                            schemas=ctx.schemas).sorted()
    blocks: list[Block] = [Heading(1, "Changelog"),
                           Paragraph(f"{link('Schema overview', README, CHANGELOG)} › changes "
                                     f"from {code(before_label)} to this documentation: "
                                     f"{text(report.summary())}.")]
    groups: dict[str, list[str]] = defaultdict(list)
    for change in report:
        owner = _owner(ctx, change.path)
        rest = change.path[len(owner):].lstrip(".") or change.object_kind
        line = f"{change.symbol} {code(rest)} {text(change.describe())}"
        if change.hint:
            line += f" ({text(change.hint)})"
        groups[owner].append(line)
    if not groups:
        blocks.append(Paragraph("No changes."))
    for owner in sorted(groups):
        page = ctx.relation_page(owner) or ctx.function_page(owner) or ctx.type_page(owner)
        blocks.append(Heading(2, link(code(owner), page, CHANGELOG) if page else code(owner)))
        blocks.append(Bullets(tuple(groups[owner])))
    return Page(CHANGELOG, "Changelog", "changelog", "", tuple(blocks))
