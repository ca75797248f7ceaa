"""View and materialized-view definitions in a snapshot are exactly what
``pg_get_viewdef(view, true)`` says (with ``search_path`` empty, as the snapshot reads them),
whether pgprobe wrote them (plain views, ``catalog/_viewdef.py``) or the server deparsed them
(``sql/view_definitions.sql``)."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from psycopg import sql

import pgprobe
from pgprobe.catalog import _reader

SCHEMAS = ["app", "Odd Schema", "select", "ünï", "other", "shadow"]

SHAPES = """
create schema app;
create schema "Odd Schema";
create schema "select";
create schema "ünï";
create schema other;
create schema shadow;
create type app.mood as enum ('ok', 'sad');
create domain app.short_text as text check (length(value) < 10);
create type app.pair as (a int, b text);
create table app.t (
  id bigint generated always as identity primary key, "user" text, "order" int,
  "select" int, "Mixed" int, "a""b" int, name varchar(20), c_name text collate "C",
  tags text[], grid int[][], mood app.mood, s app.short_text, n numeric(10, 2),
  at timestamptz, "año" int, "$x" int, u uuid, j jsonb, b boolean, ch char(3), raw bytea,
  p app.pair, "with space" int, g int generated always as ("order" * 2) stored,
  "Table" int, old int, new int
);
create view app.all_t as select * from app.t;
create view app.subset as select name, id, "user" from app.t;
create view app.one as select id from app.t;
create view app.one_quoted as select "a""b" from app.t;
create view app.renamed (a, "B", "select", "ü x") as select id, name, "order", "with space" from app.t;
create view app.aliased_cols as select id as ident, "user" as "user", name as "Name", n as n from app.t;
create view app.twice as select id, id as id2, id as "ID" from app.t;
create view app.qualified as select t.id, app.t.name from app.t;
create view app.table_alias as select x.id, x.name from app.t x;
create view app.table_alias_cols as select x.a from app.t as x(a, b);
create view app.only_t as select id, name from only app.t;
create view app.expr as select id, id + 1 as next, upper(name) as up from app.t;
create view app.cast as select id::int as id, name::text as name from app.t;
create view app.constant as select id, 1 as one, 'x'::text as x from app.t;
create view app.just_constant as select 1 as one;
create view app.where_ as select id, name from app.t where b;
create view app.ordered as select id, name from app.t order by name;
create view app.ordered_junk as select id from app.t order by name;
create view app.distinct_ as select distinct name from app.t;
create view app.distinct_on as select distinct on (name) name, id from app.t order by name, id;
create view app.grouped as select name, count(*) as n from app.t group by name;
create view app.grouped_plain as select name from app.t group by name;
create view app.having_ as select name from app.t group by name having count(*) > 1;
create view app.limited as select id from app.t limit 10;
create view app.offset_ as select id from app.t offset 1;
create view app.window_ as select id, row_number() over (order by id) as rn from app.t;
create view app.srf as select id, unnest(tags) as tag from app.t;
create view app.sublink as select id, (select 1) as one from app.t;
create view app.in_sub as select id from app.t where id in (select id from app.t);
create view app.from_sub as select id from (select id from app.t) s;
create view app.cte as with c as (select id from app.t) select id from c;
create view app.unioned as select id from app.t union select id from app.t;
create view app.union_all as select id from app.t union all select "order" from app.t;
create view app.joined as select a.id, b.name from app.t a join app.t b on a.id = b.id;
create view app.cross_ as select t.id from app.t, app.one;
create view app.lateral_ as select t.id, x.y from app.t, lateral (select t.id as y) x;
create view app.values_ as select * from (values (1, 'a'), (2, 'b')) v(x, y);
create view app.func_from as select * from generate_series(1, 3) g;
create view app.whole_row as select t from app.t;
create view app.system_col as select ctid, id from app.t;
create view app.tablesample_ as select id from app.t tablesample system (50);
create view app.locked as select id from app.t for update;
create view app.barrier with (security_barrier) as select id, name from app.t;
create view app.invoker with (security_invoker = true) as select id from app.t;
create view app.checked as select id, name from app.t with local check option;
create view app.cascaded as select id from app.all_t with cascaded check option;
create view app.view_of_view as select id, name as label from app.subset;
create view app.view_of_view_of_view as select label from app.view_of_view;
create view app.cast_of_view as select id::text from app.subset;
create view "Odd Schema"."Odd View" as select id, "Mixed", "a""b", "año", "$x", "Table" from app.t;
create table "Odd Schema"."Odd Table" (id int, "from" int, "Select" text, "ünï" int, "x""y" int);
create view "Odd Schema"."v of odd" as select * from "Odd Schema"."Odd Table";
create view "Odd Schema".v_odd_renamed as select "from" as "to", "ünï" as plain from "Odd Schema"."Odd Table";
create table "select"."select" ("select" int, "from" int, "where" int, "table" int);
create view "select"."from" as select * from "select"."select";
create view "select".v as select "from", "select" from "select"."select";
create table "ünï"."täble" ("çol" int, "Ω" text);
create view "ünï"."vïew" as select * from "ünï"."täble";
create table app.old (id int, new int);
create table app.new (id int, old int);
create view app.v_old as select * from app.old;
create view app.v_new as select id, old from app.new;
create view app.v_old_as_new as select id as new from app.old;
create table app.pg_class (oid int, relname text);
create view app.v_shadow as select * from app.pg_class;
create view shadow.pg_tables as select relname from app.pg_class;
create view app.v_catalog as select relname, relkind from pg_catalog.pg_class;
create view app.v_catalog_renamed as select oid as class_oid from pg_catalog.pg_namespace;
create view app.v_info as select table_name from information_schema.tables;
create table app.parted (id int, region text, amount int) partition by list (region);
create table app.parted_eu partition of app.parted for values in ('eu');
create view app.v_parted as select id, region from app.parted;
create view app.v_parted_only as select id from only app.parted;
create view app.v_partition as select * from app.parted_eu;
create materialized view app.mv as select id, "user", name from app.t;
create materialized view app.mv_renamed (x, y) as select id, name from app.t;
create materialized view app.mv_expr as select id, id * 2 as d from app.t;
create materialized view app.mv_only as select id from only app.t;
create view app.v_of_mv as select name, id from app.mv;
create materialized view app.mv_of_view as select id, label from app.view_of_view;
create extension file_fdw;
create server files foreign data wrapper file_fdw;
create foreign table app.ft (id int, "Note" text) server files options (filename '/dev/null');
create view app.v_ft as select "Note", id from app.ft;
create table app.inh_parent (id int, v text);
create table app.inh_child (extra int) inherits (app.inh_parent);
create view app.v_inh as select id, v from app.inh_parent;
create view app.v_inh_only as select id, v from only app.inh_parent;
create view app.v_child as select * from app.inh_child;
create table app.changing (a int, b int, c int, d int, e int);
create view app.v_changing as select a, c, e from app.changing;
alter table app.changing drop column b;
create view app.v_changing_all as select * from app.changing;
alter table app.changing rename column c to "C renamed";
alter table app.changing rename column e to "select";
alter view app.v_changing rename column a to first;
alter table app.changing rename to "Changed";
alter table app."Changed" set schema other;
create table app.moving (id int, name text);
create view app.v_moving as select id, name from app.moving;
alter table app.moving set schema "Odd Schema";
create table other.base (id int, label text);
create view app.cross_schema as select label, id from other.base;
create or replace view app.one as select id, name from app.t;
alter view app.subset rename to "Subset Renamed";
create view other.long_names as select
  id as "a_very_long_column_name_that_is_exactly_sixty_three_characters_",
  name as "another_very_long_column_name_that_goes_beyond_sixty_three_characters"
  from app.t;
"""

VIEW_TEXT = (
    "select n.nspname, c.relname, pg_get_viewdef(c.oid, true) "
    "from pg_class c join pg_namespace n on n.oid = c.relnamespace "
    "where c.relkind in ('v', 'm') and n.nspname = any(%s)")


def _server_text(dsn: str, schemas: list[str]) -> dict[tuple[str, str], str]:
    with psycopg.connect(dsn) as conn:
        conn.execute("set search_path = ''")
        return {(r[0], r[1]): r[2] for r in conn.execute(VIEW_TEXT, [schemas])}


def _load(dsn: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(SHAPES)  # type: ignore[arg-type]


def _snapshot_text(snap: pgprobe.Snapshot) -> dict[tuple[str, str], str | None]:
    return {(r.schema, r.name): r.view_definition for r in snap.relations
            if r.kind in ("view", "materialized_view")}


def test_every_view_definition_matches_the_server(scratch_dsn: str) -> None:
    _load(scratch_dsn)
    truth = _server_text(scratch_dsn, SCHEMAS)
    assert len(truth) >= 80
    got = _snapshot_text(pgprobe.snapshot(scratch_dsn, schemas=SCHEMAS))
    assert {k: v for k, v in got.items() if v != truth.get(k)} == {}
    assert got == truth


@pytest.mark.parametrize("parallel", [True, False])
def test_partial_and_serial_snapshots_write_the_same(scratch_dsn: str, parallel: bool) -> None:
    _load(scratch_dsn)
    truth = _server_text(scratch_dsn, SCHEMAS)
    part = pgprobe.snapshot(scratch_dsn, schemas=["app"], parallel=parallel,
                            relations=["app.v_of_mv", "app.renamed", "app.view_of_view",
                                       "app.v_changing", "app.grouped"])
    got = _snapshot_text(part)
    assert len(got) == 5
    assert got == {k: truth[k] for k in got}


def test_skipped_sources_and_keys_still_give_every_definition(scratch_dsn: str) -> None:
    """Without the trees (skip view_sources) the server deparses every view; without
    indexes and constraints the quoting facts are still read for the views."""
    _load(scratch_dsn)
    truth = _server_text(scratch_dsn, SCHEMAS)
    for skip in (("view_sources",), ("indexes", "constraints"),
                 ("indexes", "constraints", "view_sources")):
        got = _snapshot_text(pgprobe.snapshot(scratch_dsn, schemas=SCHEMAS, skip=skip))
        assert got == truth, skip


def _deparsed_by_server(dsn: str, schemas: list[str]) -> tuple[set[str], set[str]]:
    """(every view's name, the names of those the server deparsed) for one snapshot read."""
    from pgprobe.connect import connect

    with connect(dsn) as probe:
        params: dict[str, Any] = {"schemas": schemas, "relations": None, "skip": (),
                                  "relation_oids": None}
        results = _reader._run_all(probe.conn, params, None)
        rows = [r for r in results["relations"] if r["kind"] in ("v", "m")]
        with probe.conn.transaction():
            sent = _reader._set_view_definitions(probe.conn, results, rows)
    views = {r["oid"]: f'{r["schema"]}.{r["name"]}' for r in rows}
    return set(views.values()), {views[oid] for oid in sent}


def test_both_paths_are_exercised(scratch_dsn: str) -> None:
    _load(scratch_dsn)
    with psycopg.connect(scratch_dsn) as conn:
        old_new_entries = conn.info.server_version < 160000  # PG 15: old/new in view trees
    views, by_server = _deparsed_by_server(scratch_dsn, SCHEMAS)
    written = views - by_server
    assert {"app.expr", "app.cast_of_view", "app.where_", "app.ordered", "app.ordered_junk",
            "app.grouped_plain", "app.distinct_", "app.cte", "app.unioned", "app.joined",
            "app.table_alias", "app.table_alias_cols", "app.whole_row", "app.system_col",
            "app.tablesample_", "app.locked", "app.just_constant", "app.from_sub",
            "app.mv_expr"} <= by_server
    assert {"app.all_t", "app.Subset Renamed", "app.renamed", "app.aliased_cols",
            "app.twice", "app.qualified", "app.only_t", "app.barrier", "app.checked",
            "app.cascaded", "app.view_of_view", "app.view_of_view_of_view",
            "Odd Schema.Odd View", "Odd Schema.v of odd", "select.from", "ünï.vïew",
            "app.v_shadow", "shadow.pg_tables", "app.v_catalog",
            "app.v_parted_only", "app.mv", "app.mv_renamed", "app.mv_only", "app.v_of_mv",
            "app.mv_of_view", "app.v_ft", "app.v_inh_only", "app.v_changing",
            "app.v_changing_all", "app.v_moving", "app.cross_schema",
            "other.long_names", "app.v_info"} <= written
    # a relation named old or new: renamed by ruleutils on PG 15, written by pgprobe after
    assert ({"app.v_old", "app.v_new"} <= by_server) == old_new_entries
    assert ({"app.v_old", "app.v_new"} <= written) != old_new_entries


def test_quote_all_identifiers_is_followed(scratch_dsn: str) -> None:
    """The session's quote_all_identifiers quotes every name pgprobe writes, as the server
    does (a database default reaches the snapshot's session and the server's text alike)."""
    _load(scratch_dsn)
    with psycopg.connect(scratch_dsn, autocommit=True) as conn:
        conn.execute(sql.SQL("alter database {} set quote_all_identifiers = on").format(
            sql.Identifier(conn.info.dbname)))
    truth = _server_text(scratch_dsn, SCHEMAS)
    assert 'FROM "app"."t";' in truth[("app", "one")]  # the setting reached the server's text
    got = _snapshot_text(pgprobe.snapshot(scratch_dsn, schemas=SCHEMAS))
    assert got == truth
