"""Screenshots of selected notebook outputs, as JupyterLab shows them in Chromium.

Runs the notebooks named in ``SHOTS`` for real (JupyterLab + Debian's Chromium + Playwright,
each notebook's default ``DSN = "demo"``: the embedded demo database) and saves one PNG per
selected output, cropped to the output and at most ``--max-height`` pixels tall::

    PYTHONPATH=. .venv/bin/python -m tests.notebook.screenshots --prefix after
    PYTHONPATH=. .venv/bin/python -m tests.notebook.screenshots --prefix before --out /tmp/shots

writes ``docs/notebooks/<prefix>-<name>.png`` (the "Before/after" section of docs/notebooks.md).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

from ._lab import (
    ROOT,
    VIEWPORT,
    cell_sources,
    chromium,
    copy_notebook,
    jupyterlab,
    output_areas,
    run_all,
)

# (image name, notebook, a line that starts the cell's source)
SHOTS: list[tuple[str, str, str]] = [
    ("erd", "01-onboarding.ipynb", "%pgprobe erd\n"),
    ("relationships", "01-onboarding.ipynb", "from pgprobe.relationships import RelationshipIndex"),
    ("request-builder", "01-onboarding.ipynb", "pn.RequestBuilder("),
    ("lint", "03-migration-postmortem.ipynb", "LINT_TARGET = "),
    ("history", "03-migration-postmortem.ipynb", "migrations.history("),
    ("compare-roles", "05-rls-debugging.ipynb", "pn.compare_roles(session, TABLE,"),
]


def _matches(source: str, start: str) -> bool:
    text = source.replace("\u00a0", " ").strip() + "\n"
    return text.startswith(start) if start.endswith("\n") else start in text


def shoot(page: Any, index: int, path: Path, max_height: int) -> None:
    """The output area of cell ``index``, cropped to the output and ``max_height`` pixels."""
    area = output_areas(page).nth(index).locator(".jp-OutputArea").first
    area.evaluate("e => e.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(300)
    box = area.bounding_box()
    if box is None or box["height"] < 2:
        raise SystemExit(f"cell {index}: no visible output to screenshot")
    bottom = page.viewport_size["height"]
    clip = {"x": box["x"], "y": box["y"], "width": box["width"],
            "height": min(box["height"], max_height, bottom - box["y"])}
    page.screenshot(path=str(path), clip=clip)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.notebook.screenshots",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--prefix", required=True, help="file name prefix, e.g. before or after")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "notebooks", help="output directory")
    parser.add_argument("--max-height", type=int, default=700, help="crop taller outputs (pixels)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    notebooks = list(dict.fromkeys(nb for _, nb, _ in SHOTS))
    written = []
    with tempfile.TemporaryDirectory(prefix="pgprobe-shots-") as tmp, \
            jupyterlab(Path(tmp)) as lab, chromium() as browser:
        for nb in notebooks:
            copy_notebook(nb, lab.root, inject_dsn_from_env=False)
        page = browser.new_page(viewport=VIEWPORT)
        for nb in notebooks:
            run_all(page, lab, nb)
            sources = cell_sources(page)
            for name, owner, start in SHOTS:
                if owner != nb:
                    continue
                index = next((i for i, s in enumerate(sources) if _matches(s, start)), None)
                if index is None:
                    raise SystemExit(f"{nb}: no cell starts with {start!r}")
                path = args.out / f"{args.prefix}-{name}.png"
                shoot(page, index, path, args.max_height)
                written.append(path)
            lab.shutdown_kernels()
    total = sum(p.stat().st_size for p in written)
    for p in written:
        print(f"{p.relative_to(ROOT) if p.is_relative_to(ROOT) else p}  {p.stat().st_size // 1024} KiB")
    print(f"{len(written)} screenshots, {total / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
