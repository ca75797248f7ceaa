"""Lint against a baseline read from a real database, and check the linter's error
predictions against what the server really does with the same statements."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from pgprobe import demo
from pgprobe.catalog import Snapshot, snapshot
from pgprobe.lint import lint

from ._supabase_cli import apply_file

SETUP = """
create type public.mood as enum ('ok', 'meh');
create table public.people (id int constraint people_pk primary key, m public.mood,
                            name varchar(20));
create table public.pets (id int, name text, constraint uniq_name unique (name));
create table public.owners (id int);
alter table public.people enable row level security;
create policy people_read on public.people for select using (true);
"""

# statement, rule expected (None: no finding), does the server reject it?
CASES = [
    ("create type public.mood as enum ('x');", "non-idempotent", True),
    ("do $$ begin create type public.mood as enum ('x'); "
     "exception when duplicate_object then null; end $$;", None, False),
    ("create table public.people (id int);", "non-idempotent", True),
    ("create table if not exists public.people (id int);", None, False),
    ("create policy people_read on public.people using (true);", "non-idempotent", True),
    ("drop type public.mood;", "drop-type-without-cascade", True),
    ("create policy p on public.ghost using (true);", "use-before-create", True),
    ("alter table public.ghost add column x int;", "use-before-create", True),
    ("drop policy nope on public.people;", "use-before-create", True),
    ("alter table public.people add column age int;", None, False),
    ("alter table public.people add column age int not null;", "not-null-without-default",
     False),  # empty table: succeeds here, fails on a table with rows
    ("create index people_name_idx on public.people (name);", "index-not-concurrent", False),
    ("alter table public.people alter column name type text;", None, False),
    ("alter table public.people alter column id type bigint;", "table-rewrite", False),
    ("select 1; create index concurrently people_n on public.people (name);",
     "not-in-transaction", True),
    ("create index concurrently people_n on public.people (name);", None, False),
    ("do $$ begin if not exists (select 1 from pg_constraint where conname = 'uniq_name') then "
     "alter table public.owners add constraint uniq_name unique (id); end if; end $$;",
     "guard-by-name-only", False),
    ("do $$ begin raise notice 'a % %', 1; end $$;", "raise-format-args", True),
    ("alter type public.mood add value 'great'; update public.people set m = 'great';",
     "enum-value-same-transaction", True),
    ("alter type public.mood add value 'great'; update public.people set name = 'great';",
     None, False),
    ("create index if not exists uniq_name on public.owners (id);", "guard-by-name-only", False),
    ("IF NOT EXISTS (SELECT 1) THEN CREATE TABLE public.z (id int); END IF;",
     "procedural-outside-plpgsql", True),
]


@pytest.fixture()
def baseline(scratch_dsn: str) -> tuple[str, Snapshot]:
    with psycopg.connect(scratch_dsn, autocommit=True) as conn:
        conn.execute(SETUP)
    return scratch_dsn, snapshot(scratch_dsn)


def _server_rejects(dsn: str, sql: str) -> bool:
    """Run ``sql`` the way the Supabase CLI applies a file (one pipeline: each test has its
    own scratch database)."""
    return apply_file(dsn, sql) is not None


@pytest.mark.parametrize(("sql", "rule", "rejected"), CASES, ids=[c[1] or "clean" for c in CASES])
def test_baseline_rules_agree_with_server(tmp_path: Path, baseline: tuple[str, Snapshot],
                                          sql: str, rule: str | None, rejected: bool) -> None:
    dsn, snap = baseline
    (tmp_path / "20240101000000_m.sql").write_text(sql + "\n")
    report = lint(tmp_path, baseline=snap)
    rules = {f.rule for f in report}
    if rule is None:
        assert not report.errors, report.to_text()
    else:
        assert rule in rules, report.to_text()
    assert _server_rejects(dsn, sql) is rejected
    if rejected:  # whatever the server rejects, the linter calls an error
        assert report.exit_code == 1, report.to_text()


def test_baseline_given_as_dsn_or_path(tmp_path: Path, baseline: tuple[str, Snapshot]) -> None:
    dsn, snap = baseline
    snap.save(str(tmp_path / "snap.json"))
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "20240101000000_m.sql").write_text("create table public.people (id int);\n")
    for source in (dsn, str(tmp_path / "snap.json"), tmp_path / "snap.json"):
        assert [f.rule for f in lint(tmp_path / "m", baseline=source)] == ["non-idempotent"]


def test_without_baseline_the_same_file_is_new(tmp_path: Path) -> None:
    (tmp_path / "20240101000000_m.sql").write_text("create type public.mood as enum ('x');\n")
    assert not lint(tmp_path).findings


def test_demo_with_its_database_as_baseline(demo_snapshot: Snapshot) -> None:
    """Files already recorded in schema_migrations are not re-applied to the state; the
    pending ones are judged against the real database."""
    applied = {m.version for m in demo_snapshot.migrations or ()}
    assert "20250101000000" in applied
    report = lint(demo.migrations_dir(), baseline=demo_snapshot)
    got = {(Path(f.file).name, f.rule) for f in report}
    # 028 is pending, and public.tickets exists in the database: no use-before-create now
    assert ("028_ticket_parent_index.sql", "use-before-create") not in got
    assert ("028_ticket_parent_index.sql", "not-in-transaction") in got
    # the v2 file is pending and re-creates a table the database has
    assert ("20250128100000_realtime_monitoring_v2.sql", "non-idempotent") in got
    # syntax and swallowed errors are reported whether applied or not
    assert ("20250120090000_ai_analyses.sql", "procedural-outside-plpgsql") in got
    assert ("20250120093000_ai_analyses_retry.sql", "error-swallowed") in got
    assert not any(r == "rls-missing" for _, r in got), report.to_text()


def test_cli_baseline_and_dsn(tmp_path: Path, baseline: tuple[str, Snapshot]) -> None:
    dsn, snap = baseline
    snap_path = tmp_path / "snap.json"
    snap.save(str(snap_path))
    mig = tmp_path / "m"
    mig.mkdir()
    (mig / "20240101000000_m.sql").write_text("create type public.mood as enum ('x');\n")
    for extra in (["--baseline", str(snap_path)], ["--dsn", dsn]):
        out = subprocess.run([sys.executable, "-m", "pgprobe.lint", str(mig), "--format", "json",
                              *extra], capture_output=True, text=True)
        assert out.returncode == 1, out.stderr
        assert '"non-idempotent"' in out.stdout
        assert "password" not in out.stdout + out.stderr
