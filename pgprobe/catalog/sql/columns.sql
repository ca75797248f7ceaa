-- Columns of the expanded schemas' relations, with display and base types. After `oid`, the
-- output columns are named and shaped exactly as pgprobe's Column model.
select a.attrelid as oid,
       a.attname as name,
       a.attnum as position,
       format_type(a.atttypid, a.atttypmod) as type,
       coalesce(et.typname, t.typname) as base_type,
       coalesce(etn.nspname, tn.nspname) as type_schema,
       case coalesce(et.typtype, t.typtype) when 'b' then 'base' when 'e' then 'enum'
         when 'd' then 'domain' when 'c' then 'composite' when 'r' then 'range'
         when 'm' then 'multirange' when 'p' then 'pseudo' end as type_kind,
       case when t.typcategory = 'A' then greatest(a.attndims, 1) else 0 end as array_dims,
       not a.attnotnull as nullable,
       case when a.attgenerated = '' then pg_get_expr(d.adbin, d.adrelid) end as "default",
       case a.attidentity when 'a' then 'always' when 'd' then 'by_default' end as identity,
       case when a.attgenerated <> '' then pg_get_expr(d.adbin, d.adrelid) end as generated,
       ds.description as comment,
       t.typname as udt_name,
       case when c.relkind in ('r', 'p') then true
            when c.relkind in ('v', 'f') then
              pg_column_is_updatable(a.attrelid, a.attnum, false)
              or exists (select 1 from pg_trigger tg where tg.tgrelid = c.oid
                         and tg.tgtype & 64 <> 0 and tg.tgtype & 20 <> 0 and not tg.tgisinternal)
              or exists (select 1 from pg_rewrite rw where rw.ev_class = c.oid and rw.is_instead
                         and rw.ev_type in ('2', '3') and rw.ev_qual::text = '<>')
            else false end as updatable,
       case when t.typtype = 'd' then bt.typname end as domain_base_type,
       case when t.typtype = 'd' then btn.nspname end as domain_base_schema,
       t.typtype = 'd' and t.typnotnull as domain_not_null
from pg_attribute a
join pg_class c on c.oid = a.attrelid
join pg_namespace n on n.oid = c.relnamespace
join pg_type t on t.oid = a.atttypid
join pg_namespace tn on tn.oid = t.typnamespace
left join pg_type et on t.typcategory = 'A' and et.oid = t.typelem
left join pg_namespace etn on etn.oid = et.typnamespace
left join pg_type bt on t.typtype = 'd' and bt.oid = t.typbasetype
left join pg_namespace btn on btn.oid = bt.typnamespace
left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
left join pg_description ds on ds.objoid = a.attrelid and ds.classoid = 'pg_class'::regclass
  and ds.objsubid = a.attnum
where n.nspname = any(%(schemas)s)
  and (%(relations)s::text[] is null or (n.nspname || '.' || c.relname) = any(%(relations)s::text[]))
  and (%(relation_oids)s::oid[] is null or c.oid = any(%(relation_oids)s::oid[]))  -- relation_oids.sql
  and c.relkind in ('r', 'p', 'v', 'm', 'f')
  and a.attnum > 0 and not a.attisdropped
order by a.attrelid, a.attnum
