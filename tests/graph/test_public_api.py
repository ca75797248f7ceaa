"""The graph package's public names (internals may move; these may not)."""

import graphviz

import pgprobe
import pgprobe.graph as graph


def test_public_names() -> None:
    assert sorted(graph.__all__) == sorted([
        "DEFAULT_MAX_DETAILED", "DEFAULT_MAX_NODES", "ColumnsMode", "Erd", "ErdWarning",
        "FkEdge", "FkPath", "Junction", "Links", "PathStep", "erd", "paths_between", "rls_status",
    ])
    for name in graph.__all__:
        assert getattr(graph, name) is not None


def test_erd_is_a_graphviz_digraph_and_reexported() -> None:
    assert issubclass(graph.Erd, graphviz.Digraph)
    assert pgprobe.erd is graph.erd
