"""pgprobe.postgrest.request/explain on real databases: SQL, rollback, safety, the demo postmortem."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from pgprobe.postgrest import Config, explain, request

BASE = {"db-schemas": "test", "db-anon-role": "postgrest_test_anonymous",
        "db-extra-search-path": ""}


def test_explain_offline_shows_sql_and_plain_join(pgrst_snapshot: Any) -> None:
    r = explain(pgrst_snapshot, "GET", "/projects?select=id,client:clients(name)&id=eq.1",
                config=BASE)
    assert r.error is None and r.status == 200
    text = r.sql.text
    assert 'LEFT JOIN LATERAL ( SELECT "clients_1"."name" FROM "test"."clients" AS "clients_1"' \
        in text
    assert '"clients_1"."id" = "test"."projects"."client_id"' in text
    assert r.sql.params == ["1"]  # the filter value is a bound parameter
    assert r.plain_sql is not None and 'LEFT JOIN "test"."clients"' in r.plain_sql


def test_explain_reports_embed_errors(pgrst_snapshot: Any) -> None:
    r = explain(pgrst_snapshot, "GET", "/projects?select=*,clientz(*)", config=BASE)
    assert r.status == 400 and r.error["code"] == "PGRST200"
    assert r.headers["Proxy-Status"] == "PostgREST; error=PGRST200"


def test_hostile_identifier_is_a_missing_column(pgrst_conn: Any, pgrst_snapshot: Any) -> None:
    from urllib.parse import quote

    evil = quote('"id; drop table test.projects; --"', safe="")
    r = request(pgrst_conn, "GET", f"/projects?select={evil}", config=BASE,
                snapshot=pgrst_snapshot)
    assert r.status == 400 and r.error["code"] == "42703"
    ok = request(pgrst_conn, "GET", "/projects?select=id&limit=1", config=BASE,
                 snapshot=pgrst_snapshot)
    assert ok.status == 200 and ok.body == [{"id": 1}]


def test_mutations_roll_back_unless_opted_in(pgrst_conn: Any, pgrst_snapshot: Any) -> None:
    cfg = dict(BASE, **{"db-tx-end": "commit"})  # PostgREST would commit; pgprobe does not
    before = request(pgrst_conn, "GET", "/items", headers={"Prefer": "count=exact"},
                     config=cfg, snapshot=pgrst_snapshot).headers["Content-Range"]
    r = request(pgrst_conn, "POST", "/items", body={"id": 9999},
                headers={"Prefer": "return=representation"}, config=cfg,
                snapshot=pgrst_snapshot)
    assert r.status == 201 and r.body == [{"id": 9999}]
    after = request(pgrst_conn, "GET", "/items", headers={"Prefer": "count=exact"},
                    config=cfg, snapshot=pgrst_snapshot).headers["Content-Range"]
    assert before == after


def test_transaction_settings_like_postgrest(pgrst_conn: Any, pgrst_snapshot: Any) -> None:
    r = request(pgrst_conn, "GET", "/rpc/get_current_user", config=BASE,
                snapshot=pgrst_snapshot)
    assert r.status == 200 and r.body == "postgrest_test_anonymous"
    texts = [s.text for s in r.statements]
    assert any("set_config('request.jwt.claims', " in t for t in texts)
    assert texts[0] == "SET TRANSACTION READ ONLY"


def test_config_from_postgrest_conf(tmp_path: Any) -> None:
    p = tmp_path / "postgrest.conf"
    p.write_text('db-schemas = "api, test"\ndb-anon-role = "web_anon"\ndb-max-rows = 50\n')
    cfg = Config.from_file(p)
    assert cfg.schemas == ("api", "test") and cfg.anon_role == "web_anon" and cfg.max_rows == 50


# -- the first postmortem, on the demo database ----------------------------------------
DEMO = {"db-schemas": "public", "db-anon-role": "anon"}


@pytest.fixture(scope="module")
def demo_snap(demo_dsn: str) -> Any:
    from pgprobe.catalog import snapshot

    with psycopg.connect(demo_dsn, autocommit=True) as conn:
        return snapshot(conn)


def test_demo_wrong_constraint_hint_is_pgrst200(demo_snap: Any) -> None:
    r = explain(demo_snap, "GET",
                "/ticket_activities?select=*,ticket:tickets!ta_ticket_id_fkey(title)",
                config=DEMO)
    assert r.status == 400 and r.error["code"] == "PGRST200"
    assert "using the hint 'ta_ticket_id_fkey'" in r.error["details"]


def test_demo_ambiguous_users_embed_is_pgrst201(demo_snap: Any) -> None:
    r = explain(demo_snap, "GET", "/tickets?select=title,users(*)", config=DEMO)
    assert r.status == 300 and r.error["code"] == "PGRST201"
    assert "tickets_assignee_fkey" in r.error["hint"]


def test_demo_fixed_request_runs(demo_dsn: str, demo_snap: Any) -> None:
    r = request(demo_dsn, "GET", "/ticket_activities?select=id,ticket:tickets!"
                "ticket_activities_ticket_id_fkey(title)&limit=2", config=DEMO,
                role="postgres", snapshot=demo_snap)
    assert r.status == 200, r.error
    assert len(r.body) <= 2 and all("ticket" in row for row in r.body)
    assert "LEFT JOIN" in (r.plain_sql or "")


def test_commit_when_asked_and_postgrest_commits(pgrst_server: Any, pgrst_snapshot: Any) -> None:
    cfg = dict(BASE, **{"db-tx-end": "rollback-allow-override"})
    with psycopg.connect(pgrst_server.dsn(), autocommit=True) as conn:
        r = request(conn, "POST", "/items", body={"id": 9998}, config=cfg, commit=True,
                    headers={"Prefer": "tx=commit"}, snapshot=pgrst_snapshot)
        assert r.status == 201
        try:
            got = request(conn, "GET", "/items?id=eq.9998", config=cfg,
                          snapshot=pgrst_snapshot)
            assert got.body == [{"id": 9998}]
        finally:
            conn.execute("delete from test.items where id = 9998")


def test_why_explains_the_postmortem_embed(demo_snap: Any) -> None:
    from pgprobe.postgrest import why

    w = why(demo_snap, "GET", "/ticket_activities?select=*,ticket:tickets!ta_ticket_id_fkey(title)",
            config=DEMO)
    assert w.result.error["code"] == "PGRST200"
    assert w.corrected_path is not None and "ta_ticket_id_fkey" not in w.corrected_path
    fixed = explain(demo_snap, "GET", w.corrected_path, config=DEMO)
    assert fixed.error is None


def test_why_counts_rows_per_role(demo_dsn: str, demo_snap: Any) -> None:
    from pgprobe.postgrest import why

    w = why(demo_dsn, "GET", "/tickets?select=id", roles=["anon", "postgres"], config=DEMO)
    assert set(w.counts) == {"anon", "postgres"}
    assert isinstance(w.counts["postgres"], int) and w.counts["postgres"] > 0
    assert w.rls_enabled is not None


def test_explain_accepts_a_supabase_py_builder(pgrst_snapshot: Any) -> None:
    """A real postgrest-py (supabase-py) builder in place of method and path."""
    postgrest = pytest.importorskip("postgrest")
    from pgprobe.postgrest import from_builder

    client = postgrest.SyncPostgrestClient("http://127.0.0.1:9/rest/v1",
                                           headers={"apikey": "secret"}, schema="test")
    builder = client.from_("projects").select("id,clients(name)").eq("id", 1)
    method, path, headers, body = from_builder(builder)
    assert (method, body) == ("GET", None)
    assert path == "/projects?select=id,clients(name)&id=eq.1"
    assert "apikey" not in {k.lower() for k in headers}
    r = explain(pgrst_snapshot, builder, config=BASE)
    assert r.error is None and r.sql.params == ["1"]


def test_why_spots_json_arrow_meant_as_embed(demo_snap: Any) -> None:
    """The postmortem's second attempt, ``ticket->tickets``."""
    from pgprobe.postgrest import why

    w = why(demo_snap, "GET", "/ticket_activities?select=*,ticket->tickets", config=DEMO)
    assert any("not an embed" in n for n in w.notes), w.notes
    assert w.corrected_path == "/ticket_activities?select=*,ticket:tickets(*)"
    assert explain(demo_snap, "GET", w.corrected_path, config=DEMO).error is None


def test_plain_sql_gives_sibling_embeds_their_own_alias(demo_dsn: str, demo_snap: Any) -> None:
    """Two embeds of users (the postmortem's ambiguous pair, disambiguated) join twice."""
    path = ("/tickets?select=title,creator:users!tickets_created_by_fkey(email),"
            "assignee:users!tickets_assignee_fkey(email)&assignee.email=like.*ada*&order=id")
    plain = explain(demo_snap, "GET", path, config=DEMO).plain_sql
    assert plain.count('AS "users_1"') == 1 and 'AS "creator"' in plain
    with psycopg.connect(demo_dsn) as conn:
        rows = conn.execute(plain).fetchall()
    # The embed's filter restricts the embed (null when no match), not the tickets.
    assert len(rows) == 4
    assert {r[1] for r in rows} == {"ada@example.com", None}


def test_root_describes_the_schema_as_the_role_sees_it(demo_dsn: str) -> None:
    """``GET /``: PostgREST's OpenAPI document, following the role's privileges by default."""
    anon = request(demo_dsn, "GET", "/", config=DEMO)
    assert anon.status == 200
    assert anon.headers["Content-Type"].startswith("application/openapi+json")
    assert "tickets" in anon.body["definitions"]
    assert "ai_analyses" not in anon.body["definitions"]  # anon has no privilege on it
    everything = request(demo_dsn, "GET", "/",
                         config={**DEMO, "openapi-mode": "ignore-privileges"})
    assert "ai_analyses" in everything.body["definitions"]
    assert request(demo_dsn, "GET", "/", config={**DEMO, "openapi-mode": "disabled"}
                   ).error["code"] == "PGRST126"
