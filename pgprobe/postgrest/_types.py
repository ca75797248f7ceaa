"""The parsed shape of a PostgREST request (mirrors ``PostgREST.ApiRequest.Types``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

JsonOperand = tuple[Literal["key", "idx"], str]
JsonOp = tuple[Literal["->", "->>"], JsonOperand]
JsonPath = tuple[JsonOp, ...]
Field = tuple[str, JsonPath]


@dataclass(frozen=True)
class SelectField:
    field: Field
    agg: str | None = None
    agg_cast: str | None = None
    cast: str | None = None
    alias: str | None = None


@dataclass(frozen=True)
class SelectRelation:
    relation: str
    alias: str | None = None
    hint: str | None = None
    join_type: str | None = None


@dataclass(frozen=True)
class SpreadRelation:
    relation: str
    hint: str | None = None
    join_type: str | None = None


SelectItem = SelectField | SelectRelation | SpreadRelation


@dataclass(frozen=True)
class SelectNode:
    item: SelectItem
    children: tuple[SelectNode, ...] = ()


@dataclass(frozen=True)
class Operation:
    """One filter operation.

    kind: ``op`` (simple: neq cs cd ov sl sr nxr nxl adj), ``quant`` (eq gt gte lt lte like
    ilike match imatch, with optional quantifier any/all), ``in``, ``is``, ``isdistinct``,
    ``fts`` (fts plfts phfts wfts, with optional language), ``noop`` (rpc argument).
    """

    kind: str
    op: str = ""
    value: str | tuple[str, ...] = ""
    quant: str | None = None
    lang: str | None = None


@dataclass(frozen=True)
class OpExpr:
    negated: bool
    operation: Operation


@dataclass(frozen=True)
class Filter:
    field: Field
    expr: OpExpr


@dataclass(frozen=True)
class LogicTree:
    """``Expr`` when ``filter`` is None (negated, op and/or, children), else ``Stmnt``."""

    negated: bool = False
    op: str = "and"
    children: tuple[LogicTree, ...] = ()
    filter: Filter | None = None


@dataclass(frozen=True)
class OrderTerm:
    field: Field
    direction: str | None = None
    nulls: str | None = None
    relation: str | None = None
    """Set for ``relation(col)`` terms (ordering by a to-one embed's column)."""


@dataclass
class QueryParams:
    canonical: str = ""
    params: list[tuple[str, str]] = field(default_factory=list)
    ranges: dict[str, tuple[int, int | None]] = field(default_factory=dict)
    """Embed path key ('limit' or 'x.limit') -> (offset, upper or None); -1 upper = limit 0."""
    order: list[tuple[tuple[str, ...], list[OrderTerm]]] = field(default_factory=list)
    logic: list[tuple[tuple[str, ...], LogicTree]] = field(default_factory=list)
    columns: list[str] | None = None
    select: list[SelectNode] = field(default_factory=list)
    filters: list[tuple[tuple[str, ...], Filter]] = field(default_factory=list)
    filters_root: list[Filter] = field(default_factory=list)
    filters_not_root: list[tuple[tuple[str, ...], Filter]] = field(default_factory=list)
    filter_fields: set[str] = field(default_factory=set)
    on_conflict: list[str] | None = None
