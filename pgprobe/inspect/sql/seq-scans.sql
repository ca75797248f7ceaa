-- seq-scans: tables read by sequential scans, most rows read that way first.
select format('%I.%I', s.schemaname, s.relname) as "table",
       s.seq_scan,
       s.seq_tup_read,
       coalesce(s.idx_scan, 0) as idx_scan,
       s.n_live_tup as rows_estimate
from pg_catalog.pg_stat_user_tables s
where s.seq_scan > 0
order by s.seq_tup_read desc, s.seq_scan desc, "table"
