"""Throwaway servers: idempotent start, clean stop, both flavors, and the demo lifecycle."""

from __future__ import annotations

import shutil

import psycopg
import pytest

from pgprobe import demo
from pgprobe.embedded import Server
from tests._servers import server_directory


def test_start_twice_is_one_server(pg_flavor: str) -> None:
    tmp_path = server_directory("twice")
    first = Server.start(pg_flavor, tmp_path / "srv")  # type: ignore[arg-type]
    try:
        pid = (first.datadir / "postmaster.pid").read_text().split()[0]
        second = Server.start(pg_flavor, tmp_path / "srv")  # type: ignore[arg-type]
        assert (second.datadir / "postmaster.pid").read_text().split()[0] == pid
        attached = Server.attach(tmp_path / "srv", pg_flavor)  # type: ignore[arg-type]
        assert attached is not None and attached.is_running()
    finally:
        first.stop()
    assert not first.is_running()
    assert Server.attach(tmp_path / "srv", pg_flavor) is None  # type: ignore[arg-type]
    shutil.rmtree(tmp_path)


def test_version_matches_flavor(pg_server: Server, pg_flavor: str) -> None:
    with psycopg.connect(pg_server.dsn()) as conn:
        major = conn.info.server_version // 10000
    assert major == (18 if pg_flavor == "embedded" else 15)


def test_tcp_listener_on_loopback(pg_flavor: str) -> None:
    tmp_path = server_directory("tcp")
    server = Server.start(pg_flavor, tmp_path / "tcp", tcp=True)  # type: ignore[arg-type]
    try:
        assert "127.0.0.1" in server.dsn()
        with psycopg.connect(server.dsn()) as conn:
            assert conn.execute("select 1").fetchone() == (1,)
    finally:
        server.stop(remove=True)
    assert not (tmp_path / "tcp").exists()
    tmp_path.rmdir()


def test_demo_up_down_reset(monkeypatch: pytest.MonkeyPatch, pg_flavor: str) -> None:
    home = server_directory("home")
    monkeypatch.setenv("PGPROBE_HOME", str(home))
    dsn = demo.up(pg_flavor)  # type: ignore[arg-type]
    try:
        assert demo.up(pg_flavor) == dsn  # type: ignore[arg-type]
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute("delete from public.ticket_activities")
        assert demo.reset(pg_flavor) == dsn  # type: ignore[arg-type]
        with psycopg.connect(dsn) as conn:
            assert conn.execute("select count(*) from public.ticket_activities").fetchone() == (4,)
    finally:
        assert demo.down(pg_flavor)  # type: ignore[arg-type]
    assert not demo.down(pg_flavor)  # type: ignore[arg-type]
    shutil.rmtree(home)
