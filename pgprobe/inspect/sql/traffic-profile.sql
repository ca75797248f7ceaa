-- traffic-profile: per table, blocks read against blocks written (estimated from written
-- rows), and whether it is read-heavy or write-heavy (ratio 5:1 either way).
with io as (
  select s.schemaname, s.relname,
         si.heap_blks_read + coalesce(si.idx_blks_read, 0) as blocks_read,
         s.n_tup_ins + s.n_tup_upd + s.n_tup_del as rows_written,
         c.relpages * (s.n_tup_ins + s.n_tup_upd + s.n_tup_del)
           / greatest(c.reltuples, 1) as blocks_written
  from pg_catalog.pg_stat_user_tables s
  join pg_catalog.pg_statio_user_tables si on si.relid = s.relid
  join pg_catalog.pg_class c on c.oid = s.relid
  where s.n_tup_ins + s.n_tup_upd + s.n_tup_del > 0
     or si.heap_blks_read + coalesce(si.idx_blks_read, 0) > 0
)
select format('%I.%I', schemaname, relname) as "table",
       blocks_read,
       rows_written,
       round(blocks_written::numeric, 1)::float8 as blocks_written,
       case when blocks_written * 5 < blocks_read then 'read-heavy'
            when blocks_read * 5 < blocks_written then 'write-heavy'
            else 'balanced' end as profile
from io
order by blocks_read + blocks_written desc, "table"
