"""Supabase TypeScript types and app field maps, checked against the database.

- :func:`generate` prints the ``Database`` type byte for byte as ``@supabase/postgres-meta``
  0.99.0 (what ``supabase gen types typescript`` writes) does, from a pgprobe Snapshot.
- :func:`check` diffs a committed types file against the database by meaning.
- :func:`check_field_map` finds app field-map paths and fields that are not in the database.

Names load on first use (the CLI imports ``pgprobe.types._cli`` for every command).

>>> from pgprobe.types import parse_types_text
>>> db = parse_types_text('export type Database = { public: { Tables: { t: { Row: { id: number }; '
...                       'Relationships: [] } } } }')
>>> db.schemas["public"].tables["t"].row["id"].type
'number'
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._check import check, compare_types
    from ._fieldmap import FieldMapEntry, check_field_map, load_field_map, parse_field_map_text
    from ._generate import generate, generate_from_meta
    from ._tsparse import (
        TsDatabase,
        TsField,
        TsRelation,
        TsRelationship,
        TsSchema,
        TsSignature,
        parse_types_file,
        parse_types_text,
    )

_WHERE = {
    "check": "_check", "compare_types": "_check",
    "FieldMapEntry": "_fieldmap", "check_field_map": "_fieldmap", "load_field_map": "_fieldmap",
    "parse_field_map_text": "_fieldmap",
    "generate": "_generate", "generate_from_meta": "_generate",
    "TsDatabase": "_tsparse", "TsField": "_tsparse", "TsRelation": "_tsparse",
    "TsRelationship": "_tsparse", "TsSchema": "_tsparse", "TsSignature": "_tsparse",
    "parse_types_file": "_tsparse", "parse_types_text": "_tsparse",
}

__all__ = [
    "FieldMapEntry",
    "TsDatabase",
    "TsField",
    "TsRelation",
    "TsRelationship",
    "TsSchema",
    "TsSignature",
    "check",
    "check_field_map",
    "compare_types",
    "generate",
    "generate_from_meta",
    "load_field_map",
    "parse_field_map_text",
    "parse_types_file",
    "parse_types_text",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'pgprobe.types' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
