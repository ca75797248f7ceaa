-- User triggers (internal ones, e.g. for FKs, are left out).
select t.tgrelid as oid,
       t.tgname as name,
       t.tgtype::int as tgtype,
       pn.nspname || '.' || p.proname as function,
       pg_get_triggerdef(t.oid, true) as definition,
       t.tgenabled as enabled
from pg_trigger t
join pg_class c on c.oid = t.tgrelid
join pg_namespace n on n.oid = c.relnamespace
join pg_proc p on p.oid = t.tgfoid
join pg_namespace pn on pn.oid = p.pronamespace
where n.nspname = any(%(schemas)s)
  and (%(relations)s::text[] is null or (n.nspname || '.' || c.relname) = any(%(relations)s::text[]))
  and (%(relation_oids)s::oid[] is null or c.oid = any(%(relation_oids)s::oid[]))  -- relation_oids.sql
  and not t.tgisinternal
