""""The API returns [] but SQL returns rows": the same count per role, with the policies
and grants that explain the difference.

>>> from pgprobe.catalog._model import Policy, Relation
>>> rel = Relation("public", "t", "table", rls_enabled=True,
...                policies=(Policy("own rows", "select", True, ("authenticated",), "(uid = auth.uid())"),))
>>> [p.name for p in policies_for(rel, "authenticated")], policies_for(rel, "anon")
(['own rows'], [])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from psycopg import sql

from .._errors import ProbeQueryError

__all__ = ["policies_for", "select_privilege", "compare_roles", "DEFAULT_ROLES"]

DEFAULT_ROLES = ("anon", "authenticated", "service_role")


def policies_for(rel: Any, role: str, command: str = "select") -> list[Any]:
    """The policies that can let ``role`` see rows of ``rel`` for ``command``."""
    return [p for p in rel.policies
            if p.command in (command, "all") and (role in p.roles or "public" in p.roles)]


def select_privilege(rel: Any, role: str) -> str:
    """``table``, ``columns (a, b)`` or ``none``: what SELECT ``role`` holds on ``rel``."""
    grants = [g for g in rel.grants if g.grantee in (role, "PUBLIC", "public")
              and g.privilege.upper() == "SELECT"]
    if any(g.column is None for g in grants):
        return "table"
    cols = sorted({g.column for g in grants if g.column})
    return f"columns ({', '.join(cols)})" if cols else "none"


def _why(rel: Any, role: str, rows: Any, bypass: bool = False) -> str:
    if role == "(owner)":
        return "the connecting user (owner/superuser) bypasses RLS unless it is forced"
    if isinstance(rows, str) and rows.startswith("error"):
        return rows
    if select_privilege(rel, role) == "none":
        return f"no SELECT grant to {role}: PostgREST answers 401/403 (42501)"
    if bypass:
        return f"{role} has BYPASSRLS: policies do not apply"
    if not rel.rls_enabled:
        return "RLS disabled: every row is visible to anyone with the grant"
    pols = policies_for(rel, role)
    if not pols:
        if rel.policies:
            return f"RLS enabled and no policy applies to {role}: the API returns []"
        return "RLS enabled with NO policy at all: the API returns [] to every role"
    if rows == 0:
        return "policies apply but their USING is false for these claims"
    return "rows allowed by: " + "; ".join(f"{p.name} USING {p.using}" for p in pols)


def compare_roles(session: Any, table: str, *, roles: Sequence[str] = DEFAULT_ROLES,
                  claims: Mapping[str, Any] | None = None) -> Any:
    """A DataFrame: per role, the rows ``select count(*)`` sees (when live), its grant,
    the policies that apply and the reason, as the API would run it."""
    import pandas as pd

    rel = session.snap.table(table)
    bypass = {r.name for r in session.snap.roles if r.bypass_rls or r.superuser}
    ident = sql.Identifier(rel.schema, rel.name)
    query = sql.SQL("select count(*) from {}").format(ident)
    out = []
    for role in ("(owner)", *roles):
        rows: Any = "not run (offline)"
        if session.live:
            as_role = None if role == "(owner)" else role
            try:
                with session.probe.transaction(role=as_role, claims=claims if as_role else None) as cur:
                    cur.execute(query)
                    rows = cur.fetchone()[0]
            except ProbeQueryError as exc:
                rows = f"error {exc.sqlstate}: {exc.message}"
        pols = [] if role == "(owner)" else policies_for(rel, role)
        out.append({
            "role": role,
            "rows": rows,
            "select grant": "owner" if role == "(owner)" else select_privilege(rel, role),
            "RLS": "forced" if rel.rls_forced else ("on" if rel.rls_enabled else "off"),
            "policies": ", ".join(p.name for p in pols),
            "why": _why(rel, role, rows, role in bypass),
        })
    return pd.DataFrame(out)
