"""Round trips: for pairs of real schemas, the generated migration must prove (the scratch
database migrated from the source equals the target), with rows kept.

Pairs: the demo against edited copies of it (both directions), schemas from the shared
benchmark generator with different seeds and sizes, and hypothesis-drawn random edits on top
of a generated schema. Every proof runs on the session's server (PG 18 embedded or PG 15
system, by PGPROBE_TEST_PG).
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from pgprobe.diff import diff
from pgprobe.embedded import Server

DEMO_EDITS = {
    "column_added_renamed_retyped": """
        alter table public.tickets add column note text not null default 'n/a';
        alter table public.tickets rename column title to headline;
        alter table public.labels alter column name type varchar(200);
        comment on column public.tickets.note is 'free text';""",
    "enum_value_before_and_after": """
        alter type public.contact_type add value 'pigeon' before 'sms';
        alter type public.contact_type add value 'fax';""",
    "view_over_changed_column": """
        create view public.ticket_titles as select id, title from public.tickets;
        create view public.ticket_titles_2 as select id, title from public.ticket_titles;""",
    "policies_grants_rls": """
        create function public.is_agent() returns boolean language sql stable
          as $$ select true $$;
        create policy "agents see all" on public.tickets for select to authenticated
          using (public.is_agent());
        alter table public.monitoring_events force row level security;
        revoke insert on public.labels from anon;
        grant select (id, title) on public.tickets to anon;""",
    "constraints_and_indexes": """
        alter table public.labels add constraint labels_name_len check (length(name) < 100);
        create index tickets_title_lower on public.tickets (lower(title)) where title is not null;
        alter table public.ticket_activities drop constraint ticket_activities_ticket_id_fkey;
        alter table public.ticket_activities add constraint ticket_activities_ticket_id_fkey
          foreign key (ticket_id) references public.tickets (id) on delete cascade;""",
    "circular_foreign_keys": """
        create table public.a (id bigint primary key, b_id bigint);
        create table public.b (id bigint primary key, a_id bigint references public.a (id));
        alter table public.a add constraint a_b_fk foreign key (b_id) references public.b (id)
          deferrable initially deferred;""",
    "function_trigger_publication": """
        create or replace function public.touch_updated_at() returns trigger language plpgsql
          security definer set search_path = public, pg_temp
          as $$ begin new.updated_at := now(); return new; end $$;
        create table public.notes (id bigint generated always as identity primary key,
          body text, updated_at timestamptz default now(),
          body_len int generated always as (length(body)) stored);
        create trigger notes_touch before update on public.notes
          for each row execute function public.touch_updated_at();
        alter publication supabase_realtime add table public.notes;
        create schema reporting;
        create type reporting.pair as (a int, b text);
        create domain reporting.percent as numeric check (value between 0 and 100);""",
    "table_dropped_enum_labels_reordered": """
        drop table public.monitoring_events;
        alter type public.contact_type rename to contact_type_old;
        create type public.contact_type as enum ('push', 'email', 'sms');
        alter table public.message_queue alter column contact type public.contact_type
          using contact::text::public.contact_type;
        drop type public.contact_type_old;""",
}


def _edited(pg_server: Server, template: str, sql: str) -> Iterator[str]:
    name = f"edit_{uuid.uuid4().hex[:10]}"
    dsn = pg_server.create_database(name, template=template)
    try:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(sql)  # type: ignore[call-overload]
        yield dsn
    finally:
        pg_server.drop_database(name)


@pytest.fixture(params=sorted(DEMO_EDITS))
def demo_edit(request: pytest.FixtureRequest, pg_server: Server, demo_template: str
              ) -> Iterator[str]:
    yield from _edited(pg_server, demo_template, DEMO_EDITS[request.param])


def _assert_proven(source: str, target: str, pg_server: Server) -> None:
    report = diff(source, target)
    assert not report.same
    migration = report.to_sql(allow_data_loss=True)
    proof = migration.prove(server=pg_server, source_dsn=source, rows=50)
    assert proof.proven, f"{proof}\n{migration}"
    assert not proof.restore_gaps, proof.restore_gaps.to_text()
    assert proof.rows_kept, (proof.rows_before, proof.rows_after)


def test_demo_to_edited(demo_dsn: str, demo_edit: str, pg_server: Server) -> None:
    _assert_proven(demo_dsn, demo_edit, pg_server)


def test_edited_to_demo(demo_dsn: str, demo_edit: str, pg_server: Server) -> None:
    _assert_proven(demo_edit, demo_dsn, pg_server)


def _bench_schema(shared_dir: Path, tables: int, seed: int) -> str:
    return subprocess.run([sys.executable, str(shared_dir / "bench" / "make_schema.py"),
                           str(tables), "--seed", str(seed)], check=True, capture_output=True,
                          text=True).stdout


@pytest.fixture()
def bench_db(pg_server: Server, shared_dir: Path) -> Iterator[object]:
    made: list[str] = []

    def make(tables: int, seed: int, extra: str = "") -> str:
        name = f"bench_{uuid.uuid4().hex[:10]}"
        dsn = pg_server.create_database(name)
        made.append(name)
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(_bench_schema(shared_dir, tables, seed))  # type: ignore[call-overload]
            for statement in extra.split(";\n"):
                # an edit the schema refuses (a dependency) is simply not made
                with contextlib.suppress(psycopg.Error):
                    conn.execute(statement)  # type: ignore[call-overload]
        return dsn

    yield make
    for name in made:
        pg_server.drop_database(name)


@pytest.mark.parametrize(("a", "b"), [((30, 1), (40, 2)), ((40, 2), (30, 1)), ((25, 3), (25, 4))])
def test_bench_schema_pairs(bench_db: object, pg_server: Server, a: tuple[int, int],
                            b: tuple[int, int]) -> None:
    make = bench_db
    _assert_proven(make(*a), make(*b), pg_server)  # type: ignore[operator]


# -- hypothesis: random edits on a generated schema ----------------------------------------
_DEFAULTS = {"text": "x", "integer": "1", "bigint": "2", "boolean": "true", "jsonb": "{}",
             "numeric(10,2)": "1.5", "date": "2020-01-01", "timestamptz": "2020-01-01",
             "uuid": "00000000-0000-0000-0000-000000000000", "varchar(40)": "v"}
_COLUMN_TYPES = sorted(_DEFAULTS)


def _edit(kind: str, t: int, n: int, typ: str) -> str:
    table = f"app.t{t:05d}"
    return {
        "add_not_null": f"alter table {table} add column y{n} {typ} not null default "
                        f"'{_DEFAULTS[typ]}';",
        "add_column": f"alter table {table} add column x{n} {typ};",
        "drop_column": f"alter table {table} drop column if exists c01 cascade;",
        "retype": f"alter table {table} alter column c00 type text;",
        "not_null": f"alter table {table} alter column created_at drop not null;",
        "default": f"alter table {table} alter column created_at set default '2020-01-01';",
        "index": f"create index on {table} (created_at) where id > {n};",
        "unique": f"alter table {table} add constraint u{n}_{t} unique (id, created_at);",
        "check": f"alter table {table} add constraint ck{n}_{t} check (id > -{n});",
        "view": f"create view app.v{n}_{t} as select id, created_at from {table};",
        "policy": f"drop policy if exists t{t:05d}_read on {table};",
        "rls_off": f"alter table {table} disable row level security;",
        "grant": f"grant update (created_at) on {table} to authenticated;",
        "revoke": f"revoke select on {table} from anon;",
        "comment": f"comment on table {table} is 'edited {n}';",
        "drop_table": f"drop table if exists app.t{t:05d} cascade;",
        "enum": f"alter type app.kind_0 add value if not exists 'new{n}';",
        "function": f"create function app.g{n}() returns int language sql immutable "
                    f"as $$ select {n} $$;",
        "new_table": f"create table app.n{n} (id int primary key, t_id bigint references "
                     f"{table} (id) on delete set null);",
    }[kind]


_edits = st.lists(st.tuples(st.sampled_from(sorted(
    {"add_column", "add_not_null", "drop_column", "retype", "not_null", "default", "index", "unique", "check",
     "view", "policy", "rls_off", "grant", "revoke", "comment", "drop_table", "enum",
     "function", "new_table"})), st.integers(0, 11), st.integers(1, 99),
    st.sampled_from(_COLUMN_TYPES)), min_size=1, max_size=6)


@settings(max_examples=8, deadline=None, derandomize=True, phases=[Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=_edits)
def test_random_edits_prove(bench_db: object, pg_server: Server, edits: list[tuple[str, int, int,
                                                                                   str]]) -> None:
    make = bench_db
    script = "\n".join(_edit(*e) for e in edits)
    assert script.count(";\n") == len(edits) - 1
    source = make(12, 5)  # type: ignore[operator]
    target = make(12, 5, script)  # type: ignore[operator]
    report = diff(source, target)
    if report.same:
        return
    proof = report.to_sql(allow_data_loss=True).prove(server=pg_server, source_dsn=source,
                                                      rows=20)
    assert proof.proven, f"{script}\n{proof}"
