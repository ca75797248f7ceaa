"""Why an embed fails (or which relationship it picks), with catalog evidence and the fix.

PostgREST answers a failing embed with PGRST200/201; this module adds what a developer
needs next: the relationships that *do* exist between the two relations (constraint,
columns, cardinality, through which view or junction), the nearest names to a mistyped
target or hint, notes on why a foreign key is invisible (schema not exposed, junction
outside the exposed schemas, ...), and corrected ``select=`` strings that resolve.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

from ..catalog._model import split_name
from ._errors import EmbedError
from ._index import RelationshipIndex
from ._model import AnyRelationship, QualifiedName, Relationship


@dataclass(frozen=True)
class EmbedExplanation:
    """The outcome of ``origin?select=target!hint(...)`` and the evidence behind it."""

    origin: QualifiedName
    target: str
    hint: str | None
    schema: str
    relationship: AnyRelationship | None = None
    error: EmbedError | None = None
    existing: tuple[AnyRelationship, ...] = ()
    """Relationships from the origin to relations named ``target`` (or, when there is no
    such relation, every relationship from the origin)."""
    nearest_targets: tuple[str, ...] = ()
    nearest_hints: tuple[str, ...] = ()
    suggestions: tuple[str, ...] = ()
    """Corrected ``select`` fragments, each verified to resolve to one relationship."""
    notes: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return self.error is None

    alias: str | None = None

    @property
    def requested(self) -> str:
        text = (f"{self.alias}:" if self.alias else "") + self.target
        return text + (f"!{self.hint}" if self.hint is not None else "")

    def to_dict(self) -> dict[str, Any]:
        return {
            "origin": self.origin.qualified,
            "target": self.target,
            "hint": self.hint,
            "schema": self.schema,
            "ok": self.ok,
            "relationship": self.relationship.description if self.relationship else None,
            "error": self.error.to_json() if self.error else None,
            "existing": [r.description for r in self.existing],
            "nearest_targets": list(self.nearest_targets),
            "nearest_hints": list(self.nearest_hints),
            "suggestions": list(self.suggestions),
            "notes": list(self.notes),
        }

    def __str__(self) -> str:
        lines = [f"{self.origin.name}?select={self.requested}(...) in schema '{self.schema}':"]
        if self.relationship is not None:
            lines.append(f"  resolves to {self.relationship.description}")
        if self.error is not None:
            lines.append(f"  {self.error.code} (HTTP {self.error.status}): {self.error.message}")
            if self.error.hint:
                lines.append(f"  PostgREST hint: {self.error.hint}")
        if self.existing:
            lines.append("  relationships that exist:")
            lines += [f"    - {r.description}  [hint: {r.embed_hint}]" for r in self.existing]
        if self.nearest_targets:
            lines.append("  nearest targets: " + ", ".join(self.nearest_targets))
        if self.nearest_hints:
            lines.append("  nearest hints: " + ", ".join(self.nearest_hints))
        lines += [f"  note: {n}" for n in self.notes]
        if self.suggestions:
            lines.append("  use instead: " + "  or  ".join(self.suggestions))
        return "\n".join(lines)


def _hint_names(rel: AnyRelationship) -> list[str]:
    names = [rel.hint]
    if isinstance(rel, Relationship) and len(rel.columns) == 1:
        names += [rel.columns[0][0], rel.columns[0][1]]
    return list(dict.fromkeys(n for n in names if n))


def _fragment(alias: str | None, target: str, hint: str | None, join: str | None,
              columns: str) -> str:
    text = (f"{alias}:" if alias else "") + target
    if hint:
        text += f"!{hint}"
    if join:
        text += f"!{join}"
    return f"{text}({columns})"


def _snapshot_notes(index: RelationshipIndex, origin: QualifiedName, target: str,
                    hint: str | None = None) -> list[str]:
    """Foreign keys the snapshot holds but PostgREST cannot use, and why."""
    snap = index.snapshot
    if snap is None:
        return []
    notes: list[str] = []
    exposed = set(index.schemas)
    named = index.relations_named(target)
    if not named:
        return notes
    if all(r.schema != origin.schema for r in named):
        where = ", ".join(sorted(r.qualified_name for r in named))
        notes.append(f"'{target}' exists only as {where}; embeds stay inside the request "
                     f"schema '{origin.schema}'")
    for r in named:
        if r.schema not in exposed:
            notes.append(f"{r.qualified_name} is in schema '{r.schema}', which is not exposed "
                         f"(db-schemas = {', '.join(index.schemas)})")
    origin_rel = next((r for r in snap.relations
                       if r.schema == origin.schema and r.name == origin.name), None)
    if origin_rel is None:
        return notes
    names = {r.qualified_name for r in named}
    direct = any(fk.ref in names for fk in origin_rel.foreign_keys) or any(
        fk.ref == origin.qualified for r in named for fk in r.foreign_keys)
    for fk in origin_rel.foreign_keys:
        if fk.ref in names:
            notes.append(f"{origin.qualified} has {fk.name} ({', '.join(fk.columns)}) -> "
                         f"{fk.ref}({', '.join(fk.ref_columns)})")
    for r in named:
        for fk in r.foreign_keys:
            if fk.ref == origin.qualified:
                notes.append(f"{r.qualified_name} has {fk.name} ({', '.join(fk.columns)}) -> "
                             f"{fk.ref}({', '.join(fk.ref_columns)})")
        if r.is_view and not r.view_sources:
            notes.append(f"view {r.qualified_name} has no column lineage to a base table, so "
                         "it inherits no foreign keys (expressions and casts break lineage)")
    # a junction matters only when a many-to-many was asked for: no direct foreign key
    # between the two sides, or the hint names the table meant as the junction
    candidates = [j for j in snap.relations
                  if j.qualified_name != origin.qualified and j.qualified_name not in names
                  and (not direct or hint in (j.name, j.qualified_name))]
    notes += _junction_notes(candidates, origin.qualified, names, exposed)
    return notes


def _junction_notes(relations: Any, origin: str, targets: set[str], exposed: set[str]) -> list[str]:
    """Tables with FKs to both sides that PostgREST does not treat as junctions, and why.

    Only the tables in ``relations`` are considered (the caller keeps the relevant ones)."""
    notes = []
    for j in relations:
        to_origin = [c for c in j.foreign_keys if c.ref == origin]
        to_target = [c for c in j.foreign_keys if c.ref in targets]
        if not to_origin or not to_target:
            continue
        pk = set(j.primary_key.columns) if j.primary_key else set()
        cols = {c for fk in to_origin + to_target for c in fk.columns}
        if j.schema not in exposed:
            notes.append(f"{j.qualified_name} links both sides but its schema '{j.schema}' is not "
                         "exposed, so it is no junction for a many-to-many embed")
        elif not cols <= pk:
            missing = ", ".join(sorted(cols - pk))
            notes.append(f"{j.qualified_name} links both sides but is no junction: its primary key "
                         f"({', '.join(sorted(pk)) or 'none'}) does not contain {missing}; embed "
                         f"through it instead ({j.name}(...)) or make the FK columns its primary key")
    return notes


def explain_embed(index: RelationshipIndex, origin: str, target: str, hint: str | None = None,
                  *, schema: str | None = None, alias: str | None = None,
                  columns: str = "*", join: str | None = None) -> EmbedExplanation:
    """Resolve ``origin?select=[alias:]target[!hint][!join](columns)`` and explain it.

    ``origin`` is ``"schema.table"`` or a bare name in ``schema`` (default: the first
    exposed schema).

    >>> from pgprobe.catalog._model import Constraint, Relation, Snapshot
    >>> t = Relation("public", "tickets", "table", constraints=(Constraint("tickets_pkey", "primary", ("id",)),))
    >>> a = Relation("public", "ticket_activities", "table", constraints=(
    ...     Constraint("ticket_activities_ticket_id_fkey", "foreign", ("ticket_id",),
    ...                ref_schema="public", ref_table="tickets", ref_columns=("id",)),))
    >>> idx = RelationshipIndex.from_snapshot(Snapshot(relations=(t, a)))
    >>> ex = explain_embed(idx, "ticket_activities", "tickets", "ta_ticket_id_fkey", alias="ticket")
    >>> ex.error.code, ex.suggestions
    ('PGRST200', ('ticket:tickets!ticket_activities_ticket_id_fkey(*)', 'ticket:tickets(*)'))
    """
    default_schema = schema or (index.schemas[0] if index.schemas else "public")
    if "." in origin or origin.startswith('"'):
        o_schema, o_name = split_name(origin, default_schema)
    else:
        o_schema, o_name = default_schema, origin
    schema = schema or o_schema
    qn = QualifiedName(o_schema, o_name)

    requested_alias = alias
    relationship: AnyRelationship | None = None
    error: EmbedError | None = None
    try:
        relationship = index.find(o_schema, o_name, target, hint, schema=schema)
    except EmbedError as exc:
        error = exc

    from_origin = index.of(o_schema, o_name, target_schema=schema)
    existing = [r for r in from_origin if r.foreign_table.name == target
                or getattr(r, "function", QualifiedName("", "")).name == target]
    target_names = sorted({r.foreign_table.name for r in from_origin}
                          | {r.name for r in from_origin if r.kind == "computed"})
    nearest_targets: list[str] = []
    if not existing:
        nearest_targets = difflib.get_close_matches(target, target_names, n=3, cutoff=0.5)
        if not nearest_targets and error is not None and error.hint:
            nearest_targets = [error.hint.split("'")[1]] if "'" in error.hint else []
        existing = [r for r in from_origin if r.foreign_table.name in nearest_targets]
        if not existing and error is not None:
            existing = list(from_origin)

    nearest_hints: list[str] = []
    if hint is not None and error is not None:
        pool = [n for r in existing for n in _hint_names(r)]
        nearest_hints = difflib.get_close_matches(hint, list(dict.fromkeys(pool)), n=3,
                                                  cutoff=0.3)

    suggestions: list[str] = []
    if (error is not None and alias is None and error.code == "PGRST200"
            and nearest_targets and target not in target_names):
        # keep the key the caller asked for: ``ticket(...)`` -> ``ticket:tickets(...)``
        alias = target
    if error is not None:
        def resolves(t: str, h: str | None) -> bool:
            return len(index.candidates(schema, o_name, t, h)) == 1 and o_schema == schema

        for r in existing:
            if hint is not None and r.kind != "computed" and resolves(r.foreign_table.name, r.hint):
                # the caller used a hint: first the same shape with the right one
                suggestions.append(_fragment(alias, r.foreign_table.name, r.hint, join, columns))
            form = index.embed_target(r, schema) if o_schema == schema else None
            if form is not None:
                t, _, h = form.partition("!")
                suggestions.append(_fragment(alias, t, h or None, join, columns))
        for t in dict.fromkeys([r.foreign_table.name for r in existing if r.kind != "computed"]):
            if resolves(t, None):
                suggestions.append(_fragment(alias, t, None, join, columns))
    notes = _snapshot_notes(index, qn, target, hint) if error is not None else []
    if (error is not None and error.code == "PGRST200" and index.snapshot is not None
            and not any(target in _hint_names(r) for r in from_origin)
            and not index.relations_named(target)):
        notes.insert(0, f"there is no table or view named '{target}'")

    return EmbedExplanation(
        origin=qn, target=target, hint=hint, schema=schema, relationship=relationship,
        alias=requested_alias,
        error=error, existing=tuple(existing), nearest_targets=tuple(nearest_targets),
        nearest_hints=tuple(nearest_hints), suggestions=tuple(dict.fromkeys(suggestions)),
        notes=tuple(dict.fromkeys(notes)),
    )


def why_no_relationship(index: RelationshipIndex, origin: str, target: str,
                        hint: str | None = None, **kwargs: Any) -> EmbedExplanation:
    """Alias of :func:`explain_embed` for the failing case (it works for any embed)."""
    return explain_embed(index, origin, target, hint, **kwargs)
