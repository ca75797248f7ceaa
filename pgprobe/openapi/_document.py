"""The OpenAPI (Swagger 2.0) document PostgREST serves at ``GET /``, built from a Snapshot.

Matches the shape and wording of PostgREST's ``Response/OpenAPI.hs``: one definition per
table/view (properties with type/format/maxLength/enum/default, ``required``, PK/FK notes in
the descriptions), one path per relation and ``/rpc/<function>``.

>>> from pgprobe.catalog._model import Column, Constraint, Relation, Snapshot
>>> t = Relation("public", "t", "table", columns=(Column("id", 1, "integer", "int4",
...              nullable=False),), constraints=(Constraint("t_pkey", "primary", ("id",)),))
>>> doc = openapi_from_snapshot(Snapshot(relations=(t,)))
>>> doc["definitions"]["t"]["properties"]["id"]
{'description': 'Note:\\nThis is a Primary Key.<pk/>', 'format': 'int32', 'type': 'integer'}
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

from pgprobe.catalog._model import Column, Function, Relation, Snapshot

__all__ = ["openapi_from_snapshot", "pgrst_type", "swagger_type"]

_MIMES = ["application/json", "application/vnd.pgrst.object+json;nulls=stripped",
          "application/vnd.pgrst.object+json", "text/csv"]
_RPC_MIMES = _MIMES[:3]

# pg_type.typname -> format_type(oid, NULL) for the pg_catalog types whose names differ
_TYPNAMES = {
    "int2": "smallint", "int4": "integer", "int8": "bigint", "float4": "real",
    "float8": "double precision", "bool": "boolean", "varchar": "character varying",
    "bpchar": "character", "timestamptz": "timestamp with time zone",
    "timestamp": "timestamp without time zone", "timetz": "time with time zone",
    "time": "time without time zone", "varbit": "bit varying",
}
_TYPMOD = re.compile(r"\(\s*\d+(?:\s*,\s*\d+)?\s*\)")
_MAXLEN = re.compile(r"^(?:character varying|character|bit varying|bit)\((\d+)\)$")
# PostgREST reads its schema cache with the connection's default search_path
_VISIBLE_SCHEMAS = ("public", "pg_catalog")

_SWAGGER_TYPES = {
    "character varying": "string", "character": "string", "text": "string",
    "boolean": "boolean", "smallint": "integer", "integer": "integer", "bigint": "integer",
    "numeric": "number", "real": "number", "double precision": "number",
    "json": None, "jsonb": None,
}
_SWAGGER_FORMATS = {"smallint": "int32", "integer": "int32", "bigint": "int64"}


def swagger_type(pg_type: str) -> str | None:
    """PostgREST's ``toSwaggerType``: json/jsonb have none, arrays are ``array``, unknown
    types are strings.

    >>> swagger_type("bigint"), swagger_type("jsonb"), swagger_type("text[]"), swagger_type("uuid")
    ('integer', None, 'array', 'string')
    """
    if pg_type in _SWAGGER_TYPES:
        return _SWAGGER_TYPES[pg_type]
    return "array" if pg_type.endswith("[]") else "string"


def _swagger_format(pg_type: str) -> str:
    return _SWAGGER_FORMATS.get(pg_type, pg_type)


def _unqualify(type_text: str) -> str:
    for schema in _VISIBLE_SCHEMAS:
        prefix = schema + "."
        if type_text.startswith(prefix):
            return type_text[len(prefix):]
    return type_text


def _catalog_name(typname: str) -> str:
    if typname.startswith("_"):
        return _catalog_name(typname[1:]) + "[]"
    return _TYPNAMES.get(typname, typname)


def pgrst_type(col: Column) -> str:
    """The column type as PostgREST's schema cache spells it (``data_type``): built-in types
    without their modifier, domains over built-in types as their base type, other types as
    ``format_type`` prints them under the default search_path.

    >>> pgrst_type(Column("c", 1, "character varying(20)", "varchar"))
    'character varying'
    >>> pgrst_type(Column("s", 1, "public.ticket_status", "ticket_status", type_schema="public"))
    'ticket_status'
    """
    if col.type_kind == "domain" and col.domain_base_type:
        if (col.domain_base_schema or "pg_catalog") == "pg_catalog":
            return _catalog_name(col.domain_base_type)
        return _unqualify(col.type)
    if col.type_schema == "pg_catalog":
        return _TYPMOD.sub("", col.type)
    return _unqualify(col.type)


def _max_length(col: Column, snap: Snapshot) -> int | None:
    text = col.type
    if col.type_kind == "domain":
        dom = next((d for d in snap.domains
                    if d.name == col.base_type or d.qualified_name == col.type), None)
        if dom is not None:
            text = dom.base_type
    m = _MAXLEN.match(_unqualify(text))
    return int(m.group(1)) if m and not col.array_dims else None


def _enum_labels(col: Column, snap: Snapshot) -> list[str] | None:
    if col.array_dims:
        return None
    name = col.domain_base_type if col.type_kind == "domain" else col.base_type
    schema = col.domain_base_schema if col.type_kind == "domain" else col.type_schema
    for e in snap.enums:
        if e.name == name and e.schema == schema:
            return list(e.labels)
    return None


def _default(col: Column, ptype: str) -> Any:
    text = col.default
    if text is None or col.generated:
        return None
    if swagger_type(ptype) == "string":
        for suffix in ("::" + ptype, "::" + col.type):
            if text.endswith(suffix):
                text = text[: -len(suffix)].strip("'")
                break
        text = f'"{text}"'
    try:
        return json.loads(text)
    except ValueError:
        return None


def _fk_note(rel: Relation, col: str, rels: Sequence[Any]) -> str | None:
    ordered = sorted(rels, key=lambda r: bool(getattr(r, "foreign_table_is_view", False)))
    for r in ordered:
        card = getattr(r, "cardinality", None)
        to_one = card == "m2o" or (card == "o2o" and not r.is_parent)
        if to_one and [c for c, _ in r.columns] == [col]:
            table, fcol = r.foreign_table.name, r.columns[0][1]
            return (f"This is a Foreign Key to `{table}.{fcol}`."
                    f"<fk table='{table}' column='{fcol}'/>")
    return None


def _property(rel: Relation, col: Column, pk: Sequence[str], rels: Sequence[Any],
              snap: Snapshot) -> dict[str, Any]:
    ptype = pgrst_type(col)
    notes = ["Note:"]
    if col.name in pk:
        notes.append("This is a Primary Key.<pk/>")
    fk = _fk_note(rel, col.name, rels)
    if fk:
        notes.append(fk)
    desc = col.comment
    if len(notes) > 1:
        desc = (f"{col.comment}\n\n" if col.comment else "") + "\n".join(notes)
    prop: dict[str, Any] = {}
    default = _default(col, ptype)
    if default is not None:
        prop["default"] = default
    if desc is not None:
        prop["description"] = desc
    labels = _enum_labels(col, snap)
    if labels:
        prop["enum"] = labels
    prop["format"] = _swagger_format(ptype)
    maxlen = _max_length(col, snap)
    if maxlen is not None:
        prop["maxLength"] = maxlen
    stype = swagger_type(ptype)
    if stype is not None:
        prop["type"] = stype
    if stype == "array":
        inner = swagger_type(ptype[:-2])
        prop["items"] = {"type": inner} if inner is not None else {}
    return prop


def _split_description(text: str | None) -> tuple[str | None, str | None]:
    if text is None:
        return None, None
    summary, _, rest = text.partition("\n")
    rest = rest.lstrip("\n")
    return summary, (rest or None)


def _visible_roles(snap: Snapshot, role: str) -> set[str]:
    return set(snap.inherited_roles(role)) | {"public"}


def _is_superuser(snap: Snapshot, role: str) -> bool:
    return any(r.name == role and r.superuser for r in snap.roles)


def _relation_visible(rel: Relation, roles: set[str]) -> bool:
    # PostgREST's accessibleTables: owner, or any table privilege, or any column privilege
    return rel.owner in roles or any(g.grantee in roles for g in rel.grants)


def _function_visible(fn: Function, roles: set[str]) -> bool:
    if not fn.grants:  # a NULL ACL: the default, EXECUTE for PUBLIC
        return True
    return fn.owner in roles or any(
        g.grantee in roles and g.privilege.lower() == "execute" for g in fn.grants)


_CALLABLE_UNNAMED = {"bytea", "json", "jsonb", "text", "xml"}


def _in_args(fn: Function) -> list[Any]:
    return [a for a in fn.args if a.mode in ("in", "inout", "variadic")]


def _exposed_function(fn: Function) -> bool:
    if fn.kind != "function" or fn.return_type == "trigger":
        return False
    args = _in_args(fn)
    unnamed = [a for a in args if not a.name]
    if not unnamed:
        return True
    return len(unnamed) == 1 and _unqualify(unnamed[0].type) in _CALLABLE_UNNAMED


def _arg_type(type_text: str) -> str:
    return _unqualify(type_text)


def _rpc_path(fn: Function) -> dict[str, Any]:
    summary, desc = _split_description(fn.comment)
    op: dict[str, Any] = {"tags": [f"(rpc) {fn.name}"], "produces": list(_RPC_MIMES),
                          "responses": {"200": {"description": "OK"}}}
    if summary is not None:
        op["summary"] = summary
    if desc:
        op["description"] = desc
    args = _in_args(fn)
    props: dict[str, Any] = {}
    for a in args:
        t = _arg_type(a.type)
        p: dict[str, Any] = {"format": _swagger_format(t)}
        st = swagger_type(t)
        if st is not None:
            p["type"] = st
        if st == "array":
            elem = swagger_type(t[:-2])
            p["items"] = {"type": elem} if elem is not None else {}
        props[a.name] = p
    schema: dict[str, Any] = {"type": "object", "properties": props}
    req = [a.name for a in args if not a.has_default]
    if req:
        schema["required"] = req
    if fn.comment is not None:
        schema["description"] = fn.comment
    post = dict(op, parameters=[
        {"in": "body", "name": "args", "required": True, "schema": schema},
        {"$ref": "#/parameters/preferParams"}])
    item: dict[str, Any] = {"post": post}
    if fn.volatility != "volatile":
        params = []
        for a in args:
            t = _arg_type(a.type)
            param: dict[str, Any] = {"in": "query", "name": a.name, "required": not a.has_default}
            st = swagger_type(t)
            if a.mode == "variadic":
                param["type"] = st or "string"
                param["collectionFormat"] = "multi"
                inner: dict[str, Any] = {"format": _swagger_format(t[:-2])}
                it = swagger_type(t[:-2])
                if it is not None:
                    inner["type"] = it
                param["items"] = inner
            else:
                param["format"] = _swagger_format(t)
                param["type"] = "string" if st in (None, "array") else st
            params.append(param)
        item = {"get": dict(op, parameters=params), "post": post}
    return item


def _prefer(values: Iterable[str]) -> dict[str, Any]:
    enum = [e for v in values for e in {
        "count": ["count=none"],
        "return": ["return=representation", "return=minimal", "return=none"],
        "resolution": ["resolution=ignore-duplicates", "resolution=merge-duplicates"],
    }.get(v, [])]
    p: dict[str, Any] = {"name": "Prefer", "description": "Preference", "required": False,
                         "in": "header", "type": "string"}
    if enum:
        p["enum"] = enum
    return p


def _param(name: str, description: str, where: str = "query") -> dict[str, Any]:
    return {"name": name, "description": description, "required": False, "in": where,
            "type": "string"}


def _parameters(relations: Sequence[Relation]) -> dict[str, Any]:
    params: dict[str, Any] = {
        "preferParams": _prefer(["params"]),
        "preferReturn": _prefer(["return"]),
        "preferCount": _prefer(["count"]),
        "preferPost": _prefer(["return", "resolution"]),
        "select": _param("select", "Filtering Columns"),
        "on_conflict": _param("on_conflict", "On Conflict"),
        "order": _param("order", "Ordering"),
        "range": _param("Range", "Limiting and Pagination", "header"),
        "rangeUnit": dict(_param("Range-Unit", "Limiting and Pagination", "header"),
                          default="items"),
        "offset": _param("offset", "Limiting and Pagination"),
        "limit": _param("limit", "Limiting and Pagination"),
    }
    for rel in relations:
        params[f"body.{rel.name}"] = {"name": rel.name, "description": rel.name,
                                      "required": False, "in": "body",
                                      "schema": {"$ref": f"#/definitions/{rel.name}"}}
        for col in rel.columns:
            p: dict[str, Any] = {"name": col.name, "required": False, "in": "query",
                                 "type": "string"}
            if col.comment is not None:
                p["description"] = col.comment
            params[f"rowFilter.{rel.name}.{col.name}"] = p
    return params


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/parameters/{name}"}


def _relation_path(rel: Relation) -> dict[str, Any]:
    summary, desc = _split_description(rel.comment)
    base: dict[str, Any] = {"tags": [rel.name]}
    if summary is not None:
        base["summary"] = summary
    if desc:
        base["description"] = desc
    filters = [f"rowFilter.{rel.name}.{c.name}" for c in rel.columns]
    get = dict(base, parameters=[_ref(n) for n in filters + [
        "select", "order", "range", "rangeUnit", "offset", "limit", "preferCount"]],
        responses={"200": {"description": "OK", "schema": {
            "type": "array", "items": {"$ref": f"#/definitions/{rel.name}"}}},
            "206": {"description": "Partial Content"}})
    item: dict[str, Any] = {"get": get}
    if rel.insertable or rel.updatable or rel.deletable:
        item["post"] = dict(base, parameters=[_ref(f"body.{rel.name}"), _ref("select"),
                                              _ref("preferPost")],
                            responses={"201": {"description": "Created"}})
        item["patch"] = dict(base, parameters=[_ref(n) for n in filters + [
            f"body.{rel.name}", "preferReturn"]],
            responses={"204": {"description": "No Content"}})
        item["delete"] = dict(base, parameters=[_ref(n) for n in filters + ["preferReturn"]],
                              responses={"204": {"description": "No Content"}})
    return item


def _definition(rel: Relation, pk: Sequence[str], rels: Sequence[Any],
                snap: Snapshot) -> dict[str, Any]:
    d: dict[str, Any] = {}
    if rel.comment is not None:
        d["description"] = rel.comment
    d["properties"] = {c.name: _property(rel, c, pk, rels, snap) for c in rel.columns}
    req = [c.name for c in rel.columns if not (c.nullable and not c.domain_not_null)]
    if req:
        d["required"] = req
    d["type"] = "object"
    return d


def openapi_from_snapshot(snapshot: Snapshot, schemas: Sequence[str] | str = ("public",), *,
                          role: str | None = None, host: str = "0.0.0.0", port: int = 3000,
                          base_path: str = "/", version: str = "pgprobe") -> dict[str, Any]:
    """The document PostgREST answers to ``GET /`` (``Accept: application/openapi+json``).

    PostgREST describes one schema per request (the first of ``db-schemas`` unless an
    ``Accept-Profile`` header picks another); with several ``schemas`` the relations of all of
    them are merged, the first one winning on a name clash. ``role`` applies PostgREST's
    default ``openapi-mode = follow-privileges`` (only what the role may touch: owner, any
    table or column privilege, EXECUTE on functions); ``None`` is ``ignore-privileges``.
    """
    from pgprobe.relationships import RelationshipIndex

    wanted = [schemas] if isinstance(schemas, str) else list(schemas)
    index = RelationshipIndex.from_snapshot(snapshot, schemas=wanted)
    roles = _visible_roles(snapshot, role) if role is not None else None
    everything = roles is None or (role is not None and _is_superuser(snapshot, role))
    relations: dict[str, Relation] = {}
    for schema in wanted:
        for rel in sorted(snapshot.relations, key=lambda r: r.name):
            if rel.schema != schema or rel.partition_of or rel.name in relations:
                continue
            if everything or (roles is not None and _relation_visible(rel, roles)):
                relations[rel.name] = rel
    functions: dict[str, Function] = {}
    for schema in wanted:
        for fn in sorted(snapshot.functions, key=lambda f: (f.name, f.identity_args)):
            if fn.schema != schema or fn.name in functions or not _exposed_function(fn):
                continue
            if everything or (roles is not None and _function_visible(fn, roles)):
                functions[fn.name] = fn
    definitions: dict[str, Any] = {}
    paths: dict[str, Any] = {"/": {"get": {
        "tags": ["Introspection"], "summary": "OpenAPI description (this document)",
        "produces": ["application/openapi+json", "application/json"],
        "responses": {"200": {"description": "OK"}}}}}
    for name, rel in relations.items():
        pk = index.primary_key(rel.schema, rel.name)
        if not pk and rel.primary_key is not None:
            pk = rel.primary_key.columns
        rels = index.of(rel.schema, rel.name, target_schema=rel.schema)
        definitions[name] = _definition(rel, pk, rels, snapshot)
        paths[f"/{name}"] = _relation_path(rel)
    for name, fn in functions.items():
        paths[f"/rpc/{name}"] = _rpc_path(fn)
    schema_comment = next((s.comment for s in snapshot.schemas
                           if s.name == wanted[0] and getattr(s, "comment", None)), None)
    title, desc = _split_description(schema_comment)
    return {
        "swagger": "2.0",
        "info": {"description": desc or "This is a dynamic API generated by PostgREST",
                 "title": title or "PostgREST API", "version": version},
        "host": f"{host}:{port}",
        "basePath": base_path,
        "schemes": ["http"],
        "consumes": list(_MIMES),
        "produces": list(_MIMES),
        "paths": paths,
        "definitions": definitions,
        "parameters": _parameters(list(relations.values())),
        "externalDocs": {"description": "PostgREST Documentation",
                         "url": "https://postgrest.org/en/stable/references/api.html"},
    }
