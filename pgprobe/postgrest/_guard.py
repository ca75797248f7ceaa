"""Writes are explained, not executed, unless the caller opted in or the database is scratch.

A planned write (a mutation, or a volatile function called by POST) runs only when
``execute_writes`` is True, or is None (the default) on a scratch database
(:func:`pgprobe._scratch.is_scratch`). Otherwise the request is answered with a
:class:`WriteExplanation`: the target, the role, the row level security policies and grants
that apply to the role, the triggers that would fire.
"""

from __future__ import annotations

from typing import Any

from pgprobe._scratch import is_scratch

from ._planner import Planned
from ._result import WriteExplanation
from ._schema import SchemaCache

_EVENT = {"insert": ("insert",), "upsert": ("insert", "update"), "update": ("update",),
          "delete": ("delete",)}
_COMMAND = {"insert": ("insert",), "upsert": ("insert", "update", "select"),
            "update": ("update", "select"), "delete": ("delete", "select")}
_PRIVILEGE = {"insert": ("INSERT",), "upsert": ("INSERT", "UPDATE"), "update": ("UPDATE",),
              "delete": ("DELETE",)}


def may_execute(conn: Any, execute_writes: bool | None) -> tuple[bool, bool, str]:
    """(run the write?, is the database scratch?, why) for an explicit choice or the scratch
    mark of the database."""
    if execute_writes is False:
        return False, False, "execute_writes=False"
    scratch = conn is not None and is_scratch(conn)
    if scratch:
        return True, True, "scratch database"
    if execute_writes:
        return True, False, "execute_writes=True"
    return False, False, "not a scratch database; pass execute_writes=True (CLI: " \
        "--execute-writes) to run it in a rolled-back transaction"


def explain_write(sc: SchemaCache, p: Planned, role: str, reason: str) -> WriteExplanation:
    """What a planned write would touch, as ``role``."""
    if p.kind == "rpc":
        r = p.routine
        return WriteExplanation("call of volatile function", f"{r.schema}.{r.name}", role,
                                reason=reason, grants=_function_grants(sc, r, role))
    schema, name = p.mutate.qi if p.mutate is not None else (p.req.schema, p.table)
    rel = next((x for x in sc.snapshot.relations if x.schema == schema and x.name == name),
               None)
    target = f"{schema}.{name}"
    if rel is None:
        return WriteExplanation(p.kind, target, role, reason=reason)
    roles = {role, "public"}
    policies = [f"{pol.name} ({pol.command}, {'permissive' if pol.permissive else 'restrictive'}"
                f"{', using ' + pol.using if pol.using else ''}"
                f"{', with check ' + pol.with_check if pol.with_check else ''})"
                for pol in rel.policies
                if pol.command in ("all", *_COMMAND[p.kind])
                and (not pol.roles or roles & {r.lower() for r in pol.roles})]
    grants = sorted({g.privilege.upper() + (f"({g.column})" if g.column else "") + f" to {g.grantee}"
                     for g in rel.grants if g.grantee.lower() in roles
                     and g.privilege.upper() in (*_PRIVILEGE[p.kind], "SELECT")})
    triggers = [f"{t.name} ({t.timing} {'/'.join(t.events)} for each {t.level}: {t.function})"
                for t in rel.triggers if t.enabled != "D"
                and set(_EVENT[p.kind]) & {e.lower() for e in t.events}]
    return WriteExplanation(p.kind, target, role, rel.rls_enabled, policies, grants, triggers,
                            reason)


def _function_grants(sc: SchemaCache, routine: Any, role: str) -> list[str]:
    fn = next((f for f in sc.snapshot.functions
               if f.schema == routine.schema and f.name == routine.name), None)
    grants = getattr(fn, "grants", ()) or ()
    return sorted({f"{g.privilege.upper()} to {g.grantee}" for g in grants
                   if g.grantee.lower() in (role, "public")})


def warning_line(p: Planned, explanation: WriteExplanation, database: str,
                 commit: bool) -> str:
    """The one line printed when a write really runs on a database that is not scratch."""
    trig = f"; fires {len(explanation.triggers)} trigger(s)" if explanation.triggers else ""
    end = "COMMITTED" if commit else "rolled back"
    return (f"pgprobe: executing {p.req.method} {p.req.path} on {database}: "
            f"{explanation.kind} on {explanation.target} as {explanation.role}{trig} "
            f"(row locks, sequences and triggers run; the transaction is {end})")
