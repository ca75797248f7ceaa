"""Invariants of the relationship index on random schemas (hypothesis)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pgprobe.relationships import EmbedError, RelationshipIndex

from .relsnap import fk, pk, snap, table, view

NAMES = ["a", "b", "c", "d", "e"]


@st.composite
def schemas(draw: st.DrawFn):
    n = draw(st.integers(2, 5))
    names = NAMES[:n]
    rels = []
    for name in names:
        cols = ["id"] + [f"r{j}" for j in range(draw(st.integers(0, 3)))]
        constraints = [pk(f"{name}_pkey", *draw(st.sampled_from([["id"], cols[:2]])))]
        for col in cols[1:]:
            target = draw(st.sampled_from(names))
            constraints.append(fk(f"{name}_{col}_fkey", col, f"s.{target}", "id"))
        rels.append(table("s", name, cols, *constraints))
    for i in range(draw(st.integers(0, 2))):
        base = draw(st.sampled_from(rels))
        exposed = draw(st.lists(st.sampled_from(base.column_names), min_size=1, max_size=4))
        rels.append(view("s", f"v{i}", [(f"{c}_{k}", f"s.{base.name}", c)
                                        for k, c in enumerate(exposed)]))
    return snap(*rels)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schemas(), st.sampled_from(NAMES + ["v0", "v1", "id", "r0", "r1", "a_r0_fkey", "zz"]),
       st.one_of(st.none(), st.sampled_from(["id", "r0", "r1", "a_r0_fkey", "b_r1_fkey", "c"])))
def test_index_invariants(snapshot, target, hint) -> None:
    idx = RelationshipIndex.from_snapshot(snapshot, ["s"])
    again = RelationshipIndex.from_snapshot(snapshot, ["s"])
    assert idx.all() == again.all()
    rels = idx.all()
    for r in rels:
        if r.cardinality == "m2o":
            inverse = [x for x in idx.of(r.foreign_table.schema, r.foreign_table.name)
                       if x.cardinality == "o2m" and x.constraint == r.constraint
                       and x.foreign_table == r.table]
            assert any(x.columns == tuple((b, a) for a, b in r.columns) for x in inverse)
        form = idx.embed_target(r)
        if form is not None:
            t, _, h = form.partition("!")
            assert idx.find("s", r.table.name, t, h or None) == r
    for origin in NAMES + ["v0", "v1"]:
        found = idx.candidates("s", origin, target, hint)
        try:
            rel = idx.find("s", origin, target, hint)
        except EmbedError as err:
            assert (err.code, err.status) == (("PGRST200", 400) if not found else ("PGRST201", 300))
            assert err.message and isinstance(err.to_json(), dict)
        else:
            assert found == [rel]
