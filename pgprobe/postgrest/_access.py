"""What a role may read from one relation, from the catalog alone: grants, then row security.

This is the catalog half of explaining an empty answer (:mod:`._empty` adds the row counts):
the role's SELECT privilege (table, some columns, none), then whether row level security
filters its rows (off, bypassed, no policy at all, no policy for the role, or policies whose
``USING`` decides), and which JWT claims those policies read that the request does not carry.

>>> from pgprobe.catalog._model import Policy, Relation, Role, Snapshot
>>> rel = Relation("public", "events", "table", rls_enabled=True, owner="postgres")
>>> access(Snapshot(relations=(rel,), roles=(Role("anon"),)), rel, "anon", {}).rls
'no-policy'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pgprobe.catalog._model import Policy, Relation, Snapshot

# JWT claims a policy expression reads: Supabase's auth helpers and PostgREST's settings
_CLAIM_READERS = (
    (re.compile(r"\bauth\.uid\s*\(\s*\)"), "sub"),
    (re.compile(r"\bauth\.email\s*\(\s*\)"), "email"),
    (re.compile(r"\bauth\.role\s*\(\s*\)"), "role"),
    (re.compile(r"auth\.jwt\s*\(\s*\)\s*->>?\s*'([^']+)'"), None),
    (re.compile(r"request\.jwt\.claims'.{0,40}?->>?\s*'([^']+)'"), None),
    (re.compile(r"request\.jwt\.claim\.([A-Za-z_][A-Za-z0-9_]*)"), None),
)


@dataclass(frozen=True)
class Access:
    """``role``'s read access to one relation, as the catalog says.

    ``grant`` is ``"table"``, ``"columns"`` (only ``columns``) or ``"none"``; ``rls`` is
    ``"off"``, ``"bypassed"`` (owner, superuser, BYPASSRLS), ``"no-policy"`` (enabled, no
    policy at all), ``"no-policy-for-role"`` or ``"policies"`` (``policies`` decide row by
    row; ``missing_claims`` are claims they read that the JWT lacks).
    """

    grant: str
    rls: str
    columns: tuple[str, ...] = ()
    policies: tuple[Policy, ...] = ()
    missing_claims: tuple[str, ...] = ()

    @property
    def restricted(self) -> bool:
        """True when grants or row security can hide rows (or the whole relation)."""
        return self.grant == "none" or self.rls not in ("off", "bypassed")


def claims_read(expression: str | None) -> list[str]:
    """The JWT claims a policy expression reads.

    >>> claims_read("(created_by = auth.uid()) OR (auth.jwt() ->> 'team' = team)")
    ['sub', 'team']
    """
    found: list[str] = []
    for pattern, claim in _CLAIM_READERS:
        for m in pattern.finditer(expression or ""):
            found.append(claim or m.group(1))
    return list(dict.fromkeys(found))


def _holds(snapshot: Snapshot, role: str) -> frozenset[str]:
    return snapshot.inherited_roles(role) | {"public", "PUBLIC"}


def select_grant(rel: Relation, roles: frozenset[str], superuser: bool) -> tuple[str, tuple[str, ...]]:
    if superuser or rel.owner in roles:
        return "table", ()
    grants = [g for g in rel.grants if g.grantee in roles and g.privilege.upper() == "SELECT"]
    if any(g.column is None for g in grants):
        return "table", ()
    columns = tuple(sorted({g.column for g in grants if g.column}))
    return ("columns", columns) if columns else ("none", ())


def policies_for(rel: Relation, roles: frozenset[str]) -> tuple[Policy, ...]:
    """The SELECT (or ALL) policies of ``rel`` that apply to any of ``roles``."""
    return tuple(p for p in rel.policies if p.command in ("select", "all")
                 and (not p.roles or any(r in roles for r in p.roles)))


def access(snapshot: Snapshot, rel: Relation, role: str, claims: dict[str, Any]) -> Access:
    """``role``'s read access to ``rel`` (with the request's JWT ``claims``)."""
    roles = _holds(snapshot, role)
    me = next((r for r in snapshot.roles if r.name == role), None)
    superuser = bool(me and me.superuser)
    grant, columns = select_grant(rel, roles, superuser)
    if rel.kind not in ("table", "partitioned_table") or not rel.rls_enabled:
        return Access(grant, "off", columns)
    if superuser or (me and me.bypass_rls) or (rel.owner in roles and not rel.rls_forced):
        return Access(grant, "bypassed", columns)
    if not rel.policies:
        return Access(grant, "no-policy", columns)
    applying = policies_for(rel, roles)
    if not any(p.permissive for p in applying):
        return Access(grant, "no-policy-for-role", columns, applying)
    read = [c for p in applying for c in claims_read(p.using)]
    missing = tuple(c for c in dict.fromkeys(read) if claims.get(c) in (None, ""))
    return Access(grant, "policies", columns, applying, missing)


def bypass_roles(snapshot: Snapshot, rel: Relation) -> list[str]:
    """Roles that read every row of ``rel``: its owner (unless RLS is forced), then the
    BYPASSRLS roles that hold SELECT on it, then the superusers."""
    out = [rel.owner] if rel.owner and not rel.rls_forced else []
    out += sorted(r.name for r in snapshot.roles if r.bypass_rls and not r.superuser
                  and select_grant(rel, _holds(snapshot, r.name), False)[0] == "table")
    out += sorted(r.name for r in snapshot.roles if r.superuser)
    return list(dict.fromkeys(out))
