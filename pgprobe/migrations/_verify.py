"""Verify a live database (or snapshot) against the migrations, and reconcile the history.

``verify`` answers "is every object the migrations declare really there, as declared?";
``history`` lines the files up against ``supabase_migrations.schema_migrations`` and the
actual objects, and names the Supabase command that would fix each disagreement (it never
runs them).

>>> verify("postgresql:///prod", "supabase/migrations")     # doctest: +SKIP
>>> history("snap.json", "supabase/migrations")              # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..catalog._model import Migration, Snapshot
from ._check import Check, Checker
from ._declared import Declared, ExpectedState, expected_state, file_effects
from ._files import MigrationFile, migration_files

VERIFY_COLUMNS = ["version", "file", "line", "kind", "object", "status", "expected", "actual"]
HISTORY_COLUMNS = ["version", "file", "history_name", "status", "objects", "fix", "note"]


def as_snapshot(source: Any, schemas: Iterable[str] = ()) -> Snapshot:
    """A Snapshot from a Snapshot, a saved ``.json`` path, a DSN, a Probe or a connection.

    When read from a database, ``schemas`` the migrations touch are expanded too, even the
    ones a default snapshot only lists (Supabase's ``auth``, ``storage``, ...)."""
    if isinstance(source, Snapshot):
        return source
    if isinstance(source, (str, Path)) and str(source).endswith(".json") and Path(source).is_file():
        return Snapshot.load(str(source))
    from ..catalog import snapshot

    snap = snapshot(source)
    wanted = {s.name for s in snap.schemas if not s.expanded} & set(schemas)
    if wanted:
        expanded = [s.name for s in snap.schemas if s.expanded] + sorted(wanted)
        snap = dataclasses.replace(snapshot(source, schemas=expanded), migrations=snap.migrations)
    return snap


def touched_schemas(files: list[MigrationFile]) -> set[str]:
    """Schemas holding objects the migrations declare."""
    out = set()
    for d in expected_state(files).present():
        target = d.relation if d.relation and d.relation != "*" else d.name
        if d.kind not in ("schema", "extension", "publication") and "." in target:
            out.add(target.split(".", 1)[0])
    return out


def _files(migrations_dir: Any) -> list[MigrationFile]:
    if isinstance(migrations_dir, list) and migrations_dir and isinstance(
        migrations_dir[0], MigrationFile
    ):
        return migrations_dir
    return migration_files(migrations_dir)


def _check_rows(checks: Iterable[Check], versions: dict[str, str]) -> list[dict[str, Any]]:
    rows = []
    for c in checks:
        d = c.declared
        rows.append({
            "version": d.version,
            "file": Path(d.file).name if d.file else "",
            "line": d.line,
            "kind": d.kind,
            "object": d.object,
            "status": c.status,
            "expected": c.expected,
            "actual": c.actual,
        })
    return rows


def verify_checks(snap: Snapshot, files: list[MigrationFile]) -> list[Check]:
    """Every object of the migrations' expected final state, checked against ``snap``."""
    checker = Checker(snap)
    return [checker.check(d) for d in expected_state(files).present()]


def verify(conn_or_snapshot: Any, migrations_dir: Any, *, include_ok: bool = False) -> Any:
    """A DataFrame of the objects the migrations declare that are missing or different.

    Columns: version, file, line, kind, object, status (``missing``, ``different``,
    ``unknown`` when the object's schema was not read), expected, actual.  Objects a later
    migration drops or renames are expected gone; ``DROP TYPE ... CASCADE`` drops the
    columns of that type.
    """
    import pandas as pd

    files = _files(migrations_dir)
    snap = as_snapshot(conn_or_snapshot, touched_schemas(files))
    checks = verify_checks(snap, files)
    if not include_ok:
        checks = [c for c in checks if c.status != "ok"]
    order = {"missing": 0, "different": 1, "unknown": 2, "ok": 3}
    rows = _check_rows(checks, {})
    rows.sort(key=lambda r: (r["version"], r["line"], order.get(r["status"], 9)))
    df = pd.DataFrame(rows, columns=VERIFY_COLUMNS)
    df.attrs["checked"] = len(checks) if include_ok else None
    return df


# -- history ----------------------------------------------------------------------------
def _vkey(version: str) -> tuple[int, str]:
    return (int(version), version) if version.isdigit() else (-1, version)


def _norm_sql(text: str) -> str:
    text = re.sub(r"--[^\n]*", " ", text)
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    return re.sub(r"\s+", " ", text).strip().rstrip(";").strip().lower()


def _content_changed(mf: MigrationFile, recorded: tuple[str, ...]) -> bool:
    have = " ; ".join(_norm_sql(s.text) for s in mf.statements if _norm_sql(s.text))
    want = " ; ".join(_norm_sql(s) for s in recorded if _norm_sql(s))
    return have != want


def _file_declared(mf: MigrationFile) -> tuple[list[Declared], list[str]]:
    es = ExpectedState()
    errors = []
    for st, eff in file_effects(mf):
        if eff.parse_error:
            errors.append(f"line {st.line}: {eff.parse_error}")
        es.apply(eff, version=mf.version, file=str(mf.path), line=st.line)
    return es.present(), errors


def history(conn_or_snapshot: Any, migrations_dir: Any) -> Any:
    """Files vs ``supabase_migrations.schema_migrations`` vs the actual objects.

    One row per version: ``status`` is one of ``applied``, ``pending``, ``pending (out of
    order)``, ``unknown to the files``, plus flags ``content changed since applied`` and
    ``objects missing``/``objects already present``; ``fix`` is the Supabase command that
    would reconcile it (never run).
    """
    import pandas as pd

    files = _files(migrations_dir)
    snap = as_snapshot(conn_or_snapshot, touched_schemas(files))
    remote: dict[str, Migration] = {m.version: m for m in (snap.migrations or ())}
    no_table = snap.migrations is None
    checker = Checker(snap)
    last_remote = max(remote, key=_vkey) if remote else None
    final = expected_state(files).present()
    owned: dict[str, list[Declared]] = {}
    for d in final:
        owned.setdefault(d.version, []).append(d)
    by_version: dict[str, list[MigrationFile]] = {}
    for f in files:
        by_version.setdefault(f.version, []).append(f)
    rows: list[dict[str, Any]] = []
    for version in sorted(set(by_version) | set(remote), key=_vkey):
        mfs = by_version.get(version, [])
        rm = remote.get(version)
        notes: list[str] = []
        fix: list[str] = []
        if len(mfs) > 1:
            notes.append("several files share this version: "
                         + ", ".join(m.filename for m in mfs) + " (Supabase keeps one)")
            fix.append("rename one file to a new timestamp (`supabase migration new`)")
        mf: MigrationFile | None = mfs[0] if mfs else None
        objects = ""
        missing = present = 0
        parse_errors: list[str] = []
        if mf is not None:
            declared, parse_errors = _file_declared(mf)
            local_count = len(declared)
            if rm is not None:
                # applied: judge only what this file still owns in the final state (objects a
                # later file re-created or dropped are that file's business)
                declared = owned.get(version, [])
            checks = [checker.check(d) for d in declared]
            missing = sum(c.status in ("missing", "different") for c in checks)
            present = sum(c.status == "ok" for c in checks)
            unknown = sum(c.status == "unknown" for c in checks)
            total = len(checks)
            if total == 0 and local_count:
                objects = f"its {local_count} objects were re-created or dropped by later files"
            elif total == 0:
                objects = "declares no objects"
            elif missing == 0:
                objects = f"all {present} present" + (f" ({unknown} not checked)" if unknown else "")
            else:
                gone = [c.declared.object for c in checks if c.status in ("missing", "different")]
                objects = f"{missing} of {total} missing or different: " + ", ".join(gone[:4]) + (
                    " ..." if len(gone) > 4 else "")
            if parse_errors:
                notes.append("does not parse (" + "; ".join(parse_errors[:2]) + ")")
        if mf is not None and rm is not None:
            status = "applied"
            if rm.name and rm.name != mf.name:
                notes.append(f"history name {rm.name!r} differs from the file name {mf.name!r}")
            if rm.statements is not None and _content_changed(mf, rm.statements):
                status += ", content changed since applied"
                fix.append("restore the applied version (`supabase migration fetch` rebuilds files "
                           "from the history) and put the change in a new migration")
            if missing:
                status += ", objects missing"
                fix.append(f"supabase migration repair --status reverted {version} && "
                           f"supabase db push   # re-runs it")
        elif mf is not None:
            out_of_order = last_remote is not None and _vkey(version) < _vkey(last_remote)
            status = "pending (out of order)" if out_of_order else "pending"
            if no_table:
                notes.append("the target has no supabase_migrations.schema_migrations table")
            if out_of_order:
                notes.append(f"sorts before the last applied version {last_remote}")
            if present and not missing and not parse_errors:
                status += ", objects already present"
                fix.append(f"supabase migration repair --status applied {version}")
            elif parse_errors:
                fix.append(f"fix the file first (it would fail); if a later migration replaced it: "
                           f"supabase migration repair --status applied {version}")
            elif out_of_order:
                fix.append("supabase db push --include-all")
            else:
                fix.append("supabase db push")
            if len(version) != 14 or not version.isdigit():
                notes.append("version is not a 14-digit timestamp: it sorts by text, not by time")
        else:
            status = "unknown to the files"
            assert rm is not None
            objects = "no file"
            if rm.statements:
                notes.append("recorded statements: " + _short("; ".join(rm.statements), 120))
                pseudo = MigrationFile(Path(f"{version}_{rm.name or 'history'}.sql"), version,
                                       rm.name or "", ";\n".join(rm.statements))
                declared, _ = _file_declared(pseudo)
                checks = [checker.check(d) for d in declared]
                if checks:
                    n_ok = sum(c.ok for c in checks)
                    objects = f"no file; {n_ok} of {len(checks)} recorded objects present"
            fix.append(f"supabase migration fetch   # writes the file from the history, or: "
                       f"supabase migration repair --status reverted {version}")
        rows.append({
            "version": version,
            "file": ", ".join(m.filename for m in mfs) or None,
            "history_name": rm.name if rm else None,
            "status": status,
            "objects": objects,
            "fix": "; ".join(fix) or None,
            "note": "; ".join(notes) or None,
        })
    return pd.DataFrame(rows, columns=HISTORY_COLUMNS)


def _short(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"
