"""Plug the types file and app field map comparisons into ``pgprobe.diff`` (its registry)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..diff._adapters import register


def _types(app_file: Any, snapshot: Any, schemas: Sequence[str] | None) -> Any:
    from ._check import check

    return check(app_file, snapshot, list(schemas) if schemas is not None else None)


def _field_map(app_file: Any, snapshot: Any, schemas: Sequence[str] | None) -> Any:
    from ._fieldmap import check_field_map

    return check_field_map(app_file, snapshot)


register("types", _types)
register("fieldmap", _field_map)
