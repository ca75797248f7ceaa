-- table-sizes: tables and materialized views of this database, biggest first (heap with
-- TOAST, free-space and visibility maps; their indexes; the total).
select format('%I.%I', n.nspname, c.relname) as name,
       case c.relkind when 'r' then 'table' when 'm' then 'materialized view'
                      when 'p' then 'partitioned table' end as kind,
       greatest(c.reltuples, 0)::bigint as rows_estimate,
       pg_catalog.pg_table_size(c.oid) as table_bytes,
       pg_catalog.pg_indexes_size(c.oid) as index_bytes,
       pg_catalog.pg_total_relation_size(c.oid) as total_bytes
from pg_catalog.pg_class c
join pg_catalog.pg_namespace n on n.oid = c.relnamespace
where c.relkind in ('r', 'm', 'p')
  and n.nspname <> 'information_schema' and n.nspname !~ '^pg_'
order by total_bytes desc, name
