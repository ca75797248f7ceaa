"""JupyterLab on loopback driven by Debian's Chromium through Playwright: shared by the
real-browser test (tests/notebook/test_browser.py) and the screenshot script
(tests/notebook/screenshots.py).

Each server gets its own port, token and config/runtime/data directories; notebooks are
copied into its root (with ``notebooks/data``) so a run never writes into the repository.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1400, "height": 1000}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Lab:
    """A running JupyterLab: its base URL, token, notebook root and log file."""

    base: str
    token: str
    root: Path
    log: Path

    def url(self, name: str) -> str:
        # ?reset: a fresh workspace, so only this notebook is open
        return f"{self.base}/lab/tree/{name}?reset&token={self.token}"

    def api(self, method: str, path: str) -> Any:
        req = urllib.request.Request(f"{self.base}{path}?token={self.token}", method=method)
        with urllib.request.urlopen(req, timeout=20) as r:
            body = r.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self) -> None:
        """Stop every notebook session (one notebook's kernel at a time keeps the 2-core CI calm)."""
        for s in self.api("GET", "/api/sessions"):
            self.api("DELETE", f"/api/sessions/{s['id']}")


def copy_notebook(name: str, root: Path, *, inject_dsn_from_env: bool) -> None:
    """Copy ``notebooks/<name>`` into ``root``; with ``inject_dsn_from_env`` its parameters
    cell gets ``DSN = None`` (like papermill) so it reads ``PGPROBE_DSN``."""
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    if inject_dsn_from_env:
        params = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
        params.source += "\nDSN = None  # injected: PGPROBE_DSN\n"
    nbformat.write(nb, root / name)
    if (NOTEBOOKS / "data").is_dir() and not (root / "data").exists():
        shutil.copytree(NOTEBOOKS / "data", root / "data")


@contextmanager
def jupyterlab(workdir: Path, env_extra: dict[str, str] | None = None) -> Iterator[Lab]:
    """JupyterLab on 127.0.0.1 with everything of its own under ``workdir``."""
    root = workdir / "lab"
    root.mkdir(parents=True, exist_ok=True)
    port, token = _free_port(), secrets.token_hex(16)
    env = dict(os.environ)
    for name in ("config", "runtime", "data"):
        (workdir / name).mkdir(exist_ok=True)
    env.update(JUPYTER_CONFIG_DIR=str(workdir / "config"), JUPYTER_RUNTIME_DIR=str(workdir / "runtime"),
               JUPYTER_DATA_DIR=str(workdir / "data"), JUPYTERLAB_SETTINGS_DIR=str(workdir / "config" / "lab"),
               JUPYTERLAB_WORKSPACES_DIR=str(workdir / "config" / "workspaces"),
               IPYTHONDIR=str(workdir / "ipython"),
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
               **(env_extra or {}))
    # render every cell (JupyterLab 4 virtualises long notebooks) and keep the page quiet
    settings = workdir / "config" / "lab" / "@jupyterlab"
    for plugin, values in {
        "notebook-extension/tracker": {"windowingMode": "none"},
        "apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
    }.items():
        path = settings / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    log_path = workdir / "jupyter.log"
    log = open(log_path, "w")  # noqa: SIM115 - closed in the finally below
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
                    raise AssertionError("JupyterLab did not start:\n" + log_path.read_text()[-3000:]) from None
                time.sleep(0.5)
        yield Lab(base, token, root, log_path)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@contextmanager
def chromium() -> Iterator[Any]:
    """Debian's Chromium under Playwright (never downloads a browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        # launch() gives the browser a new, empty temporary --user-data-dir of its own
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook"
"""The notebook on screen (other tabs, if any, stay in the DOM, hidden)."""

# JupyterLab's prompt of a code cell: "[ ]:" not run, "[*]:" queued or running, "[7]:" done
_BUSY = """() => {
  const prompts = [...document.querySelectorAll('NOTEBOOK .jp-CodeCell .jp-InputPrompt')];
  return prompts.length > 0 && !prompts.some(p => p.textContent.includes('*'));
}""".replace("NOTEBOOK", NOTEBOOK)


def run_all(page: Any, lab: Lab, name: str, *, timeout_s: int = 300) -> None:
    """Open ``name``, accept the kernel, run all cells and wait until none is running."""
    page.set_default_timeout(60_000)
    page.goto(lab.url(name))
    page.wait_for_selector(f"{NOTEBOOK} .jp-Cell", state="attached")
    select = page.locator(".jp-Dialog .jp-mod-accept")
    try:
        select.wait_for(state="visible", timeout=10_000)
        select.click()  # "Select Kernel": accept the notebook's python3
    except Exception:
        pass
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']",
                           state="attached", timeout=90_000)
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name=re.compile(r"^Run All Cells")).click()
    # the first cell's prompt turns [*] at once; then wait for all to finish
    page.wait_for_function(f"() => [...document.querySelectorAll('{NOTEBOOK} .jp-CodeCell .jp-InputPrompt')]"
                           ".some(p => /\\[(\\*|\\d+)\\]/.test(p.textContent))", timeout=60_000)
    page.wait_for_function(_BUSY, timeout=timeout_s * 1000)
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']",
                           state="attached", timeout=60_000)
    page.wait_for_timeout(1000)  # widgets and MathJax render after the kernel is idle


def cell_sources(page: Any) -> list[str]:
    """The source of every cell, in order (CodeMirror's text)."""
    return list(page.evaluate(
        f"() => [...document.querySelectorAll('{NOTEBOOK} .jp-Cell')]"
        ".map(c => (c.querySelector('.cm-content') || {innerText: ''}).innerText)"))


def output_areas(page: Any) -> Any:
    """One locator per cell (its output area; empty for markdown cells)."""
    return page.locator(f"{NOTEBOOK} .jp-Cell")
