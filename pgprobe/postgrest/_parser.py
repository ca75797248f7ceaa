"""Parse a PostgREST query string (``select=``, filters, ``order=``, ``or=``, ...).

The grammar and the error texts follow PostgREST's ``ApiRequest/QueryParams.hs``; a parse
error is a :class:`PostgrestError` with code ``PGRST100``, the Parsec-style position in the
message and the ``unexpected ... expecting ...`` text in ``details``.

>>> qp = parse_query("select=id,client:clients(name)&id=eq.1&order=id.desc")
>>> [n.item for n in qp.select][1]
SelectRelation(relation='clients', alias='client', hint=None, join_type=None)
>>> parse_query("select=data->>--34")
Traceback (most recent call last):
...
pgprobe.postgrest._errors.PostgrestError: PGRST100: "failed to parse select parameter (data->>--34)" (line 1, column 9)
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any
from urllib.parse import unquote_to_bytes

from . import _parsec as p
from ._errors import PostgrestError
from ._types import (
    Filter,
    LogicTree,
    Operation,
    OpExpr,
    OrderTerm,
    QueryParams,
    SelectField,
    SelectNode,
    SelectRelation,
    SpreadRelation,
)

# -- lexical --------------------------------------------------------------------------
ws = p.many(p.one_of(" \t"))


def lexeme(q: p.P) -> p.P:
    return p.fmap(lambda v: v[1], p.seq(ws, q, ws))


def _strip(cs: list[str]) -> str:
    return "".join(cs).strip()


pQuotedValue = p.fmap(
    lambda v: "".join(v[1]),
    p.seq(p.char('"'),
          p.many(p.alt(p.none_of('\\"'), p.right(p.char("\\"), p.any_char))),
          p.char('"')))

def _identifier_char(s: str, i: int) -> p.Reply:
    """``letter <|> digit <|> oneOf "_ $"`` in one step, with the same merged error."""
    if i < len(s):
        c = s[i]
        if c.isalpha() or "0" <= c <= "9" or c in "_ $":
            return (True, True, c, i + 1, (i + 1, ()))
        u = (p.SYS_UNEXPECT, p.show_string(c))
    else:
        u = (p.SYS_UNEXPECT, "")
    return (False, False, None, i, (i, (u, (p.EXPECT, "letter"), u, (p.EXPECT, "digit"), u)))


pIdentifierChar = _identifier_char
pIdentifier = p.fmap(_strip, p.many1(pIdentifierChar))

_dash = p.fmap(lambda _: "-", p.try_(p.seq(p.char("-"), p.not_followed_by_char(p.char(">")))))


def sep_by_dash(ident: p.P) -> p.P:
    return p.fmap(lambda xs: "-".join(xs), p.sep_by1(ident, _dash))


pFieldName = p.label(p.alt(pQuotedValue, sep_by_dash(pIdentifier)),
                     "field name (* or [a..z0..9_$])")

pJsonKeyIdentifier = p.fmap(_strip, p.many1(p.none_of("(-:.,>)")))
pJsonKeyName = p.label(p.alt(pQuotedValue, sep_by_dash(pJsonKeyIdentifier)),
                       "any non reserved character different from: .,>()")

_json_end = p.alt(p.try_(p.look_ahead(p.string("->"))), p.try_(p.look_ahead(p.string("::"))),
                  p.try_(p.look_ahead(p.string("."))), p.try_(p.look_ahead(p.string(","))),
                  p.try_(p.eof))
_jidx = p.fmap(lambda v: ("idx", v[0] + "".join(v[1])),
               p.seq(p.option("+", p.char("-")), p.many1(p.digit), _json_end))
_jkey = p.fmap(lambda k: ("key", k), pJsonKeyName)
_jarrow = p.alt(p.try_(p.string("->>")), p.try_(p.string("->")))
pJsonOperation = p.fmap(lambda v: (v[0], v[1]),
                        p.seq(_jarrow, p.alt(p.try_(_jidx), p.try_(_jkey))))
pJsonPath = p.fmap(tuple, p.many(pJsonOperation))

pField = lexeme(p.fmap(lambda v: (v[0], v[1]), p.seq(pFieldName, p.option((), pJsonPath))))

aliasSeparator = p.seq(p.char(":"), p.not_followed_by_char(p.char(":")))
_alias = p.option_maybe(p.try_(p.left(pFieldName, aliasSeparator)))
_cast = p.option_maybe(p.right(p.string("::"), pIdentifier))

_sel_end = p.alt(p.try_(p.look_ahead(p.string(")"))), p.try_(p.look_ahead(p.string(","))),
                 p.try_(p.eof))

_aggregation = p.alt(p.fmap(lambda _: "sum", p.string("sum")),
                     p.fmap(lambda _: "avg", p.string("avg")),
                     p.fmap(lambda _: "count", p.string("count")),
                     p.fmap(lambda _: "max", p.try_(p.string("max"))),
                     p.fmap(lambda _: "min", p.try_(p.string("min"))))

pFieldSelect = lexeme(p.alt(
    p.try_(p.fmap(lambda v: SelectField(("*", ())), p.seq(p.string("*"), _sel_end))),
    p.try_(p.fmap(lambda v: SelectField(("*", ()), "count", v[2], None, v[0]),
                  p.seq(_alias, p.string("count()"), _cast, _sel_end))),
    p.fmap(lambda v: SelectField(v[1], v[3], v[4], v[2], v[0]),
           p.seq(_alias, pField, _cast,
                 p.option_maybe(p.try_(p.fmap(lambda w: w[1], p.seq(p.char("."), _aggregation,
                                                                   p.string("()"))))),
                 _cast, _sel_end)),
))

_embed_param = p.right(p.char("!"), p.alt(
    p.try_(p.fmap(lambda _: ("join", "left"), p.string("left"))),
    p.try_(p.fmap(lambda _: ("join", "inner"), p.string("inner"))),
    p.try_(p.fmap(lambda h: ("hint", h), pFieldName))))


def _embed_params(v: list[Any]) -> tuple[str | None, str | None]:
    hint = next((x[1] for x in v if x and x[0] == "hint"), None)
    join = next((x[1] for x in v if x and x[0] == "join"), None)
    return hint, join


pEmbedParams = p.fmap(_embed_params, p.seq(p.option_maybe(_embed_param),
                                           p.option_maybe(_embed_param)))
_open_ahead = p.try_(p.look_ahead(p.string("(")))


def _not_count(name: str) -> p.P:
    return p.ret(name) if name != "count" else p.zero


pRelationSelect = lexeme(p.fmap(
    lambda v: SelectRelation(v[1], v[0], v[2][0], v[2][1]),
    p.seq(_alias, p.bind(pFieldName, _not_count), pEmbedParams, _open_ahead)))

pSpreadRelationSelect = lexeme(p.fmap(
    lambda v: SpreadRelation(v[1], v[2][0], v[2][1]),
    p.seq(p.string("..."), pFieldName, pEmbedParams, _open_ahead)))


def _forest() -> p.P:
    sub = p.between(p.char("("), p.char(")"), p.lazy(_forest))
    tree = p.alt(
        p.fmap(lambda v: SelectNode(v[0], tuple(v[1])), p.seq(p.try_(pSpreadRelationSelect), sub)),
        p.fmap(lambda v: SelectNode(v[0], tuple(v[1])), p.seq(p.try_(pRelationSelect), sub)),
        p.fmap(lambda f: SelectNode(f), pFieldSelect),
    )
    return p.sep_by(tree, lexeme(p.char(",")))


pFieldForest = _forest()

pDelimiter = p.label(p.char("."), "delimiter (.)")


def _ci_string(word: str) -> p.P:
    return p.seq(*[p.alt(p.char(c), p.char(c.upper())) for c in word])


def _kw(word: str, value: Any) -> p.P:
    return p.fmap(lambda _: value, p.string(word))


_simple_ops = p.label(p.alt(*[p.try_(_kw(w, w)) for w in
                              ("neq", "cs", "cd", "ov", "sl", "sr", "nxr", "nxl", "adj")]),
                      "unknown single value operator")
_quant_ops = p.label(p.alt(*[p.try_(_kw(w, w)) for w in
                             ("eq", "gte", "gt", "lte", "lt", "like", "ilike", "match",
                              "imatch")]),
                     "unknown single value operator")

pQuotedListElement = p.try_(p.left(pQuotedValue, p.not_followed_by_char(p.none_of(",)"))))
pListElement = p.alt(pQuotedListElement, p.fmap("".join, p.many(p.none_of(",)"))))
pListVal = p.fmap(lambda v: tuple(v[1]),
                  p.seq(lexeme(p.char("(")), p.sep_by1(pListElement, p.char(",")),
                        lexeme(p.char(")"))))
pSingleVal = p.fmap("".join, p.many(p.any_char))

def _const(word: str, q: p.P) -> p.P:
    return p.fmap(lambda _: word, q)


_is_val = p.label(p.alt(*[p.try_(_const(w, _ci_string(w)))
                          for w in ("null", "not_null", "true", "false", "unknown")]),
                  "isVal: (null, not_null, true, false, unknown)")


def pOpExpr(sval: p.P) -> p.P:
    p_in = p.fmap(lambda v: Operation("in", "in", v),
                  p.right(p.try_(p.seq(p.string("in"), pDelimiter)), pListVal))
    p_is = p.fmap(lambda v: Operation("is", "is", v),
                  p.right(p.try_(p.seq(p.string("is"), pDelimiter)), _is_val))
    p_isd = p.fmap(lambda v: Operation("isdistinct", "isdistinct", v),
                   p.right(p.try_(p.seq(p.string("isdistinct"), pDelimiter)), sval))
    p_simple = p.fmap(lambda v: Operation("op", v[0], v[2]), p.seq(_simple_ops, pDelimiter, sval))
    quant = p.option_maybe(p.try_(p.between(
        p.char("("), p.char(")"),
        p.alt(p.try_(_kw("any", "any")), _kw("all", "all")))))
    p_quant = p.fmap(lambda v: Operation("quant", v[0], v[3], quant=v[1]),
                     p.seq(_quant_ops, quant, pDelimiter, sval))
    fts_op = p.alt(*[p.try_(_kw(w, w)) for w in ("fts", "plfts", "phfts", "wfts")])
    lang = p.option_maybe(p.try_(p.between(p.char("("), p.char(")"), pIdentifier)))
    p_fts = p.fmap(lambda v: Operation("fts", v[0], v[3], lang=v[1]),
                   p.seq(fts_op, lang, pDelimiter, sval))
    operation = p.label(p.alt(p_in, p_is, p_isd, p.try_(p_fts), p.try_(p_simple),
                              p.try_(p_quant)),
                        "operator (eq, gt, ...)")
    neg = p.alt(p.try_(p.fmap(lambda _: True, p.seq(p.string("not"), pDelimiter))), p.ret(False))
    return p.fmap(lambda v: OpExpr(v[0], v[1]), p.seq(neg, operation))


pOpExprSingle = pOpExpr(pSingleVal)

pTreePath = p.fmap(lambda v: (tuple(v[0][:-1]), (v[0][-1], v[1])),
                   p.seq(p.sep_by1(pFieldName, pDelimiter), p.option((), pJsonPath)))

# -- order ----------------------------------------------------------------------------
_ord_end = p.alt(p.try_(p.look_ahead(p.char(","))), p.try_(p.eof))
_nulls = p.alt(p.try_(p.right(pDelimiter, _kw("nullsfirst", "nullsfirst"))),
               p.try_(p.right(pDelimiter, _kw("nullslast", "nullslast"))))
_dir = p.alt(p.try_(p.right(pDelimiter, _kw("asc", "asc"))),
             p.try_(p.right(pDelimiter, _kw("desc", "desc"))))
_nulls_end = p.alt(p.left(p.option_maybe(_nulls), _ord_end), p.fmap(lambda _: None, _ord_end))
_order_term = p.fmap(lambda v: OrderTerm(v[0], v[1], v[2]),
                     p.seq(pField, p.option_maybe(_dir), _nulls_end))
_order_rel_term = p.fmap(lambda v: OrderTerm(v[1], v[2], v[3], relation=v[0]),
                         p.seq(pFieldName, p.between(p.char("("), p.char(")"), pField),
                               p.option_maybe(_dir), _nulls_end))
pOrder = p.sep_by1(lexeme(p.alt(p.try_(_order_rel_term), _order_term)), p.char(","))

# -- logic trees ----------------------------------------------------------------------
_pg_array = p.fmap(lambda v: "{" + "".join(v[1]) + "}",
                   p.seq(p.string("{"), p.many(p.none_of("{}")), p.string("}")))
pLogicSingleVal = p.alt(pQuotedListElement, p.try_(_pg_array),
                        p.fmap("".join, p.many(p.none_of(",)"))))
_logic_filter = p.fmap(lambda v: Filter(v[0], v[2]),
                       p.seq(pField, pDelimiter, pOpExpr(pLogicSingleVal)))
_logic_not = p.label(p.alt(p.try_(p.fmap(lambda _: True, p.seq(p.string("not"), pDelimiter))),
                           p.ret(False)),
                     "negation operator (not)")
_logic_op = p.label(p.alt(p.try_(_kw("and", "and")), _kw("or", "or")), "logic operator (and, or)")


def _logic_tree() -> p.P:
    children = p.fmap(lambda v: v[1], p.seq(
        lexeme(p.char("(")), p.sep_by1(p.lazy(_logic_tree), lexeme(p.char(","))),
        lexeme(p.char(")"))))
    return p.alt(p.fmap(lambda f: LogicTree(filter=f), p.try_(_logic_filter)),
                 p.fmap(lambda v: LogicTree(v[0], v[1], tuple(v[2])),
                        p.seq(_logic_not, _logic_op, children)))


pLogicTree = _logic_tree()


def _logic_path(path: list[str]) -> tuple[tuple[str, ...], str]:
    op = path[-1]
    embed = tuple(x for x in path[:-1] if x != "not")
    return embed, ("not." + op if "not" in path else op)


pLogicPath = p.fmap(_logic_path, p.sep_by1(pFieldName, pDelimiter))
pColumns = p.sep_by1(pFieldName, lexeme(p.char(",")))


# -- query string ---------------------------------------------------------------------
def _pct_decode(b: str) -> str:
    return unquote_to_bytes(b.replace("+", " ")).decode("utf-8", errors="replace")


def parse_query_string(qs: str) -> list[tuple[str, str | None]]:
    """Split like Haskell's ``parseQueryReplacePlus``: ``&``/``;`` separate, ``+`` is a space."""
    if qs.startswith("?"):
        qs = qs[1:]
    out: list[tuple[str, str | None]] = []
    for part in re.split("[&;]", qs):
        if not part:
            continue
        k, eq, v = part.partition("=")
        out.append((_pct_decode(k), _pct_decode(v) if eq else None))
    return out


def _fail(err: tuple[str, str]) -> PostgrestError:
    return PostgrestError("PGRST100", err[0], err[1], None, status=400)


_PARSERS: dict[str, p.P] = {}


@lru_cache(maxsize=2048)
def _cached(name: str, source: str, text: str) -> tuple[Any, tuple[str, str] | None]:
    v, err = p.run(_PARSERS[name], source, text)
    return (tuple(v) if isinstance(v, list) else v), err


def _run(parser: p.P, source: str, text: str) -> Any:
    """Run a parser; results are cached by text (parsed values are immutable)."""
    name = _NAMES.get(id(parser))
    if name is None:
        v, err = p.run(parser, source, text)
    else:
        v, err = _cached(name, source, text)
    if err:
        raise _fail(err)
    return v


def clear_cache() -> None:
    """Forget cached parses (the benchmark measures cold translations with this)."""
    _cached.cache_clear()


_PARSERS.update({"select": pFieldForest, "order": pOrder, "tree": pTreePath,
                 "logic": pLogicTree, "logicpath": pLogicPath, "columns": pColumns,
                 "opexpr": pOpExprSingle})
_NAMES = {id(v): k for k, v in _PARSERS.items()}


def parse_select(text: str) -> list[SelectNode]:
    return list(_run(pFieldForest, f"failed to parse select parameter ({text})", text))


def parse_filter(key: str, value: str, rpc_read: bool = False) -> tuple[tuple[str, ...], Filter]:
    path, fld = _run(pTreePath, f"failed to parse tree path ({key})", key)
    if rpc_read:
        v, err = p.run(pOpExprSingle, "", value)
        expr = v if not err else OpExpr(False, Operation("noop", "", value))
    else:
        expr = _run(pOpExprSingle, f"failed to parse filter ({value})", value)
    return path, Filter(fld, expr)


def _read_integer(v: str) -> int | None:
    v = v.strip()
    if re.fullmatch(r"-?[0-9]+", v):
        return int(v)
    return None


def _ending_in(words: tuple[str, ...], key: str) -> bool:
    return key.split(".")[-1] in words


def parse_query(qs: str, rpc_read: bool = False) -> QueryParams:
    """Parse a raw query string (without the leading path)."""
    pairs = parse_query_string(qs)
    nonempty = [(k, v) for k, v in pairs if v is not None]

    def lookup(name: str) -> str | None:
        for k, v in pairs:
            if k == name:
                return v
        return None

    qp = QueryParams()
    qp.canonical = "&".join(f"{k}={v or ''}" for k, v in sorted(pairs, key=lambda x: x[0]))
    for k, v in nonempty:
        if _ending_in(("order",), k):
            path = _run(pTreePath, f"failed to parse tree path ({k})", k)[0]
            qp.order.append((path, list(_run(pOrder, f"failed to parse order ({v})", v))))
    for k, v in nonempty:
        if _ending_in(("and", "or"), k):
            embed, op = _run(pLogicPath, f"failed to parse logic path ({k})", k)
            tree = _run(pLogicTree, f"failed to parse logic tree ({v})", op + v)
            qp.logic.append((embed, tree))
    cols = lookup("columns")
    if cols is not None:
        qp.columns = list(_run(pColumns, f"failed to parse columns parameter ({cols})", cols))
    sel = lookup("select")
    qp.select = parse_select(sel if sel is not None else "*")
    reserved = ("select", "columns", "on_conflict")
    embeddable = ("order", "limit", "offset", "and", "or")
    flts = [(k, v) for k, v in nonempty if not _ending_in(embeddable, k) and k not in reserved]
    for k, v in flts:
        path, f = parse_filter(k, v, rpc_read)
        if f.expr.operation.kind == "noop":
            qp.params.append((f.field[0], str(f.expr.operation.value)))
        else:
            qp.filters.append((path, f))
            if path:
                qp.filters_not_root.append((path, f))
            else:
                qp.filters_root.append(f)
    qp.filter_fields = {k for k, _ in flts}
    onc = lookup("on_conflict")
    if onc is not None:
        qp.on_conflict = list(_run(pColumns, f"failed to parse on_conflict parameter ({onc})",
                                   onc))
    # limit/offset ranges keyed by the '...limit' parameter name
    limits: dict[str, int | None] = {}
    offsets: dict[str, int | None] = {}
    for k, v in nonempty:
        if _ending_in(("limit",), k):
            limits[k] = _read_integer(v)
        elif _ending_in(("offset",), k):
            offsets[".".join(k.split(".")[:-1] + ["limit"])] = _read_integer(v)
    for k in set(limits) | set(offsets):
        off = offsets.get(k)
        lower = off if off is not None else 0
        lim = limits.get(k)
        if k in limits and k in offsets:
            upper: int | None = lower + (lim if lim is not None else 0) - 1 if lim is not None \
                else lower - 1
            if lim is None:
                upper = lower - 1  # fromMaybe 0 (rangeLimit of an unrestricted range)
        elif k in limits:
            upper = (lim - 1) if lim is not None else None
        else:
            upper = None
        qp.ranges[k] = (lower, upper)
    return qp
