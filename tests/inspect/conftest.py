"""Real contention on a real server: session A holds a lock idle in transaction, B's
ALTER TABLE waits for it, C's SELECT queues behind B."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import psycopg
import pytest


@dataclass
class Contention:
    dsn: str
    a: int
    b: int
    c: int
    threads: list[threading.Thread] = field(default_factory=list)
    errors: list[BaseException] = field(default_factory=list)


def _run_in_thread(dsn: str, app: str, statement: str, pids: dict[str, int],
                   errors: list[BaseException]) -> threading.Thread:
    def go() -> None:
        try:
            with psycopg.connect(dsn, autocommit=True, application_name=app) as conn:
                pids[app] = conn.info.backend_pid
                conn.execute("set statement_timeout = '60s'")
                conn.execute(statement)
        except BaseException as exc:  # reported by the fixture
            errors.append(exc)

    thread = threading.Thread(target=go, daemon=True)
    thread.start()
    return thread


def _wait_until_waiting(dsn: str, pids: list[int], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    with psycopg.connect(dsn, autocommit=True) as conn:
        while time.monotonic() < deadline:
            rows = conn.execute("select count(*) from pg_stat_activity where pid = any(%s) "
                                "and wait_event_type = 'Lock'", (pids,)).fetchone()
            if rows and rows[0] == len(pids):
                return
            time.sleep(0.05)
    raise AssertionError(f"sessions {pids} never waited on a lock")


@pytest.fixture()
def contention(scratch_dsn: str) -> Iterator[Contention]:
    """A (`lock table tickets`, idle in transaction) -> B (ALTER TABLE) -> C (SELECT)."""
    with psycopg.connect(scratch_dsn, autocommit=True) as setup:
        setup.execute("create table tickets (id int primary key, title text)")
        setup.execute("insert into tickets select g, 't' || g from generate_series(1, 10) g")
    a = psycopg.connect(scratch_dsn, application_name="session_a")
    a.execute("lock table tickets")  # psycopg opened a transaction; now idle in it
    pids: dict[str, int] = {}
    errors: list[BaseException] = []
    tb = _run_in_thread(scratch_dsn, "session_b", "alter table tickets add column note text",
                        pids, errors)
    deadline = time.monotonic() + 10
    while "session_b" not in pids and time.monotonic() < deadline:
        time.sleep(0.02)
    _wait_until_waiting(scratch_dsn, [pids["session_b"]])
    tc = _run_in_thread(scratch_dsn, "session_c", "select count(*) from tickets", pids, errors)
    while "session_c" not in pids and time.monotonic() < deadline:
        time.sleep(0.02)
    _wait_until_waiting(scratch_dsn, [pids["session_b"], pids["session_c"]])
    state = Contention(scratch_dsn, a.info.backend_pid, pids["session_b"], pids["session_c"],
                       [tb, tc], errors)
    try:
        yield state
    finally:
        a.rollback()
        a.close()
        for thread in state.threads:
            thread.join(30)
        assert not errors, errors
