"""``pgprobe postgrest-staleness``: is a PostgREST/Supabase schema cache behind the database?

    pgprobe postgrest-staleness http://127.0.0.1:3000 --dsn "$DSN"
    pgprobe postgrest-staleness https://<project>.supabase.co/rest/v1/ --dsn "$DSN" \\
        --apikey-env SUPABASE_SERVICE_ROLE_KEY

Exit code 0 when the cache is up to date, 1 when it is stale (the fix is printed), 2 on error.
Import-light: everything heavy is imported inside the command.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

from .._errors import InputError


def _cmd_staleness(args: argparse.Namespace) -> int:
    from ._http import parse_header
    from ._staleness import staleness

    headers = dict(parse_header(h) for h in args.header or [])
    if args.apikey_env:
        key = os.environ.get(args.apikey_env)
        if not key:
            raise InputError(f"environment variable {args.apikey_env} is not set or empty")
        headers.setdefault("apikey", key)
        headers.setdefault("Authorization", f"Bearer {key}")
    if args.snapshot:
        from ..catalog._model import Snapshot

        source: Any = Snapshot.load(args.snapshot)
    elif args.dsn:
        source = args.dsn
    else:
        raise InputError("give the database: --dsn DSN or --snapshot FILE")
    report = staleness(args.url, source, schema=args.schema, headers=headers or None,
                       role=args.role, timeout=args.timeout)
    if args.format == "json":
        import json

        print(json.dumps({"endpoint": report.endpoint, "schema": report.schema,
                          "up_to_date": report.up_to_date, "fix": report.fix,
                          "changes": report.to_records()}, indent=2))
    elif args.format == "markdown":
        print(report.to_markdown())
    else:
        from .._terminal import echo

        echo(report.to_text())
    return 1 if report.changes else 0


def register(sub: Any) -> None:
    """Add the ``postgrest-staleness`` subcommand (skipped when another plugin has it)."""
    if "postgrest-staleness" in getattr(sub, "choices", {}):
        return
    p = sub.add_parser(
        "postgrest-staleness",
        help="compare a PostgREST/Supabase endpoint's schema cache (its OpenAPI) with the "
             "database",
        description="Fetch GET / of a PostgREST (or Supabase <project>/rest/v1/) endpoint and "
                    "list the tables, columns, relationships and functions its schema cache "
                    "does not know yet (or still holds), with the NOTIFY that reloads it. "
                    "Exit 0 = up to date, 1 = stale.")
    p.add_argument("url", help="API root, e.g. http://127.0.0.1:3000 or "
                               "https://<project>.supabase.co/rest/v1/")
    p.add_argument("--dsn", help="the database the endpoint serves")
    p.add_argument("--snapshot", help="a saved snapshot (JSON) instead of --dsn")
    p.add_argument("--schema", default="public", help="exposed schema (default public)")
    p.add_argument("--header", action="append", metavar="'Name: value'",
                   help="extra request header, repeatable (e.g. 'apikey: ...')")
    p.add_argument("--apikey-env", metavar="VAR",
                   help="read the Supabase key from this environment variable (sent as apikey "
                        "and Authorization: Bearer), keeping it out of shell history")
    p.add_argument("--role", help="hide what this role cannot see, as PostgREST's OpenAPI does")
    p.add_argument("--timeout", type=float, default=10.0, help="HTTP timeout in seconds")
    p.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    p.set_defaults(func=_cmd_staleness)
