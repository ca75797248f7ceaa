"""The ERD's notebook viewer: structure of the HTML (no browser), then its behaviour in
Debian's Chromium on a static HTML file (zoom, pan, click a table -> its card)."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from pgprobe.catalog._model import Relation, Snapshot
from pgprobe.graph import erd
from pgprobe.graph._viewer import SCROLL_CLASS, viewer_html

from ._handmade import handmade

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot not installed")
CHROMIUM = "/usr/bin/chromium"


class _Tags(HTMLParser):
    """Every start tag with its attributes, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags(page: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(page)
    return parser.tags


def test_viewer_is_self_contained_and_fits_the_width() -> None:
    svg = ('<?xml version="1.0"?>\n<svg width="812pt" height="300pt" viewBox="0 0 812 300">'
           '<g class="node"><title>public.a&amp;b</title></g></svg>')
    page = viewer_html(svg, cards={"public.a&b": "<p>card of a&amp;b</p>", 'x."y"': "<p>y</p>"})
    found = tags(page)
    assert not [t for t, a in found if t in ("script", "link", "iframe")]  # nothing loaded from outside
    assert not [a for _, a in found if any(k in ("src", "href") for k in a)]
    svg_attrs = next(a for t, a in found if t == "svg")
    assert "width" not in svg_attrs and "height" not in svg_attrs and svg_attrs["viewbox"] == "0 0 812 300"
    assert svg_attrs["style"] == "width:100%;max-width:812pt"  # the cell's width, never upscaled
    pane = next(a for t, a in found if "pgprobe-erd-pane" in (a.get("class") or ""))
    assert SCROLL_CLASS in (pane["class"] or "").split()
    assert {"onclick", "onwheel", "onpointerdown", "onpointermove", "onpointerup"} <= set(pane)
    cards = [a for t, a in found if "pgprobe-erd-card" in (a.get("class") or "").split()]
    assert [c["data-table"] for c in cards] == ["public.a&b", 'x."y"'] and all("hidden" in c for c in cards)
    assert {a.get("class") for t, a in found if t == "button"} >= {
        "pgprobe-erd-zoom-in", "pgprobe-erd-zoom-out", "pgprobe-erd-fit"}


@needs_dot
def test_cards_for_the_drawn_relations_only() -> None:
    snap = handmade()
    graph = erd(snap, focus="tickets")
    assert graph.cards == {}
    graph.with_cards(lambda rel: f"<i>{rel.qualified_name} has {len(rel.columns)} columns</i>")
    assert set(graph.cards) == {n for n in graph.relations if snap.has_table(n)}
    assert set(graph.cards) < {r.qualified_name for r in snap.relations}  # focus: not all
    assert graph.with_cards(lambda rel: "", limit=2).cards.keys() == set(sorted(graph.drawn)[:2])
    page = graph.html()
    assert page.count('class="pgprobe-erd-card"') == 2 and "cards are embedded for at most 2" in page


@needs_dot
def test_stub_relations_have_no_card_and_say_why() -> None:
    users = Relation("public", "notes", "table")
    graph = erd(Snapshot(relations=(users,))).with_cards(lambda rel: "card")
    assert list(graph.cards) == ["public.notes"]
    assert "not in the snapshot read" in graph.html()


@pytest.mark.browser
@needs_dot
def test_zoom_pan_and_cards_in_chromium(tmp_path: Path) -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    graph = erd(handmade(), columns="all").with_cards(
        lambda rel: f"<p class='card-body'>card of {rel.qualified_name}</p>")
    page_file = tmp_path / "erd.html"
    page_file.write_text(f"<!doctype html><html><body style='width:640px'>{graph.html()}</body></html>")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 800, "height": 700})
            page.goto(page_file.as_uri())
            svg, pane = page.locator(".pgprobe-erd-pane svg"), page.locator(".pgprobe-erd-pane")
            fit = svg.bounding_box()["width"]
            assert fit <= 640 and pane.evaluate("p => p.scrollWidth <= p.clientWidth")  # fits
            page.click(".pgprobe-erd-zoom-in")
            zoomed = svg.bounding_box()["width"]
            assert zoomed == pytest.approx(fit * 1.25, rel=0.02)
            assert pane.evaluate("p => p.scrollWidth > p.clientWidth")  # now it pans
            page.click(".pgprobe-erd-zoom-in")
            assert pane.evaluate("p => p.scrollWidth - p.clientWidth - p.scrollLeft") > 100
            box = pane.bounding_box()
            before = pane.evaluate("p => p.scrollLeft")
            page.mouse.move(box["x"] + 300, box["y"] + 100)
            page.mouse.down()
            page.mouse.move(box["x"] + 200, box["y"] + 100, steps=4)
            page.mouse.up()
            assert pane.evaluate("p => p.scrollLeft") == pytest.approx(before + 100, abs=2)
            page.click(".pgprobe-erd-zoom-out")
            assert svg.bounding_box()["width"] == pytest.approx(zoomed, rel=0.02)
            page.click(".pgprobe-erd-fit")
            assert svg.bounding_box()["width"] == pytest.approx(fit, abs=1)
            cards = page.locator(".pgprobe-erd-card")
            assert cards.count() >= 3 and not page.locator(".pgprobe-erd-card:visible").count()
            for name in ("public.users", "public.tickets"):
                page.locator("g.node", has=page.locator(f"title:text-is('{name}')")).click()
                shown = page.locator(".pgprobe-erd-card:visible")
                assert shown.count() == 1 and re.fullmatch(f"×\\s*card of {re.escape(name)}", shown.inner_text())
            page.locator(".pgprobe-erd-card:visible .pgprobe-erd-close").click()
            assert not page.locator(".pgprobe-erd-card:visible").count()
        finally:
            browser.close()
