"""No stale schema cache: a DSN's snapshot is reused only while the catalog is unchanged.

The postmortems' trap (a table created after the cache was built answers 404 PGRST205
forever) must not be reproduced by pgprobe itself: objects are created, altered and dropped
between requests in one process.
"""

from __future__ import annotations

from typing import Any

import psycopg

from pgprobe.postgrest import explain, request
from pgprobe.postgrest._cache import SnapshotCache, fingerprint

CONFIG = {"db-schemas": "public", "db-anon-role": "anon"}


def ddl(dsn: str, sql: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(sql)


def test_created_altered_dropped_between_requests(scratch_dsn: str) -> None:
    ddl(scratch_dsn, "do $$ begin create role anon nologin; "
                     "exception when duplicate_object then null; end $$;"
                     "grant usage on schema public to anon")
    first = request(scratch_dsn, "GET", "/t", config=CONFIG)
    assert first.status == 404 and first.error["code"] == "PGRST205"
    assert first.schema_cache == "fresh"
    again = request(scratch_dsn, "GET", "/t", config=CONFIG)
    assert again.status == 404 and again.schema_cache == "cached"

    ddl(scratch_dsn, "create table public.t (id int primary key); insert into t values (1);"
                     "grant select on public.t to anon")
    created = request(scratch_dsn, "GET", "/t", config=CONFIG)
    assert created.status == 200 and created.body == [{"id": 1}]
    assert created.schema_cache == "fresh"
    assert request(scratch_dsn, "GET", "/t", config=CONFIG).schema_cache == "cached"

    ddl(scratch_dsn, "alter table public.t add column title text default 'x'")
    altered = request(scratch_dsn, "GET", "/t?select=id,title", config=CONFIG)
    assert altered.status == 200 and altered.body == [{"id": 1, "title": "x"}]
    assert altered.schema_cache == "fresh"

    ddl(scratch_dsn, "revoke select on public.t from anon")
    revoked = explain(scratch_dsn, "GET", "/t", config=CONFIG)
    assert revoked.schema_cache == "fresh"  # a grant is catalog too (relacl)

    ddl(scratch_dsn, "drop table public.t")
    dropped = request(scratch_dsn, "GET", "/t", config=CONFIG)
    assert dropped.status == 404 and dropped.error["code"] == "PGRST205"
    assert dropped.schema_cache == "fresh"


def test_functions_and_comments_change_the_fingerprint(scratch_dsn: str) -> None:
    with psycopg.connect(scratch_dsn, autocommit=True) as conn:
        seen = {fingerprint(conn)}
        for sql in ("create function public.f() returns int language sql as 'select 1'",
                    "create or replace function public.f() returns int language sql "
                    "as 'select 2'",
                    "create table public.c (id int)",
                    "comment on table public.c is 'described'",
                    "create view public.v as select * from public.c",
                    "create or replace view public.v as select id, 1 as one from public.c",
                    "create policy p on public.c using (true)"):
            conn.execute(sql)
            fp = fingerprint(conn)
            assert fp not in seen, sql
            seen.add(fp)
        conn.execute("analyze public.c")  # statistics are not the schema
        assert fingerprint(conn) in seen


def test_a_connection_is_cached_by_identity(scratch_dsn: str) -> None:
    cache = SnapshotCache()
    with psycopg.connect(scratch_dsn, autocommit=True) as a, \
            psycopg.connect(scratch_dsn, autocommit=True) as b:
        snap, how = cache.get(a, id(a))
        assert how == "fresh"
        assert cache.get(a, id(a)) == (snap, "cached")
        assert cache.get(b, id(b))[1] == "fresh"
        b.execute("create table public.n (id int)")
        assert cache.get(a, id(a))[1] == "fresh"


def test_a_given_snapshot_is_used_as_is(scratch_dsn: str, demo_snapshot: Any) -> None:
    r = explain(demo_snapshot, "GET", "/tickets?select=id", config=CONFIG)
    assert r.schema_cache == "given" and r.error is None
