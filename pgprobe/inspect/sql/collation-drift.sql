-- collation-drift: indexes on text keys whose collation's recorded version differs from the
-- version the operating system's library reports now (after an OS or ICU upgrade such an
-- index may be silently corrupt: REINDEX it, then ALTER ... REFRESH VERSION).
-- Needs PostgreSQL 15 (pg_database.datcollversion).
with keys as (
  select ix.indexrelid, ix.indrelid, k.colloid
  from pg_catalog.pg_index ix
  cross join lateral unnest(ix.indcollation::oid[]) as k(colloid)
  where k.colloid <> 0
), db as (
  select d.datcollversion, pg_catalog.pg_database_collation_actual_version(d.oid) as actual
  from pg_catalog.pg_database d
  where d.datname = current_database()
), versions as (
  select distinct k.indexrelid, k.indrelid,
         case when c.collname = 'default' and c.collnamespace = 'pg_catalog'::regnamespace
              then 'default' else format('%I.%I', cn.nspname, c.collname) end as collation,
         case when c.collname = 'default' and c.collnamespace = 'pg_catalog'::regnamespace
              then db.datcollversion else c.collversion end as recorded_version,
         case when c.collname = 'default' and c.collnamespace = 'pg_catalog'::regnamespace
              then db.actual else pg_catalog.pg_collation_actual_version(c.oid) end
           as actual_version
  from keys k
  join pg_catalog.pg_collation c on c.oid = k.colloid
  join pg_catalog.pg_namespace cn on cn.oid = c.collnamespace, db
)
select format('%I.%I', n.nspname, i.relname) as name,
       format('%I.%I', n.nspname, t.relname) as "table",
       v.collation,
       v.recorded_version,
       v.actual_version,
       format('reindex index %I.%I;', n.nspname, i.relname) as fix
from versions v
join pg_catalog.pg_class i on i.oid = v.indexrelid
join pg_catalog.pg_class t on t.oid = v.indrelid
join pg_catalog.pg_namespace n on n.oid = i.relnamespace
where v.recorded_version is distinct from v.actual_version
  and n.nspname <> 'information_schema' and n.nspname !~ '^pg_'
order by name
