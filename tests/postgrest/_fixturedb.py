"""Start a throwaway system PostgreSQL 15 (as user ``postgres``) and load the PostgREST fixtures.

Used by the conformance session fixture; also runnable by hand for development::

    python tests/postgrest/_fixturedb.py   # prints the DSN, keeps running until Ctrl-C
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

# ../shared beside the checkout (CI's layout), else the workplace's copy.
CONFORMANCE = next((p / "postgrest-conformance" for p in
                    (Path(__file__).resolve().parents[3] / "shared", Path("/work/shared"))
                    if (p / "postgrest-conformance").exists()),
                   Path("/work/shared/postgrest-conformance"))
FIXTURES = CONFORMANCE / "fixtures"


def _bindir() -> Path:
    out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=True)
    return Path(out.stdout.strip())


def _as_postgres(cmd: list[str], **kw: object) -> subprocess.CompletedProcess[str]:
    if os.geteuid() == 0:
        cmd = ["runuser", "-u", "postgres", "--", *cmd]
    return subprocess.run(cmd, capture_output=True, text=True, check=True, **kw)  # type: ignore[call-overload]


@dataclass
class FixtureServer:
    root: Path
    port: int
    bindir: Path

    @property
    def socket_dir(self) -> Path:
        return self.root / "sock"

    def dsn(self, dbname: str = "pgrst_fixtures") -> str:
        return f"host={self.socket_dir} port={self.port} user=postgres dbname={dbname}"

    @classmethod
    def start(cls) -> FixtureServer:
        root = Path(tempfile.mkdtemp(prefix="pgrst-conf-"))
        data, sock = root / "data", root / "sock"
        sock.mkdir()
        if os.geteuid() == 0:
            pw = pwd.getpwnam("postgres")
            os.chown(root, pw.pw_uid, pw.pw_gid)
            os.chown(sock, pw.pw_uid, pw.pw_gid)
        root.chmod(0o755)
        bindir = _bindir()
        _as_postgres([str(bindir / "initdb"), "-D", str(data), "--no-locale", "-E", "UTF8",
                      "-U", "postgres", "-A", "trust"])
        port = 20000 + (os.getpid() % 20000)
        opts = (f"-k {sock} -p {port} -c listen_addresses='' -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off")
        _as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-o", opts, "-l",
                      str(root / "log"), "-w", "start"])
        srv = cls(root, port, bindir)
        srv._load()
        return srv

    def _load(self) -> None:
        psql = str(self.bindir / "psql")
        _as_postgres([psql, "-X", "-q", "-d", self.dsn("postgres"), "-c",
                      "create database pgrst_fixtures template template0 encoding 'UTF8' locale 'C'"])
        env = dict(os.environ, PSQL=psql, PGRST_POSTGIS="auto")
        _as_postgres(["sh", str(FIXTURES / "load.sh"), self.dsn()], env=env, cwd="/tmp")
        # the fixtures are this harness's own throwaway database: writes run there (rolled
        # back) as on any scratch database, without execute_writes=True per request
        from pgprobe._scratch import mark_scratch

        mark_scratch(self.dsn())

    def stop(self) -> None:
        try:
            _as_postgres([str(self.bindir / "pg_ctl"), "-D", str(self.root / "data"), "-m",
                          "immediate", "stop"])
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


if __name__ == "__main__":
    srv = FixtureServer.start()
    print(srv.dsn(), flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        srv.stop()
