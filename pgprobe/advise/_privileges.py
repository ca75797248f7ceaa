"""What a role may do, computed from a snapshot the way PostgreSQL's ``has_*_privilege``
functions answer: the role's own grants, those of PUBLIC and of the roles it inherits from,
ownership, and superuser.

>>> from pgprobe.catalog._model import Grant, Relation, Role, Snapshot
>>> t = Relation("public", "t", "table", grants=(Grant("authenticated", "select"),))
>>> p = Privileges(Snapshot(relations=(t,), roles=(Role("authenticated"),)))
>>> p.table(t, "authenticated"), p.table(t, "anon")
(True, False)
"""

from __future__ import annotations

from functools import cached_property, lru_cache

from ..catalog._model import Function, Relation, Role, Snapshot


class Privileges:
    def __init__(self, snapshot: Snapshot):
        self.snapshot = snapshot

    @cached_property
    def _roles(self) -> dict[str, Role]:
        return {r.name: r for r in self.snapshot.roles}

    def exists(self, role: str) -> bool:
        return role in self._roles

    @lru_cache(maxsize=64)  # noqa: B019  (one Privileges per advise run)
    def effective(self, role: str) -> frozenset[str]:
        """The role, PUBLIC, and every role whose privileges it inherits."""
        return self.snapshot.inherited_roles(role) | {"public"}

    def is_superuser(self, role: str) -> bool:
        r = self._roles.get(role)
        return bool(r and r.superuser)

    def bypasses_rls(self, role: str) -> bool:
        r = self._roles.get(role)
        return bool(r and (r.superuser or r.bypass_rls))

    def _holds(self, role: str, owner: str | None) -> tuple[frozenset[str], bool]:
        if not self.exists(role):
            return frozenset(), False
        eff = self.effective(role)
        return eff, self.is_superuser(role) or (owner is not None and owner in eff)

    def table(self, rel: Relation, role: str, privilege: str = "select") -> bool:
        """``has_table_privilege(role, rel, privilege)``: table-level grants only."""
        eff, yes = self._holds(role, rel.owner)
        return yes or any(g.column is None and g.privilege == privilege and g.grantee in eff
                          for g in rel.grants)

    def any_column(self, rel: Relation, role: str, privilege: str = "select") -> bool:
        """Whether some column is readable: a table grant or a column grant."""
        eff, yes = self._holds(role, rel.owner)
        return yes or any(g.privilege == privilege and g.grantee in eff for g in rel.grants)

    def function(self, fn: Function, role: str) -> bool:
        """``has_function_privilege(role, fn, 'EXECUTE')``. A function whose ACL was never
        changed (no grants recorded) is executable by PUBLIC, PostgreSQL's default."""
        eff, yes = self._holds(role, fn.owner)
        if yes or (not fn.grants and self.exists(role)):
            return True
        return any(g.privilege == "execute" and g.grantee in eff for g in fn.grants)
