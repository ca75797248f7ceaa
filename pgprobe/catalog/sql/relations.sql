-- Tables, partitioned tables, views, materialized views and foreign tables of the expanded schemas.
select c.oid,
       x.extname as extension,
       n.nspname as schema,
       c.relname as name,
       c.relkind as kind,
       ds.description as comment,
       pg_get_userbyid(c.relowner) as owner,
       c.relacl::text[] as acl,
       c.relrowsecurity as rls_enabled,
       c.relforcerowsecurity as rls_forced,
       -- views' definitions: written by pgprobe for plain views (catalog/_viewdef.py),
       -- deparsed by view_definitions.sql for the others
       null::text as view_definition,
       case when c.relispartition then (
         select pn.nspname || '.' || pc.relname
         from pg_inherits i join pg_class pc on pc.oid = i.inhparent
         join pg_namespace pn on pn.oid = pc.relnamespace
         where i.inhrelid = c.oid limit 1) end as partition_of,
       case when c.relispartition then pg_get_expr(c.relpartbound, c.oid) end as partition_bound,
       -- views and materialized views: null, decided in Python from their stored trees
       -- (pgprobe/catalog/_updatable.py) or by view_updatable.sql; foreign tables depend on
       -- their wrapper
       case when c.relkind = 'f' then pg_relation_is_updatable(c.oid, true)
            when c.relkind in ('r', 'p') then 28 end as updatable_events,
       coalesce(c.reloptions, '{}') as options
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
-- what a view reads comes from view_dependencies.sql; the owning extension by a join (a
-- sub-select per relation cost a second at 68,000 relations)
left join pg_depend xd on xd.classid = 'pg_class'::regclass and xd.objid = c.oid
  and xd.deptype = 'e'
left join pg_extension x on x.oid = xd.refobjid
left join pg_description ds on ds.objoid = c.oid and ds.classoid = 'pg_class'::regclass
  and ds.objsubid = 0
where n.nspname = any(%(schemas)s)
  and (%(relations)s::text[] is null or (n.nspname || '.' || c.relname) = any(%(relations)s::text[]))
  and (%(relation_oids)s::oid[] is null or c.oid = any(%(relation_oids)s::oid[]))  -- relation_oids.sql
  and c.relkind in ('r', 'p', 'v', 'm', 'f')
