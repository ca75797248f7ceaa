-- table-stats: per table its size, index size, total, estimated rows and sequential scans
-- (supabase's table-stats; also its table-record-counts and total-table-sizes).
with locked as (
  -- relations another session holds or awaits ACCESS EXCLUSIVE on: reading their size would
  -- queue the probe behind that lock, so their sizes are left empty (locked = true)
  select l.relation as oid
  from pg_catalog.pg_locks l
  where l.locktype = 'relation' and l.mode = 'AccessExclusiveLock'
    and l.database = (select oid from pg_catalog.pg_database where datname = current_database())
), rels as (
  select s.relid, s.schemaname, s.relname, s.n_live_tup, s.seq_scan,
         s.relid in (select oid from locked) or c.reltoastrelid in (select oid from locked)
         or exists (select 1 from pg_catalog.pg_index i
                    where i.indrelid = s.relid and i.indexrelid in (select oid from locked))
           as locked
  from pg_catalog.pg_stat_user_tables s
  join pg_catalog.pg_class c on c.oid = s.relid
)
select format('%I.%I', schemaname, relname) as name,
       case when not locked then pg_catalog.pg_table_size(relid) end as table_bytes,
       case when not locked then pg_catalog.pg_indexes_size(relid) end as index_bytes,
       case when not locked then pg_catalog.pg_total_relation_size(relid) end as total_bytes,
       n_live_tup as rows_estimate,
       seq_scan,
       locked
from rels
order by total_bytes desc nulls last, name
