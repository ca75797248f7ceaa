"""The runnable examples in pgprobe.graph's docstrings."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["pgprobe.graph", "pgprobe.graph._erd", "pgprobe.graph._viewer"]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted > 0
