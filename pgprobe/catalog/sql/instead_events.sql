-- instead_events.sql: the relations of the whole database with unconditional INSTEAD rules
-- or INSTEAD OF triggers (a handful), for view updatability decided in Python
-- (pgprobe/catalog/_updatable.py) without opening any view:
--   rule_events     the events (1 << ev_type: 4 UPDATE, 8 INSERT, 16 DELETE) of its
--                   unconditional INSTEAD rules, as relation_is_updatable reads the rule lock
--   trigger_events  the same events of its INSTEAD OF row triggers (the relation cache's
--                   trig_*_instead_row flags)
--   writable        postgres-meta's "an INSTEAD OF INSERT/UPDATE trigger or an unconditional
--                   INSTEAD INSERT/UPDATE rule" (see view_columns_updatable.sql)
-- Read after the views' trees, for the views in %(oids)s (the asked ones and those they
-- read through), through the catalogs' indexes: a scan of pg_trigger costs 30 ms at 20,000
-- tables, most of a one-tenant snapshot's budget.
with rules as (
    select rw.ev_class as oid, bit_or(1 << rw.ev_type::text::int) & 28 as events
    from pg_rewrite rw
    -- ev_type first: the cheap test, ahead of reading each qual
    where rw.ev_class = any(%(oids)s::oid[])
      and rw.ev_type <> '1' and rw.is_instead and rw.ev_qual::text = '<>'
    group by rw.ev_class
),
triggers as (
    -- INSTEAD OF (64, and not BEFORE 2) row (1) triggers; INSERT 4, DELETE 8, UPDATE 16
    select tg.tgrelid as oid,
           bit_or(case when tg.tgtype & 67 = 65 then
                    (case when tg.tgtype & 4 <> 0 then 8 else 0 end)
                    | (case when tg.tgtype & 16 <> 0 then 4 else 0 end)
                    | (case when tg.tgtype & 8 <> 0 then 16 else 0 end)
                  else 0 end) as events,
           bool_or(tg.tgtype & 20 <> 0 and not tg.tgisinternal) as writable
    from pg_trigger tg
    where tg.tgrelid = any(%(oids)s::oid[]) and tg.tgtype & 64 <> 0
    group by tg.tgrelid
)
select coalesce(ru.oid, tr.oid) as oid,
       coalesce(ru.events, 0) as rule_events,
       coalesce(tr.events, 0) as trigger_events,
       coalesce(tr.writable, false) or coalesce(ru.events & 12 <> 0, false) as writable
from rules ru
full join triggers tr on tr.oid = ru.oid
