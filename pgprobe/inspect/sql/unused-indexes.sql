-- unused-indexes: indexes never scanned since the statistics were reset, that enforce no
-- constraint (not unique, not a primary key, not an exclusion constraint), biggest first.
-- The cost they add: every insert/update/delete on their table maintains them.
with locked as (
  -- relations another session holds or awaits ACCESS EXCLUSIVE on: reading their size would
  -- queue the probe behind that lock, so their sizes are left empty (locked = true)
  select l.relation as oid
  from pg_catalog.pg_locks l
  where l.locktype = 'relation' and l.mode = 'AccessExclusiveLock'
    and l.database = (select oid from pg_catalog.pg_database where datname = current_database())
), unused as (
  select i.indexrelid, i.indrelid, n.nspname, ic.relname as index_name, t.relname as table_name
  from pg_catalog.pg_index i
  join pg_catalog.pg_class ic on ic.oid = i.indexrelid
  join pg_catalog.pg_class t on t.oid = i.indrelid
  join pg_catalog.pg_namespace n on n.oid = ic.relnamespace
  where t.relkind in ('r', 'm')
    and n.nspname <> 'information_schema' and n.nspname !~ '^pg_'
    and not i.indisunique and not i.indisprimary and not i.indisexclusion
    and not exists (select 1 from pg_catalog.pg_constraint k where k.conindid = i.indexrelid)
    and pg_catalog.pg_stat_get_numscans(i.indexrelid) = 0
)
select format('%I.%I', nspname, index_name) as name,
       format('%I.%I', nspname, table_name) as "table",
       0::bigint as idx_scan,
       case when indexrelid not in (select oid from locked)
            then pg_catalog.pg_relation_size(indexrelid) end as size_bytes,
       pg_catalog.pg_stat_get_tuples_inserted(indrelid)
         + pg_catalog.pg_stat_get_tuples_updated(indrelid)
         + pg_catalog.pg_stat_get_tuples_deleted(indrelid) as table_writes,
       pg_catalog.pg_get_indexdef(indexrelid) as definition,
       indexrelid in (select oid from locked) as locked
from unused
order by size_bytes desc nulls last, name
