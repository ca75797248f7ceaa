"""``pgprobe relationships``: list relationships as PostgREST sees them, or explain an embed.

    pgprobe relationships --dsn DSN --exposed-schema public --from tickets
    pgprobe relationships --snapshot snap.json --embed ticket_activities 'ticket:tickets!ta_ticket_id_fkey(id)'
    pgprobe relationships --dsn DSN --embed 'ticket_activities?select=id,ticket:tickets!ta_ticket_id_fkey(name)'

The corrected request is checked by a ``check`` function given to :func:`register` (the
PostgREST engine's offline fix, :func:`pgprobe.postgrest._fix.fix_request`: the engine
registers this command, so this package does not import it).
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .._errors import InputError

_ITEM = re.compile(
    r"^\s*(?:\.\.\.)?(?:(?P<alias>[^:!()]+):(?!:))?(?P<target>[^!():]+)"
    r"(?P<flags>(?:![^!()]+)*)\s*(?:\((?P<columns>.*)\))?\s*$", re.S)


def parse_embed(item: str) -> tuple[str | None, str, str | None, str | None, str]:
    """``alias:target!hint!inner(cols)`` -> (alias, target, hint, join, columns).

    >>> parse_embed("ticket:tickets!ta_ticket_id_fkey(id,title)")
    ('ticket', 'tickets', 'ta_ticket_id_fkey', None, 'id,title')
    >>> parse_embed("users!inner")
    (None, 'users', None, 'inner', '*')
    """
    m = _ITEM.match(item)
    if not m:
        raise InputError(f"cannot read the embed {item!r}",
                         hint="write it as in select=, e.g. alias:table!hint(col1,col2)")
    flags = [f for f in (m["flags"] or "").split("!") if f]
    joins = [f for f in flags if f in ("inner", "left")]
    hints = [f for f in flags if f not in ("inner", "left")]
    if len(hints) > 1:
        raise InputError(f"more than one hint in {item!r}: {', '.join(hints)}")
    return (m["alias"].strip() if m["alias"] else None, m["target"].strip().strip('"'),
            hints[0] if hints else None, joins[0] if joins else None,
            (m["columns"] or "*").strip() or "*")


Check = Callable[[Any, list[str], str], Any]
"""``check(snapshot, exposed_schemas, path)`` -> a fix with ``corrected``, ``ok``, ``steps``,
``remaining`` and ``evidence`` (the first failing embed's explanation)."""


def register(sub: Any, check: Check | None = None) -> None:
    """Add the ``relationships`` subcommand to the main parser's subparsers; ``check``
    verifies and completes a corrected request (without it, embeds alone are explained)."""
    p = sub.add_parser(
        "relationships",
        help="relationships as PostgREST sees them; explain a failing embed",
        description="List PostgREST's relationships (FKs, views, junctions, computed) or "
                    "resolve one embed like PostgREST, with the evidence and the fix. "
                    "Exit 0 = listed / the embed resolves, 1 = it does not, 2 = could not run.")
    src = p.add_mutually_exclusive_group()
    src.add_argument("--dsn", help="database to read (default: PGPROBE_DSN / DATABASE_URL)")
    src.add_argument("--snapshot", metavar="FILE", help="a snapshot saved with `pgprobe snapshot -o`")
    p.add_argument("--exposed-schema", action="append", default=[],
                   help="PostgREST's db-schemas (repeatable; default public)")
    p.add_argument("--from", dest="origin", metavar="TABLE", help="only relationships from TABLE")
    p.add_argument("--embed", nargs="+", metavar="ARG",
                   help="a request 'ORIGIN?select=...' whose embeds and columns are checked "
                        "and fixed, or ORIGIN ITEM, e.g. tickets 'users!tickets_assignee_fkey(*)'")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=lambda args: _cmd_relationships(args, check))


def _embed_args(values: list[str]) -> tuple[str, str | None]:
    """(request path, select item or None) from ``--embed``'s one or two arguments."""
    if len(values) == 1:
        origin, sep, query = values[0].lstrip("/").partition("?")
        if not sep or "select=" not in query:
            raise InputError(f"cannot read the request {values[0]!r}",
                             hint="write ORIGIN?select=..., or give ORIGIN and ITEM")
        return f"/{origin}?{query}", None
    if len(values) == 2:
        origin, item = values
        return f"/{origin.lstrip('/')}?select={item}", item
    raise InputError("--embed takes ORIGIN?select=... or ORIGIN ITEM",
                     hint="e.g. --embed tickets 'users!tickets_assignee_fkey(*)'")


def _cmd_relationships(args: argparse.Namespace, check: Check | None = None) -> int:
    from ..catalog import Snapshot, snapshot
    from ._index import RelationshipIndex

    if args.snapshot:
        if not Path(args.snapshot).exists():
            raise InputError(f"no such snapshot file: {args.snapshot}")
        snap = Snapshot.load(args.snapshot)
    else:
        snap = snapshot(args.dsn)
    schemas = args.exposed_schema or ["public"]
    idx = RelationshipIndex.from_snapshot(snap, schemas)
    if args.embed:
        return _explain(args, snap, idx, schemas, check)
    rels = idx.of(args.origin) if args.origin else idx.all()
    if args.format == "json":
        print(json.dumps([{"table": r.table.qualified, "foreign_table": r.foreign_table.qualified,
                           "cardinality": r.cardinality, "embed": idx.embed_target(r),
                           "description": r.description} for r in rels], indent=2))
    else:
        from .._terminal import print_table

        print_table([(r.table.qualified, idx.embed_target(r) or "(cannot be selected alone)",
                      r.description) for r in rels], ["table", "embed as", "relationship"])
    return 0


def _explain(args: argparse.Namespace, snap: Any, idx: Any, schemas: list[str],
             check: Check | None) -> int:
    from ._explain import explain_embed

    path, item = _embed_args(args.embed)
    ex = None
    if item is not None:
        alias, target, hint, join, columns = parse_embed(item)
        origin = path.split("?", 1)[0].lstrip("/")
        ex = explain_embed(idx, origin, target, hint, alias=alias, columns=columns, join=join)
    elif check is None:
        raise InputError("the request form needs the PostgREST engine",
                         hint="give ORIGIN and ITEM instead")
    fix = check(snap, schemas, path) if check is not None else None
    if ex is None and fix is not None:
        ex = fix.evidence
    ok = (ex is None or ex.ok) and (fix is None or (fix.ok and not fix.steps))
    if args.format == "json":
        out = ex.to_dict() if ex is not None else {"ok": True}
        if fix is not None:
            out["request"] = fix.to_dict()
        print(json.dumps(out, indent=2))
    else:
        _show(ex, fix)
    return 0 if ok else 1


def _show(ex: Any, fix: Any) -> None:
    from rich.text import Text

    from .._terminal import console, echo

    if ex is not None:
        console().print(Text(str(ex)))
    if fix is not None and fix.to_lines():  # Fix.to_lines: the one wording of a fix
        echo("\n".join(fix.to_lines()), style="green" if fix.ok else "yellow")
