"""Read the catalog into a Snapshot: one set-based query per object kind, sent in one pipeline.

The queries are the ``sql/*.sql`` files beside this module; each runs as is in ``psql`` (with
``%(schemas)s`` bound to a text array). Whatever the schema size, a snapshot costs the same
handful of round trips.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from importlib import resources
from typing import Any

import psycopg
from psycopg.rows import dict_row

from .._errors import CatalogError
from ._model import (
    Column,
    CompositeAttribute,
    CompositeType,
    Constraint,
    Domain,
    EnumType,
    Extension,
    Function,
    FunctionArg,
    Grant,
    Index,
    Migration,
    Policy,
    Publication,
    Relation,
    Role,
    Schema,
    Snapshot,
    Trigger,
    ViewColumnSource,
)

__all__ = ["snapshot", "SYSTEM_SCHEMAS", "SUPABASE_INTERNAL_SCHEMAS"]

SYSTEM_SCHEMAS = ("pg_catalog", "information_schema", "pg_toast")
SUPABASE_INTERNAL_SCHEMAS = (
    "auth", "storage", "realtime", "_realtime", "extensions", "graphql", "graphql_public",
    "vault", "pgsodium", "pgsodium_masks", "supabase_functions", "supabase_migrations", "net",
    "cron", "pgbouncer", "_analytics", "pgtle", "_supavisor", "pgmq", "tiger", "topology",
)
"""Listed in a snapshot but not expanded unless asked for by name."""

_KINDS = {"r": "table", "p": "partitioned_table", "v": "view", "m": "materialized_view",
          "f": "foreign_table"}
_CONSTRAINT_KINDS = {"p": "primary", "u": "unique", "f": "foreign", "c": "check", "x": "exclusion"}
_FK_ACTIONS = {"a": "no action", "r": "restrict", "c": "cascade", "n": "set null", "d": "set default"}
_MATCH = {"f": "full", "p": "partial", "s": "simple"}
_POLICY_COMMANDS = {"*": "all", "r": "select", "a": "insert", "w": "update", "d": "delete"}
_VOLATILITY = {"i": "immutable", "s": "stable", "v": "volatile"}
_FUNCTION_KINDS = {"f": "function", "p": "procedure", "a": "aggregate", "w": "window"}
_ARG_MODES = {"i": "in", "o": "out", "b": "inout", "v": "variadic", "t": "table"}
_TYPE_KINDS = {"b": "base", "e": "enum", "d": "domain", "c": "composite", "r": "range",
               "m": "multirange", "p": "pseudo"}
_IDENTITY = {"a": "always", "d": "by_default"}

_QUERIES = ("server", "schemas", "relations", "columns", "constraints", "indexes", "triggers",
            "policies", "grants", "types", "functions", "publications", "extensions", "roles",
            "view_sources")


@cache
def query_text(name: str) -> str | None:
    """The text of ``sql/<name>.sql`` (None when that query is not shipped)."""
    path = resources.files(__package__) / "sql" / f"{name}.sql"
    try:
        return path.read_text()
    except FileNotFoundError:
        return None


def _choose_schemas(all_schemas: Iterable[str], schemas: Sequence[str] | None,
                    exclude: Sequence[str]) -> list[str]:
    if schemas:
        return [s for s in schemas if s not in exclude]
    return [s for s in all_schemas
            if s not in SUPABASE_INTERNAL_SCHEMAS and s not in exclude and s not in SYSTEM_SCHEMAS]


def _run_all(conn: psycopg.Connection[Any], schemas: list[str],
             progress: Callable[[str], None] | None) -> dict[str, list[dict[str, Any]]]:
    params = {"schemas": schemas}
    results: dict[str, list[dict[str, Any]]] = {}
    cursors: dict[str, psycopg.Cursor[Any]] = {}
    with conn.transaction(), conn.pipeline():
        # An empty search_path makes every name in definitions and types schema-qualified,
        # so the same database gives the same snapshot whatever the session's settings.
        conn.execute("select set_config('search_path', '', true)")
        for name in _QUERIES:
            text = query_text(name)
            if text is None:
                continue
            cur = conn.cursor(row_factory=dict_row)
            cur.execute(text, params if "%(schemas)s" in text else None)  # type: ignore[arg-type]
            cursors[name] = cur
    for name, cur in cursors.items():
        results[name] = cur.fetchall()
        if progress:
            progress(name)
    return results


def _migrations(conn: psycopg.Connection[Any]) -> tuple[Migration, ...] | None:
    exists = conn.execute(
        "select to_regclass('supabase_migrations.schema_migrations') is not null").fetchone()
    if not exists or not exists[0]:
        return None
    try:
        with conn.transaction():
            rows = conn.execute(
                "select row_to_json(m)::text from supabase_migrations.schema_migrations m"
            ).fetchall()
    except psycopg.errors.InsufficientPrivilege:
        return None
    out = []
    for (text,) in rows:
        row = json.loads(text)
        stmts = row.get("statements")
        out.append(Migration(version=str(row.get("version")), name=row.get("name"),
                             statements=tuple(stmts) if stmts is not None else None))
    return tuple(sorted(out, key=lambda m: m.version))


def _tgtype(bits: int) -> tuple[str, tuple[str, ...], str]:
    timing = "before" if bits & 2 else ("instead_of" if bits & 64 else "after")
    events = tuple(e for bit, e in ((4, "insert"), (8, "delete"), (16, "update"), (32, "truncate"))
                   if bits & bit)
    return timing, events, "row" if bits & 1 else "statement"


def build_snapshot(rows: dict[str, list[dict[str, Any]]], migrations: tuple[Migration, ...] | None,
                   expanded: Sequence[str], options: dict[str, Any]) -> Snapshot:
    """Assemble the Snapshot from the query rows (pure: no database access)."""
    by_oid: dict[str, dict[int, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for col in rows["columns"]:
        by_oid["columns"][col["oid"]].append(Column(
            name=col["name"], position=col["position"], type=col["type"],
            base_type=col["base_type"], type_schema=col["type_schema"],
            type_kind=_TYPE_KINDS.get(col["type_kind"], col["type_kind"]),
            array_dims=col["array_dims"], nullable=col["nullable"], default=col["default"],
            identity=_IDENTITY.get(col["identity"] or ""),  # type: ignore[arg-type]
            generated=col["generated"], comment=col["comment"], udt_name=col["udt_name"],
            updatable=col["updatable"], domain_base_type=col["domain_base_type"],
            domain_base_schema=col["domain_base_schema"],
            domain_not_null=col["domain_not_null"]))
    for con in rows["constraints"]:
        by_oid["constraints"][con["oid"]].append(Constraint(
            name=con["name"], kind=_CONSTRAINT_KINDS[con["kind"]],  # type: ignore[arg-type]
            columns=tuple(con["columns"]), definition=con["definition"],
            ref_schema=con["ref_schema"], ref_table=con["ref_table"],
            ref_columns=tuple(con["ref_columns"] or ()),
            on_update=_FK_ACTIONS.get(con["on_update"] or ""),
            on_delete=_FK_ACTIONS.get(con["on_delete"] or ""),
            match_type=_MATCH.get(con["match_type"] or ""), deferrable=con["deferrable"],
            initially_deferred=con["initially_deferred"], validated=con["validated"]))
    for idx in rows["indexes"]:
        by_oid["indexes"][idx["oid"]].append(Index(
            name=idx["name"], columns=tuple(idx["columns"]), definition=idx["definition"],
            unique=idx["unique"], primary=idx["primary"], predicate=idx["predicate"],
            method=idx["method"], valid=idx["valid"]))
    for trg in rows["triggers"]:
        timing, events, level = _tgtype(trg["tgtype"])
        by_oid["triggers"][trg["oid"]].append(Trigger(
            name=trg["name"], timing=timing, events=events, level=level,  # type: ignore[arg-type]
            function=trg["function"], definition=trg["definition"], enabled=trg["enabled"]))
    for pol in rows["policies"]:
        by_oid["policies"][pol["oid"]].append(Policy(
            name=pol["name"], command=_POLICY_COMMANDS[pol["command"]],  # type: ignore[arg-type]
            permissive=pol["permissive"], roles=tuple(pol["roles"]), using=pol["using"],
            with_check=pol["with_check"]))
    for gr in rows["grants"]:
        by_oid["grants"][gr["oid"]].append(Grant(
            grantee=gr["grantee"], privilege=gr["privilege"].lower(), grantable=gr["grantable"],
            column=gr["column"]))
    sources: dict[tuple[str, str], list[ViewColumnSource]] = defaultdict(list)
    for src in rows.get("view_sources", []):
        sources[(src["view_schema"], src["view_name"])].append(ViewColumnSource(
            column=src["view_column"], source_schema=src["source_schema"],
            source_table=src["source_table"], source_column=src["source_column"]))

    relations = []
    for rel in rows["relations"]:
        oid = rel["oid"]
        events = rel["updatable_events"] or 0
        relations.append(Relation(
            schema=rel["schema"], name=rel["name"], kind=_KINDS[rel["kind"]],  # type: ignore[arg-type]
            columns=tuple(sorted(by_oid["columns"].get(oid, ()), key=lambda c: c.position)),
            constraints=tuple(sorted(by_oid["constraints"].get(oid, ()), key=lambda c: c.name)),
            indexes=tuple(sorted(by_oid["indexes"].get(oid, ()), key=lambda i: i.name)),
            triggers=tuple(sorted(by_oid["triggers"].get(oid, ()), key=lambda t: t.name)),
            policies=tuple(sorted(by_oid["policies"].get(oid, ()), key=lambda p: p.name)),
            grants=tuple(sorted(by_oid["grants"].get(oid, ()),
                                key=lambda g: (g.column or "", g.grantee, g.privilege))),
            rls_enabled=rel["rls_enabled"], rls_forced=rel["rls_forced"],
            comment=rel["comment"], owner=rel["owner"], view_definition=rel["view_definition"],
            view_sources=tuple(sorted(sources.get((rel["schema"], rel["name"]), ()),
                                      key=lambda s: (s.column, s.source_schema, s.source_table,
                                                     s.source_column))),
            partition_of=rel["partition_of"], partition_bound=rel["partition_bound"],
            insertable=bool(events & 8), updatable=bool(events & 4), deletable=bool(events & 16)))
    relations.sort(key=lambda r: (r.schema, r.name))

    enums, domains, composites = [], [], []
    for t in rows["types"]:
        if t["kind"] == "e":
            enums.append(EnumType(t["schema"], t["name"], tuple(t["labels"]), t["comment"]))
        elif t["kind"] == "d":
            domains.append(Domain(t["schema"], t["name"], t["base_type"], t["nullable"],
                                  t["default"], tuple(t["checks"] or ())))
        else:
            attrs = tuple(CompositeAttribute(*json.loads(a)) for a in t["attributes"] or ())
            composites.append(CompositeType(t["schema"], t["name"], attrs))

    functions = []
    for f in rows["functions"]:
        names = list(f["arg_names"])
        types = list(f["arg_types"])
        modes = list(f["arg_modes"]) or ["i"] * len(types)
        n_in = sum(1 for m in modes if m in ("i", "b", "v"))
        first_default = n_in - f["nargdefaults"]
        args, in_index = [], 0
        for i, typ in enumerate(types):
            mode = modes[i] if i < len(modes) else "i"
            has_default = False
            if mode in ("i", "b", "v"):
                has_default = in_index >= first_default
                in_index += 1
            args.append(FunctionArg(
                name=names[i] if i < len(names) else "", type=typ,
                mode=_ARG_MODES[mode],  # type: ignore[arg-type]
                has_default=has_default, type_schema=f["arg_type_schemas"][i],
                base_type=f["arg_udt_names"][i]))
        grants = tuple(sorted((Grant(g[0], g[1].lower(), g[2])
                               for g in (json.loads(x) for x in f["grants"] or ())),
                              key=lambda g: (g.grantee, g.privilege)))
        functions.append(Function(
            schema=f["schema"], name=f["name"], identity_args=f["identity_args"],
            args=tuple(args), return_type=f["return_type"], returns_set=f["returns_set"],
            return_type_relation=f["return_type_relation"],
            return_type_kind=_TYPE_KINDS.get(f["return_type_kind"], f["return_type_kind"]),
            language=f["language"], volatility=_VOLATILITY[f["volatility"]],  # type: ignore[arg-type]
            security_definer=f["security_definer"],
            kind=_FUNCTION_KINDS[f["kind"]],  # type: ignore[arg-type]
            comment=f["comment"], definition=f["definition"], owner=f["owner"], grants=grants,
            config=tuple(f["config"]), rows=float(f["rows"] or 0), arguments=f["arguments"],
            result=f["result"] or "", return_udt_name=f["return_udt_name"],
            return_type_schema=f["return_type_schema"]))
    functions.sort(key=lambda fn: (fn.schema, fn.name, fn.identity_args))

    server = rows["server"][0]
    expanded_set = set(expanded)
    return Snapshot(
        server_version=server["server_version"],
        server_version_num=server["server_version_num"],
        database=server["database"],
        schemas=tuple(Schema(s["name"], s["owner"], s["comment"], s["name"] in expanded_set)
                      for s in rows["schemas"]),
        relations=tuple(relations),
        enums=tuple(sorted(enums, key=lambda e: (e.schema, e.name))),
        domains=tuple(sorted(domains, key=lambda d: (d.schema, d.name))),
        composite_types=tuple(sorted(composites, key=lambda c: (c.schema, c.name))),
        functions=tuple(functions),
        publications=tuple(sorted(
            (Publication(p["name"], p["all_tables"], tuple(p["tables"]), tuple(p["actions"]))
             for p in rows["publications"]), key=lambda p: p.name)),
        extensions=tuple(sorted((Extension(e["name"], e["schema"], e["version"])
                                 for e in rows["extensions"]), key=lambda e: e.name)),
        roles=tuple(sorted((Role(r["name"], r["superuser"], r["can_login"], r["bypass_rls"],
                                 r["inherit"], tuple(r["member_of"])) for r in rows["roles"]),
                           key=lambda r: r.name)),
        migrations=migrations,
        options=options,
    )


def snapshot(source: Any = None, schemas: Sequence[str] | None = None, *,
             exclude_schemas: Sequence[str] = (),
             progress: Callable[[str], None] | None = None) -> Snapshot:
    """Read the catalog of a database into one immutable :class:`Snapshot`.

    ``source`` is anything :func:`pgprobe.connect` accepts (a DSN, a Probe, a psycopg
    connection, a SQLAlchemy Engine, or None for the environment). ``schemas`` lists the
    schemas to expand; by default every non-system schema except Supabase's internal ones
    (``auth``, ``storage``, ...), which are still listed.

    >>> import pgprobe                                          # doctest: +SKIP
    >>> snap = pgprobe.snapshot("postgresql://postgres@/pgprobe_demo?host=/tmp/sock")  # doctest: +SKIP
    >>> snap.table("public.tickets").column("title").type      # doctest: +SKIP
    'text'
    """
    from ..connect import Probe, connect

    probe = source if isinstance(source, Probe) else connect(source)
    conn = probe.conn
    try:
        all_schemas = [r[0] for r in conn.execute(query_text("schemas") or "").fetchall()]
        expanded = _choose_schemas(all_schemas, schemas, exclude_schemas)
        missing = [s for s in (schemas or ()) if s not in all_schemas]
        if missing:
            from .._errors import NotFoundError
            from ._model import suggest

            hints = suggest(missing[0], all_schemas)
            raise NotFoundError(
                f"no schema {missing[0]} in database {conn.info.dbname}"
                + (f"; did you mean {' or '.join(hints)}?" if hints else ""), suggestions=hints)
        rows = _run_all(conn, expanded, progress)
        migrations = _migrations(conn)
    except psycopg.Error as exc:
        from ..connect import _explain_query_error

        err = _explain_query_error(exc)
        raise CatalogError(f"cannot read the catalog: {err.message}", hint=err.hint) from None
    finally:
        if probe is not source:
            probe.close()
    options = {"schemas": list(expanded), "requested_schemas": list(schemas or []),
               "exclude_schemas": list(exclude_schemas)}
    return build_snapshot(rows, migrations, expanded, options)
