-- locks: every lock held or awaited by another session of this database, with what it locks.
-- Reads pg_locks and pg_stat_activity only (neither takes a lock the probe could wait on).
select l.pid,
       a.usename as role,
       a.application_name as application,
       a.state,
       l.locktype,
       case when l.relation is not null
            then coalesce(format('%I.%I', n.nspname, c.relname), l.relation::text) end as relation,
       l.mode,
       l.granted,
       l.transactionid::text as transaction_id,
       extract(epoch from now() - case when l.granted then a.xact_start
                                       else coalesce(l.waitstart, a.state_change) end)::float8
         as age_s,
       extract(epoch from now() - a.query_start)::float8 as query_age_s,
       a.query
from pg_catalog.pg_locks l
join pg_catalog.pg_stat_activity a on a.pid = l.pid
left join pg_catalog.pg_class c on c.oid = l.relation
  and l.database = (select oid from pg_catalog.pg_database where datname = current_database())
left join pg_catalog.pg_namespace n on n.oid = c.relnamespace
where l.pid <> pg_backend_pid()
  and (l.database is null or l.database = 0
       or l.database = (select oid from pg_catalog.pg_database where datname = current_database()))
  and not (l.locktype = 'virtualxid' and l.granted)
order by l.granted, age_s desc nulls last, l.pid
