"""PostgREST's SQL builder (``Query.QueryBuilder`` / ``Query.SqlFragment``) over a read plan.

Statements are lists of parts: SQL text (``str``), :class:`Ident` (always quoted) and
:class:`Param` (a bound parameter of type ``unknown``, as PostgREST binds them). They turn
into a :class:`psycopg.sql.Composed` with ``$n`` placeholders for execution, or into text
with literals for display.

>>> to_text(["SELECT ", Ident('a"b'), " = ", Param("x'y")])
'SELECT "a""b" = \\'x\\'\\'y\\''
"""

from __future__ import annotations

from typing import Any

from psycopg import sql
from psycopg.types.json import Json, Jsonb

from ._plan import (
    ALL_RANGE,
    QI,
    SOURCE_CTE,
    CField,
    CFilter,
    CLogic,
    COrder,
    CSelect,
    ReadPlan,
    RelSelect,
    SpreadSel,
    ToManySpread,
    range_limit,
)


class Ident(str):
    """An identifier: always double-quoted, NUL characters dropped (PostgREST's escapeIdent)."""

    __slots__ = ()


class Param:
    """A bound parameter: ``unknown``-typed text, or ``json``/``jsonb`` for payloads."""

    __slots__ = ("value", "kind")

    def __init__(self, value: Any, kind: str | None = None) -> None:
        self.value = value
        self.kind = kind

    def __repr__(self) -> str:
        return f"Param({self.value!r})"


Part = str | Ident | Param
Parts = list[Any]  # of Part: str, Ident or Param


def quote_ident(name: str) -> str:
    return '"' + name.replace("\x00", "").replace('"', '""') + '"'


def quote_literal(v: Any) -> str:
    if v is None:
        return "NULL"
    s = str(v).replace("\x00", "")
    if "\\" in s:
        return "E'" + s.replace("\\", "\\\\").replace("'", "''") + "'"
    return "'" + s.replace("'", "''") + "'"


def to_text(parts: Parts) -> str:
    out = []
    for p in parts:
        if isinstance(p, Ident):
            out.append(quote_ident(p))
        elif isinstance(p, Param):
            out.append(quote_literal(p.value) + (f"::{p.kind}" if p.kind else ""))
        else:
            out.append(p)
    return "".join(out)


def to_composed(parts: Parts) -> tuple[sql.Composed, list[Any]]:
    """``(Composed with $1.. placeholders, params)`` for a raw (server-side binding) cursor."""
    seq: list[sql.Composable] = []
    params: list[Any] = []
    buf: list[str] = []
    for p in parts:
        if isinstance(p, Ident):
            if buf:
                seq.append(sql.SQL("".join(buf)))
                buf = []
            seq.append(sql.Identifier(p.replace("\x00", "")))
        elif isinstance(p, Param):
            if p.kind == "json":
                params.append(Json(p.value, dumps=_raw))
            elif p.kind == "jsonb":
                params.append(Jsonb(p.value, dumps=_raw))
            elif p.kind in ("bytea", "text[]"):
                params.append(p.value)
            else:
                params.append(p.value)
            buf.append(f"${len(params)}")
        else:
            buf.append(p)
    if buf:
        seq.append(sql.SQL("".join(buf)))
    return sql.Composed(seq), params


def _raw(v: Any) -> str:
    return str(v)


def join(sep: str, items: list[Parts]) -> Parts:
    out: Parts = []
    for i, it in enumerate(items):
        if i:
            out.append(sep)
        out.extend(it)
    return out


# -- fragments --------------------------------------------------------------------------
def from_qi(qi: QI) -> Parts:
    s, n = qi
    return [Ident(s), ".", Ident(n)] if s else [Ident(n)]


def fmt_column(qi: QI, c: str) -> Parts:
    if c == "*":
        return from_qi(qi) + [".*"]
    return from_qi(qi) + [".", Ident(c)]


def fmt_json_path(jp: Any) -> Parts:
    out: Parts = []
    for arrow, (kind, val) in jp:
        out.append(arrow)
        out.append(Param(val))
        if kind == "idx":
            out.append("::int")
    return out


def fmt_field(qi: QI, cf: CField) -> Parts:
    if cf.full_row:
        fld: Parts = [Ident(qi[1])]
    elif not cf.json_path:
        fld = fmt_column(qi, cf.name)
    elif cf.to_json:
        fld = ["to_jsonb("] + fmt_column(qi, cf.name) + [")"] + fmt_json_path(cf.json_path)
    else:
        fld = fmt_column(qi, cf.name) + fmt_json_path(cf.json_path)
    if cf.to_tsvector is not None:
        lang = cf.to_tsvector[0]
        return ["to_tsvector("] + ([Param(lang), ", "] if lang is not None else []) + fld + [")"]
    return fld


def fmt_table_coerce(qi: QI, cf: CField) -> Parts:
    if cf.transform:
        return [cf.transform, "("] + fmt_field(qi, cf) + [")"]
    return fmt_field(qi, cf)


def apply_cast(cast: str | None, snip: Parts) -> Parts:
    if cast is None:
        return snip
    return ["CAST( "] + snip + [" AS ", cast, " )"]


def apply_agg(agg: str | None, agg_cast: str | None, snip: Parts) -> Parts:
    if agg is None:
        return snip
    return apply_cast(agg_cast, [agg.upper(), "("] + snip + [")"])


def fmt_as(alias: str | None) -> Parts:
    return [" AS ", Ident(alias)] if alias is not None else []


def fmt_select_item(qi: QI, s: CSelect) -> Parts:
    return apply_agg(s.agg, s.agg_cast, apply_cast(s.cast, fmt_table_coerce(qi, s.field))) + \
        fmt_as(s.alias)


def full_sel_name(agg_alias: str, name: str) -> Parts:
    if name == "*":
        return [Ident(agg_alias), ".*"]
    return [Ident(agg_alias), ".", Ident(name)]


def fmt_spread_select_item(agg_alias: str, s: SpreadSel) -> Parts:
    return apply_agg(s.agg, s.agg_cast, full_sel_name(agg_alias, s.name)) + fmt_as(s.alias)


def fmt_spread_join_select_item(agg_alias: str, order: list[COrder], s: SpreadSel) -> Parts:
    return (["COALESCE(json_agg("] + full_sel_name(agg_alias, s.name) + [" "]
            + order_f(("", agg_alias), order) + ["),'[]')::jsonb AS ", Ident(s.alias or s.name)])


_SIMPLE = {"neq": "<>", "cs": "@>", "cd": "<@", "ov": "&&", "sl": "<<", "sr": ">>",
           "nxr": "&<", "nxl": "&>", "adj": "-|-"}
_QUANT = {"eq": "=", "gte": ">=", "gt": ">", "lte": "<=", "lt": "<", "like": "like",
          "ilike": "ilike", "match": "~", "imatch": "~*"}
_FTS = {"fts": "@@ to_tsquery", "plfts": "@@ plainto_tsquery", "phfts": "@@ phraseto_tsquery",
        "wfts": "@@ websearch_to_tsquery"}
_IS = {"null": "NULL", "not_null": "NOT NULL", "true": "TRUE", "false": "FALSE",
       "unknown": "UNKNOWN"}


def _array_literal(vals: tuple[str, ...]) -> str:
    def esc(x: str) -> str:
        x = x.replace("\x00", "").replace("\\", "\\\\")
        return '"' + x.replace('"', '\\"') + '"'
    return "{" + ",".join(esc(v) for v in vals) + "}"


def literal_for_field(value: Parts, cf: CField) -> Parts:
    if cf.transform:
        return [cf.transform, "("] + value + [")"]
    return value


def fmt_filter(qi: QI, f: CFilter) -> Parts:
    if f.null_embed is not None:
        neg, alias = f.null_embed
        return [Ident(alias), " IS " + ("" if neg else "NOT ") + "DISTINCT FROM NULL"]
    assert f.field is not None and f.expr is not None
    op = f.expr.operation
    out: Parts = ["NOT" if f.expr.negated else "", " "] + fmt_field(qi, f.field)
    if op.kind == "op":
        return out + [" ", _SIMPLE[op.op], " "] + literal_for_field([Param(op.value)], f.field)
    if op.kind == "quant":
        if op.op in ("like", "ilike"):
            val: Parts = [Param(str(op.value).replace("*", "%"))]
        else:
            val = literal_for_field([Param(op.value)], f.field)
        if op.quant == "any":
            val = ["ANY("] + val + [")"]
        elif op.quant == "all":
            val = ["ALL("] + val + [")"]
        return out + [" ", _QUANT[op.op], " "] + val
    if op.kind == "is":
        return out + [" IS ", _IS[str(op.value).lower()]]
    if op.kind == "isdistinct":
        return out + [" IS DISTINCT FROM ", Param(op.value)]
    if op.kind == "in":
        vals = tuple(op.value)
        if vals == ("",):
            return out + [" ", "= ANY('{}') "]
        if f.field.transform:
            arr: Parts = ["(SELECT ", f.field.transform, "(unnest(", Param(_array_literal(vals)),
                          "::text[])))"]
        else:
            arr = [Param(_array_literal(vals))]
        return out + [" ", "= ANY ("] + arr + [") "]
    if op.kind == "fts":
        lang: Parts = [Param(op.lang), ", "] if op.lang is not None else []
        return out + [" ", _FTS[op.op], "("] + lang + [Param(op.value), ") "]
    return []


def fmt_logic(qi: QI, t: CLogic) -> Parts:
    if t.filter is not None:
        return fmt_filter(qi, t.filter)
    sep = " AND " if t.op == "and" else " OR "
    return [("NOT" if t.negated else ""), " ("] + join(sep, [fmt_logic(qi, c) for c in
                                                            t.children]) + [")"]


def fmt_join_cond(jc: tuple[tuple[QI, str], tuple[QI, str]]) -> Parts:
    (q1, c1), (q2, c2) = jc
    return fmt_column(q1, c1) + [" = "] + fmt_column(q2, c2)


def fmt_order_term(qi: QI, o: COrder) -> Parts:
    if o.relation is not None:
        assert o.rel_term is not None
        fld = fmt_field(("", o.relation), CField(o.rel_term[0], o.rel_term[1]))
    else:
        assert o.field is not None
        fld = fmt_field(qi, o.field)
    d = {"asc": "ASC", "desc": "DESC"}.get(o.direction or "", "")
    n = {"nullsfirst": "NULLS FIRST", "nullslast": "NULLS LAST"}.get(o.nulls or "", "")
    return fld + [" ", f"{d} {n}"]


def order_f(qi: QI, orders: list[COrder]) -> Parts:
    if not orders:
        return []
    return ["ORDER BY "] + join(", ", [fmt_order_term(qi, o) for o in orders])


def limit_offset_f(r: tuple[int, int | None]) -> Parts:
    if r == ALL_RANGE:
        return []
    lim = range_limit(r)
    return ["LIMIT "] + (["ALL"] if lim is None else [Param(str(lim))]) + \
        [" OFFSET ", Param(str(r[0]))]


def group_f(qi: QI, select: list[CSelect], rel_select: list[RelSelect]) -> Parts:
    no_sel_agg = not any(s.agg for s in select)
    no_rel_agg = all(all(s.agg is None for s in r.spread_sel) for r in rel_select
                     if r.kind == "spread")
    terms: list[Parts] = []
    for s in select:
        if s.agg is not None:
            continue
        terms.append([Ident(s.alias)] if s.alias is not None else fmt_field(qi, s.field))
    for r in rel_select:
        if r.kind == "embed":
            terms.append([Ident(r.sel_name)])
        else:
            sub = [[Ident(r.agg_alias), ".", Ident(s.alias or s.name)]
                   for s in r.spread_sel if s.agg is None]
            if sub:
                terms.append(join(", ", sub))
    if (no_sel_agg and no_rel_agg) or not terms:
        return []
    return [" GROUP BY "] + join(", ", terms)


def qualified(rp: ReadPlan) -> QI:
    if rp.rel is not None and getattr(rp.rel, "kind", "") == "computed":
        return ("", rp.from_alias or rp.rel.function.name)
    return ("", rp.from_alias) if rp.from_alias else rp.from_


def from_f(rp: ReadPlan) -> Parts:
    r = rp.rel
    if r is not None and getattr(r, "kind", "") == "computed":
        assert rp.computed_parent is not None
        out: Parts = [" FROM "] + from_qi((r.function.schema, r.function.name)) + \
            ["(", Ident(rp.computed_parent[1]), "::"] + \
            from_qi((r.table.schema, r.table.name)) + [")"]
    else:
        out = [" FROM "] + from_qi(rp.from_)
    if rp.from_alias:
        out += [" AS ", Ident(rp.from_alias)]
    if r is not None and getattr(r, "kind", "") != "computed" and r.cardinality == "m2m":
        out += [", "] + from_qi((r.junction.table.schema, r.junction.table.name))
    return out


# -- read query ---------------------------------------------------------------------------
def read_query(rp: ReadPlan) -> Parts:
    qi = qualified(rp)
    if not rp.select and not rp.children:
        sels = [fmt_select_item(qi, CSelect(CField("*")))]
    else:
        sels = [fmt_select_item(qi, s) for s in rp.select]
    if isinstance(rp.spread, ToManySpread):
        sels += [fmt_select_item(("", rel) if rel else qi, s) for rel, s in
                 rp.spread.extra_select]
    sels += join_selects(rp)
    out: Parts = ["SELECT "] + join(", ", sels) + from_f(rp)
    joins = get_joins(rp)
    if joins:
        out += join(" ", joins)
    if rp.where or rp.join_conds:
        out += [" WHERE "] + join(" AND ", [fmt_logic(qi, t) for t in rp.where] +
                                  [fmt_join_cond(j) for j in rp.join_conds])
    out += [" "] + group_f(qi, rp.select, rp.rel_select) + [" "] + order_f(qi, rp.order) + \
        [" "] + limit_offset_f(rp.range)
    return out


def join_selects(rp: ReadPlan) -> list[Parts]:
    out: list[Parts] = []
    for f in rp.rel_select:
        if f.kind == "embed":
            if f.empty:
                continue
            a = Ident(f.agg_alias)
            if f.to_one:
                out.append(["row_to_json(", a, ".*)::jsonb AS ", Ident(f.sel_name)])
            else:
                out.append(["COALESCE( ", a, ".", a, ", '[]') AS ", Ident(f.sel_name)])
        else:
            out.extend(fmt_spread_select_item(f.agg_alias, s) for s in f.spread_sel)
    return out


def get_joins(rp: ReadPlan) -> list[Parts]:
    if not rp.children:
        return []
    by_alias = {c.agg_alias: c for c in rp.children}
    return [get_join(f, by_alias[f.agg_alias]) for f in rp.rel_select]


def get_join(f: RelSelect, node: ReadPlan) -> Parts:
    inner = node.join_type == "inner"
    a = Ident(f.agg_alias)

    def lateral(sub: Parts, cond: Parts) -> Parts:
        return [" ", "INNER" if inner else "LEFT", " JOIN LATERAL ( "] + sub + \
            [" ) AS ", a, " ON "] + cond

    subquery = read_query(node)
    sel_agg: Parts = ["SELECT json_agg(", a, ")::jsonb AS ", a]
    from_agg: Parts = [" FROM ("] + subquery + [" ) AS ", a]
    cond: Parts = [a, " IS NOT NULL"] if inner else ["TRUE"]
    if f.kind == "embed" and f.to_one:
        return lateral(subquery, ["TRUE"])
    if f.kind == "spread":
        if isinstance(node.spread, ToManySpread):
            items = [fmt_spread_join_select_item(f.agg_alias, node.spread.order, s)
                     for s in f.spread_sel]
            sel = sel_agg + ([", "] if items else []) + join(", ", items)
            return lateral(sel + from_agg, cond)
        return lateral(subquery, ["TRUE"])
    return lateral(sel_agg + from_agg, cond)


def count_query(rp: ReadPlan) -> Parts:
    qi = qualified(rp)
    subs = [["EXISTS ("] + count_query(c) + [" )"] for c in rp.children if c.join_type == "inner"]

    def logic_count(t: CLogic) -> Parts:
        if t.filter is not None:
            f = t.filter
            if f.null_embed is not None:
                neg, alias = f.null_embed
                node = next((c for c in rp.children if c.agg_alias == alias), None)
                if node is None:
                    return []
                return [("" if neg else "NOT ") + "EXISTS ("] + count_query(node) + [")"]
            return fmt_filter(qi, f)
        sep = " AND " if t.op == "and" else " OR "
        return [("NOT" if t.negated else ""), " ("] + join(sep, [logic_count(c) for c in
                                                                t.children]) + [")"]

    out: Parts = ["SELECT 1 "] + from_f(rp)
    if rp.where or rp.join_conds or subs:
        out += [" WHERE "]
    out += join(" AND ", [logic_count(t) for t in rp.where] +
                [fmt_join_cond(j) for j in rp.join_conds] + subs)
    return out


# -- main statements ----------------------------------------------------------------------
def handler_f(handler: Any, strip: bool = False, routine: Any = None) -> Parts:
    scalar = routine is not None and routine.get("scalar")
    setof_scalar = routine is not None and routine.get("setof_scalar")
    single_comp = routine is not None and routine.get("single_composite")

    def nulls(s: str) -> str:
        return f"json_strip_nulls({s})" if strip else s

    if isinstance(handler, tuple):  # custom media handler aggregate
        _, fn, target = handler
        if scalar:
            return from_qi(fn) + ["(_postgrest_t.pgrst_scalar)"]
        if target == "any":
            return from_qi(fn) + ["(_postgrest_t)"]
        return from_qi(fn) + ["(_postgrest_t::"] + from_qi((target[1], target[2])) + [")"]
    if handler == "single":
        if scalar:
            return ["coalesce(" + nulls("json_agg(_postgrest_t.pgrst_scalar)->0") + ", 'null')"]
        return ["coalesce(" + nulls("json_agg(_postgrest_t)->0") + ", 'null')"]
    if handler == "json":
        if single_comp:
            return ["coalesce(" + nulls("json_agg(_postgrest_t)->0") + ", 'null')"]
        if scalar:
            return ["coalesce(" + nulls("json_agg(_postgrest_t.pgrst_scalar)->0") + ", 'null')"]
        if setof_scalar:
            return ["coalesce(" + nulls("json_agg(_postgrest_t.pgrst_scalar)") + ", '[]')"]
        return ["coalesce(" + nulls("json_agg(_postgrest_t)") + ", '[]')"]
    if handler == "csv":
        return ["(SELECT coalesce(string_agg(a.k, ','), '')  FROM (    SELECT "
                "json_object_keys(r)::text as k    FROM (       SELECT row_to_json(hh) as r "
                "from pgrst_source as hh limit 1    ) s  ) a) || '\n' || coalesce(string_agg("
                "substring(_postgrest_t::text, 2, length(_postgrest_t::text) - 2), '\n'), '')"]
    if handler == "geojson":
        return ["json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg("
                "ST_AsGeoJSON(_postgrest_t)::json), '[]'))"]
    return ["''::text"]


def count_f(count_q: Parts, page_count: str, should_count: bool, max_rows: int | None,
            rng: tuple[int, int | None]) -> tuple[Parts, Parts]:
    if should_count:
        if max_rows is not None or rng != ALL_RANGE:
            return ([", pgrst_source_count AS ("] + count_q + [")"],
                    ["(SELECT pg_catalog.count(*) FROM pgrst_source_count)"])
        return [], [page_count]
    return [], ["null::bigint"]


def main_read(rp: ReadPlan, count: str | None, max_rows: int | None,
              rng: tuple[int, int | None], handler: Any, strip: bool = False) -> Parts:
    page_count = "pg_catalog.count(_postgrest_t)"
    cq = count_query(rp)
    if count == "estimated" and max_rows is not None:
        cq = cq + [f" LIMIT {max_rows + 1}"]
    cte, total = count_f(cq, page_count, count in ("exact", "estimated"), max_rows, rng)
    return (["WITH ", SOURCE_CTE, " AS ( "] + read_query(rp) + [" ) "] + cte + [" "] +
            ["SELECT "] + total + [" AS total_result_set, ", page_count, " AS page_total, "] +
            handler_f(handler, strip) +
            [" AS body, nullif(current_setting('response.headers', true), '') AS "
             "response_headers, nullif(current_setting('response.status', true), '') AS "
             "response_status, '' AS response_inserted FROM ( SELECT * FROM ", SOURCE_CTE,
             " ) _postgrest_t"])
