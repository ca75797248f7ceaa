"""The command line, run as a user runs it: a real process, real databases."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from pgprobe import Snapshot
from tests._servers import server_directory


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pgprobe.cli", *args], capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, timeout=300)


def test_help_lists_the_commands() -> None:
    out = run("--help")
    assert out.returncode == 0
    for command in ("demo", "snapshot", "connect"):
        assert command in out.stdout


def test_snapshot_to_file(demo_dsn: str, demo_snapshot: Snapshot, tmp_path: Path) -> None:
    target = tmp_path / "snap.json"
    out = run("snapshot", "--dsn", demo_dsn, "-o", str(target))
    assert out.returncode == 0, out.stderr
    # Roles are cluster-wide: other tests on the session's server may have added some since.
    loaded = Snapshot.load(str(target))
    assert replace(loaded, roles=()) == replace(demo_snapshot, roles=())
    table = run("snapshot", "--dsn", demo_dsn, "--schema", "public")
    assert "ticket_activities" in table.stdout and "monitoring_events" in table.stdout


def test_bad_schema_is_one_line_exit_2(demo_dsn: str) -> None:
    out = run("snapshot", "--dsn", demo_dsn, "--schema", "publik")
    assert out.returncode == 2
    assert out.stderr.strip().count("\n") == 0
    assert "did you mean public" in out.stderr


def test_demo_up_twice_one_server_then_tour_and_down(pg_flavor: str) -> None:
    home = server_directory("cli-home")
    env = {"PGPROBE_HOME": str(home)}
    try:
        first = run("demo", "up", "--flavor", pg_flavor, env=env)
        second = run("demo", "up", "--flavor", pg_flavor, env=env)
        assert first.returncode == 0 and first.stdout == second.stdout
        assert first.stdout.startswith("postgresql://postgres@/pgprobe_demo?host=")
        # wide: the fixed request is one line (tests/test_cli_screens.py checks 80 columns)
        tour = run("demo", "tour", "--flavor", pg_flavor, env={**env, "COLUMNS": "200"})
        assert tour.returncode == 0, tour.stderr
        assert "did you mean title?" in tour.stdout
        assert "users!tickets_assignee_fkey or users!tickets_created_by_fkey" in tour.stdout
        assert "public.monitoring_events: enabled, NO POLICY" in tour.stdout
        assert "PGRST200" in tour.stdout
        assert "fix: GET /ticket_activities?select=id,ticket:tickets!" \
               "ticket_activities_ticket_id_fkey(title)" in tour.stdout
        assert "it DISAGREES with the migration files" in tour.stdout
    finally:
        down = run("demo", "down", "--flavor", pg_flavor, env=env)
        shutil.rmtree(home, ignore_errors=True)
    assert "stopped" in down.stdout


def test_every_capability_command_is_listed() -> None:
    from pgprobe.cli import _PLUGINS

    out = run("--help")
    for commands in _PLUGINS.values():
        for command in commands:
            assert f"    {command}" in out.stdout, command


def test_a_command_imports_only_its_own_capability() -> None:
    code = ("import sys, pgprobe.cli as c; c.build_parser(c._plugins_for(['lint', 'x.sql']));"
            "print(sorted(m for m in ('pandas', 'graphviz', 'psycopg') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "[]", out.stderr
