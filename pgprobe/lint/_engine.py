"""Run the rules over an ordered sequence of migration files.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "20240101000000_a.sql").write_text("drop policy if exists p on t;\\ncreate table t (id int);")
>>> [f.rule for f in lint([d])]
['use-before-create', 'rls-missing']
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ._finding import Finding
from ._parallel import lint_split, split_point
from ._pass import SequencePass
from ._report import LintReport
from ._source import SourceFile, order_paths
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
    parallel: bool | None = None,
) -> LintReport:
    """Lint migration files (a directory is one ordered sequence, in Supabase's order).

    ``baseline`` is the database the migrations run against: a Snapshot, a saved snapshot's
    path (``.json``), or a DSN to read one from; without one, an empty Supabase project.
    ``exposed_schemas`` are the schemas the API serves (for
    ``rls-missing``). ``rules`` restricts the run to these rule ids. ``parallel``: split a
    long run over two processes (``None``: when it is long enough; the findings are the
    same either way).
    """
    if isinstance(baseline, (str, Path)):
        baseline = load_baseline(baseline)
    if isinstance(paths, (str, Path)):
        paths = [paths]
    files = [SourceFile.read(p, from_directory=d) for p, d in order_paths(list(paths))]
    return lint_files(files, baseline=baseline, exposed_schemas=exposed_schemas, rules=rules,
                      parallel=parallel)


def lint_files(
    files: list[SourceFile],
    *,
    baseline: Snapshot | None = None,
    exposed_schemas: Sequence[str] = ("public",),
    rules: Iterable[str] | None = None,
    parallel: bool | None = None,
) -> LintReport:
    """Lint already read files (see :func:`lint`)."""
    # millions of short-lived dicts from the parser: the cyclic GC would only rescan them
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        found = None
        if parallel is not False:
            k = split_point(files, force=bool(parallel))
            if k is not None:
                found = lint_split(files, k, baseline, exposed_schemas)
        if found is None:
            found = _lint_sequentially(files, baseline, exposed_schemas)
        return _report(files, found, rules)
    finally:
        if RELEASE_TREES:  # statements point at their file: break the cycle, free the trees now
            for f in files:
                f.release()
        if gc_was_enabled:
            gc.enable()


def _lint_sequentially(files: list[SourceFile], baseline: Snapshot | None,
                       exposed_schemas: Sequence[str]) -> list[tuple[int, int, Finding]]:
    run = SequencePass(files, SchemaState(baseline), exposed_schemas, baseline)
    run.start()
    for i in range(len(files)):
        run.file(i)
    run.end()
    return run.ctx.findings


def _report(files: list[SourceFile], found: list[tuple[int, int, Finding]],
            rules: Iterable[str] | None) -> LintReport:
    """Findings in sequence order (stable: ties keep the order the rules reported them),
    restricted to ``rules``, without those silenced by ``pgprobe-lint: ignore``."""
    wanted = set(rules) if rules is not None else None
    found.sort(key=lambda x: (x[0], x[1], x[2].rule))
    findings = [f for i, _, f in found
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

