"""pgprobe: investigate PostgreSQL, PostgREST and Supabase schemas from notebooks and CI.

>>> import pgprobe
>>> dsn = pgprobe.demo.up()                        # doctest: +SKIP
>>> snap = pgprobe.snapshot(dsn)                   # doctest: +SKIP
>>> snap.table("public.tickets").column("name")    # doctest: +SKIP
Traceback (most recent call last):
pgprobe._errors.NotFoundError: no column name in public.tickets; did you mean ...?
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._errors import (
    CatalogError,
    ConnectError,
    DependencyError,
    InputError,
    NotFoundError,
    PgprobeError,
    ProbeQueryError,
    ServerError,
)

if TYPE_CHECKING:  # the lazy names, for type checkers and editors
    from .catalog import Snapshot as Snapshot
    from .catalog import snapshot as snapshot
    from .connect import Probe as Probe
    from .connect import connect as connect

__version__ = "0.1.0"

# Everything heavier than the error classes loads on first use, so `import pgprobe` (and the
# CLI's start) stays fast.
_LAZY = {
    "snapshot": ("pgprobe.catalog", "snapshot"),
    "Snapshot": ("pgprobe.catalog", "Snapshot"),
    "connect": ("pgprobe.connect", "connect"),
    "Probe": ("pgprobe.connect", "Probe"),
    "demo": ("pgprobe.demo", None),
    "embedded": ("pgprobe.embedded", None),
    "diff": ("pgprobe.diff", "diff"),
    "DiffReport": ("pgprobe.diff", "DiffReport"),
    "expect": ("pgprobe.diff", "expect"),
    "erd": ("pgprobe.graph", "erd"),
    "postgrest": ("pgprobe.postgrest", None),
    "endpoint": ("pgprobe.endpoint", None),
    "relationships": ("pgprobe.relationships", None),
    "types": ("pgprobe.types", None),
    "lint": ("pgprobe.lint", None),
    "migrations": ("pgprobe.migrations", None),
    "notebook": ("pgprobe.notebook", None),
    "docs": ("pgprobe.docs", None),
    "advise": ("pgprobe.advise", None),
    "inspect": ("pgprobe.inspect", None),
}

__all__ = [
    "CatalogError", "ConnectError", "DependencyError", "InputError", "NotFoundError",
    "PgprobeError", "ProbeQueryError", "ServerError", "load_ipython_extension", *_LAZY,
]


def __getattr__(name: str) -> Any:
    try:
        module_name, attr = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'pgprobe' has no attribute {name!r}") from None
    module = importlib.import_module(module_name)
    value = getattr(module, attr) if attr else module
    globals()[name] = value
    return value


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext pgprobe``: registers the magics (``%pgprobe``, ``%%sql``, ``%%postgrest``)."""
    from .notebook import load_ipython_extension as load

    load(ipython)
