"""Shared fixtures: real PostgreSQL servers (the embedded PG 18 wheel or the system's PG 15).

``PGPROBE_TEST_PG=embedded|system`` picks the server flavor (default: embedded). Every
server lives in its own temporary directory and is stopped by the fixture that started it.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pgprobe import demo
from pgprobe._scratch import mark_scratch
from pgprobe.catalog import Snapshot, snapshot
from pgprobe.embedded import Server
from tests._servers import server_directory

FLAVOR = os.environ.get("PGPROBE_TEST_PG", "embedded")
if FLAVOR not in ("embedded", "system"):
    raise pytest.UsageError("PGPROBE_TEST_PG must be 'embedded' or 'system'")


def pytest_report_header(config: pytest.Config) -> str:
    strict = " (CI=true: a skipped test fails)" if in_ci() else ""
    return f"pgprobe test server: {FLAVOR} (PGPROBE_TEST_PG){strict}"


def in_ci() -> bool:
    """``CI=true`` (GitHub Actions, GitLab, .ci/run ...)."""
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes", "on")


DOC_NOT_RUN = "not-run: "
"""The one allowed skip in CI: a docs example marked ``<!-- not-run: why -->``."""


def allowed_skip(nodeid: str, reason: str) -> bool:
    return nodeid.startswith("tests/test_docs_examples.py::") and DOC_NOT_RUN in reason


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """In CI a skipped oracle is a failure, not a pass: an environment that lacks a server, node
    or Chromium must turn the run red. Deselecting with ``-m`` is unaffected."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if not (in_ci() and report.skipped) or hasattr(report, "wasxfail"):
        return
    longrepr = report.longrepr
    reason = str(longrepr[2] if isinstance(longrepr, tuple) else longrepr)
    if allowed_skip(item.nodeid, reason):
        return
    report.outcome = "failed"
    report.longrepr = (f"skipped in CI (CI=true), which counts as a failure: {reason}\n"
                       "install what the test needs (.ci/run), or mark a docs example not-run")


@pytest.fixture(scope="session")
def pg_flavor() -> str:
    return FLAVOR


@pytest.fixture(scope="session")
def pg_server() -> Iterator[Server]:
    """A throwaway server for the whole test session, in its own temporary directory."""
    server = Server.start(FLAVOR, server_directory(FLAVOR))  # type: ignore[arg-type]
    try:
        yield server
    finally:
        server.stop(remove=True)


@pytest.fixture(scope="session")
def demo_dsn(pg_server: Server) -> str:
    """The demo database, loaded once per session. Treat it as read-only."""
    dsn = pg_server.create_database("demo_readonly", replace=True)
    demo.load(dsn)
    return dsn


@pytest.fixture(scope="session")
def demo_template(pg_server: Server, demo_dsn: str) -> str:
    """A pristine copy of the demo, used as the template for writable copies."""
    name = "demo_template"
    pg_server.create_database(name, template="demo_readonly", replace=True)
    return name


@pytest.fixture(scope="session")
def demo_snapshot(demo_dsn: str) -> Snapshot:
    return snapshot(demo_dsn)


@pytest.fixture()
def scratch_dsn(pg_server: Server) -> Iterator[str]:
    """A fresh, empty, writable database, dropped after the test."""
    name = f"scratch_{uuid.uuid4().hex[:10]}"
    dsn = pg_server.create_database(name)
    mark_scratch(dsn)  # pgprobe may write here (pgprobe._scratch)
    try:
        yield dsn
    finally:
        pg_server.drop_database(name)


@pytest.fixture()
def scratch_demo_dsn(pg_server: Server, demo_template: str) -> Iterator[str]:
    """A writable copy of the demo database, dropped after the test."""
    name = f"scratch_demo_{uuid.uuid4().hex[:10]}"
    dsn = pg_server.create_database(name, template=demo_template)
    mark_scratch(dsn)  # pgprobe may write here (pgprobe._scratch)
    try:
        yield dsn
    finally:
        pg_server.drop_database(name)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The repository's ``../shared`` (bench generator, conformance corpus, research)."""
    here = Path(__file__).resolve().parent.parent
    for cand in (here.parent / "shared", Path("/work/shared")):
        if cand.exists():
            return cand
    pytest.skip("../shared is not present")
    raise AssertionError  # unreachable


@pytest.fixture()
def ip() -> Iterator[Any]:
    """An in-process IPython shell with pgprobe's magics loaded.

    Its history is kept off: the history database's writer thread would outlive the test,
    and a process with another thread running must not fork (lint's parallel runs check).
    """
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    from pgprobe.notebook import _session

    config = Config()
    config.HistoryManager.enabled = False
    shell = InteractiveShell.instance(config=config)
    shell.run_line_magic("load_ext", "pgprobe.notebook")
    yield shell
    with contextlib.suppress(Exception):
        _session.current().close()
    _session._set_current(None)
    for name in [k for k in shell.user_ns if not k.startswith("_")
                 and k not in ("In", "Out", "exit", "quit", "get_ipython")]:
        shell.user_ns.pop(name, None)
