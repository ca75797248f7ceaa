"""``pgprobe lint PATH... [--format text|json|markdown] [--baseline snap.json | --dsn DSN]
[--[no-]parallel]``."""

from __future__ import annotations

import argparse
import gc
import os
import sys
from typing import Any

from ._engine import lint
from ._rules_meta import RULES


def register(sub: Any) -> None:
    p = sub.add_parser("lint", help="lint migration files (a directory is one ordered sequence)",
                       description=__doc__)
    add_arguments(p)
    p.set_defaults(func=run)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="*", metavar="PATH", help="migration .sql files or directories")
    p.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    base = p.add_mutually_exclusive_group()
    base.add_argument("--baseline", metavar="SNAPSHOT_JSON",
                      help="the database before these migrations, as a saved Snapshot")
    base.add_argument("--dsn", help="read the baseline from this database (read only)")
    p.add_argument("--exposed-schema", action="append", dest="exposed",
                   help="schema served by the API (repeatable; default: public)")
    p.add_argument("--rule", action="append", dest="rules", help="only this rule (repeatable)")
    p.add_argument("--list-rules", action="store_true", help="print the rules and exit")
    p.add_argument("--parallel", action=argparse.BooleanOptionalAction, default=None,
                   help="split a long run over two processes (default: when it is long "
                        "enough and two CPUs are free; the findings are the same)")


def one_shot_process() -> bool:
    """True when this process is the ``pgprobe`` command itself (it exits right after the
    command), not a program or test that called the CLI's functions."""
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    if spec is not None:
        return spec.name in ("pgprobe.cli", "pgprobe.lint.__main__")
    return os.path.basename(getattr(main, "__file__", None) or "") in ("pgprobe", "pgprobe.exe")


def run(args: argparse.Namespace) -> int:
    from .._errors import InputError

    if args.list_rules:
        from .._terminal import print_table

        print_table([(r.id, r.severity, r.summary) for r in RULES.values()],
                    ["rule", "severity", "summary"], styles=["bold", "", ""])
        return 0
    if not args.paths:
        raise InputError("no migration files given", hint="pgprobe lint supabase/migrations")
    if args.rules:
        unknown = [r for r in args.rules if r not in RULES]
        if unknown:
            raise InputError(f"unknown rule {unknown[0]}", hint="see pgprobe lint --list-rules")
    baseline = None
    if args.baseline or args.dsn:
        from ._engine import load_baseline

        baseline = load_baseline(args.baseline or args.dsn)
    one_shot = one_shot_process()
    if one_shot:  # the process ends with this command: nothing to free, nothing to collect
        from . import _engine

        _engine.RELEASE_TREES = False
        gc.disable()
    from .._terminal import path

    paths = [path(p) for p in args.paths] if args.format == "text" else args.paths
    report = lint(paths, baseline=baseline,
                  exposed_schemas=tuple(args.exposed or ("public",)), rules=args.rules,
                  parallel=args.parallel)
    if args.format == "json":
        out = report.to_json()
    elif args.format == "markdown":
        out = report.to_markdown()
    else:
        out = None
        print_findings(report)
    if out is not None:
        sys.stdout.write(out + "\n")
    if one_shot:  # exit now: the interpreter's teardown would walk every object for nothing
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(report.exit_code)
    return report.exit_code


def print_findings(report: Any) -> None:
    """The findings grouped by file: each with its line, level, rule, message, the offending
    SQL line and the hint; the summary last."""
    from rich.text import Text

    from .._terminal import console, lines_of, path, print_lines, style_for_level

    out = console()
    width = out.width  # asked once: the console measures the terminal on every call
    by_file: dict[str, list[Any]] = {}
    for f in report.findings:
        by_file.setdefault(f.file, []).append(f)
    lines: list[Text] = []
    for file, findings in by_file.items():
        lines.append(Text(path(file), style="bold underline"))
        source = _source_lines(file)
        for f in findings:
            lines.append(Text.assemble((f"  {f.line}:{f.column} ", "bold"),
                                       (f.severity, style_for_level(f.severity)), f" {f.rule}"))
            lines += lines_of(f"    {f.message}", width, style="", out=out)
            excerpt = _excerpt(source, f.line, f.column, width - 6)
            if excerpt:
                lines.append(Text(f"    > {excerpt}", style="dim"))
            lines += lines_of(f"    hint: {f.hint}", width, style="", out=out)
        lines.append(Text())
    lines += lines_of(report.summary(), width, out=out,
                      style=style_for_level("error" if report.errors else
                                            "warn" if report.findings else "ok"))
    print_lines(lines, out)


def _excerpt(source: list[str], line: int, column: int, width: int) -> str:
    """The offending line, cut to ``width`` around ``column`` (``…`` marks a cut).

    >>> _excerpt(["select 1;", "  alter table t add column c int;"], 2, 19, 20)
    '… t add column c in…'
    >>> _excerpt(["x" * 30 + " from tickets"], 1, 37, 20)
    '…xxxxx from tickets'
    """
    if not 0 < line <= len(source):
        return ""
    text = source[line - 1].rstrip()
    start = len(text) - len(text.lstrip())
    if len(text) - start <= width:
        return text[start:]
    start = max(start, min(column - 1 - width // 3, len(text) - width + 1))
    piece = text[start:start + width - 1]
    return ("…" + piece[1:] if start > 0 and text[:start].strip() else piece) + (
        "…" if start + width - 1 < len(text) else "")


def _source_lines(file: str) -> list[str]:
    try:
        with open(file, encoding="utf-8", errors="replace") as fh:
            return fh.read().splitlines()
    except OSError:
        return []


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry (``python -m pgprobe.lint``), same options as ``pgprobe lint``."""
    from .._errors import PgprobeError
    from . import _engine

    p = argparse.ArgumentParser(prog="pgprobe lint", description=__doc__)
    add_arguments(p)
    args = p.parse_args(argv)
    _engine.RELEASE_TREES = False  # this process ends right after: skip freeing the trees
    try:
        return run(args)
    except PgprobeError as exc:
        print(f"pgprobe lint: {exc}", file=sys.stderr)
        return 2
