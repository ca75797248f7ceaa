"""Run one migration file in the scratch database and record what it really did."""

from __future__ import annotations

import re
import time
from typing import Any

import psycopg
from psycopg import sql

from ._check import check_all
from ._declared import Declared, Effects, ExpectedState, statement_effects
from ._files import MigrationFile, Statement
from ._locate import error_offset
from ._lookup import lookup_declared
from ._platform import PREINSTALLED, SUPABASE_EXTENSIONS
from ._results import DeltaEntry, FileResult, ServerMessage
from ._stubs import (
    STUBS,
    extension_for_error,
    extension_statement_targets,
    skipped_by_stub,
    stub_sql,
)

RESERVED_SCHEMA = "pgprobe_rehearsal"
_UNDEFINED = {"42704", "42883", "3F000", "42P01"}
_PRESTUB = PREINSTALLED
"""What Supabase preinstalls (extension -> schema): installed, or stubbed, up front."""
_DEFAULT_PRIVILEGES = "-- @@ default privileges @@"
_PROCEDURAL = re.compile(r"^(if|elsif|else|exception|raise|begin|declare|loop|end\s+if|"
                         r"perform|return)\b", re.I)
_TX_WORDS = re.compile(r"^(begin|commit|rollback|end|start|abort)\b", re.I)
_CREATE_EXTENSION = re.compile(r"^create\s+extension\b", re.I)


def transaction_control(text: str) -> str | None:
    """``begin``/``commit``/``rollback`` when the statement is one (parsed, so a stray
    ``BEGIN`` block with statements after it is not mistaken for one), else None."""
    if not _TX_WORDS.match(text):
        return None
    try:
        import pglast
        from pglast.enums import TransactionStmtKind as K

        [raw] = pglast.parse_sql(text)
    except Exception:
        return None
    node = raw.stmt
    if not isinstance(node, pglast.ast.TransactionStmt):
        return None
    if node.kind in (K.TRANS_STMT_BEGIN, K.TRANS_STMT_START):
        return "begin"
    if node.kind == K.TRANS_STMT_COMMIT:
        return "commit"
    if node.kind == K.TRANS_STMT_ROLLBACK:
        return "rollback"
    return None
_NO_TX = re.compile(
    r"^(create\s+(unique\s+)?index\s+concurrently|drop\s+index\s+concurrently|"
    r"reindex\b.*\bconcurrently|vacuum\b|create\s+database|drop\s+database|alter\s+system|"
    r"refresh\s+materialized\s+view\s+concurrently)\b",
    re.I | re.S,
)



def first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


class Runner:
    def __init__(
        self,
        conn: psycopg.Connection[Any],
        available: set[str],
        installed: set[str],
        stubs: bool,
        snapshots: bool | None,
    ) -> None:
        self.conn = conn
        self.available = available
        self.installed = set(installed)
        self.stubs = stubs
        self.stubbed: set[str] = set()
        self.snapshots = snapshots
        self.last_event = 0
        self.dsn = ""
        self.rerun = False
        self._muted = False
        self._last_snap: Any = None
        self.declared_so_far: dict[tuple[str, str | None, str], Declared] = {}
        self._notices: list[tuple[Any, Statement | None]] = []
        self._current: Statement | None = None
        conn.add_notice_handler(self._on_notice)

    def _on_notice(self, diag: psycopg.errors.Diagnostic) -> None:
        if self._muted:
            return
        # the Diagnostic is only valid during the callback: copy what we need
        self._notices.append((_diag_copy(diag), self._current))

    def _check_rerun(self, mf: MigrationFile, fr: FileResult, ran: list[Statement]) -> None:
        """Run the file's statements a second time inside a savepoint, then roll it back:
        a file that cannot run twice breaks `db reset`, branches and re-pushes."""
        conn = self.conn
        conn.execute("savepoint pgprobe_rerun")
        self._muted = True
        current: Statement | None = None
        try:
            for st in ran:
                if _NO_TX.match(st.text):
                    continue
                current = st
                conn.execute(st.text)  # type: ignore[arg-type]
            fr.rerunnable = True
        except psycopg.Error as exc:
            fr.rerunnable = False
            fr.rerun_error = self._message(exc.diag, mf, current, severity="ERROR", exc=exc)
        finally:
            self._muted = False
            conn.execute("rollback to savepoint pgprobe_rerun")

    def run_file(self, mf: MigrationFile, fr: FileResult,
                 parsed: list[Effects] | None = None) -> None:
        t0 = time.perf_counter()
        conn = self.conn
        self._notices = []
        stmts = mf.statements
        fr.statements = len(stmts)
        effects: list[tuple[Statement, Effects]] = []
        before = None
        if self.snapshots:
            if self._last_snap is None:
                self._last_snap = self._snapshot()
            before = self._last_snap
        t0 = time.perf_counter()
        conn.execute("begin")
        in_tx = True
        try:
            for k, st in enumerate(stmts):
                self._current = st
                eff = (parsed[k] if parsed is not None
                       else statement_effects(st, file=str(mf.path), version=mf.version))
                text = st.text
                tx = transaction_control(text)
                if tx is not None:
                    self._transaction_control(tx, st, mf, fr)
                    if tx == "rollback":
                        effects.clear()  # what they declared was undone
                    continue
                if self._handle_extensions(eff, st, mf, fr):
                    continue
                if fr.status == "needs_extension":
                    break
                if self._skip_for_stub(st, mf, fr) or self._skip_stubbed_extension(st, mf, fr):
                    continue
                if _NO_TX.match(text):
                    conn.execute("commit")
                    in_tx = False
                    fr.warnings.append(f"{mf.path}:{st.line}: {st.first_words} cannot run in a "
                                       "transaction: run on its own (the file is not atomic)")
                    conn.execute(text)  # type: ignore[arg-type]
                    effects.append((st, eff))
                    conn.execute("begin")
                    in_tx = True
                    continue
                conn.execute(text)  # type: ignore[arg-type]
                # only statements that ran declare objects (a skipped one is reported apart)
                effects.append((st, eff))
            self._current = None
            if fr.status == "needs_extension":
                conn.execute("rollback")
                in_tx = False
            else:
                self._record(mf, fr, effects)
                if self.rerun:
                    self._check_rerun(mf, fr, [st for st, _ in effects])
                conn.execute("commit")
                in_tx = False
                fr.status = "applied"
        except psycopg.Error as exc:
            failed_at = self._current
            if in_tx:
                conn.execute("rollback")
            fr.status = "failed"
            fr.error = self._message(exc.diag, mf, failed_at, severity="ERROR", exc=exc)
            self._current = None
        fr.notices = [self._message(d, mf, s) for d, s in self._notices]
        fr.elapsed = time.perf_counter() - t0
        if self.snapshots and fr.status == "applied" and before is not None:
            self._last_snap = self._snapshot()
            fr.diff = self._diff(before, self._last_snap)

    # -- transaction control inside a file ---------------------------------------------------
    def _transaction_control(self, tx: str, st: Statement, mf: MigrationFile,
                             fr: FileResult) -> None:
        """As the Supabase CLI applies a file: its statements run in one implicit transaction
        that a COMMIT (or ROLLBACK) written in the file ends; the statements after it start
        the next one.  A BEGIN inside the implicit transaction changes nothing."""
        where = f"{mf.path}:{st.line}"
        if tx == "begin":
            fr.skipped.append(f"{where}: BEGIN skipped (the file already runs in a transaction)")
            return
        self.conn.execute(tx)
        self.conn.execute("begin")
        if tx == "rollback":
            fr.warnings.append(f"{where}: ROLLBACK in a migration undoes the file's work "
                               "before it when Supabase applies it")

    # -- extensions ----------------------------------------------------------------------
    def _handle_extensions(self, eff: Effects, st: Statement, mf: MigrationFile,
                           fr: FileResult) -> bool:
        """True when ``CREATE EXTENSION`` was replaced by a stand-in (so it must not run).

        An extension the server has runs for real.  One that Supabase offers but this server
        lacks gets its stand-in (``_stubs.py``; only its name when there is no specific
        one), as does one registered with ``pgtle.install_extension`` (pg_tle's stand-in).
        Any other extension is left to the server, which fails as Supabase would.
        """
        if not eff.extensions or not _CREATE_EXTENSION.match(st.text):
            return False
        missing = [(e, s) for e, s in eff.extensions
                   if e not in self.available and e not in self.installed]
        if not missing:
            return False
        if all(e in self.stubbed for e, _ in missing):
            fr.skipped.append(f"{mf.path}:{st.line}: {st.first_words} skipped: "
                              f"{', '.join(e for e, _ in missing)} is already stood in for")
            return True
        registered = self._tle_registered()
        platform = [e for e, _ in missing if e in SUPABASE_EXTENSIONS or e in registered]
        if len(platform) < len(missing):
            return False  # not on Supabase either: the server's own error is the right one
        if not self.stubs:
            fr.status = "needs_extension"
            fr.needs_extensions = platform
            fr.error = ServerMessage(
                "ERROR", f"needs extension {', '.join(platform)} (not available on this server)",
                where=f"{mf.path}:{st.line}:{st.column}",
                hint="Supabase provides it: rehearse with the platform stand-ins (the default, "
                     "without --no-stubs) or on a server that has it", statement=st.text)
            return False
        schema = self.conn.execute("select current_schema()").fetchone()
        for ext, given in missing:
            if ext in self.stubbed:
                continue
            target = given or (schema[0] if schema and schema[0] else "public")
            self._install_stub(ext, target, registered.get(ext))
            fr.stubs.append(ext)
        fr.skipped.append(f"{mf.path}:{st.line}: {st.first_words} replaced by the pgprobe stub "
                          f"of {', '.join(e for e, _ in missing)}")
        return True

    def _install_stub(self, ext: str, schema: str, registered_sql: str | None) -> None:
        stub = STUBS.get(ext)
        self.conn.execute(sql.SQL("create schema if not exists {}").format(
            sql.Identifier(stub.default_schema if stub and stub.default_schema else schema)))
        if registered_sql and not stub:
            # a pg_tle extension whose script was given: run it, as pg_tle would
            row = self.conn.execute("select current_setting('search_path')").fetchone()
            self.conn.execute("select set_config('search_path', %s, true)",
                              (sql.Identifier(schema).as_string(self.conn),))
            self.conn.execute(registered_sql)  # type: ignore[arg-type]
            self.conn.execute("select set_config('search_path', %s, true)",
                              (row[0] if row else "public",))
        else:
            self.conn.execute(stub_sql(ext, schema))  # type: ignore[arg-type]
        self.stubbed.add(ext)

    def _tle_registered(self) -> dict[str, str | None]:
        """Extensions registered with the pg_tle stand-in (name -> script)."""
        if "pg_tle" not in self.stubbed:
            return {}
        rows = self.conn.execute("select name, ext from pgtle.pgprobe_registered").fetchall()
        return {r[0]: r[1] for r in rows}

    def _skip_stubbed_extension(self, st: Statement, mf: MigrationFile, fr: FileResult) -> bool:
        """``ALTER``/``DROP``/``COMMENT ON EXTENSION`` of a stood-in extension: not run."""
        names = extension_statement_targets(st.text)
        if names and all(n in self.stubbed for n in names):
            fr.skipped.append(f"{mf.path}:{st.line}: {st.first_words} skipped: "
                              f"{', '.join(names)} is a pgprobe stand-in")
            return True
        return False

    def prestub(self, preinstalled: dict[str, str]) -> None:
        """Install what Supabase preinstalls: the real extension when the server has it,
        else (with stubs on) its stand-in, each in its Supabase schema."""
        with self.conn.transaction():
            for ext, schema in preinstalled.items():
                if ext in self.installed or ext in self.stubbed:
                    continue
                if ext in self.available:
                    self.conn.execute(sql.SQL("create schema if not exists {}").format(
                        sql.Identifier(schema)))
                    self.conn.execute(sql.SQL("create extension if not exists {} with schema {}")
                                      .format(sql.Identifier(ext), sql.Identifier(schema)))
                    self.installed.add(ext)
                elif self.stubs and ext in STUBS:
                    self._install_stub(ext, schema, None)

    def _skip_for_stub(self, st: Statement, mf: MigrationFile, fr: FileResult) -> bool:
        for ext in self.stubbed:
            if skipped_by_stub(ext, st.text):
                fr.skipped.append(f"{mf.path}:{st.line}: {st.first_words} skipped: needs the "
                                  f"real extension {ext} (stubbed)")
                return True
        return False

    # -- after a file ----------------------------------------------------------------------
    def _record(self, mf: MigrationFile, fr: FileResult,
                effects: list[tuple[Statement, Effects]]) -> None:
        conn = self.conn
        rows = conn.execute(
            "select seq, action, object_type, object_identity, command_tag, original "
            "from pgprobe_rehearsal.events where seq > %s order by seq", (self.last_event,)
        ).fetchall()
        for seq, action, otype, ident, tag, original in rows:
            self.last_event = max(self.last_event, seq)
            if action == "dropped" and not original:
                action = "dropped (cascade)"
            fr.delta.append(DeltaEntry(action, otype or "", ident or "", tag or ""))
        es = ExpectedState()
        for st, eff in effects:
            es.apply(eff, version=mf.version, file=str(mf.path), line=st.line)
        declared = [d for d in es.present()
                    if not (d.kind == "extension" and d.name in self.stubbed)]
        snap = lookup_declared(conn, declared)
        if declared:
            fr.checks = check_all(declared, snap, conn)
        self._cascade_warnings(fr)
        for d in declared:
            self.declared_so_far[d.key] = d
        if snap.options.get("history"):
            conn.execute(
                "insert into supabase_migrations.schema_migrations (version, name, statements) "
                "values (%s, %s, %s) on conflict (version) do nothing",
                (mf.version, mf.name, [s.text for s in mf.statements]),
            )

    def _cascade_warnings(self, fr: FileResult) -> None:
        """Objects a CASCADE took with it, other than the parts of a table dropped itself."""
        dropped_tables = {d.identity for d in fr.delta
                          if d.action == "dropped" and d.object_type in ("table", "view")}
        for d in fr.delta:
            if d.action != "dropped (cascade)" or d.object_type not in (
                "table column", "policy", "trigger", "view", "table constraint", "function"
            ):
                continue
            owner = d.identity.rsplit(" on ", 1)[-1] if " on " in d.identity else (
                d.identity.rsplit(".", 1)[0])
            if owner in dropped_tables:
                continue
            fr.warnings.append(f"a CASCADE drop also dropped {d.object_type} {d.identity}")

    def _message(self, diag: Any, mf: MigrationFile, st: Statement | None, *,
                 severity: str | None = None, exc: BaseException | None = None) -> ServerMessage:
        where = ""
        if st is not None:
            off = error_offset(mf, st, diag)
            line, col = mf.position(off)
            where = f"{mf.path}:{line}:{col}"
        msg = getattr(diag, "message_primary", None) or (first_line(exc) if exc else "")
        hint = getattr(diag, "message_hint", None)
        if exc is not None and getattr(diag, "sqlstate", None) in _UNDEFINED | {"0A000", "58P01"}:
            ext = extension_for_error(msg)
            if ext is not None and ext not in self.installed and ext not in self.stubbed:
                hint = _extension_hint(ext, self.stubs, msg)
        if (exc is not None and getattr(diag, "sqlstate", None) == "42601" and st is not None
                and _PROCEDURAL.match(st.text)):
            hint = ("procedural statement outside PL/pgSQL: wrap it in DO $$ BEGIN ... END $$ "
                    "or use IF [NOT] EXISTS on the DDL statement itself")
        return ServerMessage(
            severity=severity or getattr(diag, "severity", None) or "NOTICE",
            message=msg,
            where=where,
            sqlstate=getattr(diag, "sqlstate", None),
            detail=getattr(diag, "message_detail", None),
            hint=hint,
            context=getattr(diag, "context", None),
            statement=st.text if st is not None else "",
        )

    # -- optional whole-catalog snapshots --------------------------------------------------
    def _snapshot(self) -> Any:
        try:
            from ..catalog import snapshot

            # its own connection: the snapshot reader makes its session read-only
            return snapshot(self.dsn, exclude_schemas=(RESERVED_SCHEMA,))
        except Exception:
            return None

    def _diff(self, before: Any, after: Any) -> Any:
        if after is None:
            return None
        try:
            from ..diff import diff  # type: ignore[import-not-found,attr-defined]

            return diff(before, after)
        except Exception:
            return None


def _extension_hint(ext: str, stubs: bool, message: str = "") -> str:
    """What to do about an object of extension ``ext`` that is missing.  Never "add" what
    Supabase installs in every database (those are installed or stood in for up front)."""
    if ext in SUPABASE_EXTENSIONS and "extension" in message and "not available" in message:
        return (f"Supabase offers extension {ext}, this server lacks it, and pgprobe stands in "
                "for it only when CREATE EXTENSION is a statement of its own (not inside a DO "
                "block or a function)")
    if ext in PREINSTALLED:
        return (f"this looks like extension {ext}, which Supabase installs in every database: "
                "rehearse with the Supabase stand-in and its stubs (the default)")
    if ext in SUPABASE_EXTENSIONS:
        return (f"this looks like extension {ext}, which these migrations never enable: a "
                f"Supabase database offers it but does not enable it, so add `create extension "
                f"if not exists \"{ext}\" with schema extensions` before its first use"
                + ("" if stubs or ext not in STUBS else
                   " (and rehearse without --no-stubs: this server lacks it)"))
    return (f"this looks like extension {ext}, which Supabase does not offer: install it "
            "(database.dev / pg_tle) in a migration before its first use")


_DIAG_FIELDS = ("severity", "message_primary", "message_detail", "message_hint", "sqlstate",
                "statement_position", "internal_position", "internal_query", "context")


def _diag_copy(diag: Any) -> Any:
    from types import SimpleNamespace

    return SimpleNamespace(**{k: getattr(diag, k, None) for k in _DIAG_FIELDS})


