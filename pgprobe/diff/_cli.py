"""``pgprobe diff A B`` and ``pgprobe check expectations.yml --dsn DSN``.

Exit codes: 0 same / all expectations hold, 1 different / some failed, 2 error.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

from .._errors import InputError, PgprobeError

FORMATS = ("text", "json", "markdown")


def _diff(args: argparse.Namespace) -> int:
    if args.tenants:
        return _tenants(args)
    if args.b is None:
        raise InputError("pgprobe diff needs two sources (A B), or one with --tenants TEMPLATE",
                         hint="pgprobe diff old.json new.json, or pgprobe diff DSN --tenants tpl")
    from ._api import diff
    from ._engine import DEFAULT_EXCLUDE

    exclude = set(DEFAULT_EXCLUDE) | set(args.exclude or ())
    include = set(args.include) if args.include else None
    wants_sql = args.sql or args.prove or args.output
    report = diff(args.a, args.b, schemas=args.schema or None, include=include, exclude=exclude,
                  full=bool(wants_sql))
    if wants_sql:
        return _migration(report, args)
    if args.severity:
        keep = ("error", "warning", "info")[: ("error", "warning", "info").index(args.severity) + 1]
        report = report.filter(severity=keep)
    if args.format == "json":
        print(report.to_json())
    elif args.format == "markdown":
        print(report.to_markdown(), end="")
    else:
        from .._terminal import echo

        echo(report.to_text())
    return report.exit_code


def _tenants(args: argparse.Namespace) -> int:
    from ..catalog import Snapshot, snapshot
    from ._tenants import tenants

    if args.b is not None:
        raise InputError("--tenants compares the schemas of one source, not two",
                         hint=f"pgprobe diff {args.a} --tenants {args.tenants}")
    source = args.a
    snap = (Snapshot.load(source) if str(source).endswith(".json")
            else snapshot(source, schemas=None))
    report = tenants(snap, args.tenants, schemas=args.schema or None)
    if args.format == "json":
        print(json.dumps({"template": report.template, "same": report.same,
                          "differ": {s: report.reports[s].to_dict() for s in report.differing}},
                         indent=2, sort_keys=True, default=str))
    else:
        from .._terminal import echo

        echo(report.to_text())
    return report.exit_code


def _migration(report: Any, args: argparse.Namespace) -> int:
    """``diff --sql [-o FILE] [--prove]``: the migration script, and its proof."""
    from .. import _terminal
    from ._sources import classify
    from .sql import MigrationOptions

    options = MigrationOptions(concurrently=args.concurrently,
                               allow_data_loss=args.allow_data_loss,
                               schemas=args.schema or None, owners=args.owners)
    migration = report.to_sql(options)
    out = _terminal.console()
    if args.output:
        migration.save(args.output)
        _terminal.echo(f"wrote {len(migration)} statements to {_terminal.path(args.output)}",
                       stderr=True)
    else:  # the script itself, as it is: it is meant to be saved and run
        out.print(migration.sql(), end="", soft_wrap=True, markup=False)
    for refusal in migration.refused:
        _terminal.echo(f"refused {refusal.object}: {refusal.reason} ({refusal.hint})",
                       stderr=True)
    if args.prove:
        source_dsn = args.a if classify(args.a) == "live" else None
        with _terminal.progress("proving the migration in a scratch database"):
            proof = migration.prove(flavor=args.server, source_dsn=source_dsn,
                                    rows=args.rows if source_dsn else 0)
        _terminal.echo(proof.to_text(), stderr=bool(args.output))
        if not proof.proven:
            return 1
    return migration.exit_code


def _check(args: argparse.Namespace) -> int:
    from ._api import check

    result = check(args.expectations, args.dsn, schemas=args.schema or None)
    if args.format == "json":
        print(result.report().to_json())
    elif args.format == "markdown":
        print(result.to_markdown(), end="")
    else:
        from .._terminal import echo

        echo(result.to_text(failures_only=args.failures_only))
    return result.exit_code


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``diff`` and ``check`` to the pgprobe CLI."""
    p = sub.add_parser(
        "diff",
        help="compare two schemas (DSN, snapshot file or expectations .yml)",
        description="Compare two schema sources: live DSNs, saved snapshot files, or an "
        "expectations .yml. Exit 0 same, 1 different, 2 error.",
    )
    p.add_argument("a", help="left / old side: DSN, snapshot .json, or expectations .yml")
    p.add_argument("b", nargs="?", help="right / new side (none with --tenants)")
    p.add_argument("--tenants", metavar="TEMPLATE",
                   help="compare every schema shaped like TEMPLATE with it, in source A "
                   "(schema-per-tenant databases); --schema names the tenants")
    p.add_argument("--format", choices=FORMATS, default="text")
    p.add_argument("--schema", action="append", metavar="NAME",
                   help="only these schemas (repeatable)")
    p.add_argument("--include", action="append", metavar="KIND",
                   help="only these object kinds (column, policy, grant, role, ...)")
    p.add_argument("--exclude", action="append", metavar="KIND", help="leave out object kinds")
    p.add_argument("--severity", choices=("error", "warning", "info"),
                   help="only changes at least this severe")
    m = p.add_argument_group("migration SQL (A is the source, B the target)")
    m.add_argument("--sql", action="store_true",
                   help="print the SQL that turns A into B (hazards as comments)")
    m.add_argument("-o", "--output", metavar="FILE", help="write the SQL to FILE (implies --sql)")
    m.add_argument("--prove", action="store_true",
                   help="apply the SQL to A's schema in a scratch database and diff with B")
    m.add_argument("--concurrently", action="store_true",
                   help="build and drop indexes concurrently (the script is split around them)")
    m.add_argument("--allow-data-loss", action="store_true",
                   help="make changes that drop data instead of refusing them")
    m.add_argument("--owners", action="store_true", help="also set owners")
    m.add_argument("--server", choices=("embedded", "system"), default="embedded",
                   help="scratch server for --prove (default: embedded PostgreSQL)")
    m.add_argument("--rows", type=int, default=100, metavar="N",
                   help="with --prove and a live A: copy up to N rows per table first and "
                   "check they survive (0: schema only; default 100)")
    p.set_defaults(func=_diff)

    c = sub.add_parser(
        "check",
        help="check an expectations .yml against a database or snapshot",
        description="Check that a database satisfies an expectations file (tables, columns, "
        "FKs, RLS, policies, grants, enums, publications, PostgREST requests). "
        "Exit 0 all hold, 1 some failed, 2 error.",
    )
    c.add_argument("expectations", help="the expectations .yml file")
    c.add_argument("--dsn", default=None,
                   help="database DSN or a saved snapshot file (default: the DSN from the "
                   "environment, as pgprobe.connect() reads it)")
    c.add_argument("--format", choices=FORMATS, default="text")
    c.add_argument("--schema", action="append", metavar="NAME",
                   help="read only these schemas (repeatable)")
    c.add_argument("--failures-only", action="store_true", help="print only failed checks")
    c.set_defaults(func=_check)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``diff`` / ``check`` standalone (``python -m pgprobe.diff._cli diff A B``)."""
    parser = argparse.ArgumentParser(prog="pgprobe")
    sub = parser.add_subparsers(dest="command", required=True)
    register(sub)
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except PgprobeError as exc:
        print(f"pgprobe: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
