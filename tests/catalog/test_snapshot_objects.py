"""Object kinds the demo does not exercise: domains, composites, partitions, matviews, views."""

from __future__ import annotations

from dataclasses import replace

import psycopg
import pytest

from pgprobe import InputError, Snapshot, snapshot

DDL = """
create schema other;
create type other.mood as enum ('ok', 'meh');
create domain public.email as text not null check (value like '%@%');
create type public.address as (street text, zip varchar(10), mood other.mood);
create table public.people (
  id int primary key, mail public.email, home public.address, tags text[],
  mood other.mood, nick text generated always as (upper(mail)) stored
);
create table public.events (id int, at date not null) partition by range (at);
create table public.events_2025 partition of public.events
  for values from ('2025-01-01') to ('2026-01-01');
create materialized view public.people_count as select count(*) as n from public.people;
create view public.people_ro as select id, mail from public.people
  union all select 0, 'x@y'::public.email;
create view public.people_rw as select id, mail from public.people;
create function public.f(a int, b text default 'x', out total int) language sql
  as 'select a';
create function public.people_of(p public.people) returns setof public.people rows 1
  language sql as 'select p';
create table public.excl (r int4range, exclude using gist (r with &&));
comment on table public.people is 'people, with a comment';
create publication pub_all for all tables;
"""


@pytest.fixture()
def objects_snapshot(scratch_dsn: str) -> Snapshot:
    with psycopg.connect(scratch_dsn, autocommit=True) as conn:
        conn.execute("create extension if not exists btree_gist")
        conn.execute(DDL)  # type: ignore[arg-type]
    return snapshot(scratch_dsn, schemas=["public"])


def test_domain_and_composite_columns(objects_snapshot: Snapshot) -> None:
    people = objects_snapshot.table("public.people")
    mail = people.column("mail")
    assert mail.type == "public.email" and mail.type_kind == "domain"
    assert mail.domain_base_type == "text" and mail.domain_not_null and mail.nullable
    assert people.column("home").type_kind == "composite"
    assert people.column("tags").array_dims == 1 and people.column("tags").base_type == "text"
    assert people.column("tags").udt_name == "_text"
    assert people.column("nick").generated == "upper((mail)::text)"
    assert people.comment == "people, with a comment"
    domain = next(d for d in objects_snapshot.domains if d.name == "email")
    assert domain.base_type == "text" and not domain.nullable
    assert domain.checks == ("CHECK (VALUE ~~ '%@%'::text)",)
    address = next(c for c in objects_snapshot.composite_types if c.name == "address")
    assert [(a.name, a.type, a.udt_name, a.type_schema) for a in address.attributes] == [
        ("street", "text", "text", "pg_catalog"), ("zip", "character varying(10)", "varchar", "pg_catalog"),
        ("mood", "other.mood", "mood", "other")]


def test_types_of_other_schemas_are_listed(objects_snapshot: Snapshot) -> None:
    assert objects_snapshot.enum("other.mood").labels == ("ok", "meh")
    assert not objects_snapshot.has_table("other.anything")


def test_partitions_matviews_and_views(objects_snapshot: Snapshot) -> None:
    snap = objects_snapshot
    assert snap.table("public.events").kind == "partitioned_table"
    part = snap.table("public.events_2025")
    assert part.partition_of == "public.events"
    assert part.partition_bound == "FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')"
    matview = snap.table("public.people_count")
    assert matview.kind == "materialized_view" and not matview.insertable
    assert not snap.table("public.people_ro").insertable
    assert not snap.table("public.people_ro").column("mail").updatable
    rw = snap.table("public.people_rw")
    assert rw.insertable and rw.updatable and rw.column("mail").updatable


def test_functions(objects_snapshot: Snapshot) -> None:
    f = objects_snapshot.functions_named("public.f")[0]
    assert f.identity_args.startswith("a integer, b text")  # PG 18 also lists OUT args
    assert f.arguments == "a integer, b text DEFAULT 'x'::text, OUT total integer"
    assert [(a.name, a.mode, a.has_default) for a in f.args] == [
        ("a", "in", False), ("b", "in", True), ("total", "out", False)]
    assert f.return_type == "integer" and f.return_udt_name == "int4"
    people_of = objects_snapshot.functions_named("public.people_of")[0]
    assert people_of.returns_set and people_of.rows == 1
    assert people_of.return_type_relation == "public.people"
    assert people_of.result == "SETOF public.people"


def test_exclusion_constraint_and_all_tables_publication(objects_snapshot: Snapshot) -> None:
    excl = objects_snapshot.table("public.excl").constraints
    assert [c.kind for c in excl] == ["exclusion"]
    assert objects_snapshot.publication("pub_all").all_tables
    assert objects_snapshot.extensions and any(e.name == "btree_gist" for e in objects_snapshot.extensions)
    # Extension members are listed (postgres-meta and PostgREST see them) and marked.
    members = [f for f in objects_snapshot.functions if f.name.startswith("gbt_")]
    assert members and all(f.extension == "btree_gist" for f in members)
    assert all(f.extension is None for f in objects_snapshot.functions_named("public.f"))


def test_round_trip_of_every_kind(objects_snapshot: Snapshot, tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "o.json"
    objects_snapshot.save(str(path))
    assert Snapshot.load(str(path)) == objects_snapshot


def test_partial_snapshot_of_some_relations(demo_dsn: str, demo_snapshot: Snapshot) -> None:
    partial = snapshot(demo_dsn, relations=["public.tickets", "users_secure"])
    assert [r.qualified_name for r in partial.relations] == ["public.tickets", "public.users_secure"]
    assert partial.table("public.tickets") == demo_snapshot.table("public.tickets")
    assert partial.table("public.users_secure") == demo_snapshot.table("public.users_secure")
    assert partial.enums == demo_snapshot.enums and partial.functions == demo_snapshot.functions
    assert partial.options["relations"] == ["public.tickets", "public.users_secure"]


def test_partition_copies_of_foreign_keys_are_marked(scratch_dsn: str) -> None:
    with psycopg.connect(scratch_dsn, autocommit=True) as conn:
        conn.execute("""
            create table parent (id int primary key);
            create table child (id int, parent_id int references parent (id), at date)
              partition by range (at);
            create table child_2025 partition of child
              for values from ('2025-01-01') to ('2026-01-01');
        """)
    snap = snapshot(scratch_dsn)
    assert [fk.inherited for fk in snap.table("public.child").foreign_keys] == [False]
    assert [fk.inherited for fk in snap.table("public.child_2025").foreign_keys] == [True]


def test_casts_on_domains_are_recorded(scratch_dsn: str) -> None:
    with psycopg.connect(scratch_dsn, autocommit=True) as conn:
        conn.execute("""
            create domain public.color as text;
            create function public.color_to_json(public.color) returns json
              language sql immutable as $$ select to_json(upper($1::text)) $$;
            create cast (public.color as json) with function public.color_to_json(public.color)
              as implicit;
        """)
    snap = snapshot(scratch_dsn)
    assert [(c.source, c.target, c.function, c.context, c.source_is_domain)
            for c in snap.casts] == [("public.color", "json", "public.color_to_json", "implicit", True)]


def test_skip_leaves_kinds_out(demo_dsn: str, demo_snapshot: Snapshot) -> None:
    lean = snapshot(demo_dsn, skip=("grants", "policies", "indexes", "migrations"))
    tickets = lean.table("public.tickets")
    assert tickets.grants == () and tickets.policies == () and tickets.indexes == ()
    assert tickets.columns == demo_snapshot.table("public.tickets").columns
    assert tickets.constraints == demo_snapshot.table("public.tickets").constraints
    assert lean.migrations is None and lean.options["skip"] == ["grants", "indexes",
                                                                 "migrations", "policies"]
    with pytest.raises(InputError, match="cannot skip columns"):
        snapshot(demo_dsn, skip=("columns",))


def test_a_dsn_is_read_on_several_connections_sharing_one_snapshot(
        demo_dsn: str, demo_snapshot: Snapshot, monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    from pgprobe.catalog import _reader

    threads: list[str] = []
    send = _reader._send

    def recording_send(*args: object) -> None:
        threads.append(threading.current_thread().name)
        send(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(_reader, "_send", recording_send)
    both = snapshot(demo_dsn)
    assert sorted(threads) == ["MainThread"] + ["pgprobe-catalog"] * (len(_reader._GROUPS) - 1)
    threads.clear()
    one = snapshot(demo_dsn, parallel=False)
    assert threads == ["MainThread"]
    assert replace(both, roles=()) == replace(one, roles=()) == replace(demo_snapshot, roles=())


def test_results_built_from_others_come_after_them_in_their_group() -> None:
    """Constraints and indexes become model objects as soon as they arrive, from the columns
    and deparse facts read before them on the same connection."""
    from pgprobe.catalog import _reader

    for name, needed in _reader._BUILT_FROM.items():
        group = next(g for g in _reader._GROUPS if name in g)
        assert all(n in group and group.index(n) < group.index(name) for n in needed), name


@pytest.mark.parametrize("parallel", [True, False])
@pytest.mark.parametrize("failing", ["policies", "grants", "casts"])
def test_a_failing_query_is_a_catalog_error_whichever_connection_reads_it(
        demo_dsn: str, monkeypatch: pytest.MonkeyPatch, failing: str, parallel: bool) -> None:
    """A query failing in the middle of a pipeline (results received in a thread of their
    own) is reported as a CatalogError, without waiting for the rest."""
    from pgprobe import CatalogError
    from pgprobe.catalog import _reader

    text = _reader.query_text

    def broken(name: str) -> str | None:
        return "select 1 / 0 as oid" if name == failing else text(name)

    monkeypatch.setattr(_reader, "query_text", broken)
    with pytest.raises(CatalogError, match="division by zero"):
        snapshot(demo_dsn, parallel=parallel)


def test_a_failure_while_converting_cancels_the_queries_still_running(
        demo_dsn: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The reader does not wait for the rest of the pipeline (here a 60 s query) once it
    cannot use its results."""
    import time

    from pgprobe.catalog import _reader

    text, converted = _reader.query_text, _reader._converted

    def slow(name: str) -> str | None:
        return "select pg_sleep(60)::text as oid" if name == "casts" else text(name)

    def failing(name: str, *args: object) -> object:
        if name == "columns":
            raise RuntimeError("cannot convert")
        return converted(name, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(_reader, "query_text", slow)
    monkeypatch.setattr(_reader, "_converted", failing)
    started = time.monotonic()
    with pytest.raises(RuntimeError, match="cannot convert"):
        snapshot(demo_dsn, parallel=False)
    assert time.monotonic() - started < 30
