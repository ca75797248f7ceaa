-- toast-sizes: tables with a TOAST table: its size (with its index), live and dead chunks.
with locked as (
  -- relations another session holds or awaits ACCESS EXCLUSIVE on: reading their size would
  -- queue the probe behind that lock, so their sizes are left empty (locked = true)
  select l.relation as oid
  from pg_catalog.pg_locks l
  where l.locktype = 'relation' and l.mode = 'AccessExclusiveLock'
    and l.database = (select oid from pg_catalog.pg_database where datname = current_database())
), rels as (
  select c.oid, n.nspname, c.relname, c.reltoastrelid,
         c.oid in (select oid from locked) or c.reltoastrelid in (select oid from locked)
           as locked
  from pg_catalog.pg_class c
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
  where c.relkind in ('r', 'm') and c.reltoastrelid <> 0
    and n.nspname <> 'information_schema' and n.nspname !~ '^pg_'
)
select format('%I.%I', r.nspname, r.relname) as "table",
       format('%I.%I', tn.nspname, t.relname) as toast_table,
       case when not r.locked then pg_catalog.pg_total_relation_size(r.reltoastrelid) end
         as toast_bytes,
       s.n_live_tup as live_chunks,
       s.n_dead_tup as dead_chunks,
       s.last_autovacuum,
       r.locked
from rels r
join pg_catalog.pg_class t on t.oid = r.reltoastrelid
join pg_catalog.pg_namespace tn on tn.oid = t.relnamespace
left join pg_catalog.pg_stat_all_tables s on s.relid = r.reltoastrelid
order by toast_bytes desc nulls last, "table"
