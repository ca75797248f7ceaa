"""Build big immutable models without paying for the process's cyclic garbage collector.

A snapshot or a relationship index allocates hundreds of thousands of small objects; each
allocation burst triggers collections, and a full one traverses every object of the process
(a notebook kernel's DataFrames, a SQLAlchemy metadata of thousands of tables, the snapshot
the index is built from), so the build would grow faster than the schema. The models hold no
reference cycles: nothing is left for the collector to find in them.

>>> import gc
>>> with paused_collector():
...     gc.isenabled()
False
>>> gc.isenabled()
True
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["paused_collector"]


@contextmanager
def paused_collector() -> Iterator[None]:
    """Pause the cyclic collector for the block; a caller's own setting is restored.

    On the way out, what the block allocated is moved to the oldest generation without a
    traversal (``gc.freeze()`` then ``gc.unfreeze()``): otherwise the first allocation after
    re-enabling starts a full collection of the whole process for objects known to be live.
    Other objects allocated meanwhile are still collected, at the next full collection. Skipped
    when the caller has frozen objects of its own (``unfreeze`` would release them).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if gc.get_freeze_count() == 0:
                gc.freeze()
                gc.unfreeze()
            gc.enable()
