"""The HTML site in a real browser: Debian's Chromium (driven by Playwright) opens it from
file://, no server; diagrams render and zoom, links and the search box lead to the pages."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pgprobe.catalog import Snapshot
from pgprobe.docs import Docs

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def test_html_site_renders_with_working_links(demo_snapshot: Snapshot, tmp_path: Path) -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    site = tmp_path / "site"
    Docs(demo_snapshot).write(site, format="html")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto((site / "index.html").as_uri())
            assert page.locator("figure.diagram svg").first.is_visible()
            # the README's table links to the tickets page
            page.locator("main a", has_text="tickets").first.click()
            page.wait_for_url("**/tables/public.tickets.html")
            assert "users!tickets_assignee_fkey" in page.locator("main").inner_text()
            svg = page.locator("figure.diagram .viewport svg")
            assert svg.bounding_box()["width"] > 100  # type: ignore[index]
            before = svg.evaluate("s => s.style.transform")
            page.locator("figure.diagram button[data-zoom='1.25']").click()
            assert svg.evaluate("s => s.style.transform") != before
            # a diagram node links to its table's page
            page.locator("figure.diagram g.node.linked", has_text="users").first.click()
            page.wait_for_url("**/tables/public.users*.html")
            # search from any page
            page.fill("#search", "monitoring")
            page.locator("#results a").first.click()
            page.wait_for_url("**/tables/public.monitoring_events.html")
            assert "RLS on, no policy: the API returns []" in page.locator("main").inner_text()
            page.screenshot(path=str(tmp_path / "docs-site.png"), full_page=True)
            assert not errors, errors
        finally:
            browser.close()
    assert (tmp_path / "docs-site.png").stat().st_size > 10_000
    keep = os.environ.get("PGPROBE_ARTIFACTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        (Path(keep) / "docs-site.png").write_bytes((tmp_path / "docs-site.png").read_bytes())
