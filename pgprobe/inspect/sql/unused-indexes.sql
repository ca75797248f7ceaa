-- unused-indexes: indexes never scanned since the statistics were reset, that enforce no
-- constraint (not unique, not a primary key, not an exclusion constraint), biggest first.
-- The cost they add: every insert/update/delete on their table maintains them.
select format('%I.%I', s.schemaname, s.indexrelname) as name,
       format('%I.%I', s.schemaname, s.relname) as "table",
       s.idx_scan,
       pg_catalog.pg_relation_size(s.indexrelid) as size_bytes,
       t.n_tup_ins + t.n_tup_upd + t.n_tup_del as table_writes,
       pg_catalog.pg_get_indexdef(s.indexrelid) as definition
from pg_catalog.pg_stat_user_indexes s
join pg_catalog.pg_index i on i.indexrelid = s.indexrelid
join pg_catalog.pg_stat_user_tables t on t.relid = s.relid
where s.idx_scan = 0
  and not i.indisunique and not i.indisprimary and not i.indisexclusion
  and not exists (select 1 from pg_catalog.pg_constraint k where k.conindid = s.indexrelid)
order by size_bytes desc, name
