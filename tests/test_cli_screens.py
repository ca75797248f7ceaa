"""Every command's screen, as a user in an 80-column terminal or a pipe sees it.

Each subcommand of ``pgprobe --help`` runs as a real process on the demo database and the
demo migrations with ``COLUMNS=80 NO_COLOR=1`` (piped): its text output has no line wider
than 80 characters, no escape codes and no ``None``/``NaN`` cells, and paths are shown
relative to the working directory. Under a pseudo-terminal the same commands are coloured.
"""

from __future__ import annotations

import os
import pty
import re
import select
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

import pgprobe
from pgprobe.cli import _BUILTIN, _PLUGINS
from pgprobe.embedded import Server
from tests._servers import server_directory

ROOT = Path(__file__).resolve().parent.parent
DEMO_MIGRATIONS = ROOT / "pgprobe" / "demo" / "migrations"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
# a cell or value printed as Python's/pandas' "nothing" instead of being left empty
NOTHING = re.compile(r"(?<![\w'\"`.])(None|NaN|NaT|nan|<NA>)(?![\w'\"(])")

FIELD_MAP = """\
export const DB = {
  TICKET: { path: 'tickets', fields: { id: 'id', name: 'name', owner: 'created_by' } },
  ACTIVITY: { path: 'ticket_activity', fields: { id: 'id' } },
} as const;
"""


# ---------------------------------------------------------------- workspace
@pytest.fixture(scope="module")
def changed_dsn(pg_server: Server, demo_template: str) -> Iterator[str]:
    """The demo, one migration later: a new column, a new table, a dropped index."""
    name = f"screens_changed_{uuid.uuid4().hex[:8]}"
    dsn = pg_server.create_database(name, template=demo_template)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("alter table public.labels add column weight integer")
        conn.execute("create table public.audit_log (id bigint primary key, "
                     "ticket_id bigint references public.tickets (id), note text)")
    try:
        yield dsn
    finally:
        pg_server.drop_database(name)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory, demo_dsn: str,
              changed_dsn: str) -> Path:
    """A working directory with what a user has at hand: migrations, snapshots, app files."""
    home = tmp_path_factory.mktemp("screens")
    shutil.copytree(DEMO_MIGRATIONS, home / "supabase" / "migrations")
    pgprobe.snapshot(demo_dsn).save(home / "demo.json")
    pgprobe.snapshot(changed_dsn).save(home / "changed.json")
    (home / "fields.ts").write_text(FIELD_MAP)
    shutil.copy(ROOT / "tests" / "diff" / "demo_expectations.yml", home / "expectations.yml")
    out = _run(["types", "gen", "--dsn", demo_dsn], home)
    # a committed file one change behind: the app still calls it `name`
    (home / "database.types.ts").write_text(out.stdout.replace("title: string", "name: string"))
    return home


@pytest.fixture(scope="module")
def stale_endpoint(demo_dsn: str, changed_dsn: str) -> Iterator[str]:
    """A PostgREST stand-in whose schema cache is the demo's, serving the changed database."""
    from pgprobe.endpoint import serve

    with serve(pgprobe.snapshot(demo_dsn), dsn=changed_dsn, listen=False) as srv:
        yield srv.url


@pytest.fixture()
def empty_dsn(pg_server: Server) -> Iterator[str]:
    name = f"screens_empty_{uuid.uuid4().hex[:8]}"
    dsn = pg_server.create_database(name)
    try:
        yield dsn
    finally:
        pg_server.drop_database(name)


def _env(columns: int = 80, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("NO_COLOR", "FORCE_COLOR", "COLUMNS", "LINES", "TERM")}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    env.update(COLUMNS=str(columns), **extra)
    return env


def _run(argv: list[str], cwd: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pgprobe.cli", *argv], cwd=cwd,
                          capture_output=True, text=True, timeout=600,
                          env=_env(NO_COLOR="1", **extra))


# ---------------------------------------------------------------- the screens
# (id, argv, exit codes that tell the truth on the demo). {dsn}: the demo database,
# {changed}: the demo plus a migration, {empty}: an empty scratch database, {url}: a stale
# PostgREST stand-in, {flavor}: the test server's flavor. Paths are relative to the workspace.
SCREENS: list[tuple[str, list[str], set[int]]] = [
    ("snapshot", ["snapshot", "--dsn", "{dsn}"], {0}),
    ("snapshot-o", ["snapshot", "--dsn", "{dsn}", "-o", "snap.json"], {0}),
    ("connect", ["connect", "--dsn", "{dsn}"], {0}),
    ("diff", ["diff", "demo.json", "changed.json"], {1}),
    ("diff-live", ["diff", "{dsn}", "{changed}"], {1}),
    ("diff-sql-prove", ["diff", "{dsn}", "{changed}", "--sql", "--prove",
                        "--server", "{flavor}"], {1}),
    ("check", ["check", "expectations.yml", "--dsn", "{dsn}"], {0, 1}),
    ("types-check", ["types", "check", "database.types.ts", "--dsn", "{dsn}"], {1}),
    ("fields-check", ["fields", "check", "fields.ts", "--dsn", "{dsn}"], {1}),
    ("erd", ["erd", "--snapshot", "demo.json", "-o", "erd.svg"], {0}),
    ("erd-path", ["erd", "--snapshot", "demo.json", "--path", "ticket_activities", "users",
                  "-o", "path.svg"], {0}),
    ("postgrest", ["postgrest", "GET", "/tickets?select=id,title,status", "--dsn", "{dsn}"],
     {0}),
    ("postgrest-error", ["postgrest", "GET",
                         "/ticket_activities?select=id,ticket:tickets!ta_ticket_id_fkey(name)",
                         "--dsn", "{dsn}"], {1}),
    ("postgrest-staleness", ["postgrest-staleness", "{url}", "--dsn", "{changed}"], {1}),
    ("lint", ["lint", "supabase/migrations"], {0, 1}),
    ("lint-rules", ["lint", "--list-rules"], {0}),
    ("rehearse", ["rehearse", "supabase/migrations", "--scratch-dsn", "{empty}",
                  "--keep-going"], {1}),
    ("verify", ["verify", "supabase/migrations", "--dsn", "{dsn}"], {1}),
    ("history", ["history", "supabase/migrations", "--dsn", "{dsn}"], {1}),
    ("postmortem", ["postmortem", "supabase/migrations", "--dsn", "{dsn}",
                    "--scratch-dsn", "{empty}"], {1}),
    ("relationships", ["relationships", "--dsn", "{dsn}"], {0}),
    ("relationships-embed", ["relationships", "--dsn", "{dsn}", "--embed", "ticket_activities",
                             "ticket:tickets!ta_ticket_id_fkey(name)"], {1}),
    ("docs-build", ["docs", "--snapshot", "demo.json", "-o", "schema-docs", "--no-diagrams"],
     {0}),
    ("docs-lint", ["docs", "lint", "--dsn", "{dsn}"], {1}),
    ("advise", ["advise", "--dsn", "{dsn}"], {0, 1}),
    ("advise-rules", ["advise", "--list-rules"], {0}),
    ("inspect-table-sizes", ["inspect", "--dsn", "{dsn}", "table-sizes"], {0}),
    ("inspect-connections", ["inspect", "--dsn", "{dsn}", "connections"], {0}),
    ("inspect-report", ["inspect", "report", "--dsn", "{dsn}"], {0, 1}),
    ("inspect-why-waiting", ["inspect", "why-waiting", "--dsn", "{dsn}"], {0}),
]
# `demo` runs in its own test below (it starts a server of its own)


def _argv(template: list[str], values: dict[str, str]) -> list[str]:
    return [a.format(**values) for a in template]


@pytest.fixture()
def values(demo_dsn: str, changed_dsn: str, stale_endpoint: str, empty_dsn: str,
           pg_flavor: str) -> dict[str, str]:
    return {"dsn": demo_dsn, "changed": changed_dsn, "url": stale_endpoint,
            "empty": empty_dsn, "flavor": pg_flavor}


def assert_readable(text: str, width: int = 80) -> None:
    """No escape codes, no line wider than ``width``, no None/NaN printed as a value."""
    assert not ANSI.search(text), f"escape codes in piped output: {text[:300]!r}"
    long = [line for line in text.splitlines() if len(line) > width]
    assert not long, f"{len(long)} line(s) wider than {width}:\n" + "\n".join(long[:5])
    nothing = [line for line in text.splitlines() if NOTHING.search(line)]
    assert not nothing, "None/NaN shown:\n" + "\n".join(nothing[:5])


def test_the_screens_cover_every_command() -> None:
    commands = set(_BUILTIN) | {c for cs in _PLUGINS.values() for c in cs}
    covered = {argv[0] for _, argv, _ in SCREENS} | {"demo"}
    assert commands <= covered, f"no screen test for {sorted(commands - covered)}"


@pytest.mark.parametrize("argv,codes", [(a, c) for _, a, c in SCREENS],
                         ids=[i for i, _, _ in SCREENS])
def test_screen_fits_80_columns_without_escape_codes(argv: list[str], codes: set[int],
                                                     values: dict[str, str],
                                                     workspace: Path) -> None:
    out = _run(_argv(argv, values), workspace)
    assert out.returncode in codes, (out.returncode, out.stdout[-2000:], out.stderr[-2000:])
    assert out.stdout.strip() or out.stderr.strip()
    if not (argv[0] == "diff" and "--sql" in argv):  # the SQL itself is a script, not a screen
        assert_readable(out.stdout)
    assert_readable(out.stderr)
    assert str(workspace) not in out.stdout + out.stderr, "absolute path under the cwd"


def test_demo_screens(pg_flavor: str, tmp_path: Path) -> None:
    home = server_directory("screens-home")
    try:
        up = _run(["demo", "up", "--flavor", pg_flavor], tmp_path, PGPROBE_HOME=str(home))
        assert up.returncode == 0, up.stderr
        tour = _run(["demo", "tour", "--flavor", pg_flavor], tmp_path, PGPROBE_HOME=str(home))
        assert tour.returncode == 0, tour.stderr
        assert_readable(tour.stdout)
        assert_readable(tour.stderr)
        # the tour tells that the history disagrees with the migration files
        assert "DISAGREES with the migration files" in tour.stdout
        assert "supabase db push --include-all" in tour.stdout
    finally:
        down = _run(["demo", "down", "--flavor", pg_flavor], tmp_path, PGPROBE_HOME=str(home))
        shutil.rmtree(home, ignore_errors=True)
    assert down.returncode == 0


# ---------------------------------------------------------------- a real terminal
def _run_in_pty(argv: list[str], cwd: Path, columns: int = 100) -> tuple[int, str]:
    """Run ``pgprobe argv`` with stdout and stderr on a pseudo-terminal."""
    import fcntl
    import struct
    import termios

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    env = _env(columns, TERM="xterm-256color")
    proc = subprocess.Popen([sys.executable, "-m", "pgprobe.cli", *argv], cwd=cwd, env=env,
                            stdin=subprocess.DEVNULL, stdout=follower, stderr=follower,
                            close_fds=True)
    os.close(follower)
    chunks: list[bytes] = []
    while True:
        ready, _, _ = select.select([leader], [], [], 300)
        if not ready:
            proc.kill()
            break
        try:
            data = os.read(leader, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(leader)
    return proc.wait(timeout=60), b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.parametrize("screen", ["history", "lint", "verify", "advise", "diff",
                                    "types-check", "snapshot"])
def test_colour_on_a_terminal(screen: str, values: dict[str, str], workspace: Path) -> None:
    argv = next(a for i, a, _ in SCREENS if i == screen)
    code, text = _run_in_pty(_argv(argv, values), workspace)
    assert code in next(c for i, _, c in SCREENS if i == screen), text[-2000:]
    assert ANSI.search(text), f"no colour on a terminal: {text[:400]!r}"
    plain = ANSI.sub("", text)
    assert max(len(line.rstrip("\r")) for line in plain.splitlines()) <= 100


@pytest.mark.parametrize("screen,words", [("snapshot", "reading the catalog"),
                                          ("rehearse", "rehearsing"),
                                          ("diff-sql-prove", "proving the migration")])
def test_progress_on_a_terminal_only(screen: str, words: str, values: dict[str, str],
                                     workspace: Path, pg_server: Server) -> None:
    argv = _argv(next(a for i, a, _ in SCREENS if i == screen), values)
    code, text = _run_in_pty(argv, workspace)
    assert words in ANSI.sub("", text), text[:400]
    if screen == "rehearse":  # a second run needs an empty database again
        name = f"screens_empty_{uuid.uuid4().hex[:8]}"
        argv[argv.index(values["empty"])] = pg_server.create_database(name)
    piped = _run(argv, workspace)
    assert words not in piped.stderr + piped.stdout
    if screen == "rehearse":
        pg_server.drop_database(name)
