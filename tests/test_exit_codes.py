"""Exit codes that tell the truth, for every command (docs/cli.md): 0 clean, 1 findings /
differences / an error response, 2 could not run."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

import pgprobe
from pgprobe.cli import _BUILTIN, _PLUGINS, main
from pgprobe.embedded import Server

ROOT = Path(__file__).resolve().parent.parent
GONE = "postgresql://postgres@/gone?host=/nonexistent-pgprobe-socket&connect_timeout=2"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> int:
    code = main(argv)
    out, err = capsys.readouterr()
    if code == 2 and len(argv) > 1 and argv[0] != "demo":
        # could not run: one line on stderr, never a traceback
        assert err.strip().count("\n") == 0 and err.startswith("pgprobe: "), err
    return code


def test_every_command_has_a_row_in_docs_cli_md() -> None:
    table = (ROOT / "docs" / "cli.md").read_text()
    rows = set(re.findall(r"^\| `([a-z-]+)", table, flags=re.M))
    commands = set(_BUILTIN) | {c for cs in _PLUGINS.values() for c in cs}
    assert commands <= rows, f"no exit-code row in docs/cli.md for {sorted(commands - rows)}"


# ---------------------------------------------------------------- fixtures
@pytest.fixture()
def migrations(tmp_path: Path) -> Path:
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "20250101000000_init.sql").write_text(
        "create table public.things (id bigint primary key, name text not null);\n"
        "alter table public.things enable row level security;\n")
    return folder


@pytest.fixture()
def applied_dsn(pg_server: Server, migrations: Path) -> Iterator[str]:
    """A database where ``migrations`` really applied and the history records it."""
    name = f"applied_{uuid.uuid4().hex[:8]}"
    dsn = pg_server.create_database(name)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute((migrations / "20250101000000_init.sql").read_text())  # type: ignore[call-overload]
        conn.execute("create schema supabase_migrations; create table "
                     "supabase_migrations.schema_migrations (version text primary key, "
                     "statements text[], name text)")
        conn.execute("insert into supabase_migrations.schema_migrations values "
                     "('20250101000000', null, 'init')")
    try:
        yield dsn
    finally:
        pg_server.drop_database(name)


# ---------------------------------------------------------------- builtins
def test_demo(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
              tmp_path: Path, pg_flavor: str) -> None:
    monkeypatch.setenv("PGPROBE_HOME", str(tmp_path / "home"))
    assert run(["demo", "down", "--flavor", pg_flavor], capsys) == 0  # nothing running: clean
    data = tmp_path / "home" / f"demo-{pg_flavor}" / "data"
    data.mkdir(parents=True)
    (data / "PG_VERSION").write_text("damaged\n")
    assert run(["demo", "up", "--flavor", pg_flavor], capsys) == 2


def test_snapshot_and_connect(demo_dsn: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["snapshot", "--dsn", demo_dsn], capsys) == 0
    assert run(["snapshot", "--dsn", GONE], capsys) == 2
    assert run(["connect", "--dsn", demo_dsn], capsys) == 0
    assert run(["connect", "--dsn", GONE], capsys) == 2


def test_a_pgprobe_defect_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """An unexpected exception is "could not run" (2), never 1 ("findings") or a traceback."""
    import pgprobe.cli as cli

    def broken(args: object) -> int:
        raise RuntimeError("boom at postgresql://u:secret@h/db")

    monkeypatch.setattr(cli, "_cmd_connect", broken)
    monkeypatch.delenv("PGPROBE_DEBUG", raising=False)
    assert cli.main(["connect"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("pgprobe: internal error: RuntimeError: boom") and err.count("\n") == 1
    assert "secret" not in err


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    with pytest.raises(SystemExit) as exc:
        main(["no-such-command"])
    assert exc.value.code == 2
    capsys.readouterr()


# ---------------------------------------------------------------- diff, check, types, fields
def test_diff_and_check(demo_snapshot: pgprobe.Snapshot, scratch_demo_dsn: str, tmp_path: Path,
                        capsys: pytest.CaptureFixture[str]) -> None:
    a = tmp_path / "a.json"
    demo_snapshot.save(a)
    assert run(["diff", str(a), str(a)], capsys) == 0
    with psycopg.connect(scratch_demo_dsn, autocommit=True) as conn:
        conn.execute("alter table public.tickets add column extra int")
    assert run(["diff", str(a), scratch_demo_dsn], capsys) == 1
    assert run(["diff", str(a), str(tmp_path / "missing.json")], capsys) == 2

    good = tmp_path / "good.yml"
    good.write_text("tables:\n  public.tickets:\n    columns: [id, title]\n")
    bad = tmp_path / "bad.yml"
    bad.write_text("tables:\n  public.tickets:\n    columns: [id, name]\n")
    assert run(["check", str(good), "--dsn", str(a)], capsys) == 0
    assert run(["check", str(bad), "--dsn", str(a)], capsys) == 1
    assert run(["check", str(tmp_path / "none.yml"), "--dsn", str(a)], capsys) == 2


def test_types_and_fields(demo_dsn: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ts = tmp_path / "database.types.ts"
    assert run(["types", "gen", "--dsn", demo_dsn, "-o", str(ts)], capsys) == 0
    assert run(["types", "gen", "--dsn", demo_dsn, "--schema", "pubic"], capsys) == 2
    assert run(["types", "check", str(ts), "--dsn", demo_dsn], capsys) == 0
    stale = tmp_path / "stale.types.ts"
    stale.write_text(ts.read_text().replace("title: string", "name: string", 1))
    assert run(["types", "check", str(stale), "--dsn", demo_dsn], capsys) == 1
    broken = tmp_path / "broken.types.ts"
    broken.write_text("export type Database = {\n  public: {\n")
    assert run(["types", "check", str(broken), "--dsn", demo_dsn], capsys) == 2
    assert run(["types"], capsys) == 2

    good = tmp_path / "fields.json"
    good.write_text('{"TICKET": {"path": "tickets", "fields": {"id": "id", "title": "title"}}}')
    bad = tmp_path / "bad-fields.json"
    bad.write_text('{"TICKET": {"path": "tickets", "fields": {"id": "id", "title": "name"}}}')
    assert run(["fields", "check", str(good), "--dsn", demo_dsn], capsys) == 0
    assert run(["fields", "check", str(bad), "--dsn", demo_dsn], capsys) == 1
    assert run(["fields", "check", str(tmp_path / "none.json"), "--dsn", demo_dsn], capsys) == 2


# ---------------------------------------------------------------- erd, relationships, postgrest
def test_erd_and_relationships(demo_snapshot: pgprobe.Snapshot, tmp_path: Path,
                               capsys: pytest.CaptureFixture[str]) -> None:
    snap = tmp_path / "snap.json"
    demo_snapshot.save(snap)
    assert run(["erd", "--snapshot", str(snap)], capsys) == 0
    assert run(["erd", "--snapshot", str(tmp_path / "none.json")], capsys) == 2
    assert run(["relationships", "--snapshot", str(snap)], capsys) == 0
    assert run(["relationships", "--snapshot", str(snap), "--embed", "ticket_activities",
                "tickets(id)"], capsys) == 0
    assert run(["relationships", "--snapshot", str(snap), "--embed", "tickets", "users(*)"],
               capsys) == 1  # ambiguous: PGRST201
    assert run(["relationships", "--snapshot", str(tmp_path / "none.json")], capsys) == 2


def test_postgrest(demo_dsn: str, capsys: pytest.CaptureFixture[str]) -> None:
    # (status 300, PGRST201, is the postgrest owner's: tests/postgrest)
    assert run(["postgrest", "GET", "/tickets?select=id", "--dsn", demo_dsn], capsys) == 0
    assert run(["postgrest", "GET", "/no_such_table", "--dsn", demo_dsn], capsys) == 1
    assert run(["postgrest", "GET", "/tickets", "--dsn", GONE], capsys) == 2


def test_postgrest_staleness_could_not_run(demo_dsn: str, capsys: pytest.CaptureFixture[str]) -> None:
    # 0 and 1 against a live stand-in endpoint: tests/endpoint/test_cli.py
    assert run(["postgrest-staleness", "http://127.0.0.1:9", "--dsn", demo_dsn], capsys) == 2


# ---------------------------------------------------------------- migrations
def test_lint(migrations: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["lint", str(migrations)], capsys) == 0
    risky = tmp_path / "risky"
    risky.mkdir()
    (risky / "20250101000000_x.sql").write_text(
        "create table public.t (id int primary key);\nalter table public.t add column c int not null;\n"
        "drop table public.t;\ncreate index i on public.nope (x);\n")
    assert run(["lint", str(risky)], capsys) == 1
    assert run(["lint", str(tmp_path / "none")], capsys) == 2


def test_rehearse(migrations: Path, scratch_dsn: str, pg_server: Server, tmp_path: Path,
                  capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["rehearse", str(migrations), "--scratch-dsn", scratch_dsn, "-q"], capsys) == 0
    failing = tmp_path / "failing"
    failing.mkdir()
    (failing / "20250101000000_x.sql").write_text("alter table public.nope add column c int;\n")
    other = pg_server.create_database(f"scratch_{uuid.uuid4().hex[:8]}")
    try:
        assert run(["rehearse", str(failing), "--scratch-dsn", other, "-q"], capsys) == 1
    finally:
        pg_server.drop_database(other.rsplit("/", 1)[1].split("?")[0])
    assert run(["rehearse", str(tmp_path / "none"), "--scratch-dsn", scratch_dsn, "-q"], capsys) == 2


def test_verify_history_postmortem(migrations: Path, applied_dsn: str, demo_dsn: str,
                                   tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    demo_migrations = str(pgprobe.demo.migrations_dir())
    for command in ("verify", "history"):
        assert run([command, str(migrations), "--dsn", applied_dsn], capsys) == 0
        assert run([command, demo_migrations, "--dsn", demo_dsn], capsys) == 1
        assert run([command, str(tmp_path / "none"), "--dsn", applied_dsn], capsys) == 2
        assert run([command, str(migrations), "--dsn", GONE], capsys) == 2
    assert run(["postmortem", str(migrations), "--dsn", applied_dsn, "--no-rehearse"], capsys) == 0
    # the postmortem's own demo: its help says 1 means "something to look at"
    assert run(["postmortem", demo_migrations, "--dsn", demo_dsn, "--no-rehearse"], capsys) == 1
    # nothing found, but the target could not be read: not "clean"
    assert run(["postmortem", str(migrations), "--dsn", GONE, "--no-rehearse", "--no-lint"],
               capsys) == 2
