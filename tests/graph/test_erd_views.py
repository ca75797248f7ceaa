"""ERD views on hand-built snapshots: size limits, missing Graphviz, bad input, Jupyter display."""

from __future__ import annotations

import os
import shutil
import warnings

import pytest

from pgprobe import DependencyError, InputError, NotFoundError
from pgprobe.catalog._model import Column, Constraint, Relation, Snapshot
from pgprobe.graph import Erd, ErdWarning, Links, erd, paths_between

from ._handmade import handmade
from ._svg import groups

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot not installed")


def chain(n: int) -> Snapshot:
    """``n`` tables, each with an FK to the one before and a few plain columns."""
    rels = []
    for i in range(n):
        cols = [Column("id", 1, "bigint", "int8", nullable=False), Column("note", 2, "text", "text")]
        cons = [Constraint(f"t{i}_pkey", "primary", ("id",))]
        if i:
            cols.append(Column("prev_id", 3, "bigint", "int8"))
            cons.append(Constraint(f"t{i}_prev_id_fkey", "foreign", ("prev_id",), ref_schema="public",
                                   ref_table=f"t{i - 1:04d}", ref_columns=("id",)))
        rels.append(Relation("public", f"t{i:04d}", "table", columns=tuple(cols), constraints=tuple(cons)))
    return Snapshot(database="chain", relations=tuple(rels))


def test_handmade_semantics() -> None:
    snap = handmade()
    links = Links.from_snapshot(snap, ["public"])
    assert links.is_ambiguous("public.tickets", "public.users")
    assert links.is_ambiguous("public.users", "public.tickets")
    assert not links.is_ambiguous("public.ticket_activities", "public.tickets")
    assert [j.junction for j in links.junctions] == ["public.ticket_tags", "public.ticket_tags"]
    one = next(e for e in links.fks if e.constraint == "users_id_fkey")
    assert one.one_to_one and one.cross_schema
    assert next(e for e in links.fks if e.constraint == "employees_manager_id_fkey").self_reference
    assert ("public.users_secure", "public.users") in links.view_bases
    assert any(e.target == "public.users_secure" for e in links.view_fks)
    # outside the exposed schemas PostgREST does not look: no junctions, no view relationships
    hidden = Links.from_snapshot(snap, ["other"])
    assert hidden.junctions == [] and hidden.view_fks == []
    assert hidden.is_ambiguous("public.tickets", "public.users")  # still two FKs


@needs_dot
def test_handmade_renders_every_view(tmp_path) -> None:
    snap = handmade()
    for graph in (
        erd(snap),
        erd(snap, schemas=["public"], pattern="ticket*"),
        erd(snap, focus="tickets", depth=2, columns="all"),
        erd(snap, path=("ticket_activities", "users")),
        erd(snap, columns="none", legend=False),
    ):
        svg = groups(graph.svg())
        assert {g.title for g in svg.values() if g.kind == "node"} >= set(graph.relations)
    pattern = erd(snap, schemas=["public"], pattern="ticket*")
    assert {n for n in pattern.relations if n.startswith("public.ticket")} == {
        "public.ticket_activities", "public.ticket_tags", "public.tickets"}
    # what the selected tables point at is drawn as a stub
    assert "public.users" in pattern.relations and "not selected" in pattern.source


def test_columns_modes() -> None:
    snap = handmade()
    keys = erd(snap, focus="tickets", depth=0).source
    every = erd(snap, focus="tickets", depth=0, columns="all").source
    none = erd(snap, focus="tickets", depth=0, columns="none").source
    assert "created_by" in keys and "status" not in keys and "+ 2 more columns" in keys
    assert "status" in every and "title" in every and "NOT NULL" in every
    assert "created_by" not in none and "5 columns" in none
    with pytest.raises(InputError):
        erd(snap, columns="some")  # type: ignore[arg-type]


def test_bad_input_is_one_line() -> None:
    snap = handmade()
    with pytest.raises(NotFoundError, match="did you mean public.tickets"):
        erd(snap, focus="tikets")
    with pytest.raises(InputError, match="choose one"):
        erd(snap, focus="tickets", path=("a", "b"))
    with pytest.raises(InputError, match="two different"):
        erd(snap, path=("tickets", "tickets"))
    with pytest.raises(InputError, match="two relation names"):
        erd(snap, path="tickets")  # type: ignore[arg-type]


def test_large_schema_degrades_and_says_so() -> None:
    snap = chain(220)
    with pytest.warns(ErdWarning, match="columns and schema clusters collapsed"):
        graph = erd(snap)
    assert "PORT=" not in graph.source  # no column rows
    assert "subgraph" not in graph.source  # no clusters
    assert "clusters collapsed" in graph.source  # the diagram itself says so
    with pytest.warns(ErdWarning, match="most connected"):
        small = erd(snap, max_nodes=50)
    assert len(small.relations) <= 51
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        detailed = erd(snap, focus="t0100", depth=2)  # a focus stays detailed
    assert 'PORT="out_prev_id"' in detailed.source
    assert set(detailed.relations) == {f"public.t{i:04d}" for i in range(98, 103)}


def test_deterministic_regardless_of_input_order() -> None:
    snap = handmade()
    shuffled = Snapshot(database=snap.database, schemas=snap.schemas,
                        relations=tuple(reversed(snap.relations)))
    assert erd(snap).source == erd(shuffled).source


def test_missing_dot_is_a_dependency_error(tmp_path, monkeypatch) -> None:
    graph = erd(handmade())
    monkeypatch.setenv("PATH", str(tmp_path))  # a PATH where no dot exists
    with pytest.raises(DependencyError) as err:
        graph.render(tmp_path / "x.svg")
    message = str(err.value)
    assert "\n" not in message
    assert "apt-get install graphviz" in message and "conda install" in message
    assert graph.source.startswith("digraph erd {")  # the DOT text is still offered
    graph.render(tmp_path / "x.dot")
    assert (tmp_path / "x.dot").read_text() == graph.source
    bundle = graph._repr_mimebundle_()
    assert "text/html" not in bundle and "digraph erd" in bundle["text/plain"]


@needs_dot
def test_jupyter_display_is_the_svg_in_a_viewer() -> None:
    graph = erd(handmade(), focus="tickets")
    assert isinstance(graph, Erd)
    bundle = graph._repr_mimebundle_()
    page = bundle["text/html"]
    assert "<?xml" not in page and page.count("<svg") == 1 and "pgprobe-erdview" in page
    assert set(groups(graph.svg())) <= set(groups(page[page.index("<svg"):page.index("</svg>") + 6]))


def test_paths_between_handmade() -> None:
    snap = handmade()
    paths = paths_between(snap, "ticket_tags", "users", max_length=2)
    assert [str(p) for p in paths] == [
        "public.ticket_tags -[ticket_tags_ticket_id_fkey]-> public.tickets -[tickets_assignee_fkey]-> public.users",
        "public.ticket_tags -[ticket_tags_ticket_id_fkey]-> public.tickets -[tickets_created_by_fkey]-> public.users",
    ]
    back = paths_between(snap, "users", "ticket_activities", max_length=1)
    assert [str(p) for p in back] == [
        "public.users <-[ticket_activities_author_fkey]- public.ticket_activities"]
    assert back[0].sql() == (
        "from public.users t0 join public.ticket_activities t1 on t1.author = t0.id")
    with pytest.raises(InputError):
        paths_between(snap, "users", "tags", max_length=0)


def test_odd_names_are_escaped(tmp_path) -> None:
    col = Column('we"ird <col>', 1, "text", "text", nullable=False)
    rel = Relation("public", 'odd "name" & <x>', "table", columns=(col,),
                   constraints=(Constraint("k", "unique", (col.name,)),))
    graph = erd(Snapshot(relations=(rel,)))
    assert "&lt;x&gt;" in graph.source and '\\"name\\"' in graph.source
    if shutil.which("dot") and os.environ.get("PATH"):
        svg = groups(graph.svg())
        assert svg['rel:public.odd "name" & <x>'].title == 'public.odd "name" & <x>'


def test_relation_kinds_and_partitions() -> None:
    col = Column("id", 1, "bigint", "int8", nullable=False)
    snap = Snapshot(relations=(
        Relation("public", "events", "partitioned_table", columns=(col,)),
        Relation("public", "events_2024", "table", columns=(col,), partition_of="public.events"),
        Relation("public", "events_2025", "table", columns=(col,), partition_of="public.events"),
        Relation("public", "daily", "materialized_view", columns=(col,)),
        Relation("public", "remote", "foreign_table", columns=(col,)),
    ))
    graph = erd(snap)
    assert graph.relations == ["public.daily", "public.events", "public.remote"]
    assert "partitioned table · 2 partitions" in graph.source
    assert "materialized view" in graph.source and "foreign table" in graph.source
    assert "#e9e0f5" in graph.source and "#f4ecd9" in graph.source  # view / foreign headers


@needs_dot
def test_dot_failure_is_one_line() -> None:
    graph = erd(handmade(), focus="tickets")
    graph.body.append('\t"broken" [label=<<TABLE><TR>>]\n')
    from pgprobe import PgprobeError

    with pytest.raises(PgprobeError, match="Graphviz dot failed") as err:
        graph.svg()
    assert "\n" not in str(err.value)


@needs_dot
def test_graphviz_style_render_still_works(tmp_path) -> None:
    graph = erd(handmade(), focus="tickets")
    out = graph.render(filename="g", directory=str(tmp_path), format="svg", cleanup=True)
    assert out.endswith("g.svg") and (tmp_path / "g.svg").read_text().lstrip().startswith("<?xml")


def test_composite_and_cross_schema_pairs() -> None:
    parent = Relation("public", "orders", "table",
                      columns=(Column("shop", 1, "int", "int4"), Column("no", 2, "int", "int4")),
                      constraints=(Constraint("orders_pkey", "primary", ("shop", "no")),))
    child = Relation("public", "lines", "table",
                     columns=(Column("shop", 1, "int", "int4"), Column("order_no", 2, "int", "int4"),
                              Column("owner", 3, "uuid", "uuid"), Column("editor", 4, "uuid", "uuid")),
                     constraints=(
                         Constraint("lines_order_fkey", "foreign", ("shop", "order_no"),
                                    ref_schema="public", ref_table="orders", ref_columns=("shop", "no")),
                         Constraint("lines_owner_fkey", "foreign", ("owner",), ref_schema="auth",
                                    ref_table="users", ref_columns=("id",)),
                         Constraint("lines_editor_fkey", "foreign", ("editor",), ref_schema="auth",
                                    ref_table="users", ref_columns=("id",)),
                     ))
    snap = Snapshot(relations=(parent, child))
    src = erd(snap).source
    # a composite FK joins the tables themselves, not one column's port
    assert '\t"public.lines" -> "public.orders" [id="fk:public.lines.lines_order_fkey"' in src
    # two FKs to auth.users: highlighted, but no PostgREST hint (PostgREST cannot embed across schemas)
    owner = next(line for line in src.splitlines() if "lines_owner_fkey" in line)
    assert "#d62728" in owner and "!" not in owner.split('label="')[1].split('"')[0]
    path = paths_between(snap, "lines", "orders")[0]
    assert path.sql() == (
        "from public.lines t0 join public.orders t1 on t1.shop = t0.shop and t1.no = t0.order_no")
