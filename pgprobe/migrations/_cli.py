"""``pgprobe rehearse|verify|history|postmortem``: the migrations commands.

    pgprobe rehearse supabase/migrations [--base DSN|snap.json] [--scratch-dsn DSN]
        [--flavor auto|embedded|system] [--no-stubs]
    pgprobe verify supabase/migrations --dsn DSN|--snapshot snap.json
    pgprobe history supabase/migrations --dsn DSN|--snapshot snap.json
    pgprobe postmortem supabase/migrations [--dsn DSN] [-o report.md|report.html]

Exit codes: 0 all good, 1 something to look at (a failed or silently failed file, missing
objects, history out of sync), 2 an error running the command.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


def _folder(args: argparse.Namespace) -> str:
    """The migrations folder; on a screen, named relative to the working directory when under
    it (so are the files in every message). Machine formats keep it as given."""
    from .._terminal import path

    fmt = getattr(args, "format", "text")
    return path(args.migrations_dir) if fmt == "text" or getattr(args, "output", None) \
        else args.migrations_dir


def register(sub: Any) -> None:
    p = sub.add_parser("rehearse", help="apply migrations on a scratch database and check them",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("migrations_dir", metavar="DIR")
    p.add_argument("--base", metavar="DSN|SNAPSHOT_JSON",
                   help="seed the scratch database with this schema first (only read)")
    p.add_argument("--scratch-dsn", metavar="DSN",
                   help="an EMPTY database to rehearse in (default: a throwaway embedded server)")
    p.add_argument("--flavor", choices=("auto", "embedded", "system"), default="auto",
                   help="server for the throwaway scratch database (auto: the one with the "
                        "most of Supabase's extensions)")
    p.add_argument("--stubs", action=argparse.BooleanOptionalAction, default=None,
                   help="stand in for Supabase extensions the server lacks (pg_cron, pg_net, "
                        "http, vector, ...; default: on with the Supabase stand-in)")
    p.add_argument("--no-supabase", action="store_true",
                   help="do not load the Supabase stand-in (roles, auth, storage, realtime)")
    p.add_argument("--keep-going", action="store_true", help="do not stop at the first failure")
    p.add_argument("--rerun", action="store_true",
                   help="also check each file can run twice (in a rolled-back savepoint)")
    p.add_argument("--all-files", action="store_true",
                   help="with --base, also rehearse files already in its migration history")
    p.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar on stderr")
    p.set_defaults(func=_rehearse)

    for name, helptext in (("verify", "are the migrations' declared objects in the target?"),
                           ("history", "files vs supabase_migrations.schema_migrations")):
        q = sub.add_parser(name, help=helptext, description=__doc__,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        q.add_argument("migrations_dir", metavar="DIR")
        src = q.add_mutually_exclusive_group(required=True)
        src.add_argument("--dsn", help="the target database (only read)")
        src.add_argument("--snapshot", metavar="SNAPSHOT_JSON", help="a saved snapshot of it")
        q.add_argument("--format", choices=("text", "markdown", "json", "csv"), default="text")
        q.set_defaults(func=_verify if name == "verify" else _history)

    m = sub.add_parser("postmortem", help="lint + rehearsal + verification + history report",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    m.add_argument("migrations_dir", metavar="DIR")
    src = m.add_mutually_exclusive_group()
    src.add_argument("--dsn", help="the target database (only read)")
    src.add_argument("--snapshot", metavar="SNAPSHOT_JSON", help="a saved snapshot of it")
    m.add_argument("--base", metavar="DSN|SNAPSHOT_JSON", help="rehearsal base")
    m.add_argument("--scratch-dsn", metavar="DSN", help="an EMPTY database to rehearse in")
    m.add_argument("--stubs", action=argparse.BooleanOptionalAction, default=None,
                   help="stand in for Supabase extensions the server lacks (default: on)")
    m.add_argument("--no-rehearse", action="store_true")
    m.add_argument("--rerun", action="store_true", help="also check each file can run twice")
    m.add_argument("--no-lint", action="store_true")
    m.add_argument("-o", "--output", metavar="FILE", help=".md or .html (default: stdout)")
    m.add_argument("--format", choices=("text", "markdown"), default="text",
                   help="on stdout: text fitted to the terminal (default) or the markdown")
    m.set_defaults(func=_postmortem)


def _rehearse(args: argparse.Namespace) -> int:
    from ._platform import scratch_flavor
    from ._rehearse import rehearse

    server = None
    if args.scratch_dsn is None:
        from ..embedded import Server

        flavor = scratch_flavor() if args.flavor == "auto" else args.flavor
        server = Server.start(flavor)  # type: ignore[arg-type]
    try:
        with _file_progress(args.quiet) as progress:
            r = rehearse(_folder(args), args.base, server=server,
                         scratch_dsn=args.scratch_dsn, stubs=args.stubs,
                         supabase=not args.no_supabase, stop_on_error=not args.keep_going,
                         progress=progress, pending_only=False if args.all_files else None,
                         check_rerun=args.rerun)
    finally:
        if server is not None:
            server.stop(remove=True)
    if args.format == "markdown":
        print(r.to_markdown())
    elif args.format == "json":
        frame = r.frame()
        print(json.dumps({"ok": r.ok, "files": json.loads(frame.to_json(orient="records")),
                          "problems": json.loads(r.checks_frame().to_json(orient="records")),
                          "stubs": r.stubs}, indent=2))
    else:
        from .._terminal import echo

        echo(r.summary())
    return 0 if r.ok else 1


@contextmanager
def _file_progress(quiet: bool) -> Iterator[Any]:
    """A per-file progress bar on a terminal's stderr (none when piped or with ``-q``)."""
    from .._terminal import progress

    if quiet:
        yield None
        return
    with progress("rehearsing") as bar:
        def advance(i: int, total: int, fr: Any) -> None:
            bar.update(f"{fr.filename}: {fr.outcome}", total=total)
            bar.advance()

        yield advance


def _target(args: argparse.Namespace) -> Any:
    return args.snapshot if args.snapshot else args.dsn


# the columns that name a row; the others are shown below it as "name: value"
_KEYS = {"history": ("version", "status", "file"), "verify": ("file", "line", "status")}


def _print_frame(df: Any, fmt: str, kind: str) -> None:
    if fmt == "json":
        print(df.to_json(orient="records", indent=2))
    elif fmt == "csv":
        sys.stdout.write(df.to_csv(index=False))
    elif fmt == "markdown":
        from ._report import md_table

        print(md_table(df.to_dict("records"), list(df.columns)))
    elif not len(df):
        from .._terminal import echo

        echo("(nothing to report)")
    else:
        from .._terminal import path, print_records, style_for_level

        keys = [c for c in _KEYS[kind] if c in df.columns]
        columns = keys + [c for c in df.columns if c not in keys]
        rows = [[path(v) if c == "file" and isinstance(v, str) else v for c, v in zip(
                columns, row, strict=True)] for row in df[columns].itertuples(index=False)]
        def status(text: str) -> str:
            return style_for_level("ok" if text in ("applied", "present") else "warn")

        styles = [status if c == "status" else "bold" if i == 0 else ""
                  for i, c in enumerate(columns)]
        print_records(rows, columns, key=len(keys), styles=styles)


def _verify(args: argparse.Namespace) -> int:
    from ._verify import verify

    df = verify(_target(args), _folder(args))
    _print_frame(df, args.format, "verify")
    return _verify_exit(df)


def _verify_exit(df: Any) -> int:
    return 1 if (df["status"] != "unknown").any() else 0


def _history_exit(df: Any) -> int:
    return 0 if (df["status"] == "applied").all() else 1


def _history(args: argparse.Namespace) -> int:
    from ._verify import history

    df = history(_target(args), _folder(args))
    _print_frame(df, args.format, "history")
    return _history_exit(df)


def _postmortem(args: argparse.Namespace) -> int:
    from ._report import postmortem

    server = None
    if not args.no_rehearse and args.scratch_dsn is None:
        from ..embedded import Server
        from ._platform import scratch_flavor

        server = Server.start(scratch_flavor())  # type: ignore[arg-type]
    try:
        pm = postmortem(_folder(args), _target(args), base=args.base,
                        rehearse=not args.no_rehearse, lint=not args.no_lint, stubs=args.stubs,
                        server=server, scratch_dsn=args.scratch_dsn, check_rerun=args.rerun)
    finally:
        if server is not None:
            server.stop(remove=True)
    from .._terminal import echo

    if args.output:
        pm.save(args.output)
        echo(f"wrote {args.output}", stderr=True)
    elif args.format == "markdown":
        print(pm.to_markdown())
    else:
        _print_postmortem(pm)
    code = _postmortem_exit(pm)
    if code == 2:
        print(f"pgprobe: error: could not run {pm.errors[0]}", file=sys.stderr)  # one line
    return code


def _print_postmortem(pm: Any) -> None:
    """The report for a terminal: its summary, then each part as its own command shows it."""
    from rich.text import Text

    from .._terminal import console, echo, path

    out = console()

    def heading(text: str) -> None:
        out.print()
        out.print(Text(text, style="bold underline"))

    out.print(Text(pm.title, style="bold"))
    echo(f"migrations: {path(pm.migrations_dir)}" + (f"; target: {pm.target}" if pm.target
                                                     else ""))
    heading("Summary")
    for line in pm.summary_lines():
        echo(f"- {line}")
    if pm.lint is not None:
        from ..lint._cli import print_findings

        heading("Lint")
        print_findings(pm.lint)
    if pm.rehearsal is not None:
        heading("Rehearsal")
        echo(pm.rehearsal.summary())
    if pm.verification is not None:
        heading("Verification against the target")
        _print_frame(pm.verification, "text", "verify")
    if pm.history is not None:
        heading("Migration history (the commands are suggestions; pgprobe never runs them)")
        _print_frame(pm.history, "text", "history")
    if pm.errors:
        heading("Could not run")
        for error in pm.errors:
            echo(f"- {error}")


def _postmortem_exit(pm: Any) -> int:
    """1 when any part has something to look at (as lint, rehearse, verify and history would
    each exit on their own), else 2 when a part could not run, else 0."""
    parts = [int(getattr(pm.lint, "exit_code", 0)) if pm.lint is not None else 0,
             0 if pm.rehearsal is None or pm.rehearsal.ok else 1,
             _verify_exit(pm.verification) if pm.verification is not None else 0,
             _history_exit(pm.history) if pm.history is not None else 0]
    if any(parts):
        return 1
    return 2 if pm.errors else 0
