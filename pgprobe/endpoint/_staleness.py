"""Is a PostgREST schema cache stale? Its OpenAPI description next to the catalog.

PostgREST (and Supabase's API) keeps a schema cache: a column, table or foreign key added
after the last reload is unknown to it (``PGRST204``/``PGRST200``/``42P01``-style errors) until
``NOTIFY pgrst, 'reload schema'``. The endpoint's ``GET /`` shows what the cache holds, so
comparing it with the OpenAPI pgprobe derives from a fresh snapshot says what is stale.

>>> from pgprobe.catalog._model import Column, Relation, Snapshot
>>> from pgprobe.endpoint import openapi_from_snapshot
>>> old = Snapshot(relations=(Relation("public", "t", "table",
...                                    columns=(Column("id", 1, "bigint", "int8"),)),))
>>> new = Snapshot(relations=(Relation("public", "t", "table",
...     columns=(Column("id", 1, "bigint", "int8"), Column("title", 2, "text", "text"))),))
>>> report = compare_openapi(openapi_from_snapshot(old), new)
>>> print(report.to_text().splitlines()[1])
  new column       public.t.title: the endpoint does not know it (database: text)
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pgprobe._errors import InputError
from pgprobe.catalog._model import Snapshot
from pgprobe.openapi import openapi_from_snapshot, pgrst_type

from ._http import DEFAULT_TIMEOUT, _shown, fetch, join_url

__all__ = ["COLUMNS", "Change", "StalenessReport", "compare_openapi", "staleness"]

RELOAD_SQL = "NOTIFY pgrst, 'reload schema';"
COLUMNS = ["kind", "object", "endpoint", "database", "detail"]
_FK = re.compile(r"<fk table='([^']*)' column='([^']*)'/>")
_QUAL = re.compile(r'^(?:"(?:[^"]|"")+"|[^".\s]+)\.')

_KIND_TEXT = {
    "new relation": "the endpoint does not know it",
    "dropped relation": "the endpoint still serves it; it no longer exists",
    "new column": "the endpoint does not know it",
    "dropped column": "the endpoint still lists it; it no longer exists",
    "type changed": "the endpoint has the old type",
    "new relationship": "the endpoint cannot embed through it yet (PGRST200)",
    "dropped relationship": "the endpoint still embeds through it; it no longer exists",
    "new function": "the endpoint does not know it (PGRST202)",
    "dropped function": "the endpoint still lists it; it no longer exists",
    "arguments changed": "the endpoint has the old arguments (PGRST202 for the new ones)",
}


@dataclass(frozen=True)
class Change:
    """One thing the endpoint's schema cache and the catalog disagree on."""

    kind: str
    object: str
    """Qualified name: ``public.tickets``, ``public.tickets.title``, ``public.f()``."""
    endpoint: str | None = None
    """What the endpoint says (type, FK target), ``None`` when it does not know the object."""
    database: str | None = None
    """What the catalog says, ``None`` when the object no longer exists."""

    @property
    def detail(self) -> str:
        return _KIND_TEXT.get(self.kind, "")

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "object": self.object, "endpoint": self.endpoint,
                "database": self.database, "detail": self.detail}

    def line(self) -> str:
        vals = []
        if self.endpoint is not None:
            vals.append(f"endpoint: {self.endpoint}")
        if self.database is not None:
            vals.append(f"database: {self.database}")
        extra = f" ({', '.join(vals)})" if vals else ""
        return f"{self.kind:<16} {self.object}: {self.detail}{extra}"


@dataclass
class StalenessReport:
    """What the endpoint's schema cache misses or still holds; empty = up to date."""

    endpoint: str
    schema: str
    changes: list[Change] = field(default_factory=list)
    supabase: bool = False

    def __bool__(self) -> bool:
        return bool(self.changes)

    def __len__(self) -> int:
        return len(self.changes)

    def __iter__(self) -> Any:
        return iter(self.changes)

    @property
    def up_to_date(self) -> bool:
        return not self.changes

    @property
    def fix(self) -> str | None:
        """The SQL that reloads PostgREST's schema cache, ``None`` when nothing is stale."""
        return RELOAD_SQL if self.changes else None

    @property
    def fix_text(self) -> str:
        if not self.changes:
            return "Nothing to do."
        where = ("run it in the Supabase SQL editor (or psql on the project database)"
                 if self.supabase else "run it on the database PostgREST serves")
        return (f"Fix: {RELOAD_SQL}  -- {where}; PostgREST reloads its schema cache. If the "
                "changes stay, check that the objects are in db-schemas and granted to the "
                "API role (missing privileges hide them too).")

    def summary(self) -> str:
        if not self.changes:
            return f"{self.endpoint} ({self.schema}): schema cache up to date"
        n = len(self.changes)
        return (f"{self.endpoint} ({self.schema}): schema cache stale, "
                f"{n} difference{'s' if n != 1 else ''}")

    # -- renderings ----------------------------------------------------------------------
    def to_records(self) -> list[dict[str, Any]]:
        return [c.to_dict() for c in self.changes]

    def to_frame(self) -> Any:
        """The differences as a pandas DataFrame (one row each)."""
        import pandas as pd

        return pd.DataFrame(self.to_records(), columns=COLUMNS)

    frame = to_frame

    def to_text(self) -> str:
        lines = [self.summary()]
        lines += [f"  {c.line()}" for c in self.changes]
        if self.changes:
            lines.append(self.fix_text)
        return "\n".join(lines)

    def to_markdown(self) -> str:
        def cell(s: object) -> str:
            return "" if s is None else str(s).replace("|", "\\|").replace("\n", " ")

        out = [f"**{cell(self.summary())}**", ""]
        if self.changes:
            out += ["| kind | object | endpoint | database | detail |", "|---|---|---|---|---|"]
            out += [f"| {c.kind} | `{cell(c.object)}` | {cell(c.endpoint)} | "
                    f"{cell(c.database)} | {cell(c.detail)} |" for c in self.changes]
            out += ["", "```sql", RELOAD_SQL, "```", "", cell(self.fix_text)]
        return "\n".join(out)

    def _repr_html_(self) -> str:
        from .._html import box, note, table

        if not self.changes:
            return box(note(self.summary(), "ok"), "pgprobe-endpoint")
        rows = [(c.kind, f"<code>{html.escape(c.object)}</code>", html.escape(c.endpoint or ""),
                 html.escape(c.database or ""), html.escape(c.detail)) for c in self.changes]
        return box(note(self.summary(), "error")
                   + table(rows, ["kind", "object", "endpoint", "database", "detail"],
                           max_rows=200, raw_columns=(1, 2, 3, 4))
                   + f"<p>Fix: <code>{html.escape(RELOAD_SQL)}</code></p>", "pgprobe-endpoint")

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        return f"<StalenessReport {self.summary()}>"


# -- comparison ----------------------------------------------------------------------------
def _plain_type(t: str | None) -> str | None:
    return _QUAL.sub("", t) if t else t


def _rpc_args(item: Any) -> tuple[str, ...]:
    """Argument names of an ``/rpc/<fn>`` path item (its POST body schema)."""
    post = item.get("post") if isinstance(item, dict) else None
    for param in (post or {}).get("parameters") or ():
        if isinstance(param, dict) and param.get("in") == "body":
            props = (param.get("schema") or {}).get("properties") or {}
            return tuple(props) if isinstance(props, dict) else ()
    return ()


def _model(doc: Any, where: str
           ) -> tuple[dict[str, dict[str, dict[str, Any]]], dict[str, tuple[str, ...]]]:
    """``({relation: {column: {"type": ..., "fk": ...}}}, {function: argument names})``."""
    if not isinstance(doc, dict) or not isinstance(doc.get("paths", {}), dict):
        raise InputError(f"{where} is not a PostgREST OpenAPI description",
                         hint="GET the API root with Accept: application/openapi+json")
    defs = doc.get("definitions") or {}
    if not isinstance(defs, dict):
        raise InputError(f"{where}: 'definitions' is not an object")
    relations: dict[str, dict[str, dict[str, Any]]] = {}
    for name, d in defs.items():
        cols: dict[str, dict[str, Any]] = {}
        props = (d or {}).get("properties") or {} if isinstance(d, dict) else {}
        for col, p in props.items():
            p = p if isinstance(p, dict) else {}
            m = _FK.search(str(p.get("description") or ""))
            cols[col] = {"type": p.get("format") or p.get("type"),
                         "fk": f"{m.group(1)}.{m.group(2)}" if m else None}
        relations[name] = cols
    functions = {p[len("/rpc/"):]: _rpc_args(item) for p, item in doc.get("paths", {}).items()
                 if p.startswith("/rpc/")}
    return relations, functions


def _diff(schema: str, endpoint: Any, database: Any, where: str,
          types: dict[tuple[str, str], str] | None = None) -> list[Change]:
    e_rel, e_fn = _model(endpoint, where)
    d_rel, d_fn = _model(database, "the catalog")
    # the OpenAPI says int32/int64 for integer types: show the catalog's own name
    for rel, cols in d_rel.items():
        for col, info in cols.items():
            info["shown"] = (types or {}).get((rel, col)) or info["type"]
    out: list[Change] = []
    for name in sorted(set(d_rel) | set(e_rel)):
        q = f"{schema}.{name}"
        if name not in e_rel:
            out.append(Change("new relation", q, None, f"{len(d_rel[name])} columns"))
            for col, info in d_rel[name].items():
                if info["fk"]:
                    out.append(Change("new relationship", f"{q}.{col}", None,
                                      f"FK to {info['fk']}"))
            continue
        if name not in d_rel:
            out.append(Change("dropped relation", q, f"{len(e_rel[name])} columns", None))
            continue
        ecols, dcols = e_rel[name], d_rel[name]
        for col in list(dcols) + [c for c in ecols if c not in dcols]:
            qc = f"{q}.{col}"
            e, d = ecols.get(col), dcols.get(col)
            if e is None and d is not None:
                out.append(Change("new column", qc, None, d["shown"]))
            elif d is None and e is not None:
                out.append(Change("dropped column", qc, e["type"], None))
                if e["fk"]:
                    out.append(Change("dropped relationship", qc, f"FK to {e['fk']}", None))
                continue
            elif e is not None and d is not None and \
                    _plain_type(e["type"]) != _plain_type(d["type"]):
                out.append(Change("type changed", qc, e["type"], d["shown"]))
            assert d is not None
            efk = e["fk"] if e is not None else None
            if d["fk"] != efk:
                if d["fk"]:
                    out.append(Change("new relationship", qc,
                                      f"FK to {efk}" if efk else None, f"FK to {d['fk']}"))
                else:
                    out.append(Change("dropped relationship", qc, f"FK to {efk}", None))
    for fn in sorted(set(d_fn) | set(e_fn)):
        q = f"{schema}.{fn}()"
        if fn not in e_fn:
            out.append(Change("new function", q, None, "exists"))
        elif fn not in d_fn:
            out.append(Change("dropped function", q, "listed", None))
        elif sorted(e_fn[fn]) != sorted(d_fn[fn]):
            out.append(Change("arguments changed", q, ", ".join(e_fn[fn]) or "(none)",
                              ", ".join(d_fn[fn]) or "(none)"))
    return out


def compare_openapi(endpoint_doc: Any, snapshot: Snapshot, *, schema: str = "public",
                    role: str | None = None, endpoint: str = "endpoint",
                    supabase: bool = False) -> StalenessReport:
    """Compare an OpenAPI document (what the endpoint serves) with a snapshot."""
    local = openapi_from_snapshot(snapshot, [schema], role=role)
    types = {(r.name, c.name): pgrst_type(c) for r in snapshot.relations if r.schema == schema
             for c in r.columns}
    return StalenessReport(endpoint, schema,
                           _diff(schema, endpoint_doc, local, endpoint, types), supabase)


def _snapshot(snapshot_or_dsn: Any, schema: str) -> Snapshot:
    if isinstance(snapshot_or_dsn, Snapshot):
        return snapshot_or_dsn
    from pgprobe.catalog import snapshot

    return snapshot(snapshot_or_dsn, schemas=[schema])


def fetch_openapi(endpoint_url: str, *, schema: str = "public",
                  headers: dict[str, str] | None = None,
                  timeout: float = DEFAULT_TIMEOUT) -> Any:
    """``GET /`` of the endpoint with ``Accept: application/openapi+json`` (and
    ``Accept-Profile`` for a schema other than ``public``)."""
    hdrs = {"Accept": "application/openapi+json, application/json"}
    if schema != "public":
        hdrs["Accept-Profile"] = schema
    hdrs.update(headers or {})
    url = join_url(endpoint_url, "/")
    answer = fetch(url, headers=hdrs, timeout=timeout, raise_for_status=True)
    return answer.json()


def staleness(endpoint_url: str, snapshot_or_dsn: Any, *, schema: str = "public",
              headers: dict[str, str] | None = None, role: str | None = None,
              timeout: float = DEFAULT_TIMEOUT) -> StalenessReport:
    """What the endpoint's schema cache does not know yet (or still holds).

    ``endpoint_url`` is the API root (Supabase: ``https://<project>.supabase.co/rest/v1/``,
    with ``headers={"apikey": key, "Authorization": f"Bearer {key}"}``); ``snapshot_or_dsn``
    is a fresh :class:`Snapshot` or a DSN to take one from. ``role`` hides what the role
    cannot see, as PostgREST's OpenAPI does (use the role the endpoint answers as).

    >>> report = staleness("http://127.0.0.1:3000", snap)    # doctest: +SKIP
    >>> print(report.fix)                                   # doctest: +SKIP
    NOTIFY pgrst, 'reload schema';
    """
    doc = fetch_openapi(endpoint_url, schema=schema, headers=headers, timeout=timeout)
    snap = _snapshot(snapshot_or_dsn, schema)
    supabase = "supabase" in endpoint_url or "/rest/v1" in endpoint_url
    return compare_openapi(doc, snap, schema=schema, role=role, endpoint=_shown(endpoint_url),
                           supabase=supabase)


def relations_in(doc: Any) -> Sequence[str]:
    """Names of the relations an OpenAPI description lists."""
    return sorted((doc or {}).get("definitions") or {})
