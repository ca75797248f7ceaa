-- Every non-system schema (the caller decides which ones to expand).
select n.nspname as name,
       pg_get_userbyid(n.nspowner) as owner,
       obj_description(n.oid, 'pg_namespace') as comment
from pg_namespace n
where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
  and n.nspname !~ '^pg_(toast_)?temp_'
order by n.nspname
