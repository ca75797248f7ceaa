-- Enums (with labels in order), domains (with base type and checks) and composite types of
-- every non-system schema: few, and columns of expanded schemas may use types from any schema.
select n.nspname as schema,
       (select e.extname from pg_depend d join pg_extension e on e.oid = d.refobjid
        where d.classid = 'pg_type'::regclass and d.objid = t.oid and d.deptype = 'e')
         as extension,
       t.typname as name,
       t.typtype as kind,
       obj_description(t.oid, 'pg_type') as comment,
       case when t.typtype = 'e' then
         array(select e.enumlabel::text from pg_enum e where e.enumtypid = t.oid order by e.enumsortorder)
       end as labels,
       case when t.typtype = 'd' then format_type(t.typbasetype, t.typtypmod) end as base_type,
       not t.typnotnull as nullable,
       t.typdefault as "default",
       case when t.typtype = 'd' then
         array(select pg_get_constraintdef(dc.oid, true) from pg_constraint dc
               where dc.contypid = t.oid and dc.contype = 'c' order by dc.conname)
       end as checks,
       case when t.typtype = 'c' then
         array(select json_build_array(a.attname, format_type(a.atttypid, a.atttypmod),
                                       at.typname, atn.nspname)::text
               from pg_attribute a join pg_type at on at.oid = a.atttypid
               join pg_namespace atn on atn.oid = at.typnamespace
               where a.attrelid = t.typrelid and a.attnum > 0
               and not a.attisdropped order by a.attnum)
       end as attributes
from pg_type t
join pg_namespace n on n.oid = t.typnamespace
where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
  and n.nspname !~ '^pg_(toast_)?temp_'
  and (t.typtype in ('e', 'd')
       or (t.typtype = 'c' and t.oid in (select c.reltype from pg_class c where c.relkind = 'c')))
