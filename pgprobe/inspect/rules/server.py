"""Rules on the server: cache hits, connection headroom, replication slots, xid age."""

from __future__ import annotations

import pandas as pd

from .._format import size
from ._base import Rule, rows

__all__ = ["CacheHit", "Connections", "ReplicationSlots", "XidAge"]


class CacheHit(Rule):
    name = "cache-hit"
    view = "cache-hit"
    description = ("table and index cache hit ratio at least {min_ratio:.2%} (once "
                   "{min_blocks:.0f} blocks were read)")
    defaults = {"min_ratio": 0.99, "min_blocks": 1000}

    def offenders(self, frame: pd.DataFrame) -> list[str]:
        return [f"{r['kind']} hit ratio {r['ratio']:.2%} ({r['reads']} of "
                f"{r['hits'] + r['reads']} blocks read from disk)"
                for r in rows(frame)
                if r["ratio"] is not None and r["hits"] + r["reads"] >= self.params["min_blocks"]
                and r["ratio"] < self.params["min_ratio"]]


class Connections(Rule):
    name = "connections"
    view = "connections"
    description = "client connections at most {max_pct:g}% of max_connections"
    defaults = {"max_pct": 80}

    def offenders(self, frame: pd.DataFrame) -> list[str]:
        every = rows(frame)
        if not every or (every[0]["used_pct"] or 0) <= self.params["max_pct"]:
            return []
        top = every[0]
        return [f"{top['total']} of {top['max_connections']} connections "
                f"({top['used_pct']:.0f}%); most from role `{top['role']}` app "
                f"`{top['application']}` ({top['connections']})"]


class ReplicationSlots(Rule):
    name = "replication-slots"
    view = "replication-slots"
    description = "no replication slot retaining more than {max_retained_bytes} of WAL"
    defaults = {"max_retained_bytes": 1024 ** 3}

    def offenders(self, frame: pd.DataFrame) -> list[str]:
        return [f"slot {r['slot_name']} ({'active' if r['active'] else 'inactive'}) retains "
                f"{size(r['retained_bytes'])}" for r in rows(frame)
                if (r["retained_bytes"] or 0) > self.params["max_retained_bytes"]]


class XidAge(Rule):
    name = "xid-age"
    view = "db-stats"
    description = "transaction id age below {max_age:,.0f} (wraparound at 2^31)"
    defaults = {"max_age": 1_000_000_000}

    def offenders(self, frame: pd.DataFrame) -> list[str]:
        return [f"database {r['database']} xid age {r['xid_age']:,}" for r in rows(frame)
                if (r["xid_age"] or 0) > self.params["max_age"]]
