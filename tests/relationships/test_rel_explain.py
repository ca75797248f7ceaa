"""explain_embed: evidence and corrected select strings for failing embeds."""

from __future__ import annotations

from pgprobe.relationships import RelationshipIndex, explain_embed, why_no_relationship

from .relsnap import fk, pk, snap, table

T = "public"
USERS = table(T, "users", ["id"], pk("users_pkey", "id"))
TICKETS = table(T, "tickets", ["id", "created_by", "assignee"], pk("tickets_pkey", "id"),
                fk("tickets_created_by_fkey", "created_by", "public.users", "id"),
                fk("tickets_assignee_fkey", "assignee", "public.users", "id"))
ACTIVITIES = table(T, "ticket_activities", ["id", "ticket_id"], pk("ta_pkey", "id"),
                   fk("ticket_activities_ticket_id_fkey", "ticket_id", "public.tickets", "id"))
AUTH_USERS = table("auth", "users", ["id"], pk("users_pkey", "id"))
PROFILES = table(T, "profiles", ["id"], pk("profiles_pkey", "id"),
                 fk("profiles_id_fkey", "id", "auth.users", "id"))


def idx() -> RelationshipIndex:
    return RelationshipIndex.from_snapshot(snap(USERS, TICKETS, ACTIVITIES, AUTH_USERS, PROFILES))


def test_resolved_embed_has_no_error() -> None:
    ex = explain_embed(idx(), "tickets", "users", "tickets_assignee_fkey")
    assert ex.ok and ex.relationship is not None and ex.relationship.constraint == "tickets_assignee_fkey"
    assert ex.suggestions == () and "resolves to" in str(ex)


def test_ambiguous_embed_lists_every_way_out() -> None:
    ex = explain_embed(idx(), "tickets", "users", alias="owner", columns="id", join="inner")
    assert ex.error is not None and ex.error.code == "PGRST201"
    assert ex.suggestions == ("owner:users!tickets_assignee_fkey!inner(id)",
                              "owner:users!tickets_created_by_fkey!inner(id)")


def test_mistyped_target_keeps_the_key_and_suggests_the_table() -> None:
    ex = explain_embed(idx(), "ticket_activities", "ticket")
    assert ex.error is not None and ex.error.hint == "Perhaps you meant 'tickets' instead of 'ticket'."
    assert ex.nearest_targets == ("tickets",)
    assert "ticket:tickets(*)" in ex.suggestions
    assert any("no table or view named 'ticket'" in n for n in ex.notes)


def test_fk_into_a_schema_that_is_not_exposed_is_explained() -> None:
    ex = why_no_relationship(idx(), "profiles", "users")
    assert ex.error is not None and ex.error.code == "PGRST200"
    notes = " ".join(ex.notes)
    assert "auth.users is in schema 'auth', which is not exposed" in notes
    assert "profiles_id_fkey" in notes
    assert ex.to_dict()["error"]["code"] == "PGRST200"


def test_embed_target_is_the_shortest_form_that_selects_exactly_one() -> None:
    from .relsnap import view

    family = table(T, "family_tree", ["id", "parent"], pk("family_tree_pkey", "id"),
                   fk("family_tree_parent_fkey", "parent", "public.family_tree", "id"))
    twice = view(T, "tickets_twice", [("id", "public.tickets", "id"),
                                      ("a1", "public.tickets", "assignee"),
                                      ("a2", "public.tickets", "assignee")])
    index = RelationshipIndex.from_snapshot(snap(USERS, TICKETS, family, twice))
    forms = {r.description: index.embed_target(r) for r in index.of(T, "family_tree")}
    assert sorted(forms.values()) == ["family_tree", "parent"]
    assert {index.embed_target(r) for r in index.of(T, "tickets_twice")} == {"users!a1", "users!a2"}
    assert {index.embed_target(r) for r in index.of(T, "tickets")} == {
        "users!tickets_assignee_fkey", "users!tickets_created_by_fkey"}
    for rel in index:
        form = index.embed_target(rel)
        assert form is not None
        target, _, hint = form.partition("!")
        assert index.find(T, rel.table.name, target, hint or None) == rel


def test_cli_lists_and_explains(tmp_path, capsys) -> None:
    import argparse

    from pgprobe.relationships._cli import parse_embed, register

    assert parse_embed("...t:users!fk!inner(id, name)") == ("t", "users", "fk", "inner", "id, name")
    path = tmp_path / "snap.json"
    snap(USERS, TICKETS, ACTIVITIES).save(str(path))
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers())
    args = parser.parse_args(["relationships", "--snapshot", str(path), "--embed",
                              "ticket_activities", "ticket:tickets!ta_ticket_id_fkey(id)"])
    assert args.func(args) == 1
    out = capsys.readouterr().out
    assert "ticket:tickets!ticket_activities_ticket_id_fkey(id)" in out and "PGRST200" in out
    args = parser.parse_args(["relationships", "--snapshot", str(path), "--from", "public.tickets",
                              "--format", "json"])
    assert args.func(args) == 0
    assert '"users!tickets_assignee_fkey"' in capsys.readouterr().out


def test_table_with_a_surrogate_key_is_explained_as_no_junction() -> None:
    tags = table(T, "tags", ["id"], pk("tags_pkey", "id"))
    ticket_tags = table(T, "ticket_tags", ["id", "ticket_id", "tag_id"], pk("ticket_tags_pkey", "id"),
                        fk("ticket_tags_ticket_id_fkey", "ticket_id", "public.tickets", "id"),
                        fk("ticket_tags_tag_id_fkey", "tag_id", "public.tags", "id"))
    index = RelationshipIndex.from_snapshot(snap(USERS, TICKETS, tags, ticket_tags))
    ex = why_no_relationship(index, "tickets", "tags")
    assert ex.error is not None and ex.error.code == "PGRST200"
    assert any("public.ticket_tags links both sides but is no junction" in n
               and "does not contain tag_id, ticket_id" in n for n in ex.notes)


def test_junction_notes_only_when_a_many_to_many_is_asked_for() -> None:
    """A table linking both sides is named only when there is no direct key between them
    (or the hint names it); never the origin or the target itself."""
    tags = table(T, "tags", ["id", "owner_ticket_id"], pk("tags_pkey", "id"),
                 fk("tags_owner_ticket_id_fkey", "owner_ticket_id", "public.tickets", "id"),
                 fk("tags_other_ticket_id_fkey", "owner_ticket_id", "public.tickets", "id"))
    ticket_tags = table(T, "ticket_tags", ["id", "ticket_id", "tag_id"], pk("ticket_tags_pkey", "id"),
                        fk("ticket_tags_ticket_id_fkey", "ticket_id", "public.tickets", "id"),
                        fk("ticket_tags_tag_id_fkey", "tag_id", "public.tags", "id"))
    index = RelationshipIndex.from_snapshot(snap(USERS, TICKETS, tags, ticket_tags))
    ex = why_no_relationship(index, "tickets", "tags")  # ambiguous: two direct keys
    assert ex.error is not None and ex.error.code == "PGRST201"
    assert not any("junction" in n for n in ex.notes)
    ex = why_no_relationship(index, "tickets", "tags", "ticket_tags")  # the hint names it
    assert ex.error is not None
    assert any(n.startswith("public.ticket_tags links both sides but is no junction")
               for n in ex.notes)
    assert not any(n.startswith(("public.tickets ", "public.tags ")) and "junction" in n
                   for n in ex.notes)
