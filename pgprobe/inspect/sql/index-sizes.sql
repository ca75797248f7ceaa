-- index-sizes: indexes of this database, biggest first.
with locked as (
  -- relations another session holds or awaits ACCESS EXCLUSIVE on: reading their size would
  -- queue the probe behind that lock, so their sizes are left empty (locked = true)
  select l.relation as oid
  from pg_catalog.pg_locks l
  where l.locktype = 'relation' and l.mode = 'AccessExclusiveLock'
    and l.database = (select oid from pg_catalog.pg_database where datname = current_database())
)
select format('%I.%I', n.nspname, ic.relname) as name,
       format('%I.%I', n.nspname, t.relname) as "table",
       am.amname as method,
       case when ic.oid not in (select oid from locked)
            then pg_catalog.pg_relation_size(ic.oid) end as size_bytes,
       ic.oid in (select oid from locked) as locked
from pg_catalog.pg_index i
join pg_catalog.pg_class ic on ic.oid = i.indexrelid
join pg_catalog.pg_class t on t.oid = i.indrelid
join pg_catalog.pg_namespace n on n.oid = ic.relnamespace
join pg_catalog.pg_am am on am.oid = ic.relam
where n.nspname <> 'information_schema' and n.nspname !~ '^pg_'
order by size_bytes desc nulls last, name
