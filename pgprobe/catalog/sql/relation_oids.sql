-- The oids of the expanded schemas' relations when those schemas are a small part of the
-- database (fewer than a tenth of pg_class's rows), else null. Found through pg_depend's index
-- on the referenced schema (every relation records a dependency on its schema), at a cost
-- proportional to what is asked; the other queries then reach their relations by oid instead
-- of scanning all of pg_class once each. The search stops at that tenth, so it costs little
-- whatever the answer; a pg_class never analyzed gives null (scan as usual).
with tenth as (
    select greatest(c.reltuples, 0)::bigint / 10 as n from pg_class c
    where c.oid = 'pg_class'::regclass
),
found as (
    select d.objid
    from pg_depend d
    where d.refclassid = 'pg_namespace'::regclass
      and d.refobjid in (select oid from pg_namespace where nspname = any(%(schemas)s))
      and d.classid = 'pg_class'::regclass
    limit (select n from tenth)
)
select case when (select count(*) from found) < (select n from tenth)
            then array(select distinct objid from found order by 1) end as relation_oids
