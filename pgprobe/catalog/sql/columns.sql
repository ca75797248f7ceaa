-- Columns of the expanded schemas' relations, with display and base types. After `oid`, the
-- output columns are named and shaped exactly as pgprobe's Column model.
select a.attrelid as oid,
       a.attname as name,
       a.attnum as position,
       ty.type,
       ty.base_type,
       ty.type_schema,
       ty.type_kind,
       case when ty.is_array then greatest(a.attndims, 1) else 0 end as array_dims,
       not a.attnotnull as nullable,
       -- A default without a column reference (no Var node in its tree) deparses the same
       -- without its relation: relid 0 spares opening every table (a relcache entry with its
       -- triggers and policies, ~30 us each). The doubled percent signs are psycopg escapes.
       case when a.attgenerated = '' then pg_get_expr(d.adbin, case
         when d.adbin::text like '%%{VAR %%' then d.adrelid else 0 end) end as "default",
       case a.attidentity when 'a' then 'always' when 'd' then 'by_default' end as identity,
       case when a.attgenerated <> '' then pg_get_expr(d.adbin, d.adrelid) end as generated,
       ds.description as comment,
       ty.udt_name,
       -- view and foreign-table columns: view_columns_updatable.sql, on the connection that
       -- opens those relations anyway (relations.sql), so each view's rules are loaded once
       case when c.relkind in ('r', 'p') then true when c.relkind in ('v', 'f') then null
            else false end as updatable,
       ty.domain_base_type,
       ty.domain_base_schema,
       ty.domain_not_null
from pg_attribute a
join pg_class c on c.oid = a.attrelid
join pg_namespace n on n.oid = c.relnamespace
-- The type block depends only on (type, typmod): a lateral sub-select the planner keeps apart
-- (offset 0) is computed once per distinct pair and memoized, instead of format_type and six
-- joins per column (725,000 columns share about 1,400 pairs at 68,000 relations).
cross join lateral (
  select format_type(t.oid, a.atttypmod) as type,
         coalesce(et.typname, t.typname) as base_type,
         coalesce(etn.nspname, tn.nspname) as type_schema,
         case coalesce(et.typtype, t.typtype) when 'b' then 'base' when 'e' then 'enum'
           when 'd' then 'domain' when 'c' then 'composite' when 'r' then 'range'
           when 'm' then 'multirange' when 'p' then 'pseudo' end as type_kind,
         t.typcategory = 'A' as is_array,
         t.typname as udt_name,
         case when t.typtype = 'd' then bt.typname end as domain_base_type,
         case when t.typtype = 'd' then btn.nspname end as domain_base_schema,
         t.typtype = 'd' and t.typnotnull as domain_not_null
  from pg_type t
  join pg_namespace tn on tn.oid = t.typnamespace
  left join pg_type et on t.typcategory = 'A' and et.oid = t.typelem
  left join pg_namespace etn on etn.oid = et.typnamespace
  left join pg_type bt on t.typtype = 'd' and bt.oid = t.typbasetype
  left join pg_namespace btn on btn.oid = bt.typnamespace
  where t.oid = a.atttypid offset 0
) ty
left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
left join pg_description ds on ds.objoid = a.attrelid and ds.classoid = 'pg_class'::regclass
  and ds.objsubid = a.attnum
where n.nspname = any(%(schemas)s)
  and (%(relations)s::text[] is null or (n.nspname || '.' || c.relname) = any(%(relations)s::text[]))
  and (%(relation_oids)s::oid[] is null or c.oid = any(%(relation_oids)s::oid[]))  -- relation_oids.sql
  and c.relkind in ('r', 'p', 'v', 'm', 'f')
  and a.attnum > 0 and not a.attisdropped
order by a.attrelid, a.attnum
