"""``docs check``: do the committed docs still describe the database? The pages and diagrams
are regenerated in memory with the options the manifest recorded and compared with the
manifest and the files on disk; nothing is rendered or written.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path

from .._errors import InputError
from ..catalog._model import Snapshot
from ._output import read_manifest, sha, sources_of
from ._paths import CHANGELOG, MANIFEST


@dataclass(frozen=True)
class Drift:
    """One file that no longer matches: ``changed``, ``added``, ``removed`` or ``edited``
    (the file on disk differs from what was generated)."""

    path: str
    status: str
    detail: str = ""


@dataclass
class DocsCheck:
    root: Path
    drift: list[Drift] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.drift

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    def __str__(self) -> str:
        if self.ok:
            return f"{self.root}: the docs match the database"
        lines = [f"{self.root}: {len(self.drift)} file(s) out of date; regenerate with "
                 f"pgprobe docs -o {self.root}"]
        for d in self.drift:
            lines.append(f"  {d.status:8} {d.path}")
            lines += [f"    {line}" for line in d.detail.splitlines()]
        return "\n".join(lines)


def _diff(root: Path, path: str, expected: str, limit: int) -> str:
    file = root / path
    if not path.endswith(".md") or not file.exists():
        return ""
    old = file.read_text(encoding="utf-8").splitlines()
    lines = [line for line in difflib.unified_diff(old, expected.splitlines(), "committed",
                                                    "database", n=0, lineterm="")]
    lines = [line for line in lines[2:] if not line.startswith("@@")]
    more = [f"... {len(lines) - limit} more lines"] if len(lines) > limit else []
    return "\n".join(lines[:limit] + more)


def check_docs(root: str | os.PathLike[str], snapshot: Snapshot, *,
               max_lines: int = 20) -> DocsCheck:
    """Compare the docs tree at ``root`` with what ``snapshot`` generates."""
    from ._site import Docs

    base = Path(root)
    if not base.is_dir():
        raise InputError(f"no docs directory at {base}", hint="generate it with pgprobe docs -o DIR")
    manifest = read_manifest(base)
    if manifest is None:
        raise InputError(f"{base} has no {MANIFEST}: not a pgprobe docs tree",
                         hint=f"generate it with pgprobe docs -o {base}")
    opts = manifest.get("options", {})
    docs = Docs(snapshot, schemas=opts.get("schemas"), exposed=opts.get("exposed", ["public"]),
                roles=opts.get("roles", ["anon", "authenticated"]),
                diagrams=opts.get("diagrams", True), generated_at=opts.get("generated_at"))
    docs.links_changelog = bool(opts.get("changelog"))
    pages = docs.pages()
    expected, _ = sources_of(pages)
    committed = {k: v for k, v in manifest.get("sources", {}).items() if k != CHANGELOG}
    markdown = {p.path: p.markdown() for p in pages}
    result = DocsCheck(base)
    for path in sorted(set(expected) | set(committed)):
        if path not in committed:
            result.drift.append(Drift(path, "added", "new in the database"))
        elif path not in expected:
            result.drift.append(Drift(path, "removed", "gone from the database"))
        elif committed[path] != expected[path]:
            detail = _diff(base, path, markdown[path], max_lines) if path in markdown else ""
            detail = detail or ("diagram changed" if path.endswith(".svg") else "")
            result.drift.append(Drift(path, "changed", detail))
    for path, digest in sorted(manifest.get("files", {}).items()):
        file = base / path
        if not file.exists():
            result.drift.append(Drift(path, "missing", "listed in the manifest, not on disk"))
        elif sha(file.read_bytes()) != digest:
            result.drift.append(Drift(path, "edited", "edited by hand since it was generated"))
    return result
