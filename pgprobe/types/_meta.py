"""The facts the TypeScript generator reads, shaped like postgres-meta's generator metadata.

Built from a pgprobe :class:`~pgprobe.catalog.Snapshot` by :func:`from_snapshot`
(``_from_snapshot.py``); :func:`from_pgmeta_json` reads the JSON postgrest-typegen's
``introspect()`` returns, which lets tests check the printer alone against postgres-meta.
Type ids are opaque integers: the only ones with a meaning are json (114), jsonb (3802)
and text (25), which PostgREST accepts as a single unnamed function argument.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

JSON_OID, JSONB_OID, TEXT_OID = 114, 3802, 25
UNNAMED_ARG_TYPES = frozenset({JSON_OID, JSONB_OID, TEXT_OID})


@dataclass(slots=True)
class TgType:
    id: int
    name: str
    schema: str
    format: str = ""
    enums: list[str] = field(default_factory=list)
    attributes: list[tuple[str, int]] = field(default_factory=list)
    type_relation_id: int | None = None


@dataclass(slots=True)
class TgRelation:
    id: int
    schema: str
    name: str
    kind: str  # table | foreign_table | view | materialized_view
    is_updatable: bool = False
    is_insert_enabled: bool = False
    is_update_enabled: bool = False


@dataclass(slots=True)
class TgColumn:
    table_id: int
    schema: str
    table: str
    name: str
    format: str
    type_schema: str
    is_nullable: bool = True
    is_identity: bool = False
    identity_generation: str | None = None  # ALWAYS | BY DEFAULT
    is_generated: bool = False
    has_default: bool = False
    is_updatable: bool = True


@dataclass(slots=True)
class TgRelationship:
    foreign_key_name: str
    schema: str
    relation: str
    columns: list[str] | None
    """``None`` where postgres-meta's query yields null (schemas whose names need quotes)."""
    is_one_to_one: bool
    referenced_schema: str
    referenced_relation: str
    referenced_columns: list[str] | None


@dataclass(slots=True)
class TgArg:
    mode: str  # in | out | inout | variadic | table
    name: str
    type_id: int
    has_default: bool = False


@dataclass(slots=True)
class TgFunction:
    id: int
    schema: str
    name: str
    args: list[TgArg]
    argument_types: str
    identity_argument_types: str
    return_type_id: int
    return_type: str
    return_type_relation_id: int | None = None
    is_set_returning_function: bool = False
    prorows: float | None = None


@dataclass(slots=True)
class TgMeta:
    schemas: list[str]
    tables: list[TgRelation]
    foreign_tables: list[TgRelation]
    views: list[TgRelation]
    materialized_views: list[TgRelation]
    columns: list[TgColumn]
    relationships: list[TgRelationship]
    functions: list[TgFunction]
    types: list[TgType]


def from_pgmeta_json(data: dict[str, Any]) -> TgMeta:
    """Read postgrest-typegen's ``GeneratorMetadata`` JSON (already sorted)."""

    def rel(r: dict[str, Any], kind: str) -> TgRelation:
        return TgRelation(
            id=r["id"], schema=r["schema"], name=r["name"], kind=kind,
            is_updatable=bool(r.get("is_updatable", False)),
            is_insert_enabled=bool(r.get("is_insert_enabled", r.get("is_updatable", False))),
            is_update_enabled=bool(r.get("is_update_enabled", r.get("is_updatable", False))),
        )

    return TgMeta(
        schemas=[s["name"] for s in data["schemas"]],
        tables=[rel(r, "table") for r in data["tables"]],
        foreign_tables=[rel(r, "foreign_table") for r in data["foreignTables"]],
        views=[rel(r, "view") for r in data["views"]],
        materialized_views=[rel(r, "materialized_view") for r in data["materializedViews"]],
        columns=[
            TgColumn(
                table_id=c["table_id"], schema=c["schema"], table=c["table"], name=c["name"],
                format=c["format"], type_schema=c["type_schema"], is_nullable=c["is_nullable"],
                is_identity=c["is_identity"], identity_generation=c["identity_generation"],
                is_generated=c["is_generated"], has_default=c["default_value"] is not None,
                is_updatable=c["is_updatable"],
            )
            for c in data["columns"]
        ],
        relationships=[
            TgRelationship(
                r["foreign_key_name"], r["schema"], r["relation"],
                None if r["columns"] is None else list(r["columns"]),
                bool(r["is_one_to_one"]), r["referenced_schema"], r["referenced_relation"],
                None if r["referenced_columns"] is None else list(r["referenced_columns"]),
            )
            for r in data["relationships"]
        ],
        functions=[
            TgFunction(
                id=f["id"], schema=f["schema"], name=f["name"],
                args=[TgArg(a["mode"], a["name"], a["type_id"], a["has_default"]) for a in f["args"]],
                argument_types=f["argument_types"],
                identity_argument_types=f["identity_argument_types"],
                return_type_id=f["return_type_id"], return_type=f["return_type"],
                return_type_relation_id=f["return_type_relation_id"],
                is_set_returning_function=f["is_set_returning_function"],
                prorows=f["prorows"],
            )
            for f in data["functions"]
        ],
        types=[
            TgType(
                id=t["id"], name=t["name"], schema=t["schema"], format=t["format"],
                enums=list(t["enums"]),
                attributes=[(a["name"], a["type_id"]) for a in t["attributes"]],
                type_relation_id=t["type_relation_id"],
            )
            for t in data["types"]
        ],
    )
