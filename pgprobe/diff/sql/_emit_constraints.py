"""Emitters for constraints, indexes and triggers."""

from __future__ import annotations

import re

from ._context import Context
from ._model import Hazard
from ._objects import Obj
from ._quote import ident, qualified


def _table(obj: Obj) -> str:
    return qualified((obj.parent or "")[4:])


class Constraints:
    @staticmethod
    def create(obj: Obj, ctx: Context) -> None:
        con = obj.item
        table = _table(obj)
        definition = con.definition
        existing = ctx.existing_table(obj.parent or "")
        deferred = existing and con.validated and con.kind in ("foreign", "check")
        if deferred:  # add without checking rows (brief lock), then validate (no write lock)
            definition += " NOT VALID"
        lock = "SHARE ROW EXCLUSIVE" if con.kind == "foreign" else "ACCESS EXCLUSIVE"
        hazards = []
        if existing and con.kind in ("primary", "unique", "exclusion"):
            hazards.append(Hazard("long_validation", "builds a unique index while writes wait"))
        ctx.emit(f"ALTER TABLE {table} ADD CONSTRAINT {ident(con.name)} {definition}", obj,
                 "add", lock=lock, hazards=hazards, provides=[obj.key],
                 requires=ctx.needs(obj))
        if deferred:
            ctx.emit(f"ALTER TABLE {table} VALIDATE CONSTRAINT {ident(con.name)}", obj,
                     "validate", lock="SHARE UPDATE EXCLUSIVE", phase=3, hazards=[Hazard(
                         "long_validation", "reads every row; writes continue meanwhile")])

    @staticmethod
    def drop(obj: Obj, ctx: Context) -> None:
        hazards = list(embed_hazards(obj, ctx)) if obj.key not in ctx.recreated else []
        ctx.emit(f"ALTER TABLE {_table(obj)} DROP CONSTRAINT {ident(obj.item.name)}", obj,
                 "drop", phase=0, lock="ACCESS EXCLUSIVE", hazards=hazards)

    @staticmethod
    def alter(old: Obj, new: Obj, ctx: Context) -> bool:
        a, b = old.item, new.item
        if not a.validated and b.validated and _same_but_valid(a.definition, b.definition):
            ctx.emit(f"ALTER TABLE {_table(new)} VALIDATE CONSTRAINT {ident(b.name)}", new,
                     "validate", lock="SHARE UPDATE EXCLUSIVE", phase=3, hazards=[Hazard(
                         "long_validation", "reads every row; writes continue meanwhile")])
            return True
        return False


def _same_but_valid(a: str, b: str) -> bool:
    return a.removesuffix(" NOT VALID") == b


def embed_hazards(obj: Obj, ctx: Context, renamed_to: str | None = None) -> list[Hazard]:
    """PostgREST embeds that go through a foreign key being dropped or renamed."""
    con = obj.item
    if con.kind != "foreign":
        return []
    rel = (obj.parent or "")[4:]
    try:
        index = getattr(ctx, "_relationships", None)
        if index is None:
            from ...relationships import RelationshipIndex

            index = RelationshipIndex.from_snapshot(ctx.source, sorted(
                {r.schema for r in ctx.source.relations}))
            ctx._relationships = index  # type: ignore[attr-defined]
        uses = [r for r in index if getattr(r, "constraint", None) == con.name
                and r.table.qualified in (rel, con.ref)]
    except Exception:  # the index is advisory: a failure must not stop the migration
        uses = []
    what = ", ".join(sorted({f"{r.table.name} -> {r.foreign_table.name}" for r in uses})) or \
        f"{rel.split('.')[-1]} <-> {con.ref_table}"
    hint = f"; hints !{con.name} must become !{renamed_to}" if renamed_to else \
        f"; requests hinting !{con.name} fail (PGRST200)"
    return [Hazard("postgrest_embed", f"PostgREST embeds through {con.name} ({what}) stop "
                   f"resolving{hint}")]


class Indexes:
    @staticmethod
    def create(obj: Obj, ctx: Context) -> None:
        definition = obj.item.definition
        existing = ctx.existing_table(obj.parent or "")
        concurrent = existing and ctx.options.concurrently
        if concurrent:
            definition = re.sub(r"^CREATE (UNIQUE )?INDEX ", r"CREATE \1INDEX CONCURRENTLY ",
                                definition)
        hazards = [Hazard("long_validation", "blocks writes to the table while it builds "
                          "(use --concurrently)")] if existing and not concurrent else []
        ctx.emit(definition, obj, "create", lock="SHARE UPDATE EXCLUSIVE" if concurrent
                 else "SHARE", hazards=hazards, provides=[obj.key], requires=ctx.needs(obj),
                 transactional=not concurrent)

    @staticmethod
    def drop(obj: Obj, ctx: Context) -> None:
        concurrent = ctx.options.concurrently and (obj.parent or "") not in ctx.dropped
        schema = (obj.parent or "")[4:].split(".")[0]
        ctx.emit(f"DROP INDEX {'CONCURRENTLY ' if concurrent else ''}"
                 f"{qualified(schema + '.' + obj.item.name)}", obj, "drop", phase=0,
                 lock="SHARE UPDATE EXCLUSIVE" if concurrent else "ACCESS EXCLUSIVE",
                 transactional=not concurrent)

    @staticmethod
    def alter(old: Obj, new: Obj, ctx: Context) -> bool:
        return False


class Triggers:
    @staticmethod
    def create(obj: Obj, ctx: Context) -> None:
        t = obj.item
        ctx.emit(t.definition, obj, "create", lock="SHARE ROW EXCLUSIVE", provides=[obj.key],
                 requires=ctx.needs(obj))
        Triggers.enabled("O", obj, ctx)

    @staticmethod
    def enabled(before: str, obj: Obj, ctx: Context) -> None:
        state = obj.item.enabled
        if state == before:
            return
        word = {"O": "ENABLE", "D": "DISABLE", "R": "ENABLE REPLICA", "A": "ENABLE ALWAYS"}[state]
        ctx.emit(f"ALTER TABLE {_table(obj)} {word} TRIGGER {ident(obj.item.name)}", obj,
                 "alter", lock="SHARE ROW EXCLUSIVE", requires=[obj.key])

    @staticmethod
    def drop(obj: Obj, ctx: Context) -> None:
        ctx.emit(f"DROP TRIGGER {ident(obj.item.name)} ON {_table(obj)}", obj, "drop", phase=0,
                 lock="SHARE ROW EXCLUSIVE")

    @staticmethod
    def alter(old: Obj, new: Obj, ctx: Context) -> bool:
        a, b = old.item, new.item
        if (a.timing, a.events, a.level, a.function) != (b.timing, b.events, b.level,
                                                         b.function):
            return False
        from .._normalize import strip_trigger_name

        if strip_trigger_name(a.definition) != strip_trigger_name(b.definition):
            return False
        Triggers.enabled(a.enabled, new, ctx)
        return True
