r"""Print the Supabase ``Database`` TypeScript type, byte for byte as postgres-meta 0.99.0 does.

The rules are those of ``@supabase/postgrest-typegen`` 0.2.2 (the generator postgres-meta
0.99.0 runs) followed by its ``oxfmt`` formatting (``semi: false, printWidth: 80``), which
this module reproduces directly instead of formatting afterwards.

>>> from pgprobe.types._meta import TgMeta
>>> text = generate_from_meta(TgMeta(["public"], [], [], [], [], [], [], [], []))
>>> print("\n".join(text.splitlines()[8:12]))
export type Database = {
  public: {
    Tables: {
      [_ in never]: never
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ._collate import collation_key
from ._doc import text_width
from ._meta import (
    UNNAMED_ARG_TYPES,
    TgArg,
    TgColumn,
    TgFunction,
    TgMeta,
    TgRelation,
    TgRelationship,
    TgType,
)
from ._template import HEADER
from ._template import tail as _tail
from ._tsdoc import TsType, member_text, prop_key, string_literal

if TYPE_CHECKING:
    from ..catalog._model import Snapshot

_NUMBER = frozenset({"int2", "int4", "int8", "float4", "float8", "numeric"})
_STRING = frozenset({
    "bytea", "bpchar", "varchar", "date", "text", "citext", "time", "timetz", "timestamp",
    "timestamptz", "uuid", "vector", "interval",
})
_IN_MODES = frozenset({"in", "inout", "variadic"})
NULL: TsType = ("ref", "null")
UNKNOWN: TsType = ("ref", "unknown")
NEVER: TsType = ("ref", "never")



_k = collation_key


def sort_meta(meta: TgMeta) -> TgMeta:
    """postgrest-typegen's ``sortGeneratorMetadata``: every collection in name order."""

    def rel_key(r: TgRelation | TgType) -> Any:
        return (_k(r.schema), _k(r.name), r.id)

    functions = sorted(
        meta.functions, key=lambda f: (_k(f.schema), _k(f.name), _k(f.identity_argument_types), f.id)
    )
    for f in functions:
        f.args = sorted(f.args, key=lambda a: _k(a.name))
    return TgMeta(
        schemas=sorted(meta.schemas, key=_k),
        tables=sorted(meta.tables, key=rel_key),
        foreign_tables=sorted(meta.foreign_tables, key=rel_key),
        views=sorted(meta.views, key=rel_key),
        materialized_views=sorted(meta.materialized_views, key=rel_key),
        # grouped per table by the generator; only the order within a table matters
        columns=meta.columns,
        relationships=sorted(
            meta.relationships,
            key=lambda r: (
                _k(r.foreign_key_name),
                _k(r.referenced_relation),
                _k(json.dumps(r.referenced_columns, separators=(",", ":"), ensure_ascii=False)),
            ),
        ),
        functions=functions,
        types=sorted(meta.types, key=rel_key),
    )


class _Generator:
    def __init__(self, meta: TgMeta, detect_one_to_one: bool, default_schema: str) -> None:
        self.m = meta
        self.detect = detect_one_to_one
        self.default_schema = default_schema
        self.schema_set = set(meta.schemas)
        self.columns_by_table: dict[int, list[TgColumn]] = {}
        self.names_by_table: dict[int, str] = {}
        for r in (*meta.tables, *meta.foreign_tables, *meta.views, *meta.materialized_views):
            self.columns_by_table[r.id] = []
            self.names_by_table[r.id] = r.name
        for c in meta.columns:
            if c.table_id in self.columns_by_table:
                self.columns_by_table[c.table_id].append(c)
        for cols in self.columns_by_table.values():
            cols.sort(key=lambda c: _k(c.name))
        self.types_by_id: dict[int, TgType] = {}
        self.relation_types: dict[int, TgType] = {}
        self.enums_by_name: dict[str, list[TgType]] = defaultdict(list)
        self.composites_by_name: dict[str, list[TgType]] = defaultdict(list)
        self.schema_enums: dict[str, list[TgType]] = {s: [] for s in meta.schemas}
        self.schema_composites: dict[str, list[TgType]] = {s: [] for s in meta.schemas}
        for t in meta.types:
            self.types_by_id[t.id] = t
            if t.type_relation_id:
                self.relation_types[t.id] = t
            if t.enums:
                self.enums_by_name[t.name].append(t)
            if t.attributes:
                self.composites_by_name[t.name].append(t)
            if t.schema in self.schema_set:
                if t.enums:
                    self.schema_enums[t.schema].append(t)
                if t.attributes:
                    self.schema_composites[t.schema].append(t)
        self.relations_by_name: dict[str, list[tuple[str, TgRelation]]] = defaultdict(list)
        for kind, rels in (
            ("Tables", meta.tables), ("Tables", meta.foreign_tables),
            ("Views", meta.views), ("Views", meta.materialized_views),
        ):
            for r in rels:
                self.relations_by_name[r.name].append((kind, r))
        self.rels_by_relation: dict[tuple[str, str], list[TgRelationship]] = defaultdict(list)
        for rel in meta.relationships:
            self.rels_by_relation[(rel.schema, rel.relation)].append(rel)

        self.schema_tables: dict[str, list[TgRelation]] = {s: [] for s in meta.schemas}
        self.schema_views: dict[str, list[TgRelation]] = {s: [] for s in meta.schemas}
        for r in (*meta.tables, *meta.foreign_tables):
            if r.schema in self.schema_set:
                self.schema_tables[r.schema].append(r)
        for r in meta.views:
            if r.schema in self.schema_set:
                self.schema_views[r.schema].append(r)
        for r in meta.materialized_views:
            if r.schema in self.schema_set:
                self.schema_views[r.schema].append(
                    TgRelation(r.id, r.schema, r.name, r.kind, False, False, False)
                )
        self.schema_functions: dict[str, list[tuple[TgFunction, list[TgArg]]]] = {
            s: [] for s in meta.schemas
        }
        for fn in meta.functions:
            if fn.schema in self.schema_set:
                in_args = [a for a in fn.args if a.mode in _IN_MODES]
                if self._callable(fn, in_args):
                    self.schema_functions[fn.schema].append((fn, in_args))
        for s in meta.schemas:
            self.schema_tables[s].sort(key=lambda r: _k(r.name))
            self.schema_views[s].sort(key=lambda r: _k(r.name))
            self.schema_functions[s].sort(key=lambda p: _k(p[0].name))
            self.schema_enums[s].sort(key=lambda t: _k(t.name))
            self.schema_composites[s].sort(key=lambda t: _k(t.name))
        self._ts_cache: dict[tuple[str, str, str], TsType] = {}
        self._computed_candidates: dict[str, dict[tuple[str, object], list[tuple[int, TgFunction]]]] = {}

    # -- helpers ported from generateTypescript ----------------------------
    def _callable(self, fn: TgFunction, in_args: list[TgArg]) -> bool:
        if not in_args or all(a.name != "" for a in in_args):
            return True
        if all(a.has_default and a.type_id in UNNAMED_ARG_TYPES for a in in_args if a.name == ""):
            return True
        if len(in_args) == 1 and in_args[0].name == "":
            if in_args[0].type_id in UNNAMED_ARG_TYPES:
                return True
            if in_args[0].type_id in self.relation_types:
                return True
        return False

    def _table_name_from_relation_id(self, relation_id: int | None, return_type_id: int | None) -> str | None:
        if not relation_id:
            return None
        name = self.names_by_table.get(relation_id)
        if name:
            return name
        reltype = self.relation_types.get(return_type_id) if return_type_id else None
        return reltype.name if reltype else None

    def ts_type(self, schema: str, pg_type: str, type_schema: str | None) -> TsType:
        key = (schema, pg_type, type_schema or "")
        hit = self._ts_cache.get(key)
        if hit is None:
            hit = self._ts_type(schema, pg_type, type_schema)
            self._ts_cache[key] = hit
        return hit

    def _ts_type(self, schema: str, pg_type: str, type_schema: str | None) -> TsType:
        if pg_type == "bool":
            return ("ref", "boolean")
        if pg_type in _NUMBER:
            return ("ref", "number")
        if pg_type in _STRING:
            return ("ref", "string")
        if pg_type in ("json", "jsonb"):
            return ("ref", "Json")
        if pg_type == "void":
            return ("ref", "undefined")
        if pg_type == "record":
            return ("ref", "Record<string, unknown>")
        if pg_type.startswith("_"):
            return ("array", self.ts_type(schema, pg_type[1:], type_schema))
        preferred = type_schema if type_schema is not None else schema
        enums = self.enums_by_name.get(pg_type)
        if enums:
            e = next((t for t in enums if t.schema == preferred), enums[0])
            if e.schema in self.schema_set:
                return ("ref", f'Database[{_js(e.schema)}]["Enums"][{_js(e.name)}]')
            lits: list[TsType] = [("lit", v) for v in e.enums]
            return lits[0] if len(lits) == 1 else ("union", tuple(lits))
        comps = self.composites_by_name.get(pg_type)
        if comps:
            c = next((t for t in comps if t.schema == preferred), comps[0])
            if c.schema in self.schema_set:
                return ("ref", f'Database[{_js(c.schema)}]["CompositeTypes"][{_js(c.name)}]')
            return UNKNOWN
        rels = self.relations_by_name.get(pg_type)
        if rels:
            kind, rel = next(((k, r) for k, r in rels if r.schema == preferred), rels[0])
            if rel.schema in self.schema_set:
                return ("ref", f'Database[{_js(rel.schema)}]["{kind}"][{_js(rel.name)}]["Row"]')
            return UNKNOWN
        return UNKNOWN

    def _type_of_id(self, schema: str, type_id: int) -> TsType:
        t = self.types_by_id.get(type_id)
        if t is None:
            return UNKNOWN
        return self.ts_type(schema, t.name, t.schema)

    # -- pieces ------------------------------------------------------------
    def relationship_obj(self, r: TgRelationship) -> list[tuple[str, bool, TsType]]:
        members: list[tuple[str, bool, TsType]] = [
            ("foreignKeyName", False, ("lit", r.foreign_key_name)),
            ("columns", False, _string_tuple(r.columns)),
        ]
        if self.detect:
            members.append(("isOneToOne", False, ("ref", "true" if r.is_one_to_one else "false")))
        members.append(("referencedRelation", False, ("lit", r.referenced_relation)))
        members.append(("referencedColumns", False, _string_tuple(r.referenced_columns)))
        return members

    def relationships(self, rel: TgRelation) -> list[TgRelationship]:
        return [r for r in self.rels_by_relation.get((rel.schema, rel.name), ()) if r.referenced_schema == rel.schema]

    def function_return_type(self, schema: str, fn: TgFunction) -> TsType:
        table_args = [a for a in fn.args if a.mode == "table"]
        if table_args:
            return ("obj", tuple((a.name, False, self._type_of_id(schema, a.type_id)) for a in table_args), True)
        rel_id = fn.return_type_relation_id
        relation = next((t for t in self.schema_tables.get(schema, ()) if t.id == rel_id), None) or next(
            (v for v in self.schema_views.get(schema, ()) if v.id == rel_id), None
        )
        if relation is not None:
            return ("obj", tuple(self.column_member(schema, c, False) for c in self.columns_by_table[relation.id]), True)
        t = self.types_by_id.get(fn.return_type_id)
        if t is not None:
            return self.ts_type(schema, t.name, t.schema)
        return UNKNOWN

    def column_member(self, schema: str, c: TgColumn, optional: bool, nullable: bool | None = None) -> tuple[str, bool, TsType]:
        t = self.ts_type(schema, c.format, c.type_schema)
        return (c.name, optional, nullable_union(t, c.is_nullable if nullable is None else nullable))

    def _args_obj(self, schema: str, in_args: list[TgArg]) -> TsType:
        return ("obj", tuple((a.name, a.has_default, self._type_of_id(schema, a.type_id)) for a in in_args), False)

    def _conflict_error(self, schema: str, fns: list[tuple[TgFunction, list[TgArg]]], fn: TgFunction, in_args: list[TgArg]) -> str | None:
        if len(fns) <= 1:
            return None
        if not in_args:
            conflicting = [
                (f, a) for f, a in fns
                if f is not fn and len(a) == 1 and a[0].name == "" and a[0].has_default
            ]
            if conflicting:
                rt = self.types_by_id.get(conflicting[0][0].return_type_id)
                rname = rt.name if rt else "unknown"
                return (
                    f"Could not choose the best candidate function between: {schema}.{fn.name}(), "
                    f"{schema}.{fn.name}( => {rname}). Try renaming the parameters or the function "
                    "itself in the database so function overloading can be resolved"
                )
        if len(in_args) == 1 and in_args[0].name != "":
            conflicting = [
                (f, a) for f, a in fns
                if f is not fn and len(a) == 1 and a[0].name == in_args[0].name
                and a[0].type_id != in_args[0].type_id
            ]
            if conflicting:
                allfns = [(fn, in_args), *conflicting]
                allfns.sort(key=lambda p: p[1][0].type_id if p[1] else 0)
                parts = []
                for _, args in allfns:
                    inner = ", ".join(
                        f"{a.name or ''} => {(self.types_by_id[a.type_id].name if a.type_id in self.types_by_id else 'unknown')}"
                        for a in args
                    )
                    parts.append(f"{schema}.{fn.name}({inner})")
                return (
                    f"Could not choose the best candidate function between: {', '.join(parts)}. "
                    "Try renaming the parameters or the function itself in the database so function "
                    "overloading can be resolved"
                )
        return None

    def _table_row_error(self, fn: TgFunction, in_args: list[TgArg]) -> bool:
        return (
            len(in_args) == 1 and in_args[0].name == "" and in_args[0].type_id in self.relation_types
            and not self._table_name_from_relation_id(fn.return_type_relation_id, fn.return_type_id)
        )

    def signature(self, schema: str, fns: list[tuple[TgFunction, list[TgArg]]], fn: TgFunction, in_args: list[TgArg]) -> TsType:
        args: TsType = ("ref", "Record<PropertyKey, never>")
        returns = self.function_return_type(schema, fn)
        conflict = self._conflict_error(schema, fns, fn, in_args)
        if conflict:
            if in_args:
                args = self._args_obj(schema, in_args)
            returns = ("inter", (("obj", (("error", False, ("ref", "true")),), False), ("lit", conflict)))
        elif self._table_row_error(fn, in_args):
            if in_args:
                args = self._args_obj(schema, in_args)
            msg = (
                f"the function {schema}.{fn.name} with parameter or with a single unnamed json/jsonb "
                "parameter, but no matches were found in the schema cache"
            )
            returns = ("inter", (("obj", (("error", False, ("ref", "true")),), False), ("lit", msg)))
        elif in_args:
            args = self._args_obj(schema, in_args)
        members: list[tuple[str, bool, TsType]] = [("Args", False, args)]
        # getFunctionTsReturnType
        return_table = self._table_name_from_relation_id(fn.return_type_relation_id, fn.return_type_id)
        setof_table = fn.is_set_returning_function and fn.return_type_relation_id is not None
        multiple = fn.prorows is not None and fn.prorows > 1
        setof: list[tuple[str, bool, TsType]] | None = None
        if return_table:
            setof = _setof("*", return_table, not multiple, fn.is_set_returning_function)
        if len(fn.args) == 1:
            reltype = self.relation_types.get(fn.args[0].type_id)
            if reltype:
                if setof_table and return_table:
                    setof = _setof(reltype.format, return_table, not multiple, True)
                elif return_table and not setof_table:
                    setof = _setof(reltype.format, return_table, True, False)
        collapsible = not multiple and return_table is not None
        if fn.is_set_returning_function and not collapsible:
            returns = ("array", returns)
        members.append(("Returns", False, returns))
        if setof:
            members.append(("SetofOptions", False, ("obj", tuple(setof), True)))
        return ("obj", tuple(members), False)

    def is_computed_field_of(self, fn: TgFunction, in_args: list[TgArg], rel: TgRelation) -> bool:
        if len(in_args) == 1:
            t = self.relation_types.get(in_args[0].type_id)
            if t:
                return t.type_relation_id == rel.id
        return fn.argument_types == rel.name

    # -- output ------------------------------------------------------------
    def run(self) -> str:
        out: list[str] = [HEADER]
        for schema in self.m.schemas:
            out.append(f"  {prop_key(schema)}: {{\n")
            self.emit_tables(schema, out)
            self.emit_views(schema, out)
            self.emit_functions(schema, out)
            self.emit_enums(schema, out)
            self.emit_composites(schema, out)
            out.append("  }\n")
        out.append("}\n")
        out.append(_tail(self.default_schema))
        out.append("export const Constants = {\n")
        for schema in self.m.schemas:
            enums = self.schema_enums[schema]
            out.append(f"  {prop_key(schema)}: {{\n")
            if not enums:
                out.append("    Enums: {},\n")
            else:
                out.append("    Enums: {\n")
                for e in enums:
                    out.append(_array_prop("      ", e.name, e.enums))
                out.append("    },\n")
            out.append("  },\n")
        out.append("} as const\n\n")
        return "".join(out)

    def _computed(self, schema: str, rel: TgRelation) -> list[tuple[str, bool, TsType]]:
        index = self._computed_candidates.get(schema)
        if index is None:
            # isComputedFieldOf, indexed: by the relation a single row-typed argument
            # belongs to, else by the argument text (postgrest-typegen's fallback)
            index = {}
            for pos, (fn, in_args) in enumerate(self.schema_functions[schema]):
                t = self.relation_types.get(in_args[0].type_id) if len(in_args) == 1 else None
                key: tuple[str, object] = ("id", t.type_relation_id) if t else ("name", fn.argument_types)
                index.setdefault(key, []).append((pos, fn))
            self._computed_candidates[schema] = index
        found = index.get(("id", rel.id), []) + index.get(("name", rel.name), [])
        found.sort(key=lambda p: p[0])
        return [(fn.name, False, nullable_union(self.function_return_type(schema, fn), True)) for _, fn in found]

    def emit_tables(self, schema: str, out: list[str]) -> None:
        tables = self.schema_tables[schema]
        if not tables:
            out.append("    Tables: {\n      [_ in never]: never\n    }\n")
            return
        out.append("    Tables: {\n")
        for t in tables:
            cols = self.columns_by_table[t.id]
            out.append(f"      {prop_key(t.name)}: {{\n")
            row: list[tuple[str, bool, TsType]] = []
            ins: list[tuple[str, bool, TsType]] = []
            upd: list[tuple[str, bool, TsType]] = []
            for c in cols:
                ts = nullable_union(self.ts_type(schema, c.format, c.type_schema), c.is_nullable)
                row.append((c.name, False, ts))
                if c.identity_generation == "ALWAYS" or c.is_generated:
                    ins.append((c.name, True, NEVER))
                    upd.append((c.name, True, NEVER))
                    continue
                ins.append((c.name, c.is_nullable or c.is_identity or c.has_default, ts))
                upd.append((c.name, True, ts))
            row += self._computed(schema, t)
            _emit_obj(out, "        ", "Row", row)
            _emit_obj(out, "        ", "Insert", ins)
            _emit_obj(out, "        ", "Update", upd)
            self._emit_relationships(out, t)
            out.append("      }\n")
        out.append("    }\n")

    def _emit_relationships(self, out: list[str], rel: TgRelation) -> None:
        rels = self.relationships(rel)
        if not rels:
            out.append("        Relationships: []\n")
            return
        out.append("        Relationships: [\n")
        ind = "            "
        for r in rels:
            # the same text member_text() prints for relationship_obj(r), built directly
            out.append("          {\n")
            out.append(f"{ind}foreignKeyName: {string_literal(r.foreign_key_name)}\n")
            out.append(_string_list_member(ind, "columns", r.columns))
            if self.detect:
                out.append(f"{ind}isOneToOne: {'true' if r.is_one_to_one else 'false'}\n")
            out.append(f"{ind}referencedRelation: {string_literal(r.referenced_relation)}\n")
            out.append(_string_list_member(ind, "referencedColumns", r.referenced_columns))
            out.append("          },\n")
        out.append("        ]\n")

    def emit_views(self, schema: str, out: list[str]) -> None:
        views = self.schema_views[schema]
        if not views:
            out.append("    Views: {\n      [_ in never]: never\n    }\n")
            return
        out.append("    Views: {\n")
        for v in views:
            cols = self.columns_by_table[v.id]
            out.append(f"      {prop_key(v.name)}: {{\n")
            row = [self.column_member(schema, c, False) for c in cols] + self._computed(schema, v)
            _emit_obj(out, "        ", "Row", row)
            for label, enabled in (("Insert", v.is_insert_enabled), ("Update", v.is_update_enabled)):
                if enabled:
                    members = [
                        (c.name, True, ("ref", "never")) if not c.is_updatable
                        else self.column_member(schema, c, True, nullable=True)
                        for c in cols
                    ]
                    _emit_obj(out, "        ", label, members)
            self._emit_relationships(out, v)
            out.append("      }\n")
        out.append("    }\n")

    def emit_functions(self, schema: str, out: list[str]) -> None:
        fns = self.schema_functions[schema]
        if not fns:
            out.append("    Functions: {\n      [_ in never]: never\n    }\n")
            return
        out.append("    Functions: {\n")
        grouped: dict[str, list[tuple[TgFunction, list[TgArg]]]] = {}
        for fn, in_args in fns:
            grouped.setdefault(fn.name, []).append((fn, in_args))
        for name, group in grouped.items():
            group.sort(key=lambda p: (_k(p[0].argument_types), _k(p[0].return_type)))
            sigs = [self.signature(schema, group, fn, in_args) for fn, in_args in group]
            t: TsType = sigs[0] if len(sigs) == 1 else ("union", tuple(sigs))
            out.append(member_text("      ", name, False, t) + "\n")
        out.append("    }\n")

    def emit_enums(self, schema: str, out: list[str]) -> None:
        enums = self.schema_enums[schema]
        if not enums:
            out.append("    Enums: {\n      [_ in never]: never\n    }\n")
            return
        out.append("    Enums: {\n")
        for e in enums:
            lits: list[TsType] = [("lit", v) for v in e.enums]
            t: TsType = lits[0] if len(lits) == 1 else ("union", tuple(lits))
            out.append(member_text("      ", e.name, False, t) + "\n")
        out.append("    }\n")

    def emit_composites(self, schema: str, out: list[str]) -> None:
        comps = self.schema_composites[schema]
        if not comps:
            out.append("    CompositeTypes: {\n      [_ in never]: never\n    }\n")
            return
        out.append("    CompositeTypes: {\n")
        for c in comps:
            members: list[tuple[str, bool, TsType]] = []
            for name, type_id in c.attributes:
                t = self.types_by_id.get(type_id)
                ts = nullable_union(self.ts_type(schema, t.name, t.schema), True) if t else UNKNOWN
                members.append((name, False, ts))
            _emit_obj(out, "      ", c.name, members)
        out.append("    }\n")


def _string_list_member(indent: str, key: str, values: list[str] | None) -> str:
    """``key: ["a", "b"]`` as prettier prints a tuple of string literals (one line if it fits)."""
    if values is None:
        return f"{indent}{key}: null\n"
    items = [string_literal(v) for v in values]
    text = f"{indent}{key}: [{', '.join(items)}]"
    if text_width(text) <= 80 or not items:
        return text + "\n"
    inner = indent + "  "
    return f"{indent}{key}: [\n" + "".join(f"{inner}{i},\n" for i in items) + f"{indent}]\n"


def _string_tuple(values: list[str] | None) -> TsType:
    if values is None:
        return NULL
    return ("tuple", tuple(("lit", v) for v in values))


def _js(value: str) -> str:
    return string_literal(value)


def nullable_union(t: TsType, nullable: bool) -> TsType:
    if t == ("ref", "Json") and not nullable:
        return ("ref", "NonNullable<Json>")
    if t in (UNKNOWN, ("ref", "any")) or not nullable:
        return t
    if t[0] == "union":
        return ("union", (*t[1], NULL))
    return ("union", (t, NULL))


def _setof(src: str, to: str, one: bool, setof: bool) -> list[tuple[str, bool, TsType]]:
    return [
        ("from", False, ("lit", src)),
        ("to", False, ("lit", to)),
        ("isOneToOne", False, ("ref", "true" if one else "false")),
        ("isSetofReturn", False, ("ref", "true" if setof else "false")),
    ]


def _emit_obj(out: list[str], indent: str, key: str, members: list[tuple[str, bool, TsType]]) -> None:
    if not members:
        out.append(f"{indent}{prop_key(key)}: {{}}\n")
        return
    out.append(f"{indent}{prop_key(key)}: {{\n")
    inner = indent + "  "
    for k, o, t in members:
        out.append(member_text(inner, k, o, t) + "\n")
    out.append(f"{indent}}}\n")


def _array_prop(indent: str, key: str, values: list[str]) -> str:
    from ._doc import LINE, SOFTLINE, Doc, Group, IfBreak, Indent, print_doc
    from ._tsdoc import text_width

    items = ", ".join(string_literal(v) for v in values)
    text = f"{indent}{prop_key(key)}: [{items}],"
    if text_width(text) <= 80:
        return text + "\n"
    parts: list[Doc] = []
    for i, v in enumerate(values):
        if i:
            parts += [",", LINE]
        parts.append(string_literal(v))
    doc: list[Doc] = [prop_key(key), ": ", Group(["[", Indent([SOFTLINE, parts]), IfBreak(","), SOFTLINE, "]"]), ","]
    return indent + print_doc(doc, 80, indent) + "\n"


def generate_from_meta(meta: TgMeta, *, detect_one_to_one: bool = True, default_schema: str = "public") -> str:
    """The ``Database`` type file for already-collected generator facts."""
    return _Generator(sort_meta(meta), detect_one_to_one, default_schema).run()


def generate(
    snapshot: Snapshot,
    schemas: Sequence[str] = ("public",),
    *,
    detect_one_to_one: bool = True,
    default_schema: str = "public",
) -> str:
    """The ``Database`` TypeScript type for ``schemas``, as postgres-meta 0.99.0 prints it.

    The text equals the stdout of ``node .../postgres-meta/dist/server/server.js`` run with
    ``PG_META_GENERATE_TYPES=typescript``, ``PG_META_GENERATE_TYPES_INCLUDED_SCHEMAS`` and
    ``PG_META_GENERATE_TYPES_DETECT_ONE_TO_ONE_RELATIONSHIPS=true`` (what ``supabase gen
    types typescript --db-url`` writes). Enums and composite types of other schemas are
    resolved from the snapshot, so take it with those schemas expanded.

    >>> import pgprobe                                              # doctest: +SKIP
    >>> snap = pgprobe.snapshot(pgprobe.demo.up())                  # doctest: +SKIP
    >>> ts = pgprobe.types.generate(snap, ["public"])               # doctest: +SKIP
    >>> ts.splitlines()[0]                                          # doctest: +SKIP
    'export type Json ='
    """
    from .._errors import InputError
    from ._from_snapshot import from_snapshot

    unread = [s.name for s in snapshot.schemas if s.name in schemas and not s.expanded]
    if unread:
        raise InputError(
            f"schema {unread[0]} is listed but was not read into this snapshot",
            hint=f"take the snapshot with schemas=[..., {unread[0]!r}] (the CLI does this itself)")
    meta = from_snapshot(snapshot, schemas)
    return generate_from_meta(meta, detect_one_to_one=detect_one_to_one, default_schema=default_schema)
