"""Advisors: Supabase's Splinter lints re-implemented over a pgprobe Snapshot, plus the
PostgREST traps nobody checks (ambiguous embeds, RLS that returns ``[]``, views that bypass
RLS, policies calling functions their role cannot execute).

``pgprobe.advise(source)`` takes a Snapshot, a snapshot file or a DSN and returns an
:class:`AdviseReport` (``.frame()``, ``.explain(finding)``, an HTML view grouped by level).

>>> import pgprobe.advise as advise_module
>>> from pgprobe.catalog._model import Relation, Snapshot
>>> advise_module(Snapshot(relations=(Relation("public", "logs", "table"),))).counts()["INFO"]
1
"""

import sys as _sys
import types as _types
from typing import Any as _Any

from ._api import advise, run_rules
from ._context import MANAGED_SCHEMAS, Context, LiveStatistics, exposed_schemas
from ._finding import CATEGORIES, LEVELS, Finding
from ._report import AdviseReport
from .rules import RULES, Rule

__all__ = [
    "CATEGORIES",
    "LEVELS",
    "MANAGED_SCHEMAS",
    "RULES",
    "AdviseReport",
    "Context",
    "Finding",
    "LiveStatistics",
    "Rule",
    "advise",
    "exposed_schemas",
    "run_rules",
]


class _CallableModule(_types.ModuleType):
    """``pgprobe.advise(source)`` works even after ``import pgprobe.advise`` bound the module."""

    def __call__(self, source: _Any, **kwargs: _Any) -> AdviseReport:
        return advise(source, **kwargs)


_sys.modules[__name__].__class__ = _CallableModule
