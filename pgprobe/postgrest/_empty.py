"""Why a read came back empty (or an embed came back ``null``/``[]``), as data.

A read that returns no rows, or an embed that is empty in some rows, is checked against the
catalog (:mod:`._access`: grants, row level security, the JWT claims the policies read) and
against the same request run again as a role that sees every row (the owner, else a
BYPASSRLS role): read-only, time-limited, in the caller's probe session. The answer is one
:class:`EmptyReason` per relation that hides rows; the edges (CLI, notebook) render it.

>>> r = EmptyReason("rls-no-policy", "public.monitoring_events", "anon", seen_by="postgres",
...                 seen_as="owner", seen_count=3)
>>> r.summary
'0 rows: RLS on public.monitoring_events has no policy at all, so anon sees no row; the owner (postgres) sees 3'
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from pgprobe.catalog._model import Relation, Snapshot

from ._access import Access, access, bypass_roles
from ._result import Result

KINDS = ("no-select-grant", "column-grant", "rls-no-policy", "rls-no-policy-for-role",
         "rls-policy-false", "filtered", "no-matching-rows")
"""Reason kinds, most specific first."""


@dataclass(frozen=True)
class EmptyReason:
    """Why ``role`` got no rows from ``table`` (``embed`` set: that embed's key was empty).

    ``policies`` are the SELECT policies that apply to the role (``name: USING (...)``), or
    for ``rls-no-policy-for-role`` the policies the table has for other roles.
    ``seen_by``/``seen_as``/``seen_count``: the role the request was run again as, what it is
    (``owner``, ``BYPASSRLS``, ``superuser``) and the rows it got (for an embed: the rows in
    which the embed was filled). ``empty_count``/``total_count``: for an embed, in how many
    of the returned rows it came back empty.
    """

    kind: str
    table: str
    role: str
    embed: str | None = None
    policies: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()
    missing_claims: tuple[str, ...] = ()
    seen_by: str | None = None
    seen_as: str | None = None
    seen_count: int | None = None
    empty_count: int | None = None
    total_count: int | None = None
    to_one: bool = False

    @property
    def cause(self) -> str:
        """The reason in words, without the counts."""
        t, role = self.table, self.role
        if self.kind == "no-select-grant":
            return f"{role} has no SELECT privilege on {t} (PostgreSQL answers 42501)"
        if self.kind == "column-grant":
            return (f"{role} may SELECT only the columns {', '.join(self.columns)} of {t} "
                    "(any other column answers 42501)")
        if self.kind == "rls-no-policy":
            return f"RLS on {t} has no policy at all, so {role} sees no row"
        if self.kind == "rls-no-policy-for-role":
            others = f" (only {'; '.join(self.policies)})" if self.policies else ""
            return f"RLS on {t} has no SELECT policy for {role}{others}"
        if self.kind == "rls-policy-false":
            text = (f"RLS on {t}: the policies for {role} let no row through for this JWT: "
                    + "; ".join(self.policies))
            if self.missing_claims:
                text += "; the JWT has no " + ", ".join(f"'{c}'" for c in self.missing_claims) \
                    + (" (auth.uid() is null)" if "sub" in self.missing_claims else "")
            return text
        if self.kind == "filtered":
            return f"{role} sees fewer rows of {t} than {self.seen_by} does"
        return f"no row of {t} matches the request"

    @property
    def seen(self) -> str:
        """``the owner (postgres) sees 3`` (or, for an embed, where it is filled)."""
        if self.seen_by is None or self.seen_count is None:
            return ""
        who = f"the {self.seen_as} ({self.seen_by})" if self.seen_as == "owner" else \
            f"{self.seen_by}" + (f" ({self.seen_as})" if self.seen_as else "")
        if self.embed is None:
            return f"{who} sees {self.seen_count}" + (" too" if self.seen_count == 0 else "")
        return f"as {who} it is filled in {self.seen_count} rows"

    @property
    def summary(self) -> str:
        """One line: what came back empty, why, and what a role that sees every row gets."""
        if self.embed is None:
            head = "42501" if self.kind in ("no-select-grant", "column-grant") else "0 rows"
        else:
            empty = "null" if self.to_one else "[]"
            head = f"embed '{self.embed}' ({self.table}) is {empty} in {self.empty_count} of " \
                   f"{self.total_count} rows"
        text = f"{head}: {self.cause}"
        return text + (f"; {self.seen}" if self.seen else "")

    def to_dict(self) -> dict[str, Any]:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.__dict__.items()} \
            | {"summary": self.summary}


def _policy_text(p: Any) -> str:
    using = " ".join((p.using or "true").split())
    return f"{p.name}: USING ({using})"


def reason_from_access(rel: Relation, role: str, acc: Access) -> EmptyReason | None:
    """The catalog's reason (no counts yet), or None when nothing hides rows."""
    table = rel.qualified_name
    if acc.grant == "none":
        return EmptyReason("no-select-grant", table, role)
    if acc.rls == "no-policy":
        return EmptyReason("rls-no-policy", table, role)
    if acc.rls == "no-policy-for-role":
        others = tuple(f"{p.name} for {', '.join(p.roles) or 'public'}" for p in rel.policies
                       if p.command in ("select", "all"))
        return EmptyReason("rls-no-policy-for-role", table, role, policies=others)
    if acc.rls == "policies":
        return EmptyReason("rls-policy-false", table, role,
                           policies=tuple(_policy_text(p) for p in acc.policies),
                           missing_claims=acc.missing_claims)
    return None


def grant_reason(snapshot: Snapshot, relations: Iterable[Relation], role: str,
                 selected: dict[str, set[str]]) -> EmptyReason | None:
    """For a 42501 answer: the first relation the role may not read (or only some columns
    of, when others are selected). ``selected`` maps ``schema.name`` to the selected columns
    (``*`` for all)."""
    for rel in relations:
        acc = access(snapshot, rel, role, {})
        if acc.grant == "none":
            return EmptyReason("no-select-grant", rel.qualified_name, role)
        wanted = selected.get(rel.qualified_name, set())
        if acc.grant == "columns" and ("*" in wanted or wanted - set(acc.columns)):
            return EmptyReason("column-grant", rel.qualified_name, role, columns=acc.columns)
    return None


# -- the counts ----------------------------------------------------------------------------

Rerun = Callable[[str], Result | None]
"""Runs the same request again as the given role (count=exact); None when it cannot."""


def _seen_as(snapshot: Snapshot, rel: Relation, role: str) -> str:
    if role == rel.owner and not rel.rls_forced:
        return "owner"
    me = next((r for r in snapshot.roles if r.name == role), None)
    return "superuser" if me is not None and me.superuser else "BYPASSRLS"


def _rerun_unfiltered(snapshot: Snapshot, rel: Relation, role: str,
                      rerun: Rerun) -> tuple[str, Result] | None:
    """The request as the first role that sees every row of ``rel`` (and may be switched to)."""
    for candidate in bypass_roles(snapshot, rel)[:3]:
        if candidate == role:
            continue
        res = rerun(candidate)
        if res is not None and res.error is None:
            return candidate, res
    return None


def _total(res: Result) -> int | None:
    total = res.headers.get("Content-Range", "*/*").split("/")[-1]
    if total.isdigit():
        return int(total)
    return len(res.body) if isinstance(res.body, list) else None


def explain_root(snapshot: Snapshot, rel: Relation, role: str, claims: dict[str, Any],
                 rerun: Rerun) -> EmptyReason | None:
    """Why the read of ``rel`` returned no rows (None: nothing to say: the catalog hides
    nothing and no role that sees every row could run it)."""
    found = reason_from_access(rel, role, access(snapshot, rel, role, claims))
    other = _rerun_unfiltered(snapshot, rel, role, rerun)
    seen_by, seen = (other[0], _total(other[1])) if other else (None, None)
    as_ = _seen_as(snapshot, rel, seen_by) if seen_by else None
    if seen == 0:
        return EmptyReason("no-matching-rows", rel.qualified_name, role, seen_by=seen_by,
                           seen_as=as_, seen_count=0)
    if found is None:
        if not seen:
            return None
        return EmptyReason("filtered", rel.qualified_name, role, seen_by=seen_by, seen_as=as_,
                           seen_count=seen)
    return EmptyReason(found.kind, found.table, role, None, found.policies, found.columns,
                       found.missing_claims, seen_by, as_, seen)


def _is_empty(value: Any) -> bool:
    return value is None or value == []


def _children(rows: list[Any], key: str) -> list[Any]:
    out: list[Any] = []
    for row in rows:
        value = row.get(key) if isinstance(row, dict) else None
        if isinstance(value, list):
            out.extend(v for v in value if isinstance(v, dict))
        elif isinstance(value, dict):
            out.append(value)
    return out


def embed_reasons(snapshot: Snapshot, plan: Any, rows: list[Any], role: str,
                  claims: dict[str, Any], rerun: Callable[[], tuple[str, list[Any]] | None]
                  ) -> list[EmptyReason]:
    """Embeds (at any depth) that came back empty in some rows because grants or row
    security hide the embedded relation from ``role``."""
    found: list[tuple[Any, list[Any], str, str]] = []  # (child plan, rows, key, path)
    _walk(plan, rows, "", found)
    relations = {r.qualified_name: r for r in snapshot.relations}
    out: list[EmptyReason] = []
    unfiltered: tuple[str, list[Any]] | None | bool = False
    for child, parent_rows, key, path in found:
        rel = relations.get(f"{child.from_[0]}.{child.from_[1]}")
        values = [r.get(key) for r in parent_rows if isinstance(r, dict) and key in r]
        empty = sum(1 for v in values if _is_empty(v))
        if rel is None or not empty:
            continue
        reason = reason_from_access(rel, role, access(snapshot, rel, role, claims))
        if reason is None:
            continue  # nothing hides the rows: the embed is empty in the data itself
        if unfiltered is False:
            unfiltered = rerun()
        filled = None
        seen_by = None
        if isinstance(unfiltered, tuple):
            seen_by, owner_rows = unfiltered
            owner_values = _values_at(owner_rows, path)
            filled = sum(1 for v in owner_values if not _is_empty(v))
            if filled == 0:
                continue  # empty for every role: the data, not the access
        to_one = any(isinstance(v, dict) for v in values) or all(v is None for v in values)
        out.append(EmptyReason(reason.kind, reason.table, role, path, reason.policies,
                               reason.columns, reason.missing_claims, seen_by,
                               _seen_as(snapshot, rel, seen_by) if seen_by else None, filled,
                               empty, len(values), to_one))
    return out


def _walk(plan: Any, rows: list[Any], prefix: str,
          found: list[tuple[Any, list[Any], str, str]]) -> None:
    for child in getattr(plan, "children", []) or []:
        if child.spread is not None:
            continue
        key = child.name
        path = f"{prefix}{key}"
        found.append((child, rows, key, path))
        _walk(child, _children(rows, key), path + ".", found)


def _values_at(rows: list[Any], path: str) -> list[Any]:
    *parents, key = path.split(".")
    for p in parents:
        rows = _children(rows, p)
    return [r.get(key) for r in rows if isinstance(r, dict) and key in r]


def _embedded(plan: Any) -> list[Any]:
    out = []
    for child in getattr(plan, "children", []) or []:
        out.append(child)
        out.extend(_embedded(child))
    return out


def _selected(plan: Any, out: dict[str, set[str]]) -> dict[str, set[str]]:
    names = {s.field.name for s in plan.select}
    out.setdefault(f"{plan.from_[0]}.{plan.from_[1]}", set()).update(names or {"*"})
    for child in plan.children:
        _selected(child, out)
    return out


def explain_result(snapshot: Snapshot, result: Result, role: str, claims: dict[str, Any],
                   rerun: Rerun) -> list[EmptyReason]:
    """Every reason a read's answer is empty or has empty embeds (``[]`` when none).

    ``rerun(role)`` runs the same request as ``role`` (read-only, time-limited); it is
    called at most a few times, and only when something came back empty.
    """
    plan = result.plan
    if plan is None or not plan.from_[0]:
        return []
    relations = {r.qualified_name: r for r in snapshot.relations}
    root = relations.get(f"{plan.from_[0]}.{plan.from_[1]}")
    if root is None:
        return []
    code = (result.error or {}).get("code")
    if code == "42501":
        rels = [root] + [r for c in _embedded(plan)
                         if (r := relations.get(f"{c.from_[0]}.{c.from_[1]}")) is not None]
        found = grant_reason(snapshot, rels, role, _selected(plan, {}))
        return [found] if found else []
    empty_single = code == "PGRST116" and "0 rows" in str((result.error or {}).get("details"))
    if result.error is not None and not empty_single or \
            result.error is None and not isinstance(result.body, list):
        return []
    if empty_single or not result.body:
        # (a singular answer, ``.single()``, over no row is the same question)
        root_reason = explain_root(snapshot, root, role, claims, rerun)
        return [root_reason] if root_reason is not None else []

    def rerun_rows() -> tuple[str, list[Any]] | None:
        hit = _rerun_unfiltered(snapshot, root, role, rerun)
        if hit is None or not isinstance(hit[1].body, list):
            return None
        return hit[0], hit[1].body

    return embed_reasons(snapshot, plan, result.body, role, claims, rerun_rows)
