"""Probe sessions: DSN resolution, redaction, read-only, time limits, roles and one-line errors."""

from __future__ import annotations

import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from psycopg import sql

from pgprobe import ConnectError, ProbeQueryError, connect, snapshot
from pgprobe.connect import redact, resolve_dsn, safe_dsn
from pgprobe.embedded import Server
from tests._servers import server_directory

PASSWORD = "Sup3r-S3cret-pw"


@pytest.fixture(scope="module")
def password_server(pg_flavor: str) -> Iterator[Server]:
    """A server of its own where the role `secretive` must log in with a password."""
    server = Server.start(pg_flavor, server_directory("pw"))  # type: ignore[arg-type]
    try:
        server.admin_execute(
            sql.SQL("create role secretive login password {}").format(sql.Literal(PASSWORD)))
        server.admin_execute("create role nobody login")
        server.create_database("guarded")
        server.admin_execute("revoke connect on database guarded from public")
        hba = server.datadir / "pg_hba.conf"
        hba.write_text("local all secretive scram-sha-256\n" + hba.read_text())
        server.admin_execute("select pg_reload_conf()")
        yield server
    finally:
        server.stop(remove=True)


def _pw_dsn(server: Server, password: str = PASSWORD, db: str = "postgres") -> str:
    return f"postgresql://secretive:{password}@/{db}?host={server.socket_dir}&port={server.port}"


def test_resolution_order(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("PGPROBE_DSN", "DATABASE_URL", "SUPABASE_DB_URL"):
        monkeypatch.delenv(var, raising=False)
    assert resolve_dsn() == ""
    monkeypatch.setenv("SUPABASE_DB_URL", "postgresql:///c")
    assert resolve_dsn() == "postgresql:///c"
    monkeypatch.setenv("DATABASE_URL", "postgresql:///b")
    assert resolve_dsn() == "postgresql:///b"
    monkeypatch.setenv("PGPROBE_DSN", "postgresql:///a")
    assert resolve_dsn() == "postgresql:///a"
    assert resolve_dsn("postgresql:///arg") == "postgresql:///arg"


def test_environment_dsn_is_used(monkeypatch: pytest.MonkeyPatch, demo_dsn: str) -> None:
    monkeypatch.setenv("PGPROBE_DSN", demo_dsn)
    with connect() as probe:
        assert probe.execute("select current_database()")[0][0] == "demo_readonly"


def test_libpq_environment_is_the_last_resort(monkeypatch: pytest.MonkeyPatch,
                                              pg_server: Server, demo_dsn: str) -> None:
    for var in ("PGPROBE_DSN", "DATABASE_URL", "SUPABASE_DB_URL"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("PGHOST", str(pg_server.socket_dir))
    monkeypatch.setenv("PGPORT", str(pg_server.port))
    monkeypatch.setenv("PGUSER", "postgres")
    monkeypatch.setenv("PGDATABASE", "demo_readonly")
    with connect() as probe:
        assert probe.execute("select current_database()")[0][0] == "demo_readonly"


def test_accepts_sqlalchemy_engine_and_psycopg_connection(demo_dsn: str) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(demo_dsn.replace("postgresql://", "postgresql+psycopg://", 1))
    with connect(engine) as probe:
        assert probe.execute("select count(*) from public.tickets")[0][0] == 4
    engine.dispose()
    with psycopg.connect(demo_dsn) as conn:
        probe = connect(conn)
        assert probe.read_only
        with pytest.raises(ProbeQueryError, match="read-only"):
            probe.execute("insert into public.labels (name) values ('x')")
        probe.close()
        assert not conn.closed  # not ours to close
    assert snapshot(sa.make_url(demo_dsn.replace("postgresql://", "postgresql+psycopg://", 1))
                    ).has_table("public.tickets")


def test_probe_is_read_only(demo_dsn: str) -> None:
    with connect(demo_dsn) as probe:
        with pytest.raises(ProbeQueryError, match="read-only") as err:
            probe.execute("update public.tickets set title = 'x'")
        assert err.value.sqlstate == "25006"
        assert "scratch" in (err.value.hint or "")
        assert probe.execute("show default_transaction_read_only")[0][0] == "on"
        assert probe.execute("show application_name")[0][0] == "pgprobe"


def test_write_needs_opt_in(scratch_dsn: str) -> None:
    with connect(scratch_dsn, write=True) as probe:
        probe.execute("create table t (id int)")
        probe.execute("insert into t values (1)")
    with connect(scratch_dsn) as probe:
        assert probe.execute("select count(*) from t")[0][0] == 1


def test_lock_held_by_another_session_fails_fast(demo_dsn: str) -> None:
    holder = psycopg.connect(demo_dsn)
    holder.execute("lock table public.tickets in access exclusive mode")
    try:
        with connect(demo_dsn, lock_timeout="300ms") as probe:
            result: dict[str, object] = {}

            def probe_it() -> None:
                try:
                    probe.execute("select count(*) from public.tickets")
                except ProbeQueryError as exc:
                    result["error"] = exc

            thread = threading.Thread(target=probe_it)
            thread.start()
            thread.join(timeout=20)
            assert not thread.is_alive(), "the probe hung behind the lock"
            err = result["error"]
            assert isinstance(err, ProbeQueryError)
            assert err.sqlstate == "55P03"
            assert "lock" in str(err) and "\n" not in str(err)
    finally:
        holder.rollback()
        holder.close()


def test_statement_timeout(demo_dsn: str) -> None:
    with connect(demo_dsn, statement_timeout="200ms") as probe, \
            pytest.raises(ProbeQueryError, match="statement timeout") as err:
        probe.execute("select pg_sleep(5)")
    assert err.value.sqlstate == "57014"


def test_role_and_claims_apply_rls_like_postgrest(demo_dsn: str) -> None:
    ada = "00000000-0000-0000-0000-00000000000a"
    with connect(demo_dsn) as probe:
        assert probe.execute("select count(*) from public.tickets")[0][0] == 4
        assert probe.execute("select count(*) from public.tickets", role="anon")[0][0] == 2
        rows = probe.execute("select auth.uid()::text, auth.role(), current_user",
                             role="authenticated", claims={"sub": ada})
        assert rows == [(ada, "authenticated", "authenticated")]
        assert probe.execute("select count(*) from public.tickets", role="authenticated",
                             claims={"sub": ada})[0][0] == 2
        # RLS enabled and no policy: the API sees nothing although the table has rows.
        assert probe.execute("select count(*) from public.monitoring_events")[0][0] == 3
        assert probe.execute("select count(*) from public.monitoring_events",
                             role="authenticated", claims={"sub": ada})[0][0] == 0
    with connect(demo_dsn, role="anon") as probe:
        assert probe.execute("select current_user")[0][0] == "anon"
        with pytest.raises(ProbeQueryError, match="permission denied") as err:
            probe.execute("select * from public.ai_analyses")
        assert err.value.sqlstate == "42501"


def test_unreachable_host_error_is_one_line() -> None:
    with pytest.raises(ConnectError) as err:
        connect("postgresql://app:hunter22@127.0.0.1:1/prod", connect_timeout=3)
    text = str(err.value)
    assert text.startswith("cannot connect to postgresql://app@127.0.0.1:1/prod: server unreachable")
    assert "hunter22" not in text and "\n" not in text


def test_bad_password_error(password_server: Server) -> None:
    with pytest.raises(ConnectError) as err:
        connect(_pw_dsn(password_server, "wrong-password-123"))
    assert "password authentication failed" in str(err.value)
    assert "wrong-password-123" not in str(err.value)


def test_missing_database_error(pg_server: Server) -> None:
    with pytest.raises(ConnectError, match='database "no_such_db" does not exist'):
        connect(pg_server.dsn("no_such_db"))


def test_missing_privilege_error(password_server: Server) -> None:
    with pytest.raises(ConnectError, match="permission denied for database"):
        connect(password_server.dsn("guarded", user="nobody"))


def test_password_never_shown(password_server: Server, tmp_path: object) -> None:
    dsn = _pw_dsn(password_server)
    with connect(dsn) as probe:
        assert PASSWORD not in repr(probe) and PASSWORD not in probe.banner()
        assert PASSWORD not in probe.safe_dsn
        snap = snapshot(probe)
    assert PASSWORD not in repr(snap)
    out = subprocess.run([sys.executable, "-m", "pgprobe.cli", "connect", "--dsn", dsn],
                         capture_output=True, text=True)
    assert out.returncode == 0 and "secretive@" in out.stdout
    bad = dsn.replace(PASSWORD, PASSWORD + "x")
    out = subprocess.run([sys.executable, "-m", "pgprobe.cli", "snapshot", "--dsn", bad],
                         capture_output=True, text=True)
    assert out.returncode == 2
    assert PASSWORD not in out.stdout + out.stderr
    assert out.stderr.count("\n") == 1


@pytest.mark.parametrize("text, expected", [
    ("postgresql://u:p4ss@h:5432/db", "postgresql://u:***@h:5432/db"),
    ("host=h password=p4ss user=u", "host=h password=*** user=u"),
    ("host=h password='p 4ss' user=u", "host=h password=*** user=u"),
    ("postgres://u:p4ss@h/db?sslmode=require&password=p4ss", "postgres://u:***@h/db?sslmode=require&password=***"),
])
def test_redact(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_safe_dsn_drops_password() -> None:
    assert safe_dsn("postgresql://u:p4ss@h:5432/db?sslmode=require") == \
        "postgresql://u@h:5432/db?sslmode=require"
    name = uuid.uuid4().hex
    assert name not in safe_dsn(f"host=h user=u password={name} dbname=d")
