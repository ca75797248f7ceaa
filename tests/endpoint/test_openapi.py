"""openapi_from_snapshot against PostgREST's own OpenAPI expectations (OpenApiSpec.hs), on
tables created in a real database."""

from __future__ import annotations

import psycopg
import pytest

import pgprobe
from pgprobe.catalog._model import Snapshot
from pgprobe.endpoint import openapi_from_snapshot

SCHEMA = """
create type public.enum_menagerie_type as enum ('foo', 'bar');
create domain public.short_text as varchar(5);
create table public.openapi_types(
  "a_character_varying" character varying, "a_character" character(1), "a_text" text,
  "a_boolean" boolean, "a_smallint" smallint, "a_integer" integer, "a_bigint" bigint,
  "a_numeric" numeric, "a_real" real, "a_double_precision" double precision,
  "a_json" json, "a_jsonb" jsonb, "a_text_arr" text[], "a_int_arr" int[],
  "a_bool_arr" boolean[], "a_char_arr" char[], "a_varchar_arr" varchar[],
  "a_bigint_arr" bigint[], "a_numeric_arr" numeric[], "a_json_arr" json[],
  "a_jsonb_arr" jsonb[], "a_varchar20" varchar(20), "a_enum" public.enum_menagerie_type,
  "a_domain" public.short_text, "a_tstz" timestamp(3) with time zone);
create table public.openapi_defaults(
  "text" text default 'default', "boolean" boolean default false,
  "integer" integer default 42, "numeric" numeric default 42.2,
  "date" date default '1900-01-01'::date,
  "time" time default '13:00:00'::time without time zone,
  "serial" serial, "enum" public.enum_menagerie_type default 'bar');
create table public.entities (id integer primary key, name text not null);
comment on column public.entities.id is 'entities id comment';
create table public.child_entities (
  id integer primary key, name text, parent_id integer references public.entities (id));
comment on table public.child_entities is 'child summary

child description
on two lines';
comment on column public.child_entities.id is 'child_entities id comment';
create view public.child_entities_view as select * from public.child_entities;
create table public.pair (a integer, b integer, primary key (a, b));
create table public.pair_ref (id integer primary key, a integer, b integer,
  foreign key (a, b) references public.pair (a, b));
create function public.varied_arguments_openapi(double double precision, "varchar" varchar,
  "boolean" boolean, "date" date, "money" money, "enum" public.enum_menagerie_type,
  "integer" integer default 42, arr text[] default '{}') returns json language sql immutable
  as $$ select '{}'::json $$;
comment on function public.varied_arguments_openapi is 'An RPC function

Just a test for RPC function arguments';
create function public.volatile_fn(x integer) returns integer language sql as 'select x';
create function public.trig() returns trigger language plpgsql as 'begin return new; end';
create function public.unnamed(integer) returns integer language sql as 'select $1';
create function public.unnamed_json(json) returns json language sql stable as 'select $1';
create procedure public.proc() language sql as 'select 1';
create table public.private_stuff (id integer);
revoke all on public.private_stuff from public;
grant select on public.entities to public;
"""

TYPES = {
    "a_character_varying": {"format": "character varying", "type": "string"},
    "a_character": {"maxLength": 1, "format": "character", "type": "string"},
    "a_text": {"format": "text", "type": "string"},
    "a_boolean": {"format": "boolean", "type": "boolean"},
    "a_smallint": {"format": "int32", "type": "integer"},
    "a_integer": {"format": "int32", "type": "integer"},
    "a_bigint": {"format": "int64", "type": "integer"},
    "a_numeric": {"format": "numeric", "type": "number"},
    "a_real": {"format": "real", "type": "number"},
    "a_double_precision": {"format": "double precision", "type": "number"},
    "a_json": {"format": "json"},
    "a_jsonb": {"format": "jsonb"},
    "a_text_arr": {"format": "text[]", "type": "array", "items": {"type": "string"}},
    "a_int_arr": {"format": "integer[]", "type": "array", "items": {"type": "integer"}},
    "a_bool_arr": {"format": "boolean[]", "type": "array", "items": {"type": "boolean"}},
    "a_char_arr": {"format": "character[]", "type": "array", "items": {"type": "string"}},
    "a_varchar_arr": {"format": "character varying[]", "type": "array",
                      "items": {"type": "string"}},
    "a_bigint_arr": {"format": "bigint[]", "type": "array", "items": {"type": "integer"}},
    "a_numeric_arr": {"format": "numeric[]", "type": "array", "items": {"type": "number"}},
    "a_json_arr": {"format": "json[]", "type": "array", "items": {}},
    "a_jsonb_arr": {"format": "jsonb[]", "type": "array", "items": {}},
    "a_varchar20": {"format": "character varying", "type": "string", "maxLength": 20},
    "a_enum": {"format": "enum_menagerie_type", "type": "string", "enum": ["foo", "bar"]},
    "a_domain": {"format": "character varying", "type": "string", "maxLength": 5},
    "a_tstz": {"format": "timestamp with time zone", "type": "string"},
}

DEFAULTS = {"text": "default", "boolean": False, "integer": 42, "numeric": 42.2,
            "date": "1900-01-01", "time": "13:00:00", "serial": None, "enum": "bar"}


@pytest.fixture(scope="module")
def doc_and_snap(pg_server):  # one database for the whole module (read-only use)
    name = "endpoint_openapi"
    pg_server.create_database(name, replace=True)
    dsn = pg_server.dsn(name)
    try:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute("create role endpoint_anon nologin")
            conn.execute(SCHEMA)  # type: ignore[arg-type]  # fixed test SQL
            conn.execute("grant select on public.openapi_types to endpoint_anon; "
                         "revoke execute on function public.volatile_fn(integer) from public")
        snap = pgprobe.snapshot(dsn, schemas=["public"])
        yield openapi_from_snapshot(snap), snap
    finally:
        with psycopg.connect(pg_server.dsn("postgres"), autocommit=True) as conn:
            conn.execute(f"drop database if exists {name} with (force)")
            conn.execute("drop role if exists endpoint_anon")


@pytest.mark.parametrize("column", sorted(TYPES))
def test_type_mapping(doc_and_snap, column: str) -> None:
    doc, _ = doc_and_snap
    assert doc["definitions"]["openapi_types"]["properties"][column] == TYPES[column]


@pytest.mark.parametrize("column", sorted(DEFAULTS))
def test_defaults(doc_and_snap, column: str) -> None:
    doc, _ = doc_and_snap
    prop = doc["definitions"]["openapi_defaults"]["properties"][column]
    assert prop.get("default") == DEFAULTS[column]


def test_pk_fk_notes_and_required(doc_and_snap) -> None:
    doc, _ = doc_and_snap
    child = doc["definitions"]["child_entities"]
    assert child["properties"]["id"] == {
        "description": "child_entities id comment\n\nNote:\nThis is a Primary Key.<pk/>",
        "format": "int32", "type": "integer"}
    assert child["properties"]["name"] == {"format": "text", "type": "string"}
    assert child["properties"]["parent_id"] == {
        "description": "Note:\nThis is a Foreign Key to `entities.id`."
                       "<fk table='entities' column='id'/>",
        "format": "int32", "type": "integer"}
    assert child["required"] == ["id"]
    assert child["type"] == "object"
    assert child["description"].startswith("child summary")
    # views inherit the PK and FK notes through their columns
    view = doc["definitions"]["child_entities_view"]
    assert view["properties"]["id"]["description"].endswith("This is a Primary Key.<pk/>")
    assert "<fk table='entities' column='id'/>" in view["properties"]["parent_id"]["description"]
    assert "required" not in view
    # composite FKs get no note; composite PKs mark every column
    ref = doc["definitions"]["pair_ref"]["properties"]
    assert "description" not in ref["a"] and "description" not in ref["b"]
    pair = doc["definitions"]["pair"]["properties"]
    assert pair["a"]["description"] == pair["b"]["description"] == \
        "Note:\nThis is a Primary Key.<pk/>"


def test_paths(doc_and_snap) -> None:
    doc, _ = doc_and_snap
    paths = doc["paths"]
    assert paths["/"]["get"]["summary"] == "OpenAPI description (this document)"
    child = paths["/child_entities"]
    assert set(child) == {"get", "post", "patch", "delete"}
    assert child["get"]["summary"] == "child summary"
    assert child["get"]["description"] == "child description\non two lines"
    assert child["get"]["tags"] == ["child_entities"]
    assert {"$ref": "#/parameters/rowFilter.child_entities.parent_id"} in \
        child["get"]["parameters"]
    assert child["get"]["responses"]["200"]["schema"]["items"] == {
        "$ref": "#/definitions/child_entities"}
    assert child["post"]["parameters"][0] == {"$ref": "#/parameters/body.child_entities"}
    assert doc["parameters"]["rowFilter.child_entities.id"]["description"] == \
        "child_entities id comment"
    assert doc["parameters"]["rangeUnit"]["default"] == "items"
    # functions: stable/immutable get GET and POST, volatile only POST; no triggers,
    # procedures, or unnamed non-json arguments
    rpc = paths["/rpc/varied_arguments_openapi"]
    assert set(rpc) == {"get", "post"}
    assert rpc["get"]["summary"] == "An RPC function"
    assert rpc["get"]["description"] == "Just a test for RPC function arguments"
    params = {p["name"]: p for p in rpc["get"]["parameters"]}
    assert params["double"] == {"format": "double precision", "in": "query", "name": "double",
                                "required": True, "type": "number"}
    assert params["varchar"]["format"] == "character varying"
    assert params["integer"]["required"] is False
    assert params["arr"] == {"format": "text[]", "in": "query", "name": "arr",
                             "required": False, "type": "string"}
    body = rpc["post"]["parameters"][0]["schema"]
    assert body["required"] == ["double", "varchar", "boolean", "date", "money", "enum"]
    assert body["properties"]["arr"] == {"format": "text[]", "type": "array",
                                         "items": {"type": "string"}}
    assert set(paths["/rpc/volatile_fn"]) == {"post"}
    assert "/rpc/trig" not in paths and "/rpc/proc" not in paths
    assert "/rpc/unnamed" not in paths and "/rpc/unnamed_json" in paths


def test_follow_privileges(doc_and_snap) -> None:
    _, snap = doc_and_snap
    anon = openapi_from_snapshot(snap, role="endpoint_anon")
    # openapi_types granted directly, entities through PUBLIC; private_stuff revoked
    assert {"openapi_types", "entities"} <= set(anon["definitions"])
    assert "private_stuff" not in anon["definitions"]
    assert "private_stuff" in openapi_from_snapshot(snap)["definitions"]
    assert "/rpc/volatile_fn" not in anon["paths"]
    assert "/rpc/varied_arguments_openapi" in anon["paths"]
    assert "private_stuff" in openapi_from_snapshot(snap, role="postgres")["definitions"]


def test_demo(demo_snapshot: Snapshot) -> None:
    doc = openapi_from_snapshot(demo_snapshot)
    comment = next((s.comment for s in demo_snapshot.schemas if s.name == "public"), None)
    assert doc["swagger"] == "2.0"
    assert doc["info"]["title"] == (comment.split("\n")[0] if comment else "PostgREST API")
    tickets = doc["definitions"]["tickets"]["properties"]
    assert tickets["status"]["enum"] == ["open", "in_progress", "resolved", "closed"]
    assert tickets["status"]["default"] == "open"
    assert "<fk table='users' column='id'/>" in tickets["created_by"]["description"]
    assert "<fk table='tickets' column='id'/>" in tickets["parent_ticket_id"]["description"]
    assert set(doc["paths"]["/users_secure"]) >= {"get"}
    assert "/rpc/search_tickets" in doc["paths"]
    assert "/rpc/touch_updated_at" not in doc["paths"]
    assert not any(d.startswith("schema_migrations") for d in doc["definitions"])
