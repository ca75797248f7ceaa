"""Writing the docs tree: only files whose bytes change are rewritten, a diagram is rendered
only when its DOT changed, files the tree no longer has are removed, and a manifest
(``.pgprobe-docs.json``) records the options and a hash of every file and source."""

from __future__ import annotations

import hashlib
import json
import multiprocessing as mp
import os
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._errors import InputError
from ._diagrams import render_svgs
from ._html import assets, html_path, search_index, site_page
from ._page import Diagram, Page
from ._paths import MANIFEST

if TYPE_CHECKING:
    from ._site import Docs

FORMATS = ("md", "html")
PARALLEL_MIN = 200
"""Fewer documented relations than this are built in one process (forking costs more)."""


def sha(data: str | bytes) -> str:
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


@dataclass
class WriteResult:
    """What a write did: files written and removed, files left as they were, SVGs rendered."""

    root: Path
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    rendered: int = 0

    def __str__(self) -> str:
        return (f"{self.root}: {len(self.written)} files written, {self.unchanged} unchanged, "
                f"{len(self.removed)} removed, {self.rendered} diagrams rendered")


def read_manifest(root: Path) -> dict[str, Any] | None:
    path = root / MANIFEST
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: unreadable docs manifest ({exc})",
                         hint="regenerate the docs with pgprobe docs -o DIR") from None
    return data if isinstance(data, dict) else None


def sources_of(pages: list[Page]) -> tuple[dict[str, str], list[Diagram]]:
    """Hash of every page's Markdown and every diagram's DOT (what ``check`` compares)."""
    sources: dict[str, str] = {}
    diagrams: dict[str, Diagram] = {}
    for page in pages:
        sources[page.path] = sha(page.markdown())
        for d in page.diagrams:
            diagrams[d.path] = d
            sources[d.path] = sha(d.dot)
    return sources, [diagrams[p] for p in sorted(diagrams)]


def _words(page: Page) -> list[str]:
    from ._page import Table

    out = [page.key]
    for b in page.blocks:
        if isinstance(b, Table) and b.headers[:2] == ("#", "column"):
            out += [row[1].strip("`") for row in b.rows]
    return out


def _svg_reader(root: Path) -> Any:
    def svg_of(d: Diagram) -> str | None:
        path = root / d.path
        return path.read_text(encoding="utf-8") if path.exists() else None
    return svg_of


def _files(docs: Docs, pages: list[Page], root: Path, fmt: str) -> dict[str, bytes]:
    if fmt == "md":
        return {p.path: p.markdown().encode("utf-8") for p in pages}
    svg_of = _svg_reader(root)
    db = docs.snapshot.database or "database"
    files = {html_path(p.path): site_page(p, svg_of, db).encode("utf-8") for p in pages}
    files.update({name: text.encode("utf-8") for name, text in assets().items()})
    from ._html import SEARCH_INDEX

    files[SEARCH_INDEX] = search_index(pages, _words).encode("utf-8")
    return files


def _stale(diagrams: Iterable[Diagram], root: Path, old_sources: dict[str, str]) -> list[Diagram]:
    return [d for d in diagrams
            if old_sources.get(d.path) != sha(d.dot) or not (root / d.path).exists()]


def _render_pages(pages: list[Page], root: Path, old_sources: dict[str, str],
                  jobs: int | None) -> int:
    unique = {d.path: d for p in pages for d in p.diagrams}
    return render_svgs(_stale([unique[k] for k in sorted(unique)], root, old_sources), root, jobs)


_WORKER_DOCS: Docs | None = None  # set before forking: workers inherit the built Docs


def _table_chunk(names: list[str], root: str, old_sources: dict[str, str]) -> tuple[list[Page], int]:
    assert _WORKER_DOCS is not None
    pages = _WORKER_DOCS.table_pages(names)
    return pages, _render_pages(pages, Path(root), old_sources, 1)


def build_and_render(docs: Docs, root: Path, old_sources: dict[str, str],
                     jobs: int | None) -> tuple[list[Page], int]:
    """Every page, with the SVG of each diagram whose DOT changed rendered under ``root``.

    Big schemas fan out to forked worker processes, each building a chunk of table pages and
    rendering their diagrams, while this process builds the README (and its diagrams)."""
    global _WORKER_DOCS
    jobs = jobs or os.cpu_count() or 1
    names = [r.qualified_name for r in docs.context.relations]
    if jobs == 1 or len(names) < PARALLEL_MIN or "fork" not in mp.get_all_start_methods():
        pages = docs.pages()
        return pages, _render_pages(pages, root, old_sources, jobs)
    ctx = docs.context
    _ = (ctx.index, ctx.page_of, ctx.type_users, ctx.diagram_maker if ctx.diagrams else None)
    size = -(-len(names) // (jobs * 4))
    chunks = [names[i:i + size] for i in range(0, len(names), size)]
    _WORKER_DOCS = docs
    try:
        with ProcessPoolExecutor(jobs, mp_context=mp.get_context("fork")) as pool:
            futures = [pool.submit(_table_chunk, c, str(root), old_sources) for c in chunks]
            pages = docs.other_pages()
            rendered = _render_pages(pages, root, old_sources, 1)
            for future in futures:
                chunk_pages, chunk_rendered = future.result()
                pages += chunk_pages
                rendered += chunk_rendered
    finally:
        _WORKER_DOCS = None
    return pages, rendered


def write_tree(docs: Docs, out: str | os.PathLike[str], *, format: str = "md",
               jobs: int | None = None) -> WriteResult:
    if format not in FORMATS:
        raise InputError(f"unknown docs format {format!r}", hint="use md or html")
    root = Path(out)
    if root.exists() and not root.is_dir():
        raise InputError(f"{root} is not a directory")
    root.mkdir(parents=True, exist_ok=True)
    old = read_manifest(root) or {}
    result = WriteResult(root)
    pages, rendered = build_and_render(docs, root, old.get("sources", {}), jobs)
    pages.sort(key=lambda p: p.path)
    sources, diagrams = sources_of(pages)
    result.rendered = rendered
    files = _files(docs, pages, root, format)
    hashes: dict[str, str] = {}
    for name in sorted(files):
        data = files[name]
        path = root / name
        hashes[name] = sha(data)
        if path.exists() and path.read_bytes() == data:
            result.unchanged += 1
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        result.written.append(name)
    for d in diagrams:
        hashes[d.path] = sha((root / d.path).read_bytes())
    old_files = old.get("files", {})
    result.written += [d.path for d in diagrams if old_files.get(d.path) != hashes[d.path]]
    result.unchanged += sum(old_files.get(d.path) == hashes[d.path] for d in diagrams)
    for name in sorted(set(old.get("files", {})) - set(hashes)):
        path = root / name
        if path.exists():
            path.unlink()
            result.removed.append(name)
    manifest = {"generator": "pgprobe docs", "manifest_version": 1, "format": format,
                "options": docs.options, "sources": dict(sorted(sources.items())),
                "files": dict(sorted(hashes.items()))}
    text = json.dumps(manifest, indent=1, sort_keys=True) + "\n"
    mpath = root / MANIFEST
    if not mpath.exists() or mpath.read_text(encoding="utf-8") != text:
        mpath.write_text(text, encoding="utf-8")
    return result
