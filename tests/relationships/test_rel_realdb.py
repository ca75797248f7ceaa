"""view lineage (view_trees.sql, _lineage.py, view_sources.sql) and the relationship index on a real PostgreSQL (15 or 18)."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

import pgprobe
from pgprobe.catalog._lineage import top_level_entries, view_lineage
from pgprobe.relationships import QualifiedName, RelationshipIndex

HERE = Path(__file__).resolve().parent

EXPECTED_LINEAGE = {
    ("app", "mv", "id", "app", "projects", "id"),
    ("app", "mv", "client_id", "app", "projects", "client_id"),
    ("app", "v {odd}", "}{", "app", "odd {name}", "}{"),
    ("app", "v {odd}", "a b", "app", "odd {name}", "col (x)"),
    ("app", "v {odd}", "a\\b", "app", "odd {name}", "a\\b"),
    ("app", "v_cast", "name", "app", "projects", "name"),          # id::text has no lineage
    ("app", "v_cte", "client_id", "app", "projects", "client_id"),
    ("app", "v_dup", "id", "app", "projects", "id"),
    ("app", "v_dup", "id2", "app", "projects", "id"),
    ("app", "v_dup", "c1", "app", "projects", "client_id"),
    ("app", "v_dup", "c2", "app", "projects", "client_id"),
    ("app", "v_join", "id", "app", "projects", "id"),
    ("app", "v_join", "client_name", "app", "clients", "name"),
    ("app", "v_of_mv", "cid", "app", "projects", "client_id"),
    ("app", "v_of_v", "pid", "app", "projects", "id"),
    ("app", "v_of_v", "client_id", "app", "projects", "client_id"),
    ("app", "v_plain", "id", "app", "projects", "id"),
    ("app", "v_plain", "name", "app", "projects", "name"),
    ("app", "v_plain", "client_id", "app", "projects", "client_id"),
    ("app", "v_renamed", "id", "app", "projects", "id"),
    ("app", "v_renamed", "title", "app", "projects", "name"),
    ("app", "v_star", "id", "app", "projects", "id"),
    ("app", "v_star", "name", "app", "projects", "name"),
    ("app", "v_star", "client_id", "app", "projects", "client_id"),
    ("app", "v_sub", "id", "app", "projects", "id"),
    ("app", "v_sublink", "id", "app", "projects", "id"),         # sub-select columns: none
    ("other", "v_of_v_of_v", "pid", "app", "projects", "id"),
}


@pytest.fixture()
def lineage_dsn(scratch_dsn: str) -> str:
    with psycopg.connect(scratch_dsn, autocommit=True) as conn:
        conn.execute((HERE / "lineage_fixture.sql").read_text())  # type: ignore[arg-type]
    return scratch_dsn


def test_view_sources_sql_follows_plain_column_references(lineage_dsn: str) -> None:
    params = {"schemas": ["app", "other"], "relations": None, "relation_oids": None}
    fields = ("view_schema", "view_name", "view_column", "source_schema", "source_table",
              "source_column")
    with psycopg.connect(lineage_dsn) as conn:
        found = view_lineage(conn, params)
        # only the asked schema's views, still followed through the other schema's views
        other = [tuple(r[f] for f in fields)
                 for r in view_lineage(conn, {**params, "schemas": ["other"]})]
    assert all(tuple(r) == fields for r in found)
    rows = [tuple(r[f] for f in fields) for r in found]
    assert len(rows) == len(set(rows))
    assert set(rows) == EXPECTED_LINEAGE
    assert set(other) == {r for r in EXPECTED_LINEAGE if r[0] == "other"}


def test_snapshot_lineage_feeds_view_relationships(lineage_dsn: str) -> None:
    snap = pgprobe.snapshot(lineage_dsn)
    assert {(s.column, s.source_column) for s in snap.table("app.v_dup").view_sources} == {
        ("id", "id"), ("id2", "id"), ("c1", "client_id"), ("c2", "client_id")}
    idx = RelationshipIndex.from_snapshot(snap, ["app", "other"])
    v2t = idx.find("app", "v_plain", "clients")
    assert (v2t.cardinality, v2t.columns, v2t.table_is_view) == ("m2o", (("client_id", "id"),), True)
    assert idx.find("app", "v_of_v", "clients").columns == (("client_id", "id"),)
    assert idx.find("app", "mv", "clients").table == QualifiedName("app", "mv")
    assert idx.find("app", "clients", "v_plain").cardinality == "o2m"
    err = pytest.raises(pgprobe.relationships.EmbedError, idx.find, "app", "v_dup", "clients")
    assert err.value.code == "PGRST201" and len(err.value.details) == 2
    # v_join exposes projects.id and clients.name only: no FK columns, no relationship
    assert idx.of("app", "v_join") == []


def test_computed_relationships_and_view_keys_from_the_catalog(lineage_dsn: str) -> None:
    snap = pgprobe.snapshot(lineage_dsn)
    idx = RelationshipIndex.from_snapshot(snap, ["app", "other"])
    many = idx.find("app", "clients", "client_projects")
    assert many.kind == "computed" and not many.to_one
    assert many.foreign_table == QualifiedName("app", "projects")
    assert idx.find("app", "clients", "first_project").to_one          # ROWS 1
    assert idx.find("app", "projects", "project_client").to_one        # not a set
    for name in ("not_computed", "array_arg"):
        with pytest.raises(pgprobe.relationships.EmbedError):
            idx.find("app", "clients", name)
    assert idx.primary_key("app", "projects") == ("id",)
    assert idx.primary_key("app", "v_of_v") == ("pid",)
    assert idx.primary_key("app", "v_dup") == ("id",)
    assert idx.primary_key("app", "v_cast") == ()


def test_top_level_entries_skip_sub_queries_and_escaped_braces() -> None:
    def entry(expr: str, resno: int, name: str, tbl: int, col: int) -> str:
        return (f"{{TARGETENTRY :expr {expr} :resno {resno} :resname {name} :ressortgroupref 0 "
                f":resorigtbl {tbl} :resorigcol {col} :resjunk false}}")

    inner = "{QUERY :targetList (" + entry("{VAR :varattno 1}", 1, "x", 5, 1) + ")}"
    tree = ("({QUERY :rtable ({RANGETBLENTRY :subquery " + inner + "}) :targetList ("
            + entry("{VAR :varattno 2}", 1, "a\\{b\\ :resno\\ 9", 7, 2) + " "
            + entry("{SUBLINK :subselect " + inner + "}", 2, "c\\}", 0, 0) + " "
            + entry("{VAR :varattno 3}", 3, "d", 7, 3) + ")})")
    assert top_level_entries(tree) == [(1, 7, 2), (3, 7, 3)]
