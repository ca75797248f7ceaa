"""``%pgprobe inspect``, the blocking graph and the live widget, on real contention; the live
view executed in a real kernel keeps what it showed in the saved notebook."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import nbformat

from pgprobe.notebook import _session
from pgprobe.notebook._inspect import BlockingView, LiveBlocking, blocking_graph

ROOT = Path(__file__).resolve().parents[2]


def test_magic_draws_the_blocking_tree(ip: Any, contention) -> None:
    _session.connect(contention.dsn, show=False)
    view = ip.run_line_magic("pgprobe", "inspect blocking")
    assert isinstance(view, BlockingView)
    html = view._repr_html_()
    assert "<svg" in html and f"root blocker {contention.a}" in html
    for pid in (contention.a, contention.b, contention.c):
        assert f"pid {pid}" in html
    edges = {(e.split(" -> ")[0].strip().strip('"'), e.split(" -> ")[1].split()[0].strip('"'))
             for e in blocking_graph(view.frame).body if " -> " in e}
    assert (str(contention.a), str(contention.b)) in edges
    assert (str(contention.b), str(contention.c)) in edges
    why = ip.run_line_magic("pgprobe", "inspect why-waiting --application session_b")
    assert f"pid {contention.a}" in why._repr_html_() and "not run" in why._repr_html_()
    locks = ip.run_line_magic("pgprobe", "inspect locks")
    assert set(locks[~locks["granted"]]["pid"]) == {contention.b, contention.c}
    report = ip.run_line_magic("pgprobe", "inspect report")
    assert "inspect report" in report._repr_html_()


def test_live_widget_reads_and_stops(contention) -> None:
    live = LiveBlocking(contention.dsn, every=0.2, autostart=False)
    live.refresh()
    live.refresh()
    assert [n for _, n in live.history] == [2, 2]
    assert "<svg" in live.html() and "refreshing every" in live.html()
    live.start()
    assert live.running
    live.stop()
    assert not live.running and live.button.disabled
    assert "stopped" in live.html() and len(live.history) >= 3


def test_live_view_is_kept_in_the_saved_notebook(contention, tmp_path: Path) -> None:
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(f"%load_ext pgprobe\n%pgprobe connect {contention.dsn}"),
        nbformat.v4.new_code_cell("live = %pgprobe inspect live --every 0.3\nlive"),
        nbformat.v4.new_code_cell("import time\ntime.sleep(1.5)\nlive.stop()\nlen(live.history)"),
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    old = dict(os.environ)
    os.environ.update(env)
    try:
        NotebookClient(nb, timeout=120, kernel_name="python3",
                       resources={"metadata": {"path": str(tmp_path)}}).execute()
    finally:
        os.environ.clear()
        os.environ.update(old)
    nbformat.write(nb, tmp_path / "incident.ipynb")
    saved = nbformat.read(tmp_path / "incident.ipynb", as_version=4)
    shown = json.dumps(saved.cells[1].outputs)
    assert "<svg" in shown and "stopped" in shown and "waiting sessions" in shown
    for pid in (contention.a, contention.b, contention.c):
        assert f"pid {pid}" in shown
    reads = int(saved.cells[2].outputs[-1]["data"]["text/plain"])
    assert reads >= 3
