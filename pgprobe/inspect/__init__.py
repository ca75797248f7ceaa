"""Live incident views: who is blocking whom, what is slow, what is bloated, right now.

``pgprobe.inspect(dsn)`` opens a read-only, time-limited probe session that never waits on a
lock; each view is a method returning a DataFrame (with an HTML display)::

    db = pgprobe.inspect(dsn)
    db.blocking()                 # the blocking tree: root blocker -> waiter -> waiter
    db.why_waiting()              # one sentence per waiting session
    db.report().exit_code         # every rule of rules.toml: 0 healthy, 1 a rule failed

>>> from pgprobe.inspect import VIEWS
>>> "blocking" in VIEWS and "outliers" in VIEWS
True
"""

import sys as _sys
import types as _types
from typing import Any as _Any

from ._frame import InspectFrame
from ._inspector import Inspector
from ._report import Report
from ._views import ALIASES, VIEWS, View, resolve
from ._why import Waiting

__all__ = ["ALIASES", "VIEWS", "InspectFrame", "Inspector", "Report", "View", "Waiting",
           "inspect", "resolve"]


def inspect(source: _Any = None, **kwargs: _Any) -> Inspector:
    """An :class:`Inspector` on ``source`` (DSN, psycopg connection, Probe, or the
    environment's DSN when None)."""
    return Inspector(source, **kwargs)


class _CallableModule(_types.ModuleType):
    """``pgprobe.inspect(dsn)`` works even after ``import pgprobe.inspect`` bound the module."""

    def __call__(self, source: _Any = None, **kwargs: _Any) -> Inspector:
        return inspect(source, **kwargs)


_sys.modules[__name__].__class__ = _CallableModule
