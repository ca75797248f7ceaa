-- table-sizes: tables and materialized views of this database, biggest first (heap with
-- TOAST, free-space and visibility maps; their indexes; the total).
with locked as (
  -- relations another session holds or awaits ACCESS EXCLUSIVE on: reading their size would
  -- queue the probe behind that lock, so their sizes are left empty (locked = true)
  select l.relation as oid
  from pg_catalog.pg_locks l
  where l.locktype = 'relation' and l.mode = 'AccessExclusiveLock'
    and l.database = (select oid from pg_catalog.pg_database where datname = current_database())
), rels as (
  select c.oid, n.nspname, c.relname, c.relkind, c.reltuples,
         c.oid in (select oid from locked) or c.reltoastrelid in (select oid from locked)
         or exists (select 1 from pg_catalog.pg_index i
                    where i.indrelid = c.oid and i.indexrelid in (select oid from locked))
           as locked
  from pg_catalog.pg_class c
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
  where c.relkind in ('r', 'm', 'p')
    and n.nspname <> 'information_schema' and n.nspname !~ '^pg_'
)
select format('%I.%I', nspname, relname) as name,
       case relkind when 'r' then 'table' when 'm' then 'materialized view'
                    when 'p' then 'partitioned table' end as kind,
       greatest(reltuples, 0)::bigint as rows_estimate,
       case when not locked then pg_catalog.pg_table_size(oid) end as table_bytes,
       case when not locked then pg_catalog.pg_indexes_size(oid) end as index_bytes,
       case when not locked then pg_catalog.pg_total_relation_size(oid) end as total_bytes,
       locked
from rels
order by total_bytes desc nulls last, name
