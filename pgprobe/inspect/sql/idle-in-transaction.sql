-- idle-in-transaction: sessions of this database holding a transaction open while doing
-- nothing, with how long, how many locks they hold and how many sessions wait on them.
select a.pid,
       a.usename as role,
       a.application_name as application,
       a.client_addr::text as client,
       a.state,
       extract(epoch from now() - a.state_change)::float8 as idle_s,
       extract(epoch from now() - a.xact_start)::float8 as xact_s,
       (select count(*) from pg_catalog.pg_locks l where l.pid = a.pid and l.granted
          and l.locktype in ('relation', 'tuple', 'transactionid', 'advisory'))::int as locks_held,
       (select count(*) from pg_catalog.pg_stat_activity w
          where w.wait_event_type = 'Lock' and a.pid = any(pg_blocking_pids(w.pid)))::int
         as sessions_blocked,
       a.query as last_query
from pg_catalog.pg_stat_activity a
where a.datname = current_database()
  and a.pid <> pg_backend_pid()
  and a.state in ('idle in transaction', 'idle in transaction (aborted)')
order by xact_s desc nulls last
