-- connections: client connections of the whole cluster by database, role and application,
-- against max_connections (minus the slots reserved for superusers).
with limits as (
  select current_setting('max_connections')::int as max_connections,
         current_setting('superuser_reserved_connections')::int as reserved
), conns as (
  select a.datname, a.usename, a.application_name, a.state
  from pg_catalog.pg_stat_activity a
  where a.backend_type = 'client backend'
)
select c.datname as database,
       c.usename as role,
       c.application_name as application,
       count(*)::int as connections,
       (count(*) filter (where c.state = 'active'))::int as active,
       (count(*) filter (where c.state = 'idle'))::int as idle,
       (count(*) filter (where c.state like 'idle in transaction%'))::int as idle_in_transaction,
       (select count(*) from conns)::int as total,
       l.max_connections,
       l.reserved as reserved_for_superusers,
       round((100.0 * (select count(*) from conns)
              / nullif(l.max_connections - l.reserved, 0))::numeric, 1)::float8 as used_pct
from conns c, limits l
group by c.datname, c.usename, c.application_name, l.max_connections, l.reserved
order by connections desc, database, role, application
