"""supabase-py query builders as PostgREST requests (needs the optional `postgrest` package)."""

from __future__ import annotations

import json

import psycopg
import pytest

import pgprobe.postgrest as pgrst
from pgprobe._errors import InputError
from pgprobe.endpoint import compare_with_endpoint, from_query_builder, serve

postgrest = pytest.importorskip("postgrest")

KEY = "sb_secret_do_not_print_me"


@pytest.fixture()
def client():
    return postgrest.SyncPostgrestClient("http://127.0.0.1:9/rest/v1",
                                         headers={"apikey": KEY, "Authorization": f"Bearer {KEY}"})


@pytest.mark.parametrize(("build", "expected"), [
    (lambda c: c.from_("tickets").select("id,title,creator:users!tickets_created_by_fkey(email)")
     .eq("status", "open").order("id", desc=True).limit(5),
     ("GET", "/tickets?select=id,title,creator:users!tickets_created_by_fkey(email)"
             "&status=eq.open&order=id.desc&limit=5", {}, None)),
    (lambda c: c.from_("labels").insert({"name": "x"}),
     ("POST", "/labels", {"Prefer": "return=representation"}, {"name": "x"})),
    (lambda c: c.from_("labels").upsert({"id": 1, "name": "x"}, on_conflict="id"),
     ("POST", "/labels?on_conflict=id",
      {"Prefer": "return=representation,resolution=merge-duplicates"}, {"id": 1, "name": "x"})),
    (lambda c: c.from_("labels").update({"color": "red"}).eq("id", 1),
     ("PATCH", "/labels?id=eq.1", {"Prefer": "return=representation"}, {"color": "red"})),
    (lambda c: c.from_("labels").delete().in_("id", [1, 2]),
     ("DELETE", "/labels?id=in.(1,2)", {"Prefer": "return=representation"}, None)),
    (lambda c: c.rpc("search_tickets", {"query": "a b&c"}, get=True),
     ("GET", "/rpc/search_tickets?query=a%20b%26c", {}, None)),
    (lambda c: c.rpc("search_tickets", {"query": "x"}),
     ("POST", "/rpc/search_tickets", {}, {"query": "x"})),
    (lambda c: c.schema("api").from_("t").select("*").single(),
     ("GET", "/t?select=*", {"Accept-Profile": "api",
                             "Accept": "application/vnd.pgrst.object+json"}, None)),
    (lambda c: c.from_("t").select("*", count="exact").ilike("title", "%a,b%").range(0, 9),
     ("GET", "/t?select=*&title=ilike.%25a,b%25&offset=0&limit=10",
      {"Prefer": "count=exact"}, None)),
])
def test_from_query_builder(client, build, expected) -> None:
    got = from_query_builder(build(client))
    assert got == expected
    assert KEY not in repr(got)


def test_keep_auth_and_bad_input(client) -> None:
    _, _, headers, _ = from_query_builder(client.from_("t").select("id"), keep_auth=True)
    assert headers["apikey"] == KEY and headers["Authorization"] == f"Bearer {KEY}"
    with pytest.raises(InputError) as e:
        from_query_builder("GET /tickets")
    assert "query builder" in str(e.value)


SECRET = "a-stand-in-secret-of-at-least-32-chars"


def test_builder_explained_and_sent(scratch_demo_dsn: str, demo_snapshot) -> None:
    """The real supabase-py client against the stand-in, and the same builder through
    pgprobe's engine: same rows."""
    import jwt

    config = {"db-schemas": "public", "db-anon-role": "anon", "jwt-secret": SECRET}
    with serve(scratch_demo_dsn, config=config, write=True) as srv:
        c = postgrest.SyncPostgrestClient(srv.url)
        b = c.from_("tickets").select("id,title,status").eq("status", "open").order("id")
        method, path, headers, body = from_query_builder(b)
        explained = pgrst.explain(demo_snapshot, method, path, headers=headers, body=body)
        assert explained.error is None and explained.sql is not None
        local = pgrst.request(scratch_demo_dsn, method, path, headers=headers, body=body)
        sent = b.execute()
        assert sent.data == json.loads(local.body_text)
        assert sent.data and all(r["status"] == "open" for r in sent.data)
        cmp = compare_with_endpoint(srv.url, scratch_demo_dsn, method, path, headers=headers)
        assert cmp.same, cmp.to_text()
        # or the builder itself (a signed JWT's role is used on both sides)
        token = jwt.encode({"role": "postgres"}, SECRET, algorithm="HS256")
        as_owner = postgrest.SyncPostgrestClient(srv.url,
                                                 headers={"Authorization": f"Bearer {token}"})
        cmp = compare_with_endpoint(srv.url, scratch_demo_dsn,
                                    as_owner.from_("tickets").select("id,status"))
        assert cmp.same, cmp.to_text()
        assert len(cmp.endpoint_body) > len(sent.data)  # the owner sees every ticket
        # a write through a stand-in started with write=True commits, as PostgREST does
        ins = c.from_("labels").insert({"name": "from-supabase-py"}).execute()
        assert ins.data[0]["name"] == "from-supabase-py"
    with psycopg.connect(scratch_demo_dsn) as conn:
        assert conn.execute("select count(*) from public.labels where name = %s",
                            ("from-supabase-py",)).fetchone()[0] == 1
