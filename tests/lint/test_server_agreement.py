"""The linter's error findings are the server's errors: every failing example of a rule
that predicts a rejection really fails on PostgreSQL when its files are applied the way
the Supabase CLI applies them (in order, each file one pipeline: ``_supabase_cli``), and
every passing example applies cleanly."""

from __future__ import annotations

import tempfile
from pathlib import Path

import psycopg
import pytest

from pgprobe.lint import lint

from ._supabase_cli import apply_files
from .test_rules import CASES

REJECTED_BY_SERVER = {
    "procedural-outside-plpgsql", "syntax-error", "plpgsql-syntax-error", "raise-format-args",
    "use-before-create", "non-idempotent", "drop-type-without-cascade", "duplicate-create",
    "enum-value-same-transaction", "not-in-transaction", "check-subquery",
}

STAND_IN = """
do $$ begin
  if not exists (select from pg_roles where rolname = 'anon') then create role anon nologin; end if;
  if not exists (select from pg_roles where rolname = 'authenticated') then
    create role authenticated nologin; end if;
end $$;
create schema if not exists auth;
create or replace function auth.uid() returns uuid language sql stable as
  $$ select nullif(current_setting('request.jwt.claim.sub', true), '')::uuid $$;
create publication supabase_realtime;
"""


def _apply(dsn: str, files: dict[str, str]) -> list[str]:
    """Apply files in name order as the Supabase CLI does; the names of those that fail."""
    return sorted(apply_files(dsn, files))


def _stand_in(dsn: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(STAND_IN)


def _predicts_rejection(rule: str, files: dict[str, str]) -> bool:
    """Does the linter call this example an error (not only a warning) for ``rule``?"""
    with tempfile.TemporaryDirectory() as tmp:
        for name, text in files.items():
            (Path(tmp) / name).write_text(text)
        return any(f.severity == "error" for f in lint(tmp).by_rule(rule))


CHECKED = [c for c in CASES
           if c[0] in REJECTED_BY_SERVER and c[1] and _predicts_rejection(c[0], c[1])]


@pytest.mark.parametrize(("rule", "failing", "line", "passing"), CHECKED,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CHECKED)])
def test_error_examples_fail_on_the_server(tmp_path: Path, pg_server: object, rule: str,
                                           failing: dict[str, str], line: int,
                                           passing: dict[str, str], scratch_dsn: str) -> None:
    if any("pg_trgm" in t for t in [*failing.values(), *passing.values()]):
        with psycopg.connect(scratch_dsn) as conn:
            if not conn.execute("select 1 from pg_available_extensions where name = 'pg_trgm'"
                                ).fetchone():
                pytest.skip("pg_trgm not available on this server")
    root = tmp_path / "m"
    root.mkdir()
    for name, text in failing.items():
        (root / name).write_text(text)
    report = lint(root)
    errors = [f for f in report.by_rule(rule) if f.severity == "error"]
    assert errors
    _stand_in(scratch_dsn)
    failed = _apply(scratch_dsn, failing)
    assert failed, f"{rule}: linter says error, but every file applied"
    assert Path(errors[0].file).name in failed


@pytest.mark.parametrize(("rule", "failing", "line", "passing"), CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_passing_examples_apply(rule: str, failing: dict[str, str], line: int,
                                passing: dict[str, str], scratch_dsn: str) -> None:
    if any("pg_trgm" in t for t in passing.values()):
        with psycopg.connect(scratch_dsn) as conn:
            if not conn.execute("select 1 from pg_available_extensions where name = 'pg_trgm'"
                                ).fetchone():
                pytest.skip("pg_trgm not available on this server")
    _stand_in(scratch_dsn)
    assert _apply(scratch_dsn, passing) == []
