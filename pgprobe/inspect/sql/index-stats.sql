-- index-stats: every index with its size, scans, its table's sequential scans, the share of
-- the table's scans that used it, and whether it was never used (supabase's index-stats).
with locked as (
  -- relations another session holds or awaits ACCESS EXCLUSIVE on: reading their size would
  -- queue the probe behind that lock, so their sizes are left empty (locked = true)
  select l.relation as oid
  from pg_catalog.pg_locks l
  where l.locktype = 'relation' and l.mode = 'AccessExclusiveLock'
    and l.database = (select oid from pg_catalog.pg_database where datname = current_database())
)
select format('%I.%I', s.schemaname, s.indexrelname) as name,
       format('%I.%I', s.schemaname, s.relname) as "table",
       case when s.indexrelid not in (select oid from locked)
            then pg_catalog.pg_relation_size(s.indexrelid) end as size_bytes,
       s.idx_scan,
       t.seq_scan,
       round((100.0 * s.idx_scan / nullif(t.seq_scan + s.idx_scan, 0))::numeric, 1)::float8
         as used_pct,
       s.idx_scan = 0 as unused,
       s.indexrelid in (select oid from locked) as locked
from pg_catalog.pg_stat_user_indexes s
join pg_catalog.pg_stat_user_tables t on t.relid = s.relid
order by size_bytes desc nulls last, name
