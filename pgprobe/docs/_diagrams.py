"""Diagrams for the docs: the DOT of each table's focus view and each schema's whole view (both
drawn by :func:`pgprobe.graph.erd`), and the SVG rendering of many of them at once.

A focus diagram is drawn from a small snapshot holding the table, its neighbours and what those
need (view sources, partitions): the same picture as the focus view on the whole snapshot, at a
cost that does not grow with the schema. Rendering batches many DOT files into each ``dot``
process and runs one process per core, because starting ``dot`` costs more than laying out a
small diagram.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import warnings
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .._errors import DependencyError, PgprobeError
from ..catalog._model import Relation, Snapshot
from ..graph import ErdWarning, erd
from ..graph._erd import links_for
from ._page import Diagram
from ._paths import schema_diagram, table_diagram

# dot names the graph of the 2nd, 3rd... input of one run "page0,1_graph0": the same SVG
# whichever batch a diagram lands in keeps output byte-stable.
_BATCH_ID = re.compile(r'(id="(?:a_)?)page\d+,\d+_')
_SUBGRAPH = re.compile(r"^\s*subgraph\b", re.MULTILINE)
INSTALL_HINT = "install Graphviz (apt-get install graphviz), or pass --no-diagrams"


class DiagramMaker:
    """Builds the DOT of focus and schema diagrams for one snapshot."""

    def __init__(self, snapshot: Snapshot, exposed: Sequence[str]):
        self.snapshot = snapshot
        self.exposed = tuple(exposed)
        self._by_name = {r.qualified_name: r for r in snapshot.relations}
        self._neighbours: dict[str, set[str]] = {}
        self._partitions: dict[str, list[str]] = {}
        for rel in snapshot.relations:
            if rel.partition_of:
                self._partitions.setdefault(rel.partition_of, []).append(rel.qualified_name)
        links = links_for(snapshot, self.exposed)  # built once, shared with the schema views
        pairs = [(e.source, e.target) for e in (*links.fks, *links.view_fks)]
        for a, b in [*pairs, *links.view_bases]:
            self._neighbours.setdefault(a, set()).add(b)
            self._neighbours.setdefault(b, set()).add(a)

    def _near(self, name: str) -> list[Relation]:
        """The focus set and what its drawing depends on: junctions or views linking two of
        its members (they make a pair ambiguous), view sources and partitions."""
        first = {name} | self._neighbours.get(name, set())
        seen: dict[str, int] = {}
        for n in first:
            for m in self._neighbours.get(n, ()):
                seen[m] = seen.get(m, 0) + 1
        names = first | {m for m, count in seen.items() if count >= 2}
        for n in list(names):
            rel = self._by_name.get(n)
            if rel is not None and rel.is_view:
                names |= {f"{s.source_schema}.{s.source_table}" for s in rel.view_sources}
        names |= {p for n in list(names) for p in self._partitions.get(n, ())}
        return [self._by_name[n] for n in sorted(names) if n in self._by_name]

    def focus(self, rel: Relation) -> Diagram:
        """The table with everything one foreign key (or view) away."""
        near = Snapshot(database=self.snapshot.database, relations=tuple(self._near(
            rel.qualified_name)), roles=self.snapshot.roles)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ErdWarning)
            graph = erd(near, focus=rel.qualified_name, depth=1, exposed_schemas=self.exposed)
        return Diagram(table_diagram(rel.schema, rel.name), f"{rel.qualified_name} and its "
                       "neighbours", graph.source, tuple(graph.notes))

    def schema(self, schema: str) -> Diagram:
        """The whole schema; big schemas degrade as the ERD does (and say so in ``notes``)."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ErdWarning)
            graph = erd(self.snapshot, schemas=[schema], exposed_schemas=self.exposed)
        return Diagram(schema_diagram(schema), f"schema {schema}", graph.source, tuple(graph.notes))


def _run_dot(files: list[Path], extra: Sequence[str] = ()) -> None:
    subprocess.run(["dot", "-Tsvg", *extra, "-O", *map(str, files)], check=True,
                   capture_output=True)


def _render_chunk(files: list[Path]) -> None:
    try:
        _run_dot(files)
    except subprocess.CalledProcessError:
        # one bad diagram fails the batch: render one by one, with straight edges when
        # Graphviz cannot route curved ones (as pgprobe.graph's Erd.pipe does)
        for f in files:
            try:
                _run_dot([f])
            except subprocess.CalledProcessError:
                try:
                    _run_dot([f], ["-Gsplines=line"])
                except subprocess.CalledProcessError as exc:
                    err = exc.stderr.decode("utf-8", "replace").strip().splitlines()
                    raise PgprobeError(f"Graphviz dot failed on {f.name}: "
                                       f"{err[-1] if err else exc}") from None


def _batchable(dot: str) -> bool:
    # dot orders subgraphs by an id taken from string addresses, which a process that laid
    # out other graphs before has moved: a graph with two or more subgraphs (schema clusters)
    # gets its own process, so every SVG is the same whatever batch it would have been in.
    return len(_SUBGRAPH.findall(dot)) <= 1


def render_svgs(diagrams: Sequence[Diagram], root: Path, jobs: int | None = None,
                batch: int = 50) -> int:
    """Write each diagram's SVG under ``root`` (``dot`` processes in parallel); returns the count.

    A file whose bytes would not change is left alone."""
    if not diagrams:
        return 0
    if shutil.which("dot") is None:
        raise DependencyError("Graphviz's dot program was not found on PATH", hint=INSTALL_HINT)
    jobs = jobs or os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="pgprobe-docs-") as tmp:
        files = []
        for i, d in enumerate(diagrams):
            f = Path(tmp) / f"{i}.gv"
            f.write_text(d.dot, encoding="utf-8")
            files.append(f)
        grouped = [f for f, d in zip(files, diagrams, strict=True) if _batchable(d.dot)]
        size = max(1, min(batch, -(-len(grouped) // jobs)))
        chunks = [grouped[i:i + size] for i in range(0, len(grouped), size)]
        chunks += [[f] for f, d in zip(files, diagrams, strict=True) if not _batchable(d.dot)]
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            list(pool.map(_render_chunk, chunks))
        for f, d in zip(files, diagrams, strict=True):
            target = root / d.path
            svg = _BATCH_ID.sub(r"\1", f.with_name(f.name + ".svg").read_text(encoding="utf-8"))
            data = svg.encode("utf-8")
            if target.exists() and target.read_bytes() == data:
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    return len(diagrams)


def svg_inline(svg: str) -> str:
    """The ``<svg>`` element of a Graphviz SVG file (no XML prolog or doctype)."""
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else svg
