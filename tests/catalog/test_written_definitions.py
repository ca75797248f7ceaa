"""Index and constraint definitions in a snapshot are exactly what ``pg_get_indexdef`` and
``pg_get_constraintdef`` say, whether pgprobe wrote them (plain indexes and keys,
``catalog/_deparse.py``) or the server deparsed them."""

from __future__ import annotations

import psycopg
import pytest

import pgprobe
from pgprobe.catalog._deparse import DeparseFacts

SHAPES = """
create schema "Odd Schema";
create schema app;
create type app.mood as enum ('ok', 'sad');
create domain app.short_text as text check (length(value) < 10);
create table app.t (
  id bigint primary key, "user" text, "order" int, "select" int, "Mixed" int, "a""b" int,
  name varchar(20), c_name text collate "C", tags text[], mood app.mood, s app.short_text,
  n numeric, at timestamptz, "año" int, "$x" int, u uuid, j jsonb, b boolean, ch char(3)
);
create unique index t_user_order on app.t ("user", "order");
create index t_select on app.t ("select");
create index "t Mixed" on app.t ("Mixed", "a""b");
create index t_name on app.t (name);
create index t_name_pattern on app.t (name varchar_pattern_ops);
create index t_c_name on app.t (c_name);
create index t_c_name_default on app.t (c_name collate "default");
create index t_tags on app.t (tags);
create index t_tags_gin on app.t using gin (tags);
create index t_mood on app.t (mood);
create index t_s on app.t (s);
create index t_desc on app.t (n desc, at nulls first);
create index t_include on app.t (u) include (j);
create index t_partial on app.t (b) where b;
create index t_expr on app.t (lower("user"));
create index t_fill on app.t (n) with (fillfactor = 70);
create index t_hash on app.t using hash (u);
create index t_unicode on app.t ("año", "$x");
create index t_char on app.t (ch);
create table "Odd Schema"."Odd Table" (id int primary key, "from" int unique);
create table app.p (id int, region text, primary key (id, region)) partition by list (region);
create table app.p_eu partition of app.p for values in ('eu');
create index p_region on app.p (region);
create materialized view app.mv as select id, "user" from app.t;
create unique index mv_id on app.mv (id);
"""


def _server_text(dsn: str, query: str) -> dict[tuple[str, str, str], str]:
    """(schema, relation, object) -> the server's own definition, read by ``query``."""
    with psycopg.connect(dsn) as conn:
        conn.execute("set search_path = ''")
        return {(r[0], r[1], r[2]): r[3] for r in conn.execute(query)}  # type: ignore[arg-type]


def _sent_by_server(dsn: str, ddl: str, query: str, schemas: list[str]) -> set[str]:
    """After ``ddl``: the objects whose definition the catalog query ``query`` takes from
    the server rather than leaving to pgprobe (the definition column is not null)."""
    from pgprobe.catalog._reader import query_text

    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(ddl)  # type: ignore[arg-type]
        cur = conn.execute(query_text(query) or "", {
            "schemas": schemas, "relations": None, "relation_oids": None})
        at = [d.name for d in cur.description or ()].index("definition")
        return {r[1] for r in cur.fetchall() if r[at] is not None}


INDEX_TEXT = (
    "select n.nspname, c.relname, ic.relname, pg_get_indexdef(i.indexrelid) "
    "from pg_index i join pg_class ic on ic.oid = i.indexrelid "
    "join pg_class c on c.oid = i.indrelid join pg_namespace n on n.oid = c.relnamespace "
    "where n.nspname in ('app', 'Odd Schema')")


def test_every_index_definition_matches_the_server(scratch_dsn: str) -> None:
    with psycopg.connect(scratch_dsn, autocommit=True) as conn:
        conn.execute(SHAPES)
        if conn.info.server_version >= 150000:
            conn.execute("create unique index t_nnd on app.t (n) nulls not distinct")
    truth = _server_text(scratch_dsn, INDEX_TEXT)
    snap = pgprobe.snapshot(scratch_dsn, schemas=["app", "Odd Schema"])
    got = {(r.schema, r.name, i.name): i.definition for r in snap.relations for i in r.indexes}
    assert len(truth) >= 28
    assert got == truth


def test_partial_snapshot_writes_the_same_definitions(scratch_dsn: str) -> None:
    with psycopg.connect(scratch_dsn, autocommit=True) as conn:
        conn.execute(SHAPES)
    whole = pgprobe.snapshot(scratch_dsn, schemas=["app", "Odd Schema"])
    part = pgprobe.snapshot(scratch_dsn, schemas=["app"], relations=["app.t"])
    assert part.table("app.t").indexes == whole.table("app.t").indexes


@pytest.mark.parametrize(("ident", "quoted"), [
    ("tickets", "tickets"), ("user", '"user"'), ("Title", '"Title"'), ("a b", '"a b"'),
    ("1st", '"1st"'), ("_x9", "_x9"), ("año", '"año"'), ("$x", '"$x"'), ('say "hi"', '"say ""hi"""'),
    ("", '""'), ("name", "name"),
])
def test_quote_matches_quote_ident(scratch_dsn: str, ident: str, quoted: str) -> None:
    with psycopg.connect(scratch_dsn) as conn:
        row = conn.execute(
            "select quote_ident(%s), array(select word from pg_get_keywords() where catcode <> 'U')",
            [ident]).fetchone()
    assert row is not None
    facts = DeparseFacts(frozenset(row[1]), False, {})
    assert facts.quote(ident) == row[0] == quoted


def test_both_paths_are_exercised(scratch_dsn: str) -> None:
    """The shapes above include indexes pgprobe writes and indexes the server must deparse,
    so the comparison covers both."""
    server_written = _sent_by_server(scratch_dsn, SHAPES, "indexes", ["app", "Odd Schema"])
    # t_name_pattern passes this first check; its operator class sends it to the server later
    assert {"t_c_name_default", "t_desc", "t_include", "t_partial",
            "t_expr", "t_fill", "t_hash", "t_tags_gin", "p_region"} <= server_written
    assert not {"t_user_order", "t_select", "t Mixed", "t_unicode", "t_c_name", "t_pkey",
                "mv_id", "Odd Table_from_key"} & server_written


KEYS = """
create schema app;
create schema "Other";
create table "Other"."Org" ("Id" int primary key, code text unique, "user" int, "order" int,
  unique ("user", "order"));
create table app.k (
  id int primary key, a int, b int, c int, "from" int, org int, code text, u int, v int,
  unique (a, b), unique (c) include (a), unique (u) deferrable initially deferred,
  constraint v_pos check (v > 0), exclude using btree (v with =)
);
create table app.r (
  id int, region text, primary key (id, region)
) partition by list (region);
create table app.r_eu partition of app.r for values in ('eu');
create table app.f (
  id bigint generated always as identity primary key,
  org int references "Other"."Org" ("Id"),
  org2 int references "Other"."Org" ("Id") on update cascade on delete restrict,
  org3 int references "Other"."Org" ("Id") on delete set null,
  org4 int default 1 references "Other"."Org" ("Id") on update set default on delete set default,
  org5 int references "Other"."Org" ("Id") on delete cascade on update restrict,
  code text references "Other"."Org" (code) match full,
  "from" int references app.k (id) deferrable,
  rr int, constraint r_later unique (rr) deferrable,
  self int references app.f (id),
  ua int, ub int, foreign key (ua, ub) references app.k (a, b),
  rid int, rreg text, foreign key (rid, rreg) references app.r (id, region),
  "user" int, "order" int, foreign key ("user", "order") references "Other"."Org" ("user", "order")
);
alter table app.f add constraint f_late foreign key (org) references "Other"."Org" ("Id") not valid;
"""


CONSTRAINT_TEXT = (
    "select n.nspname, c.relname, con.conname, pg_get_constraintdef(con.oid, true) "
    "from pg_constraint con join pg_class c on c.oid = con.conrelid "
    "join pg_namespace n on n.oid = c.relnamespace "
    "where n.nspname in ('app', 'Other') and con.contype in ('p', 'u', 'f', 'c', 'x')")


def test_every_constraint_definition_matches_the_server(scratch_dsn: str) -> None:
    with psycopg.connect(scratch_dsn, autocommit=True) as conn:
        conn.execute(KEYS)
        if conn.info.server_version >= 150000:
            conn.execute("alter table app.k add constraint k_nnd unique nulls not distinct (b)")
            conn.execute("alter table app.f add column g int, add column h int, "
                         "add constraint f_setnull foreign key (g, h) references app.k (a, b) "
                         "on delete set null (g)")
    truth = _server_text(scratch_dsn, CONSTRAINT_TEXT)
    snap = pgprobe.snapshot(scratch_dsn, schemas=["app", "Other"])
    got = {(r.schema, r.name, c.name): c.definition
           for r in snap.relations for c in r.constraints}
    assert len(truth) >= 25
    assert got == truth


def test_constraint_paths_are_both_exercised(scratch_dsn: str) -> None:
    written_by_server = _sent_by_server(scratch_dsn, KEYS, "constraints", ["app", "Other"])
    assert {"k_c_a_key", "k_u_key", "v_pos", "r_later", "f_code_fkey", "f_from_fkey", "f_late",
            "f_org3_fkey", "f_org4_fkey"} <= written_by_server
    assert not {"k_pkey", "k_a_b_key", "Org_pkey", "Org_code_key", "f_org_fkey",
                "f_org2_fkey", "f_org5_fkey", "f_self_fkey", "f_ua_ub_fkey", "f_rid_rreg_fkey",
                "f_user_order_fkey", "r_pkey"} & written_by_server
