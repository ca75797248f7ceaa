"""Complete fixes: every embed and column error fixed that can be, checked by the engine
offline, and the fixed request really answers 200 on the database."""

from __future__ import annotations

import pytest

from pgprobe.postgrest import fix_request, request, why

CFG = {"db-schemas": "public", "db-anon-role": "anon"}


def test_postmortem_request_gets_the_constraint_and_the_column(demo_snapshot, demo_dsn) -> None:
    path = "/ticket_activities?select=id,ticket:tickets!ta_ticket_id_fkey(name)"
    fix = fix_request(demo_snapshot, "GET", path, config=CFG)
    assert fix.ok and fix.remaining == ()
    assert fix.corrected == ("/ticket_activities?select=id,"
                             "ticket:tickets!ticket_activities_ticket_id_fkey(title)")
    assert [s.split(" ")[0] for s in fix.steps] == ["ta_ticket_id_fkey", "tickets.name"]
    assert fix.evidence is not None and fix.evidence.error.code == "PGRST200"
    # the original fails on the database twice over; the corrected one answers
    assert request(demo_dsn, "GET", path, config=CFG).error["code"] == "PGRST200"
    answer = request(demo_dsn, "GET", fix.corrected, role="service_role", config=CFG)
    assert answer.status == 200 and answer.body and "title" in answer.body[0]["ticket"]


@pytest.mark.parametrize(("path", "expected"), [
    # spelling (PostgREST's fuzzy match), in select, in an embedded filter and in order
    ("/tickets?select=titel,statuz&order=idd.desc", "/tickets?select=title,status&order=id.desc"),
    ("/ticket_activities?select=id,ticket:tickets(titel)&ticket.titel=eq.x",
     "/ticket_activities?select=id,ticket:tickets(title)&ticket.title=eq.x"),
    # an ambiguous embed takes the first relationship (the others are named in the step)
    ("/tickets?select=id,users(emial)", "/tickets?select=id,users!tickets_assignee_fkey(email)"),
    # '->' meant as an embed
    ("/ticket_activities?select=*,ticket->tickets", "/ticket_activities?select=*,ticket:tickets(*)"),
    # an alias and a cast keep their place
    ("/tickets?select=heading:titel::text", "/tickets?select=heading:title::text"),
])
def test_fixes_are_complete_and_each_one_answers(demo_snapshot, demo_dsn, path, expected) -> None:
    fix = fix_request(demo_snapshot, "GET", path, config=CFG)
    assert (fix.corrected, fix.ok, fix.remaining) == (expected, True, ())
    assert request(demo_dsn, "GET", expected, role="service_role", config=CFG).status == 200


def test_what_cannot_be_fixed_is_said(demo_snapshot) -> None:
    fix = fix_request(demo_snapshot, "GET",
                      "/tickets?select=titel,users!tickets_assignee_fkey(zzzqqq)", config=CFG)
    assert fix.corrected == "/tickets?select=title,users!tickets_assignee_fkey(zzzqqq)"
    assert not fix.ok
    assert fix.remaining == ("42703: users has no column 'zzzqqq' (select) and no close name",)
    fix = fix_request(demo_snapshot, "GET", "/no_such_table?select=id", config=CFG)
    assert fix.corrected is None and not fix.ok and fix.remaining[0].startswith("PGRST205")


def test_a_correct_request_is_left_alone(demo_snapshot) -> None:
    fix = fix_request(demo_snapshot, "GET", "/tickets?select=id,title&status=eq.open", config=CFG)
    assert (fix.corrected, fix.ok, fix.steps) == (None, True, ())


def test_why_uses_the_complete_fix(demo_snapshot) -> None:
    w = why(demo_snapshot, "GET",
            "/ticket_activities?select=id,ticket:tickets!ta_ticket_id_fkey(name)", config=CFG)
    assert w.corrected_path is not None and w.corrected_path.endswith(
        "ticket_activities_ticket_id_fkey(title)")
    assert "fixed: tickets.name -> title (42703)" in str(w)
