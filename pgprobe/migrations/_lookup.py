"""Read just the named objects of a live database into a partial Snapshot.

Rehearsal checks each file's declared objects right after the file ran; reading the whole
catalog after every file would dominate the run on big schemas, so only the relations,
types and functions the file names are read (plus the small global lists), in one round
trip (``sql/lookup.sql`` returns one JSON document).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from importlib import resources
from typing import Any

import psycopg

from ..catalog._model import (
    Column,
    CompositeType,
    Constraint,
    Domain,
    EnumType,
    Extension,
    Function,
    Grant,
    Index,
    Policy,
    Publication,
    Relation,
    Schema,
    Snapshot,
    Trigger,
)
from ._declared import Declared


@cache
def _sql() -> str:
    return resources.files("pgprobe.migrations").joinpath("sql", "lookup.sql").read_text()


def _pairs(qualified: Iterable[str]) -> tuple[list[str], list[str]]:
    """Parallel (schemas, names) from ``schema.name`` strings."""
    schemas, names = [], []
    for q in sorted(set(qualified)):
        schema, _, name = q.partition(".")
        if name:
            schemas.append(schema)
            names.append(name)
    return schemas, names


def names_to_read(declared: Iterable[Declared]) -> tuple[set[str], set[str], set[str]]:
    """(relations, types, functions) that the declared objects live in."""
    rels: set[str] = set()
    types: set[str] = set()
    funcs: set[str] = set()
    for d in declared:
        if d.kind in ("table", "view"):
            rels.add(d.name)
        elif d.relation and d.relation != "*":
            rels.add(d.relation)
        if d.kind == "type":
            types.add(d.name)
        elif d.kind == "function":
            funcs.add(d.name)
    return rels, types, funcs


def lookup(
    conn: psycopg.Connection[Any],
    relations: Iterable[str] = (),
    types: Iterable[str] = (),
    functions: Iterable[str] = (),
) -> Snapshot:
    """A Snapshot holding only the named relations, types and functions (and all schemas,
    extensions and publications). ``snap.options["history"]`` says whether
    ``supabase_migrations.schema_migrations`` exists."""
    rs, rn = _pairs(relations)
    ts, tn = _pairs(types)
    fs, fn = _pairs(functions)
    params = {"rel_schemas": rs, "rel_names": rn, "type_schemas": ts, "type_names": tn,
              "fn_schemas": fs, "fn_names": fn}
    row = conn.execute(_sql(), params).fetchone()  # type: ignore[arg-type]
    doc: dict[str, Any] = row[0] if row else {}
    per: dict[int, dict[str, list[Any]]] = {
        r["oid"]: {k: [] for k in ("columns", "constraints", "indexes", "policies", "grants",
                                   "triggers")}
        for r in doc.get("relations", [])
    }
    for r in doc.get("columns", []):
        per[r["oid"]]["columns"].append(Column(
            name=r["name"], position=r["position"], type=r["type"], base_type=r["udt_name"],
            nullable=r["nullable"], udt_name=r["udt_name"]))
    for r in doc.get("constraints", []):
        per[r["oid"]]["constraints"].append(Constraint(
            name=r["name"], kind=r["kind"], columns=tuple(r["columns"]),
            ref_schema=r["ref_schema"], ref_table=r["ref_table"]))
    for r in doc.get("indexes", []):
        per[r["oid"]]["indexes"].append(Index(
            name=r["name"], columns=tuple(r["columns"]), definition="", unique=r["unique"],
            primary=r["primary"]))
    for r in doc.get("policies", []):
        per[r["oid"]]["policies"].append(Policy(
            name=r["name"], command=r["command"], permissive=r["permissive"],
            roles=tuple(r["roles"])))
    for r in doc.get("grants", []):
        per[r["oid"]]["grants"].append(Grant(
            grantee=r["grantee"], privilege=r["privilege"], grantable=r["grantable"],
            column=r["column_name"]))
    for r in doc.get("triggers", []):
        per[r["oid"]]["triggers"].append(Trigger(
            name=r["name"], timing="after", events=(), level="row", function="", definition=""))
    rels = tuple(
        Relation(
            schema=r["schema"], name=r["name"], kind=r["kind"],
            columns=tuple(sorted(per[r["oid"]]["columns"], key=lambda c: c.position)),
            constraints=tuple(per[r["oid"]]["constraints"]),
            indexes=tuple(per[r["oid"]]["indexes"]),
            policies=tuple(per[r["oid"]]["policies"]),
            grants=tuple(per[r["oid"]]["grants"]),
            triggers=tuple(per[r["oid"]]["triggers"]),
            rls_enabled=r["rls_enabled"], rls_forced=r["rls_forced"],
        )
        for r in doc.get("relations", [])
    )
    types_rows = doc.get("types", [])
    return Snapshot(
        schemas=tuple(Schema(name=s) for s in doc.get("schemas", [])),
        relations=rels,
        enums=tuple(EnumType(schema=t["schema"], name=t["name"], labels=tuple(t["labels"] or ()))
                    for t in types_rows if t["kind"] == "enum"),
        domains=tuple(Domain(schema=t["schema"], name=t["name"], base_type=t["base_type"] or "")
                      for t in types_rows if t["kind"] == "domain"),
        composite_types=tuple(CompositeType(schema=t["schema"], name=t["name"], attributes=())
                              for t in types_rows if t["kind"] not in ("enum", "domain")),
        functions=tuple(
            Function(schema=f["schema"], name=f["name"], identity_args=f["identity_args"],
                     args=(), return_type=f["return_type"], kind=f["kind"],
                     language=f["language"])
            for f in doc.get("functions", [])),
        publications=tuple(Publication(name=p["name"], all_tables=p["all_tables"],
                                       tables=tuple(p["tables"]))
                           for p in doc.get("publications", [])),
        extensions=tuple(Extension(name=e["name"], schema=e["schema"], version=e["version"])
                         for e in doc.get("extensions", [])),
        options={"partial": True, "history": bool(doc.get("history"))},
    )


def lookup_declared(conn: psycopg.Connection[Any], declared: Iterable[Declared]) -> Snapshot:
    items = list(declared)
    rels, types, funcs = names_to_read(items)
    return lookup(conn, rels, types, funcs)
