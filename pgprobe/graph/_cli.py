"""``pgprobe erd``: draw a database's (or a saved snapshot's) relations to SVG/PNG/PDF/DOT.

    pgprobe erd --dsn DSN --schema public -o erd.svg
    pgprobe erd --snapshot snap.json --focus tickets --depth 2 -o tickets.svg
    pgprobe erd --snapshot snap.json --path ticket_activities users -o path.svg
    pgprobe erd --snapshot new.json --diff-from old.json -o diff.svg
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path
from typing import Any

from .._errors import DependencyError, InputError


def register(sub: Any) -> None:
    """Add the ``erd`` subcommand to the main parser's subparsers."""
    p = sub.add_parser(
        "erd",
        help="draw tables, views and their foreign keys (Graphviz)",
        description="Draw an entity-relationship diagram: whole schema, focus, path or diff view.",
    )
    src = p.add_mutually_exclusive_group()
    src.add_argument("--dsn", help="database to read (default: PGPROBE_DSN / DATABASE_URL)")
    src.add_argument("--snapshot", metavar="FILE", help="a snapshot saved with `pgprobe snapshot -o`")
    p.add_argument("--schema", action="append", default=[], help="only these schemas (repeatable)")
    p.add_argument("--pattern", help="only relations whose name matches this glob (e.g. 'ticket*')")
    view = p.add_mutually_exclusive_group()
    view.add_argument("--focus", metavar="TABLE", help="a table and its neighbours")
    view.add_argument("--path", nargs=2, metavar=("FROM", "TO"), help="every FK join path between two tables")
    view.add_argument("--diff-from", metavar="OLD", help="colour what changed since this snapshot file")
    p.add_argument("--depth", type=int, default=1, help="focus: neighbours this many FKs away (default 1)")
    p.add_argument("--max-length", type=int, default=3, help="path: at most this many joins (default 3)")
    p.add_argument("--columns", choices=("keys", "all", "none"), default="keys")
    p.add_argument(
        "--exposed-schema", action="append", default=[],
        help="schemas PostgREST serves (db-schemas; default public; repeatable)",
    )
    p.add_argument("--no-legend", action="store_true")
    p.add_argument("--max-nodes", type=int, default=None, help="keep at most this many relations")
    p.add_argument("--max-detailed", type=int, default=None, help="collapse columns above this many")
    p.add_argument(
        "-o", "--output", metavar="FILE",
        help="output file: .svg, .png, .pdf or .dot (default: DOT text on stdout)",
    )
    p.add_argument("--format", choices=("svg", "png", "pdf", "dot"), help="override the output's suffix")
    p.set_defaults(func=_cmd_erd)


def _load(args: argparse.Namespace) -> Any:
    from ..catalog import Snapshot

    if args.snapshot:
        if not Path(args.snapshot).exists():
            raise InputError(f"no such snapshot file: {args.snapshot}")
        return Snapshot.load(args.snapshot)
    from ..catalog import snapshot

    return snapshot(args.dsn)


def _cmd_erd(args: argparse.Namespace) -> int:
    from ._erd import DEFAULT_MAX_DETAILED, DEFAULT_MAX_NODES, INSTALL_HINT, erd

    snap = _load(args)
    old = None
    if args.diff_from:
        from ..catalog import Snapshot

        if not Path(args.diff_from).exists():
            raise InputError(f"no such snapshot file: {args.diff_from}")
        old = Snapshot.load(args.diff_from)
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        graph = erd(
            snap,
            schemas=args.schema or None,
            pattern=args.pattern,
            focus=args.focus,
            depth=args.depth,
            path=tuple(args.path) if args.path else None,
            max_length=args.max_length,
            diff=old,
            columns=args.columns,
            exposed_schemas=tuple(args.exposed_schema) or ("public",),
            legend=not args.no_legend,
            max_nodes=args.max_nodes if args.max_nodes is not None else DEFAULT_MAX_NODES,
            max_detailed=args.max_detailed if args.max_detailed is not None else DEFAULT_MAX_DETAILED,
        )
    from .._terminal import echo, path

    for note in graph.notes:
        echo(f"note: {note}", stderr=True)
    to_stderr = not args.output
    for i, p in enumerate(graph.paths, start=1):
        echo(f"{i}. {p}\n   sql:    select * {p.sql()}\n   select: {p.select()}",
             stderr=to_stderr)
    if not args.output:
        sys.stdout.write(graph.source)
        return 0
    out = Path(args.output)
    try:
        written = graph.render(out, format=args.format)
    except DependencyError as exc:
        fallback = out.with_suffix(".dot")
        fallback.write_text(graph.source, encoding="utf-8")
        raise DependencyError(exc.message, hint=f"{INSTALL_HINT}; DOT source written to {fallback}") from None
    echo(f"{graph.view}: {len(graph.relations)} relations -> {path(written)}", stderr=True)
    return 0
