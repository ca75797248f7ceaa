"""``/rpc/<function>``: find the function like PostgREST (``findProc``), build the call
(``callPlanToQuery``) and the main statement (``mainCall``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from pgprobe.catalog._model import Function

from ._errors import PostgrestError
from ._mutate import Payload, json_body_f
from ._plan import CField, ReadPlan
from ._sql import (
    Ident,
    Param,
    Parts,
    count_f,
    count_query,
    fmt_column,
    from_qi,
    handler_f,
    join,
    read_query,
)

_MAXLEN = {"bit": "bit varying", "bit[]": "bit varying[]", "character": "character varying",
           "character[]": "character varying[]"}


@dataclass
class RoutineParam:
    name: str
    type: str
    type_max_length: str
    required: bool
    variadic: bool


@dataclass
class Routine:
    fn: Function
    params: list[RoutineParam]
    returns_set: bool
    composite: bool
    ret_schema: str
    ret_name: str
    volatility: str
    has_variadic: bool
    settings: list[tuple[str, str]] = field(default_factory=list)

    @property
    def schema(self) -> str:
        return self.fn.schema

    @property
    def name(self) -> str:
        return self.fn.name

    @property
    def single(self) -> bool:
        return not self.returns_set

    @property
    def scalar(self) -> bool:
        return not self.returns_set and not self.composite

    @property
    def setof_scalar(self) -> bool:
        return self.returns_set and not self.composite

    @property
    def single_composite(self) -> bool:
        return not self.returns_set and self.composite

    @property
    def void(self) -> bool:
        return self.scalar and self.ret_schema == "pg_catalog" and self.ret_name == "void"

    @property
    def table_name(self) -> str | None:
        return self.ret_name if self.composite else None

    def flags(self) -> dict[str, bool]:
        return {"scalar": self.scalar, "setof_scalar": self.setof_scalar,
                "single_composite": self.single_composite}


def routine_of(fn: Function, domains: dict[str, str] | None = None) -> Routine | None:
    """PostgREST's view of a function, or None when PostgREST would not expose it."""
    if fn.kind != "function":
        return None
    inputs = [a for a in fn.args if a.mode in ("in", "inout", "variadic")]
    n_defaults = sum(1 for a in inputs if a.has_default)
    params = []
    for i, a in enumerate(inputs, 1):
        t = a.type
        params.append(RoutineParam(a.name or "", t, _MAXLEN.get(t, t),
                                   i <= len(inputs) - n_defaults, a.mode == "variadic"))
    unnamed = [p for p in params if not p.name]
    if len(unnamed) > 1 or (len(unnamed) == 1 and unnamed[0].type not in (
            "bytea", "json", "jsonb", "text", "xml")):
        return None
    if fn.return_type == "trigger":
        return None
    has_out = any(a.mode in ("out", "inout", "table") for a in fn.args)
    composite = fn.return_type_kind == "composite" or has_out
    rschema = getattr(fn, "return_type_schema", None) or "pg_catalog"
    rname = getattr(fn, "return_udt_name", None) or fn.return_type
    if fn.return_type_relation:
        rschema, rname = fn.return_type_relation.split(".", 1)
    elif fn.return_type_kind == "domain" and domains:
        base = domains.get(f"{rschema}.{rname}")
        if base and "." in base:
            rschema, rname = base.split(".", 1)
            composite = composite or domains.get(f"__rel__{base}") is not None
    if rname == "void":
        rschema = "pg_catalog"
    return Routine(fn, params, fn.returns_set, composite, rschema, rname, fn.volatility,
                   any(p.variadic for p in params))


def _domains(sc: Any) -> dict[str, str]:
    cached = getattr(sc, "_rpc_domains", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    out: dict[str, str] = {}
    for d in sc.snapshot.domains:
        out[f"{d.schema}.{d.name}"] = d.base_type if "." in d.base_type else \
            f"pg_catalog.{d.base_type}"
    for r in sc.snapshot.relations:
        out[f"__rel__{r.schema}.{r.name}"] = "rel"
    sc._rpc_domains = out
    return out


def _fmt_proc(r: Routine) -> str:
    args = ", ".join(f"{p.name} => {p.type}" for p in r.params)
    return f"{r.schema}.{r.name}({args})"


def find_proc(sc: Any, schema: str, name: str, keys: set[str], content: str, is_post: bool
              ) -> Routine:
    doms = _domains(sc)
    procs = [r for r in (routine_of(f, doms) for f in sc.routines.get((schema, name), ())) if r]
    procs.sort(key=lambda r: len(r.params))

    def single_unnamed(r: Routine) -> bool:
        if len(r.params) != 1 or r.params[0].name or not is_post:
            return False
        t = r.params[0].type
        return (content, t) in (("json", "json"), ("json", "jsonb"), ("plain", "text"),
                                ("xml", "xml"), ("octet", "bytea"))

    def matches(r: Routine) -> bool:
        if not r.params:
            return not keys and not (is_post and content in ("octet", "plain", "xml"))
        req = {p.name for p in r.params if p.required}
        opt = {p.name for p in r.params if not p.required}
        if not opt:
            return keys == req
        if not req:
            return keys <= opt
        return keys - opt == req

    matched = [r for r in procs if matches(r)]
    fallback = [r for r in procs if not matches(r) and single_unnamed(r)]
    if len(matched) == 1:
        return matched[0]
    if len(matched) > 1:
        raise _ambiguous(matched)
    if len(fallback) == 1:
        return fallback[0]
    if len(fallback) > 1:
        raise _ambiguous(fallback)
    raise _no_rpc(sc, schema, name, sorted(keys), content, is_post, procs)


def _ambiguous(procs: list[Routine]) -> PostgrestError:
    return PostgrestError("PGRST203", "Could not choose the best candidate function between: " +
                          ", ".join(_fmt_proc(p) for p in procs), None,
                          "Try renaming the parameters or the function itself in the database "
                          "so function overloading can be resolved", status=300)


def _no_rpc(sc: Any, schema: str, name: str, keys: list[str], content: str, is_post: bool,
            overloaded: list[Routine]) -> PostgrestError:
    only_single = is_post and content in ("plain", "xml", "octet")
    func = f"{schema}.{name}"
    prms = ", ".join(keys)

    def fmt(text: str) -> str:
        return " without parameters" if not keys else text
    msg = f"Could not find the function {func}" + ("" if only_single else fmt(f"({prms})")) + \
        " in the schema cache"
    det_prms = " with parameter" + ("s " if len(keys) > 1 else " ") + prms
    if is_post and content == "plain":
        det = " with a single unnamed text parameter"
    elif is_post and content == "xml":
        det = " with a single unnamed xml parameter"
    elif is_post and content == "octet":
        det = " with a single unnamed bytea parameter"
    elif is_post and content == "json":
        det = fmt(det_prms) + " or with a single unnamed json/jsonb parameter"
    else:
        det = fmt(det_prms)
    details = f"Searched for the function {func}{det}, but no matches were found in the schema " \
        "cache."
    hint = None
    if not only_single:
        hint = _rpc_hint(sc, schema, name, keys, overloaded)
    return PostgrestError("PGRST202", msg, details, hint, status=404)


def _rpc_hint(sc: Any, schema: str, name: str, keys: list[str], overloaded: list[Routine]
              ) -> str | None:
    from pgprobe.relationships import FuzzySet

    if not overloaded:
        doms = _domains(sc)
        names = sorted({n for (s, n), fs in sc.routines.items() if s == schema
                        and any(routine_of(f, doms) for f in fs)})
        best = FuzzySet(names).get_one(name, 0.75)
        return f"Perhaps you meant to call the function {schema}.{best}" if best else None

    def as_text(ps: list[str]) -> str:
        return "(" + ", ".join(sorted(ps)) + ")"

    options = [as_text([p.name for p in r.params]) for r in overloaded]
    best = FuzzySet(options).get_one(as_text(keys))
    return f"Perhaps you meant to call the function {schema}.{name}{best}" if best else None


@dataclass
class CallPlan:
    routine: Routine
    params: list[RoutineParam] | RoutineParam
    args: dict[str, Any] | None
    json_args: Payload | None
    raw_body: Any
    filter_fields: set[str]
    returnings: list[str]


def rpc_args(r: Routine, pairs: list[tuple[str, str]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    variadic = {p.name for p in r.params if p.variadic}
    for k, v in pairs:  # repeated keys: the last wins, variadic ones accumulate
        if k in variadic:
            out.setdefault(k, []).append(v)
        else:
            out[k] = v
    return out


def call_query(cp: CallPlan) -> Parts:
    r = cp.routine
    qi = (r.schema, r.name)
    scalar = r.scalar or r.setof_scalar

    def call_it(arg: Parts) -> Parts:
        if scalar:
            return ["(SELECT "] + from_qi(qi) + ["("] + arg + [") pgrst_scalar) pgrst_call"]
        return from_qi(qi) + ["("] + arg + [") pgrst_call"]

    if isinstance(cp.params, RoutineParam):
        p = cp.params
        if cp.args is not None:
            body: Any = json.dumps(cp.args)
        else:
            body = cp.raw_body
        if p.type == "bytea":
            raw = body.encode() if isinstance(body, str) else body
            arg: Parts = [Param(raw, "bytea")]
        else:
            if isinstance(body, bytes):
                body = body.decode("utf-8", "replace")
            arg = [Param(body), "::", p.type]
        frm = ["FROM "] + call_it(arg)
    elif not cp.params:
        frm = ["FROM "] + call_it([])
    elif cp.args is not None:
        items = []
        for p in cp.params:
            v = cp.args.get(p.name)
            pre: Parts = ["VARIADIC "] if p.variadic else []
            if v is None:
                val: Parts = ["NULL"]
            elif isinstance(v, list):
                val = [Param(v, "text[]")]
            else:
                val = [Param(v)]
            items.append(pre + [Ident(p.name), " := "] + val + ["::", p.type_max_length])
        frm = ["FROM "] + call_it(join(", ", items))
    else:
        assert cp.json_args is not None
        fields = [CField(p.name, (), False, None, p.type_max_length) for p in cp.params]
        fmt = join(", ", [(["VARIADIC "] if p.variadic else []) +
                          [Ident(p.name), " := pgrst_body.", Ident(p.name)] for p in cp.params])
        frm = json_body_f(cp.json_args, fields, False, True, False) + [", LATERAL "] + call_it(fmt)
    if scalar:
        cols: Parts = ["pgrst_call.pgrst_scalar"]
    elif not cp.returnings:
        cols = ["*"]
    elif cp.returnings == ["*"]:
        cols = fmt_column(("", "pgrst_call"), "*")
    else:
        names = sorted(set(cp.returnings) | cp.filter_fields)
        cols = join(", ", [fmt_column(("", "pgrst_call"), c) for c in names])
    return ["SELECT "] + cols + [" "] + frm


def filter_field_names(rp: ReadPlan) -> set[str]:
    out: set[str] = set()

    def walk_logic(t: Any) -> None:
        if t.filter is not None:
            f = t.filter
            if f.null_embed is not None:
                out.add(f.null_embed[1])
            elif f.field is not None:
                out.add(f.field.name)
        for c in t.children:
            walk_logic(c)

    def walk(n: ReadPlan) -> None:
        for t in n.where:
            walk_logic(t)
        for c in n.children:
            walk(c)

    walk(rp)
    return out


def main_call(r: Routine, cp: CallPlan, rp: ReadPlan, count: str | None, max_rows: int | None,
              rng: tuple[int, int | None], handler: Any, strip: bool = False) -> Parts:
    page = "1" if r.single else "pg_catalog.count(_postgrest_t)"
    cte, total = count_f(count_query(rp), page, count in ("exact", "estimated"), max_rows, rng)
    return (["WITH pgrst_source AS ("] + call_query(cp) + [") "] + cte + ["SELECT "] + total +
            [" AS total_result_set, ", page, " AS page_total, "] +
            handler_f(handler, strip, r.flags()) +
            [" AS body, nullif(current_setting('response.headers', true), '') AS "
             "response_headers, nullif(current_setting('response.status', true), '') AS "
             "response_status, '' AS response_inserted FROM ("] + read_query(rp) +
            [") _postgrest_t"])
