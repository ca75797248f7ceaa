"""How a migration is generated.

>>> MigrationOptions(concurrently=True).concurrently
True
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass


@dataclass(frozen=True)
class MigrationOptions:
    """``concurrently``: build and drop indexes of existing tables concurrently (the script is
    split where that must run outside a transaction). ``allow_data_loss``: make changes that
    drop data (tables, columns, casts that cannot keep values) instead of refusing them.
    ``schemas``: only objects in these schemas. ``owners``: also set owners."""

    concurrently: bool = False
    allow_data_loss: bool = False
    schemas: Collection[str] | None = None
    owners: bool = False
