"""What an API role (``anon``, ``authenticated``) can read from a relation, and who may run a
function: grants, role membership, BYPASSRLS and the policies that apply, in one sentence.

>>> from pgprobe.catalog._model import Grant, Relation, Snapshot
>>> rel = Relation("public", "events", "table", rls_enabled=True,
...                grants=(Grant("anon", "SELECT"),))
>>> read_access(Snapshot(relations=(rel,)), rel, "anon").summary
'RLS on, no policy: the API returns []'
"""

from __future__ import annotations

from dataclasses import dataclass

from ..catalog._model import Function, Policy, Relation, Snapshot

NO_POLICY = "RLS on, no policy: the API returns []"


def roles_of(snapshot: Snapshot, role: str) -> set[str]:
    """``role``, the roles it inherits privileges from, and ``PUBLIC``."""
    return set(snapshot.inherited_roles(role)) | {"PUBLIC", "public"}


def bypasses_rls(snapshot: Snapshot, role: str) -> bool:
    return any(r.name == role and (r.bypass_rls or r.superuser) for r in snapshot.roles)


def policies_for(rel: Relation, role: str, command: str = "select") -> list[Policy]:
    """The policies that apply to ``role`` for ``command`` (``FOR ALL`` ones included)."""
    return [p for p in rel.policies if p.command in (command, "all")
            and (role in p.roles or "public" in p.roles or "PUBLIC" in p.roles)]


@dataclass(frozen=True)
class ReadAccess:
    """``role``'s SELECT on a relation: the grant it holds and the rows RLS lets through."""

    role: str
    grant: str
    """``table``, ``columns (a, b)`` or ``none``."""
    rls: str
    policies: tuple[str, ...]
    summary: str


def select_grant(rel: Relation, roles: set[str]) -> str:
    grants = [g for g in rel.grants if g.grantee in roles and g.privilege.upper() == "SELECT"]
    if rel.owner in roles or any(g.column is None for g in grants):
        return "table"
    cols = sorted({g.column for g in grants if g.column})
    return f"columns ({', '.join(cols)})" if cols else "none"


def _rows(rel: Relation, role: str, bypass: bool) -> tuple[str, tuple[str, ...]]:
    if rel.is_view:
        return "rows of the base tables as the view's owner reads them", ()
    if rel.kind not in ("table", "partitioned_table"):
        return "every row", ()
    if not rel.rls_enabled:
        return "every row (RLS off)", ()
    if bypass:
        return f"every row ({role} has BYPASSRLS)", ()
    pols = policies_for(rel, role)
    permissive = [p for p in pols if p.permissive]
    if not rel.policies:
        return NO_POLICY, ()
    if not permissive:
        return f"RLS on, no policy for {role}: the API returns []", tuple(p.name for p in pols)
    rows = " or ".join(f"({p.using})" if p.using else "(true)" for p in permissive)
    restrictive = [p for p in pols if not p.permissive and p.using]
    if restrictive:
        rows = f"({rows}) and " + " and ".join(f"({p.using})" for p in restrictive)
    return f"rows where {rows}", tuple(p.name for p in pols)


def read_access(snapshot: Snapshot, rel: Relation, role: str) -> ReadAccess:
    """What ``role`` reads from ``rel`` through the API (PostgREST runs as that role)."""
    grant = select_grant(rel, roles_of(snapshot, role))
    rls = "forced" if rel.rls_forced else ("on" if rel.rls_enabled else "off")
    if grant == "none":
        return ReadAccess(role, grant, rls, (),
                          "nothing: no SELECT grant (permission denied, 42501)")
    rows, names = _rows(rel, role, bypasses_rls(snapshot, role))
    if grant != "table" and not rows.startswith("RLS on"):
        rows = f"{rows}; only {grant}"
    return ReadAccess(role, grant, rls, names, rows)


def executors(fn: Function) -> tuple[str, ...]:
    """Roles holding EXECUTE (``PUBLIC`` when the ACL is the default)."""
    if not fn.grants:
        return ("PUBLIC",)
    return tuple(sorted({g.grantee for g in fn.grants if g.privilege.lower() == "execute"}))


def can_execute(snapshot: Snapshot, fn: Function, role: str) -> bool:
    roles = roles_of(snapshot, role)
    return fn.owner in roles or any(r in roles for r in executors(fn))
