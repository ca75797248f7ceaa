"""Emitters for schemas, extensions, enums, domains and composite types."""

from __future__ import annotations

from ...catalog._model import Snapshot
from ._context import Context
from ._model import Hazard
from ._objects import Obj
from ._quote import ident, literal, qualified


class Schemas:
    @staticmethod
    def create(obj: Obj, ctx: Context) -> None:
        owner = f" AUTHORIZATION {ident(obj.item.owner)}" if ctx.options.owners and \
            obj.item.owner else ""
        ctx.emit(f"CREATE SCHEMA {ident(obj.name)}{owner}", obj, "create", provides=[obj.key])
        Schemas.attributes(None, obj, ctx)

    @staticmethod
    def drop(obj: Obj, ctx: Context) -> None:
        ctx.emit(f"DROP SCHEMA {ident(obj.name)}", obj, "drop", phase=0)

    @staticmethod
    def alter(old: Obj, new: Obj, ctx: Context) -> bool:
        Schemas.attributes(old, new, ctx)
        return True

    @staticmethod
    def attributes(old: Obj | None, new: Obj, ctx: Context) -> None:
        s = new.item
        if (old.item.comment if old else None) != s.comment:
            ctx.emit(f"COMMENT ON SCHEMA {ident(s.name)} IS {_text(s.comment)}", new, "comment",
                     requires=[new.key])
        if ctx.options.owners and old and old.item.owner != s.owner and s.owner:
            ctx.emit(f"ALTER SCHEMA {ident(s.name)} OWNER TO {ident(s.owner)}", new, "owner")


class Extensions:
    @staticmethod
    def create(obj: Obj, ctx: Context) -> None:
        e = obj.item
        ctx.emit(f"CREATE EXTENSION IF NOT EXISTS {ident(e.name)} WITH SCHEMA {ident(e.schema)}",
                 obj, "create", provides=[obj.key], requires=ctx.needs(obj))

    @staticmethod
    def drop(obj: Obj, ctx: Context) -> None:
        ctx.emit(f"DROP EXTENSION {ident(obj.name)}", obj, "drop", phase=0,
                 hazards=[Hazard("breaks_dependents",
                                 "drops every object the extension made")])

    @staticmethod
    def alter(old: Obj, new: Obj, ctx: Context) -> bool:
        if old.item.schema != new.item.schema:
            ctx.emit(f"ALTER EXTENSION {ident(new.name)} SET SCHEMA {ident(new.item.schema)}",
                     new, "alter", requires=ctx.needs(new))
        if old.item.version != new.item.version:
            ctx.emit(f"ALTER EXTENSION {ident(new.name)} UPDATE TO {literal(new.item.version)}",
                     new, "alter")
        return True


class Enums:
    @staticmethod
    def create(obj: Obj, ctx: Context) -> None:
        labels = ", ".join(literal(v) for v in obj.item.labels)
        ctx.emit(f"CREATE TYPE {qualified(obj.name)} AS ENUM ({labels})", obj, "create",
                 provides=[obj.key], requires=ctx.needs(obj))
        if obj.item.comment:
            Enums.comment(obj, ctx)

    @staticmethod
    def comment(obj: Obj, ctx: Context) -> None:
        ctx.emit(f"COMMENT ON TYPE {qualified(obj.name)} IS {_text(obj.item.comment)}", obj,
                 "comment", requires=[obj.key])

    @staticmethod
    def drop(obj: Obj, ctx: Context) -> None:
        ctx.emit(f"DROP TYPE {qualified(obj.name)}", obj, "drop", phase=0)

    @staticmethod
    def alter(old: Obj, new: Obj, ctx: Context) -> bool:
        if old.item.comment != new.item.comment:
            Enums.comment(new, ctx)
        before, after = list(old.item.labels), list(new.item.labels)
        if before == after:
            return True
        if [v for v in after if v in before] != before:
            return False  # a label removed or moved: the type is rebuilt (see EnumSwap)
        for i, label in enumerate(after):
            if label in before:
                continue
            where = (f" BEFORE {literal(after[i + 1])}" if i + 1 < len(after)
                     and after[i + 1] in before else f" AFTER {literal(after[i - 1])}"
                     if i else "")
            # its own transaction: a new label cannot be used before it commits
            ctx.emit(f"ALTER TYPE {qualified(new.name)} ADD VALUE IF NOT EXISTS "
                     f"{literal(label)}{where}", new, "add value", transactional=False,
                     provides=[new.key], phase=1)
            before.insert(i, label)
        return True


class Domains:
    @staticmethod
    def create(obj: Obj, ctx: Context) -> None:
        d = obj.item
        parts = [f"CREATE DOMAIN {qualified(obj.name)} AS {d.base_type}"]
        if d.default is not None:
            parts.append(f"DEFAULT {d.default}")
        if not d.nullable:
            parts.append("NOT NULL")
        parts += list(d.checks)
        ctx.emit(" ".join(parts), obj, "create", provides=[obj.key], requires=ctx.needs(obj))

    @staticmethod
    def drop(obj: Obj, ctx: Context) -> None:
        ctx.emit(f"DROP DOMAIN {qualified(obj.name)}", obj, "drop", phase=0)

    @staticmethod
    def alter(old: Obj, new: Obj, ctx: Context) -> bool:
        a, b = old.item, new.item
        if a.base_type != b.base_type:
            return False
        q = qualified(new.name)
        if a.default != b.default:
            ctx.emit(f"ALTER DOMAIN {q} " + (f"SET DEFAULT {b.default}" if b.default is not None
                                             else "DROP DEFAULT"), new, "alter")
        if a.nullable != b.nullable:
            ctx.emit(f"ALTER DOMAIN {q} {'DROP' if b.nullable else 'SET'} NOT NULL", new,
                     "alter", hazards=[] if b.nullable else [Hazard(
                         "may_fail", "fails if a column of this domain holds NULL")])
        for check in b.checks:
            if check not in a.checks:
                ctx.emit(f"ALTER DOMAIN {q} ADD {check}", new, "alter",
                         hazards=[Hazard("long_validation", "checks every value stored")])
        if any(c not in b.checks for c in a.checks):
            ctx.unsupported.append(f"domain {new.name}: removing a check needs its name, which "
                                   "the snapshot does not hold")
        return True


class Composites:
    @staticmethod
    def create(obj: Obj, ctx: Context) -> None:
        attrs = ", ".join(f"{ident(a.name)} {a.type}" for a in obj.item.attributes)
        ctx.emit(f"CREATE TYPE {qualified(obj.name)} AS ({attrs})", obj, "create",
                 provides=[obj.key], requires=ctx.needs(obj))

    @staticmethod
    def drop(obj: Obj, ctx: Context) -> None:
        ctx.emit(f"DROP TYPE {qualified(obj.name)}", obj, "drop", phase=0)

    @staticmethod
    def alter(old: Obj, new: Obj, ctx: Context) -> bool:
        before = {a.name: a for a in old.item.attributes}
        after = {a.name: a for a in new.item.attributes}
        if [n for n in after if n in before] != [n for n in before if n in after]:
            return False
        q = qualified(new.name)
        for name in before:
            if name not in after:
                ctx.emit(f"ALTER TYPE {q} DROP ATTRIBUTE {ident(name)}", new, "alter")
        for name, a in after.items():
            if name not in before:
                ctx.emit(f"ALTER TYPE {q} ADD ATTRIBUTE {ident(name)} {a.type}", new, "alter",
                         requires=ctx.needs(new))
            elif before[name].type != a.type:
                ctx.emit(f"ALTER TYPE {q} ALTER ATTRIBUTE {ident(name)} TYPE {a.type}", new,
                         "alter", requires=ctx.needs(new))
        kept = [n for n in after if n in before]
        if list(after) != kept + [n for n in after if n not in before]:
            ctx.unsupported.append(f"composite type {new.name}: attribute order differs")
        return True


def _text(value: str | None) -> str:
    return "NULL" if value is None else literal(value)


def enum_columns(snap: Snapshot, enum: str) -> list[tuple[str, str]]:
    """(relation, column) pairs of tables whose column is of the enum (or an array of it)."""
    schema, name = enum.split(".", 1)
    return [(r.qualified_name, c.name) for r in snap.relations if r.kind in (
        "table", "partitioned_table") and not r.partition_of for c in r.columns
        if c.type_schema == schema and c.base_type == name]
