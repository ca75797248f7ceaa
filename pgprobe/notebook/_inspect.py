"""Live incident views in the notebook: the blocking tree drawn with graphviz, and a live
widget that re-reads it every N seconds until its stop button is pressed.

What the live view shows is a regular display output (updated in place), so the saved
notebook keeps the last tree, the waiting-sessions series and the table: the postmortem's
evidence. Nothing here cancels or terminates a session.

>>> html = series_html([("12:00:00", 0), ("12:00:05", 2)])
>>> "waiting sessions" in html and "12:00:05" in html
True
"""

from __future__ import annotations

import base64
import io
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from ..inspect._format import duration, short
from . import _html as H

__all__ = ["BlockingView", "LiveBlocking", "blocking_graph", "series_html"]


def _node_label(row: Any) -> str:
    state = row["state"] or "?"
    lines = [f"pid {row['pid']}", f"{state} {duration(row['state_s'])}".strip()]
    if row["application"]:
        lines.append(f"app {row['application']}")
    lines.append(short(row["query"], 40))
    return "\n".join(lines)


def blocking_graph(frame: Any) -> Any:
    """A graphviz Digraph of a ``blocking`` frame: root blockers red, waiters orange; an edge
    from each blocker to the session it blocks (solid: the tree, dashed: other blockers)."""
    import graphviz

    graph = graphviz.Digraph("blocking", graph_attr={"rankdir": "LR", "fontsize": "10"},
                             node_attr={"shape": "box", "style": "rounded,filled",
                                        "fontname": "Helvetica", "fontsize": "10"},
                             edge_attr={"fontname": "Helvetica", "fontsize": "9"})
    for row in frame.to_dict("records"):
        root = row["depth"] == 0
        graph.node(str(row["pid"]), _node_label(row),
                   fillcolor="#ffd7d5" if root else "#fff1c2",
                   color="#cf222e" if root else "#9a6700")
    for row in frame.to_dict("records"):
        for blocker in row["blocked_by"] or []:
            tree_edge = blocker == row["parent"]
            graph.edge(str(blocker), str(row["pid"]),
                       label=f"{row['waiting_for']}\n{duration(row['wait_s'])}" if tree_edge else "",
                       style="solid" if tree_edge else "dashed")
    return graph


def _svg(frame: Any) -> str:
    if not len(frame):
        return H.note("no session is waiting on a lock", "ok")
    try:
        svg = blocking_graph(frame).pipe(format="svg").decode()
    except Exception as exc:  # graphviz's `dot` missing: the table still says it all
        return H.note(f"graph not drawn ({type(exc).__name__}: {exc}); see the table", "warning")
    return svg[svg.find("<svg"):]


def series_html(points: Sequence[tuple[str, int]], *, keep: int = 30) -> str:
    """Waiting sessions over time: a matplotlib chart when matplotlib is installed, else a
    small table with bars."""
    points = list(points)[-keep:]
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        rows = [(t, n, "█" * min(n, 40)) for t, n in points]
        return H.table(rows, ["time (UTC)", "waiting sessions", ""], max_rows=keep)
    fig, ax = plt.subplots(figsize=(5, 1.6), dpi=80)
    ax.step(range(len(points)), [n for _, n in points], where="post")
    ax.set_xticks(range(len(points)))
    ax.set_xticklabels([t for t, _ in points], rotation=45, fontsize=6)
    ax.set_ylabel("waiting sessions", fontsize=7)
    buffer = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    data = base64.b64encode(buffer.getvalue()).decode()
    return f"<img alt='waiting sessions' src='data:image/png;base64,{data}'/>"


class BlockingView:
    """The blocking tree as a graph next to its table (what ``%pgprobe inspect blocking`` shows)."""

    def __init__(self, frame: Any) -> None:
        self.frame = frame

    def _repr_html_(self) -> str:
        return H.box(self.body())

    def body(self) -> str:
        """The view without its container (for a page that already has one)."""
        waiting = int(self.frame["wait_s"].notna().sum()) if len(self.frame) else 0
        roots = sorted(set(self.frame["root"])) if len(self.frame) else []
        title = (f"<b>blocking</b>: {waiting} waiting, root blocker"
                 f"{'s' if len(roots) > 1 else ''} {', '.join(map(str, roots))}" if roots
                 else "<b>blocking</b>: nobody waits")
        shown = self.frame.humanized() if hasattr(self.frame, "humanized") else self.frame
        return f"<div>{title}</div>{_svg(self.frame)}{H.frame(shown)}"

    def __repr__(self) -> str:
        return f"<BlockingView {len(self.frame)} sessions>"


class LiveBlocking:
    """Re-reads the blocking tree every ``every`` seconds until :meth:`stop`.

    ``LiveBlocking(dsn_or_probe, every=5)`` then display it (or call :meth:`show`); the stop
    button (or :meth:`stop`) ends the refreshing and leaves the last picture in place.
    :meth:`refresh` reads once (what the timer calls).
    """

    def __init__(self, source: Any, *, every: float = 5.0, keep: int = 120,
                 autostart: bool = True) -> None:
        import ipywidgets as w

        from ..inspect import Inspector

        self.every = max(0.2, float(every))
        self.keep = keep
        self.inspector = Inspector(source)
        self.history: list[tuple[str, int]] = []
        self.frame: Any = None
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None
        self._handle: Any = None
        self.error: str | None = None
        self.status = w.HTML()
        self.button = w.Button(description="stop", icon="stop", button_style="danger")
        self.button.on_click(lambda _: self.stop())
        self.widget = w.HBox([self.button, self.status])
        self._autostart = autostart

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def refresh(self) -> None:
        """Read the tree once, add a point to the series and redraw."""
        with self._lock:
            try:
                frame = self.inspector.blocking()
            except Exception as exc:  # a failed read is shown, the next tick tries again
                self.error = str(exc)
            else:
                self.error = None
                self.frame = frame
                taken = frame.taken_at or datetime.now(UTC)
                self.history.append((f"{taken:%H:%M:%S}",
                                     int(frame["wait_s"].notna().sum()) if len(frame) else 0))
                del self.history[:-self.keep]
            self._redraw()

    def html(self) -> str:
        """Everything the view shows, as one HTML string (what the notebook keeps)."""
        state = "stopped" if self._stopped.is_set() else f"refreshing every {self.every:g} s"
        last = self.history[-1][0] if self.history else "never"
        head = f"<div><b>live blocking</b> · last read {last} UTC · {state}</div>"
        error = H.note(f"last read failed: {self.error}", "error") if self.error else ""
        body = BlockingView(self.frame).body() if self.frame is not None else ""
        return H.box(head + error + series_html(self.history, keep=self.keep) + body)

    def _redraw(self) -> None:
        self.status.value = (f"{len(self.history)} reads, "
                             f"{self.history[-1][1] if self.history else 0} waiting now"
                             + (" · stopped" if self._stopped.is_set() else ""))
        if self._handle is not None:
            from IPython.display import HTML

            self._handle.update(HTML(self.html()))

    def show(self) -> LiveBlocking:
        """Display the stop button and the view, and start refreshing."""
        from IPython.display import HTML, display

        display(self.widget)
        self._handle = display(HTML(self.html()), display_id=True)
        if self._autostart:
            self.start()
        return self

    def _ipython_display_(self) -> None:
        self.show()

    def start(self) -> None:
        if self.running:
            return
        self._stopped.clear()
        self.refresh()
        self._thread = threading.Thread(target=self._loop, name="pgprobe-live-blocking",
                                        daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stopped.wait(self.every):
            self.refresh()

    def stop(self) -> None:
        """Stop refreshing; the last tree, series and table stay displayed."""
        self._stopped.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(self.every + 5)
        self.button.disabled = True
        with self._lock:
            self._redraw()
        self.inspector.close()


class WhyWaitingView:
    """The why-waiting sentences, each with its (never run) suggestion."""

    def __init__(self, answers: Sequence[Any]) -> None:
        self.answers = list(answers)

    def _repr_html_(self) -> str:
        if not self.answers:
            return H.box(H.note("no session is waiting on a lock", "ok"))
        items = "".join(f"<li>{H.esc(a.sentence)}<br><code>{H.esc(a.suggestion)}</code> "
                        "<i>(suggestion, not run)</i></li>" for a in self.answers)
        return H.box(f"<b>why waiting</b><ul>{items}</ul>")

    def __repr__(self) -> str:
        return "\n".join(str(a) for a in self.answers) or "no session is waiting on a lock"


def run_magic(argv: Sequence[str], session: Any, parser_class: Any) -> Any:
    """``%pgprobe inspect VIEW | live [--every N] | why-waiting [...] | report [--rules F]``."""
    from ..inspect import Inspector, resolve

    p = parser_class(prog="%pgprobe inspect", add_help=False)
    p.add_argument("what", help="a view (blocking, locks, ...), live, why-waiting or report")
    p.add_argument("--every", type=float, default=5.0, help="live: seconds between reads")
    p.add_argument("--keep", type=int, default=120, help="live: points kept in the series")
    p.add_argument("--rules", default=None, help="report: rules.toml")
    p.add_argument("--pid", type=int, default=None)
    p.add_argument("--application", default=None)
    p.add_argument("--query-like", default=None)
    a = p.parse_args(list(argv))
    if not session.require_live(f"%pgprobe inspect {a.what}"):
        return None
    probe = session.probe
    if a.what == "live":
        return LiveBlocking(probe.dsn or probe, every=a.every, keep=a.keep)
    db = Inspector(probe)
    if a.what == "why-waiting":
        return WhyWaitingView(db.why_waiting(pid=a.pid, application=a.application,
                                             query_like=a.query_like))
    if a.what == "report":
        return db.report(a.rules)
    name = resolve(a.what)
    return BlockingView(db.blocking()) if name == "blocking" else db.view(name)
