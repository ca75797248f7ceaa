"""The runnable examples in pgprobe.docs' docstrings."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import pgprobe.docs

MODULES = sorted(f"pgprobe.docs.{m.name}" for m in pkgutil.iter_modules(pgprobe.docs.__path__))


@pytest.mark.parametrize("name", ["pgprobe.docs", *MODULES])
def test_doctests(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_the_public_modules_have_examples() -> None:
    with_examples = [n for n in MODULES
                     if doctest.testmod(importlib.import_module(n)).attempted > 0]
    assert len(with_examples) >= 8, with_examples
