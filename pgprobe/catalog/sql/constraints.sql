-- Primary, unique, foreign, check and exclusion constraints. NOT NULL constraints (recorded in
-- pg_constraint since PostgreSQL 18) are left out: nullability lives on the column, so
-- snapshots of 15 and 18 compare equal. Column numbers are mapped to names by the reader
-- (it already holds every column of the expanded schemas); names are looked up here only for
-- referenced tables outside them.
select con.conrelid as oid,
       con.conname as name,
       con.contype as kind,
       con.conkey::int[] as attnums,
       case when not p.plain then pg_get_constraintdef(con.oid, true) end as definition,
       con.confrelid as ref_oid,
       fn.nspname as ref_schema,
       fc.relname as ref_table,
       con.confkey::int[] as ref_attnums,
       case when con.contype = 'f' and (%(relations)s::text[] is not null
                                   or not (fn.nspname = any(%(schemas)s))) then
         array(select a.attname from unnest(con.confkey) with ordinality k(attnum, i)
               join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k.attnum
               order by k.i) end as ref_columns,
       nullif(con.confupdtype, ' ') as on_update,
       nullif(con.confdeltype, ' ') as on_delete,
       nullif(con.confmatchtype, ' ') as match_type,
       con.condeferrable as deferrable,
       con.condeferred as initially_deferred,
       con.convalidated as validated,
       con.conparentid <> 0 as inherited,
       case when con.contype = 'f' then ki.indisprimary end as ref_primary
from pg_constraint con
join pg_class c on c.oid = con.conrelid
join pg_namespace n on n.oid = c.relnamespace
left join pg_class fc on fc.oid = con.confrelid
left join pg_namespace fn on fn.oid = fc.relnamespace
left join pg_index ki on ki.indexrelid = con.conindid
left join pg_class kc on kc.oid = con.conindid
-- A plain key comes without a definition: pgprobe writes it as pg_get_constraintdef does
-- (catalog/_deparse.py), which costs about 45 us per constraint on the server. Plain: not
-- deferrable, on a b-tree index (so no WITHOUT OVERLAPS or PERIOD), and a primary key or
-- unique key without INCLUDE or NULLS NOT DISTINCT (a column of PostgreSQL 15 on, read
-- through to_jsonb), or a validated (so enforced) MATCH SIMPLE foreign key whose ON DELETE
-- names no columns and whose referenced table is not in pg_catalog.
cross join lateral (
  select coalesce(not con.condeferrable and kc.relam = 403 and case
           when con.contype = 'p' then ki.indnatts = ki.indnkeyatts
           when con.contype = 'u' then ki.indnatts = ki.indnkeyatts
             and not coalesce((to_jsonb(ki) ->> 'indnullsnotdistinct')::bool, false)
           when con.contype = 'f' then con.convalidated and con.confmatchtype = 's'
             and con.confdeltype not in ('n', 'd')
             and fn.nspname <> 'pg_catalog' and fn.nspname !~ '^pg_temp_'
           else false end, false) as plain) p
where n.nspname = any(%(schemas)s)
  and (%(relations)s::text[] is null or (n.nspname || '.' || c.relname) = any(%(relations)s::text[]))
  and (%(relation_oids)s::oid[] is null or c.oid = any(%(relation_oids)s::oid[]))  -- relation_oids.sql
  and con.contype in ('p', 'u', 'f', 'c', 'x')
