"""The diff view: a real migration on a copy of the demo, diffed, drawn and read back."""

from __future__ import annotations

import shutil

import psycopg
import pytest

from pgprobe.catalog import Snapshot, snapshot
from pgprobe.diff import DiffReport, diff_snapshots
from pgprobe.graph import erd

from ._svg import groups

pytestmark = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot not installed")

GREEN, RED, ORANGE = "#2ca02c", "#d62728", "#ff8c00"

MIGRATION = """
alter table public.tickets add column due_date date;
alter table public.tickets alter column title type varchar(200);
alter table public.ticket_activities drop constraint ticket_activities_user_id_fkey;
create table public.ticket_watchers (
  ticket_id bigint not null references public.tickets(id),
  user_id uuid not null references public.users(id),
  primary key (ticket_id, user_id)
);
drop table public.monitoring_events;
"""


@pytest.fixture(scope="module")
def migrated(pg_server, demo_template, demo_snapshot: Snapshot):
    name = "erd_diff_demo"
    dsn = pg_server.create_database(name, template=demo_template, replace=True)
    try:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(MIGRATION)  # type: ignore[arg-type]
        new = snapshot(dsn)
    finally:
        pg_server.drop_database(name)
    return demo_snapshot, new, diff_snapshots(demo_snapshot, new, "before", "after")


def test_diff_view_colours_changes(migrated) -> None:
    old, new, report = migrated
    assert isinstance(report, DiffReport) and not report.same
    graph = erd(new, diff=report, old=old)
    svg = groups(graph.svg())
    added = svg["rel:public.ticket_watchers"]
    assert "ADDED" in added.text and GREEN in added.strokes
    removed = svg["rel:public.monitoring_events"]
    assert "REMOVED" in removed.text and RED in removed.strokes
    tickets = svg["rel:public.tickets"]
    assert "CHANGED" in tickets.text and ORANGE in tickets.strokes
    assert "due_date" in tickets.texts and any("(added)" in t for t in tickets.texts)
    assert any("(changed)" in t for t in tickets.texts)  # title's type
    gone = svg["fk:public.ticket_activities.ticket_activities_user_id_fkey"]
    assert "REMOVED" in gone.texts and RED in gone.strokes
    new_fk = svg["fk:public.ticket_watchers.ticket_watchers_user_id_fkey"]
    assert "ADDED" in new_fk.texts and GREEN in new_fk.strokes
    # an untouched FK keeps its normal colour
    kept = svg["fk:public.ticket_activities.ticket_activities_ticket_id_fkey"]
    assert not ({GREEN, RED, ORANGE} & kept.strokes)
    # unrelated relations stay out of a diff view
    assert "rel:public.labels" not in svg
    assert "removed" in graph.source and "Legend" in graph.source


def test_diff_against_a_snapshot_directly(migrated) -> None:
    old, new, report = migrated
    assert erd(new, diff=old, title="t").source == erd(new, diff=report, old=old, title="t").source


def test_diff_without_old_snapshot_still_marks(migrated) -> None:
    _, new, report = migrated
    graph = erd(new, diff=report)
    assert "monitoring_events" in graph.source and "REMOVED" in graph.source


def test_no_differences(migrated) -> None:
    old, _, _ = migrated
    graph = erd(old, diff=old)
    assert "no differences" in graph.notes[0]
