"""The notebook edges show the same answers as the CLI: why a result is empty (``%%postgrest``
and the request builder) and the checked fix of a failing request."""

from __future__ import annotations

from typing import Any

import psycopg

from pgprobe.notebook import _session


def _count(dsn: str, sql: str) -> int:
    with psycopg.connect(dsn) as conn:
        row = conn.execute(sql).fetchone()
    assert row is not None
    return int(row[0])


def test_magic_explains_an_empty_answer(ip: Any, demo_dsn: str) -> None:
    _session.connect(demo_dsn, show=False)
    view = ip.run_cell_magic("postgrest", "", "GET /monitoring_events")
    n = _count(demo_dsn, "select count(*) from monitoring_events")
    assert view.body == [] and [r.kind for r in view.empty] == ["rls-no-policy"]
    line = (f"0 rows: RLS on public.monitoring_events has no policy at all, so anon sees no "
            f"row; the owner (postgres) sees {n}")
    assert line in view._repr_html_() and f"-- why: {line}" in repr(view)


def test_magic_shows_the_checked_fix(ip: Any, demo_dsn: str) -> None:
    _session.connect(demo_dsn, show=False)
    view = ip.run_cell_magic(
        "postgrest", "", "GET /ticket_activities?select=id,ticket:tickets!ta_ticket_id_fkey(name)")
    assert view.error["code"] == "PGRST200"
    fixed = "/ticket_activities?select=id,ticket:tickets!ticket_activities_ticket_id_fkey(title)"
    assert view.fix is not None and view.fix.corrected == fixed and view.fix.ok
    html = view._repr_html_()
    assert fixed in html and "tickets.name -&gt; title (42703)" in html
    assert f"corrected request (checked offline: it translates and every column exists): {fixed}" \
        in repr(view)


def test_request_builder_says_why_and_is_not_clipped(demo_dsn: str) -> None:
    from pgprobe.notebook import RequestBuilder

    session = _session.connect(demo_dsn, show=False)
    rb = RequestBuilder(session, table="monitoring_events")
    assert rb.result.body == [] and rb.result.empty
    assert "0 rows: RLS on public.monitoring_events has no policy" in rb.output.value
    # the result takes the builder's full width, is sized by it (a one-column grid that may
    # shrink: a wide table no longer widens the widget past the cell) and its status wraps
    assert rb.output.layout.width == "100%" and rb.widget.layout.width == "100%"
    opening = rb.output.value.split(">", 1)[0]
    assert opening.startswith("<div") and "grid-template-columns:minmax(0,1fr)" in opening
    assert 'style="white-space:normal;overflow-wrap:anywhere">HTTP 200' in rb.output.value
    rb.table.value = "public.tickets"
    rb.embeds.value = ("ticket_activities",)
    assert "embed &#x27;ticket_activities&#x27; (public.ticket_activities) is []" in \
        rb.output.value
