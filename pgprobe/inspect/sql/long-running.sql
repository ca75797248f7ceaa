-- long-running: sessions of this database running a statement, longest first.
select a.pid,
       a.usename as role,
       a.application_name as application,
       a.state,
       extract(epoch from now() - a.query_start)::float8 as duration_s,
       extract(epoch from now() - a.xact_start)::float8 as xact_s,
       a.wait_event_type,
       a.wait_event,
       a.query
from pg_catalog.pg_stat_activity a
where a.datname = current_database()
  and a.pid <> pg_backend_pid()
  and a.state in ('active', 'fastpath function call')
  and a.backend_type = 'client backend'
order by duration_s desc nulls last
