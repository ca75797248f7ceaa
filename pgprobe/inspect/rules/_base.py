"""What a report rule is: a view, thresholds with defaults, and the rows that break them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import pandas as pd

from ..._errors import InputError

__all__ = ["Rule", "RuleResult", "LEVELS"]

LEVELS = ("fail", "warn", "off")
"""``fail`` makes ``inspect report`` exit 1, ``warn`` is shown only, ``off`` is not checked."""


@dataclass(frozen=True)
class RuleResult:
    """One rule's outcome: ``pass``, ``fail``, ``warn``, ``error`` (not checked) or ``off``."""

    rule: str
    level: str
    status: str
    summary: str
    matches: list[str] = field(default_factory=list)


class Rule:
    """A threshold over one view. Subclasses set the class attributes and ``offenders``."""

    name: ClassVar[str]
    view: ClassVar[str]
    description: ClassVar[str]  # formatted with the thresholds
    defaults: ClassVar[dict[str, float]]
    default_level: ClassVar[str] = "fail"

    def __init__(self, *, level: str | None = None, where: str = "rules",
                 **params: Any) -> None:
        unknown = sorted(set(params) - set(self.defaults))
        if unknown:
            raise InputError(f"[{self.name}] has no setting {unknown[0]!r}", where=where,
                             hint="settings: " + ", ".join(["level", *self.defaults]))
        for key, value in params.items():
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise InputError(f"[{self.name}] {key} must be a number, got {value!r}",
                                 where=where)
        level = level or self.default_level
        if level not in LEVELS:
            raise InputError(f"[{self.name}] level must be one of {', '.join(LEVELS)}, "
                             f"got {level!r}", where=where)
        self.level = level
        self.params: dict[str, float] = {**self.defaults, **params}

    def __repr__(self) -> str:
        return f"<rule {self.name} {self.level} {self.params}>"

    @property
    def text(self) -> str:
        """The rule in words, with its thresholds."""
        from .._format import size

        return self.description.format(**{k: size(v) if k.endswith("_bytes") else v
                                          for k, v in self.params.items()})

    def offenders(self, frame: pd.DataFrame) -> list[str]:
        """One short line per row that breaks the rule."""
        raise NotImplementedError

    def check(self, frame: pd.DataFrame) -> RuleResult:
        if self.level == "off":
            return RuleResult(self.name, self.level, "off", self.text)
        if getattr(frame, "note", None) and not len(frame):
            return RuleResult(self.name, self.level, "error", f"{self.text}: {frame.note}")
        matches = self.offenders(frame)
        status = "pass" if not matches else ("fail" if self.level == "fail" else "warn")
        return RuleResult(self.name, self.level, status, self.text, matches)


def rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The frame's rows as dicts, NaN as None."""
    plain = pd.DataFrame(frame).astype(object)
    return [{str(k): (None if v is None or (isinstance(v, float) and v != v) else v)
             for k, v in r.items()} for r in plain.to_dict("records")]
