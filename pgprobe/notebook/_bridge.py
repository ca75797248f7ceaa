"""The notebook's calls into the other capabilities, in one place.

Each function uses a capability's public API and turns "not available" into one clear
``DependencyError`` so a notebook cell says what is missing instead of failing obscurely.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any

from .._errors import DependencyError

__all__ = ["draw_erd", "erd_svg", "relationships_from", "relationship_index", "paths_between", "lint", "exposed_schemas"]


def _public(module: str, *names: str) -> Any:
    try:
        mod = importlib.import_module(module)
    except ImportError as exc:
        raise DependencyError(f"{module} is not available ({exc})") from None
    for name in names:
        fn = getattr(mod, name, None)
        if fn is not None:
            return fn
    raise DependencyError(f"{module} has no {' / '.join(names)} yet")


def exposed_schemas(snap: Any) -> list[str]:
    """Schemas PostgREST would expose by default: ``public`` (if present), else all listed."""
    names = sorted({r.schema for r in snap.relations})
    return ["public"] if "public" in names else names


def draw_erd(snap: Any, *, focus: str | None = None, depth: int = 1,
             path: Sequence[str] | None = None, columns: str | None = None,
             schemas: Sequence[str] | None = None, legend: bool = True, cards: bool = True) -> Any:
    """A ``pgprobe.graph.Erd`` (shows as a zoomable SVG in Jupyter): whole schema, focus or
    path view; with ``cards`` a click on a table shows its :class:`TableView` card."""
    erd = _public("pgprobe.graph", "erd")
    kwargs: dict[str, Any] = {} if legend else {"legend": False}
    if focus:
        kwargs["focus"] = focus
        kwargs["depth"] = depth
    if path:
        kwargs["path"] = tuple(path)
    if columns:
        kwargs["columns"] = columns
    if schemas:
        kwargs["schemas"] = list(schemas)
    graph = erd(snap, **kwargs)
    if cards and hasattr(graph, "with_cards"):
        from ._displays import TableView

        graph.with_cards(lambda rel: TableView(rel)._repr_html_())
    return graph


def erd_svg(graph: Any) -> str:
    """The rendered SVG element (without the XML prologue) of a graphviz graph."""
    svg = graph.pipe(format="svg", encoding="utf-8") if hasattr(graph, "pipe") else str(graph)
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else svg


_INDEXES: dict[tuple[int, tuple[str, ...]], tuple[Any, Any]] = {}


def relationship_index(snap: Any, schemas: Sequence[str] | None = None) -> Any:
    """PostgREST's relationship index for ``snap`` (built once per snapshot and schemas)."""
    key_schemas = tuple(schemas or exposed_schemas(snap))
    key = (id(snap), key_schemas)
    cached = _INDEXES.get(key)
    if cached is not None and cached[0] is snap:
        return cached[1]
    index_cls = _public("pgprobe.relationships", "RelationshipIndex")
    index = index_cls.from_snapshot(snap, schemas=list(key_schemas))
    if len(_INDEXES) > 8:
        _INDEXES.clear()
    _INDEXES[key] = (snap, index)
    return index


def relationships_from(snap: Any, table: str, *, schemas: Sequence[str] | None = None) -> list[Any]:
    """Every relationship PostgREST sees from ``table`` (objects with ``foreign_table``,
    ``cardinality_name``, ``embed_hint``, ``description``)."""
    qualified = snap.table(table).qualified_name
    return list(relationship_index(snap, schemas).of(qualified))


def paths_between(snap: Any, start: str, end: str, *, max_length: int = 3) -> list[Any]:
    """FK paths (``str(p)``, ``p.sql()``, ``p.select()``) between two relations."""
    fn = _public("pgprobe.graph", "paths_between")
    return list(fn(snap, start, end, max_length=max_length))


def lint(paths: Sequence[str], *, baseline: Any = None) -> list[Any]:
    """Migration lint findings (``rule``, ``severity``, ``file``, ``line``, ``column``, ...)."""
    fn = _public("pgprobe.migrations", "lint")
    result = fn(list(paths), baseline=baseline) if baseline is not None else fn(list(paths))
    findings = getattr(result, "findings", result)
    return list(findings)
