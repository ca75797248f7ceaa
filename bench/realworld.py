#!/usr/bin/env python3
"""Real-world corpus harness: lint, default rehearse, types check and snapshot on every
project of ``../shared/realworld/manifest.json``, compared with the manifest's psql replay.

Usage::

    .venv/bin/python bench/realworld.py [SRC] [--manifest FILE] [--only SUBSTRING]...
        [--steps lint,rehearse,types,snapshot] [--json OUT.json] [-v]

``SRC`` is a folder of materialised checkouts, one ``<owner>_<name>/`` per manifest entry
(default ``$PGPROBE_REALWORLD`` or ``/work/realworld-src``; see ``shared/realworld/README.md``
for how to materialise them).  Projects whose folder is absent are listed as such.

Per project it prints: lint errors on files psql applied cleanly (each is a false error),
the default rehearsal's outcome next to the manifest's and whether they agree, the types
verdict, and whether the snapshot worked.  Totals follow.  Rehearse agreement means: the
same first failing file with the same error as psql, or, where psql stopped only because
its stand-in lacks a platform extension or schema (``platform_cause``), a rehearsal that
went past that file.  Exit status: 0 when there is no crash, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
import traceback
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pgprobe._errors import PgprobeError  # noqa: E402
from pgprobe._terminal import print_table, render  # noqa: E402

_MIGRATION = re.compile(r"^[0-9]+_.*\.sql$")
_PSQL_ERROR = re.compile(r"^psql:(?P<file>[^:]+):(?P<line>\d+): ERROR:\s+(?P<message>.*)$")
STEPS = ("lint", "rehearse", "types", "snapshot")


@dataclass
class ProjectResult:
    repo: str
    present: bool = True
    files: int = 0
    lint_findings: int = 0
    lint_errors: int = 0
    false_lint_errors: list[str] = field(default_factory=list)
    """Lint errors on files that psql applied cleanly (``file:line rule``)."""
    manifest_outcome: str = ""
    rehearse_outcome: str = ""
    rehearse_agrees: bool | None = None
    silent_failures: list[str] = field(default_factory=list)
    types_verdict: str = ""
    snapshot: str = ""
    crashes: list[str] = field(default_factory=list)
    seconds: float = 0.0


def default_src() -> Path:
    return Path(os.environ.get("PGPROBE_REALWORLD", "/work/realworld-src"))


def default_manifest() -> Path:
    for cand in (ROOT.parent / "shared" / "realworld" / "manifest.json",
                 Path("/work/shared/realworld/manifest.json")):
        if cand.exists():
            return cand
    return ROOT.parent / "shared" / "realworld" / "manifest.json"


def slug(repo: str) -> str:
    return repo.replace("/", "_")


def migration_names(folder: Path) -> list[str]:
    """What the Supabase CLI applies, in its (byte-wise) order."""
    return sorted((p.name for p in folder.iterdir() if p.is_file() and _MIGRATION.match(p.name)),
                  key=lambda n: n.encode())


def psql_failure(entry: dict[str, Any]) -> tuple[str, int, str] | None:
    """``(file name, line, message)`` of the manifest's first failure."""
    ff = entry.get("first_failure")
    if not ff:
        return None
    m = _PSQL_ERROR.match(ff["error"])
    if not m:
        return Path(ff["file"]).name, 0, ff["error"]
    return Path(m["file"]).name, int(m["line"]), m["message"].strip()


def _crash(res: ProjectResult, step: str, exc: BaseException) -> str:
    """An exception that is not one of pgprobe's own reported errors is a crash."""
    if isinstance(exc, PgprobeError):
        return f"could not run: {str(exc).splitlines()[0][:120]}"
    tb = traceback.extract_tb(exc.__traceback__)[-1]
    res.crashes.append(f"{step}: {type(exc).__name__}: {exc} ({Path(tb.filename).name}:{tb.lineno})")
    return "CRASH"


# -- steps -------------------------------------------------------------------------------------
def run_lint(res: ProjectResult, folder: Path, clean: set[str]) -> None:
    from pgprobe.lint import lint

    try:
        report = lint(folder)
    except Exception as exc:  # noqa: BLE001 - a crash is what the harness counts
        _crash(res, "lint", exc)
        return
    res.lint_findings = len(report)
    errors = report.errors
    res.lint_errors = len(errors)
    res.false_lint_errors = [f"{Path(f.file).name}:{f.line} {f.rule}: {f.message[:100]}"
                             for f in errors if Path(f.file).name in clean]


def rehearse_agreement(entry: dict[str, Any], rehearsal: Any) -> tuple[bool, str]:
    """Does the default rehearsal agree with the manifest's replay? (and the outcome text)"""
    from pgprobe.migrations._platform import platform_cause

    first = rehearsal.first_failure
    outcome = "all applied" if first is None else (
        f"{first.filename}: {first.error.message if first.error else first.status}")
    expected = psql_failure(entry)
    if expected is None:
        return first is None, outcome
    name, _line, message = expected
    if platform_cause(message):
        status = next((f.status for f in rehearsal.files if f.filename == name), "not_run")
        return status == "applied", outcome
    return (first is not None and first.filename == name and first.error is not None
            and first.error.message == message), outcome


def run_rehearse(res: ProjectResult, entry: dict[str, Any], folder: Path, server: Any) -> Any:
    from pgprobe.migrations import rehearse

    try:
        r = rehearse(folder, server=server, keep=True, snapshots=False)
    except Exception as exc:  # noqa: BLE001
        res.rehearse_outcome = _crash(res, "rehearse", exc)
        res.rehearse_agrees = False
        return None
    res.rehearse_agrees, res.rehearse_outcome = rehearsal_summary(entry, r)
    res.silent_failures = [f"{f.filename}: {c.declared.kind} {c.declared.name} {c.status} "
                           f"({c.actual})" for f in r.files if f.silent_failure
                           for c in f.headline_problems]
    return r


def rehearsal_summary(entry: dict[str, Any], r: Any) -> tuple[bool, str]:
    agrees, outcome = rehearse_agreement(entry, r)
    applied = sum(f.status == "applied" for f in r.files)
    return agrees, f"{applied}/{len(r.files)} applied; {outcome}"


def run_snapshot(res: ProjectResult, dsn: str) -> Any:
    """``pgprobe.snapshot(dsn)`` of the rehearsed database (the default schemas)."""
    from pgprobe.catalog import snapshot

    try:
        snap = snapshot(dsn)
    except Exception as exc:  # noqa: BLE001
        res.snapshot = _crash(res, "snapshot", exc)
        return None
    res.snapshot = f"{len(snap.relations)} relations"
    return snap


def run_types(res: ProjectResult, types_file: Path, dsn: str, complete: bool) -> None:
    """As ``pgprobe types check FILE --dsn DSN`` does: the snapshot covers the schemas the
    file declares (platform ones included)."""
    import argparse

    from pgprobe.types import check
    from pgprobe.types._cli import _snapshot
    from pgprobe.types._tsparse import declared_schemas, read_text

    try:
        schemas = declared_schemas(read_text(types_file), str(types_file)) or ["public"]
        snap = _snapshot(argparse.Namespace(dsn=dsn, snapshot=None), schemas)
        report = check(types_file, snap, schemas)
    except Exception as exc:  # noqa: BLE001
        res.types_verdict = _crash(res, "types", exc)
        return
    n = len(report)
    verdict = "same" if report.same else f"drift ({n} difference{'s' * (n != 1)})"
    res.types_verdict = verdict + ("" if complete else " (partial rehearsal)")


def run_project(entry: dict[str, Any], src: Path, server: Any, steps: set[str]) -> ProjectResult:
    res = ProjectResult(entry["repo"])
    root = src / slug(entry["repo"])
    folder = root / entry["migrations_dir"]
    if not folder.is_dir():
        res.present = False
        return res
    t0 = time.perf_counter()
    names = migration_names(folder)
    res.files = len(names)
    clean = set(names[: entry["applied_ok"]])
    failure = psql_failure(entry)
    res.manifest_outcome = ("all applied" if failure is None
                            else f"{entry['applied_ok']}/{len(names)} applied; "
                                 f"{failure[0]}: {failure[2]}")
    if "lint" in steps:
        run_lint(res, folder, clean)
    if steps & {"rehearse", "types", "snapshot"}:
        r = run_rehearse(res, entry, folder, server)
        if r is not None:
            try:
                if "snapshot" in steps:
                    run_snapshot(res, r.dsn)
                if "types" in steps and entry.get("types_file"):
                    run_types(res, root / entry["types_file"], r.dsn, r.first_failure is None)
            finally:
                server.drop_database(r.database)
    res.seconds = time.perf_counter() - t0
    return res


# -- output ------------------------------------------------------------------------------------
def totals(results: list[ProjectResult]) -> dict[str, Any]:
    present = [r for r in results if r.present]
    rehearsed = [r for r in present if r.rehearse_agrees is not None]
    return {
        "projects": len(present),
        "absent": len(results) - len(present),
        "crashes": sum(len(r.crashes) for r in present),
        "lint_findings": sum(r.lint_findings for r in present),
        "lint_errors": sum(r.lint_errors for r in present),
        "lint_errors_on_clean_files": sum(len(r.false_lint_errors) for r in present),
        "rehearse_agree": sum(bool(r.rehearse_agrees) for r in rehearsed),
        "rehearsed": len(rehearsed),
        "silent_failure_verdicts": sum(len(r.silent_failures) for r in present),
        "types_checked": sum(bool(r.types_verdict) for r in present),
        "types_same": sum(r.types_verdict.startswith("same") for r in present),
        "seconds": round(sum(r.seconds for r in present), 1),
    }


def print_results(results: list[ProjectResult], verbose: bool) -> None:
    rows = []
    for r in results:
        if not r.present:
            rows.append((r.repo, "", "", "absent", "", "", ""))
            continue
        agree = {True: "yes", False: "NO", None: ""}[r.rehearse_agrees]
        rows.append((r.repo, r.files, f"{len(r.false_lint_errors)}/{r.lint_errors}",
                     r.rehearse_outcome, agree, r.types_verdict,
                     "; ".join(r.crashes) or r.snapshot))
    print_table(rows, ["project", "files", "false/lint errors", "rehearse (default)", "agrees",
                       "types", "snapshot / crashes"], title="real-world corpus")
    for r in results:
        if r.rehearse_agrees is False or (verbose and r.present):
            render(f"{r.repo}: manifest: {r.manifest_outcome}")
        for line in (r.false_lint_errors + r.silent_failures) if verbose else ():
            render(f"  {r.repo}: {line}")
    t = totals(results)
    print_table([(k, v) for k, v in t.items()], ["total", "value"], title="totals")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("src", nargs="?", type=Path, default=default_src())
    ap.add_argument("--manifest", type=Path, default=default_manifest())
    ap.add_argument("--only", action="append", default=[], help="repo substring (repeatable)")
    ap.add_argument("--steps", default=",".join(STEPS))
    ap.add_argument("--json", type=Path, help="also write the per-project results here")
    ap.add_argument("-v", "--verbose", action="store_true", help="list every false error")
    args = ap.parse_args(argv)
    entries = json.loads(args.manifest.read_text())
    if args.only:
        entries = [e for e in entries if any(s.lower() in e["repo"].lower() for s in args.only)]
    steps = set(args.steps.split(","))
    server = None
    if steps - {"lint"}:
        from pgprobe.embedded import Server
        from pgprobe.migrations._platform import scratch_flavor

        server = Server.start(scratch_flavor())  # type: ignore[arg-type]
    try:
        results = []
        for entry in entries:
            results.append(run_project(entry, args.src, server, steps))
            print(f"done {entry['repo']} ({results[-1].seconds:.1f}s)", file=sys.stderr)
    finally:
        if server is not None:
            server.stop(remove=True)
    print_results(results, args.verbose)
    if args.json:
        args.json.write_text(json.dumps({"totals": totals(results),
                                         "projects": [asdict(r) for r in results]}, indent=2))
    return 1 if totals(results)["crashes"] else 0


if __name__ == "__main__":
    sys.exit(main())
