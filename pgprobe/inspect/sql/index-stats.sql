-- index-stats: every index with its size, scans, its table's sequential scans, the share of
-- the table's scans that used it, and whether it was never used (supabase's index-stats).
-- The statistics functions are called directly: the pg_stat_user_* views compute two dozen
-- counters per row, and this view needs two.
with locked as (
  -- relations another session holds or awaits ACCESS EXCLUSIVE on: reading their size would
  -- queue the probe behind that lock, so their sizes are left empty (locked = true)
  select l.relation as oid
  from pg_catalog.pg_locks l
  where l.locktype = 'relation' and l.mode = 'AccessExclusiveLock'
    and l.database = (select oid from pg_catalog.pg_database where datname = current_database())
), idx as (
  select i.indexrelid, i.indrelid, n.nspname, ic.relname as index_name, t.relname as table_name,
         pg_catalog.pg_stat_get_numscans(i.indexrelid) as idx_scan,
         pg_catalog.pg_stat_get_numscans(i.indrelid) as seq_scan,
         i.indexrelid in (select oid from locked) as locked
  from pg_catalog.pg_index i
  join pg_catalog.pg_class ic on ic.oid = i.indexrelid
  join pg_catalog.pg_class t on t.oid = i.indrelid
  join pg_catalog.pg_namespace n on n.oid = ic.relnamespace
  where t.relkind in ('r', 'm', 'p')
    and n.nspname <> 'information_schema' and n.nspname !~ '^pg_'
)
select format('%I.%I', nspname, index_name) as name,
       format('%I.%I', nspname, table_name) as "table",
       case when not locked then pg_catalog.pg_relation_size(indexrelid) end as size_bytes,
       idx_scan,
       seq_scan,
       round((100.0 * idx_scan / nullif(seq_scan + idx_scan, 0))::numeric, 1)::float8 as used_pct,
       idx_scan = 0 as unused,
       locked
from idx
order by size_bytes desc nulls last, name
