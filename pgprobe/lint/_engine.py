"""Run the rules over an ordered sequence of migration files.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "20240101000000_a.sql").write_text("drop policy if exists p on t;\\ncreate table t (id int);")
>>> [f.rule for f in lint([d])]
['use-before-create', 'rls-missing']
"""

from __future__ import annotations

import copy
import gc
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ._finding import Finding
from ._plpgsql import PlpgsqlBody
from ._report import LintReport
from ._rules import RULE_CLASSES, Context, Rule
from ._source import SourceFile, Statement, order_paths
from ._state import SchemaState

if TYPE_CHECKING:
    from ..catalog._model import Snapshot


def load_baseline(source: str | Path) -> Snapshot:
    """A saved snapshot (a ``.json`` path) or a live database (a DSN), read once."""
    from ..catalog import Snapshot, snapshot

    if str(source).endswith(".json") or Path(source).is_file():
        return Snapshot.load(str(source))
    return snapshot(str(source))


RELEASE_TREES = True
"""Free the parse trees after linting; the one-shot CLI turns this off and exits without
paying for millions of deallocations."""


def lint(
    paths: str | Path | Iterable[str | Path],
    *,
    baseline: Snapshot | str | Path | None = None,
    exposed_schemas: Sequence[str] = ("public",),
    rules: Iterable[str] | None = None,
) -> LintReport:
    """Lint migration files (a directory is one ordered sequence, in Supabase's order).

    ``baseline`` is the database the migrations run against: a Snapshot, a saved snapshot's
    path (``.json``), or a DSN to read one from; without one, an empty Supabase project.
    ``exposed_schemas`` are the schemas the API serves (for
    ``rls-missing``). ``rules`` restricts the run to these rule ids.
    """
    if isinstance(baseline, (str, Path)):
        baseline = load_baseline(baseline)
    if isinstance(paths, (str, Path)):
        paths = [paths]
    files = [SourceFile.read(p, from_directory=d) for p, d in order_paths(list(paths))]
    return lint_files(files, baseline=baseline, exposed_schemas=exposed_schemas, rules=rules)


def lint_files(
    files: list[SourceFile],
    *,
    baseline: Snapshot | None = None,
    exposed_schemas: Sequence[str] = ("public",),
    rules: Iterable[str] | None = None,
) -> LintReport:
    # millions of short-lived dicts from the parser: the cyclic GC would only rescan them
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _lint(files, baseline, exposed_schemas, rules)
    finally:
        if RELEASE_TREES:  # statements point at their file: break the cycle, free the trees now
            for f in files:
                f.release()
        if gc_was_enabled:
            gc.enable()


def _lint(
    files: list[SourceFile],
    baseline: Snapshot | None,
    exposed_schemas: Sequence[str],
    rules: Iterable[str] | None,
) -> LintReport:
    state = SchemaState(baseline)
    ctx = Context(state, files, tuple(exposed_schemas))
    wanted = set(rules) if rules is not None else None
    active: list[Rule] = [cls() for cls in RULE_CLASSES]
    dispatch: dict[str, list[Rule]] = {}
    for rule in active:
        for kind in rule.visits:
            dispatch.setdefault(kind, []).append(rule)
    plpgsql_rules = dispatch.pop("PLpgSQL", [])

    applied = {m.version for m in (baseline.migrations or ())} if baseline is not None else set()
    for rule in active:
        rule.files(ctx, files)

    apply = state.apply_handlers()

    def run(st: Statement) -> None:
        for rule in dispatch.get(st.kind, ()):
            rule.visit(ctx, st)
        handler = apply.get(st.kind)
        if handler is not None:
            handler(st.node, ctx.origin(st))

    def errors_so_far() -> int:
        return sum(1 for _, _, x in ctx.findings if x.severity == "error")

    for i, f in enumerate(files):
        ctx.file_index, ctx.file = i, f
        bodies: dict[int, PlpgsqlBody] = {}
        for j, st in enumerate(f.statements()):
            if st.kind == "DoStmt" or st.kind == "CreateFunctionStmt":
                body = PlpgsqlBody.of(st)
                if body is not None:
                    bodies[j] = body
        for p in f.problems:
            ctx.report(p.rule, f, p.pos, p.message, p.hint)
        is_applied = f.version is not None and f.version in applied
        fails = bool(f.problems) or any(b.problems for b in bodies.values())
        saved = copy.deepcopy(state.__dict__) if fails and not is_applied else None
        for j, st in enumerate(f.statements()):
            if not is_applied:
                run(st)
            body = bodies.get(j)
            if body is None:
                continue
            for p in body.problems:
                ctx.report(p.rule, f, p.pos, p.message, p.hint)
            for rule in plpgsql_rules:
                rule.visit_plpgsql(ctx, body)
            if body.kind == "do" and not is_applied:
                before = copy.deepcopy(state.__dict__) if body.catches_errors else None
                n_errors = errors_so_far()
                for inner in body.sql_statements():
                    run(inner)
                if before is not None and errors_so_far() > n_errors:
                    # the block's handler catches the failure: nothing it did remains
                    state.__dict__.update(before)
        if saved is not None:
            state.__dict__.update(saved)
    for rule in active:
        rule.end(ctx)

    ctx.findings.sort(key=lambda x: (x[0], x[1], x[2].rule))
    findings = [f for i, _, f in ctx.findings
                if (wanted is None or f.rule in wanted) and not _ignored(files[i], f)]
    return LintReport(findings, [f.path for f in files])


_IGNORE_RE = re.compile(r"--\s*pgprobe-lint:\s*ignore(-file)?\s+([a-z, -]+)")


def _ignored(file: SourceFile, finding: Finding) -> bool:
    """``-- pgprobe-lint: ignore rule-id[, ...]`` on the finding's line or the line above
    silences it there; ``-- pgprobe-lint: ignore-file rule-id`` anywhere, in the file."""
    if "pgprobe-lint:" not in file.text:
        return False
    lines = file.text.splitlines()
    for m in _IGNORE_RE.finditer(file.text):
        rules = {r.strip() for r in m.group(2).split(",")}
        if finding.rule not in rules and "all" not in rules:
            continue
        if m.group(1):
            return True
        line = file.text.count("\n", 0, m.start()) + 1
        if line in (finding.line, finding.line - 1) and line <= len(lines):
            return True
    return False

