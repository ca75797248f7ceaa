-- blocking: every session of this database waiting on a lock, and every session blocking one,
-- with pg_blocking_pids() (hard and soft blockers) and what each waiter waits for.
with waiting as (
  select a.pid, pg_blocking_pids(a.pid) as blocked_by
  from pg_catalog.pg_stat_activity a
  where a.wait_event_type = 'Lock'
    and a.pid <> pg_backend_pid()
    and a.datname = current_database()
), involved as (
  select pid from waiting
  union
  select unnest(blocked_by) from waiting
)
select a.pid,
       coalesce(w.blocked_by, '{}'::int[]) as blocked_by,
       a.usename as role,
       a.application_name as application,
       a.client_addr::text as client,
       a.backend_type,
       a.state,
       a.wait_event_type,
       a.wait_event,
       wl.locktype as waiting_locktype,
       wl.mode as waiting_mode,
       case when wl.relation is not null
            then coalesce(format('%I.%I', n.nspname, c.relname), wl.relation::text) end
         as waiting_relation,
       wl.transactionid::text as waiting_transaction,
       case when w.pid is not null
            then extract(epoch from now() - coalesce(wl.waitstart, a.state_change))::float8
       end as wait_s,
       extract(epoch from now() - a.state_change)::float8 as state_s,
       extract(epoch from now() - a.xact_start)::float8 as xact_s,
       extract(epoch from now() - a.query_start)::float8 as query_s,
       a.query
from involved i
join pg_catalog.pg_stat_activity a on a.pid = i.pid
left join waiting w on w.pid = a.pid
left join lateral (
  select l.locktype, l.mode, l.relation, l.transactionid, l.waitstart
  from pg_catalog.pg_locks l
  where l.pid = a.pid and not l.granted
  limit 1
) wl on w.pid is not null
left join pg_catalog.pg_class c on c.oid = wl.relation
left join pg_catalog.pg_namespace n on n.oid = c.relnamespace
order by a.pid
