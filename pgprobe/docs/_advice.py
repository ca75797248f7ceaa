"""Advisor findings for the README, when a ``pgprobe.advise`` package is installed.

The advisor is optional: without it (or when it fails) the README simply has no findings
section. Findings are read by duck typing (``rule``/``code``, ``level``/``severity``,
``object``/``target``, ``message``/``title``), so the docs depend on no advisor class.
"""

from __future__ import annotations

import importlib
from typing import Any

from ..catalog._model import Snapshot


def _first(obj: Any, *names: str) -> str:
    for n in names:
        value = obj.get(n) if isinstance(obj, dict) else getattr(obj, n, None)
        if value not in (None, ""):
            return str(value)
    return ""


def advisor_findings(snapshot: Snapshot) -> list[tuple[str, str, str, str]] | None:
    """``(level, rule, object, message)`` rows, or None when no advisor is available."""
    try:
        module = importlib.import_module("pgprobe.advise")
    except ImportError:
        return None
    run = getattr(module, "advise", None)
    if not callable(run):
        return None
    try:
        result = run(snapshot)
    except Exception:  # an optional section must never break the docs
        return None
    findings = getattr(result, "findings", result)
    try:
        items = list(findings)
    except TypeError:
        return None
    rows = [(_first(f, "level", "severity"), _first(f, "rule", "code", "name"),
             _first(f, "object", "target", "relation", "path"),
             _first(f, "message", "title", "description", "detail")) for f in items]
    return sorted(rows)
