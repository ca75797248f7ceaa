"""The PostgREST probe is a safe probe: reads in a read-only, time-limited session; writes
explained, not executed, on a database that is not scratch, through every probe path.

Runs on the session's test server (PGPROBE_TEST_PG=embedded|system) in a database of its
own that is *not* marked scratch (a stand-in for production).
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

import pgprobe.connect
from pgprobe._scratch import is_scratch, mark_scratch
from pgprobe.cli import main
from pgprobe.endpoint import compare_with_endpoint, fetch, serve
from pgprobe.postgrest import WriteWarning, explain, request

SCHEMA = """
do $$ begin create role anon nologin; exception when duplicate_object then null; end $$;
create table public.items (id serial primary key, name text not null);
create table public.audit (n int);
create function public.log_item() returns trigger language plpgsql as
  $f$ begin insert into public.audit values (1); return new; end $f$;
create trigger items_audit after insert on public.items
  for each row execute function public.log_item();
alter table public.items enable row level security;
create policy items_anon on public.items for all to anon using (true) with check (true);
grant usage on schema public to anon;
grant select, insert, update, delete on public.items, public.audit to anon;
grant usage on sequence public.items_id_seq to anon;
create function public.bump() returns int language sql volatile as
  $f$ insert into public.items(name) values ('rpc') returning id $f$;
create function public.session_info() returns json language sql stable as $f$
  select json_build_object('app', current_setting('application_name'),
    'read_only', current_setting('transaction_read_only'),
    'lock_timeout', current_setting('lock_timeout'),
    'statement_timeout', current_setting('statement_timeout'), 'role', current_user) $f$;
grant execute on function public.bump(), public.session_info() to anon;
insert into public.items(name) values ('first');
"""
CONFIG = {"db-schemas": "public", "db-anon-role": "anon"}
WRITES = [("POST", "/items", {"name": "x"}), ("PATCH", "/items?id=eq.1", {"name": "y"}),
          ("PUT", "/items?id=eq.1", {"id": 1, "name": "z"}), ("DELETE", "/items?id=eq.1", None),
          ("POST", "/rpc/bump", {})]


def _create(pg_server: Any, scratch: bool) -> Iterator[str]:
    name = f"probe_target_{uuid.uuid4().hex[:10]}"
    dsn = pg_server.create_database(name)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(SCHEMA)
    if scratch:
        mark_scratch(dsn)
    try:
        yield dsn
    finally:
        pg_server.drop_database(name)


@pytest.fixture()
def prod_dsn(pg_server: Any) -> Iterator[str]:
    """A database that is not marked scratch: pgprobe must not write to it."""
    yield from _create(pg_server, scratch=False)


@pytest.fixture()
def marked_dsn(pg_server: Any) -> Iterator[str]:
    yield from _create(pg_server, scratch=True)


def state(dsn: str) -> tuple[Any, ...]:
    """The sequence (last_value, is_called), the rows and the trigger's audit rows."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        seq = conn.execute("select last_value, is_called from public.items_id_seq").fetchone()
        items = conn.execute("select id, name from public.items order by id").fetchall()
        audit = conn.execute("select count(*) from public.audit").fetchone()
    return seq, items, audit


def test_scratch_mark_is_read_from_the_catalog(prod_dsn: str, marked_dsn: str) -> None:
    with psycopg.connect(prod_dsn, autocommit=True) as conn:
        assert not is_scratch(conn)
        conn.execute("set pgprobe.scratch = 'on'")  # a session setting does not count
        assert not is_scratch(conn)
    with psycopg.connect(marked_dsn, autocommit=True) as conn:
        assert is_scratch(conn)


def test_reads_run_in_a_safe_session_as_the_anon_role(prod_dsn: str) -> None:
    r = request(prod_dsn, "GET", "/rpc/session_info", config=CONFIG)
    assert r.status == 200, r.body
    assert r.body == {"app": "pgprobe", "read_only": "on", "lock_timeout": "2s",
                      "statement_timeout": "30s", "role": "anon"}
    texts = [s.text for s in r.statements]
    assert texts[0] == "SET TRANSACTION READ ONLY"
    assert "set_config('lock_timeout', '2s', true)" in texts[1]


@pytest.mark.parametrize(("method", "path", "body"), WRITES,
                         ids=[f"{m} {p}" for m, p, _ in WRITES])
def test_writes_are_explained_not_executed(prod_dsn: str, method: str, path: str,
                                           body: Any) -> None:
    before = state(prod_dsn)
    for source in ("dsn", "connection", "probe"):
        if source == "dsn":
            r = request(prod_dsn, method, path, body=body, config=CONFIG)
        elif source == "connection":
            with psycopg.connect(prod_dsn, autocommit=True) as conn:
                r = request(conn, method, path, body=body, config=CONFIG)
        else:
            with pgprobe.connect(prod_dsn, write=True) as probe:
                r = request(probe, method, path, body=body, config=CONFIG)
        assert not r.executed and r.status == 0 and r.write is not None, (source, r)
        assert r.sql is not None and r.notes and "not a scratch database" in r.notes[0]
    assert state(prod_dsn) == before  # sequence, rows and trigger side effects untouched


def test_write_explanation_names_role_policies_grants_triggers(prod_dsn: str) -> None:
    r = request(prod_dsn, "POST", "/items", body={"name": "x"}, config=CONFIG)
    w = r.write
    assert (w.kind, w.target, w.role, w.rls_enabled) == ("insert", "public.items", "anon", True)
    assert [p.split(" ")[0] for p in w.policies] == ["items_anon"]
    assert "INSERT to anon" in w.grants
    assert [t.split(" ")[0] for t in w.triggers] == ["items_audit"]
    assert explain(prod_dsn, "POST", "/items", body={"name": "x"}, config=CONFIG).write == \
        type(w)("insert", "public.items", "anon", True, w.policies, w.grants, w.triggers,
                "translated only")


def test_a_write_that_reads_is_refused_by_the_read_only_session(prod_dsn: str) -> None:
    before = state(prod_dsn)
    r = request(prod_dsn, "GET", "/rpc/bump", config=CONFIG)  # GET: a read-only transaction
    assert r.status == 405 and r.error["code"] == "25006"
    assert state(prod_dsn) == before


def test_cli_explains_and_refuses_commit_without_opt_in(prod_dsn: str,
                                                        capsys: pytest.CaptureFixture[str]
                                                        ) -> None:
    before = state(prod_dsn)
    code = main(["postgrest", "POST", "/items", "-d", '{"name": "cli"}', "--dsn", prod_dsn,
                 "--anon-role", "anon"])
    out = capsys.readouterr().out
    assert code == 0 and "not executed: insert on public.items as role anon" in out
    assert "items_audit" in out
    assert main(["postgrest", "POST", "/items", "-d", "{}", "--dsn", prod_dsn, "--commit"]) == 2
    assert state(prod_dsn) == before


def test_stand_in_and_comparison_do_not_write(prod_dsn: str) -> None:
    before = state(prod_dsn)
    with serve(prod_dsn, config=CONFIG, listen=False) as srv:
        answer = fetch(srv.url + "/items", "POST", body=b'{"name": "http"}',
                       headers={"Content-Type": "application/json"})
        assert answer.status == 405 and answer.json()["code"] == "25006"
        cmp = compare_with_endpoint(srv.url, prod_dsn, "POST", "/items", body={"name": "c"},
                                    config=CONFIG)
        assert cmp.endpoint_status == 405 and cmp.local_status == 0
    assert state(prod_dsn) == before


def test_opt_in_runs_rolled_back_with_a_warning(prod_dsn: str) -> None:
    before = state(prod_dsn)
    with pytest.warns(WriteWarning, match=r"insert on public\.items as anon; fires 1 trigger"):
        r = request(prod_dsn, "POST", "/items", body={"name": "x"}, config=CONFIG,
                    headers={"Prefer": "return=representation"}, execute_writes=True)
    assert r.executed and r.status == 201 and r.body[0]["name"] == "x"
    assert "rolled back" in r.notes[0]
    seq, items, audit = state(prod_dsn)
    assert (items, audit) == before[1:]  # rolled back (the sequence did advance: documented)


def test_scratch_database_implies_the_opt_in(marked_dsn: str) -> None:
    before = state(marked_dsn)
    r = request(marked_dsn, "POST", "/items", body={"name": "x"}, config=CONFIG)
    assert r.executed and r.status == 201 and not r.notes
    assert state(marked_dsn)[1:] == before[1:]
    r = request(marked_dsn, "POST", "/items", body={"name": "x"}, config=CONFIG,
                execute_writes=False)
    assert not r.executed and r.write is not None


def test_a_held_lock_makes_the_probe_fail_fast(prod_dsn: str) -> None:
    assert request(prod_dsn, "GET", "/items", config=CONFIG).status == 200
    with psycopg.connect(prod_dsn) as locker:
        locker.execute("lock table public.items in access exclusive mode")
        start = time.monotonic()
        r = request(prod_dsn, "GET", "/items", config=CONFIG, lock_timeout="300ms")
        elapsed = time.monotonic() - start
        with pytest.warns(WriteWarning):
            w = request(prod_dsn, "POST", "/items", body={"name": "x"}, config=CONFIG,
                        execute_writes=True, lock_timeout="300ms")
        elapsed_write = time.monotonic() - start - elapsed
        locker.rollback()
    assert w.status == 500 and w.error["code"] == "55P03" and elapsed_write < 10
    assert r.status == 500 and r.error["code"] == "55P03", json.dumps(r.body)
    assert r.schema_cache == "cached"  # the fingerprint query takes no table lock
    assert any("lock_timeout (300ms) expired" in n for n in r.notes)
    assert elapsed < 10


def test_stand_in_never_trusts_an_unsigned_role(prod_dsn: str) -> None:
    import base64

    def b64(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    head, claims = b64(b'{"alg":"HS256"}'), b64(b'{"role":"postgres"}')
    forged = f"{head}.{claims}.{b64(b'sig')}"  # claims the owner role, signed by nobody
    path = "/rpc/session_info"
    headers = {"Authorization": f"Bearer {forged}"}
    with serve(prod_dsn, config=CONFIG, listen=False) as srv:  # no jwt-secret: token ignored
        assert fetch(srv.url + path, headers=headers).json()["role"] == "anon"
    secret = "a-stand-in-secret-of-at-least-32-chars"
    with serve(prod_dsn, config={**CONFIG, "jwt-secret": secret}, listen=False) as srv:
        answer = fetch(srv.url + path, headers=headers)
        assert answer.status == 401 and answer.json()["code"] == "PGRST301"
        import jwt

        signed = jwt.encode({"role": "anon", "sub": "u1"}, secret, algorithm="HS256")
        answer = fetch(srv.url + path, headers={"Authorization": f"Bearer {signed}"})
        assert answer.status == 200 and answer.json()["role"] == "anon"
