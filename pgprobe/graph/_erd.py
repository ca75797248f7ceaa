"""``erd()``: pick what to draw from a Snapshot (whole, focus, path or diff view) and
return a ``graphviz.Digraph`` that shows as SVG in Jupyter.

>>> from pgprobe.catalog._model import Column, Constraint, Relation, Snapshot
>>> users = Relation("public", "users", "table", columns=(Column("id", 1, "bigint", "int8",
...     nullable=False),), constraints=(Constraint("users_pkey", "primary", ("id",)),))
>>> g = erd(Snapshot(relations=(users,)))
>>> '"public.users"' in g.source
True
>>> g.source == erd(Snapshot(relations=(users,))).source   # byte-identical DOT
True
"""

from __future__ import annotations

import fnmatch
import importlib
import os
import subprocess
import warnings
import weakref
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import graphviz

from .._errors import DependencyError, InputError, PgprobeError
from ..catalog._model import Relation, Snapshot
from ._dot import ColumnsMode, DiffMarks, Drawing, NodeSpec, _html
from ._links import FkEdge, Junction, Links
from ._paths import FkPath, find_paths, resolve_name
from ._viewer import viewer_html

DEFAULT_MAX_DETAILED = 150
"""Above this many relations, columns are collapsed (names only)."""
DEFAULT_MAX_NODES = 400
"""Above this many relations, the diagram keeps only the most connected ones and says so."""

INSTALL_HINT = (
    "install Graphviz: apt-get install graphviz (Debian/Ubuntu), brew install graphviz, "
    "or conda install -c conda-forge graphviz"
)


class ErdWarning(UserWarning):
    """The diagram was simplified to stay readable and fast (the warning says how)."""


class Erd(graphviz.Digraph):
    """A ``graphviz.Digraph`` with what the view found: ``paths``, ``relations``, ``notes``.

    ``.source`` is the DOT text; ``.render(path)`` writes SVG/PNG/PDF (by suffix or
    ``format=``); in Jupyter it displays as HTML: the SVG fit to the cell, zoomable and
    pannable (:meth:`html`), a click on a table showing its card (:meth:`with_cards`).
    """

    paths: list[FkPath]
    relations: list[str]
    notes: list[str]
    view: str
    cards: dict[str, str]
    """HTML shown when a table is clicked in :meth:`html`, by qualified name."""
    drawn: dict[str, Relation]
    """The drawn relations the snapshot has (stubs of unread schemas are not here)."""
    MAX_CARDS = DEFAULT_MAX_DETAILED

    @property
    def dot(self) -> str:
        """The DOT text (same as ``.source``)."""
        return self.source

    def pipe(self, *args: Any, **kwargs: Any) -> Any:  # noqa: D102 - graphviz's own
        try:
            try:
                return super().pipe(*args, **kwargs)
            except (graphviz.CalledProcessError, subprocess.CalledProcessError):
                if self.graph_attr.get("splines") == "line":
                    raise
                # Graphviz 2.x sometimes fails to route curved edges ("lost edge",
                # "Pshortestpath failed"); straight edges always route.
                retry = self.copy()
                retry.graph_attr["splines"] = "line"
                return graphviz.Digraph.pipe(retry, *args, **kwargs)
        except graphviz.ExecutableNotFound:
            raise DependencyError(
                "Graphviz's dot program was not found on PATH",
                hint=INSTALL_HINT + "; the DOT text is still in .source (or render to a .dot file)",
            ) from None
        except (graphviz.CalledProcessError, subprocess.CalledProcessError) as exc:
            raw = getattr(exc, "stderr", None) or b""
            err = (raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)).strip()
            last = err.splitlines()[-1] if err else str(exc)
            raise PgprobeError(f"Graphviz dot failed: {last}") from None

    def render(  # type: ignore[override]
        self, path: str | os.PathLike[str] | None = None, format: str | None = None, **kwargs: Any
    ) -> str:
        """Write the diagram to ``path`` as ``format`` (default: the path's suffix, else svg).

        ``.dot``/``.gv`` paths get the DOT text and need no Graphviz binary. Called with
        graphviz's own keywords (``directory=``, ``view=``, ``cleanup=``...) it behaves as
        ``graphviz.Digraph.render``.
        """
        if path is None or kwargs:
            try:
                if path is not None:
                    kwargs["filename"] = path
                return str(super().render(format=format, **kwargs))
            except graphviz.ExecutableNotFound:
                raise DependencyError(
                    "Graphviz's dot program was not found on PATH", hint=INSTALL_HINT
                ) from None
        out = Path(path)
        fmt = (format or out.suffix.lstrip(".") or "svg").lower()
        if fmt in ("dot", "gv"):
            out.write_text(self.source, encoding="utf-8")
            return str(out)
        if fmt not in ("svg", "png", "pdf"):
            raise InputError(f"unsupported ERD format {fmt!r}", hint="use svg, png, pdf or dot")
        data = self.pipe(format=fmt)
        out.write_bytes(data)
        return str(out)

    def paths_frame(self) -> Any:
        """The path view's paths as a pandas DataFrame (one row per path, shortest first)."""
        import pandas as pd

        rows = [{"length": p.length, **p.to_dict()} for p in self.paths]
        columns = ["length", "path", "relations", "constraints", "sql", "select"]
        return pd.DataFrame(rows, columns=columns)

    def svg(self) -> str:
        """The rendered SVG text."""
        return str(self.pipe(format="svg", encoding="utf-8"))

    def with_cards(self, render: Callable[[Relation], str], *, limit: int | None = None) -> Erd:
        """Fill :attr:`cards` with ``render(relation)`` for the drawn relations (at most
        ``limit``, default :attr:`MAX_CARDS`: cards are embedded in the output); returns self.

        >>> from pgprobe.catalog._model import Relation, Snapshot
        >>> g = erd(Snapshot(relations=(Relation("public", "users", "table"),)))
        >>> list(g.with_cards(lambda rel: f"<b>{rel.name}</b>").cards.items())
        [('public.users', '<b>users</b>')]
        """
        cap = self.MAX_CARDS if limit is None else limit
        self.cards = {name: render(rel) for name, rel in list(sorted(self.drawn.items()))[:cap]}
        return self

    def html(self, *, hint: str | None = None) -> str:
        """The SVG in a self-contained zoom/pan viewer (no external script): fit to the
        width, ``−``/``+``/``fit`` and ctrl+wheel zoom, drag to pan, click a table for its card."""
        more = len(self.drawn) - len(self.cards)
        missing = ("not in the snapshot read (drawn as a stub)" if not more else
                   "no card embedded (cards are embedded for at most "
                   f"{len(self.cards)} relations; `%pgprobe table NAME` shows any)")
        if not self.cards:
            missing = "no card embedded: attach cards with .with_cards(render) (`%pgprobe erd` does)"
        extra = {"hint": hint} if hint else {}
        return viewer_html(self.svg(), cards=self.cards, missing_card=missing, **extra)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None, **kw: Any) -> dict[str, Any]:
        try:
            return {"text/html": self.html(), "text/plain": f"<ERD {self.view}: {len(self.relations)} relations>"}
        except DependencyError as exc:
            return {"text/plain": f"{exc}\n\n{self.source}"}


def _selected(
    relations: Iterable[Relation], schemas: Sequence[str] | None, pattern: str | None
) -> list[Relation]:
    wanted = set(schemas) if schemas else None
    out = []
    for rel in relations:
        if rel.partition_of:
            continue
        if wanted is not None and rel.schema not in wanted:
            continue
        if pattern and not (
            fnmatch.fnmatchcase(rel.name, pattern) or fnmatch.fnmatchcase(rel.qualified_name, pattern)
        ):
            continue
        out.append(rel)
    return sorted(out, key=lambda r: r.qualified_name)


def _adjacency(edges: Iterable[tuple[str, str]]) -> dict[str, set[str]]:
    adj: dict[str, set[str]] = {}
    for a, b in edges:
        adj.setdefault(a, set()).add(b)
        adj.setdefault(b, set()).add(a)
    return adj


def _neighbourhood(adj: dict[str, set[str]], start: str, depth: int) -> set[str]:
    seen = {start}
    queue = deque([(start, 0)])
    while queue:
        at, d = queue.popleft()
        if d == depth:
            continue
        for nxt in sorted(adj.get(at, ())):
            if nxt not in seen:
                seen.add(nxt)
                queue.append((nxt, d + 1))
    return seen


_LINKS_CACHE: dict[tuple[int, tuple[str, ...]], tuple[weakref.ref[Snapshot], Links]] = {}


def links_for(snapshot: Snapshot, exposed_schemas: Sequence[str]) -> Links:
    """The snapshot's :class:`Links`, built once per (snapshot, exposed schemas)."""
    key = (id(snapshot), tuple(exposed_schemas))
    hit = _LINKS_CACHE.get(key)
    if hit is not None and hit[0]() is snapshot:
        return hit[1]
    links = Links.from_snapshot(snapshot, exposed_schemas)
    try:
        ref = weakref.ref(snapshot, lambda _r, k=key, c=_LINKS_CACHE: c.pop(k, None))  # type: ignore[misc]
    except TypeError:
        return links
    _LINKS_CACHE[key] = (ref, links)
    return links


def erd(
    snapshot: Snapshot | str | os.PathLike[str] | Any,
    *,
    schemas: Sequence[str] | None = None,
    pattern: str | None = None,
    focus: str | None = None,
    depth: int = 1,
    path: tuple[str, str] | Sequence[str] | None = None,
    max_length: int = 3,
    diff: Any = None,
    old: Snapshot | None = None,
    columns: ColumnsMode = "keys",
    exposed_schemas: Sequence[str] = ("public",),
    view_relationships: bool = True,
    legend: bool = True,
    rankdir: str = "LR",
    max_detailed: int | None = DEFAULT_MAX_DETAILED,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    title: str | None = None,
) -> Erd:
    """Draw how relations relate: FKs, one-to-one, many-to-many, views, RLS, clusters.

    ``snapshot`` is a :class:`Snapshot` (or a saved ``.json`` snapshot, or a DSN/Probe/
    connection, read once). Views (one at a time):

    - whole schema: ``erd(snap, schemas=["public"], pattern="ticket*")``
    - focus: ``erd(snap, focus="public.tickets", depth=2)`` (neighbours both ways)
    - path: ``erd(snap, path=("ticket_activities", "users"), max_length=3)``; the
      paths found are listed in ``.paths`` (``str(p)``, ``p.sql()``, ``p.select()``)
    - diff: ``erd(new, diff=report, old=old)`` with a :class:`pgprobe.diff.DiffReport`
      (or ``erd(new, diff=old)`` to diff two snapshots) colours added / removed /
      changed tables, columns and FKs; ``old`` lets removed ones be drawn in full.

    ``columns`` is ``"keys"`` (PK/FK/UNIQUE columns), ``"all"`` or ``"none"``.
    ``exposed_schemas`` are the schemas PostgREST serves (its ``db-schemas``): RLS off
    there is flagged, and junctions, view relationships and embed hints are PostgREST's.
    Above ``max_detailed`` relations columns collapse; above ``max_nodes`` only the most
    connected relations are kept; both add a note to the diagram and an :class:`ErdWarning`.
    """
    snapshot = _as_snapshot(snapshot)
    if isinstance(diff, (str, os.PathLike)):
        diff = _as_snapshot(diff)
    if columns not in ("keys", "all", "none"):
        raise InputError(f"columns must be keys, all or none, not {columns!r}")
    if sum(v is not None for v in (focus, path, diff)) > 1:
        raise InputError("choose one of focus=, path= and diff=")
    if depth < 0:
        raise InputError(f"depth must be 0 or more, got {depth}")
    exposed = tuple(exposed_schemas)
    links = links_for(snapshot, exposed)
    rels = {r.qualified_name: r for r in snapshot.relations}
    view_fks = links.view_fks if view_relationships else []
    notes: list[str] = []
    paths: list[FkPath] = []
    marks: DiffMarks | None = None
    highlight: set[str] = set()
    stubs: set[str] = set()
    fk_pool = links.fks

    if diff is not None:
        from ._diffview import diff_marks

        if isinstance(diff, Snapshot):
            old, diff = diff, _diff_snapshots(diff, snapshot)
        marks, removed_rels, removed_fks = diff_marks(diff, snapshot, old)
        for r in removed_rels:
            rels.setdefault(r.qualified_name, r)
        fk_pool = sorted({*links.fks, *removed_fks})
        allowed = {r.qualified_name for r in _selected(rels.values(), schemas, pattern)}
        touched = (set(marks.relations) | {r for r, _ in marks.columns}) & allowed
        if touched:
            adj = _adjacency(_edge_pairs(fk_pool, view_fks, links.view_bases))
            names = set(touched)
            for n in touched:
                names |= adj.get(n, set()) & allowed
        else:
            names = allowed
            notes.append("no differences in the selected relations")
        view_name = "diff"
        if getattr(diff, "left_label", None):
            view_name = f"diff {diff.left_label} -> {diff.right_label}"
    elif focus is not None:
        start = resolve_name(snapshot, focus)
        allowed = {r.qualified_name for r in _selected(rels.values(), schemas, pattern)} | {start}
        allowed |= {e.target for e in links.fks if e.target not in rels}  # unread schemas
        pairs = [
            (a, b) for a, b in _edge_pairs(links.fks, view_fks, links.view_bases)
            if a in allowed and b in allowed
        ]
        names = _neighbourhood(_adjacency(pairs), start, depth)
        view_name = f"focus {start} depth {depth}"
    elif path is not None:
        if isinstance(path, str) or len(path) != 2:
            raise InputError("path= needs two relation names, e.g. path=('ticket_activities', 'users')")
        a, b = (resolve_name(snapshot, p) for p in path)
        if a == b:
            raise InputError(f"path needs two different relations, got {a} twice")
        # to or from a view, walk the relationships PostgREST gives views too
        via_views = any(rels[n].is_view for n in (a, b) if n in rels)
        paths = find_paths(links, a, b, max_length=max_length, through_views=via_views)
        names = {a, b}
        for p in paths:
            names.update(p.relations)
            highlight.update(s.edge_key for s in p.steps)
        if not paths:
            notes.append(f"no foreign-key path of at most {max_length} joins between {a} and {b}")
        else:
            notes.append(f"{len(paths)} join path{'s' if len(paths) != 1 else ''} from {a} to {b}"
                         f" (at most {max_length} joins)")
        view_name = f"path {a} -> {b}"
    else:
        names = {r.qualified_name for r in _selected(rels.values(), schemas, pattern)}
        view_name = "schema" + (f" {', '.join(schemas)}" if schemas else "")
        if pattern:
            view_name += f" matching {pattern}"

    # -- size limits -------------------------------------------------------------
    truncated = max_nodes is not None and len(names) > max_nodes
    if max_nodes is not None and truncated:
        degree: dict[str, int] = {}
        for e in fk_pool:
            if e.source in names and e.target in names:
                degree[e.source] = degree.get(e.source, 0) + 1
                degree[e.target] = degree.get(e.target, 0) + 1
        keep = sorted(names, key=lambda n: (-degree.get(n, 0), n))[:max_nodes]
        note = (
            f"{len(names)} relations is more than {max_nodes}: showing the {max_nodes} most "
            f"connected; use focus=, schemas= or pattern= (or max_nodes=None)"
        )
        names = set(keep)
        notes.append(note)
        warnings.warn(note, ErdWarning, stacklevel=2)
    if focus is None and path is None and diff is None and not truncated:
        # relations outside the selection that a drawn FK points at: drawn as name-only stubs
        for e in fk_pool:
            if e.source in names and e.target not in names:
                stubs.add(e.target)
    effective_columns: ColumnsMode = columns
    total = len(names) + len(stubs)
    if max_detailed is not None and total > max_detailed and columns != "none":
        effective_columns = "none"
        note = (
            f"{total} relations is more than {max_detailed}: columns and schema clusters collapsed "
            f"(use focus=, schemas= or pattern=, or max_detailed=None to show them)"
        )
        notes.append(note)
        warnings.warn(note, ErdWarning, stacklevel=2)

    # -- what to draw among the chosen relations -----------------------------------
    drawn = names | stubs
    if path is not None:
        fks = [e for e in fk_pool if e.key in highlight]
        vfks: list[FkEdge] = [e for e in links.view_fks if e.key in highlight]
        junctions: list[Junction] = []
        lineage: list[tuple[str, str]] = []
    else:
        fks = [e for e in fk_pool if e.source in names and e.target in drawn]
        vfks = [e for e in view_fks if e.source in names and e.target in names]
        junctions = [
            j for j in links.junctions
            if j.junction in names and j.left in names and j.right in names and j.left <= j.right
        ]
        lineage = [(v, b) for v, b in links.view_bases if v in names and b in names]
    nodes = [NodeSpec(rels[n]) if n in rels else NodeSpec(_placeholder(n), stub=True) for n in sorted(names)]
    nodes += [NodeSpec(rels.get(n) or _placeholder(n), stub=True) for n in sorted(stubs)]
    drawing = Drawing(
        nodes=nodes, fks=fks, view_fks=vfks, junctions=junctions, lineage=lineage, links=links,
        columns=effective_columns, exposed_schemas=exposed, legend=legend,
        highlight=highlight, diff=marks, compact=effective_columns != columns,
        partitions=_partition_counts(snapshot),
    )
    body = drawing.lines()
    heading = title or f"{snapshot.database or 'database'}: {view_name}"
    sub = f"{len(nodes)} relations · {len(fks)} foreign keys"
    label_lines = [f"<B>{_html(heading)}</B>", _html(sub)]
    label_lines += [f'<FONT COLOR="#d62728">{_html(n)}</FONT>' for n in notes]
    graph = Erd(
        name="erd",
        graph_attr={
            "rankdir": rankdir,
            "fontname": "Helvetica",
            "fontsize": "11",
            "labelloc": "t",
            "labeljust": "l",
            "label": "<" + '<BR ALIGN="LEFT"/>'.join(label_lines) + '<BR ALIGN="LEFT"/>>',
            "nodesep": "0.3",
            "ranksep": "0.7",
            "tooltip": heading,
        },
        node_attr={"shape": "plain", "fontname": "Helvetica", "fontsize": "10"},
        edge_attr={"fontname": "Helvetica", "fontsize": "8", "arrowsize": "0.7"},
        body=body,
        format="svg",
    )
    graph.paths = paths
    graph.relations = sorted(drawn)
    graph.notes = notes
    graph.view = view_name
    graph.drawn = {n: rels[n] for n in graph.relations if n in rels}
    graph.cards = {}
    return graph


def _as_snapshot(source: Any) -> Snapshot:
    """A Snapshot as is; a ``.json`` path is loaded; anything else (DSN, Probe, connection)
    is read once with :func:`pgprobe.snapshot`."""
    if isinstance(source, Snapshot):
        return source
    if isinstance(source, (str, os.PathLike)) and str(source).endswith(".json"):
        if not Path(source).exists():
            raise InputError(f"no such snapshot file: {source}")
        return Snapshot.load(str(source))
    from ..catalog import snapshot as read_snapshot

    return read_snapshot(source)


def _partition_counts(snapshot: Snapshot) -> dict[str, int]:
    counts: dict[str, int] = {}
    for r in snapshot.relations:
        if r.partition_of:
            counts[r.partition_of] = counts.get(r.partition_of, 0) + 1
    return counts


def _placeholder(qualified: str) -> Relation:
    """A relation the snapshot did not read (e.g. ``auth.users`` in an unexpanded schema)."""
    schema, name = qualified.split(".", 1)
    return Relation(schema, name, "table")


def _diff_snapshots(old: Snapshot, new: Snapshot) -> Any:
    diff_pkg = importlib.import_module("pgprobe.diff")
    return diff_pkg.diff_snapshots(old, new, "old", "new")


def _edge_pairs(
    fks: Iterable[FkEdge], view_fks: Iterable[FkEdge], lineage: Iterable[tuple[str, str]]
) -> list[tuple[str, str]]:
    return [(e.source, e.target) for e in (*fks, *view_fks)] + list(lineage)
