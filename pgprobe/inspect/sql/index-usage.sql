-- index-usage: per table, how often scans used an index rather than reading the whole table.
select format('%I.%I', s.schemaname, s.relname) as "table",
       s.seq_scan,
       coalesce(s.idx_scan, 0) as idx_scan,
       round((100.0 * coalesce(s.idx_scan, 0)
              / nullif(s.seq_scan + coalesce(s.idx_scan, 0), 0))::numeric, 1)::float8
         as index_use_pct,
       s.n_live_tup as rows_estimate
from pg_catalog.pg_stat_user_tables s
order by s.seq_scan + coalesce(s.idx_scan, 0) desc, s.n_live_tup desc, "table"
