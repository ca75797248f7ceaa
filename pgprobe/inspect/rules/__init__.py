"""``inspect report`` rules: each a small class over one view, thresholds from ``rules.toml``.

A rules file sets thresholds and levels per rule; anything it leaves out keeps the default::

    [long-running]
    max_seconds = 600

    [unused-indexes]
    level = "fail"          # fail (exit 1) | warn (shown only) | off

>>> [r.name for r in default_rules()][:3]
['long-running', 'idle-in-transaction', 'lock-waits']
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from os import PathLike
from pathlib import Path
from typing import Any

from ..._errors import InputError
from ._base import LEVELS, Rule, RuleResult
from .activity import IdleInTransaction, LockWaits, LongRunning
from .server import CacheHit, Connections, ReplicationSlots, XidAge
from .storage import Bloat, UnusedIndexes, VacuumDue

__all__ = ["LEVELS", "RULES", "Rule", "RuleResult", "default_rules", "load_rules",
           "rules_from_mapping"]

RULES: dict[str, type[Rule]] = {cls.name: cls for cls in (
    LongRunning, IdleInTransaction, LockWaits, Bloat, UnusedIndexes, VacuumDue, CacheHit,
    Connections, ReplicationSlots, XidAge)}
"""Every rule by its TOML section name, in report order."""


def default_rules() -> list[Rule]:
    """Every rule with its default thresholds."""
    return [cls() for cls in RULES.values()]


def rules_from_mapping(config: Mapping[str, Any], where: str = "rules") -> list[Rule]:
    """Rules from a parsed TOML document (sections named after rules)."""
    for section, body in config.items():
        if section not in RULES:
            from ...catalog._model import suggest

            close = suggest(section, RULES)
            raise InputError(f"unknown rule [{section}]", where=where,
                             hint=f"did you mean [{close[0]}]?" if close
                             else "rules: " + ", ".join(RULES))
        if not isinstance(body, Mapping):
            raise InputError(f"[{section}] must be a table of settings", where=where)
    return [cls(where=where, **dict(config.get(name, {}))) for name, cls in RULES.items()]


def load_rules(path: str | PathLike[str]) -> list[Rule]:
    """Rules from a TOML file (missing rules and settings keep their defaults)."""
    file = Path(path)
    try:
        config = tomllib.loads(file.read_text())
    except FileNotFoundError:
        raise InputError(f"no such rules file: {file}") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"not valid TOML: {exc}", where=str(file)) from None
    return rules_from_mapping(config, where=str(file))
