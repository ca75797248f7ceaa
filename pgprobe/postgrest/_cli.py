"""``pgprobe postgrest``: show the SQL PostgREST runs for a request, and optionally its answer.

    pgprobe postgrest GET '/tickets?select=title,users!tickets_assignee_fkey(email)' --dsn DSN
    pgprobe postgrest GET '/tickets?select=*' --snapshot snap.json --explain --schemas public
    pgprobe postgrest POST /tickets -d '{"title": "x"}' --dsn DSN            # explained only
    pgprobe postgrest POST /tickets -d '{"title": "x"}' --dsn DSN --execute-writes

    pgprobe postgrest GET /tickets --role authenticated --claims '{"sub": "..."}' --dsn DSN

An answer with no rows (or with embeds that came back null/[]) because grants or row level
security hid them says so (``-- why: 0 rows: RLS on public.x has no policy ...``); an error
answer shows the catalog evidence and the corrected request, checked offline.

Exit code: 0 for a success answer (status below 300, an explained empty answer included) or
an explained write, 1 for any PostgREST error response (status 300 and up, e.g. PGRST201's
300 Multiple Choices), 2 when the request could not be run at all (bad input, no database).
"""

from __future__ import annotations

import argparse
import json
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


def _claims(text: str | None) -> dict[str, Any] | None:
    """``--claims '{"sub": "..."}'``: the JWT payload PostgREST would have decoded."""
    if text is None:
        return None
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise InputError(f"--claims is not JSON: {exc}",
                         hint="quote it: --claims '{\"sub\": \"...\"}'") from None
    if not isinstance(value, dict):
        raise InputError("--claims must be a JSON object", hint="e.g. '{\"sub\": \"...\"}'")
    return value


def exit_code(result: Any) -> int:
    """0 for a success answer or a write that was only explained, 1 for an error response.

    >>> from pgprobe.postgrest import Result
    >>> exit_code(Result(200)), exit_code(Result(300)), exit_code(Result(404)), exit_code(Result(0))
    (0, 1, 1, 0)
    """
    return 1 if result.status >= 300 else 0


def _config_of(args: argparse.Namespace) -> dict[str, Any] | str:
    if args.config is not None:
        return str(args.config)
    return {"db-schemas": args.schemas, "db-anon-role": args.anon_role}


def _run(args: argparse.Namespace) -> tuple[Any, Any]:
    """(result, the snapshot it was planned with)."""
    from . import explain, request, snapshot_of

    body = None
    if args.data is not None:
        try:
            body = json.loads(args.data)
        except ValueError:
            body = args.data
    kw: dict[str, Any] = {"headers": _headers(args.header), "body": body, "role": args.role,
                          "claims": _claims(args.claims), "config": _config_of(args)}
    snap = None
    if args.snapshot:
        from pgprobe.catalog import Snapshot

        snap = Snapshot.load(args.snapshot)
    if not args.dsn and snap is None:
        raise InputError("give --dsn or --snapshot")
    if args.explain or not args.dsn:
        res = explain(snap if snap is not None else args.dsn, args.method, args.path, **kw)
    else:
        res = request(args.dsn, args.method, args.path, snapshot=snap,
                      execute_writes=True if args.execute_writes else None,
                      commit=args.commit, **kw)
    return res, snap if snap is not None else (snapshot_of(args.dsn) if res.error else None)


def _evidence(args: argparse.Namespace, res: Any, snap: Any) -> Any:
    """For an error answer: :func:`why` from the snapshot (what exists, the checked fix)."""
    from . import why

    if res.error is None or snap is None:
        return None
    return why(snap, args.method, args.path, headers=_headers(args.header),
               config=_config_of(args))


def _show(res: Any, why: Any = None) -> None:
    from rich.text import Text

    from .._terminal import console

    out, err = console(), console(stderr=True)
    for note in res.notes:
        err.print(Text(note))
    if res.sql is not None:
        out.print(Text("-- SQL PostgREST runs\n" + res.sql.text))
    if res.plain_sql:
        out.print(Text("-- as plain SQL\n" + res.plain_sql))
    if res.write is not None and not res.executed:
        out.print(Text("\n".join("-- " + line for line in res.write.lines())))
        return
    if not res.executed and why is None:
        return
    if res.executed:
        lines = [f"-- {res.status}"] + [f"{k}: {v}" for k, v in res.headers.items()]
        if res.error is not None or res.body is not None:
            lines.append(json.dumps(res.error or res.body, indent=2, default=str))
        elif res.body_text:
            lines.append(res.body_text)
        out.print(Text("\n".join(lines)))
    for reason in res.empty:
        out.print(Text("-- why: " + reason.summary, style="yellow"))
    if why is not None:
        _show_why(out, why)


def _show_why(out: Any, why: Any) -> None:
    """The catalog evidence and the corrected request, checked offline."""
    from rich.text import Text

    from .._terminal import echo

    if why.embed is not None:
        out.print(Text("-- catalog evidence\n" + str(why.embed)))
    for note in why.notes:
        out.print(Text("-- note: " + note))
    fix = why.fix
    if fix is not None and fix.to_lines():
        echo("\n".join(fix.to_lines()), style="green" if fix.ok else "yellow")


def _cmd(args: argparse.Namespace) -> int:
    if args.commit and not args.execute_writes:
        raise InputError("--commit needs --execute-writes", hint="writes are explained, not "
                         "run, unless you opt in (or the database is marked scratch)")
    res, snap = _run(args)
    _show(res, _evidence(args, res, snap))
    return exit_code(res)


def _check_request(snapshot: Any, schemas: list[str], path: str) -> Any:
    """The engine's offline fix of a request, for ``pgprobe relationships --embed``."""
    from ._fix import fix_request

    return fix_request(snapshot, "GET", path, config={"db-schemas": ",".join(schemas)})


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """``pgprobe postgrest``, and ``pgprobe relationships`` with the engine's checked fix."""
    from pgprobe.relationships._cli import register as register_relationships

    register_relationships(sub, check=_check_request)
    p = sub.add_parser("postgrest", help="a PostgREST request next to the SQL it runs",
                       description="Translate a PostgREST request to its SQL and run it in a "
                       "read-only, time-limited session. Writes are explained, not run, unless "
                       "--execute-writes (rolled back) or the database is marked scratch. "
                       "Exit 0 = success answer, 1 = error response (status >= 300), "
                       "2 = could not run.")
    p.add_argument("method", help="GET, HEAD, POST, PATCH, PUT or DELETE")
    p.add_argument("path", help="path and query string, e.g. '/tickets?select=*&id=eq.1'")
    p.add_argument("--dsn", help="database to run it on (read-only session, time limits)")
    p.add_argument("--snapshot", help="a saved snapshot (schema cache) to translate with")
    p.add_argument("--explain", action="store_true", help="translate only, run nothing")
    p.add_argument("--execute-writes", action="store_true",
                   help="run a write (in a transaction that is rolled back) instead of "
                        "explaining it")
    p.add_argument("--commit", action="store_true",
                   help="with --execute-writes: let the write persist when PostgREST would "
                        "commit it")
    p.add_argument("-H", "--header", action="append", help="request header 'Name: value'")
    p.add_argument("-d", "--data", help="request body (JSON or raw text)")
    p.add_argument("--role", help="database role (default: the anon role, or the role of a "
                   "verified Authorization token)")
    p.add_argument("--claims", metavar="JSON",
                   help="JWT claims the request runs with (request.jwt.claims, auth.uid()), "
                        "e.g. '{\"sub\": \"...\"}'")
    p.add_argument("--schemas", default="public", help="db-schemas (default: public)")
    p.add_argument("--anon-role", default="anon", help="db-anon-role (default: anon)")
    p.add_argument("--config", help="a postgrest.conf or Supabase config.toml")
    p.set_defaults(func=_cmd)
