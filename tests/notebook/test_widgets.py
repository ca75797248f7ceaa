"""Widgets: picking a value updates what they show (no browser needed)."""

from __future__ import annotations

from typing import Any

from pgprobe.notebook import RelationshipFinder, SchemaExplorer, _session


def test_schema_explorer_follows_picks(demo_snapshot: Any) -> None:
    ex = SchemaExplorer(demo_snapshot)
    assert ex.schema.value == "public"
    ex.table.value = "tickets"
    tickets = demo_snapshot.table("public.tickets")
    columns = ex.sections["columns"].value
    assert all(c.name in columns for c in tickets.columns) and "<td>name</td>" not in columns
    for p in tickets.policies:
        assert p.name.replace('"', "&quot;") in ex.sections["policies"].value
    embeds = ex.sections["embeds"].value
    assert "users!tickets_assignee_fkey" in embeds and "users!tickets_created_by_fkey" in embeds
    assert "ambiguous" in embeds
    assert "<svg" in ex.sections["erd"].value and "tickets" in ex.sections["erd"].value

    ex.table.value = "monitoring_events"
    assert "NO policy" in ex.header.value
    assert "message_id" in ex.sections["columns"].value and "<td>title</td>" not in ex.sections["columns"].value
    ai = demo_snapshot.table("public.ai_analyses")
    ex.table.value = "ai_analyses"
    grants = ex.sections["grants"].value
    for g in ai.grants:
        assert g.grantee in grants
    assert "anon" not in grants


def test_schema_explorer_schema_switch(demo_dsn: str) -> None:
    from pgprobe.catalog import snapshot

    snap = snapshot(demo_dsn, schemas=["public", "auth"])
    ex = SchemaExplorer(snap, table="public.users", erd=False)
    assert ex.table.value == "users"
    ex.schema.value = "auth"
    expected = sorted(r.name for r in snap.relations if r.schema == "auth")
    assert "users" in expected
    assert list(ex.table.options) == expected and ex.table.value == expected[0]
    assert expected[0] in ex.header.value


def test_relationship_finder_lists_paths_and_selects(demo_snapshot: Any) -> None:
    rf = RelationshipFinder(demo_snapshot, left="ticket_activities", right="tickets")
    html = rf.output.value
    assert "ticket_activities_ticket_id_fkey" in html and "ta_ticket_id_fkey" not in html
    assert "tickets!ticket_activities_ticket_id_fkey" in html
    rows = rf.rows()
    assert rows and rows[0][2] == "*,tickets!ticket_activities_ticket_id_fkey(*)"
    rf.right.value = "public.users"
    rf.max_length.value = 1
    one_hop = rf.rows()
    assert all(r[0].count("-[") + r[0].count("<-[") == 1 for r in one_hop)
    rf.max_length.value = 2
    assert len(rf.rows()) > len(one_hop)
    assert any("tickets_assignee_fkey" in r[0] for r in rf.rows())
    rf.left.value = "public.tickets"
    rf.max_length.value = 1
    assert "needs a hint" in rf.output.value


def test_request_builder_url_sql_and_result(demo_dsn: str) -> None:
    from pgprobe.notebook import RequestBuilder

    session = _session.connect(demo_dsn, show=False)
    rb = RequestBuilder(session, table="tickets")
    rb.columns.value = ("id", "title")
    assert "select=id,title" in rb.url.value
    assert rb.result is not None and rb.result.status == 200
    import psycopg

    with psycopg.connect(demo_dsn) as conn:
        open_count = conn.execute("select count(*) from tickets where status = 'open'").fetchone()[0]  # type: ignore[index]
    assert len(rb.result.body) == min(open_count, rb.limit.value)
    rb.embeds.value = ("users!tickets_assignee_fkey",)
    assert "users!tickets_assignee_fkey(*)" in rb.url.value
    assert "tickets_assignee_fkey" not in str(rb.result.error or "")
    rb.role.value = "service_role"
    assert rb.result.status == 200


def test_pager_renders_one_page_at_a_time() -> None:
    import pandas as pd

    from pgprobe.notebook import Pager

    df = pd.DataFrame({"n": range(1, 10_001), "text": ["<b>x</b>"] * 10_000})
    pager = Pager(df, per_page=100)
    assert pager.pages == 100 and pager.prev.disabled
    first = pager.output.value
    assert "<td>1</td>" in first and "<td>101</td>" not in first and "&lt;b&gt;" in first
    assert len(first) < 50_000
    pager.next.click()
    assert "<td>101</td>" in pager.output.value and "rows 101-200 of 10000" in pager.label.value
    pager.show(1000)
    assert pager.page == 100 and pager.next.disabled and "<td>10000</td>" in pager.output.value


def test_every_suggested_embed_resolves_in_the_postgrest_engine(demo_snapshot: Any) -> None:
    from pgprobe import postgrest
    from pgprobe.notebook._widgets import embed_rows

    checked = 0
    for rel in demo_snapshot.relations:
        if rel.schema != "public":
            continue
        for embed, _card, _desc, select in embed_rows(demo_snapshot, rel.qualified_name):
            res = postgrest.explain(demo_snapshot, "GET", f"/{rel.name}?{select}")
            assert res.error is None, (rel.name, embed, res.error)
            checked += 1
    assert checked >= 10
