"""A real browser: JupyterLab on loopback, Debian's Chromium driven by Playwright, the
onboarding notebook run top to bottom; the ERD SVG and the schema explorer must render."""

from __future__ import annotations

import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import nbformat
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture()
def lab(tmp_path: Path, demo_dsn: str) -> Iterator[tuple[str, str, Path]]:
    """JupyterLab on 127.0.0.1 with its own port, token, config/runtime/data dirs; the
    onboarding notebook parameterised (like papermill) to read the DSN from PGPROBE_DSN."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    root = tmp_path / "lab"
    root.mkdir()
    nb = nbformat.read(ROOT / "notebooks" / "01-onboarding.ipynb", as_version=4)
    params = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    params.source += "\nDSN = None  # injected by the test: PGPROBE_DSN\n"
    nbformat.write(nb, root / "01-onboarding.ipynb")
    port, token = _free_port(), secrets.token_hex(16)
    env = dict(os.environ)
    for name in ("config", "runtime", "data"):
        (tmp_path / name).mkdir()
    env.update(JUPYTER_CONFIG_DIR=str(tmp_path / "config"), JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
               JUPYTER_DATA_DIR=str(tmp_path / "data"), JUPYTERLAB_SETTINGS_DIR=str(tmp_path / "config" / "lab"),
               JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "config" / "workspaces"),
               IPYTHONDIR=str(tmp_path / "ipython"), PGPROBE_DSN=demo_dsn,
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])))
    # render every cell (JupyterLab 4 virtualises long notebooks) and keep the page quiet
    settings = tmp_path / "config" / "lab" / "@jupyterlab"
    for plugin, values in {
        "notebook-extension/tracker": {"windowingMode": "none"},
        "apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
    }.items():
        path = settings / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    log = open(tmp_path / "jupyter.log", "w")  # noqa: SIM115 - closed in the finally below
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
         f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
         f"--ServerApp.root_dir={root}", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
         "--ServerApp.allow_remote_access=False",
         *(["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else [])],
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=root)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2) as r:
                    json.load(r)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    raise AssertionError("JupyterLab did not start:\n"
                                         + (tmp_path / "jupyter.log").read_text()[-3000:]) from None
                time.sleep(0.5)
        yield base, token, tmp_path
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def test_onboarding_runs_in_jupyterlab(lab: tuple[str, str, Path], tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    base, token, out = lab
    with sync_playwright() as pw:
        # launch() gives the browser a new, empty temporary --user-data-dir of its own
        # (Playwright refuses the flag in args); never downloads a browser.
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            try:
                _run_and_check(page, base, token, out)
            except Exception:
                page.screenshot(path=str(out / "failure.png"), full_page=True)
                (out / "failure.html").write_text(page.content())
                print(f"failure screenshot: {out / 'failure.png'}")
                raise
        finally:
            browser.close()
    assert (out / "onboarding.png").stat().st_size > 10_000
    print(f"screenshot: {out / 'onboarding.png'}")
    keep = os.environ.get("PGPROBE_ARTIFACTS")  # CI keeps the screenshot
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        (Path(keep) / "onboarding.png").write_bytes((out / "onboarding.png").read_bytes())


def _run_and_check(page: Any, base: str, token: str, out: Path) -> None:
    page.set_default_timeout(60_000)
    page.goto(f"{base}/lab/tree/01-onboarding.ipynb?token={token}")
    page.wait_for_selector(".jp-Notebook .jp-Cell", state="attached")
    select = page.locator(".jp-Dialog .jp-mod-accept")
    try:
        select.wait_for(state="visible", timeout=15_000)
        select.click()  # "Select Kernel": accept the notebook's python3
    except Exception:
        pass
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']",
                           state="attached", timeout=90_000)
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name=re.compile(r"^Run All Cells")).click()
    # the last cell (request builder) renders once everything above has run
    page.wait_for_selector(".pgprobe-request-builder", timeout=90_000)
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']",
                           state="attached", timeout=60_000)
    errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    tracebacks = [t for t in errors.all_inner_texts() if "Error" in t or "Traceback" in t]
    assert not tracebacks, tracebacks
    # JupyterLab shows image/svg+xml outputs as <img src="data:image/svg+xml,...">
    svgs = page.locator(".jp-RenderedSVG img[src^='data:image/svg+xml']")
    assert svgs.count() >= 2, "the ERD SVGs did not render"
    erd = unquote(svgs.nth(1).get_attribute("src") or "")
    assert "<svg" in erd and "tickets" in erd and "tickets_assignee_fkey" in erd
    assert svgs.nth(1).evaluate("img => img.complete && img.naturalWidth > 100")
    explorer = page.locator(".pgprobe-explorer")
    explorer.first.wait_for(state="visible")
    assert explorer.locator("select").count() >= 2
    assert "tickets" in explorer.first.inner_text()
    explorer.get_by_role("tab", name="erd").click()
    assert explorer.locator(".pgprobe-erd svg").first.is_visible()
    explorer.locator("select").nth(1).select_option("ai_analyses")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.pgprobe-explorer')]"
        ".some(e => e.innerText.includes('table public.ai_analyses'))")
    explorer.get_by_role("tab", name="policies").click()
    assert "Users can view their own analyses" in explorer.first.inner_text()
    page.screenshot(path=str(out / "onboarding.png"), full_page=True)
