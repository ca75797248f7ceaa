-- view_sources.sql: which base-table column each view column exposes, by name.
--
-- One row per (view column, base column); a base column exposed twice gives two rows.
-- Only plain column references count (PostgreSQL records them as resorigtbl/resorigcol in
-- the view's stored query tree); expressions, casts and aggregates carry no lineage. This
-- is the information PostgREST reads from pg_rewrite to give views the primary and
-- foreign keys of their base tables.
--
-- The input is the lineage pgprobe/catalog/_lineage.py reads from the trees of
-- view_trees.sql, already followed through views of views: four parallel arrays, one
-- element per (view oid, view column number, source relation oid, source column number).
-- Sources that are still views or materialized views (a column with no plain base) drop.
-- Unordered: the reader sorts each view's sources (sorting every row here spilled to disk).
with lineage (view_oid, resno, src_oid, src_attnum) as (
    select * from unnest(%(view_oids)s::oid[], %(resnos)s::int[], %(src_oids)s::oid[],
                         %(src_attnums)s::int[])
)
select
    vn.nspname as view_schema,
    vc.relname as view_name,
    va.attname as view_column,
    sn.nspname as source_schema,
    sc.relname as source_table,
    sa.attname as source_column
from lineage l
join pg_class vc on vc.oid = l.view_oid
join pg_namespace vn on vn.oid = vc.relnamespace
join pg_attribute va on va.attrelid = l.view_oid and va.attnum = l.resno and not va.attisdropped
join pg_class sc on sc.oid = l.src_oid
join pg_namespace sn on sn.oid = sc.relnamespace
join pg_attribute sa on sa.attrelid = l.src_oid and sa.attnum = l.src_attnum and not sa.attisdropped
where sc.relkind not in ('v', 'm')
