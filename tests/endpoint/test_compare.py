"""compare_with_endpoint: the same request at a (stand-in) endpoint and locally, diffed."""

from __future__ import annotations

import psycopg
import pytest

import pgprobe
from pgprobe.endpoint import compare_with_endpoint, diff_bodies, serve


@pytest.fixture()
def fresh(scratch_demo_dsn: str):
    with serve(scratch_demo_dsn) as srv:
        yield srv, scratch_demo_dsn


@pytest.mark.parametrize("path", [
    "/tickets?select=id,title,status",
    "/tickets?select=id,title&order=id.desc",
    "/tickets?select=id,creator:users!tickets_created_by_fkey(email)&id=lt.5",
    "/labels?select=*",
    "/users?select=idd",
    "/tickets?select=id&limit=2&offset=1",
])
def test_same_answer_when_cache_is_fresh(fresh, path: str) -> None:
    srv, dsn = fresh
    c = compare_with_endpoint(srv.url, dsn, "GET", path)
    assert c.same, c.to_text()
    assert not c and "same answer" in c.summary()


def test_stale_cache_differs_on_new_relationship(scratch_demo_dsn: str) -> None:
    old = pgprobe.snapshot(scratch_demo_dsn)
    with psycopg.connect(scratch_demo_dsn, autocommit=True) as conn:
        conn.execute("alter table public.tickets add column reviewer uuid "
                     "references public.users (id)")
    with serve(old, dsn=scratch_demo_dsn, listen=False) as srv:
        path = "/tickets?select=id,reviewer:users!tickets_reviewer_fkey(email)"
        c = compare_with_endpoint(srv.url, scratch_demo_dsn, "GET", path)
    assert not c.same, (c.endpoint_body, c.local_body)
    assert c.endpoint_status == 400 and c.local_status == 200
    assert c.endpoint_body["code"] == "PGRST200"
    assert "status: endpoint 400, local 200" in c.differences
    assert "PGRST200" in c.to_text() and "PGRST200" in c.to_markdown()
    assert "<li>" in c._repr_html_()
    assert len(c.to_frame()) == len(c.differences)


def test_data_differences_are_reported(fresh) -> None:
    # the endpoint answers as anon (RLS: open tickets only); locally as the owner: extra rows
    srv, dsn = fresh
    with psycopg.connect(dsn) as conn:
        total, open_ = conn.execute(
            "select count(*), count(*) filter (where status = 'open') from public.tickets"
        ).fetchone()
    assert total > open_ > 0
    c = compare_with_endpoint(srv.url, dsn, "GET", "/tickets?select=id,status", role="postgres")
    assert c.endpoint_status == c.local_status == 200
    assert len(c.endpoint_body) == open_ and len(c.local_body) == total
    assert f"$: {open_} rows at the endpoint, {total} local" in c.differences
    only_local = [d for d in c.differences if d.startswith("$: row only local")]
    assert len(only_local) == min(total - open_, 20)
    assert all('"status":"open"' not in d for d in only_local)
    counted = compare_with_endpoint(srv.url, dsn, "GET", "/tickets?select=id",
                                    headers={"Prefer": "count=exact"}, role="postgres")
    assert f"header content-range: endpoint '0-{open_ - 1}/{open_}', " \
           f"local '0-{total - 1}/{total}'" in counted.differences


@pytest.mark.parametrize(("endpoint", "local", "ordered", "expected"), [
    ([{"id": 1}, {"id": 2}], [{"id": 2}, {"id": 1}], False, []),
    ([{"id": 1}, {"id": 2}], [{"id": 2}, {"id": 1}], True,
     ["$[0].id: endpoint 1, local 2", "$[1].id: endpoint 2, local 1"]),
    ([{"id": 1}], [{"id": 1}, {"id": 3}], False,
     ["$: 1 rows at the endpoint, 2 local", '$: row only local: {"id":3}']),
    ({"a": 1, "b": [1, 2]}, {"b": [2, 1], "a": 1}, False, []),
    ({"a": 1}, {"a": 1, "c": None}, False, ["$.c: only local (None)"]),
    ([{"id": 1}, {"id": 1}], [{"id": 1}], False,
     ["$: 2 rows at the endpoint, 1 local", '$: row only at the endpoint: {"id":1}']),
    ({"n": 1}, {"n": 1.5}, False, ["$.n: endpoint 1, local 1.5"]),
])
def test_diff_bodies(endpoint, local, ordered, expected) -> None:
    assert diff_bodies(endpoint, local, ordered=ordered) == expected
