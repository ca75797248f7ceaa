-- index-sizes: indexes of this database, biggest first.
select format('%I.%I', n.nspname, ic.relname) as name,
       format('%I.%I', n.nspname, t.relname) as "table",
       am.amname as method,
       pg_catalog.pg_relation_size(ic.oid) as size_bytes
from pg_catalog.pg_index i
join pg_catalog.pg_class ic on ic.oid = i.indexrelid
join pg_catalog.pg_class t on t.oid = i.indrelid
join pg_catalog.pg_namespace n on n.oid = ic.relnamespace
join pg_catalog.pg_am am on am.oid = ic.relam
where n.nspname <> 'information_schema' and n.nspname !~ '^pg_'
order by size_bytes desc, name
