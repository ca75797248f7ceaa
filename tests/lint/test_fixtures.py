"""Real-project-shaped folders never crash the linter: mixed naming, huge files, dollar
quoting, extensions, BOMs, empty and broken files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pgprobe.lint import lint

FIXTURES = Path(__file__).parent / "fixtures"


def test_supabase_app_is_clean() -> None:
    """A well-written Supabase project (extensions, auth trigger, storage policies, vector
    search function, cron, realtime, guarded type): no findings at all."""
    report = lint(FIXTURES / "supabase_app")
    assert report.findings == [], report.to_text()
    assert len(report.files) == 5


def test_legacy_mixed_folder() -> None:
    report = lint(FIXTURES / "legacy_mixed")
    got = {(Path(f.file).name, f.rule) for f in report}
    assert got == {
        ("001_accounts.sql", "version-order"),
        ("002_invoices.sql", "version-order"),
        ("20230103000000_changes.sql", "table-rewrite"),       # text -> varchar(10)
        ("20230103000000_changes.sql", "not-null-without-default"),
        ("20230103000000_changes.sql", "index-not-concurrent"),
        ("20230104000000_broken_function.sql", "plpgsql-syntax-error"),
        ("20230105000000_unterminated.sql", "syntax-error"),
        ("seed.sql", "bad-filename"),
    }, report.to_text()
    # varchar(40) -> text is binary compatible: no rewrite reported for it
    assert [f.line for f in report.by_rule("table-rewrite")] == [2]


def test_remote_schema_dump_is_clean_and_pulling_twice_is_not(tmp_path: Path) -> None:
    """`supabase db pull` output lints clean; the same dump pulled again as a second
    migration re-creates everything: unguarded CREATEs fail, guarded ones are no-ops."""
    dump = FIXTURES / "remote_dump" / "20240301000000_remote_schema.sql"
    assert lint(dump).findings == []
    (tmp_path / dump.name).write_text(dump.read_text())
    (tmp_path / "20240302000000_remote_schema.sql").write_text(dump.read_text())
    report = lint(tmp_path)
    dup = {(f.line, f.severity) for f in report.by_rule("duplicate-create")}
    assert dup == {(27, "error"), (54, "warning"), (65, "warning"), (93, "error"),
                   (104, "error"), (107, "error"), (119, "error")}, report.to_text()
    assert '"Authors manage posts" on public.posts' in report.to_text()


def test_huge_generated_project(tmp_path: Path, shared_dir: Path) -> None:
    """The benchmark schema (N=300) as one huge file plus the same split in ~17-statement
    files: both lint without crashing and agree on the findings per rule."""
    sql = subprocess.run([sys.executable, str(shared_dir / "bench" / "make_schema.py"), "300"],
                         check=True, capture_output=True, text=True).stdout
    one = tmp_path / "one"
    one.mkdir()
    (one / "20240101000000_everything.sql").write_text(sql)
    whole = lint(one)
    assert len(sql) > 250_000
    # one file: every table is new in that file, so nothing is "existing"
    assert whole.findings == [], whole.to_text()[:2000]

    from pglast.parser import split

    stmts = list(split(sql, with_parser=False))
    many = tmp_path / "many"
    many.mkdir()
    for i in range(0, len(stmts), 17):
        (many / f"{20240101000000 + i}_part.sql").write_text(";\n".join(stmts[i : i + 17]) + ";\n")
    split_report = lint(many)
    assert {f.rule for f in split_report} <= {"index-not-concurrent"}


@pytest.mark.parametrize("text", [
    "", "   \n\n", "-- only\n/* comments */", "\ufeffselect 1;", ";;;", "$$", "'unterminated",
    "do $$ begin", "create function f() returns int language plpgsql as $$ $$;",
    "do language plpgsql $x$ begin raise notice '%%'; end $x$;",
    "END IF;\nEND LOOP;\nELSE\n", "begin; commit; end;", "DECLARE x int;",
    "create table t (a int) ; IF x THEN ELSE END IF ; create table u (b int);",
    "do $$ begin execute 'create table dyn (id int)'; end $$;",
    "select E'\\\\'';", "copy t from stdin;\n1\n\\.\n",
])
def test_odd_inputs_never_crash(tmp_path: Path, text: str) -> None:
    (tmp_path / "20240101000000_x.sql").write_text(text)
    report = lint(tmp_path)
    for f in report:
        assert f.line >= 1 and f.column >= 1 and f.message and f.hint


def test_binary_garbage_never_crashes(tmp_path: Path) -> None:
    (tmp_path / "20240101000000_x.sql").write_bytes(bytes(range(256)) * 4)
    lint(tmp_path)


FRAGMENTS = [
    "create table public.t (id int)", "create type public.k as enum ('a')", "drop type public.k",
    "alter table public.t add column c int not null", "create index on public.t (id)",
    "IF x THEN", "END IF", "ELSE", "BEGIN", "END", "EXCEPTION WHEN OTHERS THEN", "RAISE NOTICE 'x %'",
    "do $$ begin", "end $$", "$$", "$x$", "'", "\"", "/*", "*/", "--", "\n", ";", ";", " ",
    "create policy p on public.t using (true)", "alter table public.t enable row level security",
    "create function f() returns int language plpgsql as $$ begin return 1; end $$",
    "create index concurrently i on public.t (id)", "E'\\\\'", "é", "\ufeff", "(", ")",
]


@pytest.mark.slow
def test_fuzzed_fragments_never_crash(tmp_path: Path) -> None:
    hypothesis = pytest.importorskip("hypothesis")
    st = hypothesis.strategies

    @hypothesis.settings(max_examples=int(__import__("os").environ.get("PGPROBE_FUZZ", "200")), deadline=None, database=None)
    @hypothesis.given(st.lists(st.lists(st.sampled_from(FRAGMENTS), max_size=25), min_size=1,
                               max_size=3))
    def check(files: list[list[str]]) -> None:
        root = tmp_path / f"case{abs(hash(str(files)))}"
        root.mkdir(exist_ok=True)
        for i, parts in enumerate(files):
            (root / f"{20240101000000 + i}_f.sql").write_text(" ".join(parts))
        for f in lint(root):
            assert f.line >= 1 and f.column >= 1 and f.rule and f.message

    check()


def test_postgrest_conformance_schema(shared_dir: Path) -> None:
    """PostgREST's own 5,000-line test schema (domains, overloads, SET search_path, unicode
    schema names, views replaced by later views, check_function_bodies off) gives no
    ordering false positives; what it reports is real: psql variables and COPY data are
    not SQL, and `CREATE SCHEMA public` fails on a database that has it."""
    fixtures = sorted((shared_dir / "postgrest-conformance" / "fixtures").glob("*.sql"))
    if not fixtures:
        pytest.skip("conformance fixtures not present")
    report = lint(fixtures)
    rules = {f.rule for f in report}
    assert not rules & {"use-before-create", "duplicate-create", "plpgsql-syntax-error",
                        "error-swallowed"}, report.to_text()
    syntax = {(Path(f.file).name, f.line) for f in report.by_rule("syntax-error")}
    assert syntax == {("01_database.sql", 2), ("02_roles.sql", 7), ("07_data.sql", 566)}
