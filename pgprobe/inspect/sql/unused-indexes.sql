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
)
select format('%I.%I', s.schemaname, s.indexrelname) as name,
       format('%I.%I', s.schemaname, s.relname) as "table",
       s.idx_scan,
       case when s.indexrelid not in (select oid from locked)
            then pg_catalog.pg_relation_size(s.indexrelid) end as size_bytes,
       t.n_tup_ins + t.n_tup_upd + t.n_tup_del as table_writes,
       pg_catalog.pg_get_indexdef(s.indexrelid) as definition,
       s.indexrelid in (select oid from locked) as locked
from pg_catalog.pg_stat_user_indexes s
join pg_catalog.pg_index i on i.indexrelid = s.indexrelid
join pg_catalog.pg_stat_user_tables t on t.relid = s.relid
where s.idx_scan = 0
  and not i.indisunique and not i.indisprimary and not i.indisexclusion
  and not exists (select 1 from pg_catalog.pg_constraint k where k.conindid = s.indexrelid)
order by size_bytes desc nulls last, name
