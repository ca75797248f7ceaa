"""The generated pages of the demo: what a newcomer needs is on them, and every embed a page
calls working does resolve with PostgREST's own rules."""

from __future__ import annotations

import re

import pytest

import pgprobe
from pgprobe.catalog import Snapshot
from pgprobe.docs import Docs, Page
from pgprobe.relationships import EmbedError, RelationshipIndex

_EMBED = re.compile(r"`select=\*,([^`(]+)\(\*\)`")


@pytest.fixture(scope="module")
def docs(demo_snapshot: Snapshot) -> Docs:
    return Docs(demo_snapshot)


def test_tickets_page_names_both_user_fks_with_working_hints(docs: Docs) -> None:
    md = docs.table("public.tickets").markdown()
    for fk in ("tickets_assignee_fkey", "tickets_created_by_fkey"):
        assert f"`select=*,users!{fk}(*)`" in md
    assert "`users(*)` alone is ambiguous (PGRST201)" in md
    assert "**Ambiguous pairs**" in md


def test_activities_page_shows_the_real_fk_and_the_fixed_embed(docs: Docs,
                                                               demo_snapshot: Snapshot) -> None:
    md = docs.table("public.ticket_activities").markdown()
    assert "`ticket_activities_ticket_id_fkey`" in md
    assert "`select=*,tickets(*)`" in md
    assert "`tickets!ticket_activities_ticket_id_fkey`" in md
    # the postmortem's guess does not resolve, and the page never suggests it
    idx = RelationshipIndex.from_snapshot(demo_snapshot)
    with pytest.raises(EmbedError):
        idx.find("public", "ticket_activities", "tickets", "ta_ticket_id_fkey")
    assert "ta_ticket_id_fkey" not in md


def test_monitoring_events_is_marked_rls_on_no_policy(docs: Docs) -> None:
    marker = "RLS on, no policy: the API returns []"
    assert marker in docs.table("public.monitoring_events").markdown()
    row = next(line for line in docs.readme.markdown().splitlines()
               if "[`monitoring_events`]" in line)
    assert marker in row
    # a table with policies is not marked
    assert marker not in docs.table("public.tickets").markdown()


@pytest.mark.parametrize("table", ["public.tickets", "public.ticket_activities", "public.users",
                                   "public.users_secure", "public.labels", "public.ai_analyses"])
def test_every_embed_a_page_offers_resolves_to_one_relationship(docs: Docs,
                                                                demo_snapshot: Snapshot,
                                                                table: str) -> None:
    idx = RelationshipIndex.from_snapshot(demo_snapshot)
    schema, name = table.split(".")
    embeds = _EMBED.findall(docs.table(table).markdown())
    assert len(embeds) == len(idx.of(schema, name))
    for embed in embeds:
        target, _, hint = embed.partition("!")
        idx.find(schema, name, target, hint or None)  # raises PGRST200/201 if it would fail


def test_what_api_roles_read(docs: Docs) -> None:
    md = docs.table("public.ai_analyses").markdown()
    anon = next(line for line in md.splitlines() if line.startswith("| `anon` | none"))
    assert "no SELECT grant" in anon
    tickets = docs.table("public.tickets").markdown()
    assert "rows where (status = 'open'::public.ticket_status)" in tickets


def test_page_sections_and_links(docs: Docs) -> None:
    md = docs.table("public.tickets").markdown()
    for heading in ("## Columns", "## Constraints", "## Indexes", "## Triggers",
                    "## Row-level security", "## Grants", "## What the API roles read",
                    "## PostgREST", "## Diagram"):
        assert heading in md
    assert "[`public.ticket_status`](../types/public.ticket_status.md)" in md
    assert "identity (by default)" in md
    assert "![public.tickets and its neighbours](../diagrams/tables/public.tickets.svg)" in md


def test_readme_conventions(docs: Docs) -> None:
    md = docs.readme.markdown()
    assert "Foreign keys are named `{table}_{columns}_fkey (PostgreSQL default)`" in md
    for table in ("labels", "ticket_labels", "user_profiles"):  # RLS off in public
        assert f"[`public.{table}`](tables/public.{table}.md)" in md.split("Tables without row-level")[1]
    assert "`public.ticket_status`" in md and "`in_progress`" in md


def test_function_and_enum_pages(docs: Docs) -> None:
    fn = docs.function("public.search_tickets").markdown()
    assert "SECURITY INVOKER" in fn and "`POST /rpc/search_tickets`" in fn
    enum = docs.type("public.ticket_status").markdown()
    assert "`in_progress`" in enum and "[`public.tickets`](../tables/public.tickets.md)" in enum


def test_notebook_shows_the_page_as_html(demo_snapshot: Snapshot) -> None:
    page = pgprobe.docs(demo_snapshot).table("public.tickets")
    assert isinstance(page, Page)
    html = page._repr_html_()
    assert "<table>" in html and "<svg" in html
    assert "users!tickets_assignee_fkey" in html


def test_unknown_table_has_a_hint(docs: Docs) -> None:
    with pytest.raises(pgprobe.NotFoundError, match="did you mean public.tickets"):
        docs.table("public.tikets")
