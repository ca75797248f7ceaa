"""Rehearsal on a real server: silent failures, error locations, stubs, the target untouched."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from pgprobe._errors import InputError
from pgprobe.catalog import snapshot
from pgprobe.embedded import Server
from pgprobe.migrations import rehearse

from ._folders import POSTMORTEM, real_project, write


def test_rehearsal_catches_the_postmortem_silent_failure(tmp_path: Path, scratch_dsn: str) -> None:
    folder = write(tmp_path / "m", POSTMORTEM)
    r = rehearse(folder, scratch_dsn=scratch_dsn)
    retry = r.file("20250120093000_ai_analyses_retry.sql")
    assert retry.status == "applied"          # what `supabase db push` would have said
    assert retry.silent_failure
    [headline] = retry.headline_problems
    assert (headline.declared.kind, headline.declared.name) == ("table", "public.ai_analyses")
    assert headline.declared.line == 4 and headline.status == "missing"
    # the policy of the same file was created: it is not flagged
    assert all(c.ok for c in retry.checks if c.declared.kind == "policy")
    basic = r.file("20250120100000_ai_analyses_basic.sql")
    assert basic.status == "applied" and not basic.silent_failure
    assert ("created", "table", "public.ai_analyses") in {
        (d.action, d.object_type, d.identity) for d in basic.delta}
    assert not r.ok and r.silent_failures == [retry]
    assert "SILENT FAILURE 20250120093000_ai_analyses_retry.sql:4" in r.summary()
    frame = r.checks_frame()
    assert set(frame["file"]) == {"20250120093000_ai_analyses_retry.sql"}


@pytest.mark.parametrize(
    ("text", "line", "col", "message"),
    [
        ("create table a (id int);\n\nselect 1 +* 2;\n", 3, 10, "operator does not exist"),
        ("create table a (id int);\nIF NOT EXISTS (select 1) THEN\n  create table b ();\nEND IF;\n",
         2, 1, 'syntax error at or near "IF"'),
        ("-- é è\ncreate table a (\n  id int,\n  x nosuchtype\n);\n", 4, 5, "nosuchtype"),
        ("do $$\nbegin\n  perform 1;\n  create table q (id intt);\nend $$;\n", 4, 22, "intt"),
        ("create function f() returns int language plpgsql as $f$\nbegin\n  retrun 1;\nend $f$;\n",
         3, 3, "syntax error"),
        ("create table a (id int);\ncreate table a (id int);\n", 2, 1, "already exists"),
        # a BEGIN ... END "block" outside PL/pgSQL is not a transaction statement
        ("BEGIN\n  create table b (id int);\nEND;\n", 2, 3, "syntax error"),
    ],
)
def test_errors_are_mapped_to_file_line_column(
    tmp_path: Path, scratch_dsn: str, text: str, line: int, col: int, message: str
) -> None:
    folder = write(tmp_path / "m", {"20240101000000_ok.sql": "create table ok (id int);",
                                    "20240102000000_bad.sql": text,
                                    "20240103000000_never.sql": "create table never (id int);"})
    r = rehearse(folder, scratch_dsn=scratch_dsn)
    assert [f.status for f in r.files] == ["applied", "failed", "not_run"]
    err = r.first_failure.error
    assert message in err.message
    if "IF NOT EXISTS" in text or text.startswith("BEGIN"):
        assert "outside PL/pgSQL" in (err.hint or "")
    assert err.where == f"{folder / '20240102000000_bad.sql'}:{line}:{col}"
    # the failed file left nothing behind: its transaction was rolled back
    with psycopg.connect(scratch_dsn) as conn:
        assert conn.execute("select to_regclass('public.a')").fetchone() == (None,)
        assert conn.execute("select to_regclass('public.ok')").fetchone() == ("ok",)


def test_notices_and_cascade_drops_are_reported(tmp_path: Path, scratch_dsn: str) -> None:
    folder = write(tmp_path / "m", {
        "1_a.sql": "create type c as enum ('x');\ncreate table t (id int, k c);\n",
        "2_b.sql": "do $$\nbegin\n  raise notice 'hello %', 'there';\nend $$;\n"
                   "drop type c cascade;\ncreate type c as enum ('x', 'y');\n",
    })
    r = rehearse(folder, scratch_dsn=scratch_dsn)
    b = r.file("2_b.sql")
    hello = next(n for n in b.notices if "hello there" in n.message)
    assert hello.where.endswith("2_b.sql:3:3")
    assert any("drop cascades to column k" in n.message for n in b.notices)
    assert any("column public.t.k" in w for w in b.warnings)
    assert ("dropped (cascade)", "table column", "public.t.k") in {
        (d.action, d.object_type, d.identity) for d in b.delta}


def test_missing_extension_is_a_clear_result_and_stubs_rehearse_the_rest(
    tmp_path: Path, pg_server: Server
) -> None:
    folder = write(tmp_path / "m", {
        "20240101000000_cron.sql": "create extension if not exists pg_cron;\n"
                                   "select cron.schedule('nightly', '0 3 * * *', 'select 1');\n"
                                   "create table jobs_log (id int);\n",
        "20240102000000_net.sql": "create extension if not exists pg_net with schema extensions;\n"
                                  "create function ping() returns bigint language sql as\n"
                                  "$$ select net.http_get('https://example.com') $$;\n",
    })
    r = rehearse(folder, server=pg_server, stubs=False)
    first = r.files[0]
    assert first.status == "needs_extension" and first.needs_extensions == ["pg_cron"]
    assert "needs extension pg_cron" in first.error.message
    assert first.error.where.endswith("20240101000000_cron.sql:1:1")
    assert "Supabase provides it" in (first.error.hint or "")
    assert r.files[1].status == "not_run"

    r = rehearse(folder, server=pg_server)  # the default stands in for platform extensions
    assert [f.status for f in r.files] == ["applied", "applied"]
    # what Supabase preinstalls is stubbed up front when the server lacks it
    assert set(r.stubs) - {"pgcrypto", "uuid-ossp", "pg_graphql", "supabase_vault"} == {
        "pg_cron", "pg_net"}
    assert r.files[0].stubs == ["pg_cron"]
    assert any("replaced by the pgprobe stub of pg_cron" in s for s in r.files[0].skipped)
    assert r.ok


def test_real_project_style_folder_rehearses_without_crashing(
    tmp_path: Path, pg_server: Server
) -> None:
    folder = real_project(tmp_path / "proj")
    r = rehearse(folder, server=pg_server, stubs=True)
    assert [f.filename for f in r.files][0] == "0001_extensions.sql"
    assert "README.md" not in [f.filename for f in r.files]
    assert all(f.status == "applied" for f in r.files), r.summary()
    assert not r.silent_failures, r.summary()
    profiles = r.file("20230101000000_profiles.sql")
    assert any("BEGIN skipped" in s for s in profiles.skipped)
    conc = r.file("20230102_concurrently.sql")
    assert any("cannot run in a transaction" in w for w in conc.warnings)
    big = r.file("20230103000000_big.sql")
    assert big.statements == 801 and len([d for d in big.delta if d.object_type == "table"]) == 600
    assert r.frame().shape[0] == len(r.files)


def test_target_is_untouched_by_a_rehearsal_seeded_from_it(
    tmp_path: Path, pg_server: Server, demo_dsn: str
) -> None:
    before = snapshot(demo_dsn)
    folder = write(tmp_path / "m", {
        "20990101000000_change.sql": "alter table public.tickets add column extra text;\n"
                                     "drop table public.labels cascade;\n"
                                     "create table public.brand_new (id int);\n"})
    r = rehearse(folder, demo_dsn, server=pg_server)
    assert r.ok, r.summary() + "\n" + "\n".join(r.seed_warnings[:5])
    assert "schema of" in r.base
    change = r.files[0]
    assert ("created", "table", "public.brand_new") in {
        (d.action, d.object_type, d.identity) for d in change.delta}
    assert ("dropped", "table", "public.labels") in {
        (d.action, d.object_type, d.identity) for d in change.delta}
    after = snapshot(demo_dsn)
    assert after == before
    assert not after.has_table("public.brand_new") and after.has_table("public.labels")


def test_rehearsal_seeded_from_a_snapshot(tmp_path: Path, pg_server: Server, demo_snapshot) -> None:
    folder = write(tmp_path / "m", {
        "20990101000000_more.sql": "create index tickets_title_idx on public.tickets (title);\n"
                                   "alter table public.ai_analyses add column note text;\n"})
    r = rehearse(folder, demo_snapshot, server=pg_server)
    assert r.ok, r.summary() + "\n" + "\n".join(r.seed_warnings[:10])


def test_refuses_a_scratch_database_that_is_not_empty(tmp_path: Path, demo_dsn: str) -> None:
    folder = write(tmp_path / "m", {"1_a.sql": "create table a (id int);"})
    with pytest.raises(InputError, match="not empty"):
        rehearse(folder, scratch_dsn=demo_dsn)


def test_progress_callback(tmp_path: Path, scratch_dsn: str) -> None:
    folder = write(tmp_path / "m", {"1_a.sql": "create table a (id int);",
                                    "2_b.sql": "create table b (id int);"})
    seen: list[tuple[int, int, str]] = []
    rehearse(folder, scratch_dsn=scratch_dsn, progress=lambda i, n, f: seen.append((i, n, f.status)))
    assert seen == [(1, 2, "applied"), (2, 2, "applied")]


def test_snapshots_option_attaches_a_diff_per_file(tmp_path: Path, scratch_dsn: str) -> None:
    folder = write(tmp_path / "m", {"1_a.sql": "create table a (id int primary key);",
                                    "2_b.sql": "alter table a add column note text;"})
    r = rehearse(folder, scratch_dsn=scratch_dsn, snapshots=True)
    first, second = r.files
    assert first.diff is not None and "public.a" in first.diff.paths()
    assert any(p.startswith("public.a.columns.note") for p in second.diff.paths())
    assert not any(p.startswith("pgprobe_rehearsal") for p in second.diff.paths())


def test_demo_migrations_rehearsal(pg_server: Server) -> None:
    from pgprobe import demo

    r = rehearse(demo.migrations_dir(), server=pg_server)
    # Supabase's order puts 028 first: it fails on a table that does not exist yet
    assert r.first_failure is r.files[0] and r.files[0].filename.startswith("028_")
    assert "does not exist" in r.files[0].error.message
    assert all(f.status == "not_run" for f in r.files[1:])

    r = rehearse(demo.migrations_dir(), server=pg_server, stop_on_error=False)
    by_name = {f.filename.split("_", 1)[1]: f for f in r.files}
    assert by_name["ai_analyses.sql"].status == "failed"
    assert by_name["ai_analyses.sql"].error.where.endswith("20250120090000_ai_analyses.sql:6:1")
    retry = by_name["ai_analyses_retry.sql"]
    assert retry.silent_failure, r.summary()
    assert any(c.declared.name == "public.ai_analyses" and c.status == "missing"
               for c in retry.headline_problems)
    assert by_name["ai_analyses_basic.sql"].status == "applied"
    assert not by_name["ai_analyses_basic.sql"].silent_failure
    assert by_name["realtime_monitoring_v2.sql"].status == "failed"
    assert "already exists" in by_name["realtime_monitoring_v2.sql"].error.message
    v3 = by_name["force_realtime_monitoring_v3.sql"]
    assert v3.status == "applied" and not v3.problems
    assert any("drop cascades to column contact" in n.message for n in v3.notices)


def test_session_settings_behave_like_a_supabase_project(tmp_path: Path, pg_server: Server) -> None:
    folder = write(tmp_path / "m", {
        # `supabase db pull` writes files like this one: empty search_path, then RESET ALL
        "20231106070403_remote_schema.sql":
            "SELECT pg_catalog.set_config('search_path', '', false);\n"
            "SET check_function_bodies = false;\n"
            'CREATE TABLE IF NOT EXISTS "public"."profiles" ("id" "uuid" NOT NULL);\n'
            "RESET ALL;\n",
        # unqualified names resolve through "$user", public, extensions again
        "20231107000000_next.sql": "create table notes (id uuid default extensions.gen_random_uuid());\n"
                                   "select count(*) from profiles;\n",
        # function bodies are checked when created (check_function_bodies is back on)
        "20231108000000_bad_function.sql":
            "create function public.count_missing() returns bigint language sql as\n"
            "$$ select count(*) from public.no_such_table $$;\n",
    })
    r = rehearse(folder, server=pg_server, stubs=True)
    assert [f.status for f in r.files] == ["applied", "applied", "failed"], r.summary()
    assert "no_such_table" in r.files[2].error.message
    assert r.files[2].error.where.endswith("20231108000000_bad_function.sql:2:25")


def test_transaction_statements_and_extensions_inside_do_blocks(tmp_path: Path,
                                                               scratch_dsn: str) -> None:
    folder = write(tmp_path / "m", {
        "1_tx.sql": "begin;\ncreate table a (id int);\nrollback;\n",
        "2_do.sql": "do $$\nbegin\n  create extension if not exists pg_cron;\nend $$;\n",
    })
    r = rehearse(folder, scratch_dsn=scratch_dsn, stop_on_error=False)
    tx, do = r.files
    # BEGIN inside the file's implicit transaction changes nothing; ROLLBACK really undoes
    assert tx.status == "applied" and len(tx.skipped) == 1 and not tx.silent_failure
    assert any("ROLLBACK in a migration" in w for w in tx.warnings)
    assert ("created", "table", "public.a") not in {
        (d.action, d.object_type, d.identity) for d in tx.delta}
    assert do.status == "failed" and do.error.where.endswith("2_do.sql:3:3")
    assert "pg_cron" in do.error.message and "extension pg_cron" in (do.error.hint or "")


def test_with_a_base_only_pending_files_are_rehearsed_like_db_push(
    tmp_path: Path, pg_server: Server, demo_dsn: str, demo_snapshot
) -> None:
    from pgprobe import demo

    for base in (demo_dsn, demo_snapshot):
        r = rehearse(demo.migrations_dir(), base, server=pg_server, stop_on_error=False)
        status = {f.version: f.status for f in r.files}
        applied_in_demo = {m.version for m in demo_snapshot.migrations}
        assert {v for v, s in status.items() if s == "already_applied"} == (
            applied_in_demo & set(status))
        # 028 runs against the real schema now: its column exists (IF NOT EXISTS), but
        # CREATE INDEX CONCURRENTLY runs outside the file's transaction
        old = r.file("028_ticket_parent_index.sql")
        assert old.status == "applied", r.summary()
        assert any("--include-all" in w for w in old.warnings)
        assert any("cannot run in a transaction" in w for w in old.warnings)
        v2 = r.file("20250128100000_realtime_monitoring_v2.sql")
        assert v2.status == "failed" and "already exists" in v2.error.message
        assert "already applied in the base" in r.summary()


def test_rerun_check_reports_files_that_cannot_run_twice(tmp_path: Path, scratch_dsn: str) -> None:
    folder = write(tmp_path / "m", {
        "1_guarded.sql": "create table if not exists a (id int);\n"
                         "do $$ begin create type mood as enum ('ok');\n"
                         "exception when duplicate_object then null; end $$;\n",
        "2_plain.sql": "create table b (id int);\n\ncreate type b_kind as enum ('x');\n",
    })
    r = rehearse(folder, scratch_dsn=scratch_dsn, check_rerun=True)
    guarded, plain = r.files
    assert guarded.rerunnable is True and guarded.rerun_error is None
    assert plain.rerunnable is False
    assert plain.rerun_error.where.endswith("2_plain.sql:1:1")
    assert "already exists" in plain.rerun_error.message
    assert r.ok                                   # informational, not a failure
    assert "NOT RE-RUNNABLE 2_plain.sql" in r.summary()
    # the second run was rolled back: nothing duplicated, no extra history
    with psycopg.connect(scratch_dsn) as conn:
        assert conn.execute("select count(*) from supabase_migrations.schema_migrations"
                            ).fetchone() == (2,)


def test_the_rehearsal_database_is_marked_scratch(tmp_path: Path, pg_server: Server) -> None:
    """pgprobe's own throwaway database is scratch (PostgREST probes may write to it); the
    server it runs on is untouched otherwise."""
    from pgprobe._scratch import is_scratch

    folder = write(tmp_path / "m", {"001_t.sql": "create table public.t (id int);"})
    r = rehearse(folder, server=pg_server, keep=True, supabase=False)
    try:
        with psycopg.connect(pg_server.dsn(r.database)) as conn:
            assert is_scratch(conn)
    finally:
        pg_server.drop_database(r.database)
