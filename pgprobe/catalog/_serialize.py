"""Deterministic, diff-friendly JSON for snapshots (``load(save(x)) == x``).

The file carries a format name and version; collections are already sorted by the reader,
keys are sorted here, so the same database always gives the same bytes.
"""

from __future__ import annotations

import dataclasses
import gc
import json
import os
import types
import typing
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from .._errors import InputError
from . import _model
from ._model import Snapshot

FORMAT = "pgprobe.snapshot"
VERSION = 1


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)
                if f.compare or f.name == "options"}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def to_dict(snap: Snapshot) -> dict[str, Any]:
    return {"format": FORMAT, "version": VERSION, "snapshot": _plain(snap)}


@cache
def _field_types(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls, vars(_model))


def _identity(value: Any) -> Any:
    return value


@cache
def _builder(tp: Any) -> Callable[[Any], Any]:
    """A function turning JSON for type ``tp`` into model objects, made once per type: a
    2,000-table snapshot has about a million values, so no per-value type inspection."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(inner) != 1:
            return _identity
        build = _builder(inner[0])
        return build if build is _identity else (lambda v: None if v is None else build(v))
    if origin is tuple:
        item = _builder(typing.get_args(tp)[0])
        if item is _identity:
            return lambda v: None if v is None else tuple(v)
        return lambda v: None if v is None else tuple([item(x) for x in v])
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _dataclass_builder(tp)
    return _identity


def _dataclass_builder(cls: type) -> Callable[[Any], Any]:
    hints = _field_types(cls)
    builders = {f.name: _builder(hints[f.name]) for f in dataclasses.fields(cls)}
    defaults = {f.name: f.default for f in dataclasses.fields(cls)
                if f.default is not dataclasses.MISSING}
    factories = {f.name: f.default_factory for f in dataclasses.fields(cls)
                 if f.default_factory is not dataclasses.MISSING}
    required = [f.name for f in dataclasses.fields(cls)
                if f.name not in defaults and f.name not in factories]
    new = object.__new__

    def build(value: Any) -> Any:
        if value is None:
            return None
        missing = [name for name in required if name not in value]
        if missing:  # let the dataclass raise its usual TypeError
            return cls(**{k: builders[k](v) for k, v in value.items() if k in builders})
        obj: Any = new(cls)
        state = obj.__dict__
        state.update(defaults)
        for name, factory in factories.items():
            state[name] = factory()
        for key, v in value.items():
            b = builders.get(key)
            if b is not None:
                state[key] = b(v)
        return obj

    return build


def _build(tp: Any, value: Any) -> Any:
    return _builder(tp)(value)


def from_dict(data: dict[str, Any]) -> Snapshot:
    if data.get("format") != FORMAT:
        raise InputError("not a pgprobe snapshot file (no \"format\": \"pgprobe.snapshot\")",
                         hint="create one with pgprobe snapshot -o snap.json")
    if int(data.get("version", 0)) > VERSION:
        raise InputError(f"snapshot format version {data.get('version')} is newer than this "
                         f"pgprobe understands ({VERSION})", hint="upgrade pgprobe")
    # a large snapshot is about a million new objects and no garbage: pausing the cyclic
    # collector while they are made halves the time
    paused = gc.isenabled()
    gc.disable()
    try:
        snap: Snapshot = _build(Snapshot, data["snapshot"])
    finally:
        if paused:
            gc.enable()
    return snap


def dumps(snap: Snapshot) -> str:
    return json.dumps(to_dict(snap), sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def save(snap: Snapshot, path: str | os.PathLike[str]) -> None:
    Path(path).write_text(dumps(snap), encoding="utf-8")


def load(path: str | os.PathLike[str]) -> Snapshot:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"no snapshot file {p}", hint="check the path") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg}", where=f"{p}:{exc.lineno}:{exc.colno}",
                         hint="is this a pgprobe snapshot file?") from None
    if not isinstance(data, dict):
        raise InputError("not a pgprobe snapshot file", where=str(p))
    return from_dict(data)
