"""View updatability in a snapshot is exactly what the server says (``pg_relation_is_updatable``
and ``pg_column_is_updatable``, plus postgres-meta's INSTEAD OF trigger / INSTEAD rule
"writable"), whether pgprobe decided it in Python (``catalog/_updatable.py``, from the stored
trees) or asked the server for the views it could not decide (``sql/view_updatable.sql``)."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from psycopg.rows import dict_row

import pgprobe
from pgprobe.catalog._lineage import direct_sources
from pgprobe.catalog._reader import query_text
from pgprobe.catalog._updatable import Updatability, ViewFacts

SHAPES = """
create schema app;
create schema other;
create table app.t (id int primary key, a int, b text, c numeric);
create function app.noop() returns trigger language plpgsql as $$ begin return new; end $$;
create table other.o (id int primary key, x int, y text);
create view other.ov as select id, x from other.o;
create view other.ov_expr as select id, x + 1 as x1, y from other.o;
create table app.p (id int, region text) partition by list (region);
create table app.p_eu partition of app.p for values in ('eu');
create materialized view app.mv as select id, a from app.t;
create materialized view app.mv_agg as select count(*) as n from app.t;
create extension postgres_fdw;
create server nowhere foreign data wrapper postgres_fdw options (host 'localhost', dbname 'x');
create foreign table app.ft (id int, v text) server nowhere;
create foreign table other.ft_ro (id int, v text) server nowhere options (updatable 'false');

create view app.v_star as select * from app.t;
create view app.v_subset as select id, b from app.t;
create view app.v_renamed (ident, bee) as select id, b from app.t;
create view app.v_alias as select x.id as i, x.a from app.t x;
create view app.v_expr as select id, a + 1 as a1, b from app.t;
create view app.v_cast as select id, a::bigint as a8, b::varchar as bv, c::numeric as cn from app.t;
create view app.v_const as select id, 1 as one, 'x'::text as x from app.t;
create view app.v_only_expr as select a + 1 as a1, lower(b) as lb from app.t;
create view app.v_wholerow as select id, t as whole from app.t t;
create view app.v_wholerow_only as select t as whole from app.t t;
create view app.v_ctid as select ctid, id, b from app.t;
create view app.v_ctid_only as select ctid, xmin from app.t;
create view app.v_dup as select id, a, a as a_again from app.t;
create view app.v_distinct as select distinct id, b from app.t;
create view app.v_distinct_on as select distinct on (a) id, a from app.t;
create view app.v_group as select a, count(*) as n from app.t group by a;
create view app.v_grouping_sets as select a, b from app.t group by grouping sets ((a), (b));
create view app.v_having as select 1 as one from app.t having max(a) > 0;
create view app.v_agg as select count(*) as n from app.t;
create view app.v_window as select id, rank() over (order by a) as r from app.t;
create view app.v_named_window as select id, a from app.t window w as (order by a);
create view app.v_srf as select id, generate_series(1, 2) as g from app.t;
create view app.v_limit as select id, a from app.t limit 10;
create view app.v_offset as select id, a from app.t offset 1;
create view app.v_for_update as select id, a from app.t for update;
create view app.v_with as with w as (select id, a from app.t) select * from w;
create view app.v_with_unused as with w as (select 1) select id, a from app.t;
create view app.v_union as select id, a from app.t union all select id, x from other.o;
create view app.v_join as select t.id, o.x from app.t t join other.o o on o.id = t.id;
create view app.v_comma as select t.id, o.x from app.t t, other.o o where o.id = t.id;
create view app.v_cross_func as select t.id, g from app.t t, generate_series(1, 2) g;
create view app.v_subfrom as select * from (select id, a from app.t) s;
create view app.v_sublink_where as select id, a from app.t where id in (select id from other.o);
create view app.v_sublink_exists as select id, b from app.t
  where exists (select from other.o where o.id = t.id);
create view app.v_sublink_target as select id, (select max(x) from other.o) as m from app.t;
create view app.v_where as select id, a from app.t where a > 0 and b is not null;
create view app.v_order as select id, b from app.t order by a + 1, c;
create view app.v_tablesample as select id, a from app.t tablesample system (10);
create view app.v_only as select id, a from only app.t;
create view app.v_l1 as select id, a, b from app.t;
create view app.v_l2 (k, bb) as select id, b from app.v_l1;
create view app.v_l2_expr as select id, a * 2 as a2, b from app.v_l1;
create view app.v_l3 as select bb, k from app.v_l2;
create view app.v_l3_expr as select a2, id from app.v_l2_expr;
create view app.v_l3_expr_only as select a2 from app.v_l2_expr;
create view app.v_l3_mixed as select a2, b, upper(b) as ub from app.v_l2_expr;
create view app.v_l2_over_distinct as select id, b from app.v_distinct;
create view app.v_l2_over_sublink as select id from app.v_sublink_where;
create view app.v_part as select id, region from app.p;
create view app.v_partition as select id, region from app.p_eu;
create view app.v_foreign as select id, v from app.ft;
create view app.v_foreign_ro as select id from other.ft_ro;
create view app.v_l2_foreign as select v from app.v_foreign;
create view app.v_over_mv as select id, a from app.mv;
create view app.v_over_other as select x, id from other.o;
create view app.v_over_other_view as select id, x from other.ov;
create view app.v_over_other_expr as select x1, y from other.ov_expr;
create view app.v_values as select * from (values (1, 'a')) as v(n, s);
create view app.v_func as select * from generate_series(1, 3) as g(n);
create view app.v_nofrom as select 1 as one;
create view app.v_sec_barrier with (security_barrier) as select id, a from app.t where a > 0;
create view app.v_sec_invoker with (security_invoker) as select id, a from app.t;
create view app.v_check as select id, a from app.t where a > 0 with local check option;
create view app.v_check_cascaded as select id, a from app.v_check where id > 0
  with cascaded check option;
create view app.v_with_recursive as with recursive r(n) as (
  select 1 union all select n + 1 from r where n < 3) select n from r;
create recursive view app.v_recursive (n) as
  select 1 union all select n + 1 from v_recursive where n < 3;
create view app.v_info as select table_name from information_schema.tables;
create view app.v_pg_class as select oid, relname from pg_catalog.pg_class;
create view app.v_quoted as select id as "Id", b as "select" from app.t;
create view "app"."V Odd" as select id, a from app.t;
create view app.v_cycle_a as select 1 as x;
create view app.v_cycle_b as select x from app.v_cycle_a;
create or replace view app.v_cycle_a as select x from app.v_cycle_b;

create view app.v_rule_ins as select id, a + 0 as a0 from app.t;
create rule r_ins as on insert to app.v_rule_ins do instead insert into app.t (id) values (new.id);
create view app.v_rule_upd as select distinct id from app.t;
create rule r_upd as on update to app.v_rule_upd
  do instead update app.t set id = new.id where id = old.id;
create view app.v_rule_del as select a + 1 as a1 from app.t;
create rule r_del as on delete to app.v_rule_del do instead nothing;
create view app.v_rule_cond as select distinct id from app.t;
create rule r_cond as on update to app.v_rule_cond where old.id > 0
  do instead update app.t set id = new.id where id = old.id;
create view app.v_rule_also as select distinct id from app.t;
create rule r_also as on insert to app.v_rule_also do also insert into app.t (id) values (new.id);
create view app.v_rule_all as select count(*) as n from app.t;
create rule ra1 as on insert to app.v_rule_all do instead nothing;
create rule ra2 as on update to app.v_rule_all do instead nothing;
create rule ra3 as on delete to app.v_rule_all do instead nothing;
create view app.v_rule_on_auto as select id, a + 1 as a1 from app.t;
create rule r_on_auto as on update to app.v_rule_on_auto do instead nothing;
create view app.v_rule_on_delete_only as select a + 1 as a1 from app.t;
create rule r_on_delete_only as on update to app.v_rule_on_delete_only do instead nothing;
create view app.v_trg_on_delete_only as select a + 1 as a1, t as whole from app.t t;
create trigger tg instead of insert on app.v_trg_on_delete_only
  for each row execute function app.noop();
create view app.v_rule_sublink as select id from app.t where id in (select id from other.o);
create rule rs1 as on insert to app.v_rule_sublink do instead nothing;
create rule rs2 as on update to app.v_rule_sublink do instead nothing;
create rule rs3 as on delete to app.v_rule_sublink do instead nothing;

create view app.v_trg_ins as select distinct id from app.t;
create trigger tg instead of insert on app.v_trg_ins for each row execute function app.noop();
create view app.v_trg_upd as select distinct id from app.t;
create trigger tg instead of update on app.v_trg_upd for each row execute function app.noop();
create view app.v_trg_del as select distinct id from app.t;
create trigger tg instead of delete on app.v_trg_del for each row execute function app.noop();
create view app.v_trg_all as select distinct id, a from app.t;
create trigger tg instead of insert or update or delete on app.v_trg_all
  for each row execute function app.noop();
create view app.v_trg_on_auto as select id, a + 1 as a1 from app.t;
create trigger tg instead of update on app.v_trg_on_auto for each row execute function app.noop();
create view app.v_trg_subquery as select * from (select id from app.t) s;
create trigger tg instead of delete on app.v_trg_subquery for each row execute function app.noop();

create view app.v_over_rule_upd as select id from app.v_rule_upd;
create view app.v_over_rule_all as select n from app.v_rule_all;
create view app.v_over_rule_del as select a1 from app.v_rule_del;
create view app.v_over_trg_all as select id, a from app.v_trg_all;
create view app.v_over_trg_upd as select id from app.v_trg_upd;
create view app.v_over_trg_on_auto as select a1, id from app.v_trg_on_auto;
create view app.v_over_rule_on_delete_only as select a1 from app.v_rule_on_delete_only;
"""

# Views whose own tree, or a tree they read through, holds several queries (sub-queries,
# CTEs, sub-links, set operations, VALUES in FROM), that read a system view, or a foreign
# table outside the snapshot's schemas (its wrapper decides): pgprobe asks the server,
# unless their rules or triggers decide without the query (v_rule_sublink).
UNDECIDED = {"v_with", "v_with_unused", "v_union", "v_subfrom", "v_sublink_where",
             "v_sublink_exists", "v_sublink_target", "v_l2_over_sublink", "v_with_recursive",
             "v_recursive", "v_info", "v_trg_subquery", "v_values", "v_foreign_ro"}

SERVER = """
select n.nspname, c.relname, c.relkind::text, pg_relation_is_updatable(c.oid, true),
       array(select a.attnum from pg_attribute a
             where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
               and (pg_column_is_updatable(c.oid, a.attnum, false) or c.relkind = 'v' and (
                 exists (select 1 from pg_trigger tg where tg.tgrelid = c.oid
                         and tg.tgtype & 64 <> 0 and tg.tgtype & 20 <> 0 and not tg.tgisinternal)
                 or exists (select 1 from pg_rewrite rw where rw.ev_class = c.oid
                            and rw.is_instead and rw.ev_type in ('2', '3')
                            and rw.ev_qual::text = '<>')))
             order by a.attnum)
from pg_class c join pg_namespace n on n.oid = c.relnamespace
where n.nspname = any(%s) and c.relkind in ('v', 'm', 'f')
"""


def _server(dsn: str, schemas: list[str]) -> dict[tuple[str, str], tuple[int, tuple[int, ...]]]:
    """(schema, name) -> the server's events and updatable columns, as main's SQL reads them
    (matviews' columns are never updatable in a snapshot: columns.sql)."""
    with psycopg.connect(dsn) as conn:
        return {(s, n): (events, () if kind == "m" else tuple(cols))
                for s, n, kind, events, cols in conn.execute(SERVER, [schemas])}


def _snapshot_answers(snap: Any) -> dict[tuple[str, str], tuple[int, tuple[int, ...]]]:
    out = {}
    for rel in snap.relations:
        if rel.kind not in ("view", "materialized_view", "foreign_table"):
            continue
        events = 8 * rel.insertable | 4 * rel.updatable | 16 * rel.deletable
        out[(rel.schema, rel.name)] = (events, tuple(c.position for c in rel.columns
                                                     if c.updatable))
    return out


@pytest.fixture()
def shapes_dsn(scratch_dsn: str) -> str:
    with psycopg.connect(scratch_dsn, autocommit=True) as conn:
        conn.execute(SHAPES)  # type: ignore[arg-type]
    return scratch_dsn


def test_snapshot_matches_the_server(shapes_dsn: str) -> None:
    truth = _server(shapes_dsn, ["app"])
    assert len(truth) >= 90
    # the shapes cover every answer: none, delete only, update only, all, some columns
    assert {events for events, _ in truth.values()} >= {0, 4, 8, 16, 20, 28}
    got = _snapshot_answers(pgprobe.snapshot(shapes_dsn, schemas=["app"]))
    assert got == truth


def test_snapshot_of_both_schemas_and_without_trees_match_the_server(shapes_dsn: str) -> None:
    truth = _server(shapes_dsn, ["app", "other"])
    whole = _snapshot_answers(pgprobe.snapshot(shapes_dsn, schemas=["app", "other"]))
    assert whole == truth
    # no trees read: every view is asked of the server
    without = pgprobe.snapshot(shapes_dsn, schemas=["app", "other"], skip=("view_sources",))
    assert _snapshot_answers(without) == truth


def test_partial_snapshot_matches_the_server(shapes_dsn: str) -> None:
    truth = _server(shapes_dsn, ["app"])
    wanted = ["app.v_l3_mixed", "app.v_over_trg_on_auto", "app.v_l2_foreign",
              "app.v_sublink_where", "app.v_cycle_a"]
    part = _snapshot_answers(pgprobe.snapshot(shapes_dsn, schemas=["app"], relations=wanted))
    assert part == {key: truth[key] for key in part}
    assert len(part) == len(wanted)


def _port(dsn: str, schemas: list[str]) -> tuple[Updatability, dict[tuple[str, str], int]]:
    """The Python port over the facts the snapshot reads (view_trees.sql, instead_events.sql,
    and relations.sql for foreign tables), and the oid of each relation by name."""
    params = {"schemas": schemas, "relations": None, "relation_oids": None}
    with psycopg.connect(dsn) as conn:
        conn.execute("set search_path = ''")
        trees = conn.execute(query_text("view_trees") or "", params).fetchall()
        relations = conn.cursor(row_factory=dict_row).execute(
            query_text("relations") or "", params).fetchall()
        _direct, _asked, queries = direct_sources(trees)
        instead = conn.execute(query_text("instead_events") or "", {
            "oids": "{" + ",".join(map(str, queries)) + "}"}).fetchall()
    facts = ViewFacts(
        queries=queries, kinds={r[0]: r[3] for r in trees},
        rule_events={r[0]: r[1] for r in instead}, trigger_events={r[0]: r[2] for r in instead},
        foreign_events={r["oid"]: r["updatable_events"] for r in relations if r["kind"] == "f"})
    names = {(r["schema"], r["name"]): r["oid"] for r in relations}
    return Updatability(facts), names


def test_the_port_decides_every_single_query_view_as_the_server_does(shapes_dsn: str) -> None:
    """The comparison above would pass if Python decided nothing: here the port itself must
    answer for every view but those whose trees it cannot read, and answer right."""
    port, names = _port(shapes_dsn, ["app"])
    truth = _server(shapes_dsn, ["app"])
    with psycopg.connect(shapes_dsn) as conn:
        attnums = {(s, n): list(cols) for s, n, cols in conn.execute(
            "select n.nspname, c.relname, array(select attnum from pg_attribute "
            "where attrelid = c.oid and attnum > 0 and not attisdropped order by attnum) "
            "from pg_class c join pg_namespace n on n.oid = c.relnamespace "
            "where n.nspname = 'app' and c.relkind in ('v', 'm')")}
        writable = {name for (name,) in conn.execute(
            "select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace "
            "where n.nspname = 'app' and (exists (select from pg_trigger tg where "
            "tg.tgrelid = c.oid and tg.tgtype & 84 > 64) or exists (select from pg_rewrite rw "
            "where rw.ev_class = c.oid and rw.is_instead and rw.ev_type in ('2', '3') "
            "and rw.ev_qual::text = '<>'))")}
    undecided = set()
    for (schema, name), columns in attnums.items():
        oid = names[(schema, name)]
        events = port.relation_events(oid)
        answers = [port.column_updatable(oid, n) for n in columns]
        if events is None or None in answers:
            undecided.add(name)
            continue
        assert events == truth[(schema, name)][0], name
        if oid in port.facts.kinds and port.facts.kinds[oid] == "v":
            updatable = tuple(n for n, ok in zip(columns, answers, strict=True)
                              if ok or name in writable)
            assert updatable == truth[(schema, name)][1], name
    assert undecided == UNDECIDED
    # the undecided ones include views the server says are updatable: the fallback is needed
    assert {truth[("app", n)][0] for n in undecided} >= {0, 28}


def test_system_columns_are_never_updatable(shapes_dsn: str) -> None:
    port, names = _port(shapes_dsn, ["app"])
    assert port.column_updatable(names[("app", "v_star")], 0) is False
    assert port.column_updatable(names[("app", "v_star")], -1) is False


def test_the_server_is_asked_about_exactly_the_undecided_views(
        shapes_dsn: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """view_updatable.sql is sent once, for the views the port leaves undecided, and their
    answers (some of them updatable) are the server's."""
    asked: list[list[int]] = []
    execute = psycopg.Connection.execute

    def recording(self: psycopg.Connection[Any], query: Any, params: Any = None,
                  **kwargs: Any) -> Any:
        if query == query_text("view_updatable"):
            asked.append(list(params["oids"]))
        return execute(self, query, params, **kwargs)

    monkeypatch.setattr(psycopg.Connection, "execute", recording)
    snap = pgprobe.snapshot(shapes_dsn, schemas=["app"])
    monkeypatch.undo()
    _, names = _port(shapes_dsn, ["app"])
    oids = {oid: name for (schema, name), oid in names.items() if schema == "app"}
    assert len(asked) == 1
    assert {oids[oid] for oid in asked[0]} == UNDECIDED
    sublink = snap.table("app.v_sublink_where")
    assert sublink.insertable and sublink.updatable and sublink.deletable
    assert all(c.updatable for c in sublink.columns)
    assert _snapshot_answers(snap) == _server(shapes_dsn, ["app"])
