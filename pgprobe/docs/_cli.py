"""``pgprobe docs``: build (the default), lint and check schema documentation.

    pgprobe docs --snapshot snap.json -o docs/schema/            # same as: pgprobe docs build ...
    pgprobe docs build --dsn DSN -o site/ --format html
    pgprobe docs lint --dsn DSN --require tables --exclude 'public.*_log'
    pgprobe docs check docs/schema/ --dsn DSN                     # 0 fresh, 1 stale, 2 error
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .._errors import InputError


def _source(p: argparse.ArgumentParser) -> None:
    src = p.add_mutually_exclusive_group()
    src.add_argument("--dsn", help="database URL (default: PGPROBE_DSN, DATABASE_URL, ...)")
    src.add_argument("--snapshot", metavar="FILE", help="a saved snapshot (pgprobe snapshot -o)")
    p.add_argument("--schema", action="append", metavar="S",
                   help="schema to document (repeatable; default: every schema read)")


def _build_options(p: argparse.ArgumentParser) -> None:
    _source(p)
    p.add_argument("-o", "--output", metavar="DIR", help="the docs directory to write")
    p.add_argument("--format", choices=["md", "html"], default="md",
                   help="md: Markdown + SVG for GitHub (default); html: a static site")
    p.add_argument("--exposed-schema", action="append", metavar="S",
                   help="schema PostgREST serves (repeatable; default: public)")
    p.add_argument("--role", action="append", metavar="ROLE",
                   help="API role whose reads are shown (repeatable; default: anon, authenticated)")
    p.add_argument("--since", metavar="SNAP", help="an older snapshot: also write CHANGELOG.md")
    p.add_argument("--timestamp", action="store_true",
                   help="write the generation time in README (off: output is byte-stable)")
    p.add_argument("--no-diagrams", action="store_true", help="no Graphviz diagrams")
    p.add_argument("-j", "--jobs", type=int, help="parallel Graphviz processes (default: CPUs)")


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "docs", help="schema documentation: build (default), lint, check",
        description="Write schema documentation (Markdown + SVG, or an HTML site); "
                    "'docs lint' lists missing comments; 'docs check DIR' fails when the "
                    "committed docs no longer match the database. Without a subcommand, build.")
    _build_options(p)
    p.set_defaults(func=_cmd_build)
    sub = p.add_subparsers(dest="docs_command", metavar="{build,lint,check}")
    b = sub.add_parser("build", help="write the docs tree (the default)")
    _build_options(b)
    b.set_defaults(func=_cmd_build)

    lint = sub.add_parser("lint", help="tables and columns without a comment (exit 1 if any)")
    _source(lint)
    lint.add_argument("--config", metavar="YAML",
                      help="lint settings (lint: {require: [...], exclude: [...]}); flags add to it")
    lint.add_argument("--require", action="append", metavar="KIND",
                      help="tables, columns, functions, types (repeatable or comma-separated; "
                           "default: tables,columns)")
    lint.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                      help="skip schema.table or schema.table.column globs (repeatable)")
    lint.set_defaults(func=_cmd_lint)

    check = sub.add_parser("check", help="exit 1 when the docs in DIR are stale")
    check.add_argument("directory", metavar="DIR")
    _source(check)
    check.add_argument("--max-lines", type=int, default=20,
                       help="diff lines shown per changed page (default 20)")
    check.set_defaults(func=_cmd_check)


def _snapshot(args: argparse.Namespace, schemas: Any = None) -> Any:
    from ..catalog import Snapshot, snapshot

    if args.snapshot:
        return Snapshot.load(args.snapshot)
    return snapshot(args.dsn, schemas=schemas)


def _cmd_build(args: argparse.Namespace) -> int:
    from .._terminal import echo
    from ..catalog import Snapshot
    from ._site import Docs

    if not args.output:
        raise InputError("pgprobe docs needs an output directory",
                         hint="pgprobe docs --dsn DSN -o docs/schema/")
    started = time.perf_counter()
    snap = _snapshot(args, args.schema)
    since = Snapshot.load(args.since) if args.since else None
    stamp = (datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC") if args.timestamp else None)
    docs = Docs(snap, schemas=args.schema, exposed=args.exposed_schema or ["public"],
                roles=args.role or ["anon", "authenticated"], since=since,
                since_label=args.since or "before", diagrams=not args.no_diagrams,
                generated_at=stamp)
    result = docs.write(args.output, format=args.format, jobs=args.jobs)
    echo(f"{result} in {time.perf_counter() - started:.1f}s", stderr=True)
    return 0


def _cmd_lint(args: argparse.Namespace) -> int:
    from .._terminal import console, print_table
    from ._lint import LintConfig, lint_comments

    config = LintConfig.load(args.config) if args.config else LintConfig()
    require = [r.strip() for item in (args.require or config.require) for r in item.split(",")
               if r.strip()]
    found = lint_comments(_snapshot(args, args.schema), schemas=args.schema, require=require,
                          exclude=[*config.exclude, *args.exclude])
    if not found:
        console().print("every object has a comment", markup=False)
        return 0
    print_table([(f.kind, f.name, f.fix) for f in found], ["kind", "object", "fix"])
    console(stderr=True).print(f"{len(found)} object(s) without a comment", markup=False)
    return 1


def _cmd_check(args: argparse.Namespace) -> int:
    from .._terminal import echo
    from ._check import check_docs
    from ._output import read_manifest

    manifest = read_manifest(Path(args.directory)) if Path(args.directory).is_dir() else None
    schemas = args.schema or ((manifest or {}).get("options", {}).get("schemas"))
    result = check_docs(args.directory, _snapshot(args, schemas), max_lines=args.max_lines)
    echo(str(result))
    return result.exit_code
