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


# Column defaults without a column reference are deparsed without their relation (columns.sql
# passes relid 0 then, so reading them opens no table): every shape must still read exactly as
# pg_get_expr(adbin, adrelid) says, and generated columns (which name columns) too.
DEFAULTS = """
create schema app;
create schema "Odd Schema";
create type app.mood as enum ('ok', 'sad', 'it''s');
create type app.pair as (a int, b text);
create domain app.positive as int check (value > 0);
create domain app.label as text default 'none';
create sequence app.seq;
create sequence "Odd Schema"."Seq ""q"" s";
create function app.next_code() returns text language sql as $$ select 'c' $$;
create function "Odd Schema"."Make It"(int) returns int language sql as $$ select $1 $$;
create table app.d (
  id bigserial primary key, small smallserial, ident int generated always as identity,
  ident2 bigint generated by default as identity (start 10),
  i int default 1, neg int default -1, negp int default (-5), big bigint default 9000000000,
  f float8 default -2.5e10, nan float8 default 'NaN', num numeric(10, 2) default -1.50,
  t text default 'it''s', dq text default 'say "hi"', e text default E'line\\nbreak\\\\',
  u text default 'año', empty text default '', b boolean default true, nul int default null,
  cast_d date default '2020-01-01'::date, iv interval default '1 day',
  vc varchar(10) default 'x'::varchar(10), bi bigint default 42::bigint,
  ia int[] default '{1,2}', ta text[] default array['a', 'b'], ea int[] default '{}',
  a2 int[][] default '{{1,2},{3,4}}', arr_expr int default (array[1, 2])[1],
  s1 bigint default nextval('app.seq'::regclass), s2 bigint default nextval('"Odd Schema"."Seq ""q"" s"'),
  ts timestamptz default now(), ts2 timestamptz default current_timestamp,
  ts3 timestamp default localtimestamp(3), cd date default current_date,
  cu name default current_user, su name default session_user, cr text default current_role,
  r float8 default random(), ct timestamptz default clock_timestamp(),
  sum int default 1 + 2, later timestamptz default now() + interval '1 day',
  cat text default 'a' || 'b', pw float8 default 2 ^ 3, ab int default abs(-3),
  m app.mood default 'ok', m2 app.mood default 'it''s'::app.mood,
  p app.positive default 5, l app.label, l2 app.label default 'mine',
  pr app.pair default row(1, 'a')::app.pair,
  code text default app.next_code(), mk int default "Odd Schema"."Make It"(2),
  qn timestamptz default pg_catalog.now(),
  j jsonb default '{"a": 1}'::jsonb, jb json default json_build_object('a', 1),
  cs int default case when random() > 0.5 then 1 else 2 end,
  co int default coalesce(null, 1), gr int default greatest(1, 2, 3), nu int default nullif(1, 2),
  coll text default ('x' collate "C"), tz timestamp default (now() at time zone 'utc'),
  ex numeric default extract(year from now()), sub text default substring('abc' from 1 for 2),
  tr text default trim(both 'x' from 'xax'), st text default current_setting('timezone'),
  inf timestamptz default 'infinity', bits bit(3) default B'101', by bytea default '\\x00ff',
  ip inet default '1.2.3.4', anyb boolean default (1 = any(array[1, 2])),
  uu uuid default md5('x')::uuid, ch char(2) default 'ab',
  g int generated always as (i * 2) stored, gt text generated always as (t || cat) stored,
  "Weird ""Col"" x" int default 7
);
create table "Odd Schema"."T" (id serial, "from" int default 3) ;
create table app.parted (id int default 1, region text default 'eu') partition by list (region);
create table app.parted_eu partition of app.parted for values in ('eu');
create view app.v as select id, i from app.d;
alter view app.v alter column i set default 11;
"""

DEFAULT_TEXT = (
    "select n.nspname, c.relname, a.attname, pg_get_expr(d.adbin, d.adrelid), "
    "a.attgenerated <> '' "
    "from pg_attribute a join pg_class c on c.oid = a.attrelid "
    "join pg_namespace n on n.oid = c.relnamespace "
    "left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum "
    "where n.nspname in ('app', 'Odd Schema') and c.relkind in ('r', 'p', 'v') "
    "and a.attnum > 0 and not a.attisdropped")


def test_every_column_default_matches_the_server(scratch_dsn: str) -> None:
    with psycopg.connect(scratch_dsn, autocommit=True) as conn:
        conn.execute(DEFAULTS)
        conn.execute("alter table app.d add column uid uuid default gen_random_uuid()"
                     if conn.info.server_version >= 130000 else "select")
        if conn.info.server_version >= 180000:  # virtual generated columns
            conn.execute("alter table app.d add column gv int generated always as (i + 1)")
        conn.execute("set search_path = ''")
        truth = {(r[0], r[1], r[2]): (r[3], r[4]) for r in conn.execute(DEFAULT_TEXT)}
        without_var = conn.execute(
            "select count(*) from pg_attrdef d join pg_class c on c.oid = d.adrelid "
            "join pg_namespace n on n.oid = c.relnamespace "
            "where n.nspname in ('app', 'Odd Schema') and d.adbin::text not like '%{VAR %'"
        ).fetchone()
    snap = pgprobe.snapshot(scratch_dsn, schemas=["app", "Odd Schema"])
    got = {(r.schema, r.name, c.name): (c.generated if c.generated is not None else c.default,
                                        c.generated is not None)
           for r in snap.relations for c in r.columns}
    assert without_var is not None and without_var[0] >= 60  # the relation-free path is taken
    assert sum(1 for text, generated in truth.values() if generated) >= 2
    assert got == truth


POLICY_TEXT = (
    "select n.nspname, c.relname, p.polname, pg_get_expr(p.polqual, p.polrelid, true), "
    "pg_get_expr(p.polwithcheck, p.polrelid, true) "
    "from pg_policy p join pg_class c on c.oid = p.polrelid "
    "join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'app'")


def test_every_policy_expression_matches_the_server(scratch_dsn: str) -> None:
    with psycopg.connect(scratch_dsn, autocommit=True) as conn:
        conn.execute("""
create schema app;
create function app.uid() returns int language sql stable as $$ select 1 $$;
create table app.p (id int, owner int, body text);
alter table app.p enable row level security;
create policy open on app.p for select using (true);
create policy mine on app.p using (owner = app.uid()) with check (owner = app.uid());
create policy fixed on app.p for insert with check (current_user = 'postgres');
create policy mixed on app.p for update using (app.uid() > 0) with check (body <> 'x''y');
create policy "Odd ""one"" x" on app.p for delete using (id in (select 1 union select 2));
create policy neg on app.p for select using (-1 < 0 and now() > '2020-01-01'::timestamptz);
""")
        conn.execute("set search_path = ''")
        truth = {(r[0], r[1], r[2]): (r[3], r[4]) for r in conn.execute(POLICY_TEXT)}
    snap = pgprobe.snapshot(scratch_dsn, schemas=["app"])
    got = {(r.schema, r.name, p.name): (p.using, p.with_check)
           for r in snap.relations for p in r.policies}
    assert len(truth) == 6
    assert got == truth
