"""The shape of an advisor rule: a small class with its documentation and one ``check``.

>>> class Demo(Rule):
...     name, level, category, title = "demo", "INFO", "performance", "A demo"
...     def check(self, ctx):
...         yield self.finding("public", "t", "Table public.t is a demo.")
>>> from pgprobe.advise._context import Context
>>> from pgprobe.catalog._model import Snapshot
>>> [f.object for f in Demo().check(Context(Snapshot()))]
['t']
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from .._context import Context
from .._finding import Category, Finding, Level


class Rule:
    name: ClassVar[str]
    level: ClassVar[Level]
    category: ClassVar[Category]
    title: ClassVar[str]
    splinter: ClassVar[str | None] = None
    """Splinter's lint file (``0013_rls_disabled_in_public``) when Splinter has this lint."""
    live: ClassVar[bool] = False
    """Reads the statistics views of a live database (not judged from a snapshot file)."""
    what: ClassVar[str] = ""
    why: ClassVar[str] = ""
    fix: ClassVar[str] = ""
    example: ClassVar[str] = ""
    """SQL that makes the rule fire on an empty Supabase-shaped database."""

    def check(self, ctx: Context) -> Iterator[Finding]:
        raise NotImplementedError

    def finding(self, schema: str | None, obj: str, detail: str, **evidence: Any) -> Finding:
        return Finding(self.name, self.level, self.category, schema, obj, detail, self.fix,
                       evidence)

    @classmethod
    def doc(cls) -> dict[str, str]:
        return {"rule": cls.name, "level": cls.level, "category": cls.category,
                "title": cls.title, "what": cls.what, "why": cls.why, "fix": cls.fix,
                "example": cls.example, "splinter": cls.splinter or ""}
