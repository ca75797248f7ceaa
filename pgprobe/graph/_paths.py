"""Join paths between two relations along foreign keys, in either direction.

"How do I get from ticket_activities to users?": every simple path of at most
``max_length`` foreign-key hops, each hop walked from the referencing side
(many-to-one) or from the referenced side (one-to-many), with the SQL join and
the PostgREST embed that follow it.

>>> from pgprobe.catalog._model import Constraint, Relation, Snapshot
>>> fk = Constraint("a_b_id_fkey", "foreign", ("b_id",), ref_schema="public", ref_table="b",
...                 ref_columns=("id",))
>>> snap = Snapshot(relations=(Relation("public", "a", "table", constraints=(fk,)),
...                            Relation("public", "b", "table")))
>>> [str(p) for p in paths_between(snap, "a", "b")]
['public.a -[a_b_id_fkey]-> public.b']
>>> paths_between(snap, "a", "b")[0].sql()
'from public.a t0 join public.b t1 on t1.id = t0.b_id'
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from .._errors import InputError
from ..catalog._model import Snapshot, split_name
from ._links import FkEdge, Links

Direction = Literal["m2o", "o2m", "o2o"]

_PLAIN_IDENT = re.compile(r"^[a-z_][a-z0-9_$]*$")


def _ident(name: str) -> str:
    """Quote an identifier for display only when PostgreSQL would need it."""
    return name if _PLAIN_IDENT.match(name) else '"' + name.replace('"', '""') + '"'


def _qual(qualified: str) -> str:
    schema, name = qualified.split(".", 1)
    return f"{_ident(schema)}.{_ident(name)}"


@dataclass(frozen=True, order=True)
class PathStep:
    """One hop: from ``source`` to ``target`` along ``constraint``."""

    source: str
    target: str
    constraint: str
    source_columns: tuple[str, ...]
    target_columns: tuple[str, ...]
    direction: Direction
    """``m2o`` when ``source`` holds the FK, ``o2m`` when ``target`` does, ``o2o`` for a unique FK."""
    forward: bool
    """True when the hop follows the FK from its referencing table."""
    edge_key: str = ""

    @property
    def embed(self) -> str:
        """The PostgREST embed of ``target`` from ``source`` that picks this FK.

        A self-reference is embedded by its FK column (``parent_ticket_id`` for the parent,
        ``tickets!parent_ticket_id`` for the children): the constraint name would match both.
        """
        name = self.target.split(".", 1)[1]
        if self.source == self.target and len(self.source_columns) == 1:
            fk_column = self.source_columns[0] if self.forward else self.target_columns[0]
            return fk_column if self.forward else f"{name}!{fk_column}"
        return f"{name}!{self.constraint}"


@dataclass(frozen=True, order=True)
class FkPath:
    """A chain of joins from ``start`` to ``end``; ``str()`` reads like the diagram."""

    length: int
    steps: tuple[PathStep, ...]

    @property
    def start(self) -> str:
        return self.steps[0].source

    @property
    def end(self) -> str:
        return self.steps[-1].target

    @property
    def relations(self) -> tuple[str, ...]:
        return (self.start, *(s.target for s in self.steps))

    @property
    def constraints(self) -> tuple[str, ...]:
        return tuple(s.constraint for s in self.steps)

    def __str__(self) -> str:
        out = [self.start]
        for s in self.steps:
            arrow = f"-[{s.constraint}]->" if s.forward else f"<-[{s.constraint}]-"
            out += [arrow, s.target]
        return " ".join(out)

    def sql(self) -> str:
        """The plain SQL joins (the postmortem's "start with basic SQL")."""
        parts = [f"from {_qual(self.start)} t0"]
        for i, s in enumerate(self.steps, start=1):
            cond = " and ".join(
                f"t{i}.{_ident(tc)} = t{i - 1}.{_ident(sc)}"
                for sc, tc in zip(s.source_columns, s.target_columns, strict=True)
            )
            parts.append(f"join {_qual(s.target)} t{i} on {cond}")
        return " ".join(parts)

    def select(self) -> str:
        """The nested PostgREST ``select=`` that walks this path with explicit hints."""
        inner = "*"
        for s in reversed(self.steps):
            inner = f"{s.embed}({inner})"
        return f"*,{inner}"

    def to_dict(self) -> dict[str, object]:
        return {
            "path": str(self),
            "relations": list(self.relations),
            "constraints": list(self.constraints),
            "sql": self.sql(),
            "select": self.select(),
        }


def _steps_by_relation(edges: Iterable[FkEdge]) -> dict[str, list[PathStep]]:
    out: dict[str, list[PathStep]] = defaultdict(list)
    for e in edges:
        fwd: Direction = "o2o" if e.one_to_one else "m2o"
        back: Direction = "o2o" if e.one_to_one else "o2m"
        out[e.source].append(
            PathStep(e.source, e.target, e.constraint, e.columns, e.ref_columns, fwd, True, e.key)
        )
        if not e.self_reference:
            out[e.target].append(
                PathStep(e.target, e.source, e.constraint, e.ref_columns, e.columns, back, False, e.key)
            )
    for steps in out.values():
        steps.sort()
    return out


def find_paths(
    links: Links, start: str, end: str, *, max_length: int = 3, max_paths: int = 200,
    through_views: bool = False,
) -> list[FkPath]:
    """Every simple path from ``start`` to ``end`` of at most ``max_length`` hops, shortest first."""
    if max_length < 1:
        raise InputError(f"max_length must be at least 1, got {max_length}")
    edges = [*links.fks, *(links.view_fks if through_views else ())]
    adj = _steps_by_relation(edges)
    found: list[FkPath] = []
    stack: list[tuple[str, tuple[PathStep, ...], frozenset[str]]] = [(start, (), frozenset([start]))]
    while stack:
        at, steps, seen = stack.pop()
        if at == end:
            found.append(FkPath(len(steps), steps))
            continue
        if len(steps) == max_length:
            continue
        for step in adj.get(at, ()):
            if step.target not in seen:
                stack.append((step.target, (*steps, step), seen | {step.target}))
    found.sort()
    return found[:max_paths]


def paths_between(
    snap: Snapshot, start: str, end: str, *, max_length: int = 3, max_paths: int = 200,
    through_views: bool | None = None, exposed_schemas: Sequence[str] = ("public",),
) -> list[FkPath]:
    """FK join paths between two relations of ``snap`` (bare names mean ``public``).

    Each :class:`FkPath` prints as a chain, and gives its ``.sql()`` joins and
    PostgREST ``.select()`` embed. ``through_views`` (default: when either end is a
    view) also walks the relationships PostgREST gives views in ``exposed_schemas``.
    """
    ra, rb = snap.table(start), snap.table(end)
    a, b = ra.qualified_name, rb.qualified_name
    if a == b:
        raise InputError(f"path needs two different relations, got {a} twice")
    if through_views is None:
        through_views = ra.is_view or rb.is_view
    return find_paths(
        Links.from_snapshot(snap, exposed_schemas), a, b, max_length=max_length,
        max_paths=max_paths, through_views=through_views,
    )


def resolve_name(snap: Snapshot, name: str) -> str:
    schema, rel = split_name(name)
    return snap.table(f"{schema}.{rel}").qualified_name
