"""Rehearse migrations in a scratch database and check they did what they say.

Each file runs in its own transaction, in Supabase's order, on a scratch database (an
embedded throwaway server by default; never the target).  For each file pgprobe records
success or the server's error mapped to ``file:line:column``, the notices, the time, the
catalog changes the file really made (from event triggers in the scratch database), and
whether the objects the file declares exist afterwards: a file that "succeeded" without
creating its table (an ``EXCEPTION WHEN OTHERS THEN NULL`` around it) is flagged.

>>> r = rehearse("pgprobe/demo/migrations")            # doctest: +SKIP
>>> r.first_failure.error.where                          # doctest: +SKIP
'.../028_ticket_parent_index.sql:3:1'
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from .._errors import InputError, ServerError
from .._scratch import mark_scratch
from ._declared import Declared, Effects, statement_effects
from ._files import MigrationFile, migration_files
from ._platform import scratch_flavor
from ._results import DeltaEntry, FileResult, Progress, Rehearsal, ServerMessage, _print_progress
from ._runner import _DEFAULT_PRIVILEGES, _PRESTUB, RESERVED_SCHEMA, Runner, first_line

__all__ = ["DeltaEntry", "FileResult", "Rehearsal", "ServerMessage", "rehearse",
           "stand_in_path", "stand_in_sql"]

_AUTO_SNAPSHOT_FILES = 40


@cache
def stand_in_sql() -> str:
    """The Supabase stand-in script (``pgprobe/migrations/supabase_stand_in.sql``)."""
    return resources.files("pgprobe.migrations").joinpath("supabase_stand_in.sql").read_text()


def stand_in_path() -> Path:
    """Path of the Supabase stand-in SQL file shipped in the package."""
    return Path(str(resources.files("pgprobe.migrations").joinpath("supabase_stand_in.sql")))


@cache
def _event_log_sql() -> str:
    return resources.files("pgprobe.migrations").joinpath("sql", "event_log.sql").read_text()


def rehearse(
    migrations_dir: str | Path | Iterable[str | Path],
    base: Any = None,
    *,
    server: Any = None,
    scratch_dsn: str | None = None,
    stubs: bool | None = None,
    supabase: bool = True,
    progress: Progress | bool | None = None,
    keep: bool = False,
    stop_on_error: bool = True,
    snapshots: bool | None = None,
    pending_only: bool | None = None,
    check_rerun: bool = False,
) -> Rehearsal:
    """Apply migration files in order on a scratch database and report what really happened.

    ``base``: ``None`` (empty database), a DSN (its schema is copied with ``pg_dump
    --schema-only``), a saved snapshot path (``snap.json``) or a ``Snapshot`` (its DDL is
    recreated as far as the model allows).  ``server``: a ``pgprobe.embedded.Server`` to
    create the scratch database on; ``scratch_dsn``: use this (empty) database instead.
    Without either, a throwaway server is started and stopped: the local one whose
    extensions come closest to Supabase's (``scratch_flavor()``: Debian's PostgreSQL with
    contrib when installed, else the embedded wheel).
    ``supabase=True`` first loads the Supabase stand-in (roles, auth, storage, realtime,
    ``supabase_functions``) and installs what Supabase preinstalls (``pgcrypto``,
    ``uuid-ossp``, ``pg_graphql``, ``supabase_vault``, ...).  ``stubs`` (default: the same as
    ``supabase``) stands in for Supabase extensions the server lacks (``pg_cron``,
    ``pg_net``, ``http``, ``vector``, ``pgmq``, ``pg_tle``...) with same-signature stubs
    that do nothing; with ``stubs=False`` a file that enables one stops as
    ``needs_extension``.  Extensions Supabase does not offer are never stubbed.
    ``pending_only``: with a ``base`` that has a migration history, files already recorded
    in its ``supabase_migrations.schema_migrations`` are not rehearsed (``already_applied``),
    like ``supabase db push``; ``False`` rehearses every file.
    ``check_rerun=True`` runs each applied file a second time in a rolled-back savepoint
    and records whether it is re-runnable (``FileResult.rerunnable``, ``rerun_error``).
    ``snapshots``: also take a full ``pgprobe.snapshot`` before/after each file and attach
    ``pgprobe.diff.diff(before, after)`` as ``FileResult.diff``; ``None`` (default) does it
    for small runs only (at most 40 files on a scratch database of at most 300 relations),
    since the event-trigger delta is always recorded anyway.
    """
    t0 = time.perf_counter()
    files = migration_files(migrations_dir)
    if not files:
        from ._files import skipped_files

        others = skipped_files(migrations_dir) if isinstance(migrations_dir, (str, Path)) else []
        raise InputError(
            f"no migration files in {migrations_dir}",
            hint="Supabase runs files named <digits>_<name>.sql"
            + (f"; skipped: {', '.join(p.name for p in others[:3])}" if others else ""))
    if progress is True:
        progress = _print_progress
    if stubs is None:
        stubs = supabase
    owned_server = None
    created_db: str | None = None
    if scratch_dsn is not None:
        dsn = scratch_dsn
        server_desc = _redact(scratch_dsn)
    else:
        if server is None:
            from .. import embedded

            owned_server = server = embedded.Server.start(scratch_flavor())  # type: ignore[arg-type]
        created_db = f"pgprobe_rehearsal_{secrets.token_hex(4)}"
        server.create_database(created_db)
        dsn = server.dsn(created_db)
        mark_scratch(dsn)  # pgprobe's own throwaway database: probes may write to it
        server_desc = f"{getattr(server, 'flavor', 'embedded')} server"
    result = Rehearsal(files=[FileResult(str(f.path), f.version, f.name) for f in files],
                       server=server_desc, database=created_db or "")
    try:
        conn = psycopg.connect(dsn, autocommit=True)
    except psycopg.Error as exc:
        _cleanup(owned_server, server, created_db, keep)
        raise ServerError(f"cannot connect to the scratch database: {first_line(exc)}") from None
    pool: ThreadPoolExecutor | None = None
    try:
        _refuse_non_scratch(conn, base, created_db is not None)
        if supabase:
            with conn.transaction():
                conn.execute(stand_in_sql().split(_DEFAULT_PRIVILEGES)[0])  # type: ignore[arg-type]
        if base is not None:
            result.base, result.seed_warnings = _seed(conn, dsn, base, server)
        if supabase:
            with conn.transaction():
                conn.execute(  # type: ignore[arg-type]
                    "set check_function_bodies = off;\n" + stand_in_sql().split(_DEFAULT_PRIVILEGES)[-1])
            result.base += " + Supabase stand-in"
        with conn.transaction():
            conn.execute(_event_log_sql())  # type: ignore[arg-type]
            conn.execute(
                sql.SQL("alter database {} set search_path = \"$user\", public, extensions").format(
                    sql.Identifier(conn.info.dbname)
                )
            )
        # a fresh session: the setup's SETs are gone and RESET ALL in a migration returns to
        # Supabase's search_path ("$user", public, extensions), as on a real project
        conn.close()
        conn = psycopg.connect(dsn, autocommit=True)
        available = {
            r[0] for r in conn.execute("select name from pg_available_extensions").fetchall()
        }
        installed = {r[0] for r in conn.execute("select extname from pg_extension").fetchall()}
        if snapshots is None:
            row = conn.execute("select count(*) from pg_class where relkind in ('r', 'v', 'm', 'p')"
                               " and relnamespace not in (select oid from pg_namespace where "
                               "nspname in ('pg_catalog', 'information_schema'))").fetchone()
            snapshots = len(files) <= _AUTO_SNAPSHOT_FILES and bool(row and row[0] <= 300)
        runner = Runner(conn, available, installed, stubs, snapshots)
        runner.dsn = dsn
        runner.rerun = check_rerun
        if supabase:
            runner.prestub(_PRESTUB)
        applied_before: set[str] = set()
        if base is not None and pending_only is not False:
            applied_before = _base_history(base)
        last_applied = max(applied_before, key=_vkey) if applied_before else None
        failed = False
        # parse the files in a thread while the server runs statements (psycopg releases
        # the GIL while it waits for the server)
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pgprobe-parse")
        parsing = [pool.submit(_parse_file, mf) for mf in files]
        for i, (mf, fr) in enumerate(zip(files, result.files, strict=True), 1):
            if failed and stop_on_error:
                break
            if mf.version in applied_before:
                fr.status = "already_applied"
                if progress:
                    progress(i, len(files), fr)
                continue
            if last_applied is not None and _vkey(mf.version) < _vkey(last_applied):
                fr.warnings.append(f"version {mf.version} sorts before the base's last applied "
                                   f"version {last_applied}: `supabase db push` needs "
                                   "--include-all to apply it")
            runner.run_file(mf, fr, parsing[i - 1].result())
            failed = failed or fr.status in ("failed", "needs_extension")
            if progress:
                progress(i, len(files), fr)
        result.stubs = sorted(runner.stubbed)
        if keep:
            result.dsn = dsn
            conn.execute("drop event trigger if exists pgprobe_rehearsal_ddl")
            conn.execute("drop event trigger if exists pgprobe_rehearsal_drop")
            conn.execute("drop schema if exists pgprobe_rehearsal cascade")
    finally:
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
        conn.close()
        _cleanup(owned_server, server, created_db, keep)
    result.elapsed = time.perf_counter() - t0
    return result


def _parse_file(mf: MigrationFile) -> list[Effects]:
    return [statement_effects(st, file=str(mf.path), version=mf.version) for st in mf.statements]


def _vkey(version: str) -> tuple[int, str]:
    return (int(version), version) if version.isdigit() else (-1, version)


def _base_history(base: Any) -> set[str]:
    """Versions recorded in the base's ``supabase_migrations.schema_migrations``."""
    from ..catalog._model import Snapshot

    snap = base
    if isinstance(base, (str, Path)) and str(base).endswith(".json") and Path(base).is_file():
        snap = Snapshot.load(str(base))
    if isinstance(snap, Snapshot):
        return {m.version for m in snap.migrations or ()}
    from ._seed import _dsn_of

    try:
        with psycopg.connect(_dsn_of(base)) as source:
            row = source.execute(
                "select to_regclass('supabase_migrations.schema_migrations') is not null"
            ).fetchone()
            if not row or not row[0]:
                return set()
            return {r[0] for r in source.execute(
                "select version from supabase_migrations.schema_migrations")}
    except psycopg.Error:
        return set()


def _cleanup(owned: Any, server: Any, db: str | None, keep: bool) -> None:
    if keep:
        return
    try:
        if db is not None and server is not None and owned is None:
            server.drop_database(db)
    finally:
        if owned is not None:
            owned.stop(remove=True)


def _redact(dsn: str) -> str:
    try:
        from ..connect import redact  # type: ignore[attr-defined]

        return str(redact(dsn))
    except Exception:
        return re.sub(r"(password=)\S+|(:)[^:@/]+(@)", r"\1\2***\3", dsn)


def _refuse_non_scratch(conn: psycopg.Connection[Any], base: Any, fresh: bool) -> None:
    """Never rehearse on a database that holds user objects (it might be the target)."""
    if not fresh:
        n = conn.execute(
            """select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace
               where c.relkind in ('r', 'p', 'v', 'm') and n.nspname not in
               ('pg_catalog', 'information_schema', 'pg_toast', %s)""",
            (RESERVED_SCHEMA,),
        ).fetchone()
        if n and n[0]:
            raise InputError(
                f"the scratch database {conn.info.dbname!r} is not empty ({n[0]} relations)",
                hint="give an empty database (rehearsal writes into it; never the target)",
            )
    if isinstance(base, str) and not base.endswith(".json") and not Path(base).is_file():
        try:
            with psycopg.connect(base, autocommit=True) as target:
                same = _identity(target) == _identity(conn)
        except psycopg.Error:
            return
        if same:
            raise InputError("the scratch database is the target database",
                             hint="rehearsal needs a separate scratch database")


def _identity(conn: psycopg.Connection[Any]) -> tuple[Any, ...]:
    try:
        sysid = conn.execute("select system_identifier from pg_control_system()").fetchone()
    except psycopg.Error:
        sysid = None
    return (sysid, conn.info.dbname, conn.info.port, conn.info.host)


def _seed(conn: psycopg.Connection[Any], dsn: str, base: Any, server: Any) -> tuple[str, list[str]]:
    from ._seed import seed

    return seed(conn, dsn, base, server)


def declared_objects(files: Iterable[MigrationFile]) -> list[Declared]:
    """Every declared object of the files, each from the file that declared it last."""
    from ._declared import expected_state

    return expected_state(files).present()
