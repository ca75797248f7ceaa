-- Row level security policies; after `oid`, shaped as the Policy model.
select p.polrelid as oid,
       p.polname as name,
       case p.polcmd when '*' then 'all' when 'r' then 'select' when 'a' then 'insert'
         when 'w' then 'update' when 'd' then 'delete' end as command,
       p.polpermissive as permissive,
       array(select case when r = 0 then 'public' else pg_get_userbyid(r) end
             from unnest(p.polroles) r order by 1) as roles,
       -- An expression without a column reference deparses the same without its relation:
       -- relid 0 spares opening the table (as for defaults in columns.sql)
       pg_get_expr(p.polqual, case when p.polqual::text like '%%{VAR %%' then p.polrelid
                                   else 0 end, true) as using,
       pg_get_expr(p.polwithcheck, case when p.polwithcheck::text like '%%{VAR %%'
                                        then p.polrelid else 0 end, true) as with_check
from pg_policy p
join pg_class c on c.oid = p.polrelid
join pg_namespace n on n.oid = c.relnamespace
where n.nspname = any(%(schemas)s)
  and (%(relations)s::text[] is null or (n.nspname || '.' || c.relname) = any(%(relations)s::text[]))
  and (%(relation_oids)s::oid[] is null or c.oid = any(%(relation_oids)s::oid[]))  -- relation_oids.sql
order by p.polrelid, p.polname
