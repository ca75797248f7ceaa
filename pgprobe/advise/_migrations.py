"""Which migration file introduced each finding: rehearse the folder on a scratch database
(with pgprobe's Supabase stand-in, as ``pgprobe rehearse`` does), snapshot after every file,
and attribute each finding to the first file after which it appears.

Findings the stand-in alone produces (Supabase's own objects) are attributed to no file.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import psycopg

from .._errors import ServerError
from ..catalog._model import Snapshot
from ._api import run_rules
from ._report import AdviseReport

_SKIP_SCHEMAS = ("pg_catalog", "information_schema", "pg_toast", "pgprobe_rehearsal")


def _snap(dsn: str) -> Snapshot:
    from ..catalog import snapshot
    from ..catalog._reader import query_text

    with psycopg.connect(dsn, autocommit=True) as conn:
        names = [r[0] for r in conn.execute(query_text("schemas") or "").fetchall()]
    return snapshot(dsn, schemas=[s for s in names if s not in _SKIP_SCHEMAS])


def _baseline(server: Any, **kwargs: Any) -> set[tuple[Any, ...]]:
    """Finding keys of the Supabase stand-in alone."""
    from ..migrations import stand_in_sql

    name = f"pgprobe_advise_base_{secrets.token_hex(4)}"
    dsn = server.create_database(name)
    try:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute("set check_function_bodies = off")
            conn.execute(stand_in_sql())  # type: ignore[arg-type]
        return {f.key() for f in run_rules(_snap(dsn), **kwargs).findings}
    finally:
        server.drop_database(name)


def advise_migrations(migrations_dir: str | Path, *, exposed_schemas: Sequence[str] | None = None,
                      rules: Iterable[str] | None = None,
                      categories: Iterable[str] | None = None, server: Any = None,
                      ) -> AdviseReport:
    """Advise on the schema a migrations folder builds, with ``report.migration(finding)``
    naming the file that introduced each finding.

    >>> import pgprobe.advise._migrations as m                     # doctest: +SKIP
    >>> report = m.advise_migrations("supabase/migrations")         # doctest: +SKIP
    """
    from .. import embedded
    from ..migrations import rehearse

    kwargs: dict[str, Any] = {"exposed_schemas": exposed_schemas, "rules": rules,
                              "categories": categories}
    rules = list(rules) if rules is not None else None
    kwargs["rules"] = rules
    owned = server is None
    server = server or embedded.Server.start()
    name = f"pgprobe_advise_{secrets.token_hex(4)}"
    try:
        baseline = _baseline(server, **kwargs)
        dsn = server.create_database(name)
        introduced: dict[tuple[Any, ...], str] = {}
        last: list[AdviseReport] = []

        def after_file(i: int, total: int, fr: Any) -> None:
            if fr.status != "applied":
                return
            report = run_rules(_snap(dsn), **kwargs)
            for f in report.findings:
                if f.key() not in baseline:
                    introduced.setdefault(f.key(), fr.path)
            last[:] = [report]

        rehearsal = rehearse(migrations_dir, scratch_dsn=dsn, progress=after_file,
                             snapshots=False)
        failed = [fr for fr in rehearsal.files if fr.status in ("failed", "needs_extension")]
        report = last[0] if last else run_rules(_snap(dsn), **kwargs)
        report.migration_of = {k: v for k, v in introduced.items()}
        report.source = str(migrations_dir)
        for fr in failed:
            msg = fr.error.message if fr.error is not None else fr.status
            report.notes.append(f"rehearsal stopped at {fr.path}: {msg}; later files were "
                                "not advised")
        return report
    except psycopg.Error as exc:
        raise ServerError(f"cannot rehearse the migrations: {str(exc).splitlines()[0]}") from None
    finally:
        try:
            server.drop_database(name)
        finally:
            if owned:
                server.stop(remove=True)
