"""An index the statistics say was never scanned (live databases only)."""

from __future__ import annotations

from collections.abc import Iterator

from .._context import MANAGED_SCHEMAS, Context
from .._finding import Finding
from ._base import Rule


class UnusedIndex(Rule):
    name, level, category = "unused_index", "INFO", "performance"
    title = "Index never used"
    splinter = "0005_unused_index"
    live = True
    what = ("A non-unique index with zero scans in `pg_stat_user_indexes` since the "
            "statistics were last reset.")
    why = ("Every insert and update pays to maintain it and it takes disk and cache; on a "
           "small Supabase instance that memory is scarce.")
    fix = ("Confirm over a representative period (statistics age is in the evidence), then "
           "drop the index.")
    example = ("create table public.logs (id bigint primary key, level text);\n"
               "create index logs_level_idx on public.logs (level);")

    def check(self, ctx: Context) -> Iterator[Finding]:
        if ctx.live is None:
            ctx.note(f"{self.name}: not judged from a snapshot file (it needs the live "
                     "statistics views; run advise with --dsn)")
            return
        age = ctx.live.stats_age_hours
        if age is not None and age < 24 * 7:
            ctx.note(f"{self.name}: statistics are {age:.1f} hours old (since "
                     f"{ctx.live.stats_since}); too young to call an index unused, treat "
                     "these findings as tentative")
        for row in ctx.live.index_usage:
            if (row["idx_scan"] != 0 or row["unique"] or row["primary"]
                    or row["extension_owned"] or row["schema"] in MANAGED_SCHEMAS):
                continue
            yield self.finding(
                row["schema"], row["table"],
                f"Index {row['index']} on {row['schema']}.{row['table']} has never been used.",
                index=row["index"], stats_since=str(ctx.live.stats_since),
                stats_age_hours=age)
