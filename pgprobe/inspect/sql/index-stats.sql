-- index-stats: every index with its size, scans, its table's sequential scans, the share of
-- the table's scans that used it, and whether it was never used (supabase's index-stats).
select format('%I.%I', s.schemaname, s.indexrelname) as name,
       format('%I.%I', s.schemaname, s.relname) as "table",
       pg_catalog.pg_relation_size(s.indexrelid) as size_bytes,
       s.idx_scan,
       t.seq_scan,
       round((100.0 * s.idx_scan / nullif(t.seq_scan + s.idx_scan, 0))::numeric, 1)::float8
         as used_pct,
       s.idx_scan = 0 as unused
from pg_catalog.pg_stat_user_indexes s
join pg_catalog.pg_stat_user_tables t on t.relid = s.relid
order by size_bytes desc, name
