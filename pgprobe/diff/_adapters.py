"""App-file sources for ``diff``: a registry, so the diff never imports who provides them.

A TypeScript ``Database`` types file or an app field map is compared with a database by
the subpackage that understands it (:mod:`pgprobe.types`), which registers a comparer here
for its source kind. ``PLUGINS`` names the modules that register one; they are imported on
first use, the way the CLI's ``_PLUGINS`` loads commands.

>>> register("example", lambda app_file, snapshot, schemas: None)
>>> comparer("example") is not None
True
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from typing import Any

from .._errors import DependencyError

Comparer = Callable[[Any, Any, "Sequence[str] | None"], Any]
"""``(app_file, snapshot, schemas) -> DiffReport`` with the file as the left side."""

PLUGINS: tuple[str, ...] = ("pgprobe.types._diff_adapter",)
_REGISTRY: dict[str, Comparer] = {}


def register(kind: str, compare: Comparer) -> None:
    """Make ``diff`` accept sources of ``kind`` (as :func:`~._sources.classify` names them)."""
    _REGISTRY[kind] = compare


def comparer(kind: str) -> Comparer:
    """The comparer registered for ``kind``, loading the plugin modules if needed."""
    if kind not in _REGISTRY:
        for module in PLUGINS:
            try:
                importlib.import_module(module)
            except ImportError as exc:
                raise DependencyError(f"comparing a {kind} file needs {module} ({exc})") from None
    try:
        return _REGISTRY[kind]
    except KeyError:
        raise DependencyError(f"no comparer is registered for {kind} files") from None
