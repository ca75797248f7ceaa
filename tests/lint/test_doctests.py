"""The runnable examples in pgprobe.lint's docstrings."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["pgprobe.lint", "pgprobe.lint._context", "pgprobe.lint._engine", "pgprobe.lint._finding",
           "pgprobe.lint._plpgsql", "pgprobe.lint._report", "pgprobe.lint._rules_meta",
           "pgprobe.lint._source", "pgprobe.lint._state", "pgprobe.lint._rules",
           "pgprobe.lint._pass", "pgprobe.lint._parallel"]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted > 0
