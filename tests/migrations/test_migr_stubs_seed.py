"""Extension stubs, the Supabase stand-in, and seeding a rehearsal from a base."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

import pgprobe.migrations as m
from pgprobe.catalog import snapshot
from pgprobe.diff import diff
from pgprobe.embedded import Server
from pgprobe.migrations import STUBS, rehearse
from pgprobe.migrations._stubs import stub_sql

from ._folders import write


def test_public_names_are_pinned() -> None:
    assert sorted(m.__all__) == sorted([
        "STUBS", "Check", "Declared", "DeltaEntry", "FileResult", "MigrationFile", "Postmortem",
        "Rehearsal", "ServerMessage", "Statement", "expected_state", "history", "lint",
        "migration_files", "postmortem", "rehearse", "split_statements", "stand_in_path",
        "stand_in_sql", "statement_effects", "verify"])
    for name in m.__all__:
        assert getattr(m, name) is not None


@pytest.mark.parametrize("ext", sorted(STUBS))
def test_every_stub_installs(scratch_dsn: str, ext: str) -> None:
    with psycopg.connect(scratch_dsn) as conn:
        conn.execute("create schema if not exists stubs")
        conn.execute(stub_sql(ext, "stubs"))


def test_vector_stub_accepts_typmod_and_operators(scratch_dsn: str) -> None:
    with psycopg.connect(scratch_dsn) as conn:
        conn.execute("create schema if not exists extensions")
        conn.execute(stub_sql("vector", "extensions"))
        conn.execute("set search_path = public, extensions")
        conn.execute("create table docs (id int, embedding vector(1536))")
        conn.execute("insert into docs values (1, '[1,2,3]')")
        assert conn.execute("select embedding <=> embedding from docs").fetchone() == (0.0,)


def test_stand_in_is_idempotent_and_defines_supabase_auth(scratch_dsn: str) -> None:
    with psycopg.connect(scratch_dsn, autocommit=True) as conn:
        conn.execute(m.stand_in_sql())
        conn.execute(m.stand_in_sql())
        roles = {r[0] for r in conn.execute("select rolname from pg_roles")}
        assert {"anon", "authenticated", "service_role", "authenticator", "supabase_admin",
                "supabase_auth_admin", "supabase_storage_admin", "dashboard_user"} <= roles
        cols = {r[0] for r in conn.execute(
            "select column_name from information_schema.columns "
            "where table_schema = 'auth' and table_name = 'users'")}
        assert {"id", "email", "raw_user_meta_data", "raw_app_meta_data", "is_anonymous",
                "confirmed_at", "phone", "banned_until"} <= cols
        conn.execute("set request.jwt.claims = "
                     "'{\"sub\": \"00000000-0000-0000-0000-000000000001\", "
                     "\"role\": \"authenticated\", \"email\": \"a@b.c\"}'")
        got = conn.execute("select auth.uid()::text, auth.role(), auth.email(), "
                           "auth.jwt() ->> 'email'").fetchone()
        assert got == ("00000000-0000-0000-0000-000000000001", "authenticated", "a@b.c", "a@b.c")
        conn.execute("set request.jwt.claim.sub = '00000000-0000-0000-0000-000000000002'")
        assert conn.execute("select auth.uid()::text").fetchone() == (
            "00000000-0000-0000-0000-000000000002",)
        assert conn.execute("select count(*) from pg_publication "
                            "where pubname = 'supabase_realtime'").fetchone() == (1,)
        assert conn.execute("select storage.foldername('a/b/c.png'), "
                            "storage.extension('a/b/c.png')").fetchone() == (["a", "b"], "png")


def test_undefined_extension_object_gets_a_hint(tmp_path: Path, scratch_dsn: str) -> None:
    folder = write(tmp_path / "m", {
        "1_docs.sql": "create table docs (id int, embedding public.vector(3));\n"})
    r = rehearse(folder, scratch_dsn=scratch_dsn)
    err = r.files[0].error
    assert r.files[0].status == "failed" and 'type "public.vector" does not exist' in err.message
    # vector is offered but not enabled on Supabase: enabling it is the user's job
    assert "extension vector" in err.hint and 'create extension if not exists "vector"' in err.hint


@pytest.mark.parametrize("kind", ["dsn", "snapshot"])
def test_seeded_scratch_reproduces_the_base(pg_server: Server, demo_dsn: str, demo_snapshot,
                                            tmp_path: Path, kind: str) -> None:
    folder = write(tmp_path / "m", {"1_noop.sql": "select 1;"})
    base = demo_dsn if kind == "dsn" else demo_snapshot
    r = rehearse(folder, base, server=pg_server, keep=True)
    try:
        assert r.ok and not r.seed_warnings, r.seed_warnings[:5]
        report = diff(demo_snapshot, snapshot(r.dsn))
        # only the stand-in's extras may differ: its schemas, and the extensions Supabase
        # preinstalls when the server has them
        from pgprobe.migrations._platform import PREINSTALLED

        extras = {(c.change, c.object_kind, c.path) for c in report.changes}
        assert all(change == "added" and (kind == "schema" or path in {
            f"extensions.{e}" for e in PREINSTALLED}) for change, kind, path in extras), (
            report.to_text())
    finally:
        pg_server.drop_database(r.dsn.split("/")[-1].split("?")[0])


def test_base_roles_are_created_on_another_server(tmp_path: Path, scratch_dsn: str,
                                                  pg_flavor: str) -> None:
    with psycopg.connect(scratch_dsn, autocommit=True) as conn:
        conn.execute("do $$ begin create role pgprobe_test_editor nologin; "
                     "exception when duplicate_object then null; end $$")
        conn.execute("create table public.docs (id int)")
        conn.execute("alter table public.docs enable row level security")
        conn.execute("create policy editors on public.docs to pgprobe_test_editor using (true)")
        conn.execute("grant select on public.docs to pgprobe_test_editor")
    base = snapshot(scratch_dsn)
    folder = write(tmp_path / "m", {"1_more.sql": "\ufeffalter table public.docs add column t text;"})
    other = Server.start(pg_flavor, tmp_path / "other")  # type: ignore[arg-type]
    try:
        r = rehearse(folder, base, server=other)
        assert r.ok and not r.seed_warnings, r.summary() + str(r.seed_warnings)
    finally:
        other.stop(remove=True)
