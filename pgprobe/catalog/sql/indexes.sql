-- Indexes with their definition, key columns (or expressions) and partial predicate.
select i.indrelid as oid,
       ic.relname as name,
       array(select pg_get_indexdef(i.indexrelid, k, true)
             from generate_series(1, i.indnkeyatts) k order by k) as columns,
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
