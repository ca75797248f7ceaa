-- The relations each view or materialized view in %(oids)s reads (what its rewrite rule
-- depends on), one row per pair. A plain view (one relation, plain columns: see
-- catalog/_viewdef.py) reads only its base relation, which pgprobe takes from the view's tree;
-- this query runs after the pipelines for the other views only (34,600 plain views: 1 s of
-- server time saved at 68,000 relations).
select distinct c.oid, dn.nspname || '.' || dc.relname as depends_on
from pg_class c
join pg_rewrite rw on rw.ev_class = c.oid
join pg_depend d on d.classid = 'pg_rewrite'::regclass and d.objid = rw.oid
  and d.refclassid = 'pg_class'::regclass and d.deptype = 'n'
join pg_class dc on dc.oid = d.refobjid and dc.oid <> c.oid
join pg_namespace dn on dn.oid = dc.relnamespace
where c.oid = any(%(oids)s::oid[])
  and c.relkind in ('v', 'm')
order by 1, 2
