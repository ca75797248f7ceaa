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

import dataclasses
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from .._errors import InputError
from ..catalog import Snapshot
from ._engine import DEFAULT_EXCLUDE, diff_snapshots
from ._report import DiffReport

__all__ = ["FleetReport", "tenants", "tenant_schemas"]

# Kinds that belong to the database, not to one schema: never tenant drift.
_DATABASE_WIDE = frozenset({"schema", "extension", "publication", "role"})
_SCHEMA_FIELDS = frozenset({"schema", "ref_schema", "type_schema", "return_type_schema",
                            "source_schema"})
_BARE_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_$]*")


def _quoted(name: str) -> str:
    return name if _BARE_IDENTIFIER.fullmatch(name) else '"' + name.replace('"', '""') + '"'


def _renamer(schema: str, as_schema: str) -> tuple[Callable[[str], str], Callable[[str], str]]:
    """(exact, inside): rename a schema field, and schema-qualified names inside SQL text."""
    pattern = re.compile(r'(?<![\w$"])(?:' + re.escape(_quoted(schema)) + r")\.")
    target = _quoted(as_schema) + "."

    def exact(value: str) -> str:
        return as_schema if value == schema else value

    def inside(text: str) -> str:
        return pattern.sub(target, text) if schema in text else text

    return exact, inside


def _relabel(value: Any, exact: Callable[[str], str], inside: Callable[[str], str],
             field_name: str = "") -> Any:
    if isinstance(value, str):
        return exact(value) if field_name in _SCHEMA_FIELDS else inside(value)
    if isinstance(value, tuple):
        return tuple(_relabel(v, exact, inside, field_name) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        # The model's classes are frozen dataclasses: build the copy without __init__.
        copy = object.__new__(type(value))
        copy.__dict__.update({name: _relabel(v, exact, inside, name)
                              for name, v in vars(value).items()
                              if not name.startswith("_")})
        return copy
    return value


def _schema_view(snap: Snapshot, schema: str, as_schema: str) -> Snapshot:
    """The objects of ``schema`` only, named as if they lived in ``as_schema``."""
    exact, inside = _renamer(schema, as_schema)

    def own(items: Sequence[Any]) -> tuple[Any, ...]:
        mine = [o for o in items if o.schema == schema]
        if schema == as_schema:
            return tuple(mine)
        return tuple(_relabel(o, exact, inside) for o in mine)

    return Snapshot(server_version=snap.server_version,
                    server_version_num=snap.server_version_num, database=snap.database,
                    relations=own(snap.relations), enums=own(snap.enums),
                    domains=own(snap.domains), composite_types=own(snap.composite_types),
                    functions=own(snap.functions))


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
    left = _schema_view(snap, template, template)
    leave_out = set(exclude) | _DATABASE_WIDE
    report = FleetReport(template)
    for schema in chosen:
        right = _schema_view(snap, schema, template)
        report.reports[schema] = diff_snapshots(left, right, template, schema,
                                                schemas=[template], exclude=leave_out)
    return report
