"""``inspect report``: every view read once, every rule checked, one exit code.

Exit code: 1 when a ``fail``-level rule fails; else 2 when a rule could not be checked (its
view could not be read); else 0 (``warn`` rules never change it).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

import pandas as pd

from .._errors import PgprobeError
from ._frame import InspectFrame
from .rules import Rule, RuleResult, default_rules

__all__ = ["Report", "run_report"]

_STATUS_ORDER = {"fail": 0, "error": 1, "warn": 2, "pass": 3, "off": 4}


@dataclass
class Report:
    """The rules' results and the views they were checked on."""

    results: list[RuleResult]
    frames: dict[str, InspectFrame] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    taken_at: datetime | None = None

    @property
    def failed(self) -> list[RuleResult]:
        return [r for r in self.results if r.status == "fail"]

    @property
    def exit_code(self) -> int:
        if self.failed:
            return 1
        if any(r.status == "error" for r in self.results if r.level == "fail"):
            return 2
        return 0

    @property
    def healthy(self) -> bool:
        return self.exit_code == 0

    def frame(self) -> pd.DataFrame:
        """One row per rule: rule, level, status, what it checks, what broke it."""
        return pd.DataFrame([{"rule": r.rule, "level": r.level, "status": r.status,
                              "checks": r.summary, "matches": r.matches} for r in self.results])

    def summary(self) -> str:
        """``2 failed, 1 warning, 7 passed`` (and errors / rules off when there are any)."""
        counts = {s: sum(1 for r in self.results if r.status == s) for s in _STATUS_ORDER}
        words = [("failed", counts["fail"]), ("could not be checked", counts["error"]),
                 ("warned", counts["warn"]), ("passed", counts["pass"]), ("off", counts["off"])]
        return ", ".join(f"{n} {w}" for w, n in words if n) or "no rules"

    def to_json(self) -> str:
        return json.dumps({"exit_code": self.exit_code, "summary": self.summary(),
                           "taken_at": self.taken_at.isoformat() if self.taken_at else None,
                           "results": [asdict(r) for r in self.results],
                           "view_errors": self.errors}, indent=2)

    def _repr_html_(self) -> str:
        from .._html import badge, box, esc, table

        rows = [(esc(r.rule), badge(r.status, r.status), esc(r.summary),
                 "<br>".join(esc(m) for m in r.matches[:10])) for r in self.results]
        return box(f"<div><b>inspect report</b>: {esc(self.summary())} (exit {self.exit_code})</div>"
                   + table(rows, ["rule", "status", "checks", "matches"], max_rows=200,
                           raw_columns=range(4)), "pgprobe-inspect")


def run_report(views: Iterable[tuple[str, Any]] | Any, rules: Sequence[Rule] | None = None,
               *, taken_at: datetime | None = None) -> Report:
    """Check ``rules`` (default: every rule with default thresholds) on the views.

    ``views`` is an :class:`~pgprobe.inspect.Inspector` (every view is read, each once) or
    ``(name, frame)`` pairs already read.
    """
    rules = list(rules) if rules is not None else default_rules()
    frames: dict[str, InspectFrame] = {}
    errors: dict[str, str] = {}
    if hasattr(views, "view"):
        from ._views import VIEWS

        for name in VIEWS:
            try:
                frames[name] = views.view(name)
            except PgprobeError as exc:
                errors[name] = str(exc)
    else:
        frames.update(dict(views))
    results = [_check(rule, frames, errors) for rule in rules]
    results.sort(key=lambda r: _STATUS_ORDER[r.status])
    return Report(results, frames, errors, taken_at)


def _check(rule: Rule, frames: Mapping[str, InspectFrame], errors: Mapping[str, str]
           ) -> RuleResult:
    if rule.level == "off":
        return rule.check(pd.DataFrame())
    if rule.view not in frames:
        why = errors.get(rule.view, f"view {rule.view} was not read")
        return RuleResult(rule.name, rule.level, "error", f"{rule.text}: {why}")
    return rule.check(frames[rule.view])
