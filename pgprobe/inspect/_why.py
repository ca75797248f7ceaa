"""Sentences for waiting sessions: what each waits for, who blocks it, and what would end it.

The suggestions are text only: pgprobe never cancels or terminates a session.

>>> row = {"pid": 7, "state": "idle in transaction", "state_s": 2460.0, "application": "psql",
...        "query": "lock table tickets", "wait_s": None}
>>> describe_blocker(row)
'pid 7 (`idle in transaction` for 41m, app `psql`, last query `lock table tickets`)'
>>> suggestion(row)
'select pg_terminate_backend(7);  -- pg_cancel_backend(7) cannot end an idle transaction'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ._format import duration, short

__all__ = ["Waiting", "lock_target", "describe_blocker", "suggestion", "explain",
           "not_waiting"]

_IDLE = ("idle", "idle in transaction", "idle in transaction (aborted)")


@dataclass(frozen=True)
class Waiting:
    """One waiting session, explained."""

    pid: int
    sentence: str
    blockers: list[int] = field(default_factory=list)
    root: int | None = None
    suggestion: str = ""

    def __str__(self) -> str:
        return f"{self.sentence}\n  suggestion (not run): {self.suggestion}" if self.suggestion \
            else self.sentence


def lock_target(row: Mapping[str, Any]) -> str:
    """What a waiter waits for, from its ungranted pg_locks row.

    >>> lock_target({"waiting_locktype": "relation", "waiting_mode": "AccessExclusiveLock",
    ...              "waiting_relation": "public.tickets"})
    'AccessExclusiveLock on public.tickets'
    """
    kind, mode = row.get("waiting_locktype"), row.get("waiting_mode") or "a lock"
    relation = row.get("waiting_relation")
    if kind == "relation":
        return f"{mode} on {relation}"
    if kind == "tuple":
        return f"{mode} on a row of {relation}"
    if kind == "transactionid":
        return f"{mode} on transaction {row.get('waiting_transaction')} (a row it locked)"
    if kind == "virtualxid":
        return "the end of another transaction (virtualxid)"
    if kind == "advisory":
        return f"an advisory lock ({mode})"
    if kind:
        return f"{mode} ({kind})"
    return f"a lock ({row.get('wait_event') or 'unknown'})"


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def describe_blocker(row: Mapping[str, Any]) -> str:
    """``pid N (`state` for D, app `A`, last query `Q`)``; a blocker that waits says so."""
    state = _text(row.get("state")) or "unknown state"
    parts = [f"`{state}` for {duration(row.get('state_s'))}" if row.get("state_s") is not None
             else f"`{state}`"]
    if row.get("application"):
        parts.append(f"app `{row['application']}`")
    if row.get("wait_s") is not None and row.get("waiting_locktype"):
        parts.append(f"itself waiting for {lock_target(row)}")
    label = "last query" if state in _IDLE else "query"
    parts.append(f"{label} `{short(row.get('query'))}`")
    return f"pid {row['pid']} ({', '.join(parts)})"


def suggestion(row: Mapping[str, Any]) -> str:
    """The statement that would release a blocker (to run by hand, after checking)."""
    pid = row["pid"]
    if str(row.get("state") or "").startswith("idle in transaction"):
        return (f"select pg_terminate_backend({pid});  -- pg_cancel_backend({pid}) cannot end "
                "an idle transaction")
    return (f"select pg_cancel_backend({pid});  -- cancels its statement; "
            f"select pg_terminate_backend({pid}); ends the session")


def explain(waiter: Mapping[str, Any], blockers: Sequence[Mapping[str, Any]],
            root: Mapping[str, Any] | None) -> Waiting:
    """The sentence for one waiter; ``blockers`` are its direct blockers, nearest first."""
    what = f"`{short(waiter.get('query'))}`"
    facts = [f"pid {waiter['pid']}"]
    if waiter.get("application"):
        facts.append(f"app `{waiter['application']}`")
    facts.append(f"waiting {duration(waiter.get('wait_s'))} for {lock_target(waiter)}")
    by = " and ".join(describe_blocker(b) for b in blockers) or "a session pgprobe cannot see"
    sentence = f"{what} ({', '.join(facts)}) is blocked by {by}"
    if root is not None and (not blockers or root["pid"] != blockers[0]["pid"]
                             or len(blockers) > 1):
        sentence += f"; the root blocker is pid {root['pid']}"
    elif root is not None:
        sentence += ", the root blocker"
    return Waiting(int(waiter["pid"]), sentence + ".", [int(b["pid"]) for b in blockers],
                   int(root["pid"]) if root is not None else None,
                   suggestion(root) if root is not None else "")


def not_waiting(pid: int, row: Mapping[str, Any] | None, blocks: Sequence[int] = ()) -> str:
    """Why a named session has no waiting sentence."""
    if row is None:
        return f"no session with pid {pid} in this database"
    text = (f"pid {pid} is not waiting on a lock (`{row.get('state')}` for "
            f"{duration(row.get('state_s'))}, query `{short(row.get('query'))}`)")
    if blocks:
        text += f"; it blocks pid {', '.join(str(b) for b in sorted(blocks))}"
    return text + "."
