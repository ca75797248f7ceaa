"""Seed a scratch database with the target's schema before a rehearsal.

From a DSN: ``pg_dump --schema-only`` (the newest pg_dump available that can read the
target).  From a Snapshot (or a saved ``snap.json``): DDL recreated from the model, as far as
it goes (tables, columns, constraints, indexes, types, views, functions, triggers, RLS,
policies, grants, publications; no data, no sequences' state, no comments).  Statements
that fail are retried once everything else ran, then reported as seed warnings.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import psycopg

from .._errors import DependencyError, InputError
from ..catalog._model import Relation, Snapshot
from ._files import split_statements
from ._stubs import quote_ident as qi

_DUPLICATE = {"42P07", "42710", "42P06", "42723", "42P16", "42701", "42P04"}


def seed(conn: psycopg.Connection[Any], dsn: str, base: Any, server: Any) -> tuple[str, list[str]]:
    """Load ``base`` into the scratch database; returns (description, warnings)."""
    if isinstance(base, Snapshot):
        create_roles(conn, [r.name for r in base.roles])
        return "snapshot " + (base.database or "?"), apply_statements(dsn, snapshot_ddl(base))
    if isinstance(base, (str, Path)) and (str(base).endswith(".json") or Path(str(base)).is_file()):
        path = Path(base)
        if not path.is_file():
            raise InputError(f"no such snapshot file: {path}")
        snap = Snapshot.load(str(path))
        create_roles(conn, [r.name for r in snap.roles])
        return f"snapshot {path.name}", apply_statements(dsn, snapshot_ddl(snap))
    source_dsn = _dsn_of(base)
    text = dump_schema(source_dsn, server)
    try:
        with psycopg.connect(source_dsn) as source:
            create_roles(conn, [r[0] for r in source.execute(
                "select rolname from pg_roles where rolname !~ '^pg_'")])
    except psycopg.Error:
        pass
    from ..connect import redact

    return f"schema of {redact(source_dsn)}", apply_statements(dsn, dump_statements(text))


def create_roles(conn: psycopg.Connection[Any], names: list[str]) -> list[str]:
    """Create the base's roles the scratch server lacks, as NOLOGIN (grants and policies
    name them). Roles are cluster-wide: only missing ones are created, never altered."""
    from psycopg import sql

    have = {r[0] for r in conn.execute("select rolname from pg_roles")}
    made = []
    for name in names:
        if name in have or name.startswith("pg_"):
            continue
        try:
            conn.execute(sql.SQL("create role {} nologin").format(sql.Identifier(name)))
            made.append(name)
        except psycopg.Error:
            continue
    return made


def _dsn_of(base: Any) -> str:
    if isinstance(base, str):
        return base
    conn = getattr(base, "conn", base)
    info = getattr(conn, "info", None)
    if info is None:
        raise InputError(f"cannot use {type(base).__name__} as a rehearsal base",
                         hint="give a DSN, a Snapshot or a saved snapshot .json")
    dsn = str(info.dsn)
    if info.password:
        dsn += f" password={info.password}"
    return dsn


def _pg_dump_candidates(server: Any) -> list[Path]:
    cands: list[Path] = []
    if server is not None and getattr(server, "bindir", None):
        cands.append(Path(server.bindir) / "pg_dump")
    from ..embedded import find_bindir

    for flavor in ("embedded", "system"):
        try:
            cands.append(find_bindir(flavor) / "pg_dump")  # type: ignore[arg-type]
        except Exception:
            continue
    which = shutil.which("pg_dump")
    if which:
        cands.append(Path(which))
    seen: list[Path] = []
    for c in cands:
        if c.exists() and c not in seen:
            seen.append(c)
    return seen


def _major(binary: Path) -> int:
    out = subprocess.run([str(binary), "--version"], capture_output=True, text=True)
    m = re.search(r"(\d+)(?:\.\d+)?", out.stdout)
    return int(m.group(1)) if m else 0


def dump_schema(dsn: str, server: Any = None) -> str:
    """``pg_dump --schema-only`` of ``dsn`` with the newest pg_dump found."""
    cands = _pg_dump_candidates(server)
    if not cands:
        raise DependencyError("no pg_dump found to copy the target's schema",
                              hint="install PostgreSQL client tools or pass a snapshot as base")
    binary = max(cands, key=_major)
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    params = conninfo_to_dict(dsn)
    password = params.pop("password", None)
    env = {**os.environ}
    if password:
        env["PGPASSWORD"] = str(password)
    args = [str(binary), "--schema-only", "--no-owner", "--no-subscriptions",
            "--exclude-schema=pgprobe_rehearsal", "--dbname", make_conninfo(**params)]  # type: ignore[arg-type]
    proc = subprocess.run(args, capture_output=True, text=True, env=env, timeout=600)
    if proc.returncode != 0:
        from .._errors import ServerError

        msg = (proc.stderr.strip().splitlines() or ["pg_dump failed"])[-1]
        raise ServerError(f"pg_dump of the base failed: {msg}",
                          hint="pg_dump must be at least the target's major version")
    return proc.stdout


def dump_statements(text: str) -> list[str]:
    """The SQL statements of a pg_dump script (psql meta-commands such as ``\\restrict``
    dropped; ``set_config('search_path', '', ...)`` kept: everything is qualified)."""
    kept = "\n".join("" if ln.startswith("\\") else ln for ln in text.splitlines())
    return [s.text for s in split_statements(kept)]


def apply_statements(dsn: str, statements: list[str], passes: int = 3) -> list[str]:
    """Run statements one by one (autocommit), retrying failures after the rest; duplicates
    of what the Supabase stand-in already made are ignored. Returns warnings."""
    pending = list(statements)
    errors: dict[str, str] = {}
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("set check_function_bodies = off")
        conn.execute("set client_min_messages = error")
        for _ in range(passes):
            failed = []
            for text in pending:
                try:
                    conn.execute(text)  # type: ignore[arg-type]
                    errors.pop(text, None)
                except psycopg.Error as exc:
                    if exc.sqlstate in _DUPLICATE or _is_session_setting(text):
                        # a newer pg_dump's SETs (transaction_timeout on an older server)
                        errors.pop(text, None)
                        continue
                    failed.append(text)
                    errors[text] = (exc.diag.message_primary or str(exc)).strip()
            if len(failed) == len(pending):
                break
            pending = failed
    return [f"base statement failed: {msg} -- {' '.join(text.split())[:120]}"
            for text, msg in errors.items()]


def _is_session_setting(text: str) -> bool:
    return bool(re.match(r"\s*(set\s|select\s+pg_catalog\.set_config\()", text, re.I))


# -- DDL from a Snapshot ----------------------------------------------------------------------
_KIND_WORD = {"view": "view", "materialized_view": "materialized view",
              "foreign_table": "foreign table"}


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _q(qualified: str) -> str:
    schema, _, name = qualified.partition(".")
    return f"{qi(schema)}.{qi(name)}"


def _table_ddl(rel: Relation) -> list[str]:
    cols = []
    for c in rel.columns:
        parts = [qi(c.name), c.type]
        if c.identity:
            parts.append("generated " + ("always" if c.identity in ("always", "a") else "by default")
                         + " as identity")
        elif c.generated:
            parts.append(f"generated always as ({c.generated}) stored")
        elif c.default is not None:
            parts.append(f"default {c.default}")
        if not c.nullable:
            parts.append("not null")
        cols.append(" ".join(parts))
    name = f"{qi(rel.schema)}.{qi(rel.name)}"
    if rel.kind == "foreign_table":
        return []
    return [f"create table if not exists {name} (\n  " + ",\n  ".join(cols) + "\n)"]


def snapshot_ddl(snap: Snapshot) -> list[str]:
    """DDL statements recreating a Snapshot's schema objects, in dependency order."""
    out: list[str] = []
    system = {"pg_catalog", "information_schema", "pg_toast"}
    for s in snap.schemas:
        if s.name not in system and s.name != "public":
            out.append(f"create schema if not exists {qi(s.name)}")
    for e in snap.extensions:
        if e.name != "plpgsql":
            out.append(f"create extension if not exists {qi(e.name)} with schema {qi(e.schema)}")
    for en in snap.enums:
        labels = ", ".join("'" + lab.replace("'", "''") + "'" for lab in en.labels)
        out.append(f"create type {qi(en.schema)}.{qi(en.name)} as enum ({labels})")
    for d in snap.domains:
        ddl = f"create domain {qi(d.schema)}.{qi(d.name)} as {d.base_type}"
        if d.default:
            ddl += f" default {d.default}"
        if not d.nullable:
            ddl += " not null"
        for ck in d.checks:
            ddl += " " + (ck if ck.lower().startswith("check") else f"check ({ck})")
        out.append(ddl)
    for ct in snap.composite_types:
        attrs = ", ".join(f"{qi(a.name)} {a.type}" for a in ct.attributes)
        out.append(f"create type {qi(ct.schema)}.{qi(ct.name)} as ({attrs})")
    seqs = set()
    for r in snap.relations:
        for c in r.columns:
            m = re.search(r"nextval\('([^']+)'", c.default or "")
            if m:
                seqs.add(m.group(1))
    out += [f"create sequence if not exists {s}" for s in sorted(seqs)]
    tables = [r for r in snap.relations if r.kind in ("table", "partitioned_table")]
    for r in tables:
        out += _table_ddl(r)
    for f in snap.functions:
        if f.kind not in ("function", "procedure") or f.definition is None:
            continue
        args = getattr(f, "arguments", None) or f.identity_args
        result = getattr(f, "result", None) or (("setof " if f.returns_set else "") + f.return_type)
        body = f.definition
        tag = "$pgprobe$"
        kw = "procedure" if f.kind == "procedure" else "function"
        ddl = f"create or replace {kw} {qi(f.schema)}.{qi(f.name)}({args})"
        if kw == "function":
            ddl += f" returns {result}"
        ddl += f" language {f.language}"
        if kw == "function":
            ddl += f" {f.volatility}"
            if f.security_definer:
                ddl += " security definer"
        for cfg in f.config:
            k, _, v = cfg.partition("=")
            ddl += f" set {k} = '{v}'" if v else ""
        out.append(f"{ddl} as {tag}{body}{tag}")
        if f.grants:
            sig = f"{qi(f.schema)}.{qi(f.name)}({f.identity_args})"
            grantees = {g.grantee.lower() for g in f.grants}
            if "public" not in grantees:
                out.append(f"revoke execute on {kw} {sig} from public")
            for g in f.grants:
                who = "public" if g.grantee.lower() == "public" else qi(g.grantee)
                out.append(f"grant {g.privilege} on {kw} {sig} to {who}")
    for r in tables:
        name = f"{qi(r.schema)}.{qi(r.name)}"
        for con in sorted(r.constraints, key=lambda c: c.kind == "foreign"):
            if con.kind in ("not_null", "trigger") or not con.definition:
                continue
            out.append(f"alter table {name} add constraint {qi(con.name)} {con.definition}")
        backing = {c.name for c in r.constraints if c.kind in ("primary", "unique", "exclusion")}
        for i in r.indexes:
            if i.name not in backing and not i.primary:
                out.append(i.definition)
    for r in snap.relations:
        if r.kind in ("view", "materialized_view") and r.view_definition:
            kind = "materialized view" if r.kind == "materialized_view" else "view"
            body = r.view_definition.rstrip().rstrip(";")
            out.append(f"create {kind} {qi(r.schema)}.{qi(r.name)} as {body}")
    for r in snap.relations:
        name = f"{qi(r.schema)}.{qi(r.name)}"
        for t in r.triggers:
            out.append(t.definition)
        if r.rls_enabled:
            out.append(f"alter table {name} enable row level security")
        if r.rls_forced:
            out.append(f"alter table {name} force row level security")
        for p in r.policies:
            roles = ", ".join("public" if x.lower() == "public" else qi(x) for x in p.roles) or "public"
            ddl = (f"create policy {qi(p.name)} on {name} as "
                   f"{'permissive' if p.permissive else 'restrictive'} for {p.command} to {roles}")
            if p.using:
                ddl += f" using ({p.using})"
            if p.with_check:
                ddl += f" with check ({p.with_check})"
            out.append(ddl)
        for g in r.grants:
            who = "public" if g.grantee.lower() == "public" else qi(g.grantee)
            col = f" ({qi(g.column)})" if g.column else ""
            out.append(f"grant {g.privilege}{col} on {name} to {who}")
    for r in snap.relations:
        name = f"{qi(r.schema)}.{qi(r.name)}"
        if r.comment:
            out.append(f"comment on {_KIND_WORD.get(r.kind, 'table')} {name} is {_lit(r.comment)}")
        for c in r.columns:
            if c.comment:
                out.append(f"comment on column {name}.{qi(c.name)} is {_lit(c.comment)}")
    for pub in snap.publications:
        if pub.all_tables:
            out.append(f"create publication {qi(pub.name)} for all tables")
        else:
            out.append(f"create publication {qi(pub.name)}")
            if pub.tables:
                out.append(f"alter publication {qi(pub.name)} add table "
                           + ", ".join(_q(t) for t in pub.tables))
    return out
