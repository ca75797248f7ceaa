-- xid-age: per table, how old its oldest unfrozen transaction id and multixact are, and how
-- close that is to autovacuum_freeze_max_age (the forced anti-wraparound vacuum).
select format('%I.%I', n.nspname, c.relname) as "table",
       pg_catalog.age(c.relfrozenxid) as xid_age,
       pg_catalog.mxid_age(c.relminmxid) as mxid_age,
       round((100.0 * pg_catalog.age(c.relfrozenxid)
              / current_setting('autovacuum_freeze_max_age')::float8)::numeric, 1)::float8
         as freeze_max_age_pct,
       s.last_autovacuum,
       s.last_vacuum
from pg_catalog.pg_class c
join pg_catalog.pg_namespace n on n.oid = c.relnamespace
left join pg_catalog.pg_stat_all_tables s on s.relid = c.oid
where c.relkind in ('r', 'm')
  and n.nspname <> 'information_schema' and n.nspname !~ '^pg_'
order by xid_age desc, "table"
