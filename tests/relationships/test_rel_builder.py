"""The one-pass relationship builder gives exactly the map of the former pipeline.

``reference_map.py`` keeps the step-by-step build that preceded issue 16's speed-up; both
are compared map by map (keys in order, relationships in order, field by field) on a real
schema-per-tenant database and on random multi-schema snapshots, for several sets of
exposed schemas.
"""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pgprobe
from pgprobe.catalog._model import Snapshot
from pgprobe.relationships._build import build_relationship_map
from pgprobe.relationships._model import QualifiedName as QN

from .reference_map import reference_map
from .relsnap import fk, func, pk, snap, table, unique, view

HERE = Path(__file__).resolve().parent
TENANTS = ["tenant_a", "tenant_b", "tenant_c"]


def assert_same_map(snapshot: Snapshot, schemas: list[str]) -> dict:
    new = build_relationship_map(snapshot, schemas)
    old = reference_map(snapshot, schemas)
    assert list(new) == list(old), f"keys differ for {schemas}"
    for key, group in old.items():
        assert new[key] == group, f"{key} differs for {schemas}"
    return new


@pytest.fixture()
def tenants_snapshot(scratch_dsn: str) -> Snapshot:
    with psycopg.connect(scratch_dsn, autocommit=True) as conn:
        conn.execute((HERE / "tenants_fixture.sql").read_text())  # type: ignore[arg-type]
    return pgprobe.snapshot(scratch_dsn)


@pytest.mark.parametrize("exposed", [
    ["public", *TENANTS], ["tenant_b", "public"], ["tenant_a", "tenant_c"], ["tenant_b"],
    ["public"],
])
def test_same_map_as_the_former_build_on_a_tenant_database(tenants_snapshot, exposed) -> None:
    rels = [r for group in assert_same_map(tenants_snapshot, exposed).values() for r in group]
    if "tenant_b" not in exposed:
        return
    # the shapes the fixture is there for did come out of the catalog
    kinds = {(r.table.name, r.foreign_table.name, r.cardinality, r.kind) for r in rels
             if r.table.schema == "tenant_b"}
    assert ("users", "profiles", "o2o", "foreign_key") in kinds
    assert ("projects", "teams", "m2m", "foreign_key") in kinds             # three-FK junction
    assert ("users", "projects", "m2m", "foreign_key") in kinds
    assert ("users", "teams", "m2o", "foreign_key") in kinds               # mutual references
    assert ("users", "teams", "o2m", "foreign_key") in kinds
    assert ("projects", "users", "o2m", "computed") in kinds      # replaces FKs and junctions
    assert not {("projects", "users", c, "foreign_key") for c in ("m2o", "m2m")} & kinds
    assert ("events", "users", "m2o", "foreign_key") in kinds              # partitioned
    assert not any(r.table.name == "events_2026" for r in rels)
    junction_views = {r.junction.table.name for r in rels if r.junction is not None}
    assert junction_views == {"members", "v_members", "attendees"}
    assert any(r.table_is_view and r.columns == (("owner2", "id"),) for r in rels)


def test_same_map_when_no_schema_of_the_snapshot_is_exposed(tenants_snapshot) -> None:
    assert assert_same_map(tenants_snapshot, ["nowhere"]) == {}


SCHEMAS = ["s", "t"]
NAMES = ["a", "b", "c", "d"]


@st.composite
def multi_schema_snapshots(draw: st.DrawFn) -> Snapshot:
    """Tables in two schemas with FKs within and across them, keys that make one-to-one or
    junctions, views over them, and row functions (some named like a table)."""
    qualified = [f"{s}.{n}" for s in SCHEMAS for n in NAMES[:draw(st.integers(1, 4))]]
    rels, functions = [], []
    for q in qualified:
        schema, name = q.split(".")
        cols = ["id"] + [f"r{j}" for j in range(draw(st.integers(0, 3)))]
        constraints = [pk(f"{name}_pkey", *draw(st.sampled_from([["id"], cols[:2], cols[:3]])))]
        if len(cols) > 1 and draw(st.booleans()):
            constraints.append(unique(f"{name}_r0_key", "r0"))
        for col in cols[1:]:
            target = draw(st.sampled_from(qualified))
            constraints.append(fk(f"{name}_{col}_fkey", col, target, "id"))
        rels.append(table(schema, name, cols, *constraints))
    for i in range(draw(st.integers(0, 3))):
        base = draw(st.sampled_from(rels))
        exposed = draw(st.lists(st.sampled_from(base.column_names), min_size=1, max_size=4))
        rels.append(view(draw(st.sampled_from(SCHEMAS)), f"v{i}",
                         [(f"{c}_{k}", base.qualified_name, c) for k, c in enumerate(exposed)]))
    for i in range(draw(st.integers(0, 3))):
        schema = draw(st.sampled_from(SCHEMAS))
        name = draw(st.sampled_from([*NAMES, f"f{i}"]))
        functions.append(func(schema, name, draw(st.sampled_from(qualified)),
                              draw(st.sampled_from(qualified)), setof=draw(st.booleans())))
    return snap(*rels, functions=tuple(functions))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(multi_schema_snapshots(), st.sampled_from([["s", "t"], ["s"], ["t"], ["t", "s"]]))
def test_same_map_as_the_former_build_on_random_schemas(snapshot, exposed) -> None:
    assert_same_map(snapshot, exposed)


def test_groups_with_several_relationships_to_one_table_keep_postgrest_order() -> None:
    # m2o and o2m to the same table in one group: PostgREST orders o2m before m2o
    a = table("s", "a", ["id", "b1", "b2"], pk("a_pkey", "id"),
              fk("a_b2_fkey", "b2", "s.b", "id"), fk("a_b1_fkey", "b1", "s.b", "id"))
    b = table("s", "b", ["id", "a1"], pk("b_pkey", "id"), fk("b_a1_fkey", "a1", "s.a", "id"))
    group = assert_same_map(snap(a, b), ["s"])[(QN("s", "a"), "s")]
    assert [(r.cardinality, r.constraint) for r in group] == [
        ("o2m", "b_a1_fkey"), ("m2o", "a_b1_fkey"), ("m2o", "a_b2_fkey")]
