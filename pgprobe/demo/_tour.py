"""``pgprobe demo tour``: a first investigation of the demo database, in the terminal."""

from __future__ import annotations

from collections.abc import Callable

from .._errors import NotFoundError, PgprobeError
from ..catalog import Snapshot, snapshot


def _history(snap: Snapshot, out: Callable[[str], None]) -> None:
    """Section 4: the history table next to the migration files (``pgprobe history``)."""
    from . import migrations_dir

    out(f"\n4. migration history: {len(snap.migrations or ())} rows in "
        "supabase_migrations.schema_migrations")
    try:
        from ..migrations import history

        rows = history(snap, migrations_dir())
    except (ImportError, PgprobeError) as exc:
        out(f"   (not compared with the files: {exc})")
        return
    off = rows[rows["status"] != "applied"]
    if not len(off):
        out(f"   it agrees with the {len(rows)} migration files")
        return
    out(f"   it DISAGREES with the migration files: {len(off)} of {len(rows)} versions "
        "need attention")
    for r in off.itertuples(index=False):
        out(f"   {r.version} {r.status}" + (f": {r.fix}" if isinstance(r.fix, str) and r.fix
                                             else ""))
    from .._terminal import path

    out(f"   details: pgprobe history {path(migrations_dir())} --dsn DSN")


def tour(dsn: str, out: Callable[[str], None] = print) -> Snapshot:
    """Print what the postmortems' authors could not see, straight from the catalog."""
    from ..connect import safe_dsn

    snap = snapshot(dsn)
    out(f"demo database: {safe_dsn(dsn)}")
    out(f"{snap!r}\n")
    out("1. tickets: the column is `title`, not `name`")
    tickets = snap.table("public.tickets")
    out("   columns: " + ", ".join(f"{c.name} {c.type}" for c in tickets.columns))
    try:
        tickets.column("name")
    except NotFoundError as exc:
        out(f"   tickets.column('name') -> {exc}")
    out("\n2. the foreign keys PostgREST sees (constraint names are the embed hints)")
    for name in ("public.tickets", "public.ticket_activities"):
        for fk in snap.table(name).foreign_keys:
            out(f"   {name}.{','.join(fk.columns)} -> {fk.ref}  [{fk.name}]")
    to_users = [fk.name for fk in tickets.foreign_keys if fk.ref == "public.users"]
    out(f"   tickets -> users has {len(to_users)} FKs: embed with "
        + " or ".join(f"users!{name}" for name in to_users))
    out("\n3. row level security")
    for rel in snap.relations:
        if rel.is_view:
            continue
        state = ("enabled, NO POLICY (the API returns [])" if rel.rls_enabled and not rel.policies
                 else "enabled" if rel.rls_enabled else "disabled")
        out(f"   {rel.qualified_name}: {state}, {len(rel.policies)} policies")
    if snap.migrations is not None:
        _history(snap, out)
    try:
        from ..postgrest import explain, why

        config = {"db-schemas": "public", "db-anon-role": "anon"}
        failing = "/ticket_activities?select=id,ticket:tickets!ta_ticket_id_fkey(title)"
        error = explain(snap, "GET", failing, config=config).error
        if error:
            out("\n5. the postmortem's failing request, explained offline")
            out(f"   GET {failing}")
            out(f"   -> {error.get('code')}: {error.get('message')}")
            fixed = why(snap, "GET", failing, config=config).corrected_path
            if fixed:
                out(f"   fix: GET {fixed}")
                plain = explain(snap, "GET", fixed, config=config).plain_sql or ""
                out("   the same as plain SQL:")
                for line in plain.splitlines():
                    out(f"     {line}")
    except (ImportError, PgprobeError):
        pass
    out("\nnext: `make lab` for the notebooks, or `pgprobe --help`")
    return snap
