"""The demo snapshot's facts, one by one: what the postmortems' authors could not see."""

from __future__ import annotations

import pytest

from pgprobe import NotFoundError, Snapshot
from pgprobe.catalog import snapshot


def test_tickets_has_title_and_no_name(demo_snapshot: Snapshot) -> None:
    tickets = demo_snapshot.table("public.tickets")
    assert tickets.column("title").type == "text"
    assert not tickets.column("title").nullable
    with pytest.raises(NotFoundError) as err:
        tickets.column("name")
    assert "did you mean title" in str(err.value)
    assert err.value.suggestions == ["title"]


def test_ticket_activities_fk_has_the_default_name(demo_snapshot: Snapshot) -> None:
    activities = demo_snapshot.table("public.ticket_activities")
    fks = {fk.name: fk for fk in activities.foreign_keys}
    assert "ta_ticket_id_fkey" not in fks
    fk = fks["ticket_activities_ticket_id_fkey"]
    assert fk.columns == ("ticket_id",)
    assert fk.ref == "public.tickets" and fk.ref_columns == ("id",)
    assert fk.on_delete == "cascade"


def test_tickets_points_at_users_twice(demo_snapshot: Snapshot) -> None:
    fks = demo_snapshot.table("public.tickets").foreign_keys
    to_users = sorted((fk.name, fk.columns) for fk in fks if fk.ref == "public.users")
    assert to_users == [("tickets_assignee_fkey", ("assignee",)),
                        ("tickets_created_by_fkey", ("created_by",))]


def test_view_is_a_view_with_its_definition(demo_snapshot: Snapshot) -> None:
    view = demo_snapshot.table("public.users_secure")
    assert view.kind == "view" and view.is_view
    assert view.column_names == ("id", "email", "full_name", "role")
    assert "public.users" in (view.view_definition or "")


def test_policies_and_their_roles(demo_snapshot: Snapshot) -> None:
    ai = demo_snapshot.table("public.ai_analyses")
    assert ai.rls_enabled and not ai.rls_forced
    policies = {p.name: p for p in ai.policies}
    assert set(policies) == {"Users can view their own analyses",
                             "Users can insert their own analyses",
                             "Service role manages analyses"}
    view = policies["Users can view their own analyses"]
    assert (view.command, view.roles, view.permissive) == ("select", ("authenticated",), True)
    assert view.using == "created_by = auth.uid()"
    assert policies["Users can insert their own analyses"].with_check == "created_by = auth.uid()"
    assert policies["Service role manages analyses"].command == "all"


def test_rls_enabled_without_policy_is_visible(demo_snapshot: Snapshot) -> None:
    events = demo_snapshot.table("public.monitoring_events")
    assert events.rls_enabled and events.policies == ()


def test_grants_per_role(demo_snapshot: Snapshot) -> None:
    grants = {(g.grantee, g.privilege) for g in demo_snapshot.table("public.ai_analyses").grants}
    assert ("authenticated", "select") in grants and ("authenticated", "insert") in grants
    assert ("authenticated", "delete") not in grants
    assert not any(grantee == "anon" for grantee, _ in grants)
    assert ("service_role", "delete") in grants


def test_enums_and_enum_columns(demo_snapshot: Snapshot) -> None:
    assert demo_snapshot.enum("public.contact_type").labels == ("email", "sms", "push")
    column = demo_snapshot.table("public.ai_analyses").column("analysis_type")
    assert column.type == "public.ai_analysis_type" and column.type_kind == "enum"


def test_publication_tables(demo_snapshot: Snapshot) -> None:
    pub = demo_snapshot.publication("supabase_realtime")
    assert pub.tables == ("public.message_queue", "public.monitoring_events")
    assert not pub.all_tables


def test_indexes_triggers_and_functions(demo_snapshot: Snapshot) -> None:
    queue = demo_snapshot.table("public.message_queue")
    pending = queue.index("idx_message_queue_pending")
    assert pending.predicate == "status = 'pending'::text" and not pending.unique
    by_priority = queue.index("idx_message_queue_status_priority")
    assert by_priority.columns == ("status", "priority")
    assert by_priority.definition.endswith("USING btree (status, priority DESC)")
    trigger = {t.name: t for t in queue.triggers}["message_queue_touch_updated_at"]
    assert (trigger.timing, trigger.events, trigger.level) == ("before", ("update",), "row")
    assert trigger.function == "public.touch_updated_at"
    search = demo_snapshot.functions_named("public.search_tickets")[0]
    assert search.returns_set and search.return_type_relation == "public.tickets"
    assert search.volatility == "stable" and search.language == "sql"


def test_identity_defaults_and_one_to_one_key(demo_snapshot: Snapshot) -> None:
    tickets = demo_snapshot.table("public.tickets")
    assert tickets.column("id").identity == "by_default"
    assert tickets.column("status").default == "'open'::public.ticket_status"
    profiles = demo_snapshot.table("public.user_profiles")
    assert profiles.primary_key is not None and profiles.primary_key.columns == ("user_id",)


def test_migration_history_rows(demo_snapshot: Snapshot) -> None:
    history = demo_snapshot.migrations
    assert history is not None
    versions = [m.version for m in history]
    assert versions == sorted(versions)
    assert "20250125000000" in versions  # applied from the dashboard, no file
    assert "20250128100000" not in versions  # the v2 file never applied
    hotfix = next(m for m in history if m.version == "20250125000000")
    assert hotfix.name == "hotfix_from_dashboard" and hotfix.statements


def test_supabase_internal_schemas_listed_not_expanded(demo_snapshot: Snapshot) -> None:
    schemas = {s.name: s for s in demo_snapshot.schemas}
    assert schemas["public"].expanded
    assert "auth" in schemas and not schemas["auth"].expanded
    assert not demo_snapshot.has_table("auth.users")


def test_asking_for_an_internal_schema_expands_it(demo_dsn: str) -> None:
    snap = snapshot(demo_dsn, schemas=["public", "auth"])
    assert snap.table("auth.users").column("email").type == "character varying(255)"


def test_unknown_schema_is_one_line_error(demo_dsn: str) -> None:
    with pytest.raises(NotFoundError, match="no schema publc .*did you mean public"):
        snapshot(demo_dsn, schemas=["publc"])


def test_roles_and_server_version(demo_snapshot: Snapshot, pg_flavor: str) -> None:
    roles = {r.name: r for r in demo_snapshot.roles}
    assert roles["service_role"].bypass_rls and not roles["anon"].can_login
    assert set(roles["authenticator"].member_of) >= {"anon", "authenticated", "service_role"}
    major = demo_snapshot.server_version_num // 10000
    assert major == (18 if pg_flavor == "embedded" else 15)


def test_frames(demo_snapshot: Snapshot) -> None:
    frames = demo_snapshot.frames()
    cols = frames.columns
    assert set(cols.columns) >= {"schema", "table", "name", "type", "nullable"}
    assert len(cols) == sum(len(r.columns) for r in demo_snapshot.relations)
    fks = frames.foreign_keys
    assert set(fks["name"]) >= {"tickets_assignee_fkey", "ticket_activities_ticket_id_fkey"}
    assert (frames.policies["table"] == "ai_analyses").sum() == 3
