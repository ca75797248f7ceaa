"""A long migration run is linted by two processes (``pgprobe.lint._parallel``) with
exactly the findings, in exactly the order, of the one-process walk: whatever crosses the
cut (tables, types, policies, publications, dropped objects, "created later", files that
fail and roll back, DO blocks that swallow their errors) is seen the same on both sides."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pgprobe.lint import lint, lint_files
from pgprobe.lint._parallel import MIN_CHARS, lint_split, split_point
from pgprobe.lint._pass import SequencePass
from pgprobe.lint._source import SourceFile, order_paths
from pgprobe.lint._state import SchemaState

FIXTURES = Path(__file__).parent / "fixtures"

# Files placed early in the run (before the cut) and late (after it), so every kind of
# state and every cross-file question crosses the cut.
EARLY = {
    "a_uses_late": """
drop policy if exists "late read" on public.late_table;
create index late_idx on public.late_table (id);
alter table public.late_table add column extra text;
create trigger t_late before insert on public.late_table
  for each row execute function public.late_fn();
""",
    "b_types": """
create type public.mood as enum ('ok', 'sad');
create table public.people (id bigint primary key, mood public.mood not null);
alter table public.people enable row level security;
create policy "own" on public.people for select to authenticated using (auth.uid() is not null);
create table public.unprotected (id int);
create table public.locked (id int);
alter table public.locked enable row level security;
alter publication supabase_realtime add table public.people;
create view public.people_view as select * from public.people;
""",
    "c_do_swallow": """
do $$ begin
  create table public.swallowed (id int references public.nowhere (id));
exception when others then null;
end $$;
do $$ begin
  create table public.kept (id int);
exception when duplicate_table then null;
end $$;
""",
    "d_broken": """
create table public.rolled_back (id int);
IF nothing THEN
create table public.also_rolled_back (id int);
""",
    "e_enum_same_tx": """
alter type public.mood add value 'happy';
update public.people set mood = 'happy' where id = 1;
""",
}
LATE = {
    "v_late": """
create table public.late_table (id bigint primary key);
create function public.late_fn() returns trigger language plpgsql as $$
begin
  return new;
exception when others then
  raise notice 'ignored';
  return null;
end $$;
create table public.people (id bigint);
create table public.kept (id int);
create table public.rolled_back (id int);
alter publication supabase_realtime add table public.people;
drop type public.mood;
""",
    "w_more": """
create index people_mood on public.people (mood);
alter table public.people add column nick text not null;
alter table public.unprotected alter column id type bigint;
drop table public.locked;
create table public.locked (id int);
do $$ begin raise notice 'a % %', 1; end $$;
""",
    "x_broken": """
create table public.never (id int);
select 'unterminated;
""",
}


def _bench_statements(shared_dir: Path, tables: int) -> list[str]:
    from pglast.parser import split

    sql = subprocess.run([sys.executable, str(shared_dir / "bench" / "make_schema.py"),
                          str(tables)], check=True, capture_output=True, text=True).stdout
    return list(split(sql, with_parser=False))


@pytest.fixture(scope="module")
def long_run(tmp_path_factory: pytest.TempPathFactory, shared_dir: Path) -> Path:
    """The benchmark schema (N=700) in 17-statement files, with the files above mixed in
    near its start and near its end, and copies of the fixture projects in between (their
    functions' ``SET search_path`` clauses and pg_dump's ``set_config`` do not stop the
    split)."""
    stmts = _bench_statements(shared_dir, 700)
    chunks = [";\n".join(stmts[i : i + 17]) + ";\n" for i in range(0, len(stmts), 17)]
    folder = tmp_path_factory.mktemp("long_run")
    extra: dict[int, list[tuple[str, str]]] = {}
    n = len(chunks)
    extra.setdefault(n // 10, []).extend(EARLY.items())
    extra.setdefault(n * 9 // 10, []).extend(LATE.items())
    for k, project in enumerate(["legacy_mixed", "supabase_app", "remote_dump", "legacy_mixed"]):
        at = n * (k + 2) // 6
        for f in sorted((FIXTURES / project).glob("2*.sql")):
            extra.setdefault(at, []).append((f"{project}_{f.stem[15:]}", f.read_text()))
    version = 20240101000000
    for i, chunk in enumerate(chunks):
        for name, text in extra.get(i, []):
            version += 1
            (folder / f"{version}_{name}.sql").write_text(text)
        version += 1
        (folder / f"{version}_bench_{i:04d}.sql").write_text(chunk)
    (folder / "seed.sql").write_text("insert into public.people (id) values (1);\n")
    (folder / "9_short_version.sql").write_text("create index on public.people (id);\n")
    return folder


def _files(folder: Path) -> list[SourceFile]:
    return [SourceFile.read(p, from_directory=d) for p, d in order_paths([folder])]


def test_long_run_is_split_and_findings_are_identical(long_run: Path) -> None:
    files = _files(long_run)
    assert sum(len(f.text) for f in files) >= MIN_CHARS
    k = split_point(files)
    assert k is not None
    names = [f.name for f in files]
    early = names.index(next(n for n in names if n.endswith("_a_uses_late.sql")))
    late = names.index(next(n for n in names if n.endswith("_v_late.sql")))
    assert early < k <= late  # the two groups sit on both sides of the cut

    found = lint_split(files, k, None, ("public",))
    assert found is not None  # the two children ran
    sequential = lint(long_run, parallel=False)
    assert lint(long_run).findings == sequential.findings  # auto: split, as asserted above
    split_report = lint_files(_files(long_run), parallel=True)
    assert split_report.findings == sequential.findings
    assert split_report.files == sequential.files

    # the comparison means something: findings on both sides of the cut, of many rules,
    # several of them about objects from the other side
    by_file = {Path(f.file).name for f in sequential}
    assert any(names.index(n) < k for n in by_file) and any(names.index(n) >= k for n in by_file)
    rules = {f.rule for f in sequential}
    assert {"use-before-create", "duplicate-create", "rls-missing", "rls-without-policy",
            "error-swallowed", "enum-value-same-transaction", "drop-type-without-cascade",
            "index-not-concurrent", "not-null-without-default", "table-rewrite",
            "view-bypasses-rls", "syntax-error", "procedural-outside-plpgsql",
            "bad-filename", "version-order", "raise-format-args"} <= rules, sorted(rules)
    text = sequential.to_text()
    assert "it is created later, at" in text
    assert "was already created by" in text


def test_cli_output_is_the_same_text(long_run: Path) -> None:
    """``pgprobe lint`` (the split run) prints what the one-process walk renders."""
    import contextlib
    import io

    from pgprobe.lint._cli import print_findings

    sequential = lint(long_run, parallel=False)
    screen = io.StringIO()  # the text format is the terminal rendering of the same report
    with contextlib.redirect_stdout(screen):
        print_findings(sequential)
    for fmt, expected in (("json", sequential.to_json() + "\n"), ("text", screen.getvalue())):
        out = subprocess.run([sys.executable, "-m", "pgprobe.cli", "lint", str(long_run),
                              "--format", fmt], capture_output=True, text=True)
        assert out.returncode == sequential.exit_code, out.stderr
        assert out.stdout == expected
    assert len(json.loads(sequential.to_json())) == len(sequential.findings) > 0


def test_small_runs_stay_in_one_process(tmp_path: Path) -> None:
    for i in range(3):
        (tmp_path / f"2024010100000{i}_t{i}.sql").write_text(f"create table public.t{i} (id int);")
    files = _files(tmp_path)
    assert split_point(files) is None
    k = split_point(files, force=True)
    assert k is not None and 0 < k < len(files)
    assert lint(tmp_path, parallel=True).findings == lint(tmp_path, parallel=False).findings


def _run_of(tmp_path: Path, *texts: str) -> list[SourceFile]:
    for i, text in enumerate(texts):
        (tmp_path / f"{20240101000000 + i}_m{i}.sql").write_text(text)
    return _files(tmp_path)


BULK = "".join(f"create table public.bulk{i} (id int, mood public.mood);\n" for i in range(40))


def test_set_search_path_keeps_one_process(tmp_path: Path) -> None:
    """``SET search_path`` changes what unqualified names mean mid-run: not split."""
    files = _run_of(tmp_path, "create table t (id int);\n" * 20_000,
                    "begin;\n  SET Search_Path = app;\ncreate table u (id int);")
    assert sum(len(f.text) for f in files) >= MIN_CHARS
    assert split_point(files, force=True) is None


def test_search_path_changed_where_the_text_does_not_show_it(tmp_path: Path) -> None:
    """A DO block that changes it is found by the child that runs it: the run is linted
    sequentially, with the same findings."""
    files = _run_of(tmp_path, "create type public.mood as enum ('a');\n" + BULK,
                    "do $$ begin set search_path = app; end $$; create table t (id int);\n",
                    BULK.replace("bulk", "more") + "create table public.bulk1 (id int);")
    k = split_point(files, force=True)
    assert k is not None
    assert lint_split(files, k, None, ("public",)) is None
    report = lint(tmp_path, parallel=True)
    assert report.findings == lint(tmp_path, parallel=False).findings
    walk = SequencePass(files, SchemaState(), ("public",))
    for i in range(len(files)):
        walk.file(i)
    assert walk.search_path_changed and walk.state.has_table("app.t")


def test_search_path_of_functions_and_set_config_still_split(tmp_path: Path) -> None:
    """``CREATE FUNCTION ... SET search_path`` and ``set_config`` (pg_dump's preamble) do
    not change what the migration's own names mean: split as usual."""
    files = _run_of(
        tmp_path,
        "SELECT pg_catalog.set_config('search_path', '', false);\n"
        "create type public.mood as enum ('a');\n" + BULK,
        "create function public.f() returns int language sql security definer\n"
        "  set search_path = ''\n  as $$ select 1 $$;\n" + BULK.replace("bulk", "more"),
        "create table public.bulk1 (id int);\ncreate table t (id int);\n")
    k = split_point(files, force=True)
    assert k is not None
    found = lint_split(files, k, None, ("public",))
    assert found is not None
    report = lint(tmp_path, parallel=True)
    assert report.findings == lint(tmp_path, parallel=False).findings
    assert {"duplicate-create", "rls-missing"} <= {f.rule for f in report}
