-- One md5 per relation of the given schemas over everything a Snapshot's Relation holds
-- (columns, constraints, indexes, triggers, policies, grants, rules, RLS, comments, owner,
-- view definition, partition bound). Equal fingerprints on two databases mean equal
-- relations, so `pgprobe diff DSN_A DSN_B` reads details only for relations whose
-- fingerprints differ. Set-based: one grouped pass per object kind.
-- Parameters: %(schemas)s text[] (null: every schema except pg_*, information_schema and
-- %(excluded)s text[]).
with rels as (
  select c.oid, n.nspname, c.relname, c.relkind, c.relrowsecurity, c.relforcerowsecurity,
         c.relacl, c.relowner, c.relispartition, c.relpartbound
  from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where c.relkind in ('r', 'p', 'v', 'm', 'f')
    and (n.nspname = any(%(schemas)s::text[])
         or (%(schemas)s::text[] is null and n.nspname not like 'pg\_%%'
             and n.nspname <> 'information_schema' and n.nspname <> all(%(excluded)s::text[])))
),
cols as (
  select a.attrelid as oid,
         string_agg(concat_ws(E'\x1e', a.attnum, a.attname, format_type(a.atttypid, a.atttypmod),
                              a.attnotnull, ty.typtype, a.attndims, a.attidentity, a.attgenerated,
                              pg_get_expr(d.adbin, d.adrelid), a.attacl::text, ad.description),
                    E'\x1d' order by a.attnum) as fp
  from rels r
  join pg_attribute a on a.attrelid = r.oid and a.attnum > 0 and not a.attisdropped
  join pg_type ty on ty.oid = a.atttypid
  left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
  left join pg_description ad on ad.objoid = a.attrelid and ad.objsubid = a.attnum
                             and ad.classoid = 'pg_class'::regclass
  group by a.attrelid
),
cons as (
  select co.conrelid as oid,
         string_agg(concat_ws(E'\x1e', co.conname, pg_get_constraintdef(co.oid), co.convalidated),
                    E'\x1d' order by co.conname) as fp
  from rels r join pg_constraint co on co.conrelid = r.oid group by co.conrelid
),
idx as (
  select i.indrelid as oid,
         string_agg(concat_ws(E'\x1e', pg_get_indexdef(i.indexrelid), i.indisvalid),
                    E'\x1d' order by ic.relname) as fp
  from rels r join pg_index i on i.indrelid = r.oid join pg_class ic on ic.oid = i.indexrelid
  group by i.indrelid
),
trg as (
  select t.tgrelid as oid,
         string_agg(concat_ws(E'\x1e', pg_get_triggerdef(t.oid), t.tgenabled),
                    E'\x1d' order by t.tgname) as fp
  from rels r join pg_trigger t on t.tgrelid = r.oid and not t.tgisinternal group by t.tgrelid
),
pol as (
  select p.polrelid as oid,
         string_agg(concat_ws(E'\x1e', p.polname, p.polcmd, p.polpermissive,
                              p.polroles::regrole[]::text, pg_get_expr(p.polqual, p.polrelid),
                              pg_get_expr(p.polwithcheck, p.polrelid)),
                    E'\x1d' order by p.polname) as fp
  from rels r join pg_policy p on p.polrelid = r.oid group by p.polrelid
),
rul as (
  select rw.ev_class as oid,
         string_agg(concat_ws(E'\x1e', rw.rulename, rw.ev_type, rw.is_instead,
                              pg_get_ruledef(rw.oid)), E'\x1d' order by rw.rulename) as fp
  from rels r join pg_rewrite rw on rw.ev_class = r.oid group by rw.ev_class
)
select r.oid, r.nspname as schema, r.relname as name,
       md5(concat_ws(E'\x1f', r.relkind, r.relrowsecurity, r.relforcerowsecurity, r.relacl::text,
                     pg_get_userbyid(r.relowner), rd.description,
                     case when r.relkind in ('v', 'm') then pg_get_viewdef(r.oid, true) end,
                     case when r.relispartition then pg_get_expr(r.relpartbound, r.oid) end,
                     cols.fp, cons.fp, idx.fp, trg.fp, pol.fp, rul.fp)) as fingerprint
from rels r
left join pg_description rd on rd.objoid = r.oid and rd.classoid = 'pg_class'::regclass
                           and rd.objsubid = 0
left join cols on cols.oid = r.oid
left join cons on cons.oid = r.oid
left join idx on idx.oid = r.oid
left join trg on trg.oid = r.oid
left join pol on pol.oid = r.oid
left join rul on rul.oid = r.oid
order by r.nspname, r.relname
