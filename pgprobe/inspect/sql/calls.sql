-- calls: the statements of this database run most often (pg_stat_statements in {pgss}).
select s.query,
       s.calls,
       s.total_exec_time as total_ms,
       s.mean_exec_time as mean_ms,
       (100 * s.calls / nullif(sum(s.calls) over (), 0))::float8 as share_pct,
       s.rows,
       (coalesce((to_jsonb(s) ->> 'shared_blk_read_time')::float8,
                 (to_jsonb(s) ->> 'blk_read_time')::float8, 0)
        + coalesce((to_jsonb(s) ->> 'shared_blk_write_time')::float8,
                   (to_jsonb(s) ->> 'blk_write_time')::float8, 0)) as io_ms,
       r.rolname as role
from {pgss}.pg_stat_statements s
left join pg_catalog.pg_roles r on r.oid = s.userid
where s.dbid = (select oid from pg_catalog.pg_database where datname = current_database())
order by s.calls desc
limit 20
