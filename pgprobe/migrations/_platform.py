"""What a Supabase database provides before any migration runs, and the scratch server that
comes closest to it.

A Supabase project's database offers a fixed list of extensions (``create extension`` works
for them), has a few of them installed from the start, and has platform schemas that no
migration creates (``supabase_functions`` for database webhooks, ``net``, ``graphql``,
``vault``, ...).  A rehearsal that lacks one of them stops where Supabase would not: the
default rehearsal therefore runs on the local server with the most of them (Debian's
PostgreSQL with contrib when it is installed), installs the preinstalled ones, and stands in
for the rest with same-signature stubs (``_stubs.py``).

>>> "pg_net" in SUPABASE_EXTENSIONS and "uuid-ossp" in PREINSTALLED
True
>>> platform_cause('extension "pg_cron" is not available')
'pg_cron'
>>> platform_cause('schema "supabase_functions" does not exist')
'supabase_functions'
>>> platform_cause('relation "public.athletes" does not exist') is None
True
"""

from __future__ import annotations

import re
import subprocess
from functools import cache
from pathlib import Path

__all__ = ["PLATFORM_SCHEMAS", "PREINSTALLED", "SUPABASE_EXTENSIONS", "platform_cause",
           "scratch_flavor"]

SUPABASE_EXTENSIONS = frozenset({
    "address_standardizer", "address_standardizer_data_us", "amcheck", "autoinc", "bloom",
    "btree_gin", "btree_gist", "citext", "cube", "dblink", "dict_int", "dict_xsyn",
    "earthdistance", "fuzzystrmatch", "hstore", "http", "hypopg", "index_advisor",
    "insert_username", "intarray", "isn", "lo", "ltree", "moddatetime", "pg_buffercache",
    "pg_cron", "pg_graphql", "pg_hashids", "pg_jsonschema", "pg_net", "pg_prewarm",
    "pg_repack", "pg_stat_monitor", "pg_stat_statements", "pg_surgery", "pg_tle", "pg_trgm",
    "pg_walinspect", "pgaudit", "pgcrypto", "pgjwt", "pgmq", "pgroonga", "pgroonga_database",
    "pgrouting", "pgrowlocks", "pgsodium", "pgstattuple", "pgtap", "plcoffee", "plls",
    "plpgsql", "plpgsql_check", "plv8", "postgis", "postgis_raster", "postgis_sfcgal",
    "postgis_tiger_geocoder", "postgis_topology", "postgres_fdw", "refint", "rum", "seg",
    "sslinfo", "supabase_vault", "tablefunc", "tcn", "timescaledb", "tsm_system_rows",
    "tsm_system_time", "unaccent", "uuid-ossp", "vector", "wrappers", "xml2",
})
"""Extensions a Supabase database offers (``create extension`` works for each)."""

PREINSTALLED: dict[str, str] = {
    "pgcrypto": "extensions", "uuid-ossp": "extensions", "pg_stat_statements": "extensions",
    "pg_graphql": "graphql", "supabase_vault": "vault",
}
"""Extensions installed in every new Supabase database, with their schema."""

PLATFORM_SCHEMAS = frozenset({
    "auth", "storage", "realtime", "graphql", "graphql_public", "extensions", "vault",
    "pgsodium", "pgsodium_masks", "net", "cron", "pgmq", "supabase_functions",
    "supabase_migrations", "pgbouncer",
})
"""Schemas that exist on Supabase (or come with one of its extensions), never a migration's."""

_CAUSE = (
    re.compile(r'extension "([^"]+)" (?:is not available|does not exist)'),
    re.compile(r'could not open extension control file ".*/([^/"]+)\.control"'),
    re.compile(r'schema "([^"]+)" does not exist'),
    re.compile(r'(?:relation|type|function) "?([a-z_]+)\.[^ "]+"? does not exist'),
)


def platform_cause(message: str) -> str | None:
    """The platform extension or schema an error is only about, else None.

    An error names a platform cause when it says that an extension Supabase offers is
    missing, or that a platform schema (or an object in one) does not exist.
    """
    for pattern in _CAUSE:
        m = pattern.search(message)
        if m and (m.group(1) in SUPABASE_EXTENSIONS or m.group(1) in PLATFORM_SCHEMAS):
            return m.group(1)
    return None


def _sharedir(bindir: Path) -> Path | None:
    pg_config = bindir / "pg_config"
    if not pg_config.exists():
        return None
    out = subprocess.run([str(pg_config), "--sharedir"], capture_output=True, text=True)
    return Path(out.stdout.strip()) if out.returncode == 0 else None


@cache
def server_extensions(flavor: str) -> frozenset[str]:
    """Extensions the ``flavor`` server's installation offers (its ``*.control`` files)."""
    from ..embedded import find_bindir

    try:
        bindir = find_bindir(flavor)  # type: ignore[arg-type]
    except Exception:
        return frozenset()
    share = _sharedir(bindir) or bindir.parent / "share"
    for ext_dir in (share / "extension", bindir.parent / "share" / "postgresql" / "extension"):
        if ext_dir.is_dir():
            return frozenset(p.name[:-len(".control")] for p in ext_dir.glob("*.control"))
    return frozenset()


def scratch_flavor() -> str:
    """The server flavor whose extensions cover the most of Supabase's.

    Debian's PostgreSQL with contrib (``system``) has ``pgcrypto``, ``uuid-ossp``,
    ``pg_trgm``, ``citext``, ``hstore``...; the embedded wheel has none of them.  Ties go
    to ``embedded`` (nothing to install).  The preinstalled ones count first: every project
    may use them without a ``create extension``, and their stubs compute nothing.
    """
    def score(flavor: str) -> tuple[int, int]:
        have = server_extensions(flavor)
        return len(have & PREINSTALLED.keys()), len(have & SUPABASE_EXTENSIONS)

    return "system" if score("system") > score("embedded") else "embedded"
