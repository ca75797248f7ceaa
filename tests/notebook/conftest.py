"""Fixtures for the notebook tests: an in-process IPython shell with the extension loaded."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest

CANARY = "canary-pw-7Qx9"
"""A password put into DSNs by tests; it must never appear in any output."""


def with_password(dsn: str, password: str = CANARY) -> str:
    """The same DSN with a password (the test servers trust local connections, so it is
    accepted and ignored: only its absence from outputs is checked)."""
    assert dsn.startswith("postgresql://postgres@"), dsn
    return dsn.replace("postgresql://postgres@", f"postgresql://postgres:{password}@", 1)


@pytest.fixture()
def ip() -> Iterator[Any]:
    from IPython.core.interactiveshell import InteractiveShell

    from pgprobe.notebook import _session

    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "pgprobe.notebook")
    yield shell
    with contextlib.suppress(Exception):
        _session.current().close()
    _session._set_current(None)
    for name in [k for k in shell.user_ns if not k.startswith("_") and k not in ("In", "Out", "exit", "quit", "get_ipython")]:
        shell.user_ns.pop(name, None)


@pytest.fixture()
def canary() -> str:
    return CANARY


@pytest.fixture()
def demo_pw_dsn(demo_dsn: str) -> str:
    return with_password(demo_dsn)
