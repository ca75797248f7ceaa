"""The demo database: the postmortems' ticketing app, built as Supabase would have it, traps included.

Traps, each answering a postmortem question:

* ``public.tickets`` has ``title``, not ``name``;
* ``tickets.created_by`` and ``tickets.assignee`` both reference ``users``: embedding users
  from tickets is ambiguous (PGRST201);
* ``ticket_activities``' FK to tickets is ``ticket_activities_ticket_id_fkey``, not the
  ``ta_ticket_id_fkey`` the postmortem guessed;
* ``users_secure`` is a view people embed through;
* ``ai_analyses`` (enum, RLS, policies, grants: anon has none);
* ``message_queue`` (enum ``contact_type``, indexes, triggers, publication
  ``supabase_realtime``) and ``monitoring_events`` (RLS enabled, no policy: the API returns []);
* ``supabase_migrations.schema_migrations`` disagrees with :func:`migrations_dir`.

>>> dsn = up()            # doctest: +SKIP
>>> import pgprobe; pgprobe.snapshot(dsn).table("public.tickets").column("name")  # doctest: +SKIP
Traceback (most recent call last):
pgprobe._errors.NotFoundError: no column name in public.tickets; did you mean ...
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import psycopg

from ..embedded import Flavor, Server, default_home

__all__ = ["DEMO_DB", "load", "migrations_dir", "sql_files", "up", "down", "reset", "server_dir"]

DEMO_DB = "pgprobe_demo"
_FILES = ("supabase_standin.sql", "schema.sql", "data.sql")


def sql_files() -> list[Path]:
    """The SQL files that build the demo database, in load order."""
    base = resources.files(__package__)
    return [Path(str(base / name)) for name in _FILES]


def migrations_dir() -> Path:
    """The demo's ``migrations/`` folder (Supabase layout), with the postmortems' mistakes."""
    return Path(str(resources.files(__package__) / "migrations"))


def load(dsn: str) -> None:
    """Load the demo schema and data into the (empty) database at ``dsn``."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        for path in sql_files():
            conn.execute(path.read_text())  # type: ignore[call-overload]
        conn.execute("analyze")


def server_dir(flavor: Flavor = "embedded") -> Path:
    return default_home() / f"demo-{flavor}"


def up(flavor: Flavor = "embedded", *, reload: bool = False) -> str:
    """Start the demo server (once) and load the demo database (once); return its DSN."""
    directory = server_dir(flavor)
    directory.parent.mkdir(parents=True, exist_ok=True)
    server = Server.start(flavor, directory)
    if reload or not server.database_exists(DEMO_DB):
        dsn = server.create_database(DEMO_DB, replace=True)
        try:
            load(dsn)
        except Exception:
            server.drop_database(DEMO_DB)
            raise
    return server.dsn(DEMO_DB)


def reset(flavor: Flavor = "embedded") -> str:
    """Drop and reload the demo database."""
    return up(flavor, reload=True)


def down(flavor: Flavor = "embedded") -> bool:
    """Stop the demo server; True if one was running."""
    server = Server.attach(server_dir(flavor), flavor)
    if server is None:
        return False
    server.stop()
    return True
