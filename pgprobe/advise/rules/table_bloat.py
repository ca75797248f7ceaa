"""A table much larger on disk than its live rows need (live databases only)."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from .._context import Context
from .._finding import Finding
from ._base import Rule

_HEADER, _ALIGN = 23, 4
_MIN_RATIO, _MIN_WASTE = 70.0, 20 * 1024 * 1024


def _pad(n: float) -> float:
    """Round a byte count up to the next multiple of the alignment."""
    rest = n % _ALIGN
    return n + _ALIGN - (_ALIGN if rest == 0 else rest)


def estimate(row: dict[str, Any], block_size: int) -> tuple[float, int]:
    """(bloat ratio, wasted bytes) of one table from its pg_stats summary: the classic
    estimate of the pages the live tuples need (row header, null bitmap, average widths)."""
    null_header = _HEADER + 1 + int(row["nullable_columns"]) // 8
    data = float(row["data_width"]) + _pad(_HEADER)
    nulls = float(row["max_null_frac"]) * _pad(null_header)
    needed = math.ceil(float(row["reltuples"]) * (_pad(data) + nulls + 4) / (block_size - 20))
    pages = int(row["relpages"])
    ratio = 0.0 if needed == 0 else round(pages / needed, 1)
    waste = 0 if pages < needed else block_size * (pages - needed)
    return ratio, waste


class TableBloat(Rule):
    name, level, category = "table_bloat", "INFO", "performance"
    title = "Table bloat"
    splinter = "0020_table_bloat"
    live = True
    what = ("A table whose pages are over 70 times what its live rows need, wasting more "
            "than 20 MB (estimated from `pg_stats` and `pg_class`).")
    why = ("Sequential scans read the dead space, caches hold it, and the disk (billed on "
           "Supabase) keeps it.")
    fix = ("`vacuum full` (takes an exclusive lock: plan downtime) or pg_repack; then tune "
           "autovacuum for the table.")
    example = ("create table public.churn as select g as id, repeat('x', 300) as pad "
               "from generate_series(1, 100000) g;\n"
               "delete from public.churn where id % 1000 <> 0; vacuum analyze public.churn;")

    def check(self, ctx: Context) -> Iterator[Finding]:
        if ctx.live is None:
            ctx.note(f"{self.name}: not judged from a snapshot file (it needs pg_stats from a "
                     "live database; run advise with --dsn)")
            return
        for row in ctx.live.table_widths:
            ratio, waste = estimate(row, ctx.live.block_size)
            if ratio > _MIN_RATIO and waste > _MIN_WASTE:
                yield self.finding(row["schema"], row["table"],
                                   f"Table {row['schema']}.{row['table']} is about {ratio:g} "
                                   f"times larger than its rows need ({waste // 2**20} MB "
                                   "wasted).", bloat_ratio=ratio, wasted_bytes=waste)
