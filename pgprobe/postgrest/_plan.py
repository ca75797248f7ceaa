"""The read plan: PostgREST's ``ReadPlanTree`` built from parsed query parameters.

Follows ``PostgREST.Plan`` stage by stage (filters, orders, ranges, logic trees,
relationships, star expansion, aliases, related orders, null-embed filters, embed
selects, aggregate checks and hoisting, to-many spread orders, ``db-max-rows``), so that
the generated SQL and the errors match PostgREST's.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from ._errors import PostgrestError
from ._schema import SchemaCache
from ._types import (
    Field,
    Filter,
    JsonPath,
    LogicTree,
    OpExpr,
    OrderTerm,
    QueryParams,
    SelectField,
    SelectNode,
    SelectRelation,
    SpreadRelation,
)

SOURCE_CTE = "pgrst_source"
ALL_RANGE: tuple[int, int | None] = (0, None)
LIMIT_ZERO: tuple[int, int | None] = (0, -1)
QI = tuple[str, str]


@dataclass
class CField:
    """``CoercibleField``."""

    name: str
    json_path: JsonPath = ()
    to_json: bool = False
    to_tsvector: tuple[str | None] | None = None
    ir_type: str = ""
    base_type: str = ""
    transform: str | None = None
    default: str | None = None
    full_row: bool = False
    rep_type: str | None = None


@dataclass
class CSelect:
    field: CField
    agg: str | None = None
    agg_cast: str | None = None
    cast: str | None = None
    alias: str | None = None


@dataclass
class CFilter:
    field: CField | None
    expr: OpExpr | None
    null_embed: tuple[bool, str] | None = None
    """``CoercibleFilterNullEmbed``: (negated, aggregate alias)."""


@dataclass
class CLogic:
    negated: bool = False
    op: str = "and"
    children: list[CLogic] = field(default_factory=list)
    filter: CFilter | None = None


@dataclass
class COrder:
    field: CField | None
    direction: str | None = None
    nulls: str | None = None
    relation: str | None = None
    rel_term: Field | None = None


@dataclass
class SpreadSel:
    name: str
    agg: str | None = None
    agg_cast: str | None = None
    alias: str | None = None


@dataclass
class RelSelect:
    kind: str  # "embed" | "spread"
    agg_alias: str
    sel_name: str = ""
    to_one: bool = False
    empty: bool = False
    spread_sel: list[SpreadSel] = field(default_factory=list)


@dataclass
class ToManySpread:
    extra_select: list[tuple[str | None, CSelect]] = field(default_factory=list)
    order: list[COrder] = field(default_factory=list)


@dataclass
class ReadPlan:
    from_: QI
    rel_name: str
    depth: int = 0
    select: list[CSelect] = field(default_factory=list)
    from_alias: str | None = None
    where: list[CLogic] = field(default_factory=list)
    order: list[COrder] = field(default_factory=list)
    range: tuple[int, int | None] = ALL_RANGE
    rel: Any = None
    join_conds: list[tuple[tuple[QI, str], tuple[QI, str]]] = field(default_factory=list)
    rel_alias: str | None = None
    agg_alias: str = ""
    hint: str | None = None
    join_type: str | None = None
    spread: Any = None  # None | "to_one" | ToManySpread
    rel_select: list[RelSelect] = field(default_factory=list)
    legacy_match: bool = False
    children: list[ReadPlan] = field(default_factory=list)
    computed_parent: QI | None = None
    """For a computed relationship: the parent's alias qualifier (``relTableAlias``)."""

    @property
    def name(self) -> str:
        return self.rel_alias or self.rel_name


@dataclass
class Ctx:
    sc: SchemaCache
    qi: QI


def unknown_field(name: str, jp: JsonPath = ()) -> CField:
    return CField(name, jp)


def resolve_type(ctx: Ctx, fld: Field, to_ts: tuple[str | None] | None = None) -> CField:
    name, jp = fld
    t = ctx.sc.tables.get(ctx.qi)
    col = t.columns.get(name) if t is not None else None
    if col is None:
        cf = CField(name, jp)
    else:
        cf = CField(name, jp, False, to_ts, col.nominal_type, col.base_type, None, col.default,
                    False, col.rep_type)
    if cf.ir_type in ("json", "jsonb"):
        cf.to_json = False
    elif cf.base_type == "tsvector":
        cf.to_json = True
        cf.to_tsvector = None
    else:
        cf.to_json = True
    return cf


def with_transformer(sc: SchemaCache, cf: CField, source: str | None, target: str | None,
                     ir: str) -> CField:
    if source is None or target is None:
        return cf
    fn = sc.representations.get((source, target))
    if fn is not None:
        cf.ir_type = ir
        cf.transform = fn
    return cf


def output_format(sc: SchemaCache, cf: CField) -> CField:
    return with_transformer(sc, cf, cf.rep_type, "json", cf.ir_type)


def text_parse(sc: SchemaCache, cf: CField) -> CField:
    return with_transformer(sc, cf, "text", cf.rep_type, "text")


def json_parse(sc: SchemaCache, cf: CField) -> CField:
    return with_transformer(sc, cf, "json", cf.rep_type, "json")


def resolve_filter(ctx: Ctx, flt: Filter) -> CFilter:
    op = flt.expr.operation
    to_ts = (op.lang,) if op.kind == "fts" else None
    return CFilter(text_parse(ctx.sc, resolve_type(ctx, flt.field, to_ts)), flt.expr)


def resolve_logic(ctx: Ctx, t: LogicTree) -> CLogic:
    if t.filter is not None:
        return CLogic(filter=resolve_filter(ctx, t.filter))
    return CLogic(t.negated, t.op, [resolve_logic(ctx, c) for c in t.children])


def _err(code: str, message: str, details: Any = None, hint: Any = None, status: int = 400
         ) -> PostgrestError:
    return PostgrestError(code, message, details, hint, status=status)


def not_embedded(name: str, legacy: tuple[str, str] | None) -> PostgrestError:
    if legacy is None:
        return _err("PGRST108", f"'{name}' is not an embedded resource in this request", None,
                    f"Verify that '{name}' is included in the 'select' query parameter.")
    return _err("PGRST108", f"'{name}' is not an embedded resource in this request",
                "Target names are not allowed in filters if they have an alias",
                f"Change '{legacy[0]}' to '{legacy[1]}' in filters, orders or limits.")


# -- building -----------------------------------------------------------------------------
def init_read_request(ctx: Ctx, forest: list[SelectNode]) -> ReadPlan:
    schema, name = ctx.qi
    root = ReadPlan(ctx.qi, name, 0)

    def fill(node: ReadPlan, items: list[SelectNode] | tuple[SelectNode, ...], depth: int) -> None:
        for sn in items:
            it = sn.item
            if isinstance(it, SelectField):
                node.select.append(CSelect(output_format(ctx.sc, resolve_type(
                                           Ctx(ctx.sc, node.from_), it.field)),
                                           it.agg, it.agg_cast, it.cast, it.alias))
            elif isinstance(it, SelectRelation):
                child = ReadPlan((schema, it.relation), it.relation, depth + 1, rel_alias=it.alias,
                                 hint=it.hint, join_type=it.join_type)
                fill(child, sn.children, depth + 1)
                node.children.append(child)
            elif isinstance(it, SpreadRelation):
                child = ReadPlan((schema, it.relation), it.relation, depth + 1, hint=it.hint,
                                 join_type=it.join_type, spread="to_one")
                fill(child, sn.children, depth + 1)
                node.children.append(child)

    fill(root, forest, 0)
    return root


def update_node(root: ReadPlan, path: tuple[str, ...], legacy_names: bool) -> ReadPlan:
    """Find the node at ``path`` (moving matched children to the front, as PostgREST does)."""
    node = root
    for target in path:
        def match(n: ReadPlan, legacy: bool, target: str = target) -> bool:
            if legacy:
                return n.rel_name == target or n.rel_alias == target
            return n.name == target

        found = next((c for c in node.children if match(c, legacy_names)), None)
        if found is None:
            legacy = None
            if not legacy_names:
                cand = next((c for c in node.children if match(c, True)), None)
                if cand is not None and cand.rel_name == target and cand.rel_alias \
                        and cand.rel_alias != target:
                    legacy = (cand.rel_name, cand.rel_alias)
                elif cand is not None:
                    legacy = ("", "")
            raise not_embedded(target, legacy)
        if found.rel_name == target and found.rel_alias and found.rel_alias != target:
            found.legacy_match = True
        node.children.remove(found)
        node.children.insert(0, found)
        node = found
    return node


def add_rels(sc: SchemaCache, schema: str, action: str, node: ReadPlan,
             parent: ReadPlan | None) -> None:
    if parent is None:
        if action in ("mutate", "rpc"):
            node.from_alias = node.from_[1]
            node.from_ = ("", SOURCE_CTE)
        for c in node.children:
            add_rels(sc, schema, action, c, node)
        return
    # only below the root may the origin be the root's alias (the pgrst_source CTE case)
    origin = parent.from_alias or parent.from_[1] if node.depth == 1 else parent.from_[1]
    try:
        r = sc.relations.find(schema, origin, node.rel_name, node.hint, schema=schema)
    except Exception as e:  # EmbedError from pgprobe.relationships
        code = getattr(e, "code", None)
        if code is None:
            raise
        raise PostgrestError(code, e.message if hasattr(e, "message") else str(e),  # type: ignore[attr-defined]
                             getattr(e, "details", None), getattr(e, "hint", None),
                             status=getattr(e, "status", 400)) from None
    ft = (r.foreign_table.schema, r.foreign_table.name)
    new_alias = f"{ft[1]}_{node.depth}"
    node.agg_alias = f"{r.table.name}_{node.rel_alias or node.rel_name}_{node.depth}"
    if node.spread is not None and not r.to_one:
        node.spread = ToManySpread()
    node.rel = r
    node.from_ = ft
    if getattr(r, "kind", "") == "computed":
        node.from_alias = new_alias
        node.computed_parent = ("", parent.from_alias) if parent.from_alias else \
            (r.table.schema, r.table.name)
    elif r.cardinality == "m2m":
        node.join_conds = join_conditions(None, parent.from_alias, r)
    else:
        node.from_alias = new_alias
        node.join_conds = join_conditions(new_alias, parent.from_alias, r)
    for c in node.children:
        add_rels(sc, schema, action, c, node)


def join_conditions(tbl_alias: str | None, parent_alias: str | None, r: Any
                    ) -> list[tuple[tuple[QI, str], tuple[QI, str]]]:
    t_schema, t_name = r.table.schema, r.table.name
    ft_name = r.foreign_table.name

    def cond(pr_al: str | None, new_al: str | None, tb: str, ftb: str, c: str, fc: str
             ) -> tuple[tuple[QI, str], tuple[QI, str]]:
        qi1 = ("", new_al) if new_al else (t_schema, ftb)
        qi2 = ("", pr_al) if pr_al else (t_schema, tb)
        return ((qi1, fc), (qi2, c))

    if r.cardinality == "m2m":
        j = r.junction
        jt = j.table.name
        # source/target columns pair (origin or target column, junction column)
        out = [((( t_schema, jt), jc), ((t_schema, ft_name), tc)) for tc, jc in j.target_columns]
        out += [(((t_schema, jt), jc), (("", parent_alias) if parent_alias else
                                        (t_schema, t_name), sc_))
                for sc_, jc in j.source_columns]
        return out
    return [cond(parent_alias, tbl_alias, t_name, ft_name, c, fc) for c, fc in r.columns]


def expand_stars(sc: SchemaCache, node: ReadPlan, has_agg: bool, root_qi: QI) -> None:
    new_has_agg = has_agg or any(s.agg for s in node.select) or isinstance(node.spread,
                                                                           ToManySpread)
    qi = node.from_
    if qi == ("", SOURCE_CTE) and node.from_alias:
        qi = (root_qi[0], node.from_alias)
    t = sc.tables.get(qi)
    filtered = [s for s in node.select
                if s.agg is None or (node.spread is not None and s.agg == "count")]
    has_star = any(s.field.name == "*" for s in filtered)
    has_rep = t is not None and any(
        (c.rep_type, "json") in sc.representations for c in t.columns.values() if c.rep_type)
    if has_star and (new_has_agg or has_rep):
        out: list[CSelect] = []
        for s in node.select:
            if s.field.name == "*" and not s.field.json_path and s.agg is None:
                for col in (t.columns.values() if t else ()):
                    out.append(replace(s, field=output_format(sc, CField(
                        col.name, (), False, None, col.nominal_type, col.base_type, None,
                        col.default, False, col.rep_type))))
            elif s.field.name == "*" and not s.field.json_path and s.agg == "count" \
                    and node.spread is not None:
                out.append(replace(s, field=replace(s.field, full_row=True)))
            else:
                out.append(s)
        node.select = out
    for c in node.children:
        expand_stars(sc, c, new_has_agg, root_qi)


def _last_json_key(cf: CField) -> str | None:
    if not cf.json_path:
        return None
    last = cf.json_path[-1][1]
    if last[0] == "key":
        return last[1]
    for _, (kind, val) in reversed(cf.json_path):
        if kind == "key":
            return val
    return cf.name


def add_aliases(node: ReadPlan) -> None:
    is_spread = node.spread is not None
    for s in node.select:
        if s.alias is not None:
            continue
        if s.agg is not None:
            if is_spread:
                s.alias = s.agg
        elif s.field.json_path:
            s.alias = _last_json_key(s.field)
        elif s.field.transform:
            s.alias = s.field.name
    for c in node.children:
        add_aliases(c)


def add_related_orders(node: ReadPlan) -> None:
    for o in node.order:
        if o.relation is None:
            continue
        found = next((c for c in node.children if c.name == o.relation), None)
        if found is None:
            raise not_embedded(o.relation, None)
        if found.rel is not None and found.rel.to_one:
            o.relation = found.agg_alias
        else:
            raise _err("PGRST118", f"A related order on '{found.name}' is not possible",
                       f"'{node.from_[1]}' and '{found.name}' do not form a many-to-one or "
                       "one-to-one relationship")
    for c in node.children:
        add_related_orders(c)


def add_null_embed_filters(node: ReadPlan) -> None:
    def conv(t: CLogic) -> None:
        if t.filter is None:
            for c in t.children:
                conv(c)
            return
        f = t.filter
        if f.field is None or f.field.json_path or f.expr is None:
            return
        found = next((c for c in node.children if c.name == f.field.name), None)
        op = f.expr.operation
        if found is not None and op.kind == "is" and op.value == "null":
            t.filter = CFilter(None, None, (f.expr.negated, found.agg_alias))

    for t in node.where:
        conv(t)
    for c in node.children:
        add_null_embed_filters(c)


def _only_null_embed(select_empty: bool, forest: list[ReadPlan]) -> bool:
    acc = select_empty
    for c in reversed(forest):
        acc = acc and _only_null_embed(not c.select, c.children)
    return acc


def add_rel_selects(node: ReadPlan) -> None:
    if not node.children:
        return
    for c in node.children:
        add_rel_selects(c)
    out: list[RelSelect] = []
    for c in node.children:
        if c.rel is None:
            continue
        if c.spread is not None:
            out.append(RelSelect("spread", c.agg_alias, spread_sel=_spread_fields(c)))
        else:
            out.append(RelSelect("embed", c.agg_alias, c.name, c.rel.to_one,
                                 _only_null_embed(not c.select, c.children)))
    node.rel_select = out


def _spread_fields(rp: ReadPlan) -> list[SpreadSel]:
    out = [SpreadSel(s.alias or s.field.name) for s in rp.select]
    for r in rp.rel_select:
        if r.kind == "embed":
            out.append(SpreadSel(r.sel_name))
        else:
            out.extend(r.spread_sel)
    return out


def validate_aggs(node: ReadPlan, allowed: bool) -> None:
    if not allowed and any(s.agg for s in node.select):
        raise _err("PGRST123", "Use of aggregate functions is not allowed")
    for c in node.children:
        validate_aggs(c, allowed)


Hoisted = tuple[tuple[str, str], tuple[str, str | None, str | None]]


def hoist(node: ReadPlan) -> list[Hoisted]:
    child_aggs: list[Hoisted] = []
    for c in node.children:
        child_aggs.extend(hoist(c))
    is_to_one_spread = node.spread == "to_one"
    agg_list: list[Hoisted] = []
    if not (node.depth == 0 or (node.rel is not None and not is_to_one_spread)):
        for s in node.select:
            if s.agg is not None:
                name = s.alias or s.field.name
                agg_list.append(((node.agg_alias, name), (s.agg, s.agg_cast, s.alias)))
                s.agg, s.agg_cast = None, None
    if is_to_one_spread:
        return agg_list + [((node.agg_alias, fn), h) for (_, fn), h in child_aggs]
    if node.children:
        lookup = dict(child_aggs)
        for r in node.rel_select:
            if r.kind != "spread":
                continue
            for sp in r.spread_sel:
                h = lookup.get((r.agg_alias, sp.name))
                if h is not None:
                    sp.agg, sp.agg_cast, sp.alias = h
    return agg_list


def add_to_many_order_selects(node: ReadPlan) -> None:
    if isinstance(node.spread, ToManySpread):
        if any(s.agg for s in node.select) or any(
                r.kind == "spread" and any(s.agg for s in r.spread_sel) for r in node.rel_select):
            raise _err("PGRST127", "Feature not implemented",
                       "Aggregates are not implemented for one-to-many or many-to-many spreads.")
        extra: list[tuple[str | None, CSelect]] = []
        orders: list[COrder] = []
        for i, o in enumerate(node.order, start=1):
            if o.relation is None:
                assert o.field is not None
                al = f"{node.agg_alias}_{o.field.name}_{i}"
                extra.append((None, CSelect(o.field, None, None, None, al)))
            else:
                assert o.rel_term is not None
                fname, jp = o.rel_term
                al = f"{node.agg_alias}_{fname}_{i}"
                extra.append((o.relation, CSelect(unknown_field(fname, jp), None, None, None, al)))
            orders.append(COrder(unknown_field(al), o.direction, o.nulls))
        node.order = []
        node.spread = ToManySpread(extra, orders)
    for c in node.children:
        add_to_many_order_selects(c)


def restrict_range(node: ReadPlan, max_rows: int | None) -> None:
    node.range = restrict_with_limit_zero(node.range, max_rows)
    for c in node.children:
        restrict_range(c, max_rows)


def restrict(r: tuple[int, int | None], limit: int | None) -> tuple[int, int | None]:
    if limit is None:
        return r
    up = r[0] + limit - 1
    return (r[0], up if r[1] is None else min(r[1], up))


def restrict_with_limit_zero(r: tuple[int, int | None], max_rows: int | None
                             ) -> tuple[int, int | None]:
    if r[1] == -1 and r[0] == 0:
        return LIMIT_ZERO
    return restrict(r, max_rows)


def range_limit(r: tuple[int, int | None]) -> int | None:
    return None if r[1] is None else 1 + r[1] - r[0]


@dataclass
class PlanInput:
    qp: QueryParams
    ranges: dict[str, tuple[int, int | None]]
    action: str  # "read" | "mutate" | "rpc"


def read_plan(sc: SchemaCache, qi: QI, pin: PlanInput, *, max_rows: int | None,
              aggregates: bool, legacy_names: bool, mutation: bool = False) -> ReadPlan:
    ctx = Ctx(sc, qi)
    qp = pin.qp
    root = init_read_request(ctx, qp.select)
    # filters (foldr: the last one is applied first)
    flts = qp.filters if pin.action in ("read", "rpc") else qp.filters_not_root
    for path, flt in reversed(flts):
        node = update_node(root, path, legacy_names)
        node.where.insert(0, CLogic(filter=resolve_filter(Ctx(sc, node.from_), flt)))
    for path, terms in reversed(qp.order):
        node = update_node(root, path, legacy_names)
        node.order = [_resolve_order(Ctx(sc, node.from_), t) for t in terms]
    if pin.action != "mutate":
        for key, rng in reversed(list(pin.ranges.items())):
            node = update_node(root, _range_path(key), legacy_names)
            node.range = rng
    logic = qp.logic if pin.action in ("read", "rpc") else [x for x in qp.logic if x[0]]
    for path, tree in reversed(logic):
        node = update_node(root, path, legacy_names)
        node.where.insert(0, resolve_logic(Ctx(sc, node.from_), tree))
    add_rels(sc, qi[0], pin.action, root, None)
    expand_stars(sc, root, False, qi)
    add_aliases(root)
    add_related_orders(root)
    add_null_embed_filters(root)
    add_rel_selects(root)
    validate_aggs(root, aggregates)
    hoist(root)
    add_to_many_order_selects(root)
    if not mutation:
        restrict_range(root, max_rows)
    return root


def _range_path(key: str) -> tuple[str, ...]:
    from . import _parsec as p
    from ._parser import pTreePath
    v, err = p.run(pTreePath, f"failed to parse tree path ({key})", key)
    if err:
        raise PostgrestError("PGRST100", err[0], err[1], None, status=400)
    return tuple(v[0])


def _resolve_order(ctx: Ctx, t: OrderTerm) -> COrder:
    if t.relation is not None:
        return COrder(None, t.direction, t.nulls, t.relation, t.field)
    return COrder(resolve_type(ctx, t.field), t.direction, t.nulls)
