-- view_updatable.sql: the server's own answers for the views (and materialized views)
-- pgprobe could not decide from their stored trees (pgprobe/catalog/_updatable.py), or for
-- every view when the trees were not read: the events PostgreSQL allows through each one
-- (pg_relation_is_updatable, triggers included), and the columns that can be written
-- through it as view_columns_updatable.sql decides (pg_column_is_updatable, or an INSTEAD
-- OF INSERT/UPDATE trigger or unconditional INSTEAD INSERT/UPDATE rule on the relation).
select c.oid,
       pg_relation_is_updatable(c.oid, true) as updatable_events,
       array(select a.attnum
             from pg_attribute a
             where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
               and (w.writable or pg_column_is_updatable(a.attrelid, a.attnum, false))
             order by a.attnum) as updatable_columns
from pg_class c
cross join lateral (
  select exists (select 1 from pg_trigger tg where tg.tgrelid = c.oid
                 and tg.tgtype & 64 <> 0 and tg.tgtype & 20 <> 0 and not tg.tgisinternal)
         or exists (select 1 from pg_rewrite rw where rw.ev_class = c.oid and rw.is_instead
                    and rw.ev_type in ('2', '3') and rw.ev_qual::text = '<>') as writable
) w
where c.oid = any(%(oids)s::oid[])
