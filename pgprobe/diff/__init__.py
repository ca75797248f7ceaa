"""Diffs and expectations: compare any two schema sources, state what must be true.

>>> from pgprobe.diff import Change, DiffReport
>>> DiffReport([], "a", "b").same
True

``diff(a, b)`` compares Snapshots, saved snapshot files, live databases or an expectations
file; ``expect(snap)`` is the notebook assertion API; ``check(file, db)`` runs a YAML file;
``diff(a, b).to_sql()`` is the :class:`Migration` from ``a`` to ``b`` (``.prove()`` it).
"""

import sys as _sys
import types as _types
from typing import Any as _Any

from ._api import check, diff
from ._engine import DEFAULT_EXCLUDE, diff_snapshots
from ._expect import (
    Check,
    EnumExpectation,
    ExpectationError,
    Expectations,
    FunctionExpectation,
    PublicationExpectation,
    TableExpectation,
    expect,
    types_match,
)
from ._normalize import normalize_expr, normalize_sql
from ._report import CHANGE_KINDS, SEVERITIES, Change, DiffReport
from ._tenants import FleetReport, tenant_schemas, tenants
from ._yaml import ExpectationsFile, load_expectations, load_expectations_text
from .sql import Migration, MigrationOptions

__all__ = [
    "CHANGE_KINDS",
    "DEFAULT_EXCLUDE",
    "SEVERITIES",
    "Change",
    "Check",
    "DiffReport",
    "EnumExpectation",
    "ExpectationError",
    "Expectations",
    "ExpectationsFile",
    "FleetReport",
    "FunctionExpectation",
    "Migration",
    "MigrationOptions",
    "PublicationExpectation",
    "TableExpectation",
    "check",
    "diff",
    "diff_snapshots",
    "expect",
    "load_expectations",
    "load_expectations_text",
    "normalize_expr",
    "normalize_sql",
    "tenant_schemas",
    "tenants",
    "types_match",
]


class _CallableModule(_types.ModuleType):
    """``pgprobe.diff(a, b)`` works even after ``import pgprobe.diff`` bound the module."""

    def __call__(self, a: _Any, b: _Any, **kwargs: _Any) -> DiffReport:
        return diff(a, b, **kwargs)


_sys.modules[__name__].__class__ = _CallableModule
