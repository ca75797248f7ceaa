"""What a rehearsal returns: one FileResult per migration file, gathered in a Rehearsal."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._check import Check


@dataclass(frozen=True)
class ServerMessage:
    """An error or notice from the server, located in the migration file."""

    severity: str
    message: str
    where: str = ""
    sqlstate: str | None = None
    detail: str | None = None
    hint: str | None = None
    context: str | None = None
    statement: str = ""

    def __str__(self) -> str:
        text = f"{self.where}: {self.severity}: {self.message}" if self.where else self.message
        if self.hint:
            text += f" (hint: {self.hint})"
        return text


@dataclass(frozen=True)
class DeltaEntry:
    """One catalog change a file really made."""

    action: str
    """``created``, ``altered`` or ``dropped`` (``dropped (cascade)`` for dependants)."""
    object_type: str
    identity: str
    command: str = ""


@dataclass
class FileResult:
    """What happened to one migration file."""

    path: str
    version: str
    name: str
    status: str = "not_run"
    """``applied``, ``failed``, ``needs_extension``, ``not_run``, or ``already_applied``
    (in the base's ``schema_migrations``: not rehearsed, like ``supabase db push``)."""
    elapsed: float = 0.0
    statements: int = 0
    error: ServerMessage | None = None
    notices: list[ServerMessage] = field(default_factory=list)
    delta: list[DeltaEntry] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    stubs: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    """Statements not run, each as ``file:line: reason``."""
    warnings: list[str] = field(default_factory=list)
    needs_extensions: list[str] = field(default_factory=list)
    diff: Any = None
    """``pgprobe.diff`` report of the file (when snapshots were taken)."""
    rerunnable: bool | None = None
    """With ``check_rerun=True``: does a second run of the file succeed (``None``: not tried)."""
    rerun_error: ServerMessage | None = None

    @property
    def filename(self) -> str:
        return Path(self.path).name

    @property
    def problems(self) -> list[Check]:
        """Declared objects that are missing or different after the file ran."""
        return [c for c in self.checks if c.status in ("missing", "different")]

    @property
    def headline_problems(self) -> list[Check]:
        """Problems without the columns/indexes/... of a relation that is itself missing."""
        gone = {c.declared.name for c in self.problems
                if c.declared.kind in ("table", "view") and c.status == "missing"}
        return [c for c in self.problems if c.declared.relation not in gone]

    @property
    def silent_failure(self) -> bool:
        """The file succeeded but did not create what it declares."""
        return self.status == "applied" and bool(self.problems)

    @property
    def outcome(self) -> str:
        if self.silent_failure:
            return "applied, but declared objects missing"
        return self.status.replace("_", " ")


@dataclass
class Rehearsal:
    """The result of ``rehearse``: one FileResult per migration file, in order."""

    files: list[FileResult]
    server: str = ""
    database: str = ""
    base: str = "empty database"
    stubs: list[str] = field(default_factory=list)
    seed_warnings: list[str] = field(default_factory=list)
    elapsed: float = 0.0
    dsn: str | None = None
    """DSN of the scratch database when it was kept (``keep=True``)."""

    @property
    def ok(self) -> bool:
        return all(f.status in ("applied", "already_applied") and not f.silent_failure
                   for f in self.files)

    @property
    def first_failure(self) -> FileResult | None:
        return next((f for f in self.files if f.status in ("failed", "needs_extension")), None)

    @property
    def silent_failures(self) -> list[FileResult]:
        return [f for f in self.files if f.silent_failure]

    @property
    def applied(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "applied"]

    def file(self, name: str) -> FileResult:
        for f in self.files:
            if f.filename == name or f.version == name or Path(f.path) == Path(name):
                return f
        from ..catalog._model import _lookup

        return _lookup("migration file", name, {f.filename: f for f in self.files})

    def frame(self) -> Any:
        """One row per file: version, file, outcome, elapsed, error location, counts."""
        import pandas as pd

        return pd.DataFrame(
            [
                {
                    "version": f.version,
                    "file": f.filename,
                    "outcome": f.outcome,
                    "seconds": round(f.elapsed, 4),
                    "statements": f.statements,
                    "error": f.error.message if f.error else None,
                    "where": f.error.where if f.error else None,
                    "missing_or_different": len(f.problems),
                    "changes": len(f.delta),
                    "notices": len(f.notices),
                    "stubs": ", ".join(f.stubs) or None,
                }
                for f in self.files
            ]
        )

    def checks_frame(self, only_problems: bool = True) -> Any:
        """Declared objects vs what each file really left behind."""
        import pandas as pd

        return pd.DataFrame(
            [
                {
                    "file": f.filename,
                    "line": c.declared.line,
                    "kind": c.declared.kind,
                    "object": c.declared.object,
                    "status": c.status,
                    "expected": c.expected,
                    "actual": c.actual,
                }
                for f in self.files
                for c in f.checks
                if not only_problems or c.status in ("missing", "different")
            ],
            columns=["file", "line", "kind", "object", "status", "expected", "actual"],
        )

    def delta_frame(self) -> Any:
        """Every catalog change, file by file."""
        import pandas as pd

        return pd.DataFrame(
            [
                {"file": f.filename, "action": d.action, "object_type": d.object_type,
                 "identity": d.identity, "command": d.command}
                for f in self.files for d in f.delta
            ],
            columns=["file", "action", "object_type", "identity", "command"],
        )

    def summary(self) -> str:
        done = sum(f.status == "already_applied" for f in self.files)
        n = len(self.files) - done
        applied = len(self.applied)
        lines = [f"rehearsal of {n} file(s) on {self.server or 'scratch server'} "
                 f"(base: {self.base}): {applied}/{n} applied in {self.elapsed:.2f}s"
                 + (f" ({done} already applied in the base, not rehearsed)" if done else "")]
        if self.stubs:
            lines.append(f"stubbed extensions: {', '.join(self.stubs)}")
        for f in self.files:
            if f.status in ("failed", "needs_extension") and f.error is not None:
                lines.append(f"FAILED {f.filename}: {f.error}")
        for f in self.silent_failures:
            for c in f.headline_problems:
                lines.append(
                    f"SILENT FAILURE {f.filename}:{c.declared.line}: declares {c.declared.kind} "
                    f"{c.declared.object} ({c.expected}) but after the file ran: {c.actual}"
                )
        for f in self.files:
            if f.rerunnable is False and f.rerun_error is not None:
                lines.append(f"NOT RE-RUNNABLE {f.filename}: a second run fails: {f.rerun_error}")
            for w in f.warnings:
                lines.append(f"warning {f.filename}: {w}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def __repr__(self) -> str:
        state = "ok" if self.ok else ("failed" if self.first_failure else "flagged")
        return f"<Rehearsal {len(self.applied)}/{len(self.files)} applied, {state}>"

    def to_markdown(self) -> str:
        from ._report import rehearsal_markdown

        return rehearsal_markdown(self)

    def _repr_html_(self) -> str:
        from ._html import rehearsal_html

        return rehearsal_html(self)


Progress = Callable[[int, int, FileResult], None]


def _print_progress(i: int, total: int, fr: FileResult) -> None:
    print(f"[{i}/{total}] {fr.filename}: {fr.outcome} ({fr.elapsed:.2f}s)", file=sys.stderr)


# -- the run -------------------------------------------------------------------------------
