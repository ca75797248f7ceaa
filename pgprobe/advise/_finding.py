"""One advisor finding: which rule, how serious, what object, and what to do about it.

>>> f = Finding("no_primary_key", "INFO", "performance", "public", "logs",
...             "Table public.logs has no primary key.", "Add one.")
>>> f.qualified_object, f.to_dict()["level"]
('public.logs', 'INFO')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Level = Literal["ERROR", "WARN", "INFO"]
Category = Literal["security", "performance", "api"]

LEVELS: tuple[Level, ...] = ("ERROR", "WARN", "INFO")
LEVEL_RANK: dict[str, int] = {"ERROR": 0, "WARN": 1, "INFO": 2}
CATEGORIES: tuple[Category, ...] = ("security", "performance", "api")


@dataclass(frozen=True)
class Finding:
    rule: str
    """Splinter's lint name where Splinter has the lint, pgprobe's own name otherwise."""
    level: Level
    category: Category
    schema: str | None
    """The affected relation's or function's schema; ``None`` for extensions and buckets."""
    object: str
    """The affected relation, function, extension or bucket (index rules: the table)."""
    detail: str
    remediation: str
    evidence: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def qualified_object(self) -> str:
        return f"{self.schema}.{self.object}" if self.schema else self.object

    def key(self) -> tuple[str, str, str | None, str, str]:
        """What identifies a finding across runs (rule, level, object, and the sub-object:
        policy, index, column, foreign key, role and action)."""
        sub = ",".join(f"{k}={self.evidence[k]}" for k in sorted(self.evidence)
                       if k in _IDENTIFYING)
        return (self.rule, self.level, self.schema, self.object, sub)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape: ``{rule, level, category, schema, object, detail, remediation,
        evidence}``."""
        return {"rule": self.rule, "level": self.level, "category": self.category,
                "schema": self.schema, "object": self.object, "detail": self.detail,
                "remediation": self.remediation, "evidence": self.evidence}

    def sort_key(self) -> tuple[Any, ...]:
        return (LEVEL_RANK[self.level], self.rule, self.schema or "", self.object, self.detail)


_IDENTIFYING = frozenset({"policy", "index", "indexes", "column", "foreign_key", "role",
                          "action", "arguments", "target", "function"})
