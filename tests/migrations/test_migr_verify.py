"""verify() and history() against the demo database (read-only) and modified copies."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from pgprobe import demo
from pgprobe.catalog import Snapshot, snapshot
from pgprobe.migrations import history, verify
from pgprobe.migrations._verify import HISTORY_COLUMNS, VERIFY_COLUMNS

from ._folders import write


@pytest.fixture(scope="module")
def demo_history(demo_snapshot: Snapshot):
    return history(demo_snapshot, demo.migrations_dir()).set_index("version")


def test_history_table_against_the_demo(demo_history, demo_snapshot: Snapshot) -> None:
    h = demo_history
    assert list(h.reset_index().columns) == HISTORY_COLUMNS
    files = {p.name.split("_", 1)[0] for p in demo.migrations_dir().glob("*.sql")}
    remote = {m.version for m in demo_snapshot.migrations or ()}
    assert set(h.index) == files | remote
    last = max(remote, key=int)
    for version in files - remote:                       # pending
        row = h.loc[version]
        assert row["status"].startswith("pending")
        if int(version) < int(last):
            assert "out of order" in row["status"]
            assert "--include-all" in row["fix"] or "repair --status applied" in row["fix"]
    for version in remote - files:                       # in the history, no file
        row = h.loc[version]
        assert row["status"] == "unknown to the files"
        assert f"supabase migration repair --status reverted {version}" in row["fix"]
    for version in files & remote:
        assert h.loc[version]["status"].startswith("applied")


def test_history_flags_the_hotfix_and_the_edited_file(demo_history) -> None:
    h = demo_history
    hotfix = h.loc["20250125000000"]
    assert hotfix["status"] == "unknown to the files"
    assert "parent_ticket_id" in hotfix["note"]
    assert "recorded objects present" in hotfix["objects"]
    retry = h.loc["20250120093000"]
    assert "content changed since applied" in retry["status"]
    assert "supabase migration fetch" in retry["fix"]
    old = h.loc["028"]
    assert old["status"].startswith("pending (out of order)")
    assert "14-digit" in old["note"]


def test_verify_the_demo_reports_what_the_pending_files_would_add(demo_snapshot) -> None:
    df = verify(demo_snapshot, demo.migrations_dir())
    assert list(df.columns) == VERIFY_COLUMNS
    assert set(df["status"]) <= {"missing", "different", "unknown"}
    # the database never got 028's CONCURRENTLY index (the file is still pending)
    row = df[df["object"].str.contains("tickets_parent_ticket_id_idx")]
    assert list(row["status"]) == ["missing"] and list(row["file"]) == ["028_ticket_parent_index.sql"]


def test_verify_finds_objects_changed_behind_the_migrations(scratch_demo_dsn: str) -> None:
    with psycopg.connect(scratch_demo_dsn, autocommit=True) as conn:
        conn.execute('drop policy "Users can view their own analyses" on public.ai_analyses')
        conn.execute("alter table public.ai_analyses disable row level security")
        conn.execute("alter table public.labels alter column color type varchar(7)")
        conn.execute("alter publication supabase_realtime drop table public.monitoring_events")
        conn.execute("revoke insert on public.ai_analyses from authenticated")
        conn.execute('alter policy "Agents read the queue" on public.message_queue to anon')
        conn.execute("drop index public.tickets_status_idx")
    df = verify(scratch_demo_dsn, demo.migrations_dir())
    got = {(r.kind, r.object, r.status) for r in df.itertuples()}
    assert ("policy", "public.ai_analyses: Users can view their own analyses", "missing") in got
    assert ("rls", "public.ai_analyses", "different") in got
    assert ("column", "public.labels.color", "different") in got
    assert ("publication_member", "public.monitoring_events in publication supabase_realtime",
            "missing") in got
    assert ("grant", "public.ai_analyses: INSERT to authenticated", "missing") in got
    assert ("policy", "public.message_queue: Agents read the queue", "different") in got
    assert ("index", "public.tickets: public.tickets_status_idx", "missing") in got
    color = df[df["object"] == "public.labels.color"].iloc[0]
    assert color["expected"] == "column of type text"
    assert color["actual"] == "column of type character varying(7)"
    assert color["file"] == "20250115120000_labels.sql" and color["line"] == 2


def test_history_without_a_history_table(tmp_path: Path, scratch_dsn: str) -> None:
    folder = write(tmp_path / "m", {"20240101000000_a.sql": "create table a (id int);",
                                    "20240102000000_b.sql": "create table b (id int);"})
    with psycopg.connect(scratch_dsn, autocommit=True) as conn:
        conn.execute("create table a (id int)")
    h = history(snapshot(scratch_dsn), folder).set_index("version")
    assert h.loc["20240101000000"]["status"] == "pending, objects already present"
    assert h.loc["20240101000000"]["fix"] == "supabase migration repair --status applied 20240101000000"
    assert h.loc["20240102000000"]["status"] == "pending"
    assert h.loc["20240102000000"]["fix"] == "supabase db push"
    assert "no supabase_migrations.schema_migrations" in h.loc["20240102000000"]["note"]


def test_history_applied_but_objects_missing(tmp_path: Path, scratch_dsn: str) -> None:
    folder = write(tmp_path / "m", {"20240101000000_a.sql": "create table a (id int);",
                                    "20240101000000_dup.sql": "create table d (id int);"})
    with psycopg.connect(scratch_dsn, autocommit=True) as conn:
        conn.execute("create schema supabase_migrations; create table "
                     "supabase_migrations.schema_migrations (version text primary key, "
                     "statements text[], name text)")
        conn.execute("insert into supabase_migrations.schema_migrations values "
                     "('20240101000000', array['create table a (id int)'], 'a')")
    h = history(scratch_dsn, folder).set_index("version")
    row = h.loc["20240101000000"]
    assert "objects missing" in row["status"]
    assert "supabase migration repair --status reverted 20240101000000" in row["fix"]
    assert "several files share this version" in row["note"]


def test_verify_reads_the_supabase_schemas_the_migrations_touch(tmp_path: Path,
                                                                scratch_dsn: str) -> None:
    from pgprobe.migrations import stand_in_sql

    folder = write(tmp_path / "m", {"20240101000000_hook.sql": """
        create function public.handle_new_user() returns trigger language plpgsql
          security definer set search_path = '' as $$ begin return new; end $$;
        create trigger on_auth_user_created after insert on auth.users
          for each row execute procedure public.handle_new_user();
        create trigger on_auth_user_updated after update on auth.users
          for each row execute procedure public.handle_new_user();
    """})
    with psycopg.connect(scratch_dsn, autocommit=True) as conn:
        conn.execute(stand_in_sql())
        conn.execute((folder / "20240101000000_hook.sql").read_text())
        conn.execute("drop trigger on_auth_user_updated on auth.users")
    df = verify(scratch_dsn, folder)
    assert set(zip(df["object"], df["status"], strict=True)) == {
        ("auth.users: on_auth_user_updated", "missing")}


def test_no_false_positives_on_the_benchmark_schema(tmp_path: Path, scratch_dsn: str,
                                                    shared_dir: Path) -> None:
    import subprocess
    import sys

    from pgprobe.migrations import split_statements

    sql = subprocess.run([sys.executable, str(shared_dir / "bench" / "make_schema.py"), "40"],
                         check=True, capture_output=True, text=True).stdout
    stmts = [s.text for s in split_statements(sql)]
    folder = tmp_path / "m"
    folder.mkdir()
    for n, i in enumerate(range(0, len(stmts), 17)):
        (folder / f"{20240101000000 + n}_part.sql").write_text(";\n".join(stmts[i:i + 17]) + ";\n")
    with psycopg.connect(scratch_dsn, autocommit=True) as conn:
        for text in stmts:
            conn.execute(text)
    df = verify(scratch_dsn, folder, include_ok=True)
    assert len(df) > 500 and set(df["status"]) == {"ok"}, df[df["status"] != "ok"].head()
    kinds = set(df["kind"])
    assert {"table", "column", "index", "policy", "rls", "constraint", "type", "grant"} <= kinds
