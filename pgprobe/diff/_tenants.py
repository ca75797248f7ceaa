"""The fleet question of schema-per-tenant databases: which tenant schemas differ from the
template schema, and how.

Each tenant schema is compared with the template as if it had the template's name: its
objects are relabelled (schema fields, and schema-qualified names inside definitions), then
the ordinary snapshot diff runs on the pair. Tenants whose differences are the same are
grouped, so "37 tenants lack column t00012.c04" reads as one line, not 37 reports.

>>> from pgprobe.catalog import Column, Relation, Snapshot
>>> def table(schema, *cols):
...     return Relation(schema, "t", "table", columns=tuple(Column(c, i + 1, "text", "text") for i, c in enumerate(cols)))
>>> snap = Snapshot(relations=(table("tpl", "a", "b"), table("acme", "a", "b"),
...                            table("initech", "a")))
>>> fleet = tenants(snap, "tpl")
>>> fleet.same, fleet.differing
(['acme'], ['initech'])
>>> [(c.change, c.path) for c in fleet.reports["initech"].changes]
[('removed', 'tpl.t.columns.b')]
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

import orjson

from .._errors import InputError
from ..catalog import Snapshot
from ._engine import DEFAULT_EXCLUDE, diff_snapshots
from ._report import DiffReport

__all__ = ["FleetReport", "tenants", "tenant_schemas"]

# Kinds that belong to the database, not to one schema: never tenant drift.
_DATABASE_WIDE = frozenset({"schema", "extension", "publication", "role"})
_COLLECTIONS = ("relations", "enums", "domains", "composite_types", "functions")
_BARE_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_$]*")


def _quoted(name: str) -> str:
    return name if _BARE_IDENTIFIER.fullmatch(name) else '"' + name.replace('"', '""') + '"'


def _json_text(text: str) -> bytes:
    return orjson.dumps(text)[1:-1]  # as the text appears inside a JSON string


class _Relabel:
    """Renames one schema to another inside serialized model objects.

    Objects are compared as JSON bytes (orjson writes the model's dataclasses in C), so a
    tenant identical to the template costs one serialization and one substitution per object,
    and only objects that differ are rebuilt for the diff engine. A schema field equal to the
    tenant's name, and names qualified with it inside SQL text (``tenant_042.plan``,
    ``"Tenant".t``), become the template's.
    """

    def __init__(self, schema: str, as_schema: str) -> None:
        self._same = schema == as_schema
        # (name as it stands in JSON, what follows it, replacement): a whole string value
        # (a schema field) and a qualifier inside SQL text.
        self._forms = [(_json_text(schema), b'"', _json_text(as_schema)),
                       (_json_text(_quoted(schema)), b".", _json_text(_quoted(as_schema)))]
        # Literal first, so the search runs at C speed; the context is checked per match.
        self._patterns = [re.compile(re.escape(name) + re.escape(after)) for name, after, _
                          in self._forms]

    def __call__(self, obj: Any) -> bytes:
        raw = orjson.dumps(obj)
        if self._same:
            return raw
        for (name, after, replacement), pattern in zip(self._forms, self._patterns,
                                                        strict=True):
            if name in raw:
                raw = pattern.sub(self._replacer(replacement + after, after == b'"'), raw)
        return raw

    @staticmethod
    def _replacer(replacement: bytes, whole_value: bool) -> Any:
        def swap(match: re.Match[bytes]) -> bytes:
            start = match.start()
            before = match.string[start - 1:start]
            if whole_value:  # the entire JSON string: opened by a quote
                keep = before != b'"' or match.string[start - 2:start - 1] == b"\\"
            else:  # a qualifier: not the tail of a longer identifier
                keep = before.isalnum() or before in (b"_", b"$")
            return match.group(0) if keep else replacement
        return swap


def _key(collection: str, obj: Any, relabel: _Relabel) -> tuple[str, str]:
    if collection == "functions":  # overloads: the argument types name the schema too
        return obj.name, orjson.loads(relabel(obj.identity_args)).strip()
    return obj.name, ""


def _by_schema(snap: Snapshot) -> dict[str, dict[str, list[Any]]]:
    """The objects of each collection by schema: one pass, not one per tenant."""
    out: dict[str, dict[str, list[Any]]] = {}
    for collection in _COLLECTIONS:
        grouped: dict[str, list[Any]] = defaultdict(list)
        for obj in getattr(snap, collection):
            grouped[obj.schema].append(obj)
        out[collection] = grouped
    return out


def _encoded(objects: dict[str, dict[str, list[Any]]], schema: str, relabel: _Relabel
             ) -> dict[str, dict[tuple[str, str], bytes]]:
    """Every object of ``schema`` (from ``_by_schema``), serialized and relabelled, by
    collection and name."""
    return {collection: {_key(collection, o, relabel): relabel(o)
                         for o in by_schema.get(schema, ())}
            for collection, by_schema in objects.items()}


def _differing_views(left: dict[str, dict[tuple[str, str], bytes]],
                     right: dict[str, dict[tuple[str, str], bytes]], base: Snapshot
                     ) -> tuple[Snapshot, Snapshot]:
    """Two small snapshots holding only the objects whose bytes differ (or exist on one
    side), rebuilt from the relabelled bytes."""
    sides: tuple[dict[str, list[Any]], dict[str, list[Any]]] = ({}, {})
    for collection in _COLLECTIONS:
        a, b = left[collection], right[collection]
        for key in sorted(a.keys() | b.keys()):
            if a.get(key) == b.get(key):
                continue
            for side, encoded in zip(sides, (a, b), strict=True):
                if key in encoded:
                    side.setdefault(collection, []).append(orjson.loads(encoded[key]))
    header = {"server_version": base.server_version,
              "server_version_num": base.server_version_num, "database": base.database}
    return tuple(Snapshot.from_dict({"format": "pgprobe.snapshot", "version": 1,
                                     "snapshot": {**header, **side}})
                 for side in sides)  # type: ignore[return-value]


def tenant_schemas(snap: Snapshot, template: str, *, min_shared: float = 0.5) -> list[str]:
    """Schemas shaped like ``template``: at least ``min_shared`` of their relation names and
    of the template's are common (Jaccard index), sorted by name."""
    names: dict[str, set[str]] = {}
    for rel in snap.relations:
        names.setdefault(rel.schema, set()).add(rel.name)
    if template not in names:
        known = ", ".join(sorted(names)[:8]) or "none"
        raise InputError(f"template schema {template} has no relations in this snapshot",
                         hint=f"schemas with relations: {known}")
    base = names[template]
    return sorted(s for s, rels in names.items()
                  if s != template and len(rels & base) / len(rels | base) >= min_shared)


@dataclass
class FleetReport:
    """Every tenant schema against the template: ``reports[schema]`` is a DiffReport whose
    objects are named with the template's schema (left = template, right = tenant)."""

    template: str
    reports: dict[str, DiffReport] = field(default_factory=dict)

    @property
    def same(self) -> list[str]:
        return [s for s, r in self.reports.items() if r.same]

    @property
    def differing(self) -> list[str]:
        return [s for s, r in self.reports.items() if not r.same]

    @property
    def exit_code(self) -> int:
        """0 when every tenant matches the template, 1 otherwise."""
        return 1 if self.differing else 0

    def groups(self) -> list[tuple[tuple[str, ...], list[str]]]:
        """Tenants with identical differences, largest group first: ``(changes, tenants)``
        where each change is one line of the template-relative diff."""
        by_changes: dict[tuple[str, ...], list[str]] = {}
        for schema in self.differing:
            lines = tuple(sorted(f"{c.symbol} {c.path}  {c.describe()}"
                                 for c in self.reports[schema].changes))
            by_changes.setdefault(lines, []).append(schema)
        return sorted(by_changes.items(), key=lambda item: (-len(item[1]), item[1][0]))

    def rows(self) -> list[tuple[str, int, str]]:
        """(tenant, number of changes, first change) for every tenant, template order."""
        out = []
        for schema, report in self.reports.items():
            first = report.changes[0] if report.changes else None
            out.append((schema, len(report.changes),
                        f"{first.symbol} {first.path}" if first else ""))
        return out

    def to_text(self) -> str:
        lines = [f"{len(self.reports)} tenant schemas against template {self.template}: "
                 f"{len(self.same)} same, {len(self.differing)} differ"]
        for changes, schemas in self.groups():
            shown = ", ".join(schemas[:6]) + (f" and {len(schemas) - 6} more"
                                              if len(schemas) > 6 else "")
            lines.append(f"\n{len(schemas)} tenant(s): {shown}")
            lines.extend(f"  {line}" for line in changes[:20])
            if len(changes) > 20:
                lines.append(f"  ... {len(changes) - 20} more changes")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (f"<FleetReport template={self.template} tenants={len(self.reports)} "
                f"differ={len(self.differing)}>")


def tenants(snap: Snapshot, template: str, *, schemas: Collection[str] | None = None,
            min_shared: float = 0.5, exclude: Collection[str] = DEFAULT_EXCLUDE) -> FleetReport:
    """Compare every tenant schema of ``snap`` with the ``template`` schema.

    ``schemas`` names the tenants (default: every schema shaped like the template, see
    :func:`tenant_schemas`). Database-wide kinds (schemas, extensions, publications, roles)
    are never tenant drift.
    """
    chosen = sorted(schemas) if schemas is not None else tenant_schemas(
        snap, template, min_shared=min_shared)
    objects = _by_schema(snap)
    template_objects = _encoded(objects, template, _Relabel(template, template))
    leave_out = set(exclude) | _DATABASE_WIDE
    report = FleetReport(template)
    for schema in chosen:
        tenant_objects = _encoded(objects, schema, _Relabel(schema, template))
        left, right = _differing_views(template_objects, tenant_objects, snap)
        report.reports[schema] = diff_snapshots(left, right, template, schema,
                                                schemas=[template], exclude=leave_out)
    return report
