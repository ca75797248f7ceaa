"""Schema-cache staleness: an API description made from an old snapshot vs the new catalog."""

from __future__ import annotations

from typing import Any

import psycopg

from pgprobe.catalog import snapshot
from pgprobe.postgrest import staleness


def _openapi_of(snap: Any, schema: str) -> dict[str, Any]:
    """What PostgREST's root endpoint describes for a cache built from ``snap``."""
    defs: dict[str, Any] = {}
    paths: dict[str, Any] = {}
    for r in snap.relations:
        if r.schema != schema:
            continue
        props: dict[str, Any] = {}
        fks = {c.columns[0]: c for c in r.foreign_keys if len(c.columns) == 1}
        for c in r.columns:
            desc = ""
            if c.name in fks:
                fk = fks[c.name]
                desc = (f"Note:\\nThis is a Foreign Key to `{fk.ref_table}.{fk.ref_columns[0]}`."
                        f"<fk table='{fk.ref_table}' column='{fk.ref_columns[0]}'/>")
            props[c.name] = {"format": c.type, "description": desc}
        defs[r.name] = {"type": "object", "properties": props}
        paths[f"/{r.name}"] = {}
    for f in snap.functions:
        if f.schema == schema:
            paths[f"/rpc/{f.name}"] = {}
    return {"swagger": "2.0", "definitions": defs, "paths": paths}


def test_staleness_after_a_migration(pgrst_server: Any) -> None:
    with psycopg.connect(pgrst_server.dsn("postgres"), autocommit=True) as conn:
        conn.execute("drop database if exists stale_test")
        conn.execute("create database stale_test")
    dsn = pgrst_server.dsn("stale_test")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("create table users (id int primary key, name text)")
        conn.execute("create table tickets (id int primary key, title text, owner int)")
        before = snapshot(dsn)
        doc = _openapi_of(before, "public")
        assert not staleness(before, doc, schemas=["public"]).stale
        conn.execute("alter table tickets add column assignee int references users (id)")
        conn.execute("alter table tickets add constraint tickets_owner_fkey "
                     "foreign key (owner) references users (id)")
        conn.execute("create table labels (id int primary key)")
        conn.execute("alter table users drop column name")
        conn.execute("create function ping() returns int language sql as 'select 1'")
    after = snapshot(dsn)
    report = staleness(after, doc, schemas=["public"])
    assert report.stale and report.fix == "NOTIFY pgrst, 'reload schema';"
    assert report.missing_tables == ["labels"]
    assert report.missing_columns == {"tickets": ["assignee"]}
    assert report.extra_columns == {"users": ["name"]}
    assert report.missing_foreign_keys == ["tickets.owner -> users.id (tickets_owner_fkey)"]
    assert report.missing_functions == ["ping"]
    assert "PGRST205" in str(report)
