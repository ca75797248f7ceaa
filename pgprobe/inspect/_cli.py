"""``pgprobe inspect``: live views, ``report`` with rules, and ``why-waiting``.

    pgprobe inspect --dsn DSN blocking             # exit 1 when a session waits on a lock
    pgprobe inspect report --dsn DSN --rules rules.toml
    pgprobe inspect why-waiting --dsn DSN --application psql

Exit codes: 0 clean, 1 a rule failed / a session is waiting, 2 could not run.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from rich.text import Text

from .. import _terminal
from ._format import header, human, short
from ._views import ALIASES, VIEWS

_WIDE = {"query", "last_query", "definition"}


def _inspector(args: argparse.Namespace) -> Any:
    from ._inspector import Inspector

    return Inspector(getattr(args, "dsn", None))


def _cells(columns: list[str], row: tuple[Any, ...]) -> list[Any]:
    return [short(v, 80) if c in _WIDE else human(c, v) for c, v in zip(columns, row, strict=True)]


def _print_frame(frame: Any, *, limit: int, title: str, all_columns: bool = False) -> None:
    brief = [] if all_columns else [c for c in VIEWS[frame.view].brief if c in frame.columns]
    columns = brief or list(frame.columns)
    if frame.note:
        _terminal.render(Text(f"note: {frame.note}"))
    if not len(frame):
        if not frame.note:
            _terminal.render(Text(f"{title}: (no rows)"))
        return
    if VIEWS[frame.view].single_row and len(frame) == 1:
        values = _cells(columns, next(frame[columns].itertuples(index=False, name=None)))
        _terminal.print_table(list(zip(map(header, columns), values, strict=True)),
                              ["field", "value"], title=title)
        return
    shown = frame.head(limit) if limit else frame
    rows = [_cells(columns, r) for r in shown[columns].itertuples(index=False, name=None)]
    _terminal.print_table(rows, [header(c) for c in columns], title=title)
    if limit and len(frame) > limit:
        _terminal.render(Text(f"({len(frame) - limit} more rows; --limit 0 shows all)"))


def _view(args: argparse.Namespace) -> int:
    name = ALIASES.get(args.view, args.view)
    with _inspector(args) as db:
        frame = db.view(name)
    if args.format == "json":
        rows = json.loads(frame.to_json(orient="records", date_format="iso"))
        print(json.dumps({"view": name, "note": frame.note, "rows": rows}, indent=2,
                         default=str))
    elif args.format == "csv":
        sys.stdout.write(frame.to_csv(index=False))
    else:
        _print_frame(frame, limit=args.limit, title=f"{name}: {VIEWS[name].description}",
                     all_columns=args.all_columns)
        if name == "connections" and len(frame):
            top = frame.iloc[0]
            _terminal.render(Text(f"{top['total']} of {top['max_connections']} connections in "
                                  f"use ({top['used_pct']:.1f}% of the "
                                  f"{top['max_connections'] - top['reserved_for_superusers']} "
                                  "open to non-superusers)"))
    return 1 if name == "blocking" and frame["wait_s"].notna().any() else 0


def _report(args: argparse.Namespace) -> int:
    from .rules import default_rules, load_rules

    rules = load_rules(args.rules) if args.rules else default_rules()
    with _inspector(args) as db:
        report = db.report(rules)
    if args.save_dir:
        folder = Path(args.save_dir)
        folder.mkdir(parents=True, exist_ok=True)
        for name, frame in report.frames.items():
            frame.to_csv(folder / f"{name}.csv", index=False)
    if args.format == "json":
        print(report.to_json())
        return int(report.exit_code)
    styles = {"fail": "error", "error": "error", "warn": "warn", "pass": "ok"}
    rows = [(r.rule, r.status, r.summary, "\n".join(r.matches[:5])
             + (f"\n(+{len(r.matches) - 5} more)" if len(r.matches) > 5 else ""))
            for r in report.results]
    table = _terminal.table(rows, ["rule", "status", "checks", "matches"], title="inspect report")
    for i, r in enumerate(report.results):
        style = _terminal.style_for_level(styles.get(r.status, ""))
        if style:
            table.rows[i].style = style
    _terminal.render(table)
    for view, error in report.errors.items():
        _terminal.render(Text(f"view {view} could not be read: {error}"))
    _terminal.render(Text(f"{report.summary()} (exit {report.exit_code})"))
    return int(report.exit_code)


def _why_waiting(args: argparse.Namespace) -> int:
    with _inspector(args) as db:
        answers = db.why_waiting(pid=args.pid, application=args.application,
                                 query_like=args.query_like)
        if not answers and args.pid is not None:
            from ._why import not_waiting

            _terminal.render(Text(not_waiting(args.pid, db.session(args.pid),
                                              db.blocked_by(args.pid))))
            return 0
    if args.format == "json":
        print(json.dumps([{"pid": a.pid, "sentence": a.sentence, "blockers": a.blockers,
                           "root": a.root, "suggestion": a.suggestion} for a in answers],
                         indent=2))
        return 1 if answers else 0
    if not answers:
        which = " matching the filter" if (args.application or args.query_like) else ""
        _terminal.render(Text(f"no session{which} is waiting on a lock"))
        return 0
    for answer in answers:
        _terminal.render(Text(answer.sentence))
        if answer.suggestion:
            _terminal.render(Text(f"  suggestion (not run): {answer.suggestion}"))
    return 1


def _dsn_option(p: argparse.ArgumentParser, default: Any) -> None:
    p.add_argument("--dsn", default=default,
                   help="database URL (default: PGPROBE_DSN, DATABASE_URL, SUPABASE_DB_URL)")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``inspect`` (its views, ``report`` and ``why-waiting``) to the pgprobe CLI."""
    views = "\n".join(f"  {n:<20} {v.description}" for n, v in VIEWS.items())
    p = sub.add_parser(
        "inspect", help="live views: blocking tree, locks, slow queries, bloat, report",
        description="Live incident views of a database, read by a read-only session that "
        "never waits on a lock. Exit 0 clean, 1 a rule failed or a session waits, 2 error.",
        epilog=f"views:\n{views}\n  report               every rule of a rules.toml\n"
        "  why-waiting          one sentence per waiting session",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    _dsn_option(p, None)
    inner = p.add_subparsers(dest="view", metavar="VIEW")
    inner.required = True
    for name, view in VIEWS.items():
        v = inner.add_parser(name, help=view.description,
                             aliases=[a for a, target in ALIASES.items() if target == name])
        _dsn_option(v, argparse.SUPPRESS)
        v.add_argument("--format", choices=("table", "json", "csv"), default="table")
        v.add_argument("--limit", type=int, default=50,
                       help="rows shown in the table (0: all; json/csv give all)")
        v.add_argument("--all-columns", action="store_true",
                       help="show every column in the table (json/csv always have all)")
        v.set_defaults(func=_view, view=name)
    r = inner.add_parser("report", help="check every rule (thresholds from --rules TOML)")
    _dsn_option(r, argparse.SUPPRESS)
    r.add_argument("--rules", default=None, help="rules.toml with thresholds and levels")
    r.add_argument("--format", choices=("text", "json"), default="text")
    r.add_argument("--save-dir", default=None, help="also write every view as CSV here")
    r.set_defaults(func=_report)
    w = inner.add_parser("why-waiting", help="who blocks each waiting session, in words")
    _dsn_option(w, argparse.SUPPRESS)
    pick = w.add_mutually_exclusive_group()
    pick.add_argument("--pid", type=int, default=None, help="only this session")
    pick.add_argument("--application", default=None, help="only sessions of this application_name")
    pick.add_argument("--query-like", default=None, help="only sessions whose query contains TEXT")
    w.add_argument("--format", choices=("text", "json"), default="text")
    w.set_defaults(func=_why_waiting)
