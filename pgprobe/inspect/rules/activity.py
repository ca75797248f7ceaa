"""Rules on sessions: long statements, idle transactions, lock waits."""

from __future__ import annotations

import pandas as pd

from .._format import duration, short
from ._base import Rule, rows

__all__ = ["LongRunning", "IdleInTransaction", "LockWaits"]


class LongRunning(Rule):
    name = "long-running"
    view = "long-running"
    description = "no statement running longer than {max_seconds:g} s"
    defaults = {"max_seconds": 300}

    def offenders(self, frame: pd.DataFrame) -> list[str]:
        return [f"pid {r['pid']} running {duration(r['duration_s'])}: `{short(r['query'], 40)}`"
                for r in rows(frame) if (r["duration_s"] or 0) > self.params["max_seconds"]]


class IdleInTransaction(Rule):
    name = "idle-in-transaction"
    view = "idle-in-transaction"
    description = "no session idle in a transaction longer than {max_seconds:g} s"
    defaults = {"max_seconds": 60}

    def offenders(self, frame: pd.DataFrame) -> list[str]:
        return [f"pid {r['pid']} idle {duration(r['idle_s'])} (app `{r['application']}`, "
                f"blocks {r['sessions_blocked']})"
                for r in rows(frame) if (r["idle_s"] or 0) > self.params["max_seconds"]]


class LockWaits(Rule):
    name = "lock-waits"
    view = "blocking"
    description = "no session waiting on a lock longer than {max_seconds:g} s"
    defaults = {"max_seconds": 30}

    def offenders(self, frame: pd.DataFrame) -> list[str]:
        return [f"pid {r['pid']} waiting {duration(r['wait_s'])} for {r['waiting_for']} "
                f"(root blocker pid {r['root']})"
                for r in rows(frame)
                if r["wait_s"] is not None and r["wait_s"] > self.params["max_seconds"]]
