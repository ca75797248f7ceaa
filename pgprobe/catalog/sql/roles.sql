-- Roles (PostgreSQL's predefined pg_* roles left out).
select r.rolname as name, r.rolsuper as superuser, r.rolcanlogin as can_login,
       r.rolbypassrls as bypass_rls, r.rolinherit as inherit,
       array(select g.rolname from pg_auth_members m join pg_roles g on g.oid = m.roleid
             where m.member = r.oid order by 1) as member_of
from pg_roles r
where r.rolname !~ '^pg_'
