"""Rules on storage: bloat, unused indexes, autovacuum backlog."""

from __future__ import annotations

import pandas as pd

from .._format import size
from ._base import Rule, rows

__all__ = ["Bloat", "UnusedIndexes", "VacuumDue"]


class Bloat(Rule):
    name = "bloat"
    view = "bloat"
    description = ("no table or index over {min_bytes} with more than {max_pct:g}% "
                   "estimated bloat")
    defaults = {"max_pct": 50, "min_bytes": 1024 * 1024}

    def offenders(self, frame: pd.DataFrame) -> list[str]:
        return [f"{r['kind']} {r['name']}: {r['bloat_pct']:.0f}% of {size(r['size_bytes'])}"
                for r in rows(frame)
                if (r["bloat_pct"] or 0) > self.params["max_pct"]
                and (r["size_bytes"] or 0) >= self.params["min_bytes"]]


class UnusedIndexes(Rule):
    name = "unused-indexes"
    view = "unused-indexes"
    description = "no never-used index over {min_bytes}"
    defaults = {"min_bytes": 1024 * 1024}
    default_level = "warn"

    def offenders(self, frame: pd.DataFrame) -> list[str]:
        return [f"{r['name']} on {r['table']} ({size(r['size_bytes'])})" for r in rows(frame)
                if (r["size_bytes"] or 0) >= self.params["min_bytes"]]


class VacuumDue(Rule):
    name = "vacuum"
    view = "vacuum-stats"
    description = "no table over {min_rows:.0f} rows with dead rows past its autovacuum threshold"
    defaults = {"min_rows": 1000}
    default_level = "warn"

    def offenders(self, frame: pd.DataFrame) -> list[str]:
        return [f"{r['table']}: {r['dead_rows']} dead rows (threshold "
                f"{r['autovacuum_threshold']})" for r in rows(frame)
                if r["autovacuum_due"] and (r["live_rows"] or 0) >= self.params["min_rows"]]
