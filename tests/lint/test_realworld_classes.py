"""The defect classes real projects showed (issue 10), each as a small synthetic repro,
judged against a real server that applies the files as the Supabase CLI does
(``_supabase_cli``): no error where the server accepts the file, an error where it
rejects it, no cascade from a limit of the analyser."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from pgprobe.lint import lint

from ._supabase_cli import apply_file, apply_files

A = "20240101000000_a.sql"
B = "20240102000000_b.sql"
C = "20240103000000_c.sql"
STAND_IN = """
do $$ begin
  if not exists (select from pg_roles where rolname = 'authenticated') then
    create role authenticated nologin; end if;
end $$;
create schema if not exists auth;
create table if not exists auth.users (id uuid primary key);
"""


def _lint(tmp_path: Path, files: dict[str, str]):  # type: ignore[no-untyped-def]
    root = tmp_path / "migrations"
    root.mkdir()
    for name, text in files.items():
        (root / name).write_text(text)
    return lint(root)


def _server(dsn: str, files: dict[str, str]) -> dict[str, str]:
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(STAND_IN)
    return apply_files(dsn, files)


def _errors(report) -> list[str]:  # type: ignore[no-untyped-def]
    """Errors that say "the server rejects this" (not the security rule rls-missing: a
    table without RLS applies fine)."""
    return [f"{Path(f.file).name}:{f.line} {f.rule} {f.message}" for f in report.findings
            if f.severity == "error" and f.rule != "rls-missing"]


# -- 1. a limit of the analyser is never the user's error, and never cascades --------------

SCHEMA_TYPES = {
    A: "create schema billing;\n"
       "create type billing.tier as enum ('free');\n"
       "create table billing.plans (id uuid primary key, t billing.tier);\n"
       "create function public.set_tier(new_tier billing.tier) returns void language plpgsql "
       "as $$ begin perform 1; end $$;\n"
       "create function billing.tiers(p billing.tier[]) returns table (t billing.tier) "
       "language plpgsql as $$\ndeclare\n  x billing.tier;\nbegin\n  return query select "
       "unnest(p);\nend $$;\n",
    B: "alter table billing.plans add column note text;\n",
}


def test_types_outside_public_in_plpgsql_are_no_error(tmp_path: Path, scratch_dsn: str) -> None:
    report = _lint(tmp_path, SCHEMA_TYPES)
    assert _errors(report) == []
    assert not report.by_rule("plpgsql-syntax-error")
    assert _server(scratch_dsn, SCHEMA_TYPES) == {}


def test_a_body_still_checked_after_the_limit(tmp_path: Path, scratch_dsn: str) -> None:
    """Compiled around the limit, a real mistake in the same body is still found."""
    files = {A: "create schema billing;\ncreate type billing.tier as enum ('free');\n"
                "create function public.f(t billing.tier) returns int language plpgsql as $$\n"
                "begin\n  retrun 1;\nend $$;\n"}
    hits = _lint(tmp_path, files).by_rule("plpgsql-syntax-error")
    assert [(h.line, h.severity) for h in hits] == [(5, "error")]
    assert A in _server(scratch_dsn, files)


def test_what_cannot_be_checked_is_an_info_line(tmp_path: Path, scratch_dsn: str) -> None:
    files = {A: "create type public.perm as enum ('r');\n"
                "create function public.f() returns int language plpgsql as $$\n"
                "declare\n  granted public.perm[];\nbegin\n  return 1;\nend $$;\n"
                "create table public.t (id int);\n",
             B: "alter table public.t add column p public.perm;\n"}
    report = _lint(tmp_path, files)
    assert [f.severity for f in report.by_rule("not-checked")] == ["info"]
    assert _errors(report) == []  # the file is not taken for failing: no cascade in B
    assert _server(scratch_dsn, files) == {}


def test_a_real_failure_is_reported_once_not_cascaded(tmp_path: Path, scratch_dsn: str) -> None:
    """The file's error is the one error; what its rollback takes away from later files
    is an info line that names it."""
    files = {A: "create table public.t (id int);\ncreate tabel public.u (id int);\n",
             B: "alter table public.t add column n text;\n"}
    report = _lint(tmp_path, files)
    assert [e.split(":")[0] for e in _errors(report)] == [A]
    consequences = [f for f in report.by_rule("use-before-create") if f.file.endswith(B)]
    assert [f.severity for f in consequences] == ["info"]
    assert "rolled back" in consequences[0].message and A in consequences[0].message
    assert sorted(_server(scratch_dsn, files)) == [A, B]


def test_a_rule_error_does_not_spread(tmp_path: Path, scratch_dsn: str) -> None:
    files = {A: "create table public.t (id int);\ncreate table public.u (id int, k public.nokind);\n",
             B: "alter table public.t add column n text;\n"}
    report = _lint(tmp_path, files)
    assert [e.split(":")[0] for e in _errors(report)] == [A]
    assert A in _server(scratch_dsn, files)


def test_check_function_bodies_off_defers_the_body(tmp_path: Path, scratch_dsn: str) -> None:
    files = {A: "set check_function_bodies = off;\n"
                "create function public.f() returns int language plpgsql as $$\n"
                "begin\n  retrun 1;\nend $$;\ncreate table public.t (id int);\n",
             B: "alter table public.t add column n text;\n"}
    report = _lint(tmp_path, files)
    assert _errors(report) == []
    assert [f.severity for f in report.by_rule("plpgsql-syntax-error")] == ["warning"]
    assert _server(scratch_dsn, files) == {}


# -- 2. names come from the parse tree ---------------------------------------------------

def test_quoted_names_are_kept_whole(tmp_path: Path, scratch_dsn: str) -> None:
    files = {A: 'create table public."My.Notes" (id int);\n'
                'alter table public."My.Notes" enable row level security;\n'
                'create policy "Owners can edit their own rows." on public."My.Notes" '
                "using (true);\n"
                'drop policy if exists "Owners can edit their own rows." on public."My.Notes";\n'
                'create policy "Owners can edit their own rows." on public."My.Notes" '
                "using (true);\n"
                'drop policy "a.b" on public."My.Notes";\n'}
    report = _lint(tmp_path, files)
    (hit,) = report.by_rule("use-before-create")
    assert hit.line == 6 and hit.severity == "error"
    assert '"a.b" on public."My.Notes"' in hit.message, hit.message
    assert not report.by_rule("duplicate-create")
    assert _server(scratch_dsn, files) == {A: _server_error(scratch_dsn, files[A])}


def _server_error(dsn: str, text: str) -> str:
    error = apply_file(dsn, text)
    assert error is not None and "does not exist" in error
    return error


# -- 3. renames move the object ----------------------------------------------------------

RENAMES = {
    A: "create schema app;\ncreate type app.mood as enum ('ok');\n"
       "create table app.t (id int primary key, m app.mood, constraint id_pos check (id > 0));\n"
       "create index t_m_idx on app.t (m);\n"
       "create policy p on app.t using (true);\n"
       "create function app.f(x int) returns int language sql as 'select x';\n",
    B: "alter type app.mood rename to feeling;\n"
       "alter table app.t rename column m to feel;\n"
       "alter table app.t rename constraint id_pos to id_positive;\n"
       "alter index app.t_m_idx rename to t_feel_idx;\n"
       "alter policy p on app.t rename to readers;\n"
       "alter function app.f(int) rename to g;\n"
       "alter table app.t rename to items;\n"
       "alter schema app rename to shop;\n",
    C: "alter table shop.items add column f2 shop.feeling;\n"
       "alter table shop.items rename column feel to feeling;\n"
       "alter table shop.items drop constraint id_positive;\n"
       "drop index shop.t_feel_idx;\n"
       "drop policy readers on shop.items;\n"
       "grant execute on function shop.g(int) to authenticated;\n"
       "comment on type shop.feeling is 'renamed twice';\n",
}


def test_renames_move_the_object(tmp_path: Path, scratch_dsn: str) -> None:
    report = _lint(tmp_path, RENAMES)
    assert _errors(report) == []
    assert not report.by_rule("use-before-create")
    assert _server(scratch_dsn, RENAMES) == {}


def test_the_old_name_is_gone_after_a_rename(tmp_path: Path, scratch_dsn: str) -> None:
    files = {**RENAMES, C: "alter table app.t add column n text;\n"}
    hits = [f for f in _lint(tmp_path, files).by_rule("use-before-create")
            if f.file.endswith(C)]
    assert [h.severity for h in hits] == ["error"]
    assert C in _server(scratch_dsn, files)


# -- 4. transaction boundaries written in the file ----------------------------------------

ENUM = "create type public.st as enum ('open');\ncreate table public.j (id int, s public.st);\n"


@pytest.mark.parametrize(("text", "fails"), [
    ("alter type public.st add value 'done';\nupdate public.j set s = 'done';\n", True),
    ("begin;\nalter type public.st add value 'done';\ncommit;\n"
     "update public.j set s = 'done';\n", False),
    ("alter type public.st add value 'done';\ncommit;\nupdate public.j set s = 'done';\n", False),
    ("create index concurrently j_s on public.j (s);\n", False),
    ("select 1;\ncreate index concurrently j_s on public.j (s);\n", True),
    ("select 1;\ncommit;\ncreate index concurrently j_s on public.j (s);\n", False),
    ("begin;\ncreate index concurrently j_s on public.j (s);\ncommit;\n", True),
])
def test_transaction_boundaries_as_the_cli_runs_them(tmp_path: Path, scratch_dsn: str,
                                                      text: str, fails: bool) -> None:
    files = {A: ENUM, B: text}
    errors = _errors(_lint(tmp_path, files))
    assert bool(errors) == fails, errors
    assert (B in _server(scratch_dsn, files)) == fails


def test_what_a_commit_saved_stays_after_a_failure(tmp_path: Path, scratch_dsn: str) -> None:
    files = {A: "create table public.kept (id int);\ncommit;\n"
                "create table public.lost (id int);\nselect * frm public.lost;\n",
             B: "alter table public.kept add column n text;\n"
                "alter table public.lost add column n text;\n"}
    report = _lint(tmp_path, files)
    in_b = [(f.line, f.severity) for f in report.by_rule("use-before-create")
            if f.file.endswith(B)]
    assert in_b == [(2, "info")]
    failed = _server(scratch_dsn, files)
    assert A in failed and "lost" in failed[B]


# -- 5. the misses ----------------------------------------------------------------------

@pytest.mark.parametrize(("rule", "text", "line"), [
    ("use-before-create", "insert into public.settings (k) values ('a');\n", 1),
    ("use-before-create", "create table public.t (id int);\n"
                          "with gone as (delete from public.t returning id)\n"
                          "  insert into public.t select id from gone;\n"
                          "update public.t set id = 1 where id in (select id from gone);\n", 4),
    ("check-subquery", "create table public.t (id int);\n"
                       "create table public.u (id int check (id in (select id from public.t)));\n",
     2),
])
def test_misses_are_caught(tmp_path: Path, scratch_dsn: str, rule: str, text: str,
                           line: int) -> None:
    files = {A: text}
    hits = _lint(tmp_path, files).by_rule(rule)
    assert [(h.line, h.severity) for h in hits] == [(line, "error")]
    assert A in _server(scratch_dsn, files)


GUARD = ("do $$ begin\n  if not exists (select 1 from pg_constraint where conname = "
         "'members_pkey') then\n    alter table public.members add constraint members_pk "
         "primary key (id);\n  end if;\nend $$;\n")


def test_a_guard_that_tests_another_name(tmp_path: Path, scratch_dsn: str) -> None:
    files = {A: "create table public.members (id uuid, email text);\n", B: GUARD}
    (hit,) = _lint(tmp_path, files).by_rule("guard-name-mismatch")
    assert hit.line == 2 and "'members_pkey'" in hit.message and "'members_pk'" in hit.message
    assert _server(scratch_dsn, files) == {}
    again = apply_file(scratch_dsn, GUARD)  # the guard does not see what it created
    assert again is not None and "multiple primary keys" in again


def test_an_error_its_handler_catches_is_no_error(tmp_path: Path, scratch_dsn: str) -> None:
    add = ("do $$ begin\n  begin\n    alter publication supabase_realtime add table public.t;\n"
           "  exception when duplicate_object then null;\n  end;\nend $$;\n")
    files = {A: "create table public.t (id int);\n"
                "alter publication supabase_realtime add table public.t;\n", B: add}
    report = _lint(tmp_path, files)
    assert _errors(report) == []
    assert [f.severity for f in report.by_rule("duplicate-create")] == ["warning"]
    with psycopg.connect(scratch_dsn, autocommit=True) as conn:
        conn.execute("create publication supabase_realtime")
    assert _server(scratch_dsn, files) == {}
