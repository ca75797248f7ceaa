"""pgprobe in Jupyter: magics, rich displays, widgets and replayable investigations.

``%load_ext pgprobe`` (or ``%load_ext pgprobe.notebook``) registers:

* ``%pgprobe connect [DSN|demo] [--pin FILE] [--replay]`` and a password-free banner;
* ``%%sql [--as ROLE] [--claims JSON]`` -> DataFrame, ``:name``/``{name}`` bound as parameters;
* ``%%postgrest [--as ROLE] [--claims JSON] [--explain]``: request | SQL | result;
* ``%pgprobe snapshot|table|erd|diff|lint|explore|relationships|builder``;
* ``%pgprobe inspect blocking|locks|...|why-waiting|report`` and ``%pgprobe inspect live
  --every 5`` (a live blocking tree with a stop button).

The same from Python::

    import pgprobe.notebook as pn
    session = pn.connect("demo", pin="investigation.snapshot.json")
    pn.SchemaExplorer(session.snap)
"""

from __future__ import annotations

from typing import Any

from ._displays import (
    FindingsView,
    Folded,
    PostgrestView,
    QueryNote,
    SnapshotView,
    TableView,
    explain_pgrst,
    fold,
    frame_html,
    use_html_tables,
)
from ._progress import Progress, track
from ._rls import compare_roles, policies_for, select_privilege
from ._session import Session, connect, current, demo_dsn, live, scratch_server

__all__ = [
    "load_ipython_extension", "unload_ipython_extension", "connect", "current", "live",
    "demo_dsn", "Session", "Progress", "track", "TableView", "SnapshotView", "PostgrestView",
    "FindingsView", "QueryNote", "explain_pgrst", "SchemaExplorer", "RelationshipFinder",
    "RequestBuilder", "Pager", "PgprobeMagics", "compare_roles", "policies_for", "select_privilege",
    "LiveBlocking", "BlockingView", "frame_html", "use_html_tables", "scratch_server",
    "fold", "Folded",
]


def load_ipython_extension(ip: Any) -> None:
    """Register the magics (called by ``%load_ext pgprobe``)."""
    from ._magics import PgprobeMagics

    ip.register_magics(PgprobeMagics)
    use_html_tables(ip)


def unload_ipython_extension(ip: Any) -> None:
    """Nothing to undo beyond IPython's own bookkeeping; the session stays usable."""


def __getattr__(name: str) -> Any:  # widgets and magics import ipywidgets/IPython lazily
    if name in ("SchemaExplorer", "RelationshipFinder", "RequestBuilder", "Pager"):
        from . import _widgets

        return getattr(_widgets, name)
    if name in ("LiveBlocking", "BlockingView"):
        from . import _inspect

        return getattr(_inspect, name)
    if name == "PgprobeMagics":
        from ._magics import PgprobeMagics

        return PgprobeMagics
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
