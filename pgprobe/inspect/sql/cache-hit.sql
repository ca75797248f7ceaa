-- cache-hit: share of table and index block reads served from shared buffers, this database.
select 'index' as kind,
       coalesce(sum(idx_blks_hit), 0)::bigint as hits,
       coalesce(sum(idx_blks_read), 0)::bigint as reads,
       (sum(idx_blks_hit) / nullif(sum(idx_blks_hit + idx_blks_read), 0))::float8 as ratio
from pg_catalog.pg_statio_user_indexes
union all
select 'table',
       coalesce(sum(heap_blks_hit), 0)::bigint,
       coalesce(sum(heap_blks_read), 0)::bigint,
       (sum(heap_blks_hit) / nullif(sum(heap_blks_hit + heap_blks_read), 0))::float8
from pg_catalog.pg_statio_user_tables
