-- view_sources.sql: the names pgprobe needs to state which base-table column each view
-- column exposes: for each relation in %(oids)s (the asked views and the relations their
-- columns come from), its schema, name, whether it is a view or materialized view, and its
-- column names by number (element n is column n; null for a dropped column).
--
-- The lineage itself (view column number -> source relation and column number) is read by
-- pgprobe/catalog/_lineage.py from the trees of view_trees.sql and followed through views
-- of views there. Only plain column references count (PostgreSQL records them as
-- resorigtbl/resorigcol in the view's stored query tree); expressions, casts and aggregates
-- carry no lineage. This is the information PostgREST reads from pg_rewrite to give views
-- the primary and foreign keys of their base tables. Naming per relation rather than per
-- (view column, source column) pair: the pair join took 9 s at 68,000 relations.
select c.oid,
       n.nspname as schema,
       c.relname as name,
       c.relkind in ('v', 'm') as is_view,
       array(select case when not a.attisdropped then a.attname::text end
             from pg_attribute a
             where a.attrelid = c.oid and a.attnum > 0
             order by a.attnum) as columns
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
where c.oid = any(%(oids)s::oid[])
