"""Fixtures for the notebook tests: an in-process IPython shell with the extension loaded."""

from __future__ import annotations

import pytest

CANARY = "canary-pw-7Qx9"
"""A password put into DSNs by tests; it must never appear in any output."""


def with_password(dsn: str, password: str = CANARY) -> str:
    """The same DSN with a password (the test servers trust local connections, so it is
    accepted and ignored: only its absence from outputs is checked)."""
    assert dsn.startswith("postgresql://postgres@"), dsn
    return dsn.replace("postgresql://postgres@", f"postgresql://postgres:{password}@", 1)


@pytest.fixture()
def canary() -> str:
    return CANARY


@pytest.fixture()
def demo_pw_dsn(demo_dsn: str) -> str:
    return with_password(demo_dsn)
