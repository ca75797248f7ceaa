"""Migration lint: PostgreSQL's own grammar (pglast), one state of what exists at each
step across the ordered files, and rules for the mistakes that break Supabase migrations.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "20240101000000_init.sql").write_text(
...     "create table public.notes (id bigint primary key);\\n"
...     "alter table public.notes enable row level security;\\n"
...     "create policy own on public.notes for select to authenticated using (true);\\n")
>>> lint(d).findings
[]
"""

import sys as _sys
import types as _types
from typing import Any as _Any

from ._engine import lint, lint_files
from ._finding import Finding
from ._report import LintReport
from ._rules_meta import RULES, RuleInfo

__all__ = ["RULES", "Finding", "LintReport", "RuleInfo", "lint", "lint_files"]


class _CallableModule(_types.ModuleType):
    """``pgprobe.lint`` is this package and also callable as :func:`lint`, however it was
    first reached (``pgprobe.lint(paths)`` or ``pgprobe.lint.lint(paths)``)."""

    def __call__(self, *args: _Any, **kwargs: _Any) -> LintReport:
        return lint(*args, **kwargs)


_sys.modules[__name__].__class__ = _CallableModule
