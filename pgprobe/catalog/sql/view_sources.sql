-- view_sources.sql: which base-table column each view column exposes, for the views and
-- materialized views of the expanded schemas (and of the asked relations, if any), followed
-- through views of views in any schema outside the system ones.
--
-- One row per (view column, base column); a base column exposed twice gives two rows.
-- Only plain column references count (PostgreSQL records them as resorigtbl/resorigcol in
-- the view's stored query tree); expressions, casts and aggregates carry no lineage. This
-- is the information PostgREST reads from pg_rewrite to give views the primary and
-- foreign keys of their base tables.
--
-- How: the stored query tree (pg_rewrite.ev_action, a pg_node_tree) is split into the few
-- tokens that matter: node braces, escaped characters (so braces inside names do not
-- count) and the resno/resorigtbl/resorigcol fields. The top-level query's target list
-- entries are the TARGETENTRY nodes at brace depth 2; entries of sub-queries sit deeper.
-- Then a recursive step replaces a source that is itself a view by that view's source.
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
    select c.oid as view_oid, r.ev_action::text as tree
    from needed v
    join pg_class c on c.oid = v.oid
    join pg_namespace n on n.oid = c.relnamespace
    join pg_rewrite r on r.ev_class = c.oid and r.rulename = '_RETURN'
    where n.nspname not in ('pg_catalog', 'information_schema')
      and n.nspname !~ '^pg_(toast|temp_)'
),
tokens as (
    select v.view_oid, t.ord, t.m[1] as tok
    from views v
    cross join lateral regexp_matches(
        v.tree, '(\\.|\{TARGETENTRY|\{|\}|:resno [0-9]+|:resorigtbl [0-9]+|:resorigcol [0-9]+)', 'g'
    ) with ordinality as t(m, ord)
),
depths as (
    select view_oid, ord, tok,
           sum(case when left(tok, 1) = '{' then 1 when tok = '}' then -1 else 0 end)
               over (partition by view_oid order by ord) as depth
    from tokens
    where not starts_with(tok, '\')
),
entry_fields as (
    -- fields of a top-level entry follow their {TARGETENTRY at the same depth
    select view_oid, tok,
           count(*) filter (where tok = '{TARGETENTRY')
               over (partition by view_oid order by ord) as entry
    from depths
    where depth = 2 and (tok = '{TARGETENTRY' or left(tok, 1) = ':')
),
entries as (
    select view_oid,
           max(split_part(tok, ' ', 2)::int) filter (where starts_with(tok, ':resno ')) as resno,
           max(split_part(tok, ' ', 2)::oid) filter (where starts_with(tok, ':resorigtbl ')) as src_oid,
           max(split_part(tok, ' ', 2)::int) filter (where starts_with(tok, ':resorigcol ')) as src_attnum
    from entry_fields
    where entry > 0
    group by view_oid, entry
),
direct as (
    select e.view_oid, e.resno, e.src_oid, e.src_attnum
    from entries e
    where e.src_oid is not null and e.src_oid <> 0 and e.src_attnum > 0
),
lineage (view_oid, resno, src_oid, src_attnum, path) as (
    select view_oid, resno, src_oid, src_attnum, array[view_oid]
    from direct
    union all
    select l.view_oid, l.resno, d.src_oid, d.src_attnum, l.path || d.view_oid
    from lineage l
    join direct d on d.view_oid = l.src_oid and d.resno = l.src_attnum
    where d.view_oid <> all (l.path)
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
  and l.view_oid in (select oid from asked)
order by view_schema, view_name, va.attnum, source_schema, source_table, sa.attnum
