-- cache-hit: share of table and index block reads served from shared buffers, this database
-- (user tables and their indexes; the statistics functions called directly, as the
-- pg_statio_user_* views compute many more counters per row).
with rels as (
  select c.oid, c.relkind
  from pg_catalog.pg_class c
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
  where c.relkind in ('r', 'm', 'i')
    and n.nspname <> 'information_schema' and n.nspname !~ '^pg_'
), blocks as (
  select case when relkind = 'i' then 'index' else 'table' end as kind,
         pg_catalog.pg_stat_get_blocks_hit(oid) as hits,
         pg_catalog.pg_stat_get_blocks_fetched(oid) - pg_catalog.pg_stat_get_blocks_hit(oid)
           as reads
  from rels
)
select k.kind,
       coalesce(sum(b.hits), 0)::bigint as hits,
       coalesce(sum(b.reads), 0)::bigint as reads,
       (sum(b.hits)::numeric / nullif(sum(b.hits + b.reads), 0))::float8 as ratio
from (values ('index'), ('table')) as k(kind)
left join blocks b on b.kind = k.kind
group by k.kind
order by k.kind
