"""Empty answers explain themselves: grants, row level security, JWT claims, empty embeds.

Every count asserted here is read from the database by the test itself (as the owner), so the
explanation's "the owner sees N" is checked against the real table, not a remembered number.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from pgprobe.catalog import snapshot
from pgprobe.postgrest import EmptyReason, request

CFG = {"db-schemas": "public", "db-anon-role": "anon"}


def count(dsn: str, sql: str) -> int:
    with psycopg.connect(dsn) as conn:
        row = conn.execute(sql).fetchone()
    assert row is not None
    return int(row[0])


# -- the demo: the postmortem's tables -------------------------------------------------------

def test_rls_without_any_policy_says_so_and_counts_what_the_owner_sees(demo_dsn: str) -> None:
    r = request(demo_dsn, "GET", "/monitoring_events", config=CFG)
    assert r.status == 200 and r.body == []
    [reason] = r.empty
    assert isinstance(reason, EmptyReason)
    assert (reason.kind, reason.table, reason.role) == ("rls-no-policy",
                                                        "public.monitoring_events", "anon")
    owner_sees = count(demo_dsn, "select count(*) from monitoring_events")
    assert owner_sees > 0
    assert (reason.seen_by, reason.seen_as, reason.seen_count) == ("postgres", "owner",
                                                                   owner_sees)
    assert reason.summary.startswith("0 rows: RLS on public.monitoring_events has no policy")
    assert reason.summary.endswith(f"the owner (postgres) sees {owner_sees}")


def test_policy_for_other_roles_only(demo_dsn: str) -> None:
    r = request(demo_dsn, "GET", "/ticket_activities?select=id", config=CFG)
    [reason] = r.empty
    assert reason.kind == "rls-no-policy-for-role"
    assert any("Activities follow their ticket for authenticated" in p for p in reason.policies)
    assert reason.seen_count == count(demo_dsn, "select count(*) from ticket_activities")


def test_policy_false_for_this_jwt_names_the_missing_claim(demo_dsn: str) -> None:
    r = request(demo_dsn, "GET", "/tickets?select=id", role="authenticated", config=CFG)
    [reason] = r.empty
    assert reason.kind == "rls-policy-false" and reason.missing_claims == ("sub",)
    assert "auth.uid() is null" in reason.summary
    assert reason.seen_count == count(demo_dsn, "select count(*) from tickets")
    # the same request with the 'sub' of a ticket's creator returns rows and no reason
    with psycopg.connect(demo_dsn) as conn:
        row = conn.execute("select created_by::text from tickets where created_by is not null "
                           "limit 1").fetchone()
    assert row is not None
    ok = request(demo_dsn, "GET", "/tickets?select=id", role="authenticated",
                 claims={"sub": row[0]}, config=CFG)
    assert ok.body and ok.empty == []


def test_no_matching_rows_is_not_blamed_on_rls(demo_dsn: str) -> None:
    r = request(demo_dsn, "GET", "/tickets?id=eq.-1", config=CFG)
    [reason] = r.empty
    assert (reason.kind, reason.seen_count) == ("no-matching-rows", 0)
    assert "sees 0 too" in reason.summary


def test_embed_that_rls_empties_is_explained(demo_dsn: str) -> None:
    r = request(demo_dsn, "GET", "/tickets?select=id,ticket_activities(id)", config=CFG)
    assert r.status == 200 and r.body
    [reason] = r.empty
    assert reason.embed == "ticket_activities" and reason.kind == "rls-no-policy-for-role"
    assert reason.empty_count == reason.total_count == len(r.body)
    assert reason.seen_count and reason.seen_count > 0
    assert f"is [] in {len(r.body)} of {len(r.body)} rows" in reason.summary


def test_missing_grant_is_explained_next_to_42501(demo_dsn: str) -> None:
    r = request(demo_dsn, "GET", "/ai_analyses", config=CFG)
    assert r.error is not None and r.error["code"] == "42501"
    [reason] = r.empty
    assert (reason.kind, reason.table) == ("no-select-grant", "public.ai_analyses")
    assert reason.summary.startswith("42501: anon has no SELECT privilege")


def test_a_full_answer_has_no_reasons_and_explain_empty_false_skips(demo_dsn: str) -> None:
    r = request(demo_dsn, "GET", "/tickets?select=id", role="service_role", config=CFG)
    assert r.body and r.empty == []
    r = request(demo_dsn, "GET", "/monitoring_events", config=CFG, explain_empty=False)
    assert r.body == [] and r.empty == []


# -- the class, beyond the demo: a scratch database with its own roles -----------------------

@pytest.fixture()
def roles_db(scratch_dsn: str) -> Iterator[tuple[str, str, str]]:
    """(dsn, reader, member): a reader role and a role that inherits from it."""
    tag = uuid.uuid4().hex[:8]
    reader, member = f"pgp_reader_{tag}", f"pgp_member_{tag}"
    with psycopg.connect(scratch_dsn, autocommit=True) as conn:
        conn.execute(f"create role {reader} nologin")
        conn.execute(f"create role {member} nologin in role {reader}")
        conn.execute(f"""
            create table notes (id int primary key, title text, secret text);
            insert into notes select g, 't' || g, 's' || g from generate_series(1, 5) g;
            grant select (id, title) on notes to {reader};
            create table vault (id int primary key);
            insert into vault select generate_series(1, 4);
            alter table vault enable row level security;
            create policy nobody on vault for select to {reader} using (false);
            grant select on vault to {reader};
            create table team_docs (id int primary key, team text);
            insert into team_docs values (1, 'a'), (2, 'a'), (3, 'b');
            alter table team_docs enable row level security;
            create policy by_team on team_docs for select to {reader}
                using (team = current_setting('request.jwt.claims', true)::json ->> 'team');
            grant select on team_docs to {reader};
            create table forced (id int primary key);
            insert into forced values (1), (2);
            alter table forced enable row level security;
            alter table forced force row level security;
            grant select on forced to {reader};
            create table parent (id int primary key);
            create table child (id int primary key, parent_id int references parent);
            insert into parent values (1), (2);
            insert into child values (10, 1), (11, 1), (12, 2);
            alter table child enable row level security;
            grant select on parent, child to {reader};
            create view vault_view with (security_invoker = true) as select * from vault;
            grant select on vault_view to {reader};
        """)
    try:
        yield scratch_dsn, reader, member
    finally:
        with psycopg.connect(scratch_dsn, autocommit=True) as conn:
            for role in (member, reader):
                conn.execute(f"drop owned by {role}")
                conn.execute(f"drop role {role}")


def _ask(dsn: str, path: str, role: str, claims: dict[str, Any] | None = None) -> Any:
    return request(dsn, "GET", path, role=role, claims=claims, config=CFG)


def test_column_grant(roles_db: tuple[str, str, str]) -> None:
    dsn, reader, _ = roles_db
    r = _ask(dsn, "/notes", reader)
    assert r.error is not None and r.error["code"] == "42501"
    [reason] = r.empty
    assert (reason.kind, reason.columns) == ("column-grant", ("id", "title"))
    assert _ask(dsn, "/notes?select=id,title", reader).empty == []


def test_using_false_for_the_role(roles_db: tuple[str, str, str]) -> None:
    dsn, reader, _ = roles_db
    [reason] = _ask(dsn, "/vault", reader).empty
    assert reason.kind == "rls-policy-false" and reason.policies == ("nobody: USING (false)",)
    assert reason.missing_claims == () and reason.seen_count == 4


def test_policy_reading_a_custom_claim(roles_db: tuple[str, str, str]) -> None:
    dsn, reader, _ = roles_db
    [reason] = _ask(dsn, "/team_docs", reader).empty
    assert reason.kind == "rls-policy-false" and reason.missing_claims == ("team",)
    r = _ask(dsn, "/team_docs", reader, {"team": "a"})
    assert len(r.body) == 2 and r.empty == []


def test_inherited_role_gets_the_parent_roles_policies(roles_db: tuple[str, str, str]) -> None:
    dsn, reader, member = roles_db
    snap = snapshot(dsn)
    assert reader in snap.inherited_roles(member)
    r = _ask(dsn, "/team_docs", member, {"team": "b"})
    assert len(r.body) == 1 and r.empty == []
    [reason] = _ask(dsn, "/vault", member).empty
    assert reason.kind == "rls-policy-false" and reason.role == member


def test_forced_rls_is_counted_by_a_role_that_bypasses_it(roles_db: tuple[str, str, str]) -> None:
    dsn, reader, _ = roles_db
    [reason] = _ask(dsn, "/forced", reader).empty
    assert reason.kind == "rls-no-policy"
    assert reason.seen_as in ("superuser", "BYPASSRLS") and reason.seen_count == 2


def test_nested_embed_emptied_by_rls(roles_db: tuple[str, str, str]) -> None:
    dsn, reader, _ = roles_db
    r = _ask(dsn, "/parent?select=id,kids:child(id)", reader)
    assert [row["kids"] for row in r.body] == [[], []]
    [reason] = r.empty
    assert (reason.embed, reason.table, reason.kind) == ("kids", "public.child", "rls-no-policy")
    assert reason.seen_count == 2 and reason.empty_count == 2  # both parents have children
    r = _ask(dsn, "/child?select=id,parent(id)", reader)
    assert r.body == [] and r.empty[0].kind == "rls-no-policy"


def test_single_object_over_no_row_is_explained(demo_dsn: str) -> None:
    """``.single()`` (Accept: vnd.pgrst.object) answers PGRST116 when RLS hides the row."""
    with psycopg.connect(demo_dsn) as conn:
        row = conn.execute("select id from monitoring_events limit 1").fetchone()
    assert row is not None
    r = request(demo_dsn, "GET", f"/monitoring_events?id=eq.{row[0]}", config=CFG,
                headers={"Accept": "application/vnd.pgrst.object+json"})
    assert r.error is not None and r.error["code"] == "PGRST116"
    [reason] = r.empty
    assert (reason.kind, reason.seen_count) == ("rls-no-policy", 1)


def test_view_over_a_filtered_table(roles_db: tuple[str, str, str]) -> None:
    """A security-invoker view: the catalog of the view hides nothing, the counts tell."""
    dsn, reader, _ = roles_db
    [reason] = _ask(dsn, "/vault_view", reader).empty
    assert (reason.kind, reason.seen_by, reason.seen_count) == ("filtered", "postgres", 4)
    assert reason.summary == (f"0 rows: {reader} sees fewer rows of public.vault_view than "
                              "postgres does; the owner (postgres) sees 4")


def test_claims_name_the_role_as_a_jwt_would(demo_dsn: str) -> None:
    """Claims with a ``role`` and no explicit role run as that role (PostgREST's
    jwt-role-claim-key), so the reason names it."""
    r = request(demo_dsn, "GET", "/tickets?select=id", claims={"role": "authenticated"},
                config=CFG)
    assert r.role == "authenticated"
    assert [(e.kind, e.role, e.missing_claims) for e in r.empty] == [
        ("rls-policy-false", "authenticated", ("sub",))]
