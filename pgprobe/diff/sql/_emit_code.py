"""Emitters for functions, procedures and publications."""

from __future__ import annotations

from ...catalog._model import Function
from ._context import Context
from ._model import Hazard
from ._objects import Obj
from ._quote import dollar_quote, ident, literal, qname, qualified
from ._security import grants

_LIST_SETTINGS = {"search_path", "temp_tablespaces", "session_preload_libraries",
                  "local_preload_libraries"}


def _setting(item: str) -> str:
    """``SET name = value`` from a ``proconfig`` entry (``search_path=public, extensions``)."""
    name, _, value = item.partition("=")
    if name in _LIST_SETTINGS:
        parts = [p.strip() for p in value.split(",")] if value else [""]
        values = ", ".join(literal(p[1:-1].replace('""', '"') if p.startswith('"')
                                   and p.endswith('"') else p) for p in parts)
        return f"SET {ident(name)} TO {values}"
    return f"SET {ident(name)} TO {literal(value)}"


def function_sql(f: Function) -> str:
    what = "PROCEDURE" if f.kind == "procedure" else "FUNCTION"
    lines = [f"CREATE OR REPLACE {what} {qname(f.schema, f.name)}({f.arguments})"]
    if f.kind != "procedure":
        lines.append(f" RETURNS {f.result}")
    lines.append(f" LANGUAGE {ident(f.language) if f.language != 'sql' else 'sql'}")
    if f.kind != "procedure":
        lines.append(f" {f.volatility.upper()}")
    if f.security_definer:
        lines.append(" SECURITY DEFINER")
    lines += [f" {_setting(c)}" for c in f.config]
    if f.kind != "procedure" and f.returns_set and f.rows and f.rows != 1000:
        lines.append(f" ROWS {f.rows:g}")
    lines.append(f"AS {dollar_quote(f.definition or '')}")
    return "\n".join(lines)


class Functions:
    @staticmethod
    def create(obj: Obj, ctx: Context) -> None:
        f: Function = obj.item
        ctx.emit(function_sql(f), obj, "create", provides=[obj.key], requires=ctx.needs(obj))
        Functions.attributes(None, obj, ctx)

    @staticmethod
    def attributes(old: Obj | None, new: Obj, ctx: Context) -> None:
        f: Function = new.item
        target = f"{'PROCEDURE' if f.kind == 'procedure' else 'FUNCTION'} {_sig(f)}"
        if (old.item.comment if old else None) != f.comment:
            text = "NULL" if f.comment is None else literal(f.comment)
            ctx.emit(f"COMMENT ON {target} IS {text}", new, "comment", requires=[new.key])
        if ctx.options.owners and f.owner and (old.item.owner if old else None) != f.owner:
            ctx.emit(f"ALTER {target} OWNER TO {ident(f.owner)}", new, "owner")
        grants(target, new, old.item.grants if old else None, f.grants, ctx, owner=f.owner)

    @staticmethod
    def drop(obj: Obj, ctx: Context) -> None:
        f: Function = obj.item
        hazards = [] if obj.key in ctx.recreated else [Hazard(
            "breaks_dependents", "callers (RPC /rpc/" + f.name + ", other functions) fail")]
        ctx.emit(f"DROP {'PROCEDURE' if f.kind == 'procedure' else 'FUNCTION'} {_sig(f)}", obj,
                 "drop", phase=0, hazards=hazards)

    @staticmethod
    def alter(old: Obj, new: Obj, ctx: Context) -> bool:
        a, b = old.item, new.item
        if (a.kind, a.result, a.return_type, a.returns_set) != (b.kind, b.result, b.return_type,
                                                                b.returns_set) or \
                [x.name for x in a.args] != [x.name for x in b.args] or a.arguments != b.arguments:
            return False
        if _body(a) != _body(b):
            ctx.emit(function_sql(b), new, "replace", requires=ctx.needs(new))
        Functions.attributes(old, new, ctx)
        return True


def _body(f: Function) -> tuple[object, ...]:
    return (f.language, f.volatility, f.security_definer, tuple(f.config), f.definition, f.rows)


def _sig(f: Function) -> str:
    return f"{qname(f.schema, f.name)}({f.identity_args})"


class Publications:
    @staticmethod
    def create(obj: Obj, ctx: Context) -> None:
        p = obj.item
        what = " FOR ALL TABLES" if p.all_tables else (
            " FOR TABLE " + ", ".join(qualified(t) for t in p.tables) if p.tables else "")
        ctx.emit(f"CREATE PUBLICATION {ident(p.name)}{what} WITH (publish = "
                 f"{literal(', '.join(p.actions))})", obj, "create", provides=[obj.key],
                 requires=ctx.needs(obj))

    @staticmethod
    def drop(obj: Obj, ctx: Context) -> None:
        ctx.emit(f"DROP PUBLICATION {ident(obj.name)}", obj, "drop", phase=0, hazards=[Hazard(
            "breaks_dependents", "subscribers and Realtime stop receiving changes")])

    @staticmethod
    def alter(old: Obj, new: Obj, ctx: Context) -> bool:
        a, b = old.item, new.item
        if a.all_tables != b.all_tables:
            return False
        name = ident(b.name)
        gone = [t for t in a.tables if t not in b.tables and f"rel:{t}" not in ctx.dropped]
        if gone and not b.all_tables:
            ctx.emit(f"ALTER PUBLICATION {name} DROP TABLE "
                     + ", ".join(qualified(t) for t in gone), new, "alter", phase=1,
                     hazards=[Hazard("breaks_dependents", "Realtime stops sending changes of "
                                     + ", ".join(gone))])
        added = [t for t in b.tables if t not in a.tables]
        if added and not b.all_tables:
            ctx.emit(f"ALTER PUBLICATION {name} ADD TABLE "
                     + ", ".join(qualified(t) for t in added), new, "alter",
                     requires=[f"rel:{t}" for t in added])
        if sorted(a.actions) != sorted(b.actions):
            ctx.emit(f"ALTER PUBLICATION {name} SET (publish = {literal(', '.join(b.actions))})",
                     new, "alter")
        return True
