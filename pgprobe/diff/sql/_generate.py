"""From a DiffReport to the Migration that removes its differences.

The report says *which* objects differ (its change paths, renames included); the two
snapshots it was made from give their full definitions. Each object kind has one small
emitter (``create`` / ``drop`` / ``alter``); an ``alter`` that cannot be done in place
asks for the object to be recreated, and everything that depends on a recreated, dropped or
retyped object (views, policies, triggers, ...) is dropped and recreated with it. Statements
are then ordered by phase (drops, renames, creates and alters, validations) and, inside a
phase, by the dependencies the snapshots show.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, Protocol

from ..._errors import InputError
from ...catalog._model import Snapshot
from .._engine import diff_snapshots
from .._report import DiffReport
from ._context import Context
from ._emit_code import Functions, Publications
from ._emit_constraints import Constraints, Indexes, Triggers, embed_hazards
from ._emit_tables import Columns, Relations
from ._emit_types import Composites, Domains, Enums, Extensions, Schemas
from ._enum_swap import swap_enum
from ._model import Hazard, Migration
from ._objects import Obj, catalog_objects, dependents
from ._options import MigrationOptions
from ._order import order
from ._quote import ident, qualified
from ._security import Policies


class Emitter(Protocol):
    @staticmethod
    def create(obj: Obj, ctx: Context) -> None: ...

    @staticmethod
    def drop(obj: Obj, ctx: Context) -> None: ...

    @staticmethod
    def alter(old: Obj, new: Obj, ctx: Context) -> bool: ...


EMITTERS: dict[str, Any] = {
    "schema": Schemas, "extension": Extensions, "enum": Enums, "domain": Domains,
    "composite": Composites, "func": Functions, "rel": Relations, "column": Columns,
    "con": Constraints, "idx": Indexes, "trg": Triggers, "pol": Policies, "pub": Publications,
}
_KIND_ORDER = list(EMITTERS)
_LATE_DROPS = {"schema", "extension", "enum", "domain", "composite", "func"}
_CHILDREN = {"columns": "column", "constraints": "con", "indexes": "idx", "triggers": "trg",
             "policies": "pol"}


def _kind_rank(key: str) -> tuple[int, str]:
    return (_KIND_ORDER.index(key.split(":", 1)[0]), key)


def touched_keys(report: DiffReport) -> tuple[set[str], dict[str, str]]:
    """Object keys the report's changes name, and renames (source key -> target key)."""
    touched: set[str] = set()
    renames: dict[str, str] = {}
    for ch in report:
        path = ch.path
        head, _, rest = path.partition(".")
        if head in ("schemas", "extensions", "publications"):
            kind = {"schemas": "schema", "extensions": "extension", "publications": "pub"}[head]
            touched.add(f"{kind}:{rest.split('.', 1)[0]}")
            continue
        if head == "roles":
            continue
        m = re.match(r"^([^.(]+\.[^.(]+\([^)]*\))", path)
        if m:
            touched.add(f"func:{m.group(1)}")
            continue
        parts = path.split(".")
        if len(parts) < 2:
            continue
        name = f"{parts[0]}.{parts[1]}"
        if len(parts) >= 4 and parts[2] in _CHILDREN:
            key = f"{_CHILDREN[parts[2]]}:{name}.{parts[3]}"
            touched.add(key)
            if ch.change == "changed" and len(parts) == 4 and isinstance(ch.new, str) \
                    and (ch.hint or ch.note or "").startswith("renamed"):
                target = f"{_CHILDREN[parts[2]]}:{name}.{ch.new}"
                renames[key] = target
                touched.add(target)
            continue
        touched |= {f"{k}:{name}" for k in ("rel", "enum", "domain", "composite")}
    return touched, renames


def _in_schemas(objs: dict[str, Obj], schemas: Iterable[str] | None) -> dict[str, Obj]:
    if schemas is None:
        return objs
    wanted = set(schemas)

    def schema_of(o: Obj) -> str:
        if o.kind in ("schema", "extension", "pub"):
            return o.name if o.kind == "schema" else next(iter(wanted))
        return o.name.split(".", 1)[0]

    if all(schema_of(o) in wanted for o in objs.values()):
        return objs
    kept = {k: o for k, o in objs.items() if schema_of(o) in wanted}
    if hasattr(objs, "_builder"):
        from ._objects import ObjectMap

        return ObjectMap(kept, objs._builder)
    return kept


class _Generator:
    def __init__(self, report: DiffReport, source: Snapshot, target: Snapshot,
                 options: MigrationOptions) -> None:
        self.report = report
        lobjs = _in_schemas(catalog_objects(source), options.schemas)
        robjs = _in_schemas(catalog_objects(target), options.schemas)
        self.ctx = Context(source, target, lobjs, robjs, options)
        self.rev = dependents(lobjs)
        self.retyped: set[str] = set()
        self.lchildren = _children(lobjs)
        self.rchildren = _children(robjs)
        for objs, children in ((lobjs, self.lchildren), (robjs, self.rchildren)):
            for key in touched_relations(self.report):
                if hasattr(objs, "columns_of"):
                    children.setdefault(key, []).extend(objs.columns_of(key))

    def run(self) -> Migration:
        ctx = self.ctx
        touched, renames = touched_keys(self.report)
        self.renames(renames)
        pairs: list[tuple[Obj, Obj]] = []
        for key in sorted(touched, key=_kind_rank):
            if key in renames or key in renames.values():
                continue
            left, right = ctx.lobjs.get(key), ctx.robjs.get(key)
            if left is None and right is not None:
                self.mark_created(key)
            elif left is not None and right is None:
                ctx.dropped.add(key)
                ctx.dropped.update(self.lchildren.get(key, ()))
            elif left is not None and right is not None:
                pairs.append((left, right))
        for left, right in pairs + [(ctx.lobjs[a], ctx.robjs[b]) for a, b in renames.items()]:
            self.alter(left, right)
        self.close_over_dependents()
        self.emit_drops()
        self.emit_creates()
        return Migration(order(ctx.statements), self.report.left_label,
                         self.report.right_label, refused=ctx.refused,
                         unsupported=ctx.unsupported, source=ctx.source, target=ctx.target,
                         options=ctx.options)

    def renames(self, renames: dict[str, str]) -> None:
        ctx = self.ctx
        for old_key, new_key in renames.items():
            old, new = ctx.lobjs.get(old_key), ctx.robjs.get(new_key)
            if old is None or new is None:
                continue
            ctx.renamed[old_key] = new_key
            table = qualified((new.parent or "")[4:])
            old_name, new_name = ident(old.item.name), ident(new.item.name)
            sql = {
                "column": f"ALTER TABLE {table} RENAME COLUMN {old_name} TO {new_name}",
                "con": f"ALTER TABLE {table} RENAME CONSTRAINT {old_name} TO {new_name}",
                "idx": f"ALTER INDEX {qualified(table_schema(new) + '.' + old.item.name)} "
                       f"RENAME TO {new_name}",
                "trg": f"ALTER TRIGGER {old_name} ON {table} RENAME TO {new_name}",
                "pol": f"ALTER POLICY {old_name} ON {table} RENAME TO {new_name}",
            }[new.kind]
            hazards = [Hazard("breaks_dependents", f"clients using {old.item.name} fail")]
            if new.kind == "con":
                hazards = embed_hazards(old, ctx, renamed_to=new.item.name)
            ctx.emit(sql, new, "rename", phase=1, lock="ACCESS EXCLUSIVE", hazards=hazards,
                     provides=[new.key])

    def mark_created(self, key: str) -> None:
        ctx = self.ctx
        ctx.created.add(key)
        for k in self.rchildren.get(key, ()):
            if k not in ctx.lobjs or key in ctx.recreated:
                ctx.created.add(k)

    def alter(self, left: Obj, right: Obj) -> None:
        ctx = self.ctx
        if left.kind == "column" and left.item.type != right.item.type:
            self.retyped.add(left.key)
        if EMITTERS[right.kind].alter(left, right, ctx):
            return
        if right.kind == "enum":
            self.retyped |= swap_enum(left, right, ctx)
            self.recreate_dependents_of(left.key, skip_columns=True)
            return
        self.recreate(left.key)

    def recreate(self, key: str) -> None:
        ctx = self.ctx
        ctx.recreated.add(key)
        ctx.dropped.add(key)
        self.mark_created(key)
        for k in self.lchildren.get(key, ()):  # children go with their parent
            o = ctx.lobjs[k]
            if o.parent == key:
                ctx.dropped.add(k)
                if k in ctx.robjs and o.kind != "column":
                    ctx.recreated.add(k)
                    ctx.created.add(k)

    def recreate_dependents_of(self, key: str, skip_columns: bool = False) -> None:
        queue = [key]
        ctx = self.ctx
        while queue:
            k = queue.pop()
            for d in sorted(self.rev.get(k, ())):
                obj = ctx.lobjs[d]
                if not _rebuildable(obj) or obj.parent == k or d in ctx.dropped:
                    continue
                if d in ctx.robjs:
                    self.recreate(d)
                    queue.append(d)

    def close_over_dependents(self) -> None:
        ctx = self.ctx
        for col_key in sorted(self.retyped | {k for k in ctx.dropped if k.startswith("column:")}):
            rel_key = "rel:" + col_key.split(":", 1)[1].rsplit(".", 1)[0]
            column = col_key.rsplit(".", 1)[1]
            for d in sorted(self.rev.get(rel_key, ())):
                obj = ctx.lobjs[d]
                if d in ctx.dropped or d not in ctx.robjs or not _rebuildable(obj):
                    continue
                if obj.kind == "rel" or (obj.kind == "pol" and _mentions(obj, column)):
                    self.recreate(d)
                    self.recreate_dependents_of(d)
        for key in sorted(ctx.dropped):
            if ctx.lobjs[key].kind != "column":
                self.recreate_dependents_of(key)

    def emit_drops(self) -> None:
        ctx = self.ctx
        for key in sorted(ctx.dropped, key=_kind_rank, reverse=True):
            obj = ctx.lobjs[key]
            if obj.parent in ctx.dropped and not self.cross_reference(obj):
                continue
            start = len(ctx.statements)
            EMITTERS[obj.kind].drop(obj, ctx)
            children = self.lchildren.get(key, [])
            waits = [f"gone:{d}" for d in self.rev.get(key, ()) if d in ctx.dropped
                     and ctx.lobjs[d].parent != key]
            late = obj.kind in _LATE_DROPS and key not in ctx.recreated
            for st in ctx.statements[start:]:
                st.provides += (f"gone:{key}", *(f"gone:{c}" for c in children))
                st.requires += tuple(waits)
                if late:  # after columns, defaults and signatures moved off it
                    st.phase = 4

    def cross_reference(self, obj: Obj) -> bool:
        """A foreign key from one dropped table to another: dropped on its own first, so
        tables that reference each other can go."""
        ref = f"rel:{obj.item.ref}" if obj.kind == "con" and obj.item.kind == "foreign" else ""
        return bool(ref) and ref != obj.parent and ref in self.ctx.dropped

    def emit_creates(self) -> None:
        ctx = self.ctx
        for key in sorted(ctx.created, key=_kind_rank):
            obj = ctx.robjs[key]
            if obj.kind == "column" and obj.parent in ctx.created:
                continue
            EMITTERS[obj.kind].create(obj, ctx)


def touched_relations(report: DiffReport) -> set[str]:
    return {k for k in touched_keys(report)[0] if k.startswith("rel:")}


def _children(objs: dict[str, Obj]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for k, o in objs.items():
        if o.parent is not None:
            out.setdefault(o.parent, []).append(k)
    return out


def _rebuildable(obj: Obj) -> bool:
    """Objects that can be dropped and created again without losing anything: not tables
    or their columns (data), not publications (a dropped member table leaves by itself)."""
    if obj.kind in ("column", "pub"):
        return False
    return not (obj.kind == "rel" and not obj.item.is_view)


def table_schema(obj: Obj) -> str:
    return (obj.parent or "")[4:].split(".", 1)[0]


def _mentions(obj: Obj, column: str) -> bool:
    text = " ".join(t for t in (obj.item.using, obj.item.with_check) if t)
    return re.search(rf"\b{re.escape(column)}\b", text) is not None


def generate(report: DiffReport, options: MigrationOptions | None = None, **kwargs: Any
             ) -> Migration:
    """The migration that turns the report's left snapshot into its right one."""
    if options is None:
        options = MigrationOptions(**kwargs)
    full = getattr(report, "full_snapshots", None)
    if full is not None:  # a live diff read only what differs: read both sides in full
        source, target = full()
        report = DiffReport([c for c in diff_snapshots(source, target) if c.path in set(
            report.paths())] or list(report), report.left_label, report.right_label,
            left=source, right=target)
    source, target = getattr(report, "left", None), getattr(report, "right", None)
    if not isinstance(source, Snapshot) or not isinstance(target, Snapshot):
        raise InputError("this report was not made from two snapshots, so it cannot give SQL",
                         hint="diff two databases or snapshot files (not an expectations or "
                         "types file) to get a migration")
    return _Generator(report, source, target, options).run()
