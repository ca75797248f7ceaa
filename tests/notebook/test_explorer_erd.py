"""The schema explorer's ERD tab: a zoomable viewer whose table clicks pick the table (the
click itself is driven in Chromium by test_browser.py; here the channel it writes to)."""

from __future__ import annotations

from typing import Any

from pgprobe.notebook import SchemaExplorer


def test_erd_tab_is_the_viewer_and_a_pick_selects(demo_snapshot: Any) -> None:
    ex = SchemaExplorer(demo_snapshot, table="public.tickets")
    erd = ex.sections["erd"].value
    assert "pgprobe-erdview" in erd and "pgprobe-erd-zoom-in" in erd and "click a table to explore it" in erd
    assert 'class="pgprobe-erd-card"' not in erd  # the explorer's own tabs are the card
    assert "pgprobe-erd-pick" in ex.pick._dom_classes and ex.pick.layout.display == "none"
    ex.pick.value = "public.users"
    assert (ex.schema.value, ex.table.value, ex.pick.value) == ("public", "users", "")
    assert "public.users" in ex.header.value and "<title>public.users</title>" in ex.sections["erd"].value
    ex.pick.value = "public.no_such_table"  # a stub of an unread schema: nothing changes
    assert ex.qualified == "public.users" and ex.pick.value == ""


def test_a_pick_in_another_schema_switches_the_schema_once(demo_dsn: str) -> None:
    from pgprobe.catalog import snapshot

    snap = snapshot(demo_dsn, schemas=["public", "auth"])
    ex = SchemaExplorer(snap, table="public.tickets", erd=False)
    headers: list[str] = []
    ex.header.observe(lambda change: headers.append(change["new"]), names="value")
    ex.select("auth.users")
    assert (ex.schema.value, ex.table.value) == ("auth", "users")
    assert len(headers) == 1 and "auth.users" in headers[0]  # one redraw, not one per picker
