"""Turn whatever the user passed (Snapshot, file, DSN, connection) into something to compare.

* a :class:`~pgprobe.catalog.Snapshot` is used as is;
* a path ending in ``.yml`` / ``.yaml`` is an expectations file;
* any other existing path is a saved snapshot (``Snapshot.save``);
* a ``postgresql://`` URL or ``key=value`` string, a Probe or a psycopg connection is read
  live with :func:`pgprobe.snapshot`.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._errors import InputError
from ..catalog._model import Snapshot


@dataclass
class Resolved:
    label: str
    snapshot: Snapshot | None = None
    expectations: Any = None
    """A parsed expectations file (``ExpectationsFile``)."""
    live: Any = None
    """The DSN / connection when the source was a live database (for request checks)."""


def _looks_like_dsn(text: str) -> bool:
    return "://" in text or ("=" in text and not os.path.exists(text))


def label_of(source: Any) -> str:
    """A label for a live source that never shows a password."""
    if isinstance(source, str):
        from ..connect import safe_dsn

        return safe_dsn(source)
    return str(getattr(source, "safe_dsn", "database"))


def _live_snapshot(source: Any, schemas: Sequence[str] | None) -> Snapshot:
    from ..catalog import snapshot

    if schemas is None:
        return snapshot(source)
    return snapshot(source, schemas=list(schemas))


_TS_SUFFIXES = (".ts", ".mts", ".cts", ".tsx", ".js", ".mjs", ".cjs", ".jsx")


def _head(path: str, size: int = 65536) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            return fh.read(size)
    except OSError:
        return ""


def _is_field_map_yaml(path: str) -> bool:
    """A YAML file whose top-level values all have a ``path`` key is an app field map."""
    import yaml

    try:
        data = yaml.safe_load(_head(path, 1 << 20))
    except yaml.YAMLError:
        return False
    return isinstance(data, dict) and bool(data) and all(
        isinstance(v, dict) and "path" in v for v in data.values())


def classify(source: Any) -> str:
    """``snapshot``, ``expectations``, ``file`` (saved snapshot), ``types`` (a Supabase
    ``Database`` types file), ``fieldmap`` (an app field map) or ``live``."""
    from ._yaml import ExpectationsFile

    if isinstance(source, Snapshot):
        return "snapshot"
    if isinstance(source, ExpectationsFile):
        return "expectations"
    if isinstance(source, os.PathLike | str):
        text = os.fspath(source)
        lower = text.lower()
        if lower.endswith(_TS_SUFFIXES) and os.path.exists(text):
            return "types" if "type Database" in _head(text) and lower.endswith(
                (".ts", ".mts", ".cts", ".tsx")) else "fieldmap"
        if lower.endswith((".yml", ".yaml")):
            return "fieldmap" if os.path.exists(text) and _is_field_map_yaml(text) \
                else "expectations"
        if os.path.exists(text):
            head = _head(text, 4096) if lower.endswith(".json") else ""
            if '"pgprobe.snapshot"' not in head and '"path"' in head and '"fields"' in head:
                return "fieldmap"
            return "file"
        if isinstance(source, str) and _looks_like_dsn(text):
            return "live"
        raise InputError(f"no such file: {text}", hint="pass a snapshot file, an expectations "
                         ".yml, or a postgresql:// DSN")
    return "live"


def resolve(source: Any, *, schemas: Sequence[str] | None = None) -> Resolved:
    """Load one source (reads the database for a live one)."""
    kind = classify(source)
    if kind == "snapshot":
        return Resolved(source.database or "snapshot", snapshot=source)
    if kind == "expectations":
        from ._yaml import ExpectationsFile, load_expectations

        exp = source if isinstance(source, ExpectationsFile) else load_expectations(source)
        return Resolved(exp.label, expectations=exp)
    if kind == "file":
        path = Path(os.fspath(source))
        try:
            return Resolved(path.name, snapshot=Snapshot.load(str(path)))
        except (ValueError, KeyError, TypeError) as exc:
            raise InputError(f"not a pgprobe snapshot file: {exc}", where=str(path),
                             hint="write one with pgprobe snapshot DSN -o FILE") from None
    return Resolved(label_of(source), snapshot=_live_snapshot(source, schemas), live=source)


def resolve_pair(a: Any, b: Any, *, schemas: Collection[str] | None = None) -> tuple[Resolved, Resolved]:
    """Resolve two sources; two live databases are read at the same time."""
    sch = list(schemas) if schemas is not None else None
    if classify(a) == "live" and classify(b) == "live":
        with ThreadPoolExecutor(max_workers=2) as pool:
            fa = pool.submit(resolve, a, schemas=sch)
            fb = pool.submit(resolve, b, schemas=sch)
            return fa.result(), fb.result()
    return resolve(a, schemas=sch), resolve(b, schemas=sch)
