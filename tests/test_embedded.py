"""Throwaway servers: idempotent start, clean stop, both flavors, and the demo lifecycle."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import psycopg
import pytest

from pgprobe import demo
from pgprobe._scratch import is_scratch
from pgprobe.embedded import Server
from tests._servers import server_directory

ROOT = Path(__file__).resolve().parent.parent


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
            assert is_scratch(conn)  # the demo is scratch: PostgREST writes run, rolled back
            conn.execute("delete from public.ticket_activities")
        assert demo.reset(pg_flavor) == dsn  # type: ignore[arg-type]
        with psycopg.connect(dsn) as conn:
            assert conn.execute("select count(*) from public.ticket_activities").fetchone() == (4,)
    finally:
        assert demo.down(pg_flavor)  # type: ignore[arg-type]
    assert not demo.down(pg_flavor)  # type: ignore[arg-type]
    shutil.rmtree(home)


# ---------------------------------------------------------------- the demo always starts
def _other_server_user(current: str) -> str:
    """The other of the two users pgprobe runs servers as (created like pgprobe does)."""
    import pwd
    import subprocess

    other = "embedded_postgres" if current == "postgres" else "postgres"
    try:
        pwd.getpwnam(other)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "-s", "/bin/false", other],
                       check=True, capture_output=True)
    return other


def _chown_tree(path: Path, user: str) -> None:
    import pwd

    entry = pwd.getpwnam(user)
    for root, dirs, files in os.walk(path):
        for name in [*dirs, *files]:
            os.chown(os.path.join(root, name), entry.pw_uid, entry.pw_gid, follow_symlinks=False)
    os.chown(path, entry.pw_uid, entry.pw_gid)


def _postmaster_user(datadir: Path) -> str:
    import pwd

    pid = int((datadir / "postmaster.pid").read_text().split()[0])
    return pwd.getpwuid(os.stat(f"/proc/{pid}").st_uid).pw_name


@pytest.mark.skipif(os.geteuid() != 0, reason="the server user only changes when run as root")
def test_demo_runs_as_the_owner_of_an_existing_data_directory(
        monkeypatch: pytest.MonkeyPatch, pg_flavor: str) -> None:
    """The data directory was created by one user, and the user pgprobe would pick today is
    another (both exist): up, down and up again all work, always as the directory's owner."""
    home = server_directory("owner")
    monkeypatch.setenv("PGPROBE_HOME", str(home))
    dsn = demo.up(pg_flavor)  # type: ignore[arg-type]
    datadir = demo.server_dir(pg_flavor) / "data"  # type: ignore[arg-type]
    try:
        first_user = _postmaster_user(datadir)
        assert demo.down(pg_flavor)  # type: ignore[arg-type]
        other = _other_server_user(first_user)
        _chown_tree(demo.server_dir(pg_flavor), other)  # type: ignore[arg-type]

        assert demo.up(pg_flavor) == dsn  # type: ignore[arg-type]
        assert _postmaster_user(datadir) == other
        assert demo.up(pg_flavor) == dsn  # already running: success  # type: ignore[arg-type]
        with psycopg.connect(dsn) as conn:
            assert conn.execute("select count(*) from public.tickets").fetchone()[0] > 0  # type: ignore[index]
    finally:
        assert demo.down(pg_flavor)  # type: ignore[arg-type]
    assert not (datadir / "postmaster.pid").exists()
    assert not demo.down(pg_flavor)  # type: ignore[arg-type]
    shutil.rmtree(home)


def test_demo_down_finds_a_server_whose_port_file_is_gone(
        monkeypatch: pytest.MonkeyPatch, pg_flavor: str) -> None:
    """`demo down` never says "no demo server was running" while one runs."""
    home = server_directory("orphan")
    monkeypatch.setenv("PGPROBE_HOME", str(home))
    demo.up(pg_flavor)  # type: ignore[arg-type]
    directory = demo.server_dir(pg_flavor)  # type: ignore[arg-type]
    (directory / "server.port").unlink()
    try:
        assert demo.down(pg_flavor)  # type: ignore[arg-type]
    finally:
        left = Server.attach(directory, pg_flavor)  # type: ignore[arg-type]
        if left is not None:
            left.stop()
    assert not (directory / "data" / "postmaster.pid").exists()
    shutil.rmtree(home)


def test_two_concurrent_demo_up_give_one_server(pg_flavor: str) -> None:
    import subprocess
    import sys

    home = server_directory("race")
    env = {**os.environ, "PGPROBE_HOME": str(home), "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "pgprobe.cli", "demo", "up", "--flavor", pg_flavor]
    procs = [subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for _ in range(2)]
    results = [p.communicate(timeout=600) for p in procs]
    try:
        assert [p.returncode for p in procs] == [0, 0], [err for _, err in results]
        assert results[0][0] == results[1][0] and "pgprobe_demo" in results[0][0]
        with psycopg.connect(results[0][0].strip()) as conn:
            assert conn.execute("select count(*) from pg_database where datname = 'pgprobe_demo'"
                                ).fetchone() == (1,)
    finally:
        down = subprocess.run([*cmd[:-3], "down", "--flavor", pg_flavor], env=env,
                              capture_output=True, text=True, timeout=120)
    assert down.returncode == 0 and "stopped" in down.stdout
    assert not (home / f"demo-{pg_flavor}" / "data" / "postmaster.pid").exists()
    shutil.rmtree(home)
