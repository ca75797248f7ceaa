-- view_trees.sql: the stored query trees (pg_rewrite.ev_action of the _RETURN rule) of the
-- views and materialized views of the expanded schemas (and of the asked relations, if any),
-- and of every view they read from, followed through views of views in any schema outside
-- the system ones. `asked` tells the views the snapshot shows from those only read through.
--
-- pgprobe reads which base-table column each view column exposes from these trees in Python
-- (pgprobe/catalog/_lineage.py: the resorigtbl/resorigcol fields of the top-level target
-- list, the information PostgREST reads from pg_rewrite), then names them with
-- view_sources.sql. Tokenizing the trees with regexp_matches here cost 44 s at 68,000
-- relations; the same scan in Python takes about a second.
with recursive
asked as (
    select c.oid
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
    where c.relkind in ('v', 'm')
      and n.nspname = any(%(schemas)s)
      and (%(relations)s::text[] is null or (n.nspname || '.' || c.relname) = any(%(relations)s::text[]))
      and (%(relation_oids)s::oid[] is null or c.oid = any(%(relation_oids)s::oid[]))  -- relation_oids.sql
),
needed (oid) as (
    -- the asked views and every view they read from (a view's rule depends on what it reads).
    -- What one view reads is looked up per view, through the indexes: a join here let the
    -- planner compare every view's dependencies with every view found (quadratic).
    select oid from asked
    union
    select dc.oid
    from needed v
    join pg_class dc on dc.oid = any(array(
        select d.refobjid
        from pg_rewrite rw
        join pg_depend d on d.classid = 'pg_rewrite'::regclass and d.objid = rw.oid
          and d.refclassid = 'pg_class'::regclass
        where rw.ev_class = v.oid and d.refobjid <> v.oid))
    where dc.relkind in ('v', 'm')
),
views as (
    select c.oid as view_oid, c.relkind, r.ev_action::text as tree
    from needed v
    join pg_class c on c.oid = v.oid
    join pg_namespace n on n.oid = c.relnamespace
    join pg_rewrite r on r.ev_class = c.oid and r.rulename = '_RETURN'
    where n.nspname not in ('pg_catalog', 'information_schema')
      and n.nspname !~ '^pg_(toast|temp_)'
)
-- relkind: for updatability (pgprobe/catalog/_updatable.py, with instead_events.sql)
select v.view_oid, v.view_oid in (select oid from asked) as asked, v.tree, v.relkind
from views v
order by v.view_oid
