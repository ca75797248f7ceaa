-- Indexes with their definition, key columns and partial predicate. Key columns come as
-- column numbers (the reader maps them to names); expressions (number 0) as their text.
select i.indrelid as oid,
       ic.relname as name,
       i.indkey::int2[]::int[] as attnums,
       case when 0 = any(i.indkey::int2[]) then
         array(select pg_get_indexdef(i.indexrelid, k, true)
               from generate_series(1, i.indnkeyatts) k order by k) end as expressions,
       i.indnkeyatts as nkeys,
       pg_get_indexdef(i.indexrelid) as definition,
       i.indisunique as unique,
       i.indisprimary as primary,
       pg_get_expr(i.indpred, i.indrelid, true) as predicate,
       am.amname as method,
       i.indisvalid as valid
from pg_index i
join pg_class ic on ic.oid = i.indexrelid
join pg_class c on c.oid = i.indrelid
join pg_namespace n on n.oid = c.relnamespace
join pg_am am on am.oid = ic.relam
where n.nspname = any(%(schemas)s)
  and (%(relations)s::text[] is null or (n.nspname || '.' || c.relname) = any(%(relations)s::text[]))
  and (%(relation_oids)s::oid[] is null or c.oid = any(%(relation_oids)s::oid[]))  -- relation_oids.sql
