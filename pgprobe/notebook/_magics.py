"""IPython magics: ``%pgprobe``, ``%%sql`` and ``%%postgrest``.

Thin over the Python API: each magic parses its arguments, calls a public pgprobe
function and returns a value that displays richly. ``PgprobeError`` becomes a one-line
``UsageError`` (no traceback, and nbclient/papermill still see the cell fail).
"""

from __future__ import annotations

import argparse
import json
import re
import shlex
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from IPython.core.error import UsageError
from IPython.core.magic import Magics, cell_magic, line_magic, magics_class

from .._errors import InputError, PgprobeError
from . import _session
from ._displays import FindingsView, PostgrestView, QueryNote, SnapshotView, TableView
from ._params import prepare

__all__ = ["PgprobeMagics", "parse_request", "run_sql", "run_postgrest"]

MAX_FETCH = 10_000
"""Rows fetched by ``%%sql`` unless ``--limit`` says otherwise (the DataFrame says so)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse would exit the kernel
        raise InputError(f"{self.prog}: {message}", hint=self.format_usage().strip())


def _role_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--as", dest="role", default=None,
                   help="run as this role (anon, authenticated, ...) like PostgREST")
    p.add_argument("--claims", default=None, help="JWT claims as JSON, e.g. '{\"sub\": \"...\"}'")
    p.add_argument("-o", "--out", default=None, help="also store the result in this variable")


def _claims(text: str | None, namespace: dict[str, Any]) -> dict[str, Any] | None:
    if not text:
        return None
    if text.isidentifier() and text in namespace and isinstance(namespace[text], dict):
        return dict(namespace[text])
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"--claims is not valid JSON: {exc.msg} at column {exc.colno}",
                         hint="quote it: --claims '{\"sub\": \"...\", \"role\": \"authenticated\"}'") from None
    if not isinstance(value, dict):
        raise InputError("--claims must be a JSON object")
    return value


# -- %%sql -----------------------------------------------------------------------------------

def run_sql(cell: str, namespace: dict[str, Any], *, role: str | None = None,
            claims: dict[str, Any] | None = None, limit: int = MAX_FETCH) -> Any:
    """Run a cell's statements in one transaction on the session's probe; the last result
    with rows comes back as a DataFrame (``df.attrs["pgprobe"]`` says how it ran)."""
    import pandas as pd

    session = _session.current()
    statements = prepare(cell, namespace)
    if not session.require_live("%%sql"):
        return None
    columns: list[str] = []
    rows: list[tuple[Any, ...]] = []
    truncated = False
    status = ""
    with session.probe.transaction(role=role, claims=claims) as cur:
        for st in statements:
            cur.execute(st.text, st.params)  # values are bound, never formatted
            status = cur.statusmessage or ""
            if cur.description:
                columns = [d.name for d in cur.description]
                rows = cur.fetchmany(limit + 1)
                truncated = len(rows) > limit
                rows = rows[:limit]
    df = pd.DataFrame(rows, columns=columns) if columns else pd.DataFrame()
    df.attrs["pgprobe"] = {"role": role, "claims": claims, "truncated": truncated, "status": status}
    return df


# -- %%postgrest -----------------------------------------------------------------------------

_VAR = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def _expand(line: str, namespace: Mapping[str, Any] | None, where: str) -> str:
    if namespace is None:
        return line

    def repl(m: re.Match[str]) -> str:
        name = m.group(1)
        if name not in namespace:
            raise InputError(f"{{{name}}} is not defined in the notebook", where=where)
        return str(namespace[name])

    return _VAR.sub(repl, line)


def parse_request(cell: str, namespace: Mapping[str, Any] | None = None
                  ) -> tuple[str, str, dict[str, str], Any]:
    """``GET /path?query`` then ``Header: value`` lines, a blank line and an optional JSON body.
    With ``namespace``, ``{name}`` in the request and header lines is replaced by the
    variable's value (the JSON body is left alone).

    >>> parse_request("GET /{t}?select=id\\nPrefer: count=exact\\n", {"t": "tickets"})
    ('GET', '/tickets?select=id', {'Prefer': 'count=exact'}, None)
    """
    lines = cell.strip("\n").splitlines()
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        raise InputError("%%postgrest needs a request line", hint="GET /tickets?select=id,title")
    lines[0] = _expand(lines[0], namespace, "line 1")
    first = lines[0].split(None, 1)
    if len(first) == 1 and first[0].startswith("/"):
        method, path = "GET", first[0]
    elif len(first) == 2:
        method, path = first[0].upper(), first[1].strip()
    else:
        raise InputError(f"cannot read the request line {lines[0]!r}", where="line 1",
                         hint="METHOD /path?query, e.g. GET /tickets?select=id,title")
    if method not in ("GET", "HEAD", "POST", "PATCH", "PUT", "DELETE"):
        raise InputError(f"unknown HTTP method {method}", where="line 1:1")
    if not path.startswith("/"):
        path = "/" + path
    headers: dict[str, str] = {}
    i = 1
    while i < len(lines) and lines[i].strip():
        lines[i] = _expand(lines[i], namespace, f"line {i + 1}")
        key, sep, value = lines[i].partition(":")
        if not sep:
            raise InputError(f"expected 'Header: value', got {lines[i]!r}", where=f"line {i + 1}",
                             hint="leave a blank line before a JSON body")
        headers[key.strip()] = value.strip()
        i += 1
    rest = "\n".join(lines[i:]).strip()
    body = None
    if rest:
        try:
            body = json.loads(rest)
        except json.JSONDecodeError as exc:
            raise InputError(f"the request body is not JSON: {exc.msg}",
                             where=f"line {i + exc.lineno}:{exc.colno}") from None
    return method, path, headers, body


def run_postgrest(cell: str, *, role: str | None = None, claims: dict[str, Any] | None = None,
                  explain_only: bool = False, config: dict[str, Any] | None = None,
                  session: _session.Session | None = None,
                  namespace: Mapping[str, Any] | None = None) -> PostgrestView:
    """Translate (and, when live, run) a PostgREST request; returns a side-by-side view."""
    from .. import postgrest

    method, path, headers, body = parse_request(cell, namespace)
    session = session or _session.current()
    live = session.live and not explain_only
    note = ""
    kwargs: dict[str, Any] = {"headers": headers or None, "body": body, "role": role, "claims": claims}
    if config:
        kwargs["config"] = config
    if live:
        # the session's snapshot is PostgREST's schema cache: no catalog re-read per request
        result = postgrest.request(session.probe.conn, method, path, snapshot=session.snap, **kwargs)
    else:
        result = postgrest.explain(session.snap, method, path, **kwargs)
        if not session.live:
            note = f"offline ({session.reason}): SQL from the pinned snapshot; not run"
    why = _embed_evidence(session.snap, getattr(result, "error", None))
    fix = None
    if getattr(result, "error", None):
        from ..postgrest import fix_request

        fix = fix_request(session.snap, method, path, headers=headers, config=config)
    return PostgrestView(result, method=method, path=path, headers=headers, role=role,
                         claims=claims, live=live, note=note, why=why, fix=fix)


_BETWEEN = re.compile(r"(?:between|for) '([^']+)' and '([^']+)'")


def _embed_evidence(snap: Any, error: Any) -> Any:
    """For PGRST200/201: the relationships that do exist between the two relations."""
    if not isinstance(error, Mapping) or error.get("code") not in ("PGRST200", "PGRST201"):
        return None
    m = _BETWEEN.search(str(error.get("message") or ""))
    if not m:
        return None
    from ._bridge import relationships_from

    origin, target = m.groups()
    try:
        rels = [r for r in relationships_from(snap, origin) if r.foreign_table.name == target]
    except PgprobeError:
        return None
    from ._displays import RelationshipsView

    return RelationshipsView(rels, origin=origin, target=target)


# -- the magics ------------------------------------------------------------------------------

@magics_class
class PgprobeMagics(Magics):
    """``%pgprobe <command>``, ``%%sql`` and ``%%postgrest``."""

    def _guard(self, fn: Callable[[], Any]) -> Any:
        try:
            return fn()
        except PgprobeError as exc:
            raise UsageError(str(exc)) from None

    def _store(self, name: str | None, value: Any) -> None:
        if name:
            if not name.isidentifier():
                raise InputError(f"-o needs a variable name, got {name!r}")
            self.shell.user_ns[name] = value  # type: ignore[union-attr]

    # %%sql ---------------------------------------------------------------------------------
    @cell_magic("sql")  # type: ignore[arg-type]
    def sql(self, line: str, cell: str) -> Any:
        """Run SQL on the session's probe; ``:name``/``{name}`` bind notebook variables.

        ``%%sql [--as ROLE] [--claims JSON] [-o VAR] [--limit N]``
        """
        def go() -> Any:
            p = _Parser(prog="%%sql", add_help=False)
            _role_options(p)
            p.add_argument("--limit", type=int, default=MAX_FETCH)
            args = p.parse_args(shlex.split(line))
            ns = self.shell.user_ns  # type: ignore[union-attr]
            claims = _claims(args.claims, ns)
            df = run_sql(cell, ns, role=args.role, claims=claims, limit=args.limit)
            if df is None:
                return None
            meta = df.attrs["pgprobe"]
            if args.role or meta["truncated"]:
                from IPython.display import display

                who = f"as {args.role}" + (f" with claims {json.dumps(claims)}" if claims else "") \
                    if args.role else ""
                more = f" (first {args.limit} rows; --limit N for more)" if meta["truncated"] else ""
                display(QueryNote(f"{len(df)} rows {who}{more}".replace("  ", " "),
                                  "warning" if meta["truncated"] or not len(df) else "info"))
            self._store(args.out, df)
            return df
        return self._guard(go)

    # %%postgrest ---------------------------------------------------------------------------
    @cell_magic("postgrest")  # type: ignore[arg-type]
    def postgrest(self, line: str, cell: str) -> Any:
        """A PostgREST request next to its SQL and result.

        ``%%postgrest [--as ROLE] [--claims JSON] [--explain] [-o VAR]`` then
        ``GET /ticket_activities?select=id,ticket:tickets(title)``
        """
        def go() -> Any:
            p = _Parser(prog="%%postgrest", add_help=False)
            _role_options(p)
            p.add_argument("--explain", action="store_true", help="translate only; do not run")
            args = p.parse_args(shlex.split(line))
            claims = _claims(args.claims, self.shell.user_ns)  # type: ignore[union-attr]
            view = run_postgrest(cell, role=args.role, claims=claims, explain_only=args.explain,
                                 namespace=self.shell.user_ns)  # type: ignore[union-attr]
            self._store(args.out, view)
            return view
        return self._guard(go)

    # %pgprobe ------------------------------------------------------------------------------
    @line_magic("pgprobe")  # type: ignore[arg-type]
    def pgprobe(self, line: str) -> Any:
        """``%pgprobe connect|status|snapshot|table|erd|diff|lint|explore|relationships|builder|inspect``"""
        return self._guard(lambda: self._dispatch(shlex.split(line)))

    def _dispatch(self, argv: Sequence[str]) -> Any:
        if not argv:
            raise InputError("%pgprobe needs a command", hint=", ".join(sorted(_COMMANDS)))
        command, rest = argv[0], list(argv[1:])
        handler = _COMMANDS.get(command)
        if handler is None:
            from ..catalog._model import suggest

            hints = suggest(command, _COMMANDS)
            raise InputError(f"unknown %pgprobe command {command}",
                             hint=f"did you mean {hints[0]}?" if hints else ", ".join(sorted(_COMMANDS)))
        return handler(self, rest)


def _cmd_connect(m: PgprobeMagics, argv: list[str]) -> Any:
    p = _Parser(prog="%pgprobe connect", add_help=False)
    p.add_argument("dsn", nargs="?", default=None, help="DSN, 'demo', or nothing (PGPROBE_DSN, ...)")
    p.add_argument("--pin", default=None, help="snapshot file pinned beside the notebook")
    p.add_argument("--replay", action="store_true", help="use the pinned snapshot, not the database")
    p.add_argument("--refresh-pin", action="store_true")
    p.add_argument("--schema", action="append", default=None)
    a = p.parse_args(argv)
    session = _session.connect(a.dsn, pin=a.pin, replay=a.replay, refresh_pin=a.refresh_pin,
                               schemas=a.schema)
    del session  # connect() showed the banner
    return None


def _cmd_status(m: PgprobeMagics, argv: list[str]) -> Any:
    return _session.current()


def _cmd_disconnect(m: PgprobeMagics, argv: list[str]) -> Any:
    _session.current().close()
    return _session.current()


def _cmd_snapshot(m: PgprobeMagics, argv: list[str]) -> Any:
    p = _Parser(prog="%pgprobe snapshot", add_help=False)
    p.add_argument("--save", "-s", default=None, help="also save it to this JSON file")
    p.add_argument("--refresh", action="store_true", help="re-read the live catalog")
    p.add_argument("-o", "--out", default=None)
    a = p.parse_args(argv)
    session = _session.current()
    snap = session.refresh() if a.refresh and session.live else session.snap
    if a.save:
        snap.save(a.save)
    m._store(a.out, snap)
    return SnapshotView(snap)


def _cmd_table(m: PgprobeMagics, argv: list[str]) -> Any:
    p = _Parser(prog="%pgprobe table", add_help=False)
    p.add_argument("name")
    a = p.parse_args(argv)
    return TableView(_session.current().snap.table(a.name))


def _cmd_erd(m: PgprobeMagics, argv: list[str]) -> Any:
    p = _Parser(prog="%pgprobe erd", add_help=False)
    p.add_argument("focus", nargs="?", default=None, help="table to focus on")
    p.add_argument("--depth", type=int, default=1)
    p.add_argument("--path", nargs=2, metavar=("FROM", "TO"), default=None)
    p.add_argument("--columns", choices=("keys", "all", "none"), default=None)
    p.add_argument("--schema", action="append", default=None)
    p.add_argument("-o", "--out", default=None)
    a = p.parse_args(argv)
    from ._bridge import draw_erd

    graph = draw_erd(_session.current().snap, focus=a.focus, depth=a.depth, path=a.path,
                     columns=a.columns, schemas=a.schema)
    m._store(a.out, graph)
    return graph


def _source(token: str) -> Any:
    session = _session.current()
    if token in ("live", "db", "."):
        return session.snap
    if token in ("pin", "pinned"):
        if session.pin is None or not session.pin.exists():
            raise InputError("no pinned snapshot in this session", hint="%pgprobe connect ... --pin FILE")
        return str(session.pin)
    return token


def _cmd_diff(m: PgprobeMagics, argv: list[str]) -> Any:
    p = _Parser(prog="%pgprobe diff", add_help=False)
    p.add_argument("left", help="live | pinned | snapshot.json | expectations.yml | types.ts | DSN")
    p.add_argument("right", nargs="?", default="live")
    p.add_argument("-o", "--out", default=None)
    a = p.parse_args(argv)
    from ..diff import diff

    report = diff(_source(a.left), _source(a.right), left_label=a.left, right_label=a.right)
    m._store(a.out, report)
    return report


def _cmd_lint(m: PgprobeMagics, argv: list[str]) -> Any:
    p = _Parser(prog="%pgprobe lint", add_help=False)
    p.add_argument("paths", nargs="+", help="migration files or folders ('demo': the demo's)")
    p.add_argument("--baseline", choices=("none", "live"), default="none")
    p.add_argument("-o", "--out", default=None)
    a = p.parse_args(argv)
    from ._bridge import lint

    paths = [str(_demo_migrations()) if x == "demo" else x for x in a.paths]
    for path in paths:
        if not Path(path).exists():
            raise InputError(f"no such file or folder: {path}")
    baseline = _session.current().snap if a.baseline == "live" else None
    findings = lint(paths, baseline=baseline)
    view = FindingsView(findings, title="lint " + " ".join(a.paths))
    m._store(a.out, view)
    return view


def _demo_migrations() -> Path:
    from .. import demo

    return demo.migrations_dir()


def _cmd_explore(m: PgprobeMagics, argv: list[str]) -> Any:
    p = _Parser(prog="%pgprobe explore", add_help=False)
    p.add_argument("table", nargs="?", default=None)
    a = p.parse_args(argv)
    from ._widgets import SchemaExplorer

    return SchemaExplorer(_session.current().snap, table=a.table).widget


def _cmd_relationships(m: PgprobeMagics, argv: list[str]) -> Any:
    p = _Parser(prog="%pgprobe relationships", add_help=False)
    p.add_argument("left", nargs="?", default=None)
    p.add_argument("right", nargs="?", default=None)
    a = p.parse_args(argv)
    from ._widgets import RelationshipFinder

    return RelationshipFinder(_session.current().snap, left=a.left, right=a.right).widget


def _cmd_builder(m: PgprobeMagics, argv: list[str]) -> Any:
    p = _Parser(prog="%pgprobe builder", add_help=False)
    p.add_argument("table", nargs="?", default=None)
    a = p.parse_args(argv)
    from ._widgets import RequestBuilder

    return RequestBuilder(_session.current(), table=a.table).widget


def _cmd_inspect(m: PgprobeMagics, argv: list[str]) -> Any:
    from ._inspect import run_magic

    return run_magic(argv, _session.current(), _Parser)


_COMMANDS: dict[str, Callable[[PgprobeMagics, list[str]], Any]] = {
    "connect": _cmd_connect, "status": _cmd_status, "disconnect": _cmd_disconnect,
    "snapshot": _cmd_snapshot, "table": _cmd_table, "erd": _cmd_erd, "diff": _cmd_diff,
    "lint": _cmd_lint, "explore": _cmd_explore, "relationships": _cmd_relationships,
    "builder": _cmd_builder, "inspect": _cmd_inspect,
}
