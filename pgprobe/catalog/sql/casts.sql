-- User-defined casts (implemented by a function outside pg_catalog): PostgREST reads the
-- implicit ones on domains as "data representations". Domain names are schema-qualified.
select case when st.typtype = 'd' then format('%I.%I', sn.nspname, st.typname)
            else st.typname::text end as source,
       case when tt.typtype = 'd' then format('%I.%I', tn.nspname, tt.typname)
            else tt.typname::text end as target,
       format('%I.%I', pn.nspname, p.proname) as function,
       case c.castcontext when 'i' then 'implicit' when 'a' then 'assignment'
            else 'explicit' end as context,
       case c.castmethod when 'f' then 'function' when 'i' then 'inout'
            else 'binary' end as method,
       st.typtype = 'd' as source_is_domain,
       tt.typtype = 'd' as target_is_domain
from pg_cast c
join pg_type st on st.oid = c.castsource
join pg_namespace sn on sn.oid = st.typnamespace
join pg_type tt on tt.oid = c.casttarget
join pg_namespace tn on tn.oid = tt.typnamespace
join pg_proc p on p.oid = c.castfunc
join pg_namespace pn on pn.oid = p.pronamespace
where pn.nspname not in ('pg_catalog', 'information_schema')
