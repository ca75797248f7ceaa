"""POST / PATCH / PUT / DELETE: payload checks, the mutate plan and its SQL (``mainWrite``).

Mirrors ``ApiRequest.Payload``, ``Plan.mutatePlan`` and ``QueryBuilder.mutatePlanToQuery``.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from ._errors import PostgrestError
from ._plan import CField, CLogic, Ctx, ReadPlan, resolve_filter, resolve_logic
from ._schema import SchemaCache, TableInfo
from ._sql import Ident, Param, Parts, fmt_column, fmt_logic, from_qi, handler_f, join, read_query


@dataclass
class Payload:
    raw: str
    keys: list[str]
    is_object: bool
    columns_given: bool = False


def _invalid(msg: str) -> PostgrestError:
    return PostgrestError("PGRST102", msg, status=400)


def _uniform(value: Any) -> list[str] | None:
    if isinstance(value, list):
        if not value:
            return []
        first = value[0]
        if not isinstance(first, dict):
            return None
        keys = set(first)
        if all(isinstance(x, dict) and set(x) == keys for x in value):
            return list(first)
        return None
    if isinstance(value, dict):
        return list(value)
    return []


def get_payload(body: Any, content_type: str | None, columns: list[str] | None,
                is_proc: bool = False) -> Payload:
    """Validate the request body like PostgREST (PGRST102 errors)."""
    ct = (content_type or "application/json").split(";")[0].strip().lower()
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    if ct == "application/json":
        raw = body if isinstance(body, str) else ("" if body is None else json.dumps(body))
        if columns is not None:
            return Payload(raw, sorted(set(columns)), raw.lstrip(" \t\n\r").startswith("{"), True)
        if raw == "" and is_proc:
            value: Any = {}
            raw = "{}"
        else:
            try:
                value = json.loads(raw) if isinstance(body, str) else body
            except ValueError:
                raise _invalid("Empty or invalid json") from None
        keys = _uniform(value)
        if keys is None:
            raise _invalid("All object keys must match")
        if not isinstance(value, (dict, list)):
            return Payload("[]", [], False)
        if isinstance(value, list) and not value:
            return Payload("[]", [], False)
        return Payload(raw, keys, isinstance(value, dict))
    if ct == "text/csv":
        text = body if isinstance(body, str) else ""
        rows = list(csv.reader(io.StringIO(text)))
        if not rows:
            return Payload("[]", [], False)
        header, data = rows[0], rows[1:]
        if any(len(r) != len(header) for r in data):
            raise _invalid("All lines must have same number of fields")
        objs = [{h: (None if v == "NULL" else v) for h, v in zip(header, r, strict=True)} for r in data]
        return Payload(json.dumps(objs), list(header) if objs else [], False)
    if ct == "application/x-www-form-urlencoded":
        text = body if isinstance(body, str) else ""
        pairs = parse_qsl(text, keep_blank_values=True)
        obj = dict(pairs)
        return Payload(json.dumps(obj), list(obj), True)
    raise _invalid(f"Content-Type not acceptable: {ct}")


@dataclass
class MutatePlan:
    kind: str  # insert | update | delete | upsert
    qi: tuple[str, str]
    columns: list[CField] = field(default_factory=list)
    payload: Payload | None = None
    on_conflict: tuple[str, list[str]] | None = None
    where: list[CLogic] = field(default_factory=list)
    put_conditions: list[CLogic] = field(default_factory=list)
    returnings: list[str] = field(default_factory=list)
    pk_cols: tuple[str, ...] = ()
    apply_defaults: bool = False


def resolve_columns(t: TableInfo, names: list[str], sc: SchemaCache | None = None
                    ) -> list[CField]:
    from ._plan import json_parse

    out = []
    for n in names:
        col = t.columns.get(n)
        if col is None:
            raise PostgrestError("PGRST204", f"Could not find the '{n}' column of '{t.name}' in "
                                 "the schema cache", status=400)
        cf = CField(n, (), False, None, col.nominal_type, col.base_type, None, col.default,
                    False, col.rep_type)
        out.append(json_parse(sc, cf) if sc is not None else cf)
    return out


def infer_returnings(rp: ReadPlan, pk_cols: tuple[str, ...]) -> list[str]:
    names = {s.field.name for s in rp.select}
    if "*" in names:
        return ["*"]
    fk: set[str] = set()
    computed = False
    for c in rp.children:
        r = c.rel
        if r is None:
            continue
        if getattr(r, "kind", "") == "computed":
            computed = True
        elif r.cardinality == "m2m":
            fk.update(a for a, _ in r.junction.source_columns)
        else:
            fk.update(a for a, _ in r.columns)
    if computed:
        return ["*"]
    return sorted(names | fk | set(pk_cols))


def mutate_plan(sc: SchemaCache, kind: str, qi: tuple[str, str], qp: Any, prefs: Any,
                payload: Payload | None, rp: ReadPlan) -> MutatePlan:
    t = sc.tables[qi]
    ctx = Ctx(sc, qi)
    pk = t.pk_cols
    returnings = [] if prefs.representation in (None, "minimal") else infer_returnings(rp, pk)
    logic = [resolve_logic(ctx, tree) for _, tree in qp.logic]
    combined = [CLogic(filter=resolve_filter(ctx, f)) for f in qp.filters_root] + logic
    cols: list[CField] = []
    if kind in ("insert", "update", "upsert") and payload is not None:
        cols = resolve_columns(t, payload.keys, sc)
    if kind == "insert":
        conf = qp.on_conflict if qp.on_conflict is not None else list(pk)
        onc = (prefs.resolution, conf) if prefs.resolution else None
        return MutatePlan("insert", qi, cols, payload, onc, [], [], returnings, pk,
                          prefs.missing == "default")
    if kind == "update":
        return MutatePlan("update", qi, cols, payload, None, combined, [], returnings, pk,
                          prefs.missing == "default")
    if kind == "upsert":
        ok = (not qp.logic and qp.filter_fields == set(pk) and pk and all(
            (not f.expr.negated and f.expr.operation.kind == "quant"
             and f.expr.operation.op == "eq" and f.expr.operation.quant is None)
            for f in qp.filters_root))
        if not ok:
            raise PostgrestError("PGRST105", "Filters must include all and only primary key "
                                 "columns with 'eq' operators", status=405)
        return MutatePlan("upsert", qi, cols, payload, ("merge-duplicates", list(pk)), [],
                          combined, returnings, pk, False)
    return MutatePlan("delete", qi, [], None, None, combined, [], returnings, pk)


def _pgrst_inserted(add: bool) -> str:
    sym, num = ("+", "0") if add else ("-", "-1")
    return ("set_config('pgrst.inserted', (coalesce(nullif(current_setting('pgrst.inserted', "
            f"true), '')::int, 0) {sym} 1)::text, true) <> '{num}'")


def _lit(name: str) -> str:
    s = name.replace("\x00", "")
    esc = "'" + s.replace("'", "''") + "'"
    return "E" + esc.replace("\\", "\\\\") if "\\" in esc else esc


def json_body_f(payload: Payload, fields: list[CField], include_select: bool,
                limit_one: bool, defaults: bool) -> Parts:
    is_obj = payload.is_object
    out: Parts = []
    if include_select:
        out += ["SELECT "] + join(", ", [from_qi(("pgrst_body", f.name)) for f in fields]) + [" "]
    out += ["FROM (SELECT ", Param(payload.raw, "jsonb" if defaults else "json"),
            " AS json_data) pgrst_payload, "]
    if defaults:
        defs = ",".join(f"{_lit(f.name)}, {f.default}" for f in fields if f.default is not None)
        dj = f"jsonb_build_object({defs})"
        if is_obj:
            out += [f"LATERAL (SELECT {dj} || pgrst_payload.json_data AS val) pgrst_json_defs, "]
        else:
            out += [f"LATERAL (SELECT jsonb_agg({dj} || elem) AS val from "
                    "jsonb_array_elements(pgrst_payload.json_data) elem) pgrst_json_defs, "]
        final, elems = "pgrst_json_defs.val", "jsonb_array_elements"
        to_rec = "jsonb_to_record" if is_obj else "jsonb_to_recordset"
    else:
        final, elems = "pgrst_payload.json_data", "json_array_elements"
        to_rec = "json_to_record" if is_obj else "json_to_recordset"
    parsed = join(", ", [[Ident(f.name)] if not f.transform else
                         [f.transform, "(", Ident(f.name), ") AS ", Ident(f.name)]
                         for f in fields])
    if fields:
        typed = join(", ", [[Ident(f.name), " ", f.ir_type] for f in fields])
        src: Parts = [f"{to_rec}({final}) AS _("] + typed + [") "] + \
            (["LIMIT 1"] if limit_one else [])
    else:
        src = ["(values(1)) _ "] if is_obj else [f"{elems}({final}) _ "]
    out += ["LATERAL (SELECT "] + parsed + [" FROM "] + src + [")"] + [" pgrst_body "]
    return out


def returning_f(qi: tuple[str, str], rets: list[str]) -> Parts:
    if not rets:
        return ["RETURNING 1"]
    return ["RETURNING "] + join(", ", [fmt_column(qi, r) for r in rets])


def mutate_query(mp: MutatePlan) -> Parts:
    qi = mp.qi
    cols = join(", ", [[Ident(f.name)] for f in mp.columns])
    if mp.kind in ("insert", "upsert"):
        assert mp.payload is not None
        merge = mp.on_conflict is not None and mp.on_conflict[0] == "merge-duplicates"
        out: Parts = ["INSERT INTO "] + from_qi(qi) + ([" "] if not mp.columns else
                                                        ["("] + cols + [") "])
        out += json_body_f(mp.payload, mp.columns, True, False, mp.apply_defaults)
        if mp.put_conditions:
            out += ["WHERE ", _pgrst_inserted(True), " AND "] + join(
                " AND ", [fmt_logic(("", "pgrst_body"), t) for t in mp.put_conditions])
        if not mp.put_conditions and merge:
            out += ["WHERE ", _pgrst_inserted(True)]
        if mp.on_conflict is not None and mp.on_conflict[1]:
            how, ocols = mp.on_conflict
            out += [" ON CONFLICT("] + join(", ", [[Ident(c)] for c in ocols]) + [") "]
            if how == "ignore-duplicates" or not mp.columns:
                out += ["DO NOTHING"]
            else:
                out += ["DO UPDATE SET "] + join(", ", [[Ident(f.name), " = EXCLUDED.",
                                                         Ident(f.name)] for f in mp.columns])
                if mp.put_conditions or merge:
                    out += ["WHERE ", _pgrst_inserted(False)]
        return out + [" "] + returning_f(qi, mp.returnings)
    where: Parts = []
    if mp.where:
        where = [" WHERE "] + join(" AND ", [fmt_logic(qi, t) for t in mp.where])
    if mp.kind == "update":
        if not mp.columns:
            rets = join(", ", [fmt_column(("", qi[1]), r) for r in mp.returnings]) \
                if mp.returnings else ["NULL"]
            return ["SELECT "] + rets + [" FROM "] + from_qi(qi) + [" WHERE false"]
        assert mp.payload is not None
        sets = join(", ", [[Ident(f.name), " = "] + fmt_column(("", "pgrst_body"), f.name)
                           for f in mp.columns])
        return (["UPDATE "] + from_qi(qi) + [" SET "] + sets + [" "] +
                json_body_f(mp.payload, mp.columns, False, False, mp.apply_defaults) +
                where + [" "] + returning_f(qi, mp.returnings))
    return ["DELETE FROM "] + from_qi(qi) + [" "] + where + [" "] + returning_f(qi, mp.returnings)


def location_f(pk_cols: tuple[str, ...]) -> str:
    keys = "','".join(c.replace("'", "''") for c in pk_cols)
    return ("(\n  WITH data AS (SELECT row_to_json(_) AS row FROM pgrst_source AS _ LIMIT 1)\n"
            "  SELECT array_agg(json_data.key || '=' || coalesce('eq.' || json_data.value, "
            "'is.null'))\n  FROM data CROSS JOIN json_each_text(data.row) AS json_data\n"
            f"  WHERE json_data.key IN ('{keys}')\n)")


def main_write(rp: ReadPlan, mp: MutatePlan, handler: Any, representation: str | None,
               resolution: str | None, strip: bool = False) -> Parts:
    is_insert = mp.kind in ("insert", "upsert")
    is_put = mp.kind == "upsert"
    if is_insert and representation == "headers-only":
        loc = ("CASE WHEN pg_catalog.count(_postgrest_t) = 1 THEN coalesce(" +
               location_f(mp.pk_cols) + ", array[]::text[]) ELSE array[]::text[] END")
    else:
        loc = "array[]::text[]"
    inserted = ("nullif(current_setting('pgrst.inserted', true),'')::int"
                if is_insert and (is_put or resolution == "merge-duplicates") else "''")
    select = ["SELECT * FROM pgrst_source"] if handler == "none" else read_query(rp)
    return (["WITH pgrst_source AS ("] + mutate_query(mp) + [") SELECT '' AS total_result_set, "
            "pg_catalog.count(_postgrest_t) AS page_total, ", loc, " AS header, "] +
            handler_f(handler, strip) +
            [" AS body, nullif(current_setting('response.headers', true), '') AS "
             "response_headers, nullif(current_setting('response.status', true), '') AS "
             "response_status, ", inserted, " AS response_inserted FROM ("] + select +
            [") _postgrest_t"])
