"""One lint finding: rule id, severity, where (file:line:column), what, and how to fix it.

>>> f = Finding("rls-missing", "error", "m/1_a.sql", 3, 1, "table public.t has no RLS", "enable it")
>>> f.where
'm/1_a.sql:3:1'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ._rules_meta import SEVERITY_ORDER, Severity


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    file: str
    line: int
    column: int
    message: str
    hint: str

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape: ``{rule, severity, file, line, column, message, hint}``."""
        return {"rule": self.rule, "severity": self.severity, "file": self.file,
                "line": self.line, "column": self.column, "message": self.message,
                "hint": self.hint}

    def sort_key(self) -> tuple[Any, ...]:
        return (self.file, self.line, self.column, SEVERITY_ORDER[self.severity], self.rule)
