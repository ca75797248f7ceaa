-- Whether each column of the expanded schemas' foreign tables can be written through them,
-- as postgres-meta decides: PostgreSQL says the column is updatable, or an INSTEAD OF
-- INSERT/UPDATE trigger or an unconditional INSTEAD rule makes the relation writable. Views'
-- columns are decided in Python from their stored trees (pgprobe/catalog/_updatable.py), or
-- by view_updatable.sql when those do not decide.
select a.attrelid as oid,
       a.attnum as position,
       pg_column_is_updatable(a.attrelid, a.attnum, false)
       or w.writable as updatable
from pg_attribute a
join pg_class c on c.oid = a.attrelid
join pg_namespace n on n.oid = c.relnamespace
cross join lateral (
  select exists (select 1 from pg_trigger tg where tg.tgrelid = c.oid
                 and tg.tgtype & 64 <> 0 and tg.tgtype & 20 <> 0 and not tg.tgisinternal)
         or exists (select 1 from pg_rewrite rw where rw.ev_class = c.oid and rw.is_instead
                    and rw.ev_type in ('2', '3') and rw.ev_qual::text = '<>') as writable
) w
where n.nspname = any(%(schemas)s)
  and (%(relations)s::text[] is null or (n.nspname || '.' || c.relname) = any(%(relations)s::text[]))
  and (%(relation_oids)s::oid[] is null or c.oid = any(%(relation_oids)s::oid[]))  -- relation_oids.sql
  and c.relkind = 'f'
  and a.attnum > 0 and not a.attisdropped
