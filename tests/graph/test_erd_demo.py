"""The ERD of the demo database, rendered by the real Graphviz ``dot`` and read back as SVG."""

from __future__ import annotations

import shutil
from pathlib import Path

import psycopg
import pytest

from pgprobe.catalog import Snapshot
from pgprobe.graph import erd, paths_between, rls_status
from pgprobe.relationships import EmbedError, RelationshipIndex

from ._svg import groups

pytestmark = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot not installed")

AMBIGUOUS_RED = "#d62728"


@pytest.fixture(scope="module")
def whole(demo_snapshot: Snapshot):
    graph = erd(demo_snapshot, schemas=["public"])
    return graph, groups(graph.svg())


def _fks(snap: Snapshot, schema: str = "public"):
    return [(r, c) for r in snap.relations if r.schema == schema for c in r.foreign_keys]


def test_every_fk_is_one_labelled_edge(demo_snapshot: Snapshot, whole) -> None:
    graph, svg = whole
    fks = _fks(demo_snapshot)
    assert len(fks) >= 10
    edges = [g for g in svg.values() if g.id.startswith("fk:")]
    assert len(edges) == len(fks)
    for rel, fk in fks:
        edge = svg[f"fk:{rel.qualified_name}.{fk.name}"]
        assert fk.name in edge.texts, (fk.name, edge.texts)
        # the edge's title names both ends (Graphviz writes tail->head with ports)
        tail, head = edge.title.split("->")
        assert tail.split(":")[0] == rel.qualified_name
        assert head.split(":")[0] == fk.ref


def test_the_postmortem_fk_is_drawn_with_its_real_name(whole) -> None:
    _, svg = whole
    edge = svg["fk:public.ticket_activities.ticket_activities_ticket_id_fkey"]
    assert edge.title == "public.ticket_activities:out_ticket_id->public.tickets:in_id"
    assert not any("ta_ticket_id_fkey" in g.text for g in svg.values())


def test_ambiguous_pair_is_highlighted_with_both_hints(demo_snapshot: Snapshot, whole) -> None:
    _, svg = whole
    # PostgREST itself refuses the embed without a hint, and lists the same hints
    idx = RelationshipIndex.from_snapshot(demo_snapshot, ["public"])
    with pytest.raises(EmbedError) as err:
        idx.find("public", "tickets", "users")
    assert err.value.code == "PGRST201"
    for name in ("tickets_assignee_fkey", "tickets_created_by_fkey"):
        hint = f"users!{name}"
        assert hint in str(err.value.hint)
        edge = svg[f"fk:public.tickets.{name}"]
        assert hint in edge.texts
        assert AMBIGUOUS_RED in edge.strokes
    # a pair joined once is not highlighted and gets no hint
    single = svg["fk:public.ticket_activities.ticket_activities_ticket_id_fkey"]
    assert AMBIGUOUS_RED not in single.strokes
    assert not any("!" in t for t in single.texts)


def test_junction_is_muted_and_many_to_many_drawn(demo_snapshot: Snapshot, whole) -> None:
    _, svg = whole
    idx = RelationshipIndex.from_snapshot(demo_snapshot, ["public"])
    m2m = [r for r in idx if r.cardinality == "m2m"]
    assert m2m, "the demo has a junction table"
    junctions = {r.junction.table.qualified for r in m2m if r.junction}
    for j in junctions:
        node = svg[f"rel:{j}"]
        assert any("junction" in t for t in node.texts)
        assert "#f3f3f3" in node.fills  # muted fill
    m2m_edges = [g for g in svg.values() if g.id.startswith("m2m:")]
    assert {e.id.split(":")[1] for e in m2m_edges} == junctions
    labels = svg[next(e.id for e in m2m_edges if "public.ticket_labels" in e.id)]
    assert "many-to-many via ticket_labels" in labels.texts
    assert set(labels.title.split("->")) == {"public.labels", "public.tickets"}
    # ordinary tables are not muted
    assert not any("junction" in t for t in svg["rel:public.tickets"].texts)


def test_rls_marks_differ_per_status(demo_snapshot: Snapshot, whole) -> None:
    _, svg = whole
    expected = {"enabled": "RLS on (", "no_policy": "NO POLICY", "off_exposed": "RLS OFF"}
    seen = set()
    for rel in demo_snapshot.tables("public", kinds=["table"]):
        status = rls_status(rel, ["public"])
        text = svg[f"rel:{rel.qualified_name}"].text
        assert status is not None
        seen.add(status)
        assert expected[status] in text, (rel.qualified_name, status, text)
        for other, marker in expected.items():
            if other != status:
                assert marker not in text
    assert seen == set(expected), "the demo has all three RLS situations"
    assert "NO POLICY" in svg["rel:public.monitoring_events"].text
    assert "RLS on (2 policies)" in svg["rel:public.tickets"].text
    # each status has its own colour
    fills = {
        s: svg[f"rel:{r.qualified_name}"].fills
        for r in demo_snapshot.tables("public", kinds=["table"])
        for s in [rls_status(r, ["public"])]
    }
    assert "#d4edd4" in fills["enabled"] and "#ffe3a3" in fills["no_policy"]
    assert "#f7b9b9" in fills["off_exposed"]


def test_one_to_one_self_reference_and_view(whole) -> None:
    _, svg = whole
    one = svg["fk:public.user_profiles.user_profiles_user_id_fkey"]
    assert "1:1" in one.texts
    self_ref = svg["fk:public.tickets.tickets_parent_ticket_id_fkey"]
    tail, head = self_ref.title.split("->")
    assert tail.split(":")[0] == head.split(":")[0] == "public.tickets"
    # the view is linked to its base table and gets PostgREST's relationships through it
    assert svg["view:public.users_secure->public.users"].kind == "edge"
    via_view = [g for g in svg.values() if g.id.startswith("viewrel:") and "users_secure" in g.id]
    assert any("tickets_assignee_fkey" in g.texts for g in via_view)


def test_cross_schema_fk_points_at_a_stub(whole) -> None:
    _, svg = whole
    edge = svg["fk:public.users.users_id_fkey"]
    assert edge.title.split("->")[1].split(":")[0] == "auth.users"
    assert "#7b3fa0" in edge.strokes
    assert "not selected" in svg["rel:auth.users"].text
    assert {g.title for g in svg.values() if g.kind == "cluster"} >= {"cluster_public", "cluster_auth"}


def test_svg_titles_name_every_node(demo_snapshot: Snapshot, whole) -> None:
    graph, svg = whole
    titles = {g.title for g in svg.values() if g.kind == "node"}
    public = {r.qualified_name for r in demo_snapshot.relations if r.schema == "public"}
    assert public <= titles
    assert "legend" in titles
    assert set(graph.relations) == titles - {"legend"}


def test_deterministic_dot_and_svg(demo_snapshot: Snapshot, tmp_path) -> None:
    first = erd(demo_snapshot)
    second = erd(demo_snapshot)
    assert first.source.encode() == second.source.encode()
    # a snapshot saved and loaded again draws the same bytes
    demo_snapshot.save(str(tmp_path / "snap.json"))
    again = erd(Snapshot.load(str(tmp_path / "snap.json")))
    assert again.source == first.source
    a = first.render(tmp_path / "a.svg")
    b = again.render(tmp_path / "b.svg")
    assert (tmp_path / "a.svg").read_bytes() == (tmp_path / "b.svg").read_bytes()
    assert a.endswith("a.svg") and b.endswith("b.svg")


@pytest.mark.parametrize("fmt, magic", [("svg", b"<?xml"), ("png", b"\x89PNG"), ("pdf", b"%PDF")])
def test_render_formats(demo_snapshot: Snapshot, tmp_path, fmt: str, magic: bytes) -> None:
    out = erd(demo_snapshot, focus="tickets").render(tmp_path / f"erd.{fmt}")
    assert Path(out).read_bytes()[:8].startswith(magic)


def test_path_view_lists_and_draws_paths(demo_snapshot: Snapshot, demo_dsn: str) -> None:
    graph = erd(demo_snapshot, path=("ticket_activities", "users"))
    listed = [p.constraints for p in graph.paths]
    assert listed[0] == ("ticket_activities_user_id_fkey",)  # the direct FK first
    assert ("ticket_activities_ticket_id_fkey", "tickets_assignee_fkey") in listed
    assert ("ticket_activities_ticket_id_fkey", "tickets_created_by_fkey") in listed
    assert [len(p.steps) for p in graph.paths] == sorted(len(p.steps) for p in graph.paths)
    assert all(p.start == "public.ticket_activities" and p.end == "public.users" for p in graph.paths)
    assert graph.paths == paths_between(demo_snapshot, "ticket_activities", "users")
    svg = groups(graph.svg())
    drawn = {g.id for g in svg.values() if g.id.startswith("fk:")}
    needed = {f"fk:{s.edge_key}" for p in graph.paths for s in p.steps}
    assert drawn == needed
    assert "rel:public.message_queue" not in svg  # not on any path
    # each listed path is a join the database accepts
    with psycopg.connect(demo_dsn) as conn:
        for p in graph.paths:
            conn.execute(f"select count(*) {p.sql()}").fetchone()  # type: ignore[arg-type]
    frame = graph.paths_frame()
    assert list(frame["path"]) == [str(p) for p in graph.paths]
    assert list(frame["length"]) == [len(p.steps) for p in graph.paths]
    assert graph.paths[1].select() == (
        "*,tickets!ticket_activities_ticket_id_fkey(users!tickets_assignee_fkey(*))"
    )


def test_path_view_with_no_path_says_so(demo_snapshot: Snapshot) -> None:
    graph = erd(demo_snapshot, path=("labels", "monitoring_events"), max_length=1)
    assert graph.paths == []
    assert "no foreign-key path" in graph.notes[0]
    assert "no foreign-key path" in graph.source


def test_focus_view_neighbours_both_ways(demo_snapshot: Snapshot) -> None:
    graph = erd(demo_snapshot, focus="public.users", depth=1, view_relationships=False)
    referencing = {
        r.qualified_name for r in demo_snapshot.relations
        if any(c.ref == "public.users" for c in r.foreign_keys)
    }
    referenced = {c.ref for c in demo_snapshot.table("public.users").foreign_keys}
    views = {v.qualified_name for v in demo_snapshot.relations
             if any(s.source_table == "users" for s in v.view_sources)}
    assert set(graph.relations) == {"public.users"} | referencing | referenced | views
    deeper = erd(demo_snapshot, focus="public.users", depth=2, view_relationships=False)
    assert set(graph.relations) < set(deeper.relations)
    assert erd(demo_snapshot, focus="users", depth=0).relations == ["public.users"]


def test_path_embeds_resolve_in_postgrest_rules(demo_snapshot: Snapshot, demo_dsn: str) -> None:
    """Every hop's ``target!constraint`` picks exactly that FK, as PostgREST would."""
    idx = RelationshipIndex.from_snapshot(demo_snapshot, ["public"])
    paths = paths_between(demo_snapshot, "ticket_activities", "users", max_length=3)
    paths += paths_between(demo_snapshot, "labels", "users", max_length=4)
    to_view = paths_between(demo_snapshot, "ticket_activities", "users_secure", max_length=2)
    assert [p.constraints for p in to_view][0] == ("ticket_activities_user_id_fkey",)
    paths += to_view
    assert len(paths) >= 8
    for p in paths:
        for step in p.steps:
            source, target = step.source.split(".", 1)[1], step.target.split(".", 1)[1]
            rel = idx.find("public", source, target, hint=step.constraint)
            assert rel.constraint == step.constraint
            assert rel.cardinality == step.direction
    with psycopg.connect(demo_dsn) as conn:
        for p in paths:
            conn.execute(f"select count(*) {p.sql()}").fetchone()  # type: ignore[arg-type]


def test_view_relationships_match_the_relationship_index(demo_snapshot: Snapshot, whole) -> None:
    _, svg = whole
    idx = RelationshipIndex.from_snapshot(demo_snapshot, ["public"])
    expected = set()
    for r in idx:
        if r.kind == "foreign_key" and r.through_views and r.cardinality in ("m2o", "o2o") \
                and not r.is_parent and r.junction is None:
            expected.add((r.table.qualified, r.foreign_table.qualified, r.constraint))
    assert expected, "the demo's users_secure view has relationships"
    drawn = set()
    for g in svg.values():
        if g.id.startswith("viewrel:"):
            tail, head = g.title.split("->")
            drawn.add((tail.split(":")[0], head.split(":")[0], g.texts[0]))
    assert drawn == expected


def test_erd_accepts_a_dsn_or_a_saved_snapshot(demo_snapshot: Snapshot, demo_dsn: str, tmp_path) -> None:
    demo_snapshot.save(str(tmp_path / "s.json"))
    expected = erd(demo_snapshot, focus="tickets", title="t").source
    assert erd(str(tmp_path / "s.json"), focus="tickets", title="t").source == expected
    assert erd(demo_dsn, focus="tickets", title="t").source == expected
