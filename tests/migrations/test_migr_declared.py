"""Declared objects: what each statement says it creates, alters and drops."""

from __future__ import annotations

import pytest

from pgprobe.migrations import split_statements, statement_effects
from pgprobe.migrations._declared import ExpectedState, normalize_type, type_text


def declared(sql: str) -> dict[str, dict]:
    out = {}
    for st in split_statements(sql):
        for d in statement_effects(st).declared:
            out[f"{d.kind} {d.object}"] = dict(d.expect)
    return out


@pytest.mark.parametrize(
    ("sql", "key", "expect"),
    [
        ("create table s.t (a varchar(20), b numeric(4, 3), c timestamptz, d int[], e public.e)",
         "column s.t.a", {"type": "character varying(20)"}),
        ("create table t (b numeric(4, 3))", "column public.t.b", {"type": "numeric(4,3)"}),
        ("create table t (c timestamptz)", "column public.t.c", {"type": "timestamp with time zone"}),
        ("create table t (d int[])", "column public.t.d", {"type": "integer[]"}),
        ("create table t (id serial primary key)", "constraint public.t: primary key (id)",
         {"constraint_kind": "primary", "columns": ("id",)}),
        ("create table t (u uuid references auth.users)", "constraint public.t: foreign key (u) -> auth.users",
         {"constraint_kind": "foreign", "columns": ("u",), "ref": "auth.users"}),
        ("alter table t enable row level security", "rls public.t", {"enabled": True}),
        ('create policy "p" on t for update to anon, authenticated using (true)',
         "policy public.t: p", {"command": "update", "roles": ("anon", "authenticated"),
                                 "permissive": True}),
        ("create policy p on t using (true)", "policy public.t: p",
         {"command": "all", "roles": ("public",), "permissive": True}),
        ("grant select on t to anon", "grant public.t: SELECT to anon",
         {"grantee": "anon", "privilege": "SELECT", "columns": ()}),
        ("grant update (a) on t to anon", "grant public.t: UPDATE (a) to anon",
         {"grantee": "anon", "privilege": "UPDATE", "columns": ("a",)}),
        ("alter publication supabase_realtime add table t", "publication_member public.t in publication supabase_realtime", {}),
        ("create index ix on s.t (a, b)", "index s.t: s.ix", {"columns": ("a", "b"), "unique": False}),
        ("create index on t (a)", "index public.t: index on (a)", {"columns": ("a",)}),
        ("create type mood as enum ('a', 'b')", "type public.mood", {"type_kind": "enum", "labels": ("a", "b")}),
        ("create function f(a int, b text default 'x') returns int language sql as 'select 1'",
         "function public.f", {"args": ("integer", "text"), "routine": "function"}),
        ("create trigger tr before update on t for each row execute function f()", "trigger public.t: tr", {}),
        ("create view v as select 1", "view public.v", {"relkind": "view"}),
        ("create extension if not exists pg_cron", "extension pg_cron", {}),
        ("create schema if not exists app", "schema app", {}),
    ],
)
def test_declared_objects(sql: str, key: str, expect: dict) -> None:
    got = declared(sql)
    assert key in got, sorted(got)
    assert got[key] == expect


def test_do_block_statements_are_declared_with_their_lines() -> None:
    sql = ("-- x\nDO $$\nBEGIN\n  CREATE TABLE public.a (id int);\n"
           "  EXECUTE 'create index a_idx on public.a (id)';\n"
           "EXCEPTION WHEN OTHERS THEN NULL;\nEND $$;")
    effects = statement_effects(split_statements(sql)[0])
    lines = {d.object: d.line for d in effects.declared}
    assert lines["public.a"] == 4
    assert lines["public.a: public.a_idx"] == 5


def test_do_block_that_does_not_compile_still_declares() -> None:
    sql = "DO $$\nBEGIN\n  CREATE TABLE b (id int);\n  RAISE NOTICE '% %', 1;\nEND $$"
    effects = statement_effects(split_statements(sql)[0])
    assert {d.object for d in effects.declared} >= {"public.b", "public.b.id"}


def test_unparsable_statement_declares_nothing() -> None:
    effects = statement_effects(split_statements("IF NOT EXISTS (select 1) THEN create table x ()")[0])
    assert effects.parse_error and not effects.declared


def replay(sql: str) -> set[str]:
    es = ExpectedState()
    for st in split_statements(sql):
        es.apply(statement_effects(st))
    return {f"{d.kind} {d.object}" for d in es.present()}


def test_expected_state_drops_renames_and_cascades() -> None:
    state = replay("""
        create type c as enum ('a');
        create table t (id int, kind c, other text);
        create policy p on t using (true);
        alter table t rename column other to note;
        drop type c cascade;
        create table gone (id int);
        drop table gone;
        alter table t rename to t2;
        drop policy p on t2;
    """)
    assert "column public.t2.note" in state
    assert "column public.t2.kind" not in state   # dropped with its type
    assert not any("gone" in s for s in state)
    assert not any(s.startswith("policy") for s in state)
    assert "table public.t2" in state and "table public.t" not in state


def test_grant_on_all_tables_expands_to_known_tables_and_revoke_removes() -> None:
    state = replay("""
        create table app.a (id int); create table app.b (id int);
        grant select on all tables in schema app to anon;
        revoke select on app.b from anon;
    """)
    assert "grant app.a: SELECT to anon" in state
    assert "grant app.b: SELECT to anon" not in state


def test_grant_all_expands_to_table_privileges() -> None:
    got = declared("grant all on t to service_role")
    assert {k for k in got if k.startswith("grant")} == {
        f"grant public.t: {p} to service_role"
        for p in ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")}


def test_type_normalisation() -> None:
    assert normalize_type("public.ticket_status") == normalize_type("ticket_status")
    assert normalize_type('"Public"."Mood"') == "mood"
    assert type_text(None) == ""
