"""Function pages on a scratch copy of the demo (SECURITY DEFINER, search_path, EXECUTE), and
the README's advisor section when a ``pgprobe.advise`` package is importable."""

from __future__ import annotations

import sys
import types
from dataclasses import dataclass

import psycopg
import pytest

from pgprobe.catalog import Snapshot, snapshot
from pgprobe.docs import Docs


def test_security_definer_search_path_and_execute(scratch_demo_dsn: str) -> None:
    with psycopg.connect(scratch_demo_dsn, autocommit=True) as conn:
        conn.execute("""
            create function public.close_ticket(t bigint) returns void
              language sql security definer as $$ update public.tickets set status = 'closed'
              where id = t $$;
            create function public.reopen_ticket(t bigint) returns void
              language sql security definer set search_path = '' as $$
              update public.tickets set status = 'open' where id = t $$;
            revoke execute on function public.reopen_ticket(bigint) from public, anon;
            grant execute on function public.reopen_ticket(bigint) to authenticated;
            create function public.assignee_user(public.tickets) returns setof public.users
              rows 1 language sql stable as $$ select * from public.users where id = $1.assignee $$;
        """)
    docs = Docs(snapshot(scratch_demo_dsn), diagrams=False)
    close = docs.function("public.close_ticket").markdown()
    assert "**SECURITY DEFINER without a fixed search_path**" in close
    assert "| `anon` | yes |" in close
    reopen = docs.function("public.reopen_ticket").markdown()
    assert "SECURITY DEFINER (runs with its owner's privileges)" in reopen
    assert "| search_path | `\"\"` |" in reopen
    assert "| `anon` | no |" in reopen and "| `authenticated` | yes |" in reopen
    tickets = docs.table("public.tickets").markdown()
    assert "**Computed relationships**" in tickets and "`assignee_user(*)`" in tickets
    assert "`select=*,assignee_user(*)`" in tickets


@dataclass
class _Finding:
    level: str
    rule: str
    object: str
    message: str


def test_readme_shows_advisor_findings_when_available(demo_snapshot: Snapshot,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    advise = types.ModuleType("pgprobe.advise")

    def run(snap: Snapshot) -> list[_Finding]:  # the findings follow from the snapshot
        return [_Finding("warning", "rls_no_policy", r.qualified_name, "RLS on, no policy")
                for r in snap.relations if r.rls_enabled and not r.policies]

    advise.advise = run  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "pgprobe.advise", advise)
    md = Docs(demo_snapshot, diagrams=False).readme.markdown()
    assert "## Advisor findings" in md
    assert "| warning | rls_no_policy | public.monitoring_events | RLS on, no policy |" in md
    monkeypatch.setitem(sys.modules, "pgprobe.advise", types.ModuleType("pgprobe.advise"))
    assert "## Advisor findings" not in Docs(demo_snapshot, diagrams=False).readme.markdown()
