"""Prove a migration: restore the source's schema in a scratch database, apply, compare.

The scratch database lives on a throwaway embedded server (or one you pass), as in the
migration rehearsal; the source and target are never connected to for writing. The source
schema is restored from its snapshot by the same generator (an empty database -> source),
checked against the source, optionally filled with rows copied from the source (read-only),
then the migration runs and the result is diffed against the target: no difference means
proven.

>>> proof = report.to_sql().prove()          # doctest: +SKIP
>>> print(proof)                              # doctest: +SKIP
proven: source + migration == target
"""

from __future__ import annotations

import contextlib
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from ..._errors import InputError, ServerError
from ...catalog._model import Snapshot
from .._engine import diff_snapshots
from .._report import DiffReport
from ._model import Migration, Statement
from ._options import MigrationOptions

_STAND_IN = Path(__file__).resolve().parents[2] / "migrations" / "supabase_stand_in.sql"
_DEFAULT_PRIVILEGES = "-- @@ default privileges @@"
PROVEN = "proven: source + migration == target"


@dataclass
class Proof:
    """What ``prove`` found. ``proven`` is True when the migrated scratch database equals the
    target; ``remaining`` lists what still differs, ``error`` the statement that failed."""

    proven: bool
    remaining: DiffReport
    restore_gaps: DiffReport
    """What restoring the source from its snapshot could not reproduce (should be empty)."""
    error: str | None = None
    failed_statement: Statement | None = None
    rows_before: dict[str, int] = field(default_factory=dict)
    rows_after: dict[str, int] = field(default_factory=dict)
    elapsed: float = 0.0
    server: str = ""

    @property
    def exit_code(self) -> int:
        return 0 if self.proven else 1

    @property
    def rows_kept(self) -> bool:
        """Every table that had rows before the migration has as many after it."""
        return all(self.rows_after.get(t) == n for t, n in self.rows_before.items()
                   if t in self.rows_after)

    def to_text(self) -> str:
        if self.proven:
            text = PROVEN
            if self.rows_before:
                text += (f" ({sum(self.rows_before.values())} rows in {len(self.rows_before)} "
                         f"tables {'kept' if self.rows_kept else 'NOT kept'})")
            return text
        lines = ["not proven"]
        if self.error:
            where = self.failed_statement.sql.splitlines()[0] if self.failed_statement else ""
            lines.append(f"  the migration failed: {self.error}" + (f"\n  at: {where}"
                                                                       if where else ""))
        if self.remaining:
            lines.append(f"  {len(self.remaining)} differences remain:")
            lines += ["  " + line for line in self.remaining.to_text().splitlines()[1:]]
        if self.restore_gaps:
            lines.append(f"  restoring the source from its snapshot left "
                         f"{len(self.restore_gaps)} differences")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text()


def _supabase(snap: Snapshot) -> bool:
    names = {s.name for s in snap.schemas}
    return "auth" in names and any(r.name == "authenticated" for r in snap.roles) or \
        ("auth" in names and "storage" in names)


def _roles(snaps: list[Snapshot]) -> set[str]:
    names: set[str] = set()
    for s in snaps:
        for r in s.relations:
            names |= {g.grantee for g in r.grants} | {x for p in r.policies for x in p.roles}
        for f in s.functions:
            names |= {g.grantee for g in f.grants}
    return names - {"public"}


class _Scratch:
    """A fresh database on a throwaway (or given) server, dropped afterwards."""

    def __init__(self, server: Any, flavor: str | None, scratch_dsn: str | None) -> None:
        self.owned = None
        self.db: str | None = None
        if scratch_dsn is not None:
            self.dsn, self.server = scratch_dsn, None
            return
        if server is None:
            from ... import embedded

            server = self.owned = embedded.Server.start(flavor or "embedded")  # type: ignore[arg-type]
        self.server = server
        self.db = f"pgprobe_prove_{secrets.token_hex(4)}"
        self.dsn = server.create_database(self.db)

    def close(self, keep: bool) -> None:
        if keep:
            return
        try:
            if self.db and self.server is not None and self.owned is None:
                self.server.drop_database(self.db)
        finally:
            if self.owned is not None:
                self.owned.stop(remove=True)


def _execute(conn: psycopg.Connection[Any], statements: list[Statement],
             chunk: int | None = None) -> tuple[str | None, Statement | None]:
    """Run statements in their transactional batches; the first error stops everything.
    ``chunk`` commits every so many statements (restoring thousands of tables in one
    transaction would run out of lock slots)."""
    migration = Migration(statements)
    batches = [(t, g[i:i + chunk]) for t, g in migration.batches()
               for i in range(0, len(g), chunk)] if chunk else migration.batches()
    for transactional, group in batches:
        current: Statement | None = None
        try:
            if transactional:
                with conn.transaction():
                    conn.execute("SET LOCAL check_function_bodies = off")
                    for current in group:
                        conn.execute(current.sql)  # type: ignore[call-overload]
            else:
                for current in group:
                    conn.execute(current.sql)  # type: ignore[call-overload]
        except psycopg.Error as exc:
            return (str(exc).strip().splitlines() or ["error"])[0], current
    return None, None


def _row_counts(conn: psycopg.Connection[Any], snap: Snapshot) -> dict[str, int]:
    out = {}
    for r in snap.relations:
        if r.kind == "table":
            q = sql.SQL("select count(*) from {}").format(sql.Identifier(r.schema, r.name))
            try:
                row = conn.execute(q).fetchone()
            except psycopg.Error:
                continue
            out[r.qualified_name] = int(row[0]) if row else 0
    return out


def _copy_rows(source_dsn: str, conn: psycopg.Connection[Any], snap: Snapshot, limit: int) -> None:
    """Copy up to ``limit`` rows per table from the source (read-only) into the scratch."""
    from ...connect import connect

    conn.execute("set session_replication_role = replica")  # FKs: any table order
    parents = {r.partition_of for r in snap.relations if r.partition_of}
    with connect(source_dsn) as probe:
        for r in snap.relations:
            if r.kind != "table" or r.qualified_name in parents:
                continue
            cols = [c.name for c in r.columns if not c.generated]
            names = sql.SQL(", ").join(sql.Identifier(c) for c in cols)
            table = sql.Identifier(r.schema, r.name)
            out = sql.SQL("copy (select {} from {} limit {}) to stdout").format(
                names, table, sql.Literal(limit))
            into = sql.SQL("copy {} ({}) from stdin").format(table, names)
            with probe.conn.cursor().copy(out) as src, conn.cursor().copy(into) as dst:
                for chunk in src:
                    dst.write(chunk)
    conn.execute("set session_replication_role = origin")


def _snapshot(dsn: str, schemas: list[str]) -> Snapshot:
    """The scratch database's snapshot, expanding those of ``schemas`` it has."""
    from ...catalog import snapshot

    with psycopg.connect(dsn) as conn:
        have = {r[0] for r in conn.execute("select nspname from pg_namespace")}
    return snapshot(dsn, schemas=[s for s in schemas if s in have] or ["public"])


def _compare(conn_dsn: str, want: Snapshot, schemas: list[str], others: list[Snapshot]
             ) -> DiffReport:
    got = _snapshot(conn_dsn, schemas)
    report = diff_snapshots(got, want, "scratch", "expected", schemas=schemas)
    known = {e.name for s in [want, *others] for e in s.extensions}
    keep = [c for c in report if not (c.object_kind == "extension" and
                                      c.path.split(".")[1] not in known)]
    return DiffReport(keep, "scratch", "expected", left=got, right=want)


def prove(migration: Migration, *, server: Any = None, flavor: str | None = None,
          scratch_dsn: str | None = None, source_dsn: str | None = None, rows: int = 0,
          keep: bool = False) -> Proof:
    """Apply ``migration`` to a scratch copy of its source schema and diff with its target.

    ``server``: a ``pgprobe.embedded.Server`` to use (default: a throwaway one of
    ``flavor``, embedded PG 18 unless ``"system"``); ``scratch_dsn``: an empty database to
    use instead. ``source_dsn`` with ``rows=N``: copy up to N rows per table from the source
    (read-only) before migrating, and check the row counts survive.
    """
    source, target = migration.source, migration.target
    if not isinstance(source, Snapshot) or not isinstance(target, Snapshot):
        raise InputError("this migration has no source and target snapshots to prove against")
    t0 = time.perf_counter()
    schemas = sorted({s.name for snap in (source, target) for s in snap.schemas if s.expanded}
                     | ({"public"} if not source.schemas else set()))
    scratch = _Scratch(server, flavor, scratch_dsn)
    try:
        conn = psycopg.connect(scratch.dsn, autocommit=True)
    except psycopg.Error as exc:
        scratch.close(keep)
        raise ServerError(f"cannot connect to the scratch database: {exc}") from None
    try:
        supabase = _supabase(source) and _STAND_IN.is_file()
        stand_in = _STAND_IN.read_text().split(_DEFAULT_PRIVILEGES) if supabase else []
        if supabase:
            conn.execute(stand_in[0])  # type: ignore[call-overload]
        _create_roles(conn, _roles([source, target]))
        gaps, error, failed = _restore(conn, scratch.dsn, source, schemas)
        rows_before: dict[str, int] = {}
        if error is None and rows and source_dsn is not None:
            _copy_rows(source_dsn, conn, source, rows)
            rows_before = {t: n for t, n in _row_counts(conn, source).items() if n}
        if error is None and supabase and len(stand_in) > 1:
            conn.execute("set check_function_bodies = off")
            conn.execute(stand_in[1])  # type: ignore[call-overload]
            conn.execute("reset check_function_bodies")
        if error is None:
            error, failed = _execute(conn, migration.statements)
        remaining = _compare(scratch.dsn, target, schemas, [source]) if error is None else \
            DiffReport([], "scratch", "expected")
        rows_after = _row_counts(conn, target) if rows_before else {}
    finally:
        conn.close()
        scratch.close(keep)
    return Proof(error is None and remaining.same, remaining, gaps, error, failed, rows_before,
                 rows_after, time.perf_counter() - t0,
                 getattr(scratch.server, "flavor", "given") + " server")


def _create_roles(conn: psycopg.Connection[Any], names: set[str]) -> None:
    have = {r[0] for r in conn.execute("select rolname from pg_roles")}
    for name in sorted(names - have):
        with contextlib.suppress(psycopg.errors.DuplicateObject):  # made meanwhile
            conn.execute(sql.SQL("create role {} nologin").format(sql.Identifier(name)))


def _restore(conn: psycopg.Connection[Any], dsn: str, source: Snapshot, schemas: list[str]
             ) -> tuple[DiffReport, str | None, Statement | None]:
    """Build the source's schema in the scratch database from its snapshot."""
    from ._generate import generate

    empty = _snapshot(dsn, schemas)
    added = diff_snapshots(empty, source, "scratch", "source", schemas=schemas)
    wanted = DiffReport([c for c in added if c.change != "removed"], "scratch", "source",
                        left=empty, right=source)
    restore = generate(wanted, MigrationOptions(allow_data_loss=True))
    error, failed = _execute(conn, restore.statements, chunk=1000)
    if error is not None:
        return DiffReport([]), f"restoring the source failed: {error}", failed
    gaps = _compare(dsn, source, schemas, [])
    return DiffReport([c for c in gaps if c.change != "removed" or c.object_kind not in (
        "schema", "extension")]), None, None
