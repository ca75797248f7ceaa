"""A real browser: JupyterLab on loopback, Debian's Chromium driven by Playwright, every
notebook in notebooks/ run top to bottom on the demo database.

Each output cell is screenshotted (paths printed and named in any failure); then every output
is checked as a reader sees it: no sideways overflow (except inside elements pgprobe marks as
meant to scroll, class ``pgp-scroll``), no rendered math (a ``$`` in a hint must stay a
``$``), no ``NaN``. In the onboarding notebook the ERD's zoom and card clicks and the schema
explorer (pickers, tabs, a click on a table in its ERD) are driven for real.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ._lab import (
    CHROMIUM,
    NOTEBOOK,
    VIEWPORT,
    Lab,
    chromium,
    copy_notebook,
    jupyterlab,
    output_areas,
    run_all,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
ALL = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
SCROLL_CLASS = "pgp-scroll"  # pgprobe's mark on what is meant to scroll sideways
MATH = "mjx-container, .MathJax, .MathJax_Display, .MathJax_Preview, .katex"


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory, demo_dsn: str) -> Iterator[Lab]:
    """JupyterLab with every notebook, parameterised (like papermill) to read PGPROBE_DSN."""
    work = tmp_path_factory.mktemp("jupyterlab")
    with jupyterlab(work, {"PGPROBE_DSN": demo_dsn}) as server:
        for name in ALL:
            copy_notebook(name, server.root, inject_dsn_from_env=True)
        yield server


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    with chromium() as b:
        yield b


# -- what a reader sees ------------------------------------------------------------------------

# Per cell: elements wider inside than their box (deepest ones only), rendered math, "NaN".
_CHECKS = """([notebook, scrollClass, math]) => {
  const cells = [...document.querySelectorAll(notebook + ' .jp-Cell')];
  const found = {overflow: [], math: [], nan: []};
  const describe = el => el.tagName.toLowerCase()
      + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  cells.forEach((cell, i) => {
    const area = cell.querySelector('.jp-OutputArea');
    if (!area) return;
    // what a reader would miss: text or a picture (a slider's inner track is neither)
    const shows = el => (el.innerText || '').trim() || el.querySelector('img, svg, canvas, video');
    const wide = [area, ...area.querySelectorAll('*')].filter(el =>
      el instanceof HTMLElement && el.clientWidth > 0 && !el.closest('.' + scrollClass)
      && !el.closest(math) && el.scrollWidth > el.clientWidth + 1 && shows(el));
    wide.filter(el => !wide.some(o => o !== el && el.contains(o))).slice(0, 5).forEach(el =>
      found.overflow.push({cell: i, element: describe(el), scrollWidth: el.scrollWidth,
                           clientWidth: el.clientWidth, text: (el.innerText || '').slice(0, 80)}));
    area.querySelectorAll(math).forEach(el =>
      found.math.push({cell: i, element: describe(el), text: (el.textContent || '').slice(0, 80),
                       source: (el.closest('.jp-OutputArea-output') || el).innerText.slice(0, 120)}));
    const walker = document.createTreeWalker(area, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (parent && (parent.closest('style') || parent.closest('script'))) continue;
      const m = /(^|[^A-Za-z0-9_])NaN($|[^A-Za-z0-9_])/.exec(node.textContent);
      if (m) found.nan.push({cell: i, element: describe(parent), text: node.textContent.slice(0, 120)});
    }
  });
  return found;
}"""


def screenshot_outputs(page: Any, out: Path) -> list[Path]:
    """One PNG per cell with output (cell number in the name)."""
    out.mkdir(parents=True, exist_ok=True)
    shots = []
    cells = output_areas(page)
    for i in range(cells.count()):
        area = cells.nth(i).locator(".jp-OutputArea").first
        if not area.count() or not area.evaluate("a => a.children.length > 0 && a.offsetHeight > 1"):
            continue
        path = out / f"cell-{i:02d}.png"
        try:
            area.screenshot(path=str(path), animations="disabled", timeout=10_000)
            shots.append(path)
        except Exception as exc:  # a screenshot is evidence, not a check
            print(f"cell {i}: no screenshot ({type(exc).__name__})")
    return shots


def _problems(page: Any) -> list[str]:
    """One line per cell and kind of problem: how many, and the first one found."""
    found = page.evaluate(_CHECKS, [NOTEBOOK, SCROLL_CLASS, MATH])
    grouped: dict[tuple[int, str], list[str]] = {}
    for o in found["overflow"]:
        grouped.setdefault((o["cell"], "horizontal overflow"), []).append(
            f"{o['element']} ({o['scrollWidth']} px of content in {o['clientWidth']} px, not inside "
            f".{SCROLL_CLASS}): {o['text']!r}")
    for m in found["math"]:
        grouped.setdefault((m["cell"], "rendered math"), []).append(f"{m['element']} in {m['source']!r}")
    for n in found["nan"]:
        grouped.setdefault((n["cell"], "'NaN' shown"), []).append(f"in {n['element']}: {n['text']!r}")
    return [f"cell {cell}: {kind}{f' ({len(items)}x)' if len(items) > 1 else ''}: {items[0]}"
            for (cell, kind), items in sorted(grouped.items())]


def _errors(page: Any) -> list[str]:
    errors = page.locator(f"{NOTEBOOK} .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    out = [t[:500] for t in errors.all_inner_texts() if "Error" in t or "Traceback" in t]
    prompts = page.locator(f"{NOTEBOOK} .jp-CodeCell .jp-InputPrompt").all_inner_texts()
    not_run = [i for i, p in enumerate(prompts) if not any(ch.isdigit() for ch in p)]
    if not_run:
        out.append(f"code cells not run (Run All stopped): {not_run}")
    return out


@pytest.mark.parametrize("name", ALL)
def test_notebook_reads_at_a_glance_in_jupyterlab(name: str, browser: Any, lab: Lab,
                                                  tmp_path: Path) -> None:
    page = browser.new_page(viewport=VIEWPORT)
    shots_dir = tmp_path / "screenshots"
    failures: list[str] = []
    try:
        run_all(page, lab, name)
        shots = screenshot_outputs(page, shots_dir)
        errors = _errors(page)
        assert not errors, "\n".join(errors)
        failures = _problems(page)
        if name.startswith("01-"):
            failures += _erd_and_explorer(page)
        page.screenshot(path=str(shots_dir / "page.png"), full_page=True)
    except Exception:
        page.screenshot(path=str(shots_dir / "failure.png"), full_page=True)
        (shots_dir / "failure.html").write_text(page.content())
        print(f"screenshots: {shots_dir}")
        raise
    finally:
        page.close()
        lab.shutdown_kernels()
        keep = os.environ.get("PGPROBE_ARTIFACTS")  # CI keeps the screenshots
        if keep and shots_dir.exists():
            shutil.copytree(shots_dir, Path(keep) / Path(name).stem, dirs_exist_ok=True)
    print(f"{len(shots)} output screenshots: {shots_dir}")
    assert len(shots) >= 3, f"too few outputs rendered: {shots_dir}"
    assert not failures, (f"{name}: {len(failures)} problems (screenshots of each output cell: {shots_dir})\n"
                          + "\n".join(failures))


# -- the ERD viewer and the schema explorer (onboarding notebook) --------------------------------

def _erd_and_explorer(page: Any) -> list[str]:
    """Zoom, pan and card clicks in the first ERD outside the explorer; then the explorer."""
    failures: list[str] = []
    viewers = page.locator(f"{NOTEBOOK} .jp-OutputArea-output .pgprobe-erdview:not(.pgprobe-explorer *)")
    assert viewers.count() >= 2, "the %pgprobe erd outputs are not the ERD viewer"
    erd = viewers.first
    svg = erd.locator(".pgprobe-erd-pane svg")
    svg.scroll_into_view_if_needed()
    fit = svg.bounding_box()["width"]
    area = erd.evaluate("v => v.closest('.jp-OutputArea-output').clientWidth")
    if fit > area + 1:
        failures.append(f"ERD not fit to the cell: {fit:.0f} px wide in a {area} px output")
    erd.locator(".pgprobe-erd-zoom-in").click()
    zoomed = svg.bounding_box()["width"]
    if not zoomed > fit * 1.2:
        failures.append(f"ERD zoom-in did not enlarge the SVG ({fit:.0f} -> {zoomed:.0f} px)")
    erd.locator(".pgprobe-erd-fit").click()
    # a click on a table with an embedded card shows exactly that card
    card_names = erd.locator(".pgprobe-erd-card").evaluate_all("cs => cs.map(c => c.dataset.table)")
    assert card_names, "no table cards embedded in the ERD output"
    name = "public.tickets" if "public.tickets" in card_names else card_names[0]
    erd.locator("g.node", has=page.locator(f"title:text-is('{name}')")).click()
    shown = erd.locator(".pgprobe-erd-card:visible")
    if shown.count() != 1 or f"table {name}" not in shown.first.inner_text():
        failures.append(f"clicking {name} in the ERD did not show its card "
                        f"({shown.count()} cards visible)")

    explorer = page.locator(".pgprobe-explorer").first
    explorer.wait_for(state="visible")
    assert explorer.locator("select").count() >= 2
    assert "tickets" in explorer.inner_text()
    explorer.get_by_role("tab", name="erd").click()
    pane = explorer.locator(".pgprobe-erd .pgprobe-erd-pane").first
    assert pane.locator("svg").is_visible()
    current = explorer.locator("select").nth(1).input_value()
    titles = pane.locator("g.node title").evaluate_all("ts => ts.map(t => t.textContent)")
    target = next((t for t in titles if t.startswith("public.") and t != f"public.{current}"), None)
    assert target, f"the explorer's focus ERD shows no other public table: {titles}"
    explorer.locator(".pgprobe-erd-zoom-in").click()  # zoomed, a click still picks
    pane.locator("g.node", has=page.locator(f"title:text-is('{target}')")).click()
    try:
        page.wait_for_function(
            "([sel, t]) => { const e = document.querySelector(sel); return e && "
            "e.querySelectorAll('select')[1].value === t.split('.')[1] && e.innerText.includes('table ' + t); }",
            arg=[f"{NOTEBOOK} .pgprobe-explorer", target], timeout=20_000)
    except Exception:
        failures.append(f"clicking {target} in the schema explorer's ERD did not select it")
    explorer.locator("select").nth(1).select_option("ai_analyses")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.pgprobe-explorer')]"
        ".some(e => e.innerText.includes('table public.ai_analyses'))")
    explorer.get_by_role("tab", name="policies").click()
    assert "Users can view their own analyses" in explorer.inner_text()
    return failures


# -- the same viewer in a static HTML export, offline --------------------------------------------

def test_erd_in_a_static_html_export_works_offline(demo_dsn: str, browser: Any, tmp_path: Path) -> None:
    """``jupyter nbconvert --to html`` of an executed ``%pgprobe erd``: opened from disk with
    every network request refused, the zoom works and a click on a table shows its card."""
    import nbformat
    from nbclient import NotebookClient
    from nbconvert import HTMLExporter

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(f"%load_ext pgprobe\n%pgprobe connect {demo_dsn}"),
                nbformat.v4.new_code_cell("%pgprobe erd")]
    env_path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    old = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = env_path  # the kernel imports this checkout
    try:
        NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    finally:
        if old is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = old
    body, _ = HTMLExporter().from_notebook_node(nb)
    page_file = tmp_path / "erd.html"
    page_file.write_text(body)
    page = browser.new_page(viewport=VIEWPORT)
    try:
        page.route("http*://**", lambda route: route.abort())  # offline: no CDN, no server
        page.goto(page_file.as_uri())
        viewer = page.locator(".pgprobe-erdview")
        assert viewer.count() == 1
        svg = viewer.locator(".pgprobe-erd-pane svg")
        fit = svg.bounding_box()["width"]
        viewer.locator(".pgprobe-erd-zoom-in").click()
        assert svg.bounding_box()["width"] > fit * 1.2
        viewer.locator(".pgprobe-erd-fit").click()
        viewer.locator("g.node", has=page.locator("title:text-is('public.tickets')")).click()
        shown = viewer.locator(".pgprobe-erd-card:visible")
        assert shown.count() == 1 and "table public.tickets" in shown.inner_text()
        assert "title" in shown.inner_text() and "assignee" in shown.inner_text()  # the columns
    except Exception:
        page.screenshot(path=str(tmp_path / "failure.png"), full_page=True)
        print(f"failure screenshot: {tmp_path / 'failure.png'}")
        raise
    finally:
        page.close()
