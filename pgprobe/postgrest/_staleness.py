"""Is a PostgREST schema cache stale? Compare its OpenAPI description with the catalog.

PostgREST builds its schema cache at start-up and on ``NOTIFY pgrst, 'reload schema'``.
After a migration that did not notify it, the API still answers from the old cache: new
tables give PGRST205, new columns PGRST204, new foreign keys PGRST200. The OpenAPI document
PostgREST serves at its root (``GET /``) is generated from that cache, so comparing it with
a fresh snapshot shows what the cache does not know yet.

>>> from pgprobe.catalog._model import Column, Relation, Snapshot
>>> snap = Snapshot(relations=(Relation("public", "tickets", "table", columns=(
...     Column("id", 1, "bigint", "int8"), Column("title", 2, "text", "text"))),))
>>> doc = {"definitions": {"tickets": {"properties": {"id": {}}}}, "paths": {"/tickets": {}}}
>>> report = staleness(snap, doc, schemas=["public"])
>>> report.missing_columns, report.stale
({'tickets': ['title']}, True)
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pgprobe._errors import InputError

RELOAD = "NOTIFY pgrst, 'reload schema';"
_FK_NOTE = re.compile(r"<fk table='([^']*)' column='([^']*)'/>")


@dataclass
class Staleness:
    """What the API's schema cache (its OpenAPI) lacks or still has, against the catalog."""

    missing_tables: list[str] = field(default_factory=list)
    """In the database (exposed schema) but not in the API."""
    extra_tables: list[str] = field(default_factory=list)
    """In the API but gone from the database."""
    missing_columns: dict[str, list[str]] = field(default_factory=dict)
    extra_columns: dict[str, list[str]] = field(default_factory=dict)
    missing_foreign_keys: list[str] = field(default_factory=list)
    """``table.column -> table.column`` foreign keys the API does not know."""
    missing_functions: list[str] = field(default_factory=list)
    extra_functions: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def stale(self) -> bool:
        return bool(self.missing_tables or self.extra_tables or self.missing_columns or
                    self.extra_columns or self.missing_foreign_keys or self.missing_functions
                    or self.extra_functions)

    @property
    def fix(self) -> str | None:
        """The statement that makes PostgREST reload its schema cache."""
        return RELOAD if self.stale else None

    def __str__(self) -> str:
        if not self.stale:
            return "the API's schema cache matches the catalog"
        lines = ["the API's schema cache is stale:"]
        for t in self.missing_tables:
            lines.append(f"  table {t} is in the database but not in the API (PGRST205)")
        for t in self.extra_tables:
            lines.append(f"  table {t} is in the API but no longer in the database")
        for t, cols in self.missing_columns.items():
            lines.append(f"  {t}: columns not in the API (PGRST204): {', '.join(cols)}")
        for t, cols in self.extra_columns.items():
            lines.append(f"  {t}: columns dropped since: {', '.join(cols)}")
        for fk in self.missing_foreign_keys:
            lines.append(f"  foreign key not in the API (embeds give PGRST200): {fk}")
        for f in self.missing_functions:
            lines.append(f"  function not in the API (PGRST202): {f}")
        for f in self.extra_functions:
            lines.append(f"  function in the API but gone: {f}")
        lines.extend(f"  note: {n}" for n in self.notes)
        lines.append(f"fix: {RELOAD}")
        return "\n".join(lines)


def load_openapi(source: Any, headers: dict[str, str] | None = None) -> dict[str, Any]:
    """An OpenAPI document: a dict, a JSON file, or the API root URL (``GET /``)."""
    if isinstance(source, dict):
        return source
    text = str(source)
    if text.startswith(("http://", "https://")):
        from urllib.request import Request, urlopen

        req = Request(text, headers={"Accept": "application/openapi+json", **(headers or {})})
        try:
            with urlopen(req, timeout=15) as resp:  # noqa: S310 - the user's own API URL
                return dict(json.loads(resp.read()))
        except (OSError, ValueError) as e:
            raise InputError(f"cannot read the OpenAPI description at {text}: {e}",
                             hint="is the URL the API root and the apikey header right?") from None
    try:
        return dict(json.loads(Path(text).read_text()))
    except (OSError, ValueError) as e:
        raise InputError(f"cannot read an OpenAPI document from {text}: {e}") from None


def staleness(snapshot: Any, openapi: Any, *, schemas: list[str] | tuple[str, ...] = ("public",),
              headers: dict[str, str] | None = None) -> Staleness:
    """Compare an API's OpenAPI description (its schema cache) with a catalog snapshot.

    Only the first exposed schema is described by PostgREST's root endpoint (others need an
    ``Accept-Profile`` header), so ``schemas[0]`` is compared.
    """
    doc = load_openapi(openapi, headers)
    schema = schemas[0]
    out = Staleness()
    defs: dict[str, Any] = doc.get("definitions") or doc.get("components", {}).get("schemas", {})
    paths = doc.get("paths", {})
    db_rels = {r.name: r for r in snapshot.relations if r.schema == schema
               and not r.partition_of}
    api_tables = set(defs) | {p.strip("/") for p in paths if p.count("/") == 1 and p != "/"}
    out.missing_tables = sorted(set(db_rels) - api_tables)
    out.extra_tables = sorted(api_tables - set(db_rels))
    for name in sorted(set(db_rels) & set(defs)):
        props = defs[name].get("properties", {}) or {}
        cols = [c.name for c in db_rels[name].columns]
        missing = [c for c in cols if c not in props]
        extra = [c for c in props if c not in cols]
        if missing:
            out.missing_columns[name] = missing
        if extra:
            out.extra_columns[name] = extra
        known_fks = {(col, t, c) for col, p in props.items()
                     for t, c in _FK_NOTE.findall(str(p.get("description", "")))}
        for con in db_rels[name].foreign_keys:
            if len(con.columns) != 1 or con.ref_schema != schema or con.columns[0] not in props:
                continue
            key = (con.columns[0], con.ref_table, con.ref_columns[0])
            if key not in known_fks:
                out.missing_foreign_keys.append(
                    f"{name}.{con.columns[0]} -> {con.ref_table}.{con.ref_columns[0]}"
                    f" ({con.name})")
    api_funcs = {p.split("/rpc/", 1)[1] for p in paths if p.startswith("/rpc/")}
    db_funcs = {f.name for f in snapshot.functions if f.schema == schema
                and f.kind == "function" and f.return_type != "trigger"}
    out.missing_functions = sorted(db_funcs - api_funcs)
    out.extra_functions = sorted(api_funcs - db_funcs)
    if out.missing_tables or out.missing_functions:
        out.notes.append("with openapi-mode follow-privileges the API only lists what the "
                         "requesting role may use: check grants before blaming the cache")
    return out
