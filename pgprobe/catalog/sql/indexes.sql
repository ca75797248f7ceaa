-- Indexes with their definition, key columns and partial predicate. Key columns come as
-- column numbers (the reader maps them to names); expressions (number 0) as their text.
-- A plain b-tree index (no expression, predicate, INCLUDE, options, ordering or NULLS NOT
-- DISTINCT, each column in its own collation) comes without a definition but with its
-- operator classes: pgprobe writes it (catalog/_deparse.py), or asks pg_get_indexdef when
-- they are not the column types' defaults. pg_get_indexdef costs about 75 us per index.
select i.indrelid as oid,
       ic.relname as name,
       i.indkey::int2[]::int[] as attnums,
       case when 0 = any(i.indkey::int2[]) then
         array(select pg_get_indexdef(i.indexrelid, k, true)
               from generate_series(1, i.indnkeyatts) k order by k) end as expressions,
       i.indnkeyatts as nkeys,
       case when not p.plain then pg_get_indexdef(i.indexrelid) end as definition,
       i.indisunique as unique,
       i.indisprimary as primary,
       pg_get_expr(i.indpred, i.indrelid, true) as predicate,
       am.amname as method,
       i.indisvalid as valid,
       i.indexrelid as index_oid,
       case when p.plain then i.indclass::oid[] end as opclasses,
       n.nspname as schema,
       c.relname as table_name
from pg_index i
join pg_class ic on ic.oid = i.indexrelid
join pg_class c on c.oid = i.indrelid
join pg_namespace n on n.oid = c.relnamespace
join pg_am am on am.oid = ic.relam
cross join lateral (
  select coalesce(am.amname = 'btree' and ic.relkind = 'i' and c.relkind in ('r', 'm')
         and i.indexprs is null and i.indpred is null and ic.reloptions is null
         and i.indnatts = i.indnkeyatts and 0 = all(i.indoption::int2[])
         -- indnullsnotdistinct exists from PostgreSQL 15 on
         and not (i.indisunique and not i.indisprimary
                  and coalesce((to_jsonb(i) ->> 'indnullsnotdistinct')::bool, false))
         -- pg_get_indexdef names a collation that is not the column's
         and (0 = all(i.indcollation::oid[]) or (
               select bool_and(k.coll = a.attcollation)
               from unnest(i.indkey::int2[], i.indcollation::oid[]) k(attnum, coll)
               join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum)), false)
         as plain) p
where n.nspname = any(%(schemas)s)
  and (%(relations)s::text[] is null or (n.nspname || '.' || c.relname) = any(%(relations)s::text[]))
  and (%(relation_oids)s::oid[] is null or c.oid = any(%(relation_oids)s::oid[]))  -- relation_oids.sql
