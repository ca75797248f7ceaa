-- Column privileges per grantee (PUBLIC as 'public'); after `oid`, shaped as the Grant model.
-- Table privileges come with the relations (their ACL, parsed by the reader).
select c.oid,
       case when acl.grantee = 0 then 'public' else pg_get_userbyid(acl.grantee) end as grantee,
       lower(acl.privilege_type) as privilege,
       acl.is_grantable as grantable,
       a.attname as column
from pg_attribute a
join pg_class c on c.oid = a.attrelid
join pg_namespace n on n.oid = c.relnamespace
cross join lateral aclexplode(a.attacl) acl
where n.nspname = any(%(schemas)s)
  and (%(relations)s::text[] is null or (n.nspname || '.' || c.relname) = any(%(relations)s::text[]))
  and (%(relation_oids)s::oid[] is null or c.oid = any(%(relation_oids)s::oid[]))  -- relation_oids.sql
  and c.relkind in ('r', 'p', 'v', 'm', 'f')
  and a.attacl is not null and a.attnum > 0 and not a.attisdropped
order by 1, 5, 2, 3
