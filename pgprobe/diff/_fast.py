"""Fast paths for the two common diffs: two saved snapshot files, and two live databases.

Both skip whatever is provably equal before any model object is built:

* **files**: both JSON files are parsed (``orjson`` when installed), relations whose JSON is
  equal on both sides are dropped, and only the rest becomes model objects;
* **live**: one fingerprint query per database (``sql/fingerprints.sql``: an md5 per relation
  over everything the snapshot reads for it) runs on both at once; only relations whose
  fingerprints differ are read in full, when ``pgprobe.catalog.snapshot`` accepts
  ``relations=`` (otherwise both databases are read in full).

The reports equal a full diff's: relations left out are equal on both sides, so they could
not have produced a change.
"""

from __future__ import annotations

import gc
import inspect
import json
from collections.abc import Collection, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from .._errors import InputError
from ..catalog._model import Snapshot

_orjson: Any
try:  # optional: 3-4x faster than the stdlib on 20 MB snapshot files
    import orjson as _orjson
except ImportError:  # pragma: no cover - depends on the installation
    _orjson = None


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"no such file: {path}") from None


def _parse(raw: bytes, path: Path) -> dict[str, Any]:
    try:
        data = _orjson.loads(raw) if _orjson is not None else json.loads(raw)
    except ValueError as exc:
        raise InputError(f"not a pgprobe snapshot file (invalid JSON: {exc})", where=str(path),
                         hint="write one with Snapshot.save(path)") from None
    if not isinstance(data, dict) or not isinstance(data.get("snapshot"), dict):
        raise InputError("not a pgprobe snapshot file", where=str(path))
    return data


_REL_START = b'\n  "relations": [\n   {'
_REL_END = b"\n   }\n  ]"
_REL_SEP = b"\n   },\n   {"


def _split_relations(raw: bytes) -> tuple[bytes, list[bytes]] | None:
    """``Snapshot.save``'s layout (sorted keys, indent 1) cut into the file without its
    relations and one byte string per relation, without parsing; ``None`` if the layout is
    not the expected one (then the caller parses the whole file)."""
    # the key sits at indent 2 exactly once: deeper keys have more spaces before the quote
    start = raw.find(_REL_START)
    if start < 0:
        return None
    body_start = start + len(_REL_START)
    # keys are sorted, so the key after "relations" closes the array; find it from the end
    # (only the small tail is scanned), else scan forward
    next_key = raw.rfind(b'\n  "roles": ', body_start)
    end = raw.rfind(_REL_END, body_start, next_key) if next_key > 0 else -1
    if end < 0 or raw[end + len(_REL_END):next_key] != b",":
        end = raw.find(_REL_END, body_start)
    if end < 0:
        return None
    items = raw[body_start:end].split(_REL_SEP)
    rest = raw[:start] + b'\n  "relations": [' + raw[end + len(_REL_END) - 1:]
    return rest, items


def _load_pair_split(raw_a: bytes, raw_b: bytes, pa: Path, pb: Path
                     ) -> tuple[Snapshot, Snapshot] | None:
    """The fast path: relations equal byte for byte are never parsed."""
    split_a, split_b = _split_relations(raw_a), _split_relations(raw_b)
    if split_a is None or split_b is None:
        return None
    items_a, items_b = split_a[1], split_b[1]
    keep_a: list[bytes]
    keep_b: list[bytes]
    if len(items_a) == len(items_b):
        # relations are sorted by name: usually the i-th item of both files is the same relation
        unequal = [i for i, (x, y) in enumerate(zip(items_a, items_b, strict=True)) if x != y]
        keep_a = [items_a[i] for i in unequal]
        keep_b = [items_b[i] for i in unequal]
    else:
        shared = set(items_a) & set(items_b)
        keep_a = [x for x in items_a if x not in shared]
        keep_b = [x for x in items_b if x not in shared]
    out = []
    for rest, items, path in ((split_a[0], keep_a, pa), (split_b[0], keep_b, pb)):
        data = _parse(rest, path)
        data["snapshot"]["relations"] = [_parse_item(b"{" + item + b"\n   }", path)
                                         for item in items]
        out.append(Snapshot.from_dict(data))
    return out[0], out[1]


def _parse_item(raw: bytes, path: Path) -> Any:
    try:
        return _orjson.loads(raw) if _orjson is not None else json.loads(raw)
    except ValueError as exc:
        raise InputError(f"not a pgprobe snapshot file (invalid JSON: {exc})",
                         where=str(path)) from None


def load_pair(path_a: str | Path, path_b: str | Path) -> tuple[Snapshot, Snapshot]:
    """Both snapshot files, with the relations equal on both sides left out."""
    pa, pb = Path(path_a), Path(path_b)
    raw_a, raw_b = _read(pa), _read(pb)
    # Tens of thousands of fresh dicts would trigger the cyclic GC over and over; none of
    # them can form a cycle, so collection is paused while they are built and compared.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        fast = _load_pair_split(raw_a, raw_b, pa, pb)
        if fast is not None:
            return fast
        da = _parse(raw_a, pa)
        db = da if raw_b == raw_a else _parse(raw_b, pb)
        sa, sb = da["snapshot"], db["snapshot"]
        rels_a = {(r["schema"], r["name"]): r for r in sa.get("relations", ())}
        rels_b = {(r["schema"], r["name"]): r for r in sb.get("relations", ())}
        pruned = []
        for data, snap, rels, other in ((da, sa, rels_a, rels_b), (db, sb, rels_b, rels_a)):
            part = dict(snap)
            part["relations"] = [r for k, r in rels.items() if other.get(k) != r]
            pruned.append(Snapshot.from_dict({**data, "snapshot": part}))
        return pruned[0], pruned[1]
    except (KeyError, TypeError) as exc:
        raise InputError(f"not a pgprobe snapshot file ({exc!r} is missing or malformed)",
                         where=str(pa)) from None
    finally:
        if was_enabled:
            gc.enable()


@cache
def fingerprint_sql() -> str:
    return (resources.files(__package__) / "sql" / "fingerprints.sql").read_text()


def _excluded_schemas() -> list[str]:
    from ..catalog import _reader

    return [*getattr(_reader, "SYSTEM_SCHEMAS", ()),
            *getattr(_reader, "SUPABASE_INTERNAL_SCHEMAS", ())]


def fingerprints(source: str, schemas: Sequence[str] | None) -> dict[str, str]:
    """``{"schema.name": md5}`` for every relation the snapshot would expand."""
    from ..connect import connect

    params = {"schemas": list(schemas) if schemas is not None else None,
              "excluded": _excluded_schemas()}
    with connect(source) as probe, probe.conn.transaction():
        probe.conn.execute("select set_config('search_path', '', true)")
        rows = probe.conn.execute(fingerprint_sql(), params).fetchall()  # type: ignore[arg-type]
    return {f"{schema}.{name}": fp for _oid, schema, name, fp in rows}


def supports_relation_filter() -> bool:
    from ..catalog import snapshot

    try:
        return "relations" in inspect.signature(snapshot).parameters
    except (TypeError, ValueError):
        return False


def live_pair(a: str, b: str, schemas: Collection[str] | None) -> tuple[Snapshot, Snapshot]:
    """Snapshots of two databases, reading in full only the relations that differ."""
    from ..catalog import snapshot as _snapshot

    snapshot: Any = _snapshot
    sch = list(schemas) if schemas is not None else None
    with ThreadPoolExecutor(max_workers=2) as pool:
        if not supports_relation_filter():
            fa = pool.submit(snapshot, a, sch)
            fb = pool.submit(snapshot, b, sch)
            return fa.result(), fb.result()
        pa, pb = pool.submit(fingerprints, a, sch), pool.submit(fingerprints, b, sch)
        fpa, fpb = pa.result(), pb.result()
        differ = sorted(k for k in fpa.keys() | fpb.keys() if fpa.get(k) != fpb.get(k))
        sa = pool.submit(snapshot, a, sch, relations=differ)
        sb = pool.submit(snapshot, b, sch, relations=differ)
        return sa.result(), sb.result()
