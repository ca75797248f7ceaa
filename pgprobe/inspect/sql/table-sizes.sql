-- table-sizes: tables and materialized views of this database, biggest first: the table
-- with its TOAST, its indexes, the total. Each relation is measured once.
with locked as (
  -- relations another session holds or awaits ACCESS EXCLUSIVE on: reading their size would
  -- queue the probe behind that lock, so their sizes are left empty (locked = true)
  select l.relation as oid
  from pg_catalog.pg_locks l
  where l.locktype = 'relation' and l.mode = 'AccessExclusiveLock'
    and l.database = (select oid from pg_catalog.pg_database where datname = current_database())
), tables as (
  select c.oid, c.reltoastrelid, n.nspname, c.relname, c.relkind, c.reltuples
  from pg_catalog.pg_class c
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
  where c.relkind in ('r', 'm', 'p')
    and n.nspname <> 'information_schema' and n.nspname !~ '^pg_'
), parts as (
  -- each relation of a table once: its heap, TOAST table and TOAST index ('table'), and its
  -- indexes ('index'); main forks only (free-space and visibility maps are a few pages)
  select t.oid as table_oid, t.oid as rel, 'table' as part from tables t
  union all
  select t.oid, t.reltoastrelid, 'table' from tables t where t.reltoastrelid <> 0
  union all
  select t.oid, ti.indexrelid, 'table' from tables t
  join pg_catalog.pg_index ti on ti.indrelid = t.reltoastrelid where t.reltoastrelid <> 0
  union all
  select t.oid, i.indexrelid, 'index' from tables t
  join pg_catalog.pg_index i on i.indrelid = t.oid
), sized as (
  select p.table_oid, p.part, p.rel in (select oid from locked) as locked,
         case when p.rel not in (select oid from locked)
              then pg_catalog.pg_relation_size(p.rel) end as bytes
  from parts p
), totals as (
  select table_oid, bool_or(locked) as locked,
         coalesce(sum(bytes) filter (where part = 'table'), 0) as table_bytes,
         coalesce(sum(bytes) filter (where part = 'index'), 0) as index_bytes
  from sized
  group by table_oid
)
select format('%I.%I', t.nspname, t.relname) as name,
       case t.relkind when 'r' then 'table' when 'm' then 'materialized view'
                      when 'p' then 'partitioned table' end as kind,
       greatest(t.reltuples, 0)::bigint as rows_estimate,
       case when not s.locked then s.table_bytes end::bigint as table_bytes,
       case when not s.locked then s.index_bytes end::bigint as index_bytes,
       case when not s.locked then s.table_bytes + s.index_bytes end::bigint as total_bytes,
       s.locked
from tables t
join totals s on s.table_oid = t.oid
order by total_bytes desc nulls last, name
