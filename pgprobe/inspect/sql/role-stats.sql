-- role-stats: roles (not the built-in pg_* ones), their open connections across the cluster,
-- connection limit and per-role settings.
select r.rolname as role,
       (select count(*) from pg_catalog.pg_stat_activity a where a.usename = r.rolname)::int
         as connections,
       case when r.rolconnlimit = -1 then current_setting('max_connections')::int
            else r.rolconnlimit end as connection_limit,
       r.rolcanlogin as can_login,
       r.rolsuper as superuser,
       r.rolbypassrls as bypass_rls,
       array_to_string(r.rolconfig, ', ') as settings
from pg_catalog.pg_roles r
where r.rolname !~ '^pg_'
order by connections desc, role
