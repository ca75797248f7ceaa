"""Emitters for what guards a relation: RLS, policies, grants (table, column, function),
comments and owners."""

from __future__ import annotations

from collections.abc import Sequence

from ...catalog._model import Grant, Relation
from ._context import Context
from ._model import Hazard
from ._objects import Obj
from ._quote import ident, literal, qualified, role

_REL_WORD = {"view": "VIEW", "materialized_view": "MATERIALIZED VIEW",
             "foreign_table": "FOREIGN TABLE"}


def relation_attributes(old: Obj | None, new: Obj, ctx: Context) -> None:
    """RLS, comment, owner and grants of a relation (``old`` None when just created)."""
    a: Relation | None = old.item if old else None
    b: Relation = new.item
    q = qualified(new.name)
    after = [new.key]
    if (a.rls_enabled if a else False) != b.rls_enabled:
        ctx.emit(f"ALTER TABLE {q} {'ENABLE' if b.rls_enabled else 'DISABLE'} ROW LEVEL SECURITY",
                 new, "rls", kind="rls", lock="ACCESS EXCLUSIVE", requires=after,
                 hazards=[] if b.rls_enabled else [Hazard(
                     "breaks_dependents", "policies stop applying: every row is visible to "
                     "roles with table privileges")])
    if (a.rls_forced if a else False) != b.rls_forced:
        ctx.emit(f"ALTER TABLE {q} {'' if b.rls_forced else 'NO '}FORCE ROW LEVEL SECURITY",
                 new, "rls", kind="rls", lock="ACCESS EXCLUSIVE", requires=after)
    word = _REL_WORD.get(b.kind, "TABLE")
    if (a.comment if a else None) != b.comment:
        ctx.emit(f"COMMENT ON {word} {q} IS {_text(b.comment)}", new, "comment", kind="comment",
                 requires=after)
    if ctx.options.owners and b.owner and (a.owner if a else None) != b.owner:
        ctx.emit(f"ALTER {word} {q} OWNER TO {ident(b.owner)}", new, "owner", requires=after)
    if a is None:
        for c in b.columns:
            if c.comment is not None:
                ctx.emit(f"COMMENT ON COLUMN {q}.{ident(c.name)} IS {literal(c.comment)}", new,
                         "comment", kind="comment", requires=after)
    grants(f"TABLE {q}", new, a.grants if a else None, b.grants, ctx, owner=b.owner)


def _key(g: Grant) -> tuple[str, str, str | None]:
    return (g.grantee, g.privilege.upper(), g.column)


def grants(target: str, obj: Obj, before: Sequence[Grant] | None, after: Sequence[Grant],
           ctx: Context, owner: str | None = None) -> None:
    """GRANT / REVOKE so the object's privileges become ``after``. ``before`` is None for a
    new object: its privileges then depend on default privileges the snapshot does not
    hold, so every role the target grants anything to starts from nothing."""
    requires = [obj.key]
    if before is None:
        if not after:
            return
        roles = sorted({g.grantee for g in _all_grants(ctx)} - {owner or ""})
        if roles:
            ctx.emit(f"REVOKE ALL ON {target} FROM {', '.join(role(r) for r in roles)}", obj,
                     "revoke", kind="grant", requires=requires)
        before = [g for g in after if g.grantee == owner and g.column is None]
    old = {_key(g): g for g in before}
    new = {_key(g): g for g in after}
    revokes: dict[tuple[str, str | None], list[str]] = {}
    for grantee, priv, column in sorted(old.keys() - new.keys(), key=str):
        revokes.setdefault((grantee, column), []).append(priv)
    for (grantee, column), privs in revokes.items():
        ctx.emit(f"REVOKE {_privs(privs, column)} ON {target} FROM {role(grantee)}", obj,
                 "revoke", kind="grant", requires=requires,
                 hazards=[Hazard("breaks_dependents", f"{grantee} loses {', '.join(privs)}"
                                 f"{_col(column)}: its requests start failing")])
    adds: dict[tuple[str, str | None, bool], list[str]] = {}
    for k in sorted(new.keys(), key=str):
        g, was = new[k], old.get(k)
        if was is not None and was.grantable == g.grantable:
            continue
        if was is not None and was.grantable and not g.grantable:
            ctx.emit(f"REVOKE GRANT OPTION FOR {k[1]}{_col(k[2])} ON {target} FROM "
                     f"{role(k[0])}", obj, "revoke", kind="grant", requires=requires)
            continue
        adds.setdefault((k[0], k[2], g.grantable), []).append(k[1])
    for (grantee, column, grantable), privs in adds.items():
        option = " WITH GRANT OPTION" if grantable else ""
        ctx.emit(f"GRANT {_privs(privs, column)} ON {target} TO {role(grantee)}{option}", obj,
                 "grant", kind="grant", requires=requires)


def _privs(privs: list[str], column: str | None) -> str:
    return ", ".join(f"{p}{_col(column)}" for p in privs)


def _all_grants(ctx: Context) -> list[Grant]:
    cached = getattr(ctx, "_grantees", None)
    if cached is None:
        cached = [g for r in ctx.target.relations for g in r.grants] + \
            [g for f in ctx.target.functions for g in f.grants]
        cached = list({g.grantee: g for g in cached}.values())
        ctx._grantees = cached  # type: ignore[attr-defined]
    return cached


def _col(column: str | None) -> str:
    return f" ({ident(column)})" if column else ""


def _text(value: str | None) -> str:
    return "NULL" if value is None else literal(value)


class Policies:
    @staticmethod
    def create(obj: Obj, ctx: Context) -> None:
        p = obj.item
        rel = qualified((obj.parent or "")[4:])
        parts = [f"CREATE POLICY {ident(p.name)} ON {rel}",
                 f"AS {'PERMISSIVE' if p.permissive else 'RESTRICTIVE'}",
                 f"FOR {p.command.upper()}", f"TO {', '.join(role(r) for r in p.roles)}"]
        if p.using is not None:
            parts.append(f"USING ({p.using})")
        if p.with_check is not None:
            parts.append(f"WITH CHECK ({p.with_check})")
        ctx.emit("\n  ".join(parts), obj, "create", lock="ACCESS EXCLUSIVE",
                 provides=[obj.key], requires=ctx.needs(obj))

    @staticmethod
    def drop(obj: Obj, ctx: Context) -> None:
        hazards = [] if obj.key in ctx.recreated else [Hazard(
            "breaks_dependents", "rows this policy let through are no longer visible")]
        ctx.emit(f"DROP POLICY {ident(obj.item.name)} ON {qualified((obj.parent or '')[4:])}",
                 obj, "drop", phase=0, lock="ACCESS EXCLUSIVE", hazards=hazards)

    @staticmethod
    def alter(old: Obj, new: Obj, ctx: Context) -> bool:
        a, b = old.item, new.item
        if (a.command, a.permissive) != (b.command, b.permissive) or \
                (a.using is not None and b.using is None) or \
                (a.with_check is not None and b.with_check is None):
            return False
        parts = [f"ALTER POLICY {ident(b.name)} ON {qualified((new.parent or '')[4:])}",
                 f"TO {', '.join(role(r) for r in b.roles)}"]
        if b.using is not None:
            parts.append(f"USING ({b.using})")
        if b.with_check is not None:
            parts.append(f"WITH CHECK ({b.with_check})")
        ctx.emit("\n  ".join(parts), new, "alter", lock="ACCESS EXCLUSIVE",
                 requires=ctx.needs(new))
        return True
