"""Migrations: rehearse them in a scratch database, verify the real state, reconcile history.

* :func:`rehearse` applies a Supabase ``migrations/`` folder, file by file, on a throwaway
  database (never the target) and reports errors at ``file:line:column``, notices, timing,
  the catalog changes each file really made, and files that "succeeded" without creating
  what they declare.
* :func:`verify` checks that every object the migrations declare is in the target as
  declared; :func:`history` reconciles the files with ``supabase_migrations.schema_migrations``.
* :func:`postmortem` assembles lint + rehearsal + verification + history in one report.

>>> import pgprobe.migrations as m
>>> m.stand_in_path().name
'supabase_stand_in.sql'
"""

from ._check import Check
from ._declared import Declared, expected_state, statement_effects
from ._files import MigrationFile, Statement, migration_files, split_statements
from ._rehearse import rehearse, stand_in_path, stand_in_sql
from ._report import Postmortem, postmortem
from ._results import DeltaEntry, FileResult, Rehearsal, ServerMessage
from ._stubs import STUBS
from ._verify import history, verify


def lint(paths, **kw):  # type: ignore[no-untyped-def]
    """``pgprobe.lint.lint`` (helper "lint"), re-exported for ``pgprobe.migrations.lint``."""
    from ..lint import lint as _lint

    return _lint(paths, **kw)


__all__ = [
    "STUBS", "Check", "Declared", "DeltaEntry", "FileResult", "MigrationFile", "Postmortem",
    "Rehearsal", "ServerMessage", "Statement", "expected_state", "history", "lint",
    "migration_files", "postmortem", "rehearse", "split_statements", "stand_in_path",
    "stand_in_sql", "statement_effects", "verify",
]
