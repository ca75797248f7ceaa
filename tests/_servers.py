"""Helpers for tests that start servers of their own."""

from __future__ import annotations

import tempfile
from pathlib import Path


def server_directory(label: str) -> Path:
    """A fresh ``mktemp -d`` directory for a throwaway server.

    Not under pytest's tmp_path: pytest strips the group/other bits of its base directory at
    every session start, which would lock an unprivileged server user (as root, servers run
    as ``postgres``/``embedded_postgres``) out of a running server's data directory.
    """
    return Path(tempfile.mkdtemp(prefix=f"pgprobe-test-{label}-"))
