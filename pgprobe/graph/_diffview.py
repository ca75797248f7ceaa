"""Read a :class:`pgprobe.diff.DiffReport` into what the diff view colours.

Relations, columns and foreign keys are marked added / removed / changed; every
other change under a relation (index, policy, RLS flag, grant, ...) marks the
relation changed and is listed in its tooltip.  Paths follow the diff
convention: ``schema.rel``, ``schema.rel.columns.col[.attr]``,
``schema.rel.constraints.name[.attr]``.

>>> from pgprobe.diff import Change, DiffReport
>>> from pgprobe.catalog._model import Relation, Snapshot
>>> new = Snapshot(relations=(Relation("public", "t", "table"),))
>>> marks, removed, _ = diff_marks(DiffReport([Change("added", "table", "public.t")]), new, None)
>>> marks.relations
{'public.t': 'added'}
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .._errors import InputError
from ..catalog._model import Relation, Snapshot, split_name
from ._dot import DiffMarks, DiffStatus
from ._links import FkEdge, _fk_edges

_RELATION_KINDS = {"table", "partitioned_table", "view", "materialized_view", "foreign_table"}


def _status(change: str) -> DiffStatus:
    if change not in ("added", "removed", "changed"):
        raise InputError(f"unknown change kind {change!r} in the diff report")
    return change  # type: ignore[return-value]


def _split(path: str, names: set[str]) -> tuple[str, str] | None:
    """``public.tickets.columns.title`` -> (``public.tickets``, ``columns.title``)."""
    if path in names:
        return path, ""
    for i, ch in enumerate(path):
        if ch == "." and path[:i] in names and i > path.find("."):
            return path[:i], path[i + 1 :]
    return None


def _member(rest: str, candidates: Iterable[str]) -> tuple[str, bool] | None:
    """The member named at the start of ``rest`` and whether ``rest`` is exactly it."""
    best: tuple[str, bool] | None = None
    for name in candidates:
        if rest == name:
            return name, True
        if rest.startswith(name + ".") and (best is None or len(name) > len(best[0])):
            best = (name, False)
    if best is None and rest:
        return rest.split(".", 1)[0], "." not in rest
    return best


def diff_marks(
    report: Any, new: Snapshot, old: Snapshot | None
) -> tuple[DiffMarks, list[Relation], list[FkEdge]]:
    """Marks for ``new``, the relations only ``old`` has, and the FKs only ``old`` has."""
    changes = getattr(report, "changes", None)
    if changes is None:
        raise InputError("diff= needs a pgprobe.diff.DiffReport (or the old Snapshot)")
    new_rels = {r.qualified_name: r for r in new.relations}
    old_rels = {r.qualified_name: r for r in old.relations} if old is not None else {}
    names = set(new_rels) | set(old_rels)
    for ch in changes:
        if ch.object_kind in _RELATION_KINDS:
            names.add(ch.path)
    marks = DiffMarks()
    removed_rels: dict[str, Relation] = {}

    def touch(rel: str) -> None:
        marks.relations.setdefault(rel, "changed")

    for ch in changes:
        found = _split(ch.path, names)
        if found is None:
            continue
        rel, rest = found
        status = _status(ch.change)
        detail = f"{ch.symbol} {rest or 'relation'} ({ch.change})"
        marks.details.setdefault(rel, []).append(detail)
        if not rest:
            marks.relations[rel] = status
            if status == "removed" and rel not in new_rels:
                if rel in old_rels:
                    removed_rels[rel] = old_rels[rel]
                else:
                    schema, name = split_name(rel)
                    kind = ch.old if ch.old in _RELATION_KINDS else "table"
                    removed_rels[rel] = Relation(schema, name, kind)  # type: ignore[arg-type]
            continue
        touch(rel)
        section, _, member_path = rest.partition(".")
        pool = [r for r in (new_rels.get(rel), old_rels.get(rel)) if r is not None]
        if section == "columns":
            member = _member(member_path, {c.name for r in pool for c in r.columns})
            if member is not None:
                col, whole = member
                marks.columns[(rel, col)] = status if whole else "changed"
        elif section == "constraints":
            member = _member(member_path, {c.name for r in pool for c in r.constraints})
            if member is None:
                continue
            name, whole = member
            kinds = {c.kind for r in pool for c in r.constraints if c.name == name}
            if "foreign" in kinds or ch.object_kind == "foreign_key":
                marks.fks[f"{rel}.{name}"] = status if whole else "changed"
    # an added relation's FKs are added with it, a removed one's removed with it
    removed_fks: list[FkEdge] = []
    new_edges = list(_fk_edges(new_rels))
    for e in new_edges:
        if marks.relations.get(e.source) == "added":
            marks.fks.setdefault(e.key, "added")
    if old is not None:
        new_keys = {e.key for e in new_edges}
        old_keys = set()
        for e in _fk_edges(old_rels):
            old_keys.add(e.key)
            if e.key not in new_keys:
                marks.fks.setdefault(e.key, "removed")
                removed_fks.append(e)
        for e in new_edges:
            if e.key not in old_keys:
                marks.fks.setdefault(e.key, "added")
    for rel in list(marks.details):
        marks.details[rel] = sorted(marks.details[rel])
    return marks, sorted(removed_rels.values(), key=lambda r: r.qualified_name), sorted(removed_fks)
