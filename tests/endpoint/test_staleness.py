"""A stale PostgREST schema cache, over real HTTP, against a real database.

The stand-in serves the OpenAPI of the snapshot taken before the schema changed (exactly what
a PostgREST that missed the reload does); staleness() must list exactly those changes, and the
NOTIFY it recommends must make the report empty.
"""

from __future__ import annotations

import psycopg
import pytest

import pgprobe
from pgprobe._errors import ConnectError
from pgprobe.endpoint import RELOAD_SQL, serve, staleness

# run before the old schema cache is taken: a column that gets its FK only later
SETUP = "alter table public.tickets add column reviewer uuid;"

CHANGES = """
alter table public.tickets add column due_date date;
alter table public.tickets add constraint tickets_reviewer_fkey
  foreign key (reviewer) references public.users (id);
create table public.ticket_watchers (
  ticket_id bigint not null references public.tickets (id),
  user_id uuid not null references public.users (id),
  primary key (ticket_id, user_id));
alter table public.ticket_activities drop column content;
alter table public.labels alter column color type varchar(20);
alter table public.message_queue drop constraint message_queue_ticket_id_fkey;
drop table public.monitoring_events;
create function public.ticket_count() returns bigint language sql stable
  as 'select count(*) from public.tickets';
drop function public.search_tickets(text);
create function public.search_tickets(query text, max_rows integer default 10)
  returns setof public.tickets language sql stable
  as 'select * from public.tickets where title ilike ''%'' || query || ''%'' limit max_rows';
"""

EXPECTED = {
    ("new column", "public.tickets.due_date", None, "date"),
    ("new relationship", "public.tickets.reviewer", None, "FK to users.id"),
    ("new relation", "public.ticket_watchers", None, "2 columns"),
    ("new relationship", "public.ticket_watchers.ticket_id", None, "FK to tickets.id"),
    ("new relationship", "public.ticket_watchers.user_id", None, "FK to users.id"),
    ("dropped column", "public.ticket_activities.content", "text", None),
    ("type changed", "public.labels.color", "text", "character varying"),
    ("dropped relationship", "public.message_queue.ticket_id", "FK to tickets.id", None),
    ("dropped relation", "public.monitoring_events", "5 columns", None),
    ("new function", "public.ticket_count()", None, "exists"),
    ("arguments changed", "public.search_tickets()", "query", "query, max_rows"),
}


def _run(dsn: str, sql: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]  # fixed test SQL


@pytest.fixture()
def stale(scratch_demo_dsn: str):
    _run(scratch_demo_dsn, SETUP)
    old = pgprobe.snapshot(scratch_demo_dsn)
    with serve(old, dsn=scratch_demo_dsn) as srv:
        yield srv, scratch_demo_dsn


def test_up_to_date_before_changes(stale) -> None:
    srv, dsn = stale
    report = staleness(srv.url, dsn)
    assert report.up_to_date and not report and report.fix is None
    assert "up to date" in report.to_text()
    assert report.to_frame().empty


def test_lists_exactly_the_changes_and_reload_fixes_them(stale) -> None:
    srv, dsn = stale
    _run(dsn, CHANGES)
    report = staleness(srv.url, dsn)
    got = {(c.kind, c.object, c.endpoint, c.database) for c in report.changes}
    assert got == EXPECTED
    assert len(report.changes) == len(EXPECTED)
    assert report.fix == RELOAD_SQL == "NOTIFY pgrst, 'reload schema';"
    text = report.to_text()
    assert RELOAD_SQL in text and "public.tickets.due_date" in text
    md = report.to_markdown()
    assert "| new column | `public.tickets.due_date` |" in md and RELOAD_SQL in md
    html = report._repr_html_()
    assert "<table" in html and "ticket_watchers" in html
    frame = report.to_frame()
    assert len(frame) == len(EXPECTED)
    assert set(frame["kind"]) == {k for k, *_ in EXPECTED}

    # the recommended fix, run on the database, reloads the stand-in's schema cache
    _run(dsn, RELOAD_SQL)
    assert srv.wait_reload(1, timeout=20)
    after = staleness(srv.url, dsn)
    assert after.up_to_date, after.to_text()


def test_snapshot_instead_of_dsn_and_schema_filter(stale) -> None:
    srv, dsn = stale
    _run(dsn, "alter table public.labels add column weight integer")
    snap = pgprobe.snapshot(dsn, schemas=["public"])
    report = staleness(srv.url, snap)
    assert [(c.kind, c.object) for c in report.changes] == [
        ("new column", "public.labels.weight")]
    assert report.changes[0].database == "integer"


def test_role_follows_privileges(stale) -> None:
    # ai_analyses is granted to authenticated only: anon's OpenAPI does not list it, so a
    # report for anon must not call it "new"
    srv, dsn = stale
    report = staleness(srv.url, dsn, role="anon")
    assert ("dropped relation", "public.ai_analyses") in {(c.kind, c.object)
                                                          for c in report.changes}
    # and the other way round: an endpoint following anon's privileges is up to date for anon
    snap = pgprobe.snapshot(dsn)
    with serve(snap, dsn=dsn, config={"db-anon-role": "anon"}, listen=False) as anon_srv:
        assert staleness(anon_srv.url, dsn, role="anon").up_to_date
        full = staleness(anon_srv.url, dsn).changes
        assert [c.object for c in full if c.kind == "new relation"] == ["public.ai_analyses"]
        assert {c.kind for c in full} == {"new relation", "new relationship"}
        assert all(c.object.startswith("public.ai_analyses") for c in full)


def test_other_schema_via_accept_profile(scratch_demo_dsn: str) -> None:
    _run(scratch_demo_dsn, "create schema api; create table api.items (id int primary key);"
                           "grant usage on schema api to anon; grant select on api.items to anon")
    old = pgprobe.snapshot(scratch_demo_dsn)
    with serve(old, dsn=scratch_demo_dsn, config={"db-schemas": "public, api"},
               listen=False) as srv:
        _run(scratch_demo_dsn, "alter table api.items add column name text")
        api = staleness(srv.url, scratch_demo_dsn, schema="api")
        assert [(c.kind, c.object, c.database) for c in api.changes] == [
            ("new column", "api.items.name", "text")]
        assert staleness(srv.url, scratch_demo_dsn).up_to_date
        with pytest.raises(ConnectError) as e:
            staleness(srv.url, scratch_demo_dsn, schema="nope")
        assert "HTTP 406" in str(e.value) and "PGRST106" in str(e.value)
