"""``pgprobe advise``: Supabase's advisors (Splinter's lints) and the PostgREST traps.

    pgprobe advise --dsn DSN [--type security|performance|api|all] [--fail-on error|warn|info]
    pgprobe advise --snapshot snap.json --format json
    pgprobe advise --migrations supabase/migrations --format sarif

Exit codes: 0 nothing at or above ``--fail-on`` (default error), 1 findings, 2 could not run.
"""

from __future__ import annotations

import argparse
from typing import Any

from .._errors import InputError

FORMATS = ("text", "json", "sarif", "markdown")
TYPES = ("security", "performance", "api", "all")


def register(sub: Any) -> None:
    """Add the ``advise`` subcommand."""
    p = sub.add_parser(
        "advise", help="security and performance advisors (Splinter's lints + PostgREST traps)",
        description="Run Supabase's advisor lints (re-implemented) and pgprobe's PostgREST-"
                    "aware rules on a live database, a saved snapshot or a migrations folder. "
                    "Exit 0 clean, 1 findings at or above --fail-on, 2 could not run.")
    src = p.add_mutually_exclusive_group()
    src.add_argument("--dsn", help="database to read (default: PGPROBE_DSN / DATABASE_URL)")
    src.add_argument("--snapshot", metavar="FILE", help="a snapshot saved with `pgprobe snapshot -o`")
    src.add_argument("--migrations", metavar="DIR",
                     help="rehearse this migrations folder and say which file introduced "
                          "each finding")
    p.add_argument("--type", choices=TYPES, default="all", help="which advisors (default all)")
    p.add_argument("--fail-on", choices=("error", "warn", "info"), default="error",
                   help="lowest level that makes the exit code 1 (default error)")
    p.add_argument("--format", choices=FORMATS, default="text")
    p.add_argument("--exposed-schema", action="append", default=[], metavar="S",
                   help="PostgREST's exposed schemas (repeatable; default: the database's "
                        "pgrst.db_schemas, else public)")
    p.add_argument("--rule", action="append", default=None, metavar="NAME",
                   help="only this rule (repeatable)")
    p.add_argument("--list-rules", action="store_true", help="list the rules and exit")
    p.set_defaults(func=_cmd_advise)


def _list_rules() -> int:
    from .._terminal import print_table
    from .rules import RULES

    print_table([(r.name, r.level, r.category, r.splinter or "pgprobe", r.title) for r in RULES],
                ["rule", "level", "type", "source", "title"])
    return 0


def _report(args: argparse.Namespace) -> Any:
    from ._api import advise

    categories = None if args.type == "all" else [args.type]
    exposed = args.exposed_schema or None
    if args.migrations:
        from pathlib import Path

        from ._migrations import advise_migrations

        if not Path(args.migrations).is_dir():
            raise InputError(f"no migrations folder {args.migrations}",
                             hint="give the folder holding <version>_<name>.sql files")
        return advise_migrations(args.migrations, exposed_schemas=exposed, rules=args.rule,
                                 categories=categories)
    if args.snapshot:
        from pathlib import Path

        if not Path(args.snapshot).is_file():
            raise InputError(f"no snapshot file {args.snapshot}", hint="check the path")
        source: Any = args.snapshot
    else:
        source = args.dsn
    return advise(source, exposed_schemas=exposed, rules=args.rule, categories=categories)


def _print_text(report: Any) -> None:
    from .._terminal import console, escape, print_table, style_for_level

    rows = []
    with_files = bool(report.migration_of)
    for f in report.findings:
        row = [f.level, f.rule, f.qualified_object, f.detail]
        if with_files:
            row.append(report.migration(f) or "")
        rows.append(row)
    out = console()
    if rows:
        headers = ["level", "rule", "object", "detail"] + (["migration"] if with_files else [])
        print_table(rows, headers)
    out.print(escape(f"{report.summary()}"),
              style=style_for_level("error" if report.counts()["ERROR"] else
                                    "warn" if report.counts()["WARN"] else "ok"))
    for note in report.notes:
        out.print(escape(f"not judged: {note}"))


def _cmd_advise(args: argparse.Namespace) -> int:
    if args.list_rules:
        return _list_rules()
    report = _report(args)
    if args.format == "json":
        print(report.to_json())
    elif args.format == "sarif":
        print(report.to_sarif())
    elif args.format == "markdown":
        print(report.to_markdown(), end="")
    else:
        _print_text(report)
    return int(report.exit_code(args.fail_on))
