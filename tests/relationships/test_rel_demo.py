"""The first postmortem's facts, on the real demo database."""

from __future__ import annotations

import pytest

from pgprobe.catalog import Snapshot
from pgprobe.relationships import EmbedError, RelationshipIndex, explain_embed


@pytest.fixture(scope="module")
def demo_index(demo_snapshot: Snapshot) -> RelationshipIndex:
    return RelationshipIndex.from_snapshot(demo_snapshot, ["public"])


def test_tickets_to_users_is_ambiguous_with_both_hints(demo_index: RelationshipIndex) -> None:
    with pytest.raises(EmbedError) as exc:
        demo_index.find("public", "tickets", "users")
    err = exc.value
    assert (err.status, err.code) == (300, "PGRST201")
    assert err.message == ("Could not embed because more than one relationship was found for "
                           "'tickets' and 'users'")
    assert err.hint == ("Try changing 'users' to one of the following: "
                        "'users!tickets_assignee_fkey', 'users!tickets_created_by_fkey'. "
                        "Find the desired relationship in the 'details' key.")
    assert err.details == [
        {"cardinality": "many-to-one", "embedding": "tickets with users",
         "relationship": "tickets_assignee_fkey using tickets(assignee) and users(id)"},
        {"cardinality": "many-to-one", "embedding": "tickets with users",
         "relationship": "tickets_created_by_fkey using tickets(created_by) and users(id)"},
    ]
    for fk, col in (("tickets_assignee_fkey", "assignee"), ("tickets_created_by_fkey", "created_by")):
        assert demo_index.find("public", "tickets", "users", fk).columns == ((col, "id"),)
        assert demo_index.find("public", "tickets", "users", col).constraint == fk
        assert demo_index.find("public", "tickets", col).constraint == fk


def test_activities_to_tickets_uses_the_default_fk_name(demo_index: RelationshipIndex) -> None:
    rel = demo_index.find("public", "ticket_activities", "tickets")
    assert rel.constraint == "ticket_activities_ticket_id_fkey"
    assert rel.columns == (("ticket_id", "id"),) and rel.to_one
    assert demo_index.find("public", "ticket_activities", "tickets",
                           "ticket_activities_ticket_id_fkey") == rel


def test_the_postmortem_hint_fails_with_pgrst200_and_is_explained(
        demo_index: RelationshipIndex) -> None:
    with pytest.raises(EmbedError) as exc:
        demo_index.find("public", "ticket_activities", "tickets", "ta_ticket_id_fkey")
    assert exc.value.to_json() == {
        "code": "PGRST200",
        "details": "Searched for a foreign key relationship between 'ticket_activities' and "
                   "'tickets' using the hint 'ta_ticket_id_fkey' in the schema 'public', but no "
                   "matches were found.",
        "hint": None,  # PostgREST has no suggestion: both tables exist, only the hint is wrong
        "message": "Could not find a relationship between 'ticket_activities' and 'tickets' "
                   "in the schema cache",
    }
    ex = explain_embed(demo_index, "public.ticket_activities", "tickets", "ta_ticket_id_fkey",
                       alias="ticket", columns="id,title")
    assert not ex.ok
    assert [r.constraint for r in ex.existing] == ["ticket_activities_ticket_id_fkey"]
    assert ex.nearest_hints[0] == "ticket_activities_ticket_id_fkey"
    assert ex.suggestions == ("ticket:tickets!ticket_activities_ticket_id_fkey(id,title)",
                              "ticket:tickets(id,title)")
    assert "ticket_activities_ticket_id_fkey" in str(ex)


def test_the_secure_view_inherits_the_users_foreign_keys(demo_index: RelationshipIndex) -> None:
    rels = demo_index.between("public.tickets", "public.users_secure")
    assert sorted(r.constraint or "" for r in rels) == ["tickets_assignee_fkey",
                                                         "tickets_created_by_fkey"]
    assert all(r.foreign_table_is_view for r in rels)


def test_labels_are_many_to_many_through_the_junction(demo_index: RelationshipIndex) -> None:
    rel = demo_index.find("public", "tickets", "labels")
    assert rel.cardinality == "m2m" and rel.junction is not None
    assert rel.junction.table.name == "ticket_labels"


def test_frame_lists_every_relationship(demo_index: RelationshipIndex) -> None:
    frame = demo_index.frame()
    assert len(frame) == len(demo_index)
    ambiguous = frame[(frame.table == "public.tickets") & (frame.foreign_table == "public.users")]
    assert sorted(ambiguous.embed) == ["users!tickets_assignee_fkey", "users!tickets_created_by_fkey"]
    assert set(frame.cardinality) >= {"m2o", "o2m", "o2o", "m2m"}
