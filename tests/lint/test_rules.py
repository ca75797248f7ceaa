"""Each rule: a failing example (the rule fires, at the right line) and a passing example
(the fixed migration: the rule is silent). One line of the table per case."""

from __future__ import annotations

from pathlib import Path

import pytest

from pgprobe.lint import RULES, lint

T = "20240101000000_a.sql"
U = "20240102000000_b.sql"
OK_TABLE = ("create table public.t (id bigint primary key, m text);\n"
            "alter table public.t enable row level security;\n"
            "create policy p on public.t for select to authenticated using (true);\n")

# rule, failing files, line of the finding in the last failing file, passing files
CASES: list[tuple[str, dict[str, str], int, dict[str, str]]] = [
    ("procedural-outside-plpgsql",
     {T: "create table x (id int);\nIF NOT EXISTS (SELECT 1 FROM pg_tables) THEN\n"
         "  CREATE TABLE y (id int);\nEND IF;\n"}, 2,
     {T: "create table if not exists y (id int);\n"}),
    ("procedural-outside-plpgsql",
     {T: "BEGIN\n  create table x (id int);\nEXCEPTION WHEN OTHERS THEN\n"
         "  RAISE NOTICE 'x';\nEND;\n"}, 1,
     {T: "do $$ BEGIN create table x (id int); EXCEPTION WHEN duplicate_table THEN NULL; END $$;"}),
    ("procedural-outside-plpgsql",
     {T: "select 1;\nRAISE NOTICE 'done';\n"}, 2,
     {T: "select 1;\nbegin;\nselect 2;\ncommit;\n"}),
    ("syntax-error",
     {T: "create table x (id int;\ncreate table y (id int);\n"}, 1,
     {T: "create table x (id int);\n"}),
    ("plpgsql-syntax-error",
     {T: "do $$\nbegin\n  perform 1\n  perform 2;\nend $$;\n"}, 4,
     {T: "do $$\nbegin\n  perform 1;\n  perform 2;\nend $$;\n"}),
    ("raise-format-args",
     {T: "do $$\nbegin\n  raise notice 'a % b %', 1;\nend $$;\n"}, 3,
     {T: "do $$\nbegin\n  raise notice 'a % b %% c', 1;\nend $$;\n"}),
    ("raise-format-args",
     {T: "create function f() returns void language plpgsql as $f$\nbegin\n"
         "  raise exception 'x', 1, 2;\nend $f$;\n"}, 3,
     {T: "create function f() returns void language plpgsql as $f$\nbegin\n"
         "  raise exception 'x % %', 1, 2;\nend $f$;\n"}),
    ("use-before-create",
     {T: "drop policy \"own\" on ai_analyses;\n" + OK_TABLE}, 1,
     {T: OK_TABLE + "drop policy p on public.t;\n"}),
    ("use-before-create",
     {T: "create index t_m on public.t (m);\n", U: OK_TABLE}, 1,
     {T: OK_TABLE, U: "create index t_m on public.t (m);\n"}),
    ("use-before-create",
     {T: OK_TABLE + "alter table public.t add column k public.kind;\n"}, 4,
     {T: "create type public.kind as enum ('a');\n" + OK_TABLE
         + "alter table public.t add column k public.kind;\n"}),
    ("use-before-create",
     {T: OK_TABLE + "grant execute on function public.f() to anon;\n"}, 4,
     {T: OK_TABLE + "create function public.f() returns int language sql as 'select 1';\n"
         "grant execute on function public.f() to anon;\n"}),
    ("use-before-create",
     {T: OK_TABLE + "create trigger tr before update on public.t for each row "
         "execute function public.touch();\n"}, 4,
     {T: OK_TABLE + "create function public.touch() returns trigger language plpgsql as "
         "$$ begin return new; end $$;\ncreate trigger tr before update on public.t "
         "for each row execute function public.touch();\n"}),
    ("use-before-create",
     {T: "create table public.c (id int, t_id bigint references public.t (id));\n"}, 1,
     {T: OK_TABLE + "create table public.c (id int, t_id bigint references public.t (id));\n"}),
    ("non-idempotent",  # needs a baseline: see test_baseline.py
     {}, 0, {T: "create type public.mood as enum ('a');\n"}),
    ("drop-type-without-cascade",
     {T: "create type public.mood as enum ('a');\n"
         "create table public.p (id int, m public.mood);\ndrop type public.mood;\n"}, 3,
     {T: "create type public.mood as enum ('a');\n"
         "create table public.p (id int, m public.mood);\n"
         "alter table public.p drop column m;\ndrop type public.mood;\n"}),
    ("drop-cascade-drops-columns",
     {T: "create type public.mood as enum ('a');\n"
         "create table public.p (id int, m public.mood);\n"
         "drop type if exists public.mood cascade;\n"}, 3,
     {T: "drop type if exists public.mood cascade;\ncreate type public.mood as enum ('a');\n"}),
    ("enum-value-same-transaction",
     {T: "create type public.st as enum ('open');\n" + OK_TABLE
         + "alter table public.t add column s public.st;\n",
      U: "alter type public.st add value 'closed';\n"
         "update public.t set s = 'closed' where s = 'open';\n"}, 2,
     {T: "create type public.st as enum ('open');\n" + OK_TABLE
         + "alter table public.t add column s public.st;\n",
      U: "alter type public.st add value 'closed';\n",
      "20240103000000_c.sql": "update public.t set s = 'closed' where s = 'open';\n"}),
    ("duplicate-create",
     {T: OK_TABLE, U: "create table public.t (id bigint primary key);\n"}, 1,
     {T: OK_TABLE, U: "alter table public.t add column extra text;\n"}),
    ("duplicate-create",
     {T: "create type public.k as enum ('a');\n",
      U: "do $$ begin\n  if not exists (select 1 from pg_type where typname = 'k') then\n"
         "    create type public.k as enum ('a', 'b');\n  end if;\nend $$;\n"}, 3,
     {T: "create type public.k as enum ('a');\n",
      U: "alter type public.k add value if not exists 'b';\n"}),
    ("duplicate-create",
     {T: OK_TABLE + "alter publication supabase_realtime add table public.t;\n",
      U: "alter publication supabase_realtime add table public.t;\n"}, 1,
     {T: OK_TABLE + "alter publication supabase_realtime add table public.t;\n",
      U: "alter publication supabase_realtime drop table public.t;\n"
         "alter publication supabase_realtime add table public.t;\n"}),
    ("use-before-create",
     {T: "create function public.n() returns bigint language sql as "
         "$$ select count(*) from public.t $$;\n" + OK_TABLE}, 1,
     {T: OK_TABLE + "create function public.n() returns bigint language sql as "
         "$$ select count(*) from public.t $$;\n"}),
    ("use-before-create",  # a policy helper function defined after the policy using it
     {T: "create extension if not exists pg_trgm;\n" + OK_TABLE
         + "create policy a on public.t using (public.is_admin());\n"
         "create function public.is_admin() returns boolean language sql as 'select true';\n"}, 5,
     {T: "create extension if not exists pg_trgm;\n" + OK_TABLE
         + "create function public.is_admin() returns boolean language sql as 'select true';\n"
         "create policy a on public.t using (public.is_admin());\n"}),
    ("error-swallowed",
     {T: "do $$\nbegin\n  create table public.q (id int);\nexception when others then\n"
         "  null;\nend $$;\n"}, 4,
     {T: "do $$\nbegin\n  create table public.q (id int);\nexception when duplicate_table then\n"
         "  null;\nend $$;\n"}),
    ("error-swallowed",
     {T: "do $$\nbegin\n  perform 1;\nexception when others then\n"
         "  raise notice 'failed: %', sqlerrm;\nend $$;\n"}, 4,
     {T: "do $$\nbegin\n  perform 1;\nexception when others then\n"
         "  raise warning 'failed: %', sqlerrm;\n  raise;\nend $$;\n"}),
    ("rls-missing",
     {T: "create table public.notes (id int);\n"}, 1,
     {T: "create table public.notes (id int);\n"
         "alter table public.notes enable row level security;\n"
         "create policy p on public.notes using (true);\n"}),
    ("rls-missing",  # exposed schemas are configurable; private schemas are not checked
     {T: "create table public.notes (id int);\n"}, 1,
     {T: "create schema private;\ncreate table private.notes (id int);\n"}),
    ("rls-without-policy",
     {T: "create table public.n (id int);\nalter table public.n enable row level security;\n"}, 2,
     {T: "create table public.n (id int);\nalter table public.n enable row level security;\n",
      U: "create policy p on public.n for select to authenticated using (true);\n"}),
    ("view-bypasses-rls",
     {T: OK_TABLE + "create view public.v as select id from public.t;\n"}, 4,
     {T: OK_TABLE + "create view public.v with (security_invoker = true) as "
         "select id from public.t;\n"}),
    ("not-null-without-default",
     {T: OK_TABLE, U: "alter table public.t add column flag boolean not null;\n"}, 1,
     {T: OK_TABLE, U: "alter table public.t add column flag boolean not null default false;\n"
                      "alter table public.t add column n bigserial not null;\n"
                      "alter table public.t add column g int not null generated always as "
                      "(1) stored;\n"}),
    ("index-not-concurrent",
     {T: OK_TABLE, U: "create index t_m_idx on public.t (m);\n"}, 1,
     {T: OK_TABLE + "create index t_m_idx on public.t (m);\n"}),
    ("table-rewrite",
     {T: OK_TABLE, U: "alter table public.t alter column id type numeric;\n"}, 1,
     {T: OK_TABLE, U: "alter table public.t alter column m type text;\n"}),
    ("table-rewrite",
     {T: OK_TABLE, U: "alter table public.t add column u uuid default gen_random_uuid();\n"}, 1,
     {T: OK_TABLE, U: "alter table public.t add column u timestamptz default now();\n"}),
    ("not-in-transaction",  # a file is one pipeline: CONCURRENTLY only first or after COMMIT
     {T: OK_TABLE, U: "select 1;\ncreate index concurrently t_m_idx on public.t (m);\n"}, 2,
     {T: OK_TABLE, U: "create index concurrently t_m_idx on public.t (m);\n"}),
    ("not-in-transaction",
     {T: OK_TABLE, U: "begin;\ncreate index concurrently t_m_idx on public.t (m);\ncommit;\n"},
     2,
     {T: OK_TABLE, U: "select 1;\ncommit;\ncreate index concurrently t_m_idx on public.t (m);\n"}),
    ("not-in-transaction",
     {T: "analyze;\nvacuum analyze;\n"}, 2, {T: "vacuum analyze;\nanalyze;\n"}),
    ("check-subquery",
     {T: OK_TABLE + "create table public.u (id int, t_id bigint check (t_id in "
         "(select id from public.t)));\n"}, 4,
     {T: OK_TABLE + "create table public.u (id int, t_id bigint references public.t (id));\n"}),
    ("check-subquery",
     {T: OK_TABLE, U: "alter table public.t add constraint m_known\n"
                      "  check (exists (select 1 from public.t));\n"}, 2,
     {T: OK_TABLE, U: "alter table public.t add constraint m_known check (m <> '');\n"}),
    ("guard-name-mismatch",
     {T: "create table public.users (id uuid, email text);\n",
      U: "do $$ begin\n  if not exists (select 1 from pg_constraint where conname = "
         "'users_pkey') then\n    alter table public.users add constraint users_pk primary key "
         "(id);\n  end if;\nend $$;\n"}, 2,
     {T: "create table public.users (id uuid, email text);\n",
      U: "do $$ begin\n  if not exists (select 1 from pg_constraint where conname = "
         "'users_pkey') then\n    alter table public.users add primary key (id);\n"
         "  end if;\nend $$;\n"}),
    ("not-checked",  # an array of a user type: libpg_query's PL/pgSQL compiler cannot
     {T: "create type public.perm as enum ('r');\n"  # resolve it (info, not an error)
         "create function public.f() returns int language plpgsql as $$\n"
         "declare\n  granted public.perm[];\nbegin\n  return 1;\nend $$;\n"}, 2,
     {T: "create type public.perm as enum ('r');\n"
         "create function public.f() returns int language plpgsql as $$\n"
         "declare\n  granted text[];\nbegin\n  return 1;\nend $$;\n"}),
    ("duplicate-version",
     {"20240101000000_a.sql": OK_TABLE, "20240101000000_b.sql": "select 1;\n"}, 1,
     {"20240101000000_a.sql": OK_TABLE, "20240101000001_b.sql": "select 1;\n"}),
    ("version-order",
     {"028_x.sql": "select 1;\n", "20240101000000_y.sql": "select 1;\n",
      "20240101000001_z.sql": "select 1;\n"}, 1,
     {"20230101000000_x.sql": "select 1;\n", "20240101000000_y.sql": "select 1;\n"}),
    ("bad-filename",
     {"init.sql": "select 1;\n"}, 1, {"20240101000000_init.sql": "select 1;\n"}),
    ("guard-by-name-only",
     {T: OK_TABLE + "create table public.u (id int, m text);\n"
         "create index if not exists m_idx on public.t (m);\n"
         "create index if not exists m_idx on public.u (m);\n"}, 6,
     {T: OK_TABLE + "create table public.u (id int, m text);\n"
         "create index if not exists t_m_idx on public.t (m);\n"
         "create index if not exists u_m_idx on public.u (m);\n"}),
    ("guard-by-name-only",
     {T: "create table public.a (id int, constraint id_positive check (id > 0));\n"
         "create table public.b (id int);\n",
      U: "do $$ begin\n  if not exists (select 1 from pg_constraint where conname = 'id_positive')"
         " then\n    alter table public.b add constraint id_positive check (id > 0);\n  end if;\n"
         "end $$;\n"}, 2,
     {T: "create table public.a (id int, constraint id_positive check (id > 0));\n"
         "create table public.b (id int);\n",
      U: "do $$ begin\n  if not exists (select 1 from pg_constraint where conname = 'id_positive' "
         "and conrelid = 'public.b'::regclass) then\n"
         "    alter table public.b add constraint id_positive check (id > 0);\n  end if;\nend $$;\n"}),
]


def _write(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (root / name).write_text(text)
    return root


@pytest.mark.parametrize(("rule", "failing", "line", "passing"), CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_rule_fails_then_passes(tmp_path: Path, rule: str, failing: dict[str, str], line: int,
                                passing: dict[str, str]) -> None:
    assert rule in RULES
    if failing:
        report = lint(_write(tmp_path / "bad", failing))
        hits = report.by_rule(rule)
        assert hits, report.to_text()
        last = sorted(failing)[-1]
        assert any(h.line == line for h in hits if h.file.endswith(last)) or any(
            h.line == line for h in hits), report.to_text()
        for h in hits:
            assert h.severity in ("error", "warning", "info")
            assert h.message and h.hint
    good = lint(_write(tmp_path / "good", passing))
    assert not good.by_rule(rule), good.to_text()


def test_every_rule_has_a_case() -> None:
    covered = {c[0] for c in CASES}
    assert set(RULES) <= covered, set(RULES) - covered


def test_procedural_message_and_recovery(tmp_path: Path) -> None:
    """The procedural statement is explained, and the SQL inside/after it is still read."""
    d = _write(tmp_path, {T: "DROP POLICY IF EXISTS p ON ai;\n"
                             "IF NOT EXISTS (SELECT 1 FROM pg_tables WHERE tablename = 'ai') THEN\n"
                             "  CREATE TABLE ai (id int, k public.nokind);\nEND IF;\n"
                             "EXCEPTION WHEN OTHERS THEN\n  RAISE NOTICE 'x';\n"
                             "create index on public.missing (id);\n"})
    report = lint(d)
    proc = report.by_rule("procedural-outside-plpgsql")
    assert [(f.line, f.column) for f in proc] == [(2, 1), (5, 1)]
    assert "procedural statement outside PL/pgSQL: wrap it in DO $$ ... $$ or use IF [NOT] EXISTS" \
        in proc[0].message
    ubc = report.by_rule("use-before-create")
    # the DROP POLICY before the table, the type used inside the IF, the index after it
    assert sorted(f.line for f in ubc) == [1, 3, 7]
    assert report.exit_code == 1


def test_positions_with_non_ascii(tmp_path: Path) -> None:
    d = _write(tmp_path, {T: "-- café €\ncreate table public.é (note text default 'été');"
                             " create index i on public.missing (id);\n"})
    hit = lint(d).by_rule("use-before-create")[0]
    line = (d / T).read_text().splitlines()[hit.line - 1]
    assert hit.line == 2 and line[hit.column - 1 :].startswith("public.missing")


def test_plpgsql_error_position_inside_file(tmp_path: Path) -> None:
    d = _write(tmp_path, {T: "select 1;\n\ncreate function f() returns int language plpgsql as $$\n"
                             "declare\n  n int;\nbegin\n  n := 1;\n  retrun n;\nend $$;\n"})
    hit = lint(d).by_rule("plpgsql-syntax-error")[0]
    assert (hit.line, hit.column) == (8, 3), hit


def test_inline_ignore_comments(tmp_path: Path) -> None:
    d = _write(tmp_path, {T: "create table public.a (id int); -- pgprobe-lint: ignore rls-missing\n"
                             "-- pgprobe-lint: ignore use-before-create\n"
                             "create index on public.nope (id);\n"
                             "create index on public.nope2 (id);\n"
                             "create table public.b (id int);\n"})
    report = lint(d)
    assert [(f.rule, f.line) for f in report] == [("use-before-create", 4), ("rls-missing", 5)]
    (d / U).write_text("-- pgprobe-lint: ignore-file rls-missing, use-before-create\n"
                       "create table public.c (id int);\ncreate index on public.gone (id);\n")
    assert [(f.rule, f.file.endswith(U)) for f in lint(d)] == [
        ("use-before-create", False), ("rls-missing", False)]


def test_public_api_is_pinned() -> None:
    import pgprobe.lint as pkg

    assert sorted(pkg.__all__) == ["Finding", "LintReport", "RULES", "RuleInfo", "lint",
                                   "lint_files"]


def test_swallowed_failure_creates_nothing(tmp_path: Path) -> None:
    """A DO block whose handler swallows its own failure leaves nothing behind, so the
    next file's use of the table is reported (the postmortem's 'success' with no table)."""
    d = _write(tmp_path, {
        T: "do $$ begin\n  create table public.q (id int, k public.missing_type);\n"
           "exception when others then null;\nend $$;\n",
        U: "alter table public.q enable row level security;\n"})
    got = [(Path(f.file).name, f.line, f.rule) for f in lint(d)]
    assert (T, 2, "use-before-create") in got and (T, 3, "error-swallowed") in got
    assert (U, 1, "use-before-create") in got


def test_error_swallowed_in_a_function_is_a_warning(tmp_path: Path) -> None:
    d = _write(tmp_path, {T: "create function public.safe() returns int language plpgsql as $$\n"
                             "begin\n  return 1 / 0;\nexception when others then\n"
                             "  return null;\nend $$;\n"})
    (hit,) = lint(d).by_rule("error-swallowed")
    assert (hit.severity, hit.line) == ("warning", 4)


def test_single_quoted_function_body(tmp_path: Path) -> None:
    """Old-style bodies ('...' with doubled quotes) compile like dollar-quoted ones."""
    d = _write(tmp_path, {T: "create function f() returns int language plpgsql as '\nbegin\n"
                             "  raise notice ''x %'', 1;\n  return 1;\nend';\n"
                             "create function g() returns int language plpgsql as '\nbegin\n"
                             "  retrun 1;\nend';\n"})
    got = [(f.rule, f.line) for f in lint(d)]
    assert got == [("plpgsql-syntax-error", 8)], got


def test_swallowed_block_rolls_back_only_its_own_changes(tmp_path: Path) -> None:
    """A failing block with a handler undoes what it did and keeps what earlier files and
    blocks made; a block that only creates a role (no state to roll back) changes nothing."""
    d = _write(tmp_path, {
        "1_a.sql": "create table public.a (id int primary key);\n"
                   "alter table public.a enable row level security;\n",
        "2_b.sql": "do $$ begin create role r nologin; exception when duplicate_object then null;"
                   " end $$;\n"
                   "do $$ begin\n  create table public.q (id int, k public.missing_type);\n"
                   "exception when others then null;\nend $$;\n",
        "3_c.sql": "alter table public.q enable row level security;\n"
                   "alter table public.a disable row level security;\n"})
    got = [(Path(f.file).name, f.line, f.rule) for f in lint(d)]
    assert ("3_c.sql", 1, "use-before-create") in got  # the table went with the block
    assert ("3_c.sql", 2, "use-before-create") not in got  # the earlier file's table stayed
    assert not [g for g in got if g[0] == "2_b.sql" and g[1] == 1]


def test_state_copy_is_independent() -> None:
    import copy

    from pgprobe.lint._state import BASE, Table

    t = Table("public.a", BASE, columns={"id": "pg_catalog.int4"}, constraints={"a_pkey"},
              policies={"p": BASE}, rls=True)
    c = copy.deepcopy(t)
    assert c == t and c.origin is t.origin
    c.columns["x"] = "pg_catalog.text"
    c.constraints.add("b")
    c.policies["q"] = BASE
    assert t.columns == {"id": "pg_catalog.int4"} and t.constraints == {"a_pkey"}
    assert list(t.policies) == ["p"]
