"""``pgprobe postgrest``: show the SQL PostgREST runs for a request, and optionally its answer.

    pgprobe postgrest GET '/tickets?select=title,users!tickets_assignee_fkey(email)' --dsn DSN
    pgprobe postgrest GET '/tickets?select=*' --snapshot snap.json --explain --schemas public
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from .._errors import InputError


def _headers(items: list[str] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items or []:
        k, sep, v = item.partition(":")
        if not sep:
            raise InputError(f"cannot read the header {item!r}", hint="write it as 'Name: value'")
        out[k.strip()] = v.strip()
    return out


def _cmd(args: argparse.Namespace) -> int:
    from . import explain, request

    config: dict[str, Any] | str | None = args.config
    if config is None:
        config = {"db-schemas": args.schemas, "db-anon-role": args.anon_role}
    body = None
    if args.data is not None:
        try:
            body = json.loads(args.data)
        except ValueError:
            body = args.data
    headers = _headers(args.header)
    if args.snapshot:
        from pgprobe.catalog import Snapshot

        snap = Snapshot.load(args.snapshot)
        if args.explain or not args.dsn:
            res = explain(snap, args.method, args.path, headers=headers, body=body,
                          role=args.role, config=config)
        else:
            res = request(args.dsn, args.method, args.path, headers=headers, body=body,
                          role=args.role, config=config, snapshot=snap, commit=args.commit)
    elif args.dsn:
        if args.explain:
            res = explain(args.dsn, args.method, args.path, headers=headers, body=body,
                          role=args.role, config=config)
        else:
            res = request(args.dsn, args.method, args.path, headers=headers, body=body,
                          role=args.role, config=config, commit=args.commit)
    else:
        raise InputError("give --dsn or --snapshot")
    out = sys.stdout
    if res.sql is not None:
        out.write("-- SQL PostgREST runs\n" + res.sql.text + "\n")
    if res.plain_sql:
        out.write("-- as plain SQL\n" + res.plain_sql + "\n")
    out.write(f"-- {res.status}\n")
    for k, v in res.headers.items():
        out.write(f"{k}: {v}\n")
    if res.error is not None or res.body_text:
        out.write(json.dumps(res.error or res.body, indent=2, default=str) + "\n"
                  if res.error or res.body is not None else res.body_text + "\n")
    return 0 if res.status < 400 else 1


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("postgrest", help="a PostgREST request next to the SQL it runs")
    p.add_argument("method", help="GET, HEAD, POST, PATCH, PUT or DELETE")
    p.add_argument("path", help="path and query string, e.g. '/tickets?select=*&id=eq.1'")
    p.add_argument("--dsn", help="database to run it on (rolled back unless db-tx-end says so)")
    p.add_argument("--snapshot", help="a saved snapshot (schema cache) to translate with")
    p.add_argument("--explain", action="store_true", help="translate only, run nothing")
    p.add_argument("--commit", action="store_true",
                   help="let writes persist when PostgREST would commit (default: roll back)")
    p.add_argument("-H", "--header", action="append", help="request header 'Name: value'")
    p.add_argument("-d", "--data", help="request body (JSON or raw text)")
    p.add_argument("--role", help="database role (default: the anon role)")
    p.add_argument("--schemas", default="public", help="db-schemas (default: public)")
    p.add_argument("--anon-role", default="anon", help="db-anon-role (default: anon)")
    p.add_argument("--config", help="a postgrest.conf or Supabase config.toml")
    p.set_defaults(func=_cmd)
