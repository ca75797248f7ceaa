"""``pgprobe relationships``: list relationships as PostgREST sees them, or explain an embed.

    pgprobe relationships --dsn DSN --exposed-schema public --from tickets
    pgprobe relationships --snapshot snap.json --embed ticket_activities 'ticket:tickets!ta_ticket_id_fkey(id)'
"""

from __future__ import annotations

import argparse
import json
import re
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


def register(sub: Any) -> None:
    """Add the ``relationships`` subcommand to the main parser's subparsers."""
    p = sub.add_parser(
        "relationships",
        help="relationships as PostgREST sees them; explain a failing embed",
        description="List PostgREST's relationships (FKs, views, junctions, computed) or "
                    "resolve one embed like PostgREST, with the evidence and the fix.")
    src = p.add_mutually_exclusive_group()
    src.add_argument("--dsn", help="database to read (default: PGPROBE_DSN / DATABASE_URL)")
    src.add_argument("--snapshot", metavar="FILE", help="a snapshot saved with `pgprobe snapshot -o`")
    p.add_argument("--exposed-schema", action="append", default=[],
                   help="PostgREST's db-schemas (repeatable; default public)")
    p.add_argument("--from", dest="origin", metavar="TABLE", help="only relationships from TABLE")
    p.add_argument("--embed", nargs=2, metavar=("ORIGIN", "ITEM"),
                   help="resolve ORIGIN?select=ITEM, e.g. tickets 'users!tickets_assignee_fkey(*)'")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=_cmd_relationships)


def _cmd_relationships(args: argparse.Namespace) -> int:
    from ..catalog import Snapshot, snapshot
    from ._explain import explain_embed
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
        origin, item = args.embed
        alias, target, hint, join, columns = parse_embed(item)
        ex = explain_embed(idx, origin, target, hint, alias=alias, columns=columns, join=join)
        if args.format == "json":
            print(json.dumps(ex.to_dict(), indent=2))
        else:
            from .._terminal import echo

            echo(str(ex))
        return 0 if ex.ok else 1
    rels = idx.of(args.origin) if args.origin else idx.all()
    if args.format == "json":
        print(json.dumps([{"table": r.table.qualified, "foreign_table": r.foreign_table.qualified,
                           "cardinality": r.cardinality, "embed": idx.embed_target(r),
                           "description": r.description} for r in rels], indent=2))
    else:
        from .._terminal import print_table

        print_table([(r.table.qualified, idx.embed_target(r) or "(cannot be selected alone)",
                      r.description) for r in rels], ["table", "embed", "relationship"],
                    styles=["bold", "", ""])
    return 0
