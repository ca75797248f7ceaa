"""The diff engine on real databases: the demo vs a changed scratch copy of it."""

from __future__ import annotations

import json
import subprocess
import sys

import psycopg
import pytest

from pgprobe.catalog import Snapshot, snapshot
from pgprobe.diff import diff


def run(dsn: str, *statements: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        for s in statements:
            conn.execute(s)  # type: ignore[arg-type]  # fixed test DDL, no user input


def test_demo_against_itself_is_same(demo_dsn: str, demo_snapshot: Snapshot) -> None:
    report = diff(demo_snapshot, demo_dsn)
    assert report.same, report.to_text()
    assert report.exit_code == 0


def test_each_schema_change_shows_up_exactly_once(
    demo_dsn: str, demo_snapshot: Snapshot, scratch_demo_dsn: str
) -> None:
    run(
        scratch_demo_dsn,
        "alter table public.tickets rename column title to name",
        "alter table public.ticket_activities drop constraint ticket_activities_user_id_fkey",
        "alter table public.monitoring_events disable row level security",
        "alter type public.contact_type add value 'webhook'",
        'alter policy "Anyone can read open tickets" on public.tickets to anon, authenticated',
    )
    report = diff(demo_snapshot, scratch_demo_dsn)
    got = {(c.change, c.object_kind, c.path) for c in report}
    expected = {
        ("changed", "column", "public.tickets.columns.title"),
        ("removed", "constraint", "public.ticket_activities.constraints.ticket_activities_user_id_fkey"),
        ("changed", "rls", "public.monitoring_events.rls.enabled"),
        ("changed", "enum", "public.contact_type.labels"),
        ("changed", "policy", "public.tickets.policies.Anyone can read open tickets.roles"),
    }
    assert got == expected, report.to_text()
    assert len(report) == 5, report.to_text()
    by_path = {c.path: c for c in report}
    rename = by_path["public.tickets.columns.title"]
    assert (rename.old, rename.new, rename.hint) == ("title", "name", "renamed to name")
    labels = by_path["public.contact_type.labels"]
    assert labels.new == (*labels.old, "webhook") and labels.severity == "info"
    roles = by_path["public.tickets.policies.Anyone can read open tickets.roles"]
    assert (roles.old, roles.new) == (("anon",), ("anon", "authenticated"))
    assert by_path["public.monitoring_events.rls.enabled"].severity == "error"
    # the same from two live databases (the fingerprint fast path)
    assert diff(demo_dsn, scratch_demo_dsn).changes == report.changes


def test_policy_reformatted_is_not_a_change(demo_snapshot: Snapshot, scratch_demo_dsn: str) -> None:
    # same meaning, different spelling: recreate the policy from hand-formatted SQL
    run(
        scratch_demo_dsn,
        'drop policy "Anyone can read open tickets" on public.tickets',
        'create policy "Anyone can read open tickets" on public.tickets for select to anon '
        "using ( ( STATUS   =  'open' ) )",
    )
    assert diff(demo_snapshot, scratch_demo_dsn).same


def test_grants_publications_indexes_triggers(demo_snapshot: Snapshot, scratch_demo_dsn: str) -> None:
    run(
        scratch_demo_dsn,
        "revoke insert on public.ai_analyses from authenticated",
        "alter publication supabase_realtime drop table public.monitoring_events",
        "drop index public.tickets_status_idx",
        "drop trigger message_queue_touch_updated_at on public.message_queue",
        "alter table public.tickets alter column priority drop not null",
        "create table public.extra (id int primary key)",
    )
    report = diff(demo_snapshot, scratch_demo_dsn)
    got = {(c.change, c.object_kind, c.path) for c in report}
    assert {
        ("removed", "grant", "public.ai_analyses.grants.authenticated.INSERT"),
        ("removed", "publication", "publications.supabase_realtime.tables.public.monitoring_events"),
        ("removed", "index", "public.tickets.indexes.tickets_status_idx"),
        ("removed", "trigger", "public.message_queue.triggers.message_queue_touch_updated_at"),
        ("changed", "column", "public.tickets.columns.priority.nullable"),
        ("added", "table", "public.extra"),
    } <= got, report.to_text()
    # nothing else but the new table's own parts (its grants / pkey travel with the table)
    rest = {g for g in got if not g[2].startswith("public.extra")}
    assert len(rest) == 5, report.to_text()


def test_saved_snapshots_and_cli(tmp_path, demo_snapshot: Snapshot, scratch_demo_dsn: str) -> None:  # type: ignore[no-untyped-def]
    run(scratch_demo_dsn, "alter table public.tickets rename column title to name")
    before, after = tmp_path / "before.json", tmp_path / "after.json"
    demo_snapshot.save(str(before))
    snapshot(scratch_demo_dsn).save(str(after))
    report = diff(str(before), str(after))
    assert report.paths() == ["public.tickets.columns.title"]

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "pgprobe.diff._cli", *args],
                              capture_output=True, text=True, timeout=120)

    out = cli("diff", str(before), str(after), "--format", "json")
    assert out.returncode == 1, out.stderr
    data = json.loads(out.stdout)
    assert [c["path"] for c in data["changes"]] == ["public.tickets.columns.title"]
    out = cli("diff", str(before), str(before))
    assert out.returncode == 0 and out.stdout.strip().endswith("same")
    out = cli("diff", str(before), scratch_demo_dsn, "--format", "markdown")
    assert out.returncode == 1 and "`public.tickets.columns.title`" in out.stdout
    out = cli("diff", str(before), str(tmp_path / "missing.json"))
    assert out.returncode == 2 and "no such file" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_same_schema_on_postgres_15_and_18_compares_equal(pg_flavor: str, demo_dsn: str) -> None:
    """prod on one major version, local on another: version-specific printing (view
    definitions, PG 18's named NOT NULL constraints, PG 17's MAINTAIN privilege) is no change."""
    from pgprobe import demo
    from pgprobe.diff._engine import DEFAULT_EXCLUDE
    from pgprobe.embedded import Server
    from tests._servers import server_directory

    other_flavor = "system" if pg_flavor == "embedded" else "embedded"
    try:
        other = Server.start(other_flavor, server_directory("diff-other"))  # type: ignore[arg-type]
    except Exception as exc:  # noqa: BLE001 - the other flavor may not be installed
        pytest.skip(f"no {other_flavor} server: {exc}")
    try:
        dsn = other.create_database("demo")
        demo.load(dsn)
        a, b = snapshot(demo_dsn), snapshot(dsn)
        assert a.server_version_num // 10000 != b.server_version_num // 10000
        # The Supabase stand-in installs pgcrypto and uuid-ossp where the server has them (the
        # system PostgreSQL does, the embedded wheel does not): extensions are compared apart.
        extensions = diff(a, b, include=["extension"])
        assert {c.path for c in extensions.changes} <= {"extensions.pgcrypto", "extensions.uuid-ossp"}
        report = diff(a, b, exclude=[*DEFAULT_EXCLUDE, "extension"])
        assert report.same, report.to_text()
        # and a real change still shows across versions
        run(dsn, "alter table public.tickets disable row level security")
        assert diff(a, dsn, exclude=[*DEFAULT_EXCLUDE, "extension"]).paths() == [
            "public.tickets.rls.enabled"]
    finally:
        other.stop(remove=True)


def test_live_fast_path_equals_full_diff(demo_dsn: str, demo_snapshot: Snapshot,
                                         scratch_demo_dsn: str) -> None:
    """DSN vs DSN reads only relations whose fingerprints differ: every kind of relation
    change must move the fingerprint, so the report equals the full comparison."""
    from pgprobe.diff._fast import fingerprints, supports_relation_filter

    before = fingerprints(scratch_demo_dsn, None)
    assert before == fingerprints(demo_dsn, None)
    changes = {
        "public.users": "comment on table public.users is 'changed'",
        "public.labels": "comment on column public.labels.color is 'hex'",
        "public.tickets": "alter table public.tickets alter column priority set default 'low'",
        "public.user_profiles": "grant update (bio) on public.user_profiles to anon",
        "public.ticket_labels": "create index on public.ticket_labels (label_id)",
        "public.message_queue": "alter table public.message_queue disable trigger "
                                "message_queue_touch_updated_at",
        "public.ai_analyses": 'alter policy "Users can view their own analyses" on '
                              "public.ai_analyses using (created_by = auth.uid() or false)",
        "public.users_secure": "create or replace view public.users_secure as "
                               "select id, email, full_name, role from public.users where true",
        "public.monitoring_events": "alter table public.monitoring_events force row level security",
        "public.ticket_activities": "alter table public.ticket_activities "
                                    "alter column content type varchar(500)",
    }
    run(scratch_demo_dsn, *changes.values())
    after = fingerprints(scratch_demo_dsn, None)
    assert {k for k in before if before[k] != after.get(k)} == set(changes)
    if not supports_relation_filter():
        pytest.skip("catalog snapshot() has no relations= filter")
    fast = diff(demo_dsn, scratch_demo_dsn)
    full = diff(demo_snapshot, snapshot(scratch_demo_dsn))
    assert fast.changes == full.changes
    assert {c.path.split(".")[0] + "." + c.path.split(".")[1] for c in fast} == set(changes)


def test_foreign_key_changes_explain_postgrest_effects(demo_snapshot: Snapshot,
                                                       scratch_demo_dsn: str) -> None:
    run(scratch_demo_dsn,
        "alter table public.ticket_activities add column merged_into bigint "
        "references public.tickets (id)",
        "alter table public.ai_analyses rename constraint ai_analyses_ticket_id_fkey to aa_ticket_fk")
    report = diff(demo_snapshot, scratch_demo_dsn)
    by_path = {c.path: c for c in report}
    added = by_path["public.ticket_activities.constraints.ticket_activities_merged_into_fkey"]
    assert added.change == "added" and added.severity == "warning"
    assert added.note is not None and "ambiguous (PGRST201)" in added.note
    assert "tickets!ticket_activities_merged_into_fkey" in added.note
    renamed = by_path["public.ai_analyses.constraints.ai_analyses_ticket_id_fkey"]
    assert (renamed.change, renamed.new, renamed.severity) == ("changed", "aa_ticket_fk", "error")
    assert renamed.note == ("PostgREST hints tickets!ai_analyses_ticket_id_fkey stop resolving "
                            "(PGRST200); use tickets!aa_ticket_fk")
    assert "ambiguous" in report.to_text()


def test_function_changes(demo_snapshot: Snapshot, scratch_demo_dsn: str) -> None:
    run(scratch_demo_dsn,
        "create or replace function public.search_tickets(query text) returns setof "
        "public.tickets language sql stable security definer as $$ select * from public.tickets "
        "where title ilike '%' || query || '%' $$",
        "create function public.ticket_titles() returns table(id bigint, title text) "
        "language sql as $$ select id, title from public.tickets $$")
    report = diff(demo_snapshot, scratch_demo_dsn, include={"function"})
    assert {(c.change, c.path) for c in report} == {
        ("changed", "public.search_tickets(query text).security_definer"),
        ("added", "public.ticket_titles()"),
    }, report.to_text()
    before = snapshot(scratch_demo_dsn)
    run(scratch_demo_dsn,
        "create or replace function public.search_tickets(query text default '') returns setof "
        "public.tickets language sql stable security definer as $$ select * from public.tickets "
        "where title ilike '%' || query || '%' $$",
        "drop function public.ticket_titles()",
        "create function public.ticket_titles() returns table(id bigint, name text) "
        "language sql as $$ select id, title from public.tickets $$")
    report = diff(before, scratch_demo_dsn, include={"function"})
    paths = [c.path for c in report]
    assert paths == ["public.search_tickets(query text).args",
                     "public.ticket_titles().args"], report.to_text()
    # a type change of a TABLE column shows in the result, a default's value in arguments
    before = snapshot(scratch_demo_dsn)
    run(scratch_demo_dsn,
        "create or replace function public.search_tickets(query text default 'x') returns setof "
        "public.tickets language sql stable security definer as $$ select * from public.tickets "
        "where title ilike '%' || query || '%' $$",
        "drop function public.ticket_titles()",
        "create function public.ticket_titles() returns table(id bigint, name varchar) "
        "language sql as $$ select id, title from public.tickets $$")
    report = diff(before, scratch_demo_dsn, include={"function"})
    assert [c.path for c in report] == ["public.search_tickets(query text).arguments",
                                        "public.ticket_titles().result"], report.to_text()
