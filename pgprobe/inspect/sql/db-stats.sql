-- db-stats: this database's size, table/index/TOAST totals, cache hit ratios, transaction
-- counters, deadlocks, temporary files and transaction-id age (wraparound distance).
-- Relations ACCESS EXCLUSIVE locked by others are left out of the totals (locked_relations).
with locked as (
  -- relations another session holds or awaits ACCESS EXCLUSIVE on: reading their size would
  -- queue the probe behind that lock, so their sizes are left empty (locked = true)
  select l.relation as oid
  from pg_catalog.pg_locks l
  where l.locktype = 'relation' and l.mode = 'AccessExclusiveLock'
    and l.database = (select oid from pg_catalog.pg_database where datname = current_database())
), sizes as (
  select coalesce(sum(pg_catalog.pg_relation_size(c.oid)) filter (where c.relkind in ('r', 'm')), 0)
           as table_bytes,
         coalesce(sum(pg_catalog.pg_relation_size(c.oid)) filter (where c.relkind = 'i'), 0)
           as index_bytes,
         coalesce(sum(pg_catalog.pg_relation_size(c.oid)) filter (where c.relkind = 't'), 0)
           as toast_bytes
  from pg_catalog.pg_class c
  where c.relkind in ('r', 'm', 'i', 't') and c.relpersistence <> 't'
    and c.oid not in (select oid from locked)
), blocks as (
  select c.relkind = 'i' as is_index,
         pg_catalog.pg_stat_get_blocks_hit(c.oid) as hits,
         pg_catalog.pg_stat_get_blocks_fetched(c.oid) as fetched
  from pg_catalog.pg_class c
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
  where c.relkind in ('r', 'm', 'i')
    and n.nspname <> 'information_schema' and n.nspname !~ '^pg_'
), hits as (
  select (sum(hits) filter (where is_index)::numeric
          / nullif(sum(fetched) filter (where is_index), 0))::float8 as index_hit_ratio,
         (sum(hits) filter (where not is_index)::numeric
          / nullif(sum(fetched) filter (where not is_index), 0))::float8 as table_hit_ratio
  from blocks
)
select d.datname as database,
       pg_catalog.pg_database_size(d.datname) as size_bytes,
       sizes.table_bytes::bigint,
       sizes.index_bytes::bigint,
       sizes.toast_bytes::bigint,
       hits.index_hit_ratio,
       hits.table_hit_ratio,
       sd.numbackends as connections,
       sd.xact_commit as commits,
       sd.xact_rollback as rollbacks,
       sd.deadlocks,
       sd.conflicts,
       sd.temp_files,
       sd.temp_bytes,
       pg_catalog.age(d.datfrozenxid) as xid_age,
       (select count(distinct oid) from locked)::int as locked_relations,
       sd.stats_reset
from pg_catalog.pg_database d
join pg_catalog.pg_stat_database sd on sd.datid = d.oid, sizes, hits
where d.datname = current_database()
