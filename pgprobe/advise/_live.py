"""Read what only a live database knows, for the usage-based rules: index scan counts,
per-table width statistics (bloat), the age of the statistics, and Storage's public buckets.

Every query is read-only; the bucket query runs only when ``storage.buckets`` exists.
"""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.rows import dict_row

from ._context import LiveStatistics

_INDEX_USAGE = """
select s.schemaname as schema, s.relname as table, s.indexrelname as index,
       s.idx_scan, i.indisunique as unique, i.indisprimary as primary,
       exists (select from pg_depend d where d.objid = s.relid and d.deptype = 'e')
         as extension_owned
from pg_stat_user_indexes s join pg_index i on i.indexrelid = s.indexrelid
"""

# Per table: the summed average width of non-null values, the largest null fraction and
# how many columns have nulls, next to the table's pages and row estimate.
_TABLE_WIDTHS = """
with widths as (
  select schemaname, tablename, sum((1 - null_frac) * avg_width) as data_width,
         max(null_frac) as max_null_frac, count(*) filter (where null_frac <> 0) as nullable
  from pg_stats group by schemaname, tablename)
select w.schemaname as schema, w.tablename as table, w.data_width, w.max_null_frac,
       w.nullable as nullable_columns, c.relpages, c.reltuples
from widths w
join pg_namespace n on n.nspname = w.schemaname and n.nspname <> 'information_schema'
join pg_class c on c.relnamespace = n.oid and c.relname = w.tablename
where c.relkind = 'r' and c.relam = (select oid from pg_am where amname = 'heap')
"""

_STATS_AGE = """
select coalesce(d.stats_reset, pg_postmaster_start_time()) as since,
       extract(epoch from now() - coalesce(d.stats_reset, pg_postmaster_start_time())) / 3600
         as hours,
       current_setting('block_size')::int as block_size,
       to_regclass('storage.buckets') is not null as has_buckets
from pg_stat_database d where d.datname = current_database()
"""

_BUCKETS = "select id::text as id, name::text as name from storage.buckets where public order by id"


def read_live(conn: psycopg.Connection[Any]) -> LiveStatistics:
    """The live statistics of the database ``conn`` is connected to."""
    with conn.cursor(row_factory=dict_row) as cur:
        age = cur.execute(_STATS_AGE).fetchone() or {}
        live = LiveStatistics(
            index_usage=list(cur.execute(_INDEX_USAGE).fetchall()),
            table_widths=list(cur.execute(_TABLE_WIDTHS).fetchall()),
            block_size=int(age.get("block_size") or 8192),
            stats_since=age.get("since"),
            stats_age_hours=float(age["hours"]) if age.get("hours") is not None else None)
        if age.get("has_buckets"):
            live.public_buckets = list(cur.execute(_BUCKETS).fetchall())
    return live
