"""The notebook view of a rehearsal and of a postmortem: the answer first, every long section
folded behind a one-line summary (per-file changes, notices, the report's sections).

Rendering only (through :mod:`pgprobe._html`); the markdown report stays the document.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._html import badge, box, code, details, esc, frame, note, short_path, table

if TYPE_CHECKING:
    from ._report import Postmortem
    from ._results import FileResult, Rehearsal

_OUTCOME_KIND = {"applied": "ok", "already applied": "muted", "failed": "error",
                 "needs extension": "warning", "not run": "muted"}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def file_summary(f: FileResult) -> str:
    """One line per file: ``004_x.sql · applied · 5 changes (3 created, 2 altered) · 1 notice``."""
    parts = [f.filename, f.outcome]
    if f.delta:
        actions = Counter(d.action for d in f.delta)
        parts.append(_plural(len(f.delta), "change") + " ("
                     + ", ".join(f"{n} {a}" for a, n in actions.most_common()) + ")")
    else:
        parts.append("no catalog change")
    if f.problems:
        parts.append(_plural(len(f.problems), "declared object") + " missing or different")
    if f.notices:
        parts.append(_plural(len(f.notices), "notice"))
    if f.error is not None:
        parts.append(f"error: {f.error.message}")
    return " · ".join(parts)


def _file_body(f: FileResult) -> str:
    out = []
    if f.error is not None:
        e = f.error
        out.append(note(f"{short_path(e.where or f.filename)}: {e.message}"
                        + (f" (hint: {e.hint})" if e.hint else ""), "error"))
    if f.problems:
        out.append(table([(c.declared.line, f"{c.declared.kind} {c.declared.object}", c.status,
                           c.expected, c.actual) for c in f.problems],
                         ["line", "object", "status", "declared", "after the file ran"]))
    if f.delta:
        out.append(table([(d.action, d.object_type, d.identity, d.command) for d in f.delta],
                         ["action", "type", "object", "command"], max_rows=200))
    if f.notices or f.warnings or f.skipped:
        out.append(table([(n.severity, short_path(n.where), n.message) for n in f.notices]
                         + [("warning", "", w) for w in f.warnings + f.skipped],
                         ["severity", "where", "message"]))
    if f.diff is not None and not getattr(f.diff, "same", False):
        out.append(details(f"catalog diff: {f.diff.summary()}", code(f.diff.to_text())))
    return "".join(out) or note("nothing to show", "muted")


def _failures(r: Rehearsal) -> str:
    failed = [f for f in r.files if f.status in ("failed", "needs_extension") and f.error]
    if not failed:
        return ""
    rows = [(short_path(f.error.where or f.filename), f.error.message, f.error.hint or "")  # type: ignore[union-attr]
            for f in failed]
    head = (f"{_plural(len(failed), 'file')} failed (the rehearsal went on past each failure, "
            "rolling the failed file back; supabase db push stops at the first)")
    return note(head, "error") + table(rows, ["where", "error", "hint"])


def _silent(r: Rehearsal) -> str:
    silent = r.silent_failures
    if not silent:
        return ""
    rows = [(f"{f.filename}:{c.declared.line}", f"{c.declared.kind} {c.declared.object}",
             c.expected, c.actual) for f in silent for c in f.headline_problems]
    return (note(f"silent failures: {_plural(len(silent), 'file')} succeeded without creating "
                 "what they declare", "error")
            + table(rows, ["file", "object", "declared", "after the file ran"]))


def _not_rerunnable(r: Rehearsal) -> str:
    bad = [f for f in r.files if f.rerunnable is False and f.rerun_error]
    if not bad:
        return ""
    return note("not re-runnable (a second run of the file fails)", "warning") + table(
        [(short_path(f.rerun_error.where or f.filename), f.rerun_error.message) for f in bad],  # type: ignore[union-attr]
        ["where", "error"])


def rehearsal_body(r: Rehearsal) -> str:
    """The rehearsal without its container: what failed first, then every file folded."""
    kind = "error" if (r.first_failure or r.silent_failures) else "ok"
    out = [note(r.summary().splitlines()[0], kind)]
    if r.stubs:
        out.append(note(f"stubbed extensions (their functions return placeholders): {', '.join(r.stubs)}",
                        "warning"))
    out += [_failures(r), _silent(r), _not_rerunnable(r)]
    outcomes = Counter(f.outcome for f in r.files)
    overview = table([(f.version, f.filename, badge(f.outcome, _OUTCOME_KIND.get(f.outcome, "error")),
                       f"{f.elapsed:.3f}", len(f.delta), len(f.notices),
                       esc(f.error.message) if f.error else "") for f in r.files],
                     ["version", "file", "outcome", "seconds", "changes", "notices", "error"],
                     max_rows=500, raw_columns=(2, 6))
    out.append(details(f"files: {len(r.files)} (" + ", ".join(f"{n} {o}" for o, n in outcomes.most_common())
                       + ")", overview))
    per_file = "".join(details(file_summary(f), _file_body(f)) for f in r.files)
    changes = sum(len(f.delta) for f in r.files)
    out.append(details(f"what each file really changed: {_plural(changes, 'change')} in "
                       f"{_plural(len(r.files), 'file')} (one folded section per file)", per_file))
    return "".join(out)


def rehearsal_html(r: Rehearsal) -> str:
    """A rehearsal for a notebook."""
    return box(f"<div class='pgp-title'>rehearsal</div>{rehearsal_body(r)}", "pgprobe-rehearsal")


def postmortem_html(pm: Postmortem) -> str:
    """The postmortem report for a notebook: its summary, then each section folded."""
    head = (f"<h3>{esc(pm.title)}</h3><div>migrations <code>{esc(pm.migrations_dir)}</code>"
            + (f"; target <code>{esc(pm.target)}</code>" if pm.target else "")
            + f"; generated {esc(pm.created)} by pgprobe</div>")
    summary = pm._summary()
    out = [head, "<ul>" + "".join(f"<li>{esc(s)}</li>" for s in summary) + "</ul>"]
    line = {s.split(":", 1)[0]: s for s in summary}
    if pm.lint is not None:
        rows = [(f"{Path(f.file).name}:{f.line}:{f.column}", badge(f.severity, f.severity),
                 esc(f.rule), esc(f.message), esc(f.hint or "")) for f in pm.lint]
        out.append(details(line.get("lint", "lint"), table(
            rows, ["where", "severity", "rule", "message", "hint"], max_rows=300, raw_columns=range(5))))
    if pm.rehearsal is not None:
        out.append(details(line.get("rehearsal", "rehearsal"), rehearsal_body(pm.rehearsal)))
    if pm.verification is not None:
        out.append(details(line.get("verification", "verification"), _frame(pm.verification)))
    if pm.history is not None:
        out.append(details(line.get("history", "history"), _frame(pm.history)))
    if pm.errors:
        out.append(note("could not run: " + "; ".join(pm.errors), "error"))
    return box("".join(out), "pgprobe-postmortem")


def _frame(df: Any) -> str:
    return frame(df, max_rows=300)
