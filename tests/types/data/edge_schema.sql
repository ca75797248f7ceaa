-- Edge cases for the TypeScript generator (pgprobe tests/types).
create schema if not exists other;
create schema if not exists extra;
create type other.mood as enum ('happy', 'sad', 'it''s "complicated"');
create type public.status as enum ('a');
create type public.big_enum as enum ('aaaaaaaaaaaaaaa', 'bbbbbbbbbbbbbbbbbb', 'cccccccccccccccccc', 'dddddddddddddddd', 'eeeeeeeeeeee');
create type public.pair as (x int, y text[], m other.mood, s public.status);
create domain public.email as text not null check (value like '%@%');
create domain public.short_code as varchar(5);

create table public."Weird Name" (
  "id" serial primary key,
  "my-col" text,
  "größe" int,
  "default" boolean not null default false,
  "1st" text,
  "CamelCase" jsonb not null,
  "a_very_long_column_name_that_goes_on_and_on_forever_x" public.big_enum not null,
  moods other.mood[] not null default '{}',
  mood other.mood,
  e public.email,
  sc public.short_code,
  rng int4range,
  tsv tsvector,
  p public.pair,
  ps public.pair[],
  j json,
  arr_of_big public.big_enum[],
  ts timestamp, d date, t time, tt timetz, iv interval, bt bytea, ch char(3), f4 real, f8 double precision, nm numeric, i2 smallint, u uuid, o oid, x xml, inet_col inet
);

create table public.parent (
  id bigint generated always as identity primary key,
  code text unique,
  a int, b int,
  unique (b, a)
);
create table extra.thing (id int primary key);
create table public.child (
  id int primary key references public.parent (id),
  parent_code text references public.parent (code),
  pa int, pb int,
  foreign key (pb, pa) references public.parent (b, a),
  other_ref int references extra.thing (id) deferrable
);
create table public.measurements (id int, at date not null, v numeric, primary key (id, at)) partition by range (at);
create table public.measurements_2024 partition of public.measurements for values from ('2024-01-01') to ('2025-01-01');
create table public.ref_meas (id int primary key, mid int, mat date, foreign key (mid, mat) references public.measurements (id, at));

-- (a view exposing one key column twice is left out: postgres-meta orders those by plan)
create view public.child_view as select c.id, c.parent_code, p.code from public.child c join public.parent p on p.id = c.id;
create view public.child_view2 as select id, parent_code from public.child_view;
create view public.parent_upd as select id, code, a, a + b as s from public.parent;
create materialized view public.parent_mat as select id, code from public.parent;
create view public.ins_only as select id, code from public.parent where false;
create function public.ins_only_trg() returns trigger language plpgsql as $$ begin return new; end $$;
create trigger ins_only_t instead of insert on public.ins_only for each row execute function public.ins_only_trg();

-- functions
create function public.f_noargs() returns text language sql as $$ select 'x' $$;
create function public.f_default(a int default 1) returns int language sql as $$ select a $$;
create function public.f_over(x int) returns int language sql as $$ select x $$;
create function public.f_over(x text) returns text language sql as $$ select x $$;
create function public.f_over2(a int, b text) returns int language sql as $$ select a $$;
create function public.f_over2(a int) returns int language sql as $$ select a $$;
create function public.f_json(json) returns json language sql as $$ select $1 $$;
create function public.f_unnamed_int(int) returns int language sql as $$ select $1 $$;
create function public.f_table(p_id int) returns table (zeta text, alpha int, mood other.mood) language sql as $$ select 'a', 1, 'happy'::other.mood $$;
create function public.f_setof_rows1(p int) returns setof public.parent language sql rows 1 as $$ select * from public.parent $$;
create function public.f_one_parent(p int) returns public.parent language sql as $$ select * from public.parent limit 1 $$;
create function public.computed_label(public.parent) returns text language sql as $$ select $1.code $$;
create function public.children(public.parent) returns setof public.child language sql as $$ select * from public.child where id = $1.id $$;
create function public.the_child(public.parent) returns public.child language sql as $$ select * from public.child where id = $1.id $$;
create function public.view_count(public.child_view) returns bigint language sql as $$ select 1::bigint $$;
create function public.f_void() returns void language sql as $$ $$;
create function public.f_record() returns record language sql as $$ select 1, 2 $$;
create function public.f_setof_text() returns setof text language sql as $$ select 'a' $$;
create function public.f_variadic(variadic vals int[]) returns int language sql as $$ select 1 $$;
create function public.f_out(in a int, out b text, out c int) language sql as $$ select 'x', 1 $$;
create function public.f_pair(p public.pair) returns public.pair language sql as $$ select p $$;
create function public.f_mood_arr(m other.mood[]) returns other.mood language sql as $$ select m[1] $$;
create function public.f_long_args(a_really_long_argument_name_number_one int, another_really_long_argument_name text default 'x') returns public.big_enum language sql as $$ select 'aaaaaaaaaaaaaaa'::public.big_enum $$;
create function public.trg_fn() returns trigger language plpgsql as $$ begin return new; end $$;
create function public.f_mat() returns setof public.parent_mat language sql as $$ select * from public.parent_mat $$;
create function public.f_other_table() returns setof extra.thing language sql as $$ select * from extra.thing $$;
create function public.f_nodef_conflict() returns int language sql as $$ select 1 $$;
create function public.f_nodef_conflict(text default 'a') returns int language sql as $$ select 1 $$;

create table extra.thing2 (id int primary key, thing_id int references extra.thing(id));
create view extra.thing_v as select id from extra.thing;

-- more edge cases
create schema if not exists "MySchema";
create table "MySchema".a (id int primary key);
create table "MySchema".b (id int primary key, a_id int references "MySchema".a(id));
create type public.empty_enum as enum ();
create table public.zero_cols ();
create domain public.d1 as text;
create domain public.d2 as public.d1 not null;
create table public.dom_t (id int primary key, x public.d2, y public.d1[], z varchar(10)[] not null);
create type public.empty_comp as ();
create function public.f_setof_comp() returns setof public.pair language sql as $$ select null::public.pair $$;
create function public.f_out2(a int, out b text, out c int) returns setof record language sql as $$ select 'x', 1 $$;
create function public.f_inout(inout a int, b int default 2) language sql as $$ select a $$;
create view public.upd_trig as select id, code from public.parent;
create function public.upd_trig_fn() returns trigger language plpgsql as $$ begin return new; end $$;
create trigger upd_trig_t instead of update on public.upd_trig for each row execute function public.upd_trig_fn();
create view public.rule_v as select id, code from public.parent;
create rule rule_v_ins as on insert to public.rule_v do instead insert into public.parent (code) values (new.code);
create view public.auto_upd as select id, code, a from public.parent;
create table public.self_ref (id int primary key, parent_id int references public.self_ref(id), other int unique references public.self_ref(id));
create function public.default_json(j jsonb default '{}') returns int language sql as $$ select 1 $$;
create function public.unnamed_default(text default 'x') returns int language sql as $$ select 1 $$;
create function public.mixed_unnamed(a int, int) returns int language sql as $$ select 1 $$;
create function public.self_ref_children(public.self_ref) returns setof public.self_ref language sql rows 1 as $$ select * from public.self_ref $$;
create materialized view public.mv2 as select c.id, c.parent_code from public.child c;
create view public.v_of_mv as select id from public.mv2;
create function extra.in_extra(x int) returns int language sql as $$ select x $$;
create table public."UpperTable" (id int primary key, "Ref" int references public."UpperTable"(id));

-- relationship column lists too long for one line; a non-ASCII FK name
create table public.long_keys (
  a_really_long_column_name_number_one int,
  a_really_long_column_name_number_two int,
  primary key (a_really_long_column_name_number_one, a_really_long_column_name_number_two)
);
create table public.long_refs (
  id int primary key,
  ref_one_with_a_long_name int, ref_two_with_a_long_name int,
  constraint "verknüpfung_mit_langen_schlüsseln" foreign key (ref_one_with_a_long_name, ref_two_with_a_long_name)
    references public.long_keys (a_really_long_column_name_number_one, a_really_long_column_name_number_two)
);
