"""Schema documentation that writes itself: Markdown + SVG that GitHub renders, or a static
HTML site, generated from a Snapshot; ``check`` fails CI when the committed docs are stale.

>>> from pgprobe.catalog._model import Relation, Snapshot
>>> docs = Docs(Snapshot(relations=(Relation("public", "notes", "table"),)), diagrams=False)
>>> docs.table("public.notes").path
'tables/public.notes.md'

In a notebook ``pgprobe.docs(snapshot).table("public.tickets")`` shows the page as HTML.
"""

import sys as _sys
import types as _types
from typing import Any as _Any

from ._check import DocsCheck, Drift, check_docs
from ._lint import DEFAULT_REQUIRE, REQUIREMENTS, LintConfig, MissingComment, lint_comments
from ._output import WriteResult
from ._page import Page
from ._site import Docs

__all__ = [
    "DEFAULT_REQUIRE",
    "REQUIREMENTS",
    "Docs",
    "DocsCheck",
    "Drift",
    "LintConfig",
    "MissingComment",
    "Page",
    "WriteResult",
    "check_docs",
    "lint_comments",
]


class _CallableModule(_types.ModuleType):
    """``pgprobe.docs(snapshot)`` works even after ``import pgprobe.docs`` bound the module."""

    def __call__(self, snapshot: _Any, **kwargs: _Any) -> Docs:
        return Docs(_as_snapshot(snapshot), **kwargs)


def _as_snapshot(source: _Any) -> _Any:
    from ..catalog._model import Snapshot

    if isinstance(source, Snapshot):
        return source
    if isinstance(source, str) and source.endswith(".json"):
        return Snapshot.load(source)
    from ..catalog import snapshot

    return snapshot(source)


_sys.modules[__name__].__class__ = _CallableModule
