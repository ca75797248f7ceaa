"""The docstring examples of pgprobe.postgrest, pgprobe.openapi and the scratch mark run."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["pgprobe.postgrest", "pgprobe.postgrest._jwt", "pgprobe.postgrest._result",
           "pgprobe.postgrest._cache", "pgprobe.postgrest._cli", "pgprobe.openapi",
           "pgprobe.openapi._document", "pgprobe._scratch", "pgprobe.postgrest._access",
           "pgprobe.postgrest._empty", "pgprobe.postgrest._fix", "pgprobe.postgrest._why",
           "pgprobe.catalog._model"]


@pytest.mark.parametrize("module", MODULES)
def test_doctests(module: str) -> None:
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0
