"""Run the real ``@supabase/postgres-meta`` 0.99.0 type generator (the oracle pgprobe matches).

Used by the ``npm`` tests and ``bench/types_bench.py``; handy to confirm a difference with
upstream. Installs the package once into ``~/.cache/pgprobe/npm`` (or ``$PGPROBE_NPM_CACHE``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import quote

from .._errors import DependencyError, PgprobeError

POSTGRES_META_VERSION = "0.99.0"


def npm_cache_dir() -> Path:
    return Path(os.environ.get("PGPROBE_NPM_CACHE", Path.home() / ".cache" / "pgprobe" / "npm"))


def install_npm_package(spec: str, dirname: str) -> Path:
    """``npm install spec`` into ``<cache>/<dirname>`` once; returns that directory."""
    if shutil.which("npm") is None or shutil.which("node") is None:
        raise DependencyError("node and npm are needed to run postgres-meta",
                              hint="install Node.js 20+ (apt install nodejs npm)")
    target = npm_cache_dir() / dirname
    marker = target / ".installed"
    if marker.exists():
        return target
    target.mkdir(parents=True, exist_ok=True)
    try:
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--prefix", str(target), spec],
                       check=True, capture_output=True, text=True, timeout=600)
    except subprocess.CalledProcessError as exc:
        tail = (exc.stderr or "").strip().splitlines()[-1:] or ["npm failed"]
        raise DependencyError(f"npm install {spec} failed: {tail[0]}") from None
    marker.write_text(spec + "\n")
    return target


def postgres_meta_url(dsn: str) -> str:
    """A URL postgres-meta's parser accepts (unix sockets as ``?host=/dir``)."""
    from psycopg.conninfo import conninfo_to_dict

    info = conninfo_to_dict(dsn)
    user = quote(str(info.get("user") or "postgres"), safe="")
    password = info.get("password")
    auth = f"{user}:{quote(str(password), safe='')}" if password else user
    db = quote(str(info.get("dbname") or "postgres"), safe="")
    host = str(info.get("host") or "localhost")
    port = str(info.get("port") or "5432")
    if host.startswith("/"):
        return f"postgresql://{auth}@localhost/{db}?host={quote(host, safe='/')}&port={port}"
    return f"postgresql://{auth}@{host}:{port}/{db}"


def postgres_meta_command(package_dir: Path) -> list[str]:
    server = package_dir / "node_modules" / "@supabase" / "postgres-meta" / "dist" / "server" / "server.js"
    return ["node", str(server)]


def postgres_meta_env(dsn: str, schemas: list[str]) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "PG_META_DB_URL": postgres_meta_url(dsn),
        "PG_META_GENERATE_TYPES": "typescript",
        "PG_META_GENERATE_TYPES_INCLUDED_SCHEMAS": ",".join(schemas),
        "PG_META_GENERATE_TYPES_DETECT_ONE_TO_ONE_RELATIONSHIPS": "true",
    })
    return env


def postgres_meta_types(dsn: str, schemas: list[str] | None = None, *,
                        extra_env: dict[str, str] | None = None) -> str:
    """What ``postgres-meta`` 0.99.0 prints for ``dsn`` (installs it on first use).

    ``extra_env`` overrides settings, e.g. ``PG_META_GENERATE_TYPES_DEFAULT_SCHEMA``.
    """
    package_dir = install_npm_package(f"@supabase/postgres-meta@{POSTGRES_META_VERSION}",
                                      f"postgres-meta-{POSTGRES_META_VERSION}")
    env = postgres_meta_env(dsn, schemas or ["public"])
    env.update(extra_env or {})
    proc = subprocess.run(postgres_meta_command(package_dir), env=env,
                          capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:
        last = (proc.stderr or "").strip().splitlines()[-1:] or ["no output"]
        raise PgprobeError(f"postgres-meta failed: {last[0][:300]}")
    return proc.stdout
