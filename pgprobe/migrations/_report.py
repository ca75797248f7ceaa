"""One postmortem report from lint + rehearsal + verification + history (markdown or HTML).

>>> pm = postmortem("supabase/migrations", target="postgresql:///prod")   # doctest: +SKIP
>>> pm.save("postmortem.md")                                               # doctest: +SKIP
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._results import Rehearsal


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value).replace("|", "\\|").replace("\n", " ")


def md_table(rows: list[dict[str, Any]], columns: list[str]) -> str:
    """A markdown table of ``rows`` (dicts) with the given columns."""
    if not rows:
        return "_none_\n"
    out = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for r in rows:
        out.append("| " + " | ".join(_cell(r.get(c)) for c in columns) + " |")
    return "\n".join(out) + "\n"


@dataclass(frozen=True)
class RehearsalOutcome:
    """What a rehearsal did, counted once: the report's summary and its body both say it
    from these facts, so they cannot disagree (went on past failures vs stopped at one)."""

    attempted: int
    skipped: int
    applied: int
    failures: tuple[Any, ...]
    not_run: int
    silent: tuple[Any, ...]

    @classmethod
    def of(cls, r: Rehearsal) -> RehearsalOutcome:
        skipped = sum(f.status == "already_applied" for f in r.files)
        failures = tuple(f for f in r.files if f.status in ("failed", "needs_extension"))
        last = r.files.index(failures[-1]) if failures else len(r.files)
        not_run = sum(f.status == "not_run" for f in r.files[last + 1:])
        return cls(len(r.files) - skipped, skipped, len(r.applied), failures, not_run,
                   tuple(r.silent_failures))

    @property
    def stopped(self) -> bool:
        """True when the rehearsal stopped at its (last) failure, leaving later files not run."""
        return bool(self.failures) and self.not_run > 0

    def failure_sentence(self) -> str:
        """``3 files failed; the rehearsal went on past each ...`` or ``stopped at ...``."""
        if not self.failures:
            return ""
        first = self.failures[0]
        where = f"`{first.error.where or first.filename}`" if first.error else f"`{first.filename}`"
        message = f": {first.error.message}" if first.error else ""
        n = len(self.failures)
        if self.stopped:
            return (f"stopped at {where}{message} ({self.not_run} later file(s) not run, "
                    "as `supabase db push` stops at the first failure)")
        if n == 1:
            return f"1 file failed, at {where}{message} (the rehearsal went on past it)"
        return (f"{n} files failed (the rehearsal went on past each failure, rolling the failed "
                f"file back; `supabase db push` stops at the first); first at {where}{message}")


def _frame_rows(df: Any) -> list[dict[str, Any]]:
    return [] if df is None else df.to_dict("records")


def rehearsal_markdown(r: Rehearsal, *, level: int = 2) -> str:
    h = "#" * level
    facts = RehearsalOutcome.of(r)
    lines = [f"{h} Rehearsal", "",
             f"{facts.applied}/{facts.attempted} files applied on "
             f"{r.server or 'a scratch server'} (base: {r.base}) in {r.elapsed:.2f} s"
             + (f"; {facts.skipped} already in the base's history were not rehearsed"
                if facts.skipped else "") + ".", ""]
    if r.stubs:
        lines += [f"Stubbed extensions (their functions return placeholders): "
                  f"{', '.join(r.stubs)}.", ""]
    if facts.failures:
        lines += [f"**{facts.failure_sentence()[0].upper()}{facts.failure_sentence()[1:]}**"
                  + (":" if len(facts.failures) > 1 else "."), ""]
    if len(facts.failures) > 1:
        lines += [f"- `{f.error.where or f.filename}`: {f.error.message}"
                  + (f" (hint: {f.error.hint})" if f.error.hint else "")
                  for f in facts.failures if f.error is not None]
        lines.append("")
    ff = r.first_failure
    if ff is not None and ff.error is not None:
        lines += [f"**First failure at `{ff.error.where or ff.filename}`**: {ff.error.message}"]
        if ff.error.detail:
            lines.append(f"Detail: {ff.error.detail}")
        if ff.error.hint:
            lines.append(f"Hint: {ff.error.hint}")
        lines.append("")
        if ff.error.statement:
            excerpt = ff.error.statement if len(ff.error.statement) < 800 else (
                ff.error.statement[:800] + "\n...")
            lines += ["```sql", excerpt, "```", ""]
    silent = r.silent_failures
    if silent:
        lines += [f"**Silent failures**: {len(silent)} file(s) succeeded without creating what "
                  "they declare.", ""]
        silent_rows: list[dict[str, Any]] = [
            {"file": f"{f.filename}:{c.declared.line}", "object": f"{c.declared.kind} {c.declared.object}",
             "declared": c.expected, "after the file ran": c.actual}
            for f in silent for c in f.headline_problems
        ]
        lines += [md_table(silent_rows, ["file", "object", "declared", "after the file ran"])]
    not_rerunnable = [f for f in r.files if f.rerunnable is False and f.rerun_error]
    if not_rerunnable:
        lines += ["**Not re-runnable** (a second run of the file fails: `supabase db reset`, "
                  "preview branches and re-pushes after a history repair break):", ""]
        lines += [f"- `{f.rerun_error.where or f.filename}`: {f.rerun_error.message}"  # type: ignore[union-attr]
                  for f in not_rerunnable]
        lines.append("")
    rows: list[dict[str, Any]] = [
        {"version": f.version, "file": f.filename, "outcome": f.outcome,
         "seconds": f"{f.elapsed:.3f}", "changes": len(f.delta),
         "notices": len(f.notices), "error": f.error.message if f.error else ""}
        for f in r.files
    ]
    lines += [f"{h}# Files", "", md_table(rows, ["version", "file", "outcome", "seconds",
                                                 "changes", "notices", "error"])]
    notes = [(f.filename, n) for f in r.files for n in f.notices]
    if notes:
        lines += [f"{h}# Notices", ""]
        lines += [f"- `{n.where or name}` {n.severity}: {n.message}" for name, n in notes[:50]]
        lines.append("")
    warns = [(f.filename, w) for f in r.files for w in f.warnings + f.skipped]
    if warns:
        lines += [f"{h}# Warnings and skipped statements", ""]
        lines += [f"- {w}" for _, w in warns[:50]]
        lines.append("")
    diffs = [f for f in r.files if f.diff is not None]
    if diffs:
        lines += [f"{h}# Catalog diff of each file (snapshot before/after, `pgprobe.diff`)", ""]
        for f in diffs:
            lines.append(f"- `{f.filename}`: {f.diff.summary()}")
            for text in f.diff.to_text().splitlines()[1:26]:
                lines.append(f"  - `{' '.join(text.split())}`")
        lines.append("")
    changes = [(f.filename, d) for f in r.files for d in f.delta]
    if changes:
        lines += [f"{h}# What each file really changed", "",
                  md_table([{"file": n, "action": d.action, "object": f"{d.object_type} {d.identity}",
                             "command": d.command} for n, d in changes[:300]],
                           ["file", "action", "object", "command"])]
        if len(changes) > 300:
            lines.append(f"... and {len(changes) - 300} more changes\n")
    return "\n".join(lines)


@dataclass
class Postmortem:
    """The assembled report; ``to_markdown()``, ``to_html()``, ``save(path)``."""

    title: str
    migrations_dir: str
    target: str | None = None
    lint: Any = None
    rehearsal: Rehearsal | None = None
    verification: Any = None
    history: Any = None
    errors: list[str] = field(default_factory=list)
    created: str = field(default_factory=lambda: datetime.now(UTC).strftime(
        "%Y-%m-%d %H:%M UTC"))

    def to_markdown(self) -> str:
        out = [f"# {self.title}", "",
               f"Migrations: `{self.migrations_dir}`" + (f"; target: `{self.target}`"
                                                         if self.target else "")
               + f"; generated {self.created} by pgprobe.", ""]
        out += ["## Summary", ""] + [f"- {s}" for s in self._summary()] + [""]
        if self.lint is not None:
            out += ["## Lint", ""]
            recs = [dict(f.to_dict(), where=f"{Path(f.file).name}:{f.line}:{f.column}")
                    for f in self.lint]
            out += [md_table(recs, ["severity", "rule", "where", "message", "hint"])]
        if self.rehearsal is not None:
            out += [rehearsal_markdown(self.rehearsal)]
        if self.verification is not None:
            out += ["## Verification against the target", "",
                    "Objects the migrations declare that the target does not have as declared:", "",
                    md_table(_frame_rows(self.verification),
                             ["file", "line", "kind", "object", "status", "expected", "actual"])]
        if self.history is not None:
            out += ["## Migration history", "",
                    "Files vs `supabase_migrations.schema_migrations` vs the actual objects. "
                    "The commands are suggestions; pgprobe never runs them.", "",
                    md_table(_frame_rows(self.history),
                             ["version", "file", "status", "objects", "fix", "note"])]
        if self.errors:
            out += ["## Could not run", ""] + [f"- {e}" for e in self.errors] + [""]
        return "\n".join(out)

    def summary_lines(self) -> list[str]:
        """The summary's bullets, counted from the same results the body shows."""
        return self._summary()

    def _summary(self) -> list[str]:
        s: list[str] = []
        if self.lint is not None:
            counts = self.lint.counts() if hasattr(self.lint, "counts") else {}
            s.append("lint: " + (", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
                                 or "no findings"))
        r = self.rehearsal
        if r is not None:
            facts = RehearsalOutcome.of(r)
            text = f"rehearsal: {facts.applied}/{facts.attempted} files applied"
            if facts.failures:
                text += f"; {facts.failure_sentence()}"
            if facts.silent:
                text += (f"; {len(facts.silent)} silent failure(s): "
                         + ", ".join(f.filename for f in facts.silent))
            s.append(text)
        if self.verification is not None:
            v = self.verification
            s.append(f"verification: {len(v)} declared object(s) missing or different in the target")
        if self.history is not None:
            h = self.history
            bad = h[h["status"] != "applied"]
            s.append(f"history: {len(h)} version(s), {len(bad)} needing attention")
        return s or ["nothing was run"]

    def to_html(self) -> str:
        return markdown_to_html(self.to_markdown(), title=self.title)

    def _repr_html_(self) -> str:
        from ._html import postmortem_html

        return postmortem_html(self)

    def __str__(self) -> str:
        return self.to_markdown()

    def save(self, path: str | Path) -> Path:
        """Write ``.html``/``.htm`` as HTML, anything else as markdown."""
        p = Path(path)
        text = self.to_html() if p.suffix.lower() in (".html", ".htm") else self.to_markdown()
        p.write_text(text, encoding="utf-8")
        return p


def postmortem(
    migrations_dir: str | Path,
    target: Any = None,
    *,
    base: Any = None,
    rehearsal: Any = None,
    rehearse: bool = True,
    lint: bool = True,
    stubs: bool | None = None,
    server: Any = None,
    scratch_dsn: str | None = None,
    stop_on_error: bool = False,
    check_rerun: bool = False,
    title: str = "Migration postmortem",
) -> Postmortem:
    """Lint + rehearsal + verification + history of a migrations folder, as one report.

    ``target`` (DSN, Snapshot or snapshot path) enables verification and history; it is only
    read.  ``rehearsal`` reuses an earlier ``rehearse`` result; otherwise a rehearsal is run
    (``base``/``server``/``scratch_dsn``/``stubs`` as for ``rehearse``; it goes on past
    failed files unless ``stop_on_error=True``, to show every problem) unless
    ``rehearse=False``.  Each part that cannot run is reported in the document, not raised.
    """
    from .._errors import PgprobeError
    from ._files import migration_files
    from ._rehearse import rehearse as run_rehearsal
    from ._verify import as_snapshot, history, touched_schemas, verify

    pm = Postmortem(title=title, migrations_dir=str(migrations_dir))
    snap = None
    if target is not None:
        try:
            snap = as_snapshot(target, touched_schemas(migration_files(migrations_dir)))
            pm.target = _describe(target, snap)
        except PgprobeError as exc:
            pm.errors.append(f"target: {exc}")
    if lint:
        try:
            from ..lint import lint as run_lint

            pm.lint = run_lint(migrations_dir, baseline=None)
        except ImportError:
            pm.errors.append("lint: pgprobe.lint is not available")
        except PgprobeError as exc:
            pm.errors.append(f"lint: {exc}")
        except Exception as exc:  # another package's bug must not sink the whole report
            pm.errors.append(f"lint: failed ({type(exc).__name__}: {exc})")
    if rehearsal is not None:
        pm.rehearsal = rehearsal
    elif rehearse:
        try:
            pm.rehearsal = run_rehearsal(migrations_dir, base, server=server,
                                         scratch_dsn=scratch_dsn, stubs=stubs,
                                         stop_on_error=stop_on_error,
                                         check_rerun=check_rerun)
        except PgprobeError as exc:
            pm.errors.append(f"rehearsal: {exc}")
    if snap is not None:
        try:
            pm.verification = verify(snap, migrations_dir)
            pm.history = history(snap, migrations_dir)
        except PgprobeError as exc:
            pm.errors.append(f"verification: {exc}")
    return pm


def _describe(target: Any, snap: Any) -> str:
    if isinstance(target, str) and not target.endswith(".json"):
        try:
            from ..connect import redact

            return str(redact(target))
        except Exception:
            return snap.database or "target"
    if isinstance(target, (str, Path)):
        return str(target)
    return getattr(snap, "database", "") or "target"


# -- a small markdown -> HTML for the subset the reports use --------------------------------
_CSS = """body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}
table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:3px 6px;
font-size:13px;text-align:left;vertical-align:top}th{background:#f3f3f3}
pre{background:#f6f8fa;padding:8px;overflow:auto}code{background:#f6f8fa}"""


def _inline(text: str) -> str:
    text = html.escape(text, quote=False)
    text = re.sub(r"`([^`]+)`", r"<code>\1</code>", text)
    text = re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", text)
    return re.sub(r"(?<![\w*])_([^_]+)_(?![\w*])", r"<em>\1</em>", text)


def markdown_to_html(md: str, *, title: str = "pgprobe report", full: bool = True) -> str:
    """Headings, paragraphs, bullet lists, tables and code fences, escaped."""
    out: list[str] = []
    lines: list[str] = md.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("```"):
            j = i + 1
            code = []
            while j < len(lines) and not lines[j].startswith("```"):
                code.append(lines[j])
                j += 1
            out.append("<pre><code>" + html.escape("\n".join(code)) + "</code></pre>")
            i = j + 1
            continue
        m = re.match(r"^(#{1,6}) (.*)", line)
        if m:
            n = len(m.group(1))
            out.append(f"<h{n}>{_inline(m.group(2))}</h{n}>")
        elif line.startswith("| "):
            rows = []
            while i < len(lines) and lines[i].startswith("|"):
                rows.append(lines[i])
                i += 1
            cells = [_split_row(row) for row in rows if not re.match(r"^\|(-+\|)+$", row)]
            head, body = cells[0], cells[1:]
            out.append("<table><thead><tr>" + "".join(f"<th>{_inline(c)}</th>" for c in head)
                       + "</tr></thead><tbody>"
                       + "".join("<tr>" + "".join(f"<td>{_inline(c)}</td>" for c in cl) + "</tr>"
                                 for cl in body)
                       + "</tbody></table>")
            continue
        elif line.startswith("- "):
            items = []
            while i < len(lines) and lines[i].startswith("- "):
                items.append(f"<li>{_inline(lines[i][2:])}</li>")
                i += 1
            out.append("<ul>" + "".join(items) + "</ul>")
            continue
        elif line.strip():
            out.append(f"<p>{_inline(line)}</p>")
        i += 1
    page = "\n".join(out)
    if not full:
        return f"<div>{page}</div>"
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}"
            f"</title><style>{_CSS}</style></head><body>\n{page}\n</body></html>\n")


def _split_row(row: str) -> list[str]:
    parts = re.split(r"(?<!\\)\|", row.strip()[1:-1])
    return [p.strip().replace("\\|", "|") for p in parts]
