-- bloat: estimated dead space in tables and btree indexes, from planner statistics
-- (pg_class.relpages/reltuples and pg_stats widths, as of the last ANALYZE). The expected
-- size packs reltuples rows of the average width (row header, null bitmap, 8-byte
-- alignment, line pointer) into pages at the relation's fillfactor; the rest is bloat.
-- Relations never analyzed have no estimate and are left out.
with const as (
  select current_setting('block_size')::int as bs
), tbl as (
  select c.oid, n.nspname, c.relname, c.reltuples, c.relpages, c.relnatts,
         coalesce((select o.option_value::int from pg_catalog.pg_options_to_table(c.reloptions) o
                   where o.option_name = 'fillfactor'), 100) as fillfactor
  from pg_catalog.pg_class c
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
  where c.relkind in ('r', 'm') and c.relpages > 0 and c.reltuples > 0
    and n.nspname <> 'information_schema' and n.nspname !~ '^pg_'
), widths as (
  select s.schemaname, s.tablename, s.attname, s.avg_width, s.null_frac
  from pg_catalog.pg_stats s
  where not s.inherited and s.schemaname <> 'information_schema' and s.schemaname !~ '^pg_'
), tbl_width as (
  select t.oid, sum((1 - w.null_frac) * w.avg_width) as data_width, bool_or(w.null_frac > 0) as nulls
  from tbl t
  join widths w on w.schemaname = t.nspname and w.tablename = t.relname
  group by t.oid
), tbl_est as (
  select t.oid, t.nspname, t.relname, t.relpages,
         ceil(t.reltuples / greatest(1, floor(
           (const.bs - 24) * t.fillfactor / 100.0
           / (8 * ceil((23 + case when tw.nulls then ceil(t.relnatts / 8.0) else 0 end) / 8.0)
              + 8 * ceil(tw.data_width / 8.0) + 4)))) as expected_pages
  from tbl t join tbl_width tw on tw.oid = t.oid, const
), idx as (
  select ic.oid, n.nspname, ic.relname, t.oid as table_oid, t.relname as table_name,
         ic.reltuples, ic.relpages, i.indkey,
         coalesce((select o.option_value::int from pg_catalog.pg_options_to_table(ic.reloptions) o
                   where o.option_name = 'fillfactor'), 90) as fillfactor
  from pg_catalog.pg_index i
  join pg_catalog.pg_class ic on ic.oid = i.indexrelid
  join pg_catalog.pg_class t on t.oid = i.indrelid
  join pg_catalog.pg_namespace n on n.oid = ic.relnamespace
  join pg_catalog.pg_am am on am.oid = ic.relam
  where am.amname = 'btree' and ic.relpages > 1 and ic.reltuples > 0
    and n.nspname <> 'information_schema' and n.nspname !~ '^pg_'
), idx_width as (
  -- key columns: their table column's average width; an expression counts 8 bytes
  select idx.oid, sum(coalesce(w.avg_width, 8)) as key_width, bool_and(w.avg_width is not null
                                                                       or k.attnum = 0) as known
  from idx
  cross join lateral unnest(idx.indkey::int2[]) as k(attnum)
  left join pg_catalog.pg_attribute a on a.attrelid = idx.table_oid and a.attnum = k.attnum
  left join widths w on w.schemaname = idx.nspname and w.tablename = idx.table_name
                    and w.attname = a.attname
  group by idx.oid
), idx_est as (
  select idx.oid, idx.nspname, idx.relname, idx.table_name, idx.relpages,
         1 + ceil(idx.reltuples / greatest(1, floor(
           (const.bs - 24 - 16) * idx.fillfactor / 100.0
           / (8 + 8 * ceil(iw.key_width / 8.0) + 4)))) as expected_pages
  from idx join idx_width iw on iw.oid = idx.oid and iw.known, const
), est as (
  select 'table' as kind, format('%I.%I', nspname, relname) as name,
         format('%I.%I', nspname, relname) as table_name, relpages, expected_pages
  from tbl_est
  union all
  select 'index', format('%I.%I', nspname, relname), format('%I.%I', nspname, table_name),
         relpages, expected_pages
  from idx_est
)
select est.kind,
       est.name,
       est.table_name as "table",
       est.relpages::bigint * const.bs as size_bytes,
       least(est.relpages, est.expected_pages)::bigint * const.bs as expected_bytes,
       greatest(0, est.relpages - est.expected_pages)::bigint * const.bs as bloat_bytes,
       round((100.0 * greatest(0, est.relpages - est.expected_pages) / est.relpages)::numeric,
             1)::float8 as bloat_pct
from est, const
order by bloat_bytes desc, est.name
