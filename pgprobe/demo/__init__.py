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

from .._scratch import mark_scratch
from ..embedded import Flavor, Server, default_home, directory_lock

__all__ = ["DEMO_DB", "load", "migrations_dir", "up", "down", "reset", "server_dir"]

DEMO_DB = "pgprobe_demo"


# The one Supabase stand-in (roles, auth, storage, realtime, default privileges) that the
# migration rehearsal also uses; read as a file, so the demo does not import pgprobe.migrations.
SUPABASE_STAND_IN = Path(__file__).resolve().parent.parent / "migrations" / "supabase_stand_in.sql"


def _package_file(name: str) -> Path:
    return Path(str(resources.files(__package__) / name))


def migrations_dir() -> Path:
    """The demo's ``migrations/`` folder (Supabase layout), with the postmortems' mistakes."""
    return Path(str(resources.files(__package__) / "migrations"))


def load(dsn: str) -> None:
    """Build the demo into the (empty) database at ``dsn`` the way production got it: the
    Supabase stand-in and the history rows (``history.sql``), then every migration the
    history records as applied, in version order and each in its own transaction as Supabase
    runs them (the file; for the dashboard hotfix, which has no file, its recorded
    statements), then some data."""
    files = {p.name.split("_", 1)[0]: p for p in migrations_dir().glob("*.sql")}
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(SUPABASE_STAND_IN.read_text())  # type: ignore[call-overload]
        conn.execute(_package_file("history.sql").read_text())  # type: ignore[call-overload]
        history = conn.execute("select version, statements from "
                               "supabase_migrations.schema_migrations order by version").fetchall()
        for version, statements in history:
            with conn.transaction():
                if version in files:
                    conn.execute(files[version].read_text())  # type: ignore[call-overload]
                else:
                    for statement in statements or ():
                        conn.execute(statement)
        conn.execute(_package_file("data.sql").read_text())  # type: ignore[call-overload]
        conn.execute("analyze")


def server_dir(flavor: Flavor = "embedded") -> Path:
    return default_home() / f"demo-{flavor}"


def up(flavor: Flavor = "embedded", *, reload: bool = False) -> str:
    """Start the demo server (once) and load the demo database (once); return its DSN.

    Idempotent and safe to run concurrently: a second caller waits on the demo's lock file and
    then finds the server running and the database loaded.
    """
    directory = server_dir(flavor)
    directory.parent.mkdir(parents=True, exist_ok=True)
    with directory_lock(_lock_file(flavor), "demo database"):
        server = Server.start(flavor, directory)
        if reload or not server.database_exists(DEMO_DB):
            dsn = server.create_database(DEMO_DB, replace=True)
            try:
                load(dsn)
            except Exception:
                server.drop_database(DEMO_DB)
                raise
        # The demo is a scratch database: PostgREST writes against it run (rolled back)
        # without an explicit opt-in. Marked on every start, so older demo databases are too.
        mark_scratch(server.dsn(DEMO_DB))
        return server.dsn(DEMO_DB)


def reset(flavor: Flavor = "embedded") -> str:
    """Drop and reload the demo database."""
    return up(flavor, reload=True)


def down(flavor: Flavor = "embedded") -> bool:
    """Stop the demo server; True if one was running. Raises ``ServerError`` when a server is
    there but cannot be stopped (never reports "not running" and leaves it up)."""
    with directory_lock(_lock_file(flavor), "demo database"):
        server = Server.attach(server_dir(flavor), flavor)
        if server is None:
            return False
        server.stop()
        return True


def _lock_file(flavor: Flavor) -> Path:
    return default_home() / f"demo-{flavor}.lock"
