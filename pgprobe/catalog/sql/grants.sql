-- Table and column privileges per grantee (PUBLIC as 'public'); after `oid`, shaped as the
-- Grant model.
select c.oid,
       case when acl.grantee = 0 then 'public' else pg_get_userbyid(acl.grantee) end as grantee,
       lower(acl.privilege_type) as privilege,
       acl.is_grantable as grantable,
       null::text as column
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
cross join lateral aclexplode(c.relacl) acl
where n.nspname = any(%(schemas)s)
  and (%(relations)s::text[] is null or (n.nspname || '.' || c.relname) = any(%(relations)s::text[]))
  and c.relkind in ('r', 'p', 'v', 'm', 'f')
  and c.relacl is not null
union all
select c.oid,
       case when acl.grantee = 0 then 'public' else pg_get_userbyid(acl.grantee) end,
       lower(acl.privilege_type),
       acl.is_grantable,
       a.attname
from pg_attribute a
join pg_class c on c.oid = a.attrelid
join pg_namespace n on n.oid = c.relnamespace
cross join lateral aclexplode(a.attacl) acl
where n.nspname = any(%(schemas)s)
  and (%(relations)s::text[] is null or (n.nspname || '.' || c.relname) = any(%(relations)s::text[]))
  and c.relkind in ('r', 'p', 'v', 'm', 'f')
  and a.attacl is not null and a.attnum > 0 and not a.attisdropped
order by 1, 5 nulls first, 2, 3
