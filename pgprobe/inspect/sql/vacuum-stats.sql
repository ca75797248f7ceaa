-- vacuum-stats: per table, the last (auto)vacuum and (auto)analyze, live and dead rows, and
-- whether autovacuum is due (dead rows over its threshold, with per-table settings).
with settings as (
  select c.oid,
         coalesce((select o.option_value::float8 from pg_catalog.pg_options_to_table(c.reloptions) o
                   where o.option_name = 'autovacuum_vacuum_threshold'),
                  current_setting('autovacuum_vacuum_threshold')::float8) as vac_base,
         coalesce((select o.option_value::float8 from pg_catalog.pg_options_to_table(c.reloptions) o
                   where o.option_name = 'autovacuum_vacuum_scale_factor'),
                  current_setting('autovacuum_vacuum_scale_factor')::float8) as vac_scale,
         coalesce((select o.option_value::bool from pg_catalog.pg_options_to_table(c.reloptions) o
                   where o.option_name = 'autovacuum_enabled'), true) as autovacuum_enabled
  from pg_catalog.pg_class c
  where c.relkind in ('r', 'm')
)
select format('%I.%I', s.schemaname, s.relname) as "table",
       s.last_vacuum,
       s.last_autovacuum,
       s.last_analyze,
       s.last_autoanalyze,
       s.n_live_tup as live_rows,
       s.n_dead_tup as dead_rows,
       round((100.0 * s.n_dead_tup / nullif(s.n_live_tup + s.n_dead_tup, 0))::numeric, 1)::float8
         as dead_pct,
       (st.vac_base + st.vac_scale * greatest(c.reltuples, 0))::bigint as autovacuum_threshold,
       st.autovacuum_enabled and s.n_dead_tup > st.vac_base + st.vac_scale * greatest(c.reltuples, 0)
         as autovacuum_due,
       pg_catalog.age(c.relfrozenxid) as xid_age
from pg_catalog.pg_stat_user_tables s
join pg_catalog.pg_class c on c.oid = s.relid
join settings st on st.oid = s.relid
order by s.n_dead_tup desc, "table"
