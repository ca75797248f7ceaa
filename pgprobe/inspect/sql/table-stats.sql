-- table-stats: per table its size, index size, total, estimated rows and sequential scans
-- (supabase's table-stats; also its table-record-counts and total-table-sizes).
select format('%I.%I', s.schemaname, s.relname) as name,
       pg_catalog.pg_table_size(s.relid) as table_bytes,
       pg_catalog.pg_indexes_size(s.relid) as index_bytes,
       pg_catalog.pg_total_relation_size(s.relid) as total_bytes,
       s.n_live_tup as rows_estimate,
       s.seq_scan
from pg_catalog.pg_stat_user_tables s
order by total_bytes desc, name
